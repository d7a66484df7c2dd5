"""The records every store reads and writes: nodes, relationships, and batches of both.

Written to a store, a Node or Edge is a *claim*: what one source record says about one entity
or tie (its `sources[0]` is the source, `record` the place in it, `origin` the kind of source
the resolution policy ranks). The store keeps claims as statements and derives the graph view
from them (graph_service/statements.py); read back, a Node or Edge is that view.

Plain slotted dataclasses (not pydantic models); the schema checks live in `validate_node` /
`validate_edge`, called once per record at the boundary, and `ClaimChecks` answers the same for
claims a load builds in bulk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from graph_service.domain_model import DomainModel, PropertySpec

Value = str | int | float | bool | list[str] | None

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[a-z][a-z0-9-]*:[^\s]+$")
# Edge fields that are attributes of the record, not free properties.
_EDGE_FIELDS = frozenset({"sources", "status", "first_seen", "last_seen"})
# Bounds on what anyone may send (files, the API): a NUL byte or a megabyte-long cell is damage,
# not data, and no amount in USD reaches a quadrillion.
MAX_TEXT = 100_000
MAX_AMOUNT = 1e15


class ValidationError(ValueError):
    """A record breaks the schema; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(slots=True)
class Node:
    id: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    properties: dict[str, Value] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    record: str | None = None  # claims only: where in the source, e.g. "file.csv:12"
    origin: str | None = None  # claims only: the policy's source class, e.g. "dataset"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "aliases": list(self.aliases),
            "properties": dict(sorted(self.properties.items())),
            "sources": list(self.sources),
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        return cls(
            id=data["id"],
            kind=data["kind"],
            name=data["name"],
            aliases=list(data.get("aliases") or []),
            properties=dict(data.get("properties") or {}),
            sources=list(data.get("sources") or []),
            first_seen=data.get("first_seen"),
            last_seen=data.get("last_seen"),
        )


@dataclass(slots=True)
class Edge:
    type: str
    source: str
    target: str
    status: str = "reported"
    properties: dict[str, Value] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    record: str | None = None
    origin: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "from": self.source,
            "to": self.target,
            "status": self.status,
            "properties": dict(sorted(self.properties.items())),
            "sources": list(self.sources),
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edge:
        return cls(
            type=data["type"],
            source=data["from"],
            target=data["to"],
            status=data.get("status") or "reported",
            properties=dict(data.get("properties") or {}),
            sources=list(data.get("sources") or []),
            first_seen=data.get("first_seen"),
            last_seen=data.get("last_seen"),
        )


@dataclass(slots=True)
class Batch:
    """Claims written together: wholly or not at all. (The load pipeline does not make these:
    it checks each claim as it is built and appends statement rows, loaders/claims.py.)"""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)


# -- validation ---------------------------------------------------------------------------------


def union(first: Sequence[str], second: Iterable[str]) -> list[str]:
    """Ordered union: keeps the order of `first`, then new items of `second`."""
    seen = set(first)
    merged = list(first)
    for item in second:
        if item not in seen:
            seen.add(item)
            merged.append(item)
    return merged


def _type_ok(kind: str, value: object) -> bool:
    if kind in ("string", "datetime"):
        return isinstance(value, str)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and bool(_DATE.match(value))
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, bool)


def _check_text(key: str, value: str) -> None:
    if len(value) > MAX_TEXT:
        raise ValidationError(
            f"{key}: {len(value):,} characters, more than the {MAX_TEXT:,} allowed", key
        )
    if "\x00" in value:
        raise ValidationError(f"{key}: contains a NUL byte (binary data?)", key)


def _fine(kind: str, enum: object, value: object) -> bool:
    """The common, valid cases answered quickly (bulk loads check millions of values); False
    sends the value through the full checks below, which raise the precise error."""
    if kind == "string":
        return (type(value) is str and len(value) <= MAX_TEXT and "\x00" not in value
                and (enum is None or value in enum))  # type: ignore[operator]
    if kind == "list":
        return enum is None and type(value) is list and all(
            type(v) is str and len(v) <= MAX_TEXT and "\x00" not in v for v in value
        )
    if kind == "float":
        return (enum is None and type(value) is float and math.isfinite(value)
                and abs(value) < MAX_AMOUNT)
    return False


def _check_value(spec: PropertySpec, key: str, value: Value) -> None:
    if value is None:
        return
    kind = spec.type
    if _fine(kind, spec.enum, value):
        return
    if not _type_ok(kind, value):
        raise ValidationError(f"{key}: expected {kind}, got {value!r}", key)
    if isinstance(value, str):
        _check_text(key, value)
    elif isinstance(value, list):
        for item in value:
            _check_text(key, item)
    if kind == "float" and not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ValidationError(f"{key}: {value!r} is not a finite number", key)
    if kind == "float" and abs(float(value)) >= MAX_AMOUNT:  # type: ignore[arg-type]
        raise ValidationError(f"{key}: {value!r} is not a plausible amount (at most 1e15)", key)
    if kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError(f"{key}: {value!r} is not a real date", key) from exc
    if kind == "datetime":
        try:
            datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError(f"{key}: {value!r} is not an ISO 8601 datetime", key) from exc
    if spec.enum is not None and value not in spec.enum:
        raise ValidationError(f"{key}: {value!r} is not one of {', '.join(spec.enum)}", key)


def _check_properties(specs: dict[str, PropertySpec], owner: str,
                      properties: dict[str, Value]) -> None:
    for key, value in properties.items():
        spec = specs.get(key)
        if spec is None:
            raise ValidationError(f"{owner} has no property {key!r}", key)
        # The common valid cases inline: bulk loads check millions of values.
        if value is None or (
            type(value) is str and spec.type == "string" and spec.enum is None
            and len(value) <= MAX_TEXT and "\x00" not in value
        ):
            continue
        _check_value(spec, key, value)


def _check_names(key: str, values: list[str]) -> None:
    if type(values) is not list:
        raise ValidationError(f"{key}: expected list, got {values!r}", key)
    for item in values:
        if type(item) is not str:
            raise ValidationError(f"{key}: expected list, got {values!r}", key)
        if len(item) > MAX_TEXT or "\x00" in item:
            _check_text(key, item)


def validate_node(model: DomainModel, node: Node) -> None:
    kind_spec = model.kinds.get(node.kind)
    if kind_spec is None:
        raise ValidationError(f"unknown kind {node.kind!r}", "kind")
    if not _ID.match(node.id):
        raise ValidationError(f"id {node.id!r} is not of the form '<prefix>:<slug>'", "id")
    _check_text("id", node.id)
    if model.kind_for_id(node.id) != node.kind:
        raise ValidationError(f"id {node.id!r} must start with '{kind_spec.prefix}:'", "id")
    if not isinstance(node.name, str) or not node.name.strip():
        raise ValidationError("name is required", "name")
    _check_text("name", node.name)
    _check_properties(kind_spec.properties, node.kind, node.properties)
    _check_names("aliases", node.aliases)
    _check_names("sources", node.sources)
    for key in ("first_seen", "last_seen"):
        _check_value(model.node_properties[key], key, getattr(node, key))


def validate_edge(model: DomainModel, edge: Edge, kinds: dict[str, str] | None = None) -> None:
    """Check an edge against the schema; `kinds` maps known node ids to kinds (for end checks)."""
    spec = model.relationships.get(edge.type)
    if spec is None:
        raise ValidationError(f"unknown relationship type {edge.type!r}", "type")
    if edge.status not in ("reported", "inferred"):
        raise ValidationError(f"status {edge.status!r} is not reported or inferred", "status")
    for end, node_id, allowed in (
        ("from", edge.source, spec.from_kinds),
        ("to", edge.target, spec.to_kinds),
    ):
        kind = (kinds or {}).get(node_id) or model.kind_for_id(node_id)
        if kind not in allowed:
            raise ValidationError(
                f"{edge.type} {end} must be {' or '.join(allowed)}, got {node_id!r}", end
            )
    if not _EDGE_FIELDS.isdisjoint(edge.properties):
        key = next(k for k in edge.properties if k in _EDGE_FIELDS)
        raise ValidationError(f"{edge.type} has no property {key!r}", key)
    _check_properties(model.relationship_properties, edge.type, edge.properties)
    _check_names("sources", edge.sources)


def _text_ok(value: object) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT and "\x00" not in value


def _names_ok(values: object) -> bool:
    if type(values) is not list:
        return False
    for item in values:
        if type(item) is not str or len(item) > MAX_TEXT or "\x00" in item:
            return False
    return True


class ClaimChecks:
    """`validate_node` / `validate_edge` for claims built in bulk, answered from per-kind tables
    with each distinct typed value checked once (a load states the same amounts, dates and days
    thousands of times). True only for what the full checks accept; False sends the claim
    through them, which raise the precise error."""

    _MEMO = 200_000  # distinct values remembered

    def __init__(self, model: DomainModel) -> None:
        self.model = model
        self._kinds = {kind: spec.properties for kind, spec in model.kinds.items()}
        # kind_for_id(id) == kind: the id starts with the prefix that names the kind.
        self._prefix = {kind: f"{prefix}:" for prefix, kind in model.prefixes.items()
                        if ":" not in prefix}
        # Per tie type, the id prefixes of the kinds each end may be.
        self._ties = {name: (frozenset(p for p, k in model.prefixes.items()
                                       if k in spec.from_kinds),
                             frozenset(p for p, k in model.prefixes.items()
                                       if k in spec.to_kinds))
                      for name, spec in model.relationships.items()}
        # Per owner (a kind, "@tie"), the keys whose values are free text: checked inline.
        owners = {**self._kinds, "@tie": model.relationship_properties}
        self._free = {owner: frozenset(k for k, spec in specs.items()
                                       if spec.type == "string" and spec.enum is None)
                      for owner, specs in owners.items()}
        # Per owner and key, the typed values (dates, codes of an enum, counts) already found
        # good; a value is remembered with its type (True == 1 == 1.0).
        self._good: dict[str, dict[str, set[object]]] = {owner: {} for owner in owners}
        self._remembered = 0
        self._days: set[tuple[str | None, str | None]] = set()

    def _values_ok(self, owner: str, specs: dict[str, PropertySpec],
                   properties: dict[str, Value]) -> bool:
        free = self._free[owner]
        good = self._good[owner]
        for key, value in properties.items():
            if value is None:
                if key not in specs:
                    return False
                continue
            if key in free and type(value) is str:
                if len(value) > MAX_TEXT or "\x00" in value:
                    return False
                continue
            spec = specs.get(key)
            if spec is None:
                return False
            if type(value) is list:
                if spec.type != "list" or spec.enum is not None or not _names_ok(value):
                    return False
                continue
            if type(value) is float and spec.type == "float" and spec.enum is None:
                if not (math.isfinite(value) and abs(value) < MAX_AMOUNT):
                    return False
                continue  # amounts rarely repeat: checked inline, not remembered
            memo = value if type(value) is str else (type(value), value)
            known = good.get(key)
            if known is not None and memo in known:
                continue
            try:
                _check_value(spec, key, value)
            except ValidationError:
                return False
            if self._remembered >= self._MEMO:
                for sets in self._good.values():
                    sets.clear()
                self._remembered = 0
            good.setdefault(key, set()).add(memo)
            self._remembered += 1
        return True

    def _days_ok(self, first_seen: str | None, last_seen: str | None) -> bool:
        days = (first_seen, last_seen)
        if days in self._days:
            return True
        specs = self.model.node_properties
        try:
            _check_value(specs["first_seen"], "first_seen", first_seen)
            _check_value(specs["last_seen"], "last_seen", last_seen)
        except ValidationError:
            return False
        self._days.add(days)
        return True

    def node_ok(self, node_id: str, kind: str, name: str, aliases: object,
                properties: dict[str, Value], sources: object, first_seen: str | None,
                last_seen: str | None) -> bool:
        specs = self._kinds.get(kind)
        prefix = self._prefix.get(kind)
        return (specs is not None and prefix is not None and _text_ok(node_id)
                and node_id.startswith(prefix) and bool(_ID.match(node_id))
                and _text_ok(name) and bool(name.strip())
                and self._values_ok(kind, specs, properties)
                and _names_ok(aliases) and _names_ok(sources)
                and self._days_ok(first_seen, last_seen))

    def edge_ok(self, rel_type: str, source: str, target: str, status: str,
                properties: dict[str, Value], sources: object) -> bool:
        ends = self._ties.get(rel_type)
        if ends is None:
            return False
        start, _, start_rest = source.partition(":")
        end, _, end_rest = target.partition(":")
        return (status in ("reported", "inferred")
                and bool(start_rest) and start in ends[0] and bool(end_rest) and end in ends[1]
                and _EDGE_FIELDS.isdisjoint(properties)
                and self._values_ok("@tie", self.model.relationship_properties, properties)
                and _names_ok(sources))


def prepare_batch(model: DomainModel, batch: Batch) -> tuple[Batch, dict[str, str]]:
    """What every store does before writing: check each claim against the schema; returns the
    batch and its node ids' kinds. Duplicate claims are not merged here: they are statements,
    and the view's policy decides (statements.py)."""
    kinds = {n.id: n.kind for n in batch.nodes}
    for node in batch.nodes:
        validate_node(model, node)
    for edge in batch.edges:
        validate_edge(model, edge, kinds)
    return batch, kinds
