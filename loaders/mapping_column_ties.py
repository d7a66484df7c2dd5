"""Column builders of ties and tags (see loaders/mapping_columns.py): an award's AWARDED_TO,
AWARDED_BY, FUNDED_BY, CHILD_OF and SUBSIDIARY_OF, and its technology and product tags, stated
from whole columns; a refused key goes to the part's row builder."""

from __future__ import annotations

from typing import Any

from graph_service.records import _EDGE_FIELDS, Value, _text_ok
from graph_service.statements import edge_statement
from loaders.chunks import ColumnRows
from loaders.claims import CATALOG_SOURCE
from loaders.mapping_columns import ColumnBuilder, ColumnBuilders
from loaders.mapping_spec import EdgeSpec, NodeSpec, TagSpec

_UNCHECKED: Any = object()


class TieColumns(ColumnBuilders):
    def _edge_columns(self, edge: EdgeSpec) -> ColumnBuilder | None:
        """A tie of a row's own node (an award's AWARDED_TO...), column-wise; None for ties
        between nodes of several ids (the row builder makes one per pair)."""
        nodes = self.mapping.nodes
        if (nodes[edge.source].many or any(nodes[t].many for t in edge.targets)
                or not _EDGE_FIELDS.isdisjoint(edge.properties)):
            return None
        types = self.model.relationship_properties
        typed = [(prop, template, types[prop].type) for prop, template in edge.properties.items()]
        basis_key = f"{edge.basis_from}#basis" if edge.basis_from else None
        rel_type, status, cites = edge.type, edge.status, edge.cite == "record"

        def build(col: ColumnRows) -> None:
            ctx, model, records = col.ctx, self.model, col.records
            checks, seen, file_source = ctx.checks, ctx.seen, ctx.file_source
            refused: set[int] = set()
            ends_ok = checks._ties.get(rel_type) or (frozenset(), frozenset())
            # Sources are the file's and ids parts made (each checked as its node's id).
            known = (rel_type in checks._ties and status in ("reported", "inferred")
                     and _text_ok(file_source))
            starts = col.used(edge.source)
            ends = [col.used(t) for t in edge.targets]
            bases = col.used(basis_key) if basis_key else None
            props = self._typed_columns(typed, col, "@tie", refused)
            documents = self._document_columns(col) if cites else []
            one_document = documents[0] if len(documents) == 1 else None
            # A rule's guess ranks as inference, below what any source states.
            stated_origin = ctx.origin if status == "reported" else "inference"
            for i in col.rows:
                start = starts[i]
                if start is None:
                    continue
                for column in ends:
                    end = column[i]
                    if end is not None:
                        break
                else:
                    continue
                if i in refused:
                    col.fallback(i, col)
                    continue
                if start == end:
                    continue  # a company that is its own parent: no tie
                stated: dict[str, Value] = {}
                basis = bases[i] if bases is not None else None
                if basis:
                    stated["basis"] = basis
                for prop, values in props:
                    value = values[i]
                    if value is not None and value != "":
                        stated[prop] = value
                if one_document is not None:
                    document = one_document[i]
                    cited = [file_source] if document is None else [file_source, document]
                else:
                    cited = self._cited(file_source, documents, i) if cites else [file_source]
                # The typed values were checked column-wise: the rest of edge_ok here.
                first, _, first_rest = start.partition(":")
                last, _, last_rest = end.partition(":")
                if not (known and first_rest and first in ends_ok[0] and last_rest
                        and last in ends_ok[1]
                        and (not basis or _text_ok(basis))):
                    col.fallback(i, col)
                    continue
                origin = "catalog" if len(cited) == 1 and cited[0] == CATALOG_SOURCE \
                    else stated_origin
                col.edges.append(edge_statement(model, rel_type, start, end, status, stated,
                                                cited, seen, seen, records[i], origin))
                col.edge_rows.append(i)
        return build

    def _tag_columns(self, spec: NodeSpec, tags: TagSpec, always: bool) -> ColumnBuilder:
        """A row's technology and product tags, column-wise: the tagger asked once per distinct
        question (texts and vendor names), its ties stated per row."""
        names = [self.mapping.nodes[ref].name for ref in tags.vendors
                 if ref in self.mapping.nodes]
        vendor_templates = [t for t in names if t is not None]
        fields = ("description", "psc", "psc_description", "naics", "naics_description")

        def build(col: ColumnRows) -> None:
            ctx, model, records = col.ctx, self.model, col.records
            checks, seen, file_source = ctx.checks, ctx.seen, ctx.file_source
            static = ctx.static
            owners = col.used(spec.key)
            texts = {k: col.render(t) for k, t in tags.templates.items()}
            given = [texts[k] if k in texts else None for k in fields]
            vendors = [col.render(t) for t in vendor_templates]
            documents = self._document_columns(col)
            answers: dict[tuple[Any, ...], list[Any]] = {}
            tied: dict[tuple[Any, ...], Any] = {}
            for i in col.rows:
                contract = owners[i]
                if contract is None:
                    continue
                values = tuple(c[i] if c is not None else None for c in given)
                if not always and not any(c[i] for c in texts.values()):
                    continue  # an extra tag set without text says nothing
                named = tuple(v[i] for v in vendors)
                question = (*values, named)
                found = answers.get(question)
                if found is None:
                    found = answers[question] = ctx.tagger.tag(
                        values[0], values[1], values[2], values[3], values[4], named)
                if not found:
                    continue
                cited = self._cited(file_source, documents, i)
                # The ties of an answer, checked once per answer and kind of contract id (the
                # sources are the file's and ids parts made, each checked as its node's id).
                checked = (question, contract.partition(":")[0])
                ties = tied.get(checked, _UNCHECKED)
                if ties is _UNCHECKED:
                    ties = [("OF_TECHNOLOGY" if tag.target.startswith("technology:")
                             else "COVERS", tag, {"rule": tag.rule, "matched": tag.matched[:300]})
                            for tag in found]
                    if not all(checks.edge_ok(rel_type, contract, tag.target, "inferred", props,
                                              cited) for rel_type, tag, props in ties):
                        ties = None
                    tied[checked] = ties
                if ties is None:
                    col.fallback(i, col)  # the row builder names the tie refused
                    continue
                ctx.record = records[i]  # catalog entities a tag brings cite the first row
                origin = "catalog" if len(cited) == 1 and cited[0] == CATALOG_SOURCE \
                    else "inference"
                for rel_type, tag, props in ties:
                    if rel_type == "OF_TECHNOLOGY":
                        static.technology(tag.target)
                    else:
                        static.product(tag.target)
                    if contract == tag.target:
                        continue
                    col.edges.append(edge_statement(model, rel_type, contract, tag.target,
                                                    "inferred", props, cited, seen, seen,
                                                    records[i], origin))
                    col.edge_rows.append(i)
        return build
