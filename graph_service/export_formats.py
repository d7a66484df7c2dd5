"""Writers for an export scope: JSON lines, GraphML, standard GEXF 1.3 and a citation bundle CSV.

Each writer yields text chunks; `graph_service.export.write_output` puts them on disk. GEXF and
GraphML hold nodes and ties only: the Source nodes cited become readable attributes (titles,
publishers, dates and URLs), so a 40-node answer is not drowned in thousands of evidence nodes.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Literal
from xml.etree import ElementTree as ET

import networkx as nx

from graph_service.export_scope import Scope
from graph_service.records import Edge, Node, Value
from graph_service.safe_csv import SafeWriter

GEXF_NS = "http://gexf.net/1.3"
AttrType = Literal["boolean", "long", "double", "string"]
Scalar = str | int | float | bool
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CITATION_COLUMNS = (
    "from_id", "from_name", "relationship", "to_id", "to_name", "status", "rule", "matched",
    "amount", "source_id", "source_title", "publisher", "published", "url", "excerpt",
)


# -- shared: readable sources and typed attribute columns ---------------------------------------


def _describe(source_id: str, sources: dict[str, Node]) -> str:
    node = sources.get(source_id)
    if node is None:
        return source_id
    props = node.properties
    title = str(props.get("title") or node.name)
    detail = ", ".join(str(props[k]) for k in ("publisher", "published") if props.get(k))
    return f"{title} ({detail})" if detail else title


def source_columns(ids: Iterable[str], sources: dict[str, Node]) -> dict[str, Scalar]:
    """`sources`: titles (publisher, date) joined by ' | '; `source_urls`: their URLs."""
    ids = list(ids)
    if not ids:
        return {}
    urls = [str(u) for i in ids if i in sources and (u := sources[i].properties.get("url"))]
    columns: dict[str, Scalar] = {"sources": " | ".join(_describe(i, sources) for i in ids)}
    if urls:
        columns["source_urls"] = " ".join(urls)
    return columns


def _scalar(value: Value) -> Scalar | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else None
    return value


def node_columns(node: Node, sources: dict[str, Node]) -> dict[str, Scalar]:
    columns: dict[str, Scalar] = {"kind": node.kind}
    if node.aliases:
        columns["aliases"] = "; ".join(node.aliases)
    columns.update(source_columns(node.sources, sources))
    for key in ("first_seen", "last_seen"):
        if (seen := getattr(node, key)) is not None:
            columns[key] = seen
    for key, value in sorted(node.properties.items()):
        if (flat := _scalar(value)) is not None and key not in columns:
            columns[key] = flat
    return columns


def edge_columns(edge: Edge, sources: dict[str, Node]) -> dict[str, Scalar]:
    # The relationship name is an attribute of its own: GEXF's `type` means directedness.
    columns: dict[str, Scalar] = {"relationship": edge.type, "status": edge.status}
    columns.update(source_columns(edge.sources, sources))
    for key in ("first_seen", "last_seen"):
        if (seen := getattr(edge, key)) is not None:
            columns[key] = seen
    for key, value in sorted(edge.properties.items()):
        if (flat := _scalar(value)) is not None and key not in columns:
            columns[key] = flat
    return columns


def _type_of(values: Iterable[Scalar]) -> AttrType:
    """One declared type per column: the narrowest that holds every value seen."""
    kinds = {bool if isinstance(v, bool) else int if isinstance(v, int)
             else float if isinstance(v, float) else str for v in values}
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _typed_columns(rows: list[dict[str, Scalar]]) -> dict[str, AttrType]:
    seen: dict[str, list[Scalar]] = {}
    for row in rows:
        for key, value in row.items():
            seen.setdefault(key, []).append(value)
    return {key: _type_of(values) for key, values in seen.items()}


def _text(value: Scalar, kind: AttrType) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return _NOT_XML.sub("", str(value))


# -- JSON lines ---------------------------------------------------------------------------------


def jsonl_chunks(scope: Scope) -> Iterator[str]:
    """The scope's nodes, the Source nodes it cites, then its ties: what `load graph` reads."""
    nodes = sorted([*scope.nodes, *scope.sources.values()], key=lambda n: n.id)
    for node in nodes:
        yield json.dumps({"record": "node", **node.to_dict()}, ensure_ascii=False,
                         sort_keys=True) + "\n"
    for edge in sorted(scope.edges, key=lambda e: e.key):
        yield json.dumps({"record": "edge", **edge.to_dict()}, ensure_ascii=False,
                         sort_keys=True) + "\n"


# -- GraphML ------------------------------------------------------------------------------------


def graphml_chunks(scope: Scope) -> Iterator[str]:
    graph = nx.MultiDiGraph(name=scope.title)
    node_rows = [node_columns(n, scope.sources) for n in scope.nodes]
    edge_rows = [edge_columns(e, scope.sources) for e in scope.edges]
    node_types, edge_types = _typed_columns(node_rows), _typed_columns(edge_rows)
    for node, row in zip(scope.nodes, node_rows, strict=True):
        # networkx infers each key's GraphML type from values: give it one type per key.
        graph.add_node(node.id, label=_NOT_XML.sub("", node.name),
                       **{k: _cast(v, node_types[k]) for k, v in row.items()})
    for edge, row in zip(scope.edges, edge_rows, strict=True):
        graph.add_edge(edge.source, edge.target, key=edge.type,
                       **{k: _cast(v, edge_types[k]) for k, v in row.items()})
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    yield buffer.getvalue().decode("utf-8")


def _cast(value: Scalar, kind: AttrType) -> Scalar:
    if kind == "double":
        return float(value)
    if kind == "string":
        return _NOT_XML.sub("", str(value))
    return value


# -- GEXF 1.3 -----------------------------------------------------------------------------------


def _attributes(graph: ET.Element, klass: str, types: dict[str, AttrType]) -> None:
    block = ET.SubElement(graph, "attributes", {"class": klass})
    for key, kind in types.items():
        ET.SubElement(block, "attribute", {"id": key, "title": key, "type": kind})


def _attvalues(parent: ET.Element, row: dict[str, Scalar], types: dict[str, AttrType]) -> None:
    if row:
        values = ET.SubElement(parent, "attvalues")
        for key, value in row.items():
            ET.SubElement(values, "attvalue", {"for": key, "value": _text(value, types[key])})


def gexf_chunks(scope: Scope, today: date | None = None) -> Iterator[str]:
    """Standard GEXF 1.3 (the gexf.net/1.3 grammar): directed edges, the relationship name as
    the `relationship` attribute and as the edge `kind` and `label` (Gephi keeps parallel ties
    of different kinds apart), sources as readable text attributes."""
    node_rows = [node_columns(n, scope.sources) for n in scope.nodes]
    edge_rows = [edge_columns(e, scope.sources) for e in scope.edges]
    node_types, edge_types = _typed_columns(node_rows), _typed_columns(edge_rows)
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta",
                         {"lastmodifieddate": (today or date.today()).isoformat()})
    ET.SubElement(meta, "creator").text = "survgraph"
    ET.SubElement(meta, "description").text = _NOT_XML.sub("", scope.title)
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    _attributes(graph, "node", node_types)
    _attributes(graph, "edge", edge_types)
    nodes = ET.SubElement(graph, "nodes", {"count": str(len(scope.nodes))})
    for node, row in zip(scope.nodes, node_rows, strict=True):
        element = ET.SubElement(nodes, "node", {"id": node.id,
                                                "label": _NOT_XML.sub("", node.name)})
        _attvalues(element, row, node_types)
    edges = ET.SubElement(graph, "edges", {"count": str(len(scope.edges))})
    for index, (edge, row) in enumerate(zip(scope.edges, edge_rows, strict=True)):
        element = ET.SubElement(edges, "edge", {
            "id": str(index), "source": edge.source, "target": edge.target,
            "label": edge.type, "kind": edge.type,
        })
        _attvalues(element, row, edge_types)
    ET.indent(root)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ET.tostring(root, encoding="unicode") + "\n"


# -- citation bundle ----------------------------------------------------------------------------


def _name(nodes: dict[str, Node], node_id: str) -> str:
    node = nodes.get(node_id)
    return node.name if node else ""


def _amount(edge: Edge, nodes: dict[str, Node]) -> Value:
    """Money on the tie (a folded tie's amount), else the obligated USD of its contract end."""
    if edge.properties.get("amount") is not None:
        return edge.properties["amount"]
    for end in (edge.source, edge.target):
        node = nodes.get(end)
        if node is not None and node.kind == "Contract":
            return node.properties.get("obligated")
    return None


def citation_chunks(scope: Scope) -> Iterator[str]:
    """One row per tie and source it cites (a tie citing nothing gets one row saying so): ready
    to paste into a report. Spreadsheet-safe: no cell can run as a formula."""
    nodes = {n.id: n for n in scope.nodes}
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(CITATION_COLUMNS)
    for edge in sorted(scope.edges, key=lambda e: e.key):
        tie = [edge.source, _name(nodes, edge.source), edge.type, edge.target,
               _name(nodes, edge.target), edge.status, _scalar(edge.properties.get("rule")),
               _scalar(edge.properties.get("matched")), _amount(edge, nodes)]
        for source_id in edge.sources or [""]:
            node = scope.sources.get(source_id)
            props = node.properties if node else {}
            title = props.get("title") or (node.name if node else "")
            writer.writerow([*tie, source_id, title, props.get("publisher"),
                             props.get("published"), props.get("url"), props.get("excerpt")])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
