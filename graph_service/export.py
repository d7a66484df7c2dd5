"""Export the whole graph: canonical JSON lines (re-loadable), GraphML and GEXF (for Gephi)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graph_service.records import Edge, Node
from graph_service.stores.base import GraphStore

ExportFormat = Literal["jsonl", "graphml", "gexf"]


def jsonl_lines(store: GraphStore) -> Iterator[str]:
    """Nodes ordered by id, then ties ordered by (from, type, to): one JSON object a line.

    Each line is `{"record": "node", ...Node.to_dict()}` or `{"record": "edge", ...}`;
    `survgraph load graph` reads the same lines back."""
    for node in store.iter_nodes():
        yield json.dumps({"record": "node", **node.to_dict()}, ensure_ascii=False, sort_keys=True)
    for edge in store.iter_edges():
        yield json.dumps({"record": "edge", **edge.to_dict()}, ensure_ascii=False, sort_keys=True)


def _flat(value: Any) -> str | int | float | bool:
    """GraphML and GEXF hold scalars only: lists and missing values become strings."""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _node_attributes(node: Node) -> dict[str, str | int | float | bool]:
    attributes = {"kind": node.kind, "label": node.name, "aliases": _flat(node.aliases),
                  "sources": _flat(node.sources)}
    attributes.update({key: _flat(value) for key, value in node.properties.items()
                       if value is not None})
    return attributes


def _edge_attributes(edge: Edge) -> dict[str, str | int | float | bool]:
    attributes = {"type": edge.type, "status": edge.status, "sources": _flat(edge.sources)}
    attributes.update({key: _flat(value) for key, value in edge.properties.items()
                       if value is not None})
    return attributes


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node in store.iter_nodes():
        graph.add_node(node.id, **_node_attributes(node))
    for edge in store.iter_edges():
        graph.add_edge(edge.source, edge.target, key=edge.type, **_edge_attributes(edge))
    return graph


def export(store: GraphStore, fmt: ExportFormat, path: Path) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for line in jsonl_lines(store):
                handle.write(line + "\n")
    elif fmt == "graphml":
        nx.write_graphml(to_networkx(store), path)
    elif fmt == "gexf":
        nx.write_gexf(to_networkx(store), path)
    else:
        raise ValueError(f"unknown export format {fmt!r}: use jsonl, graphml or gexf")
