"""Export the graph or the answer being looked at: canonical JSON lines (re-loadable), GraphML,
standard GEXF 1.3 (for Gephi) and a citation bundle (CSV of ties and their sources).

The whole graph is the default; `graph_service.export_scope` reads the narrower scopes (around a
node, a reach answer, the paths between two nodes) and `graph_service.export_formats` writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, get_args

from graph_service.export_formats import (
    citation_chunks,
    gexf_chunks,
    graphml_chunks,
    jsonl_chunks,
)
from graph_service.export_scope import Scope, whole_scope
from graph_service.output_paths import atomic_output
from graph_service.stores.base import GraphStore

ExportFormat = Literal["jsonl", "graphml", "gexf", "citations"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
SUFFIX = {"jsonl": ".jsonl", "graphml": ".graphml", "gexf": ".gexf", "citations": ".csv"}


def jsonl_lines(store: GraphStore) -> Iterator[str]:
    """Every node ordered by id, then every tie ordered by (from, type, to): one JSON object a
    line, `{"record": "node", ...Node.to_dict()}` or `{"record": "edge", ...}`, then the
    judgements (`{"record": "judgement", ...}`). `survgraph load
    graph` reads the same lines back (the whole-graph export round-trips exactly)."""
    for node in store.iter_nodes():
        yield json.dumps({"record": "node", **node.to_dict()}, ensure_ascii=False, sort_keys=True)
    for edge in store.iter_edges():
        yield json.dumps({"record": "edge", **edge.to_dict()}, ensure_ascii=False, sort_keys=True)
    # Then the analysts' identity judgements (who, why, when), so the export carries them.
    for judgement in store.judgements():
        yield json.dumps({"record": "judgement", **judgement.to_dict()}, ensure_ascii=False,
                         sort_keys=True)


def chunks(store: GraphStore, scope: Scope, fmt: ExportFormat) -> Iterator[str]:
    """The text of `scope` in `fmt`."""
    if fmt == "jsonl":
        # The whole graph streams straight from the store, in the canonical order.
        return (line + "\n" for line in jsonl_lines(store)) if scope.whole else jsonl_chunks(scope)
    if fmt == "graphml":
        return graphml_chunks(scope)
    if fmt == "gexf":
        return gexf_chunks(scope)
    if fmt == "citations":
        return citation_chunks(scope)
    raise ValueError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")


def render(store: GraphStore, scope: Scope, fmt: ExportFormat) -> str:
    return "".join(chunks(store, scope, fmt))


def write_output(path: Path, pieces: Iterable[str]) -> int:
    """Write text to `path` through a temporary file beside it, renamed over it at the end
    (graph_service/output_paths.atomic_output), so a reader never sees half a file and a failed
    export leaves any earlier file as it was. Returns the characters written."""
    size = 0
    with atomic_output(path) as temporary, temporary.open("w", encoding="utf-8",
                                                         newline="") as out:
        for piece in pieces:
            size += out.write(piece)
    return size


def export(store: GraphStore, fmt: ExportFormat, path: Path, scope: Scope | None = None) -> int:
    """Write `scope` (default: the whole graph) to `path` in `fmt`; returns characters written."""
    return write_output(path, chunks(store, scope or whole_scope(store), fmt))
