"""`survgraph load graph`: the canonical JSON lines `survgraph export --format jsonl` writes.

Nodes come first, then ties, so every tie's ends are already written when its batch commits.
Records are loaded exactly as exported (their own sources and first/last seen), and no file
Source is added: export -> load -> export gives the same lines.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph_service.judgements import Judgement
from graph_service.records import Edge, Node, ValidationError, validate_edge, validate_node
from graph_service.stores.action_sums import DERIVED
from loaders.claims import RowOutput
from loaders.input_files import InputFile, WrongShape
from loaders.reading import has_invalid, invalid_reason
from loaders.values import RowError

_NODE_KEYS = ("id", "kind", "name")
_EDGE_KEYS = ("type", "from", "to")


class GraphJsonl(InputFile):
    format_name = "survgraph-jsonl"
    cite_file = False

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._handle: Any = None
        self.judgements: list[Judgement] = []  # applied by the caller after the nodes and ties
        with path.open(encoding=self.encoding, errors=self.reading.errors) as handle:
            first = next((line for line in handle if line.strip()), None)
        if first is None:
            return  # an empty graph is a valid export
        try:
            record = json.loads(first)
        except json.JSONDecodeError as exc:
            raise WrongShape(path, f"not JSON lines: line 1: {exc}") from exc
        if not isinstance(record, dict) or record.get("record") not in ("node", "edge"):
            raise WrongShape(path, "not a survgraph JSON lines export: the first line has no "
                             "\"record\": \"node\" or \"edge\"", ["record"])

    def records(self) -> Iterator[tuple[int, Any]]:
        with self.path.open("rb") as raw:
            self._handle = raw
            lines = io.TextIOWrapper(raw, encoding=self.encoding, errors=self.reading.errors)
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                if self.reading.invalid_bytes and has_invalid(line):
                    yield number, RowError("(line)", invalid_reason(line))
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, RowError("(line)", f"not JSON: {exc}")

    def position(self) -> int:
        try:
            return int(self._handle.tell()) if self._handle is not None else 0
        except (OSError, ValueError):
            return self.size

    def build(self, record: Any, out: RowOutput) -> None:
        if not isinstance(record, dict):
            raise RowError("(line)", "is not a JSON object")
        kind = record.get("record")
        if kind == "judgement":
            try:
                self.judgements.append(Judgement.from_dict(record))
            except KeyError as exc:
                raise RowError(str(exc), "is missing") from exc
            return
        model = out._ctx.model
        keys = _NODE_KEYS if kind == "node" else _EDGE_KEYS if kind == "edge" else None
        if keys is None:
            raise RowError("record", f"{kind!r} is neither 'node' nor 'edge'")
        for key in keys:
            if not record.get(key):
                raise RowError(key, "is missing")
        try:
            if kind == "node":
                node = Node.from_dict(record)
                _drop_derived(node)
                validate_node(model, node)
                out.stated([node], [])
            else:
                edge = Edge.from_dict(record)
                validate_edge(model, edge)
                out.stated([], [edge])
        except ValidationError as exc:
            raise RowError(exc.field or "(record)", str(exc)) from exc
        except (TypeError, AttributeError) as exc:
            raise RowError("(record)", f"malformed record: {exc}") from exc


def _drop_derived(node: Node) -> None:
    """A contract's action money is the view's (stores/action_sums.py), never a statement:
    re-loaded as stated, an export's sums would stop following the actions."""
    if node.kind != "Contract" or "obligated_basis" not in node.properties:
        return
    props = node.properties
    if props.get("obligated_basis") != "stated":
        props.pop("obligated", None)
    for key in DERIVED:
        props.pop(key, None)
