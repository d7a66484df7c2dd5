"""`survgraph load csv PATH --mapping FILE`: any spreadsheet, mapped by a YAML file.

The mapping names, for each row, the nodes to make (kind, id or entity resolution, name,
properties from columns or constants) and the ties between them. Templates are strings where
`{column}` is a cell's value and `{column|slug}` its slug; a string without braces is a constant.
See docs/loading.md for the whole format and loaders/mappings/ for examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_service.domain_model import DomainModel, load_model
from graph_service.records import Value
from graph_service.text import excerpt, fold
from loaders.agency_names import state_in_name
from loaders.catalogs import load_catalogs
from loaders.chunks import Builder, Cell, ChunkOutput, Columns, Part, build_chunk
from loaders.claims import CATALOG_SOURCE, LoadContext, RowOutput, record_source
from loaders.input_files import CsvFile
from loaders.mapping_doc import (
    EdgeDoc,
    MappingDoc,
    MappingError,
    NodeDoc,
    parse_mapping,
    read_mapping_text,
)
from loaders.resolution import entity_slug
from loaders.values import (
    RowError,
    parse_action_date,
    parse_amount,
    parse_int,
    text,
    us_fiscal_year,
)

_FIELD = re.compile(r"\{([^{}|]+)(?:\|([a-z]+))?\}")
_FILTERS = ("slug", "upper", "lower", "state")
_RESOLVABLE = ("Company", "Agency", "Contract")
__all__ = ["MappedCsv", "Mapping", "MappingError", "compile_template", "read_mapping"]


@dataclass(frozen=True)
class Template:
    """A compiled template: literal text and column references."""

    source: str
    parts: tuple[tuple[str, str, str], ...]  # (literal, column, filter)

    @property
    def columns(self) -> list[str]:
        return [column for _, column, _ in self.parts if column]

    @property
    def constant(self) -> bool:
        return not self.columns

    def render(self, cell: Callable[[str], str | None]) -> str | None:
        """The text, or None when every column it uses is blank."""
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


@dataclass
class EdgeSpec:
    type: str
    source: str
    target: str
    status: str
    properties: dict[str, Template]


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
    record_source: dict[str, Template]
    day_first: bool = False  # `dates: day-first`: slashed dates read DD/MM/YYYY

    def columns(self) -> list[str]:
        """Every column the mapping reads: the header must have them all."""
        used: list[str] = list(self.required_columns)
        templates: list[Template] = list(self.record_source.values())
        for spec in self.nodes.values():
            templates += [t for t in (spec.id, spec.name, spec.domains_from) if t is not None]
            templates += [*spec.properties.values(), *spec.aliases, *spec.tag.values()]
        for edge in self.edges:
            templates += list(edge.properties.values())
        for template in templates:
            used += template.columns
        return list(dict.fromkeys(used))


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
    record = doc.record_source.model_dump(exclude_none=True) if doc.record_source else {}
    return Mapping(
        path=path,
        title=doc.source.title,
        publisher=doc.source.publisher,
        source_kind=source_kind,
        required_columns=list(doc.required_columns),
        blank_values=frozenset(fold(v) for v in doc.blank_values),
        nodes=nodes,
        edges=edges,
        record_source={k: compile_template(v, f"{where}: record_source.{k}")
                       for k, v in record.items()},
        day_first=doc.dates == "day-first",
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
    if spec.tag and kind != "Contract":
        raise MappingError(f"{here}.tag: only Contract nodes are tagged")
    if kind == "ContractAction" and spec.id is None:
        # Counted once however often it is loaded: the id must come from the unique key alone.
        raise MappingError(f"{here}: a ContractAction needs an 'id' from its unique key, "
                           "e.g. id: \"{transaction_id}\"")
    return NodeSpec(
        key=key, kind=kind, id=id_template, name=name,
        required=spec.required,
        properties=properties,
        aliases=[compile_template(a, f"{here}.aliases[{i}]") for i, a in enumerate(spec.aliases)],
        domains_from=(compile_template(spec.domains_from, f"{here}.domains_from")
                      if spec.domains_from is not None else None),
        tag={k: compile_template(v, f"{here}.tag.{k}") for k, v in tag.items()},
        tag_vendors=list(spec.tag.vendors) if spec.tag else [],
    )


def _edge_spec(model: DomainModel, where: str, index: int, spec: EdgeDoc,
               nodes: dict[str, NodeSpec]) -> EdgeSpec:
    here = f"{where}: edges[{index}]"
    rel_type = spec.type
    rel = model.relationships.get(rel_type)
    if rel is None:
        raise MappingError(f"{here}.type: unknown type {excerpt(rel_type)} "
                           f"(one of {', '.join(model.relationships)})")
    for end, ref, allowed in (("from", spec.source, rel.from_kinds),
                              ("to", spec.target, rel.to_kinds)):
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
    return EdgeSpec(rel_type, spec.source, spec.target, spec.status, properties)


class MappedCsv(CsvFile):
    """A CSV read through a Mapping."""

    format_name = "mapped-csv"
    trusted = False  # a user's mapping: every row is checked against the schema as it is built

    def __init__(self, path: Path, mapping: Mapping, delimiter: str = ",") -> None:
        self.delimiter = delimiter
        self.mapping = mapping
        self.required = tuple(mapping.columns())
        self.source_kind = mapping.source_kind
        self.publisher = mapping.publisher
        self.format_name = f"csv via {mapping.path.name}"
        super().__init__(path)
        self.model = load_model()
        self.catalogs = load_catalogs()
        self._parts = self.parts()

    def title(self) -> str:
        return self.mapping.title or self.path.name

    def _convert(self, kind_props: dict[str, Any], prop: str, raw: str, column: str) -> Value:
        kind = kind_props[prop].type
        if kind == "float":
            return parse_amount(raw, column)
        if kind == "integer":
            return parse_int(raw, column)
        if kind == "date":
            return parse_action_date(raw, column, self.mapping.day_first)
        if kind == "boolean":
            return fold(raw) in ("1", "true", "yes", "y")
        if kind == "list":
            return [part.strip() for part in re.split(r"\|\||;", raw) if part.strip()]
        return raw

    def parts(self) -> list[Part]:
        """What a row says, part by part (loaders/chunks.py builds each once per distinct key):
        the row's document Source, each node, each tie, each node's tags."""
        parts: list[Part] = []
        link = self.mapping.record_source
        if link:
            parts.append(Part("@record_source", _columns(link.values()), self._record_source))
        for spec in self.mapping.nodes.values():
            parts.append(Part(spec.key, _columns(_node_templates(spec)), self._node_part(spec),
                              uses=("@record_source",) if spec.kind == "Contract" else ()))
        for index, edge in enumerate(self.mapping.edges):
            parts.append(Part(f"@edge{index}", _columns(edge.properties.values()),
                              self._edge_part(edge),
                              uses=(edge.source, edge.target, "@record_source")))
        for spec in self.mapping.nodes.values():
            if spec.tag:
                vendors = [self.mapping.nodes[ref].name for ref in spec.tag_vendors
                           if ref in self.mapping.nodes]
                templates = [*spec.tag.values(), *(t for t in vendors if t is not None)]
                parts.append(Part(f"@tags.{spec.key}", _columns(templates), self._tag_part(spec),
                                  uses=(spec.key, "@record_source")))
        return parts

    def build_chunk(self, ctx: LoadContext, numbers: Sequence[int], records: Sequence[Any]
                    ) -> ChunkOutput:
        blanks = self.mapping.blank_values

        def clean(raw: str) -> str | None:
            value = text(raw.strip())
            return None if value is None or fold(value) in blanks else value

        return build_chunk(ctx, self.path.name, numbers, Columns(records, self.columns, clean),
                           self._parts)

    def _sources(self, out: RowOutput, used: dict[str, str]) -> list[str]:
        document = used.get("@record_source")
        return [out._ctx.file_source, document] if document else [out._ctx.file_source]

    def _record_source(self, cell: Cell, used: dict[str, str], out: RowOutput) -> str | None:
        link = self.mapping.record_source
        url = link["url"].render(cell)
        if not url or not url.lower().startswith(("http://", "https://")):
            return None
        name = link["name"].render(cell) if "name" in link else None
        return record_source(out, url, name or url, self.mapping.publisher,
                             self.mapping.source_kind)

    def _node_part(self, spec: NodeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> str | None:
            return self._node(spec, cell, out, self._sources(out, used))
        return build

    def _edge_part(self, edge: EdgeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> str | None:
            if edge.source not in used or edge.target not in used:
                return None  # an optional end was blank in this row
            props: dict[str, Value] = {}
            for prop, template in edge.properties.items():
                raw = template.render(cell)
                if raw is not None:
                    spec_props = self.model.relationship_properties
                    props[prop] = self._convert(spec_props, prop, raw,
                                                ",".join(template.columns) or prop)
            out.edge(edge.type, used[edge.source], used[edge.target], props, edge.status,
                     self._sources(out, used), field_name=f"edge {edge.type}")
            return None
        return build

    def _tag_part(self, spec: NodeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> str | None:
            if spec.key not in used:
                return None
            values = {k: t.render(cell) for k, t in spec.tag.items()}
            vendor_names: list[str | None] = []
            for ref in spec.tag_vendors:
                ref_spec = self.mapping.nodes.get(ref)
                if ref_spec is not None and ref_spec.name is not None:
                    vendor_names.append(ref_spec.name.render(cell))
            out.tags(used[spec.key], values.get("description"), values.get("psc"),
                     values.get("psc_description"), values.get("naics"),
                     values.get("naics_description"), tuple(vendor_names),
                     self._sources(out, used))
            return None
        return build

    def _node(self, spec: NodeSpec, cell: Cell, out: RowOutput, sources: list[str]
              ) -> str | None:
        column_hint = ",".join((spec.name or spec.id or Template("", ())).columns) or spec.key
        props: dict[str, Value] = {}
        kind_props = self.model.kinds[spec.kind].properties
        for prop, template in spec.properties.items():
            raw = template.render(cell)
            if raw is not None:
                props[prop] = self._convert(kind_props, prop, raw,
                                            ",".join(template.columns) or prop)
        if spec.kind == "ContractAction" and "fiscal_year" not in props:
            day = props.get("action_date")
            props["fiscal_year"] = us_fiscal_year(day if isinstance(day, str) else None)
        name = spec.name.render(cell) if spec.name else None
        explicit = spec.id.render(cell) if spec.id else None
        if explicit is None and name is None:
            if spec.required:
                raise RowError(column_hint, f"is blank: {spec.key} ({spec.kind}) is required")
            return None
        aliases = [a for a in (t.render(cell) for t in spec.aliases) if a]
        ctx = out._ctx
        if explicit is not None:
            node_id = explicit
            if ":" not in node_id:
                node_id = f"{self.model.kinds[spec.kind].prefix}:{entity_slug(node_id)}"
            if self._catalog_entity(out, spec.kind, node_id):
                if name or aliases:
                    entry_name = self._catalog_name(spec.kind, node_id)
                    out.node(node_id, spec.kind, entry_name, props,
                             [a for a in (name, *aliases) if a and a != entry_name])
                return node_id
            out.node(node_id, spec.kind, name or node_id.partition(":")[2], props, aliases,
                     field_name=column_hint)
        elif spec.kind == "Company":
            uei, duns = props.get("uei"), props.get("duns")
            resolved = out.company(name, uei if isinstance(uei, str) else None,
                                   duns if isinstance(duns, str) else None, props,
                                   field_name=column_hint)
            node_id = resolved[0] if resolved else ""
            if aliases:
                out.node(node_id, "Company", name or node_id, aliases=aliases)
        elif spec.kind == "Agency":
            code, state = props.get("code"), props.get("state")
            resolved = out.agency(name, code if isinstance(code, str) else None,
                                  column_hint, state if isinstance(state, str) else None)
            node_id = resolved[0] if resolved else ""
            if props or aliases:
                out.node(node_id, "Agency", name or node_id, props, aliases)
        elif spec.kind == "Contract":
            piid = props.get("piid")
            found = ctx.contracts.by_piid(piid if isinstance(piid, str) else name or "")
            node_id = found.id
            out.node(node_id, "Contract", name or node_id, props, aliases, sources=sources)
        else:
            assert name is not None
            node_id = f"{self.model.kinds[spec.kind].prefix}:{entity_slug(name)}"
            out.node(node_id, spec.kind, name, props, aliases, field_name=column_hint)
        if spec.kind == "Agency" and spec.domains_from is not None:
            agency_type = spec.domains_from.render(cell) or ""
            for domain in ctx.catalogs.type_domains(agency_type):
                out.domain(domain)
                out.edge("OPERATES_IN", node_id, domain,
                         {"rule": "agency-type", "matched": agency_type}, "inferred",
                         [CATALOG_SOURCE])
        return node_id

    def _catalog_entity(self, out: RowOutput, kind: str, node_id: str) -> bool:
        catalogs = self.catalogs
        if kind == "Agency" and node_id in catalogs.agencies:
            out.catalog_agency(node_id)
        elif kind == "Technology" and node_id in catalogs.technologies:
            out.technology(node_id)
        elif kind == "Product" and node_id in catalogs.products:
            out.product(node_id)
        elif kind == "Domain" and node_id in catalogs.domains:
            out.domain(node_id)
        else:
            return False
        return True

    def _catalog_name(self, kind: str, node_id: str) -> str:
        tables: dict[str, dict[str, Any]] = {
            "Agency": self.catalogs.agencies, "Technology": self.catalogs.technologies,
            "Product": self.catalogs.products, "Domain": self.catalogs.domains,
        }
        return str(tables[kind][node_id].name)


def _node_templates(spec: NodeSpec) -> list[Template]:
    return [t for t in (spec.id, spec.name, spec.domains_from, *spec.properties.values(),
                        *spec.aliases) if t is not None]


def _columns(templates: Iterable[Template]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for t in templates for c in t.columns))
