"""The node a mapped row names (loaders/mapping.py builds the rest): its properties typed by the
schema, then its id: given (`id`, a catalog entry brings itself), or resolved (a Company by
UEI, DUNS and name, an Agency by code, name and state, a Contract by PIID, anything else by its
name's slug). A node whose id is made from columns is there when its id is."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from graph_service.domain_model import DomainModel
from graph_service.records import Value
from graph_service.text import fold
from loaders.catalogs import Catalogs
from loaders.chunks import Cell, Made
from loaders.claims import CATALOG_SOURCE, RowOutput
from loaders.mapping_spec import Mapping, NodeSpec, Template
from loaders.resolution import entity_slug
from loaders.values import (
    RowError,
    parse_action_date,
    parse_amount,
    parse_int,
    us_fiscal_year,
)

LIST = "||"  # a list in a cell: how a list property and a node of several ids read it
_UNPARSED: Any = object()
_PARSED_TYPES = frozenset(("float", "integer", "date", "boolean", "list"))
Typed = tuple[str, Template, str]  # a property, its template and its schema type


class NodeBuilder:
    """What MappedCsv builds nodes with (its schema, mapping, catalogs and date order)."""

    model: DomainModel
    mapping: Mapping
    catalogs: Catalogs
    day_first: bool
    _parsed: dict[str, dict[str, Any]]  # per type, each distinct text parsed once
    # Compiled once per mapping (loaders/mapping.py `_ready`): each node's typed properties and
    # the column a problem with it is named by.
    _node_types: dict[str, list[Typed]]
    _hints: dict[str, str]
    _tables: dict[str, dict[str, Any]]  # the catalog entries of a kind, by id

    def _compile_nodes(self) -> None:
        self._tables = {"Agency": self.catalogs.agencies,
                        "Technology": self.catalogs.technologies,
                        "Product": self.catalogs.products, "Domain": self.catalogs.domains}
        self._node_types, self._hints = {}, {}
        for spec in self.mapping.nodes.values():
            kind_props = self.model.kinds[spec.kind].properties
            self._node_types[spec.key] = [(prop, template, kind_props[prop].type)
                                          for prop, template in spec.properties.items()]
            columns = (spec.name or spec.id or Template("", ())).columns
            self._hints[spec.key] = ",".join(
                c for col in columns for c in self.mapping.file_columns(col)[:1]) or spec.key

    def _typed(self, typed: Sequence[Typed], cell: Cell) -> dict[str, Value]:
        """The properties `typed` renders from a row's cells, as their schema types. Amounts and
        dates repeat across rows: each distinct text is parsed once (a bounded cache; a
        refusal is cached and raised again, naming the column it came from: found only then,
        as it costs a look at the row)."""
        props: dict[str, Value] = {}
        parsed = self._parsed
        for prop, template, kind in typed:
            lone = template.lone  # "{column}": the cell itself, without rendering
            raw = cell(lone) if lone is not None else template.render(cell)
            if raw is None:
                continue
            if kind not in _PARSED_TYPES:
                props[prop] = raw
                continue
            known = parsed.get(kind)
            if known is None:
                known = parsed[kind] = {}
            found = self._parsed_once(known, kind, raw)
            if isinstance(found, RowError):
                raise RowError(self._field(template, cell, raw) or prop, found.reason)
            props[prop] = list(found) if type(found) is list else found  # a list is never shared
        return props

    def _parsed_once(self, known: dict[Any, Any], kind: str, raw: str) -> Any:
        """`raw` parsed as `kind`, or the RowError refusing it, each distinct text once (`known`
        holds the answers, bounded)."""
        found = known.get(raw, _UNPARSED)
        if found is _UNPARSED:
            if len(known) > 100_000:
                known.clear()
            try:
                found = self._parse(kind, raw, "")
            except RowError as exc:
                found = exc
            known[raw] = found
        return found

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

    def _field(self, template: Template, cell: Cell, raw: str) -> str:
        """The column a property's value came from: for a derived one (`first` of several),
        the file column holding the value, else its file columns."""
        named: list[str] = []
        for column in template.columns:
            files = self.mapping.file_columns(column)
            held = [f for f in files if f != column and cell(f) == raw]
            named += held[:1] or files
        return ",".join(dict.fromkeys(named))

    def _missing(self, spec: NodeSpec, cell: Cell, hint: str) -> RowError:
        """Why a required node is not there: the blank column it needs, or the cell a derived
        id was made from that gives none (an Atlas label no catalog Technology has)."""
        blank = [c for t in (spec.name, spec.id) if t is not None
                 for c in t.columns if cell(c) is None]
        if not blank:
            return RowError(hint, f"is blank: {spec.key} ({spec.kind}) is required")
        column = blank[0]
        files = self.mapping.file_columns(column)
        derived = self.mapping.derived.get(column)
        given = [f for f in files if f != column and cell(f) is not None]
        if derived is not None and given and len(given) == len(files):
            doc = " ".join((derived.function.__doc__ or "").split("\n\n")[0].split())
            doc = doc[:1].lower() + doc[1:].rstrip(".")
            found = f"{derived.function.__name__} finds none" + (f" ({doc})" if doc else "")
            return RowError(given[0], f"{cell(given[0])!r} names no {spec.kind}: {found}")
        return RowError(files[0], f"is blank: {spec.key} ({spec.kind}) is required")

    def _node(self, spec: NodeSpec, cell: Cell, out: RowOutput, sources: list[str]) -> Made:
        """The node a row names, and for a resolved Company or Agency the basis it was
        resolved on (uei, name...); a node of several ids (`many`) gives them as a list."""
        column_hint = self._hints[spec.key]
        props = self._typed(self._node_types[spec.key], cell)
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
                raise self._missing(spec, cell, column_hint)
            return None
        aliases = [a for a in (t.render(cell) for t in spec.aliases) if a]
        ctx = out._ctx
        cited = sources if spec.cite == "record" else []
        basis: str | None = None
        if explicit is not None:
            made = [self._given(spec, out, given, name, props, aliases, cited, column_hint)
                    for given in (explicit.split(LIST) if spec.many else [explicit])]
            node_id = LIST.join(dict.fromkeys(made))
            if spec.many or self._catalog_kind(spec.kind, node_id):
                return node_id
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
            resolved = ctx.agencies.resolve(name, code, state)
            if resolved is None:
                return None
            node_id, basis = resolved.id, resolved.basis
            entry = self.catalogs.agencies.get(node_id)
            if entry is not None:
                out.catalog_agency(node_id)
                if name and name != entry.name:
                    out.node(node_id, "Agency", entry.name, aliases=[name],
                             field_name=column_hint)
                if props or aliases:
                    out.node(node_id, "Agency", name or node_id, props, aliases)
            else:  # one claim: what the row says, with the code and state it resolved by
                out.node(node_id, "Agency", name or node_id,
                         {"code": code, "state": state, **props}, aliases,
                         field_name=column_hint)
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
            self._domains(spec.domains_from, cell, out, node_id)
        return (node_id, basis) if basis else node_id

    def _given(self, spec: NodeSpec, out: RowOutput, given: str, name: str | None,
               props: dict[str, Value], aliases: list[str], cited: list[str],
               hint: str) -> str:
        """A node of a given id: a catalog entry brings itself (the row's name an alias)."""
        node_id = given.strip()
        if ":" not in node_id:
            node_id = f"{self.model.kinds[spec.kind].prefix}:{entity_slug(node_id)}"
        if self._catalog_entity(out, spec.kind, node_id):
            if name or aliases:
                entry_name = self._catalog_name(spec.kind, node_id)
                out.node(node_id, spec.kind, entry_name, props,
                         [a for a in (name, *aliases) if a and a != entry_name])
            return node_id
        out.node(node_id, spec.kind, name or node_id.partition(":")[2], props, aliases,
                 sources=cited, field_name=hint)
        return node_id

    def _domains(self, template: Template, cell: Cell, out: RowOutput, agency: str) -> None:
        """OPERATES_IN the Domains an agency's type implies (the catalog's agency-type rules);
        `matched` names the column the type came from."""
        agency_type = template.render(cell) or ""
        shown = f"{template.lone}: {agency_type}" if template.lone else agency_type
        for domain in out._ctx.catalogs.type_domains(agency_type):
            out.domain(domain)
            out.edge("OPERATES_IN", agency, domain, {"rule": "agency-type", "matched": shown},
                     "inferred", [CATALOG_SOURCE])

    def _catalog_kind(self, kind: str, node_id: str) -> bool:
        return node_id in self._tables.get(kind, ())

    def _catalog_entity(self, out: RowOutput, kind: str, node_id: str) -> bool:
        if not self._catalog_kind(kind, node_id):
            return False
        emit: dict[str, Callable[[str], None]] = {
            "Agency": out.catalog_agency, "Technology": out.technology,
            "Product": out.product, "Domain": out.domain}
        emit[kind](node_id)
        return True

    def _catalog_name(self, kind: str, node_id: str) -> str:
        return str(self._tables[kind][node_id].name)


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) else None
