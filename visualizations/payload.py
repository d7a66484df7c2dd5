"""Turn a map view (nodes, ties, sources, facts) into the JSON the page draws: positions,
style from the schema, size by money or degree. One pass over nodes and ties (linear time),
unlike pyvis's `from_nx`, which searches its node list for every tie."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from graph_service.domain_model import DomainModel
from graph_service.records import Edge, Node, Value
from visualizations.layout import flow_layout, force_layout
from visualizations.lod import FOLDED

Mode = Literal["ego", "reach", "path", "overview"]
PHYSICS_LIMIT = 300  # above this many nodes, no physics: the precomputed layout is final
BIG_MAP = 1500  # above this many nodes or ties, cheaper drawing (straight ties, no hover)
TIE_LIMIT = 5000  # above this many ties, map.js draws them on the canvas itself
LABEL_MAX = 48
SOURCE_FIELDS = ("url", "title", "publisher", "published", "source_kind", "excerpt", "archive_url")

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(node_id: str) -> str:
    """File-name form of an id (`company:microsoft` -> `company-microsoft`); map.js mirrors it."""
    return _SLUG.sub("-", node_id.lower()).strip("-")


@dataclass
class MapView:
    """What one map shows, as read from the store."""

    mode: Mode
    title: str
    subtitle: str
    nodes: list[Node]
    edges: list[Edge]
    layout: Literal["flow", "force"]
    focus: list[str] = field(default_factory=list)
    sources: dict[str, Node] = field(default_factory=dict)
    money: dict[str, float] = field(default_factory=dict)
    facts: dict[str, dict[str, Value]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Fold node id -> the [id, name] of each node folded into it (visualizations/hubs.py).
    members: dict[str, list[list[str]]] = field(default_factory=dict)
    # Node id -> property -> what each source said, where sources disagree (provenance.py).
    conflicts: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


def _label(name: str) -> str:
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1] + "…"


def share(value: float, top: float) -> float:
    """`value / top` in [0, 1] on a square-root scale; 0 for amounts <= 0 (de-obligations are
    real: a contract's obligated total can be negative) and when nothing is positive."""
    if value <= 0 or top <= 0:
        return 0.0
    return math.sqrt(min(value, top) / top)


def _sizes(view: MapView, degree: Counter[str]) -> dict[str, float]:
    """Money (USD, square-root scale) where known, else the number of ties (log scale)."""
    top_money = max(view.money.values(), default=0.0)
    sizes: dict[str, float] = {}
    for node in view.nodes:
        money = view.money.get(node.id, 0.0)
        if money > 0 and top_money > 0:
            sizes[node.id] = round(14 + 36 * share(money, top_money), 1)
        else:
            sizes[node.id] = round(min(40.0, 9 + 5 * math.log2(1 + max(0, degree[node.id]))), 1)
    return sizes


def _positions(view: MapView) -> dict[str, tuple[float, float]]:
    ties = [(e.source, e.target) for e in view.edges]
    if view.layout == "flow":
        kinds = {n.id: n.kind for n in view.nodes}
        part_of = [(e.source, e.target) for e in view.edges if e.type == "PART_OF"]
        return flow_layout(kinds, ties, part_of)
    return force_layout([n.id for n in view.nodes], ties)


def build_payload(view: MapView, model: DomainModel, ego_link: str) -> dict[str, Any]:
    """The page's data. `ego_link` is a pattern with `{id}` or `{slug}` for expand links."""
    present = {n.id for n in view.nodes}
    edges = [e for e in view.edges if e.source in present and e.target in present]
    degree: Counter[str] = Counter()
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    positions = _positions(replace(view, edges=edges))
    sizes = _sizes(view, degree)
    top_amount = max(
        (float(a) for e in edges if isinstance(a := e.properties.get("amount"), int | float)),
        default=0.0,
    )
    nodes_out = []
    for node in view.nodes:
        x, y = positions[node.id]
        item: dict[str, Any] = {
            "id": node.id, "name": node.name, "label": _label(node.name), "kind": node.kind,
            "x": x, "y": y, "size": sizes[node.id], "degree": degree[node.id],
        }
        if node.aliases:
            item["aliases"] = node.aliases
        if node.properties:
            item["props"] = {k: v for k, v in sorted(node.properties.items()) if v is not None}
        if node.sources:
            item["sources"] = node.sources
        if node.id in view.money:
            item["money"] = view.money[node.id]
        if node.id in view.facts:
            item["facts"] = view.facts[node.id]
        if node.id in view.members:
            item["members"] = view.members[node.id]
        if node.id in view.conflicts:
            item["conflicts"] = view.conflicts[node.id]
        nodes_out.append(item)
    # Ties travel as compact rows (a 37k-tie map is ~1 MB, not 5): [from index, to index,
    # type index, inferred 0/1, width, source-set index or -1, properties or 0].
    index = {node.id: i for i, node in enumerate(view.nodes)}
    type_names = sorted({e.type for e in edges})
    type_index = {name: i for i, name in enumerate(type_names)}
    source_sets: dict[tuple[str, ...], int] = {}
    edges_out: list[list[Any]] = []
    for edge in edges:
        amount = edge.properties.get("amount")
        width = 1.0
        if isinstance(amount, int | float) and top_amount > 0:
            width = round(1 + 9 * share(float(amount), top_amount), 2)
        cited = source_sets.setdefault(tuple(edge.sources), len(source_sets)) \
            if edge.sources else -1
        props = {k: v for k, v in sorted(edge.properties.items()) if v is not None}
        edges_out.append([index[edge.source], index[edge.target], type_index[edge.type],
                          1 if edge.status == "inferred" else 0, width, cited, props or 0])
    kinds_present = Counter(n.kind for n in view.nodes)
    types_present = Counter(e.type for e in edges)
    kinds = {
        name: {"color": spec.style.color, "shape": spec.style.shape,
               "description": spec.description, "count": kinds_present[name]}
        for name, spec in model.kinds.items() if kinds_present[name]
    }
    relationships = {
        name: {"description": model.relationships[name].description
               if name in model.relationships else "contracts folded into one vendor-agency tie",
               "count": count}
        for name, count in sorted(types_present.items())
    }
    sources = {
        source_id: {"name": node.name, **{
            k: node.properties[k] for k in SOURCE_FIELDS if node.properties.get(k) is not None
        }}
        for source_id, node in sorted(view.sources.items())
    }
    big = len(nodes_out) > BIG_MAP or len(edges_out) > BIG_MAP
    return {
        "meta": {
            "mode": view.mode, "title": view.title, "subtitle": view.subtitle,
            "focus": view.focus, "notes": view.notes, "kinds": kinds,
            "relationships": relationships, "egoLink": ego_link, "folded": FOLDED,
            "physics": view.layout == "force" and len(nodes_out) <= PHYSICS_LIMIT,
            "big": big, "tieLimit": TIE_LIMIT,
        },
        "nodes": nodes_out,
        "edges": edges_out,
        "types": type_names,
        "sourceSets": [list(ids) for ids in source_sets],
        "sources": sources,
    }
