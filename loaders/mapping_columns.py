"""Column builders: a mapping's parts built column-wise (each award's Contract and permalink
Source here; ties and tags in mapping_column_ties.py, resolved Companies in
mapping_resolved.py), for loaders/chunks.py: once per distinct key of a chunk, or once per row
where the key holds a value unique to the row.

Each column is typed and checked in one pass over its distinct values (amounts, dates, ids);
the statement rows are then made row by row from those columns, without a dict of cells, a
RowOutput or a full claim check per row. A row a column check refuses (a bad amount, a blank
required id, a catalog entity, anything the column path does not state itself) is built by
the part's row builder, which raises the error it always raised; so the statements and the
rejects are those of the row builders, row for row.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from graph_service.judgements import BASE_PROP, base_id

# The claim checks' own parts (graph_service/records.py), applied here to whole columns.
from graph_service.records import (
    _ID,
    MAX_AMOUNT,
    MAX_TEXT,
    Value,
    _names_ok,
    _text_ok,
)
from graph_service.statements import identity_rows, node_statement
from loaders.chunks import ColumnRows
from loaders.claims import CATALOG_SOURCE
from loaders.mapping_spec import NodeSpec, Template
from loaders.resolution import entity_slug
from loaders.values import RowError, parse_date

if TYPE_CHECKING:
    from loaders.mapping_nodes import NodeBuilder

    _Base = NodeBuilder
else:
    _Base = object

ColumnBuilder = Callable[[ColumnRows], None]
_UNPARSED: Any = object()
_PARSED_TYPES = frozenset(("float", "integer", "date", "boolean", "list"))
# An amount parse_amount reads as float() does: digits (at most 14 before the point, so always
# below the 1e15 bound), an optional sign and decimals; anything else takes parse_amount.
_PLAIN_AMOUNT = re.compile(r"-?\d{1,14}(?:\.\d+)?", re.ASCII)
Typed = tuple[str, Template, str]


class ColumnBuilders(_Base):
    """The column-wise builders of MappedRecords' parts (it compiles them in `parts`)."""

    _documents: tuple[str, ...]
    _answers: dict[tuple[str, str], dict[str | None, Any]]  # typed, checked values (or refusals)

    # -- typed, checked columns ---------------------------------------------------------------

    def _typed_columns(self, typed: Sequence[Typed], col: ColumnRows, owner: str,
                       refused: set[int]) -> list[tuple[str, list[Any]]]:
        """Each property's values per row, typed by the schema and checked as the claim checks
        check them, each distinct text once; a row holding a value either refuses joins
        `refused` (its row builder then names the column and the reason)."""
        checks = col.ctx.checks
        specs = (self.model.relationship_properties if owner == "@tie"
                 else self.model.kinds[owner].properties)
        parsed = self._parsed
        free = checks._free[owner]  # keys of free text, checked inline by the claim checks
        found: list[tuple[str, list[Any]]] = []
        shared = col.shared
        for prop, template, kind in typed:
            done = shared.get((owner, prop, template))
            if done is not None:  # another part of this chunk typed the same column
                cached, bad_rows = done
                refused.update(bad_rows)
                found.append((prop, cached if kind != "list" else
                              [list(v) if type(v) is list else v for v in cached]))
                continue
            raws = col.render(template)
            spec = specs.get(prop)
            answers: dict[str | None, Any]
            if prop in free:
                # Free text is its cell: only a huge or NUL-holding value is refused.
                bad: set[str | None] = {raw for raw in set(raws)
                       if raw is not None and (len(raw) > MAX_TEXT or "\x00" in raw)}
                bad_rows = [i for i, raw in enumerate(raws) if raw in bad] if bad else []
                refused.update(bad_rows)
                shared[(owner, prop, template)] = (raws, bad_rows)
                found.append((prop, raws))
                continue
            known: dict[Any, Any] | None = None
            if kind in _PARSED_TYPES:
                known = parsed.get(kind)
                if known is None:
                    known = parsed[kind] = {}
            float_ok = spec is not None and spec.type == "float" and spec.enum is None
            # Dates, counts and codes repeat across chunks: their answers are kept for the
            # file (bounded), by type where the schema has no codes for them (a date is good
            # or not whatever property holds it); amounts, mostly distinct, for this chunk.
            if float_ok:
                answers = {None: None}
            else:
                answers = self._answers.setdefault(
                    ("@type", kind) if spec is not None and spec.enum is None else (owner, prop),
                    {None: None})
                if len(answers) > 100_000:
                    answers.clear()
                    answers[None] = None
            for raw in cast("set[str]", set(raws).difference(answers)):  # None is answered
                value: Any = raw
                if float_ok and _PLAIN_AMOUNT.fullmatch(raw):  # what parse_amount gives it
                    value = float(raw)
                elif known is not None:
                    value = self._parsed_once(known, kind, raw)
                if isinstance(value, RowError):
                    value = _UNPARSED
                elif float_ok and type(value) is float:  # the claim checks' inline case
                    if not (math.isfinite(value) and abs(value) < MAX_AMOUNT):
                        value = _UNPARSED
                elif not checks._values_ok(owner, specs, {prop: value}):
                    value = _UNPARSED
                answers[raw] = value
            bad_rows = []
            if len(answers) > 1 and _UNPARSED in answers.values():
                bad = {raw for raw, value in answers.items() if value is _UNPARSED}
                bad_rows = [i for i, raw in enumerate(raws) if raw in bad]
                refused.update(bad_rows)
            values: list[Any] = list(map(answers.__getitem__, raws))
            shared[(owner, prop, template)] = (values, bad_rows)
            if kind == "list":  # a list is never shared between claims
                values = [list(v) if type(v) is list else v for v in values]
            found.append((prop, values))
        return found

    def _document_columns(self, col: ColumnRows) -> list[list[str | None]]:
        return [col.used(document) for document in self._documents]

    def _cited(self, file_source: str, documents: list[list[str | None]], i: int) -> list[str]:
        """A row's sources: the file, then the row's documents (what `_sources` gives)."""
        sources = [file_source]
        for column in documents:
            document = column[i]
            if document is not None:
                sources.append(document)
        return sources

    # -- the parts ----------------------------------------------------------------------------

    def _record_source_columns(self, link: dict[str, Template]) -> ColumnBuilder:
        """A row's document Source (record_source in loaders/claims.py), column-wise."""
        def build(col: ColumnRows) -> None:
            ctx, model, records = col.ctx, self.model, col.records
            checks, seen, file_source = ctx.checks, ctx.seen, ctx.file_source
            cited = [file_source]
            origin = "catalog" if file_source == CATALOG_SOURCE else ctx.origin
            identified = bool(model.identity_props["Source"]) or \
                model.kinds["Source"].qualified_ids
            urls = col.render(link["url"])
            values = {k: col.render(t) for k, t in link.items()}
            names, keys = values.get("name"), values.get("key")
            publishers = values["publisher"] if "publisher" in link else None
            kinds = values["source_kind"] if "source_kind" in link else None
            published = values.get("published")
            dates: dict[str | None, str | None] = {}
            plain_ok = (checks._days_ok(seen, seen) and _text_ok(file_source)
                        and checks._prefix.get("Source") == "source:")
            specs = model.kinds["Source"].properties
            answered: dict[tuple[str, str], bool] = {}

            def value_ok(prop: str, value: str) -> bool:
                found = answered.get((prop, value))
                if found is None:
                    found = answered[(prop, value)] = checks._values_ok(
                        "Source", specs, {prop: value})
                return found

            for i in col.rows:
                url = urls[i]
                if not url or not url[:8].lower().startswith(("http://", "https://")):
                    continue
                day = None
                if published is not None:
                    raw = published[i]
                    day = dates.get(raw, _UNPARSED)
                    if day is _UNPARSED:
                        try:
                            day = parse_date(raw, "published")
                        except RowError:
                            day = None  # a loose date on a link does not make the row wrong
                        dates[raw] = day
                key = keys[i] if keys is not None else None
                node_id = "source:" + (key or "url-" + hashlib.sha1(url.encode()).hexdigest()[:16])
                name = (names[i] if names is not None else None) or url
                props: dict[str, Value] = {"url": url}
                publisher = publishers[i] if publishers is not None else self.mapping.publisher
                if publisher:
                    props["publisher"] = publisher
                kind = kinds[i] if kinds is not None else self.mapping.source_kind
                if kind:
                    props["source_kind"] = kind
                if day:
                    props["published"] = day
                # node_ok, its parts inline; a publisher, kind or day checked once each.
                if not (plain_ok and _text_ok(node_id) and node_id.startswith("source:")
                        and _ID.match(node_id) and _text_ok(name) and name.strip()
                        and _text_ok(url)
                        and (not publisher or value_ok("publisher", publisher))
                        and (not kind or value_ok("source_kind", kind))
                        and (not day or value_ok("published", day))):
                    col.fallback(i, col)
                    continue
                col.ids[i] = node_id
                col.nodes.append(node_statement(model, node_id, "Source", name, [], props,
                                                cited, seen, seen, records[i], origin))
                col.node_rows.append(i)
                if identified:
                    for row in identity_rows(model, node_id, "Source", props):
                        col.identity.append(row)
                        col.identity_rows.append(i)
        return build

    def _node_columns(self, spec: NodeSpec) -> ColumnBuilder | None:
        """A node of an id made from columns (an award's Contract), column-wise; None for the
        nodes the row builder alone states (resolved, catalog-typed, several ids, domains)."""
        if (spec.id is None or spec.id.constant or spec.many or spec.resolve_by
                or spec.domains_from is not None or spec.kind == "ContractAction"):
            return None
        id_template, name_template, kind = spec.id, spec.name, spec.kind
        typed = self._node_types[spec.key]
        prefix = f"{self.model.kinds[kind].prefix}:"
        catalog = self._tables.get(kind, {})
        record_cites = spec.cite == "record"

        def build(col: ColumnRows) -> None:
            ctx, model, records = col.ctx, self.model, col.records
            checks, seen, file_source = ctx.checks, ctx.seen, ctx.file_source
            refused: set[int] = set()
            # Sources are the file's and ids parts made (each checked as its node's id).
            days_ok = (checks._days_ok(seen, seen) and prefix == checks._prefix.get(kind)
                       and _text_ok(file_source))
            idents, qualified = model.identity_props[kind], model.kinds[kind].qualified_ids
            given = col.render(id_template)
            names = col.render(name_template) if name_template is not None else None
            aliases = [col.render(t) for t in spec.aliases]
            props = self._typed_columns(typed, col, kind, refused)
            documents = self._document_columns(col) if record_cites else []
            made: dict[str, str] = {}
            for i in col.rows:
                explicit = given[i]
                if i in refused or explicit is None:
                    if i in refused or spec.required:
                        col.fallback(i, col)  # the row builder names the bad or blank cell
                    continue
                node_id = made.get(explicit)
                if node_id is None:
                    node_id = explicit.strip()
                    if ":" not in node_id:
                        node_id = f"{prefix}{entity_slug(node_id)}"
                    made[explicit] = node_id
                if node_id in catalog:
                    col.fallback(i, col)  # a catalog entry brings itself
                    continue
                name = (names[i] if names is not None else None) or node_id.partition(":")[2]
                named = [a for a in (c[i] for c in aliases) if a]
                stated = {prop: values[i] for prop, values in props
                          if values[i] is not None and values[i] != ""}
                cited = self._cited(file_source, documents, i) if record_cites else [file_source]
                # The typed values were checked column-wise: the rest of node_ok here.
                if not (days_ok and _text_ok(node_id) and node_id.startswith(prefix)
                        and _ID.match(node_id) and _text_ok(name) and name.strip()
                        and (not named or _names_ok(named))):
                    col.fallback(i, col)
                    continue
                origin = "catalog" if len(cited) == 1 and cited[0] == CATALOG_SOURCE \
                    else ctx.origin
                col.ids[i] = node_id
                col.nodes.append(node_statement(model, node_id, kind, name, named, stated,
                                                cited, seen, seen, records[i], origin))
                col.node_rows.append(i)
                for prop, is_key in idents:  # identity_rows, its loop inline
                    value = stated.get(prop)
                    if value is not None and value != "":
                        col.identity.append((node_id, kind, prop, str(value).upper(), is_key))
                        col.identity_rows.append(i)
                if qualified:
                    col.identity.append((node_id, kind, BASE_PROP, base_id(node_id), 1))
                    col.identity_rows.append(i)
        return build
