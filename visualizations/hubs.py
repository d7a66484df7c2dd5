"""Fold the neighbours of a hub in an ego map, so a node with thousands of ties stays readable.

ICE has ~2,000 contracts: drawn one by one they bury the vendors. Here a hub's neighbours are
grouped by kind and, for contracts, by counterpart (the vendor each is AWARDED_TO): one fold node
per vendor ("GEO GROUP: 28 contracts", money summed), tied to the hub and to the vendor. Past
KEEP_GROUPS groups of a kind, the smallest go into one "and N more" node. Nodes left tied only to
an "and N more" node join it as well. Every fold node lists its members (ids and names), so the
page's find box still finds each of them and each member links to its own map. Linear time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from graph_service.records import Edge, Node, Value
from visualizations.lod import VENDOR_TYPES
from visualizations.payload import MapView

HUB_LIMIT = 40  # a focus node with more neighbours than this gets them folded
KEEP_GROUPS = 25  # groups (or single nodes) of one kind shown per hub; the rest: "and N more"
KEEP_SOURCES = 25  # sources cited on one fold node or folded tie


@dataclass
class _Group:
    node_id: str
    hub: str
    kind: str
    counterpart: str | None
    members: list[str] = field(default_factory=list)
    money: float = 0.0


def _plural(kind: str, count: int) -> str:
    word = kind.lower()
    if count == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _vendor_of(edges: list[Edge], nodes: dict[str, Node]) -> dict[str, str]:
    vendor: dict[str, str] = {}
    for edge in sorted(edges, key=lambda e: e.key):
        if edge.type in VENDOR_TYPES and edge.target in nodes:
            vendor.setdefault(edge.source, edge.target)
    return vendor


def _groups(hub: str, neighbours: list[str], nodes: dict[str, Node], vendor: dict[str, str],
            money: dict[str, float], degree: dict[str, int]) -> list[_Group]:
    by_key: dict[tuple[str, str | None], _Group] = {}
    for node_id in sorted(neighbours):
        kind = nodes[node_id].kind
        counterpart = vendor.get(node_id) if kind == "Contract" else None
        key = (kind, counterpart if counterpart else node_id)
        group = by_key.setdefault(
            key, _Group(f"fold:{hub}:{kind}:{key[1]}", hub, kind, counterpart))
        group.members.append(node_id)
        group.money += money.get(node_id, 0.0)
    folded: list[_Group] = []
    by_kind: dict[str, list[_Group]] = defaultdict(list)
    for group in by_key.values():
        by_kind[group.kind].append(group)
    for kind, groups in sorted(by_kind.items()):
        groups.sort(key=lambda g: (-g.money, -len(g.members),
                                   -sum(degree[m] for m in g.members), g.node_id))
        kept, rest = groups[:KEEP_GROUPS], groups[KEEP_GROUPS:]
        folded += [g for g in kept if len(g.members) > 1 or g.counterpart]
        if rest:
            more = _Group(f"fold:{hub}:{kind}:more", hub, kind, None)
            for group in rest:
                more.members += group.members
                more.money += group.money
            folded.append(more)
    return folded


def _fold_node(group: _Group, nodes: dict[str, Node], hub: Node) -> Node:
    count = len(group.members)
    words = f"{count} {_plural(group.kind, count)}"
    if group.node_id.endswith(":more"):
        name = f"and {count} more {_plural(group.kind, count)}"
    elif group.counterpart:
        name = f"{nodes[group.counterpart].name}: {words}"
    else:
        name = words
    sources: list[str] = []
    for member in group.members:
        if len(sources) >= KEEP_SOURCES:
            break
        sources = list(dict.fromkeys([*sources, *nodes[member].sources]))[:KEEP_SOURCES]
    properties: dict[str, object] = {"folded": count, "of": hub.name}
    if group.counterpart:
        properties["counterpart"] = nodes[group.counterpart].name
    if group.money:
        properties["obligated (sum)"] = round(group.money, 2)
    return Node(group.node_id, group.kind, name, properties=properties,  # type: ignore[arg-type]
                sources=sources)


def _merge_ties(edges: list[Edge], where: dict[str, str]) -> list[Edge]:
    """Ties re-pointed at fold nodes; parallel ones merged (counted, sources unioned)."""
    merged: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        source, target = where.get(edge.source, edge.source), where.get(edge.target, edge.target)
        if source == target:
            continue
        key = (source, edge.type, target)
        if key not in merged:
            props: dict[str, Value] = dict(edge.properties) \
                if source == edge.source and target == edge.target else {"ties": 1}
            merged[key] = replace(edge, source=source, target=target, properties=props,
                                  sources=list(edge.sources[:KEEP_SOURCES]))
            continue
        tie = merged[key]
        count = tie.properties.get("ties")
        tie.properties["ties"] = (count if isinstance(count, int) else 1) + 1
        tie.sources = list(dict.fromkeys([*tie.sources, *edge.sources]))[:KEEP_SOURCES]
        if edge.status != "reported":
            tie.status = "inferred"
    return [merged[k] for k in sorted(merged)]


def fold_hubs(view: MapView, limit: int = HUB_LIMIT) -> MapView:
    """The view with each focus node's neighbours folded when it has more than `limit`."""
    nodes = {n.id: n for n in view.nodes}
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in view.edges:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    hubs = [f for f in view.focus if f in nodes and len(adjacent[f]) > limit]
    if not hubs:
        return view
    degree = {n: len(adjacent[n]) for n in nodes}
    vendor = _vendor_of(view.edges, nodes)
    where: dict[str, str] = {}
    groups: dict[str, _Group] = {}
    for hub in hubs:
        near = [n for n in adjacent[hub] if n not in view.focus and n not in where]
        for group in _groups(hub, near, nodes, vendor, view.money, degree):
            groups[group.node_id] = group
            where.update(dict.fromkeys(group.members, group.node_id))
    # A node tied only to an "and N more" node (a vendor of folded-away contracts) joins one
    # "and N more" node of its own kind there, instead of floating around it.
    for node_id in sorted(nodes):
        if node_id in where or node_id in view.focus:
            continue
        ends = {where.get(n, n) for n in adjacent[node_id]}
        if len(ends) == 1 and (only := next(iter(ends))).endswith(":more"):
            kind = nodes[node_id].kind
            key = f"{only}:{kind}"
            group = groups.setdefault(key, _Group(key + ":more", groups[only].hub, kind, None))
            group.members.append(node_id)
            group.money += view.money.get(node_id, 0.0)
            where[node_id] = group.node_id
    fold_nodes = [_fold_node(g, nodes, nodes[g.hub]) for g in groups.values()]
    kept = [n for n in view.nodes if n.id not in where] + sorted(fold_nodes, key=lambda n: n.id)
    money = {k: v for k, v in view.money.items() if k not in where}
    money.update({g.node_id: g.money for g in groups.values() if g.money > 0})
    members = {g.node_id: [[m, nodes[m].name] for m in g.members] for g in groups.values()}
    notes = [*view.notes, f"{len(where)} neighbours of {', '.join(nodes[h].name for h in hubs)} "
             f"folded into {len(groups)} nodes by kind and counterpart (find still finds them)"]
    return replace(view, nodes=kept, edges=_merge_ties(view.edges, where), money=money,
                   members=members, notes=notes)
