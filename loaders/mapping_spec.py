"""A mapping read and checked: templates compiled, nodes, ties and derived columns checked
against the schema (the document's shape is checked first, by loaders/mapping_doc.py).

Templates are strings where `{column}` is a cell's value and `{column|slug}` its slug; a string
without braces is a constant. A column may be a derived one (`derive:`, loaders/derive.py).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_service.domain_model import DomainModel, load_model
from graph_service.text import excerpt, fold
from loaders.agency_names import state_in_name
from loaders.derive import FUNCTIONS
from loaders.mapping_doc import (
    EdgeDoc,
    MappingDoc,
    MappingError,
    NodeDoc,
    parse_mapping,
    read_mapping_text,
)
from loaders.resolution import entity_slug
from loaders.values import text

_FIELD = re.compile(r"\{([^{}|]+)(?:\|([a-z]+))?\}")
_FILTERS = ("slug", "upper", "lower", "state")


@dataclass(frozen=True)
class Template:
    """A compiled template: literal text and column references."""

    source: str
    parts: tuple[tuple[str, str, str], ...]  # (literal, column, filter)
    columns: tuple[str, ...] = field(init=False)
    constant: bool = field(init=False)
    lone: str | None = field(init=False)  # "{column}" alone: the cell is the value

    def __post_init__(self) -> None:
        columns = tuple(column for _, column, _ in self.parts if column)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "constant", not columns)
        lone = self.parts[0][1] if len(self.parts) == 1 and not self.parts[0][0] \
            and not self.parts[0][2] else None
        object.__setattr__(self, "lone", lone)

    def render(self, cell: Callable[[str], str | None]) -> str | None:
        """The text, or None when every column it uses is blank (cells are clean text)."""
        if self.lone is not None:
            return cell(self.lone)
        out: list[str] = []
        any_value = self.constant
        for literal, column, filter_name in self.parts:
            out.append(literal)
            if not column:
                continue
            value = cell(column)
            if value is None:
                continue
            any_value = True
            if filter_name == "slug":
                value = entity_slug(value)
            elif filter_name == "upper":
                value = value.upper()
            elif filter_name == "lower":
                value = value.lower()
            elif filter_name == "state":  # the state code a name carries: 'Wilson NC PD' -> NC
                value = state_in_name(value) or ""
            out.append(value)
        return text("".join(out)) if any_value else None


def compile_template(raw: str, where: str) -> Template:
    parts: list[tuple[str, str, str]] = []
    position = 0
    for match in _FIELD.finditer(raw):
        filter_name = match.group(2) or ""
        if filter_name and filter_name not in _FILTERS:
            raise MappingError(f"{where}: unknown filter {excerpt(filter_name)} (use {_FILTERS})")
        parts.append((raw[position:match.start()], match.group(1).strip(), filter_name))
        position = match.end()
    if raw[position:]:
        parts.append((raw[position:], "", ""))
    return Template(raw, tuple(parts))


@dataclass(frozen=True)
class TagSpec:
    """A tag set: its text templates (description, psc...) and the nodes naming the vendor."""

    templates: dict[str, Template]
    vendors: tuple[str, ...]


@dataclass
class NodeSpec:
    key: str
    kind: str
    id: Template | None
    name: Template | None
    required: bool
    properties: dict[str, Template]
    aliases: list[Template]
    domains_from: Template | None = None
    tag: dict[str, Template] = field(default_factory=dict)
    tag_vendors: list[str] = field(default_factory=list)
    also_tag: list[TagSpec] = field(default_factory=list)  # applied where a text is not blank
    resolve_by: dict[str, Template] = field(default_factory=dict)
    cite: str | None = None
    many: bool = False  # the id is a list: one node per item

    def templates(self) -> list[Template]:
        """The templates of the node itself (not its tags)."""
        return [t for t in (self.id, self.name, self.domains_from, *self.properties.values(),
                            *self.aliases, *self.resolve_by.values()) if t is not None]


@dataclass
class EdgeSpec:
    type: str
    source: str
    targets: tuple[str, ...]  # the first one a row has
    status: str
    properties: dict[str, Template]
    cite: str = "record"
    basis_from: str | None = None


@dataclass(frozen=True)
class Derived:
    """A derived column: a named function (loaders/derive.py) of columns."""

    function: Callable[..., Any]
    inputs: tuple[str, ...]
    dated: bool = False  # the function reads dates: it is given the file's order (day_first)
    item: int | None = None  # of a function giving several values: the nth (else all, 'a||b')
    several: bool = False  # the function gives several values (a tuple)


@dataclass
class Mapping:
    path: Path
    title: str | None
    publisher: str | None
    source_kind: str
    required_columns: list[str]
    blank_values: frozenset[str]
    nodes: dict[str, NodeSpec]
    edges: list[EdgeSpec]
    record_sources: list[dict[str, Template]]
    day_first: bool = False  # `dates: day-first`: slashed dates read DD/MM/YYYY
    detect_dates: bool = False  # `dates: detect`: each file's order read from its dates
    derived: dict[str, Derived] = field(default_factory=dict)
    missing_blank: bool = False  # `missing_columns: blank`

    def columns(self) -> list[str]:
        """Every file column the mapping reads (derived columns by their inputs)."""
        used: list[str] = list(self.required_columns)
        templates: list[Template] = [t for link in self.record_sources for t in link.values()]
        for spec in self.nodes.values():
            templates += [*spec.templates(), *spec.tag.values()]
            templates += [t for extra in spec.also_tag for t in extra.templates.values()]
        for edge in self.edges:
            templates += list(edge.properties.values())
        for template in templates:
            used += template.columns
        return list(dict.fromkeys(c for column in used for c in self.file_columns(column)))

    def header_columns(self) -> list[str]:
        """The columns the header must have."""
        return self.required_columns if self.missing_blank else self.columns()

    def file_columns(self, column: str) -> list[str]:
        """The file columns a column is read from: itself, or a derived column's inputs."""
        derived = self.derived.get(column)
        if derived is None:
            return [column]
        return [c for source in derived.inputs for c in self.file_columns(source)]


MAPPINGS = Path(__file__).parent / "mappings"


@functools.cache
def shipped_mapping(name: str) -> Mapping:
    """A mapping shipped in loaders/mappings/ (read once per process)."""
    return read_mapping(MAPPINGS / name)


def read_mapping(path: Path, model: DomainModel | None = None) -> Mapping:
    """Read and check a mapping: its shape (loaders/mapping_doc.py), then its meaning against
    the schema; MappingError says what is wrong where."""
    doc = parse_mapping(read_mapping_text(path), str(path))
    return mapping_from(doc, path, model or load_model())


def mapping_from(doc: MappingDoc, path: Path, model: DomainModel) -> Mapping:
    where = str(path)
    nodes: dict[str, NodeSpec] = {}
    for key, spec in doc.nodes.items():
        nodes[key] = _node_spec(model, where, key, spec)
    edges = [_edge_spec(model, where, i, spec, nodes) for i, spec in enumerate(doc.edges)]
    source_kind = doc.source.source_kind
    allowed_kinds = model.kinds["Source"].properties["source_kind"].enum or ()
    if source_kind not in allowed_kinds:
        raise MappingError(f"{where}: source.source_kind must be one of {allowed_kinds} "
                           f"(got {excerpt(source_kind)})")
    links = (doc.record_source if isinstance(doc.record_source, list)
             else [doc.record_source] if doc.record_source else [])
    derived: dict[str, Derived] = {}
    for name, derive in doc.derive.items():
        function = FUNCTIONS.get(derive.function)
        if function is None:
            raise MappingError(f"{where}: derive.{excerpt(name)}: unknown function "
                               f"{excerpt(derive.function)} (one of {', '.join(FUNCTIONS)})")
        signature = inspect.signature(function)
        dated = "day_first" in signature.parameters
        several = "tuple" in str(signature.return_annotation)
        if derive.item is not None and not several:
            raise MappingError(f"{where}: derive.{excerpt(name)}.item: {derive.function} gives "
                               "one value")
        derived[name] = Derived(function, tuple(derive.source), dated, derive.item, several)
    _refuse_cycles(where, derived)
    return Mapping(
        path=path,
        title=doc.source.title,
        publisher=doc.source.publisher,
        source_kind=source_kind,
        required_columns=list(doc.required_columns),
        blank_values=frozenset(fold(v) for v in doc.blank_values),
        nodes=nodes,
        edges=edges,
        record_sources=[{k: compile_template(v, f"{where}: record_source.{k}")
                         for k, v in link.model_dump(exclude_none=True).items()}
                        for link in links],
        day_first=doc.dates == "day-first",
        detect_dates=doc.dates == "detect",
        derived=derived,
        missing_blank=doc.missing_columns == "blank",
    )


def _node_spec(model: DomainModel, where: str, key: str, spec: NodeDoc) -> NodeSpec:
    here = f"{where}: nodes.{key}"
    kind = spec.kind
    if kind not in model.kinds:
        raise MappingError(f"{here}.kind: unknown kind {excerpt(kind)} "
                           f"(one of {', '.join(model.kinds)})")
    properties: dict[str, Template] = {}
    for prop, value in spec.properties.items():
        if prop not in model.kinds[kind].properties:
            known = ", ".join(model.kinds[kind].properties)
            raise MappingError(f"{here}.properties: {kind} has no property {excerpt(prop)} "
                               f"({known})")
        properties[prop] = compile_template(value, f"{here}.properties.{prop}")
    id_template = compile_template(spec.id, f"{here}.id") if spec.id is not None else None
    name = compile_template(spec.name, f"{here}.name") if spec.name is not None else None
    if id_template is None and name is None:
        raise MappingError(f"{here}: needs an 'id' or a 'name'")
    tag = spec.tag.templates() if spec.tag else {}
    if (spec.tag or spec.also_tag) and kind != "Contract":
        raise MappingError(f"{here}.tag: only Contract nodes are tagged")
    if kind == "ContractAction" and spec.id is None:
        # Counted once however often it is loaded: the id must come from the unique key alone.
        raise MappingError(f"{here}: a ContractAction needs an 'id' from its unique key, "
                           "e.g. id: \"{transaction_id}\"")
    if spec.many and id_template is None:
        raise MappingError(f"{here}.many: a node of several ids needs an 'id'")
    return NodeSpec(
        key=key, kind=kind, id=id_template, name=name,
        required=spec.required,
        properties=properties,
        aliases=[compile_template(a, f"{here}.aliases[{i}]") for i, a in enumerate(spec.aliases)],
        domains_from=(compile_template(spec.domains_from, f"{here}.domains_from")
                      if spec.domains_from is not None else None),
        tag={k: compile_template(v, f"{here}.tag.{k}") for k, v in tag.items()},
        tag_vendors=list(spec.tag.vendors) if spec.tag else [],
        also_tag=[TagSpec({k: compile_template(v, f"{here}.also_tag[{i}].{k}")
                           for k, v in extra.templates().items()}, tuple(extra.vendors))
                  for i, extra in enumerate(spec.also_tag)],
        resolve_by=_resolve_by(here, kind, spec),
        cite=spec.cite,
        many=spec.many,
    )


_RESOLVED_BY = {"Company": ("uei", "duns"), "Agency": ("code", "state")}


def _resolve_by(here: str, kind: str, spec: NodeDoc) -> dict[str, Template]:
    allowed = _RESOLVED_BY.get(kind, ())
    for key in spec.resolve_by:
        if key not in allowed:
            raise MappingError(f"{here}.resolve_by: {kind} is not resolved by {excerpt(key)}"
                               + (f" (only {', '.join(allowed)})" if allowed else ""))
    return {k: compile_template(v, f"{here}.resolve_by.{k}") for k, v in spec.resolve_by.items()}


def _edge_spec(model: DomainModel, where: str, index: int, spec: EdgeDoc,
               nodes: dict[str, NodeSpec]) -> EdgeSpec:
    here = f"{where}: edges[{index}]"
    rel_type = spec.type
    rel = model.relationships.get(rel_type)
    if rel is None:
        raise MappingError(f"{here}.type: unknown type {excerpt(rel_type)} "
                           f"(one of {', '.join(model.relationships)})")
    targets = (spec.target,) if isinstance(spec.target, str) else tuple(spec.target)
    ends = [("from", spec.source, rel.from_kinds), *(("to", t, rel.to_kinds) for t in targets)]
    if spec.basis_from is not None and spec.basis_from not in (spec.source, *targets):
        raise MappingError(f"{here}.basis_from: {excerpt(spec.basis_from)} is not an end of "
                           "this tie")
    for end, ref, allowed in ends:
        if ref not in nodes:
            raise MappingError(f"{here}.{end}: {excerpt(ref)} is not a node of this mapping")
        if nodes[ref].kind not in allowed:
            raise MappingError(f"{here}.{end}: {rel_type} {end} must be {' or '.join(allowed)},"
                               f" {ref} is {nodes[ref].kind}")
    properties: dict[str, Template] = {}
    for prop, value in spec.properties.items():
        if prop not in model.relationship_properties or prop in ("sources", "status",
                                                                 "first_seen", "last_seen"):
            raise MappingError(f"{here}.properties: ties have no property {excerpt(prop)}")
        properties[prop] = compile_template(value, f"{here}.properties.{prop}")
    return EdgeSpec(rel_type, spec.source, targets, spec.status, properties, spec.cite,
                    spec.basis_from)


def _refuse_cycles(where: str, derived: dict[str, Derived]) -> None:
    """A derived column made, through other derived ones, from itself has no value: refused
    (it would recurse without end)."""
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            chain = " -> ".join(excerpt(n) for n in (*path[path.index(name):], name))
            raise MappingError(f"{where}: derive: {chain} is made from itself")
        if name in done or name not in derived:
            return
        for source in derived[name].inputs:
            visit(source, (*path, name))
        done.add(name)

    for name in derived:
        visit(name, ())
