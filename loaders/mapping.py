"""`survgraph load csv PATH --mapping FILE`: any spreadsheet, mapped by a YAML file.

The mapping names, for each row, the nodes to make (kind, id or entity resolution, name,
properties from columns or constants) and the ties between them. Templates are strings where
`{column}` is a cell's value and `{column|slug}` its slug; a string without braces is a constant.
See docs/loading.md for the whole format and loaders/mappings/ for examples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from graph_service.domain_model import load_model
from graph_service.records import Value
from graph_service.text import fold
from loaders.catalogs import load_catalogs
from loaders.chunks import Builder, Cell, ChunkOutput, Columns, Made, Part, build_chunk
from loaders.claims import CATALOG_SOURCE, LoadContext, RowOutput, record_source
from loaders.input_files import CsvFile
from loaders.mapping_doc import MappingError
from loaders.mapping_spec import (
    EdgeSpec,
    Mapping,
    NodeSpec,
    TagSpec,
    Template,
    compile_template,
    read_mapping,
)
from loaders.resolution import entity_slug
from loaders.values import (
    RowError,
    day_first_order,
    parse_action_date,
    parse_amount,
    parse_int,
    text,
    us_fiscal_year,
)

_UNPARSED: Any = object()
_PARSED_TYPES = frozenset(("float", "integer", "date", "boolean", "list"))
_SCAN_ROWS = 2000  # rows read to decide a file's date order (`dates: detect`)

__all__ = ["MappedCsv", "Mapping", "MappingError", "compile_template", "read_mapping"]


class MappedCsv(CsvFile):
    """A CSV read through a Mapping."""

    format_name = "mapped-csv"
    trusted = False  # a user's mapping: every row is checked against the schema as it is built

    def __init__(self, path: Path, mapping: Mapping, delimiter: str = ",",
                 format_name: str | None = None) -> None:
        self.delimiter = delimiter
        self.mapping = mapping
        self.required = tuple(mapping.header_columns())
        self.source_kind = mapping.source_kind
        self.publisher = mapping.publisher
        self.format_name = format_name or f"csv via {mapping.path.name}"
        super().__init__(path)
        self.model = load_model()
        self.catalogs = load_catalogs()
        self.day_first = self._detect_dates() if mapping.detect_dates else mapping.day_first
        self._parts = self.parts()
        self._parsed: dict[tuple[str, str, str], Any] = {}

    def title(self) -> str:
        return self.mapping.title or self.path.name

    def _detect_dates(self) -> bool:
        """The file's date order, from the dates of its first rows (`dates: detect`)."""
        model = self.model
        typed = [t for spec in self.mapping.nodes.values() for p, t in spec.properties.items()
                 if model.kinds[spec.kind].properties[p].type == "date"]
        typed += [t for edge in self.mapping.edges for p, t in edge.properties.items()
                  if model.relationship_properties[p].type == "date"]
        columns = _columns(typed)
        files = dict.fromkeys(f for c in columns for f in self.mapping.file_columns(c))
        positions = [self.columns[f] for f in files if f in self.columns]
        values: list[str] = []
        for count, (_, row) in enumerate(self.records()):
            if count >= _SCAN_ROWS:
                break
            if isinstance(row, list):
                values += [row[i].strip() for i in positions]
        return day_first_order(values)

    def _convert(self, kind_props: dict[str, Any], prop: str, raw: str, column: str) -> Value:
        """A cell as the property's type. Amounts and dates repeat across rows: each distinct
        text is parsed once (a bounded cache; a refusal is cached and raised again)."""
        kind = kind_props[prop].type
        if kind not in _PARSED_TYPES:
            return raw
        key = (kind, raw, column)
        found = self._parsed.get(key, _UNPARSED)
        if found is _UNPARSED:
            if len(self._parsed) > 100_000:
                self._parsed.clear()
            try:
                found = self._parse(kind, raw, column)
            except RowError as exc:
                found = exc
            self._parsed[key] = found
        if isinstance(found, RowError):
            raise found
        return list(found) if isinstance(found, list) else found  # a list is never shared

    def _parse(self, kind: str, raw: str, column: str) -> Value:
        if kind == "float":
            return parse_amount(raw, column)
        if kind == "integer":
            return parse_int(raw, column)
        if kind == "date":
            return parse_action_date(raw, column, self.day_first)
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
            cites = spec.kind == "Contract" or spec.cite == "record"
            parts.append(Part(spec.key, self._read(spec.templates()), self._node_part(spec),
                              uses=("@record_source",) if cites else ()))
        for index, edge in enumerate(self.mapping.edges):
            basis = (f"{edge.basis_from}#basis",) if edge.basis_from else ()
            parts.append(Part(f"@edge{index}", self._read(edge.properties.values()),
                              self._edge_part(edge),
                              uses=(edge.source, *edge.targets, "@record_source", *basis)))
        for spec in self.mapping.nodes.values():
            sets = [TagSpec(spec.tag, tuple(spec.tag_vendors))] if spec.tag else []
            for number, tags in enumerate([*sets, *spec.also_tag]):
                vendors = [self.mapping.nodes[ref].name for ref in tags.vendors
                           if ref in self.mapping.nodes]
                templates = [*tags.templates.values(), *(t for t in vendors if t is not None)]
                parts.append(Part(f"@tags{number}.{spec.key}", _columns(templates),
                                  self._tag_part(spec, tags, always=number == 0 and bool(sets)),
                                  uses=(spec.key, "@record_source")))
        return parts

    def _read(self, templates: Iterable[Template]) -> tuple[str, ...]:
        """A part's columns: its templates', and the file columns a typed property's derived
        column is made of (a bad value is then named by the column it is in)."""
        listed = list(templates)
        extra = [f for t in listed for c in t.columns if c in self.mapping.derived
                 for f in self.mapping.file_columns(c)]
        return tuple(dict.fromkeys([*_columns(listed), *extra]))

    def _field(self, template: Template, cell: Cell, raw: str) -> str:
        """The column a property's value came from: for a derived one (`first` of several),
        the file column holding the value, else its file columns."""
        named: list[str] = []
        for column in template.columns:
            files = self.mapping.file_columns(column)
            held = [f for f in files if f != column and cell(f) == raw]
            named += held[:1] or files
        return ",".join(dict.fromkeys(named))

    def build_chunk(self, ctx: LoadContext, numbers: Sequence[int], records: Sequence[Any]
                    ) -> ChunkOutput:
        blanks = self.mapping.blank_values

        def clean(raw: str) -> str | None:
            value = text(raw.strip())
            return None if value is None or fold(value) in blanks else value

        derived = {name: (functools.partial(d.function, day_first=self.day_first) if d.dated
                          else d.function, d.inputs)
                   for name, d in self.mapping.derived.items()}
        columns = Columns(records, self.columns, clean, derived)
        return build_chunk(ctx, self.path.name, numbers, columns, self._parts)

    def _sources(self, out: RowOutput, used: dict[str, str]) -> list[str]:
        document = used.get("@record_source")
        return [out._ctx.file_source, document] if document else [out._ctx.file_source]

    def _record_source(self, cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
        link = self.mapping.record_source
        url = link["url"].render(cell)
        if not url or not url.lower().startswith(("http://", "https://")):
            return None
        name = link["name"].render(cell) if "name" in link else None
        key = link["key"].render(cell) if "key" in link else None
        return record_source(out, url, name or url, self.mapping.publisher,
                             self.mapping.source_kind, key=key)

    def _node_part(self, spec: NodeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            return self._node(spec, cell, out, self._sources(out, used))
        return build

    def _edge_part(self, edge: EdgeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            target = next((t for t in edge.targets if t in used), None)
            if edge.source not in used or target is None:
                return None  # an optional end was blank in this row
            props: dict[str, Value] = {}
            if edge.basis_from and (basis := used.get(f"{edge.basis_from}#basis")):
                props["basis"] = basis
            for prop, template in edge.properties.items():
                raw = template.render(cell)
                if raw is not None:
                    spec_props = self.model.relationship_properties
                    props[prop] = self._convert(spec_props, prop, raw,
                                                self._field(template, cell, raw) or prop)
            sources = self._sources(out, used) if edge.cite == "record" else []
            out.edge(edge.type, used[edge.source], used[target], props, edge.status, sources,
                     field_name=f"edge {edge.type}")
            return None
        return build

    def _tag_part(self, spec: NodeSpec, tags: TagSpec, always: bool) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            if spec.key not in used:
                return None
            values = {k: t.render(cell) for k, t in tags.templates.items()}
            if not always and not any(values.values()):
                return None  # an extra tag set without text says nothing
            vendor_names: list[str | None] = []
            for ref in tags.vendors:
                ref_spec = self.mapping.nodes.get(ref)
                if ref_spec is not None and ref_spec.name is not None:
                    vendor_names.append(ref_spec.name.render(cell))
            out.tags(used[spec.key], values.get("description"), values.get("psc"),
                     values.get("psc_description"), values.get("naics"),
                     values.get("naics_description"), tuple(vendor_names),
                     self._sources(out, used))
            return None
        return build

    def _node(self, spec: NodeSpec, cell: Cell, out: RowOutput, sources: list[str]) -> Made:
        """The node a row names, and for a resolved Company or Agency the basis it was
        resolved on (uei, name...)."""
        columns = (spec.name or spec.id or Template("", ())).columns
        column_hint = ",".join(c for col in columns
                               for c in self.mapping.file_columns(col)[:1]) or spec.key
        props: dict[str, Value] = {}
        kind_props = self.model.kinds[spec.kind].properties
        for prop, template in spec.properties.items():
            raw = template.render(cell)
            if raw is not None:
                props[prop] = self._convert(kind_props, prop, raw,
                                            self._field(template, cell, raw) or prop)
        if spec.kind == "ContractAction" and "fiscal_year" not in props:
            day = props.get("action_date")
            props["fiscal_year"] = us_fiscal_year(day if isinstance(day, str) else None)
        keys = {k: t.render(cell) for k, t in spec.resolve_by.items()}
        name = spec.name.render(cell) if spec.name else None
        explicit = spec.id.render(cell) if spec.id else None
        # A node whose id is made from columns is there when its id is: its name only names it.
        keyed = spec.id is not None and not spec.id.constant
        if explicit is None and (keyed or (name is None and not any(keys.values()))):
            if spec.required:
                blank = [c for t in (spec.name, spec.id) if t is not None
                         for c in t.columns if cell(c) is None]  # the blank one it needs
                where = ",".join(self.mapping.file_columns(blank[0])[:1]) if blank else ""
                raise RowError(where or column_hint,
                               f"is blank: {spec.key} ({spec.kind}) is required")
            return None
        aliases = [a for a in (t.render(cell) for t in spec.aliases) if a]
        ctx = out._ctx
        cited = sources if spec.cite == "record" else []
        basis: str | None = None
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
                     sources=cited, field_name=column_hint)
        elif spec.kind == "Company":
            uei = keys.get("uei") or _text(props.get("uei"))
            duns = keys.get("duns") or _text(props.get("duns"))
            company = out.company(name, uei, duns, props, field_name=column_hint)
            node_id, basis = company if company else ("", None)
            if aliases:
                out.node(node_id, "Company", name or node_id, aliases=aliases)
        elif spec.kind == "Agency":
            code = keys.get("code") or _text(props.get("code"))
            state = keys.get("state") or _text(props.get("state"))
            agency = out.agency(name, code, column_hint, state)
            node_id, basis = agency if agency else ("", None)
            if props or aliases:
                out.node(node_id, "Agency", name or node_id, props, aliases)
        elif spec.kind == "Contract":
            piid = props.get("piid")
            found = ctx.contracts.by_piid(piid if isinstance(piid, str) else name or "")
            node_id = found.id
            out.node(node_id, "Contract", name or node_id, props, aliases,
                     sources=sources if spec.cite != "file" else [])
        else:
            assert name is not None
            node_id = f"{self.model.kinds[spec.kind].prefix}:{entity_slug(name)}"
            out.node(node_id, spec.kind, name, props, aliases, sources=cited,
                     field_name=column_hint)
        if spec.kind == "Agency" and spec.domains_from is not None:
            agency_type = spec.domains_from.render(cell) or ""
            for domain in ctx.catalogs.type_domains(agency_type):
                out.domain(domain)
                out.edge("OPERATES_IN", node_id, domain,
                         {"rule": "agency-type", "matched": agency_type}, "inferred",
                         [CATALOG_SOURCE])
        return (node_id, basis) if basis else node_id

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


def _columns(templates: Iterable[Template]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for t in templates for c in t.columns))


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) else None
