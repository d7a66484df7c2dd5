"""The column builder of resolved Company nodes (a recipient, its parent): each distinct key of
a chunk's company cells (loaders/chunks.py groups them) stated from whole columns, as
`RowOutput.company` states it; a key a column check refuses goes to the row builder."""

from __future__ import annotations

from graph_service.judgements import BASE_PROP, base_id
from graph_service.records import _ID, Value, _text_ok
from graph_service.statements import node_statement
from loaders.chunks import ColumnRows
from loaders.claims import CATALOG_SOURCE
from loaders.mapping_columns import ColumnBuilder, ColumnBuilders
from loaders.mapping_spec import NodeSpec


class ResolvedColumns(ColumnBuilders):
    def _company_columns(self, spec: NodeSpec) -> ColumnBuilder | None:
        """A Company resolved by UEI, DUNS and name, without aliases; None otherwise (the row
        builder states those)."""
        if (spec.kind != "Company" or spec.id is not None or spec.many or spec.aliases
                or spec.domains_from is not None or spec.name is None
                or not set(spec.resolve_by) <= {"uei", "duns"}):
            return None
        name_template = spec.name
        typed = self._node_types[spec.key]
        by_uei, by_duns = spec.resolve_by.get("uei"), spec.resolve_by.get("duns")

        def build(col: ColumnRows) -> None:
            ctx, model, records = col.ctx, self.model, col.records
            checks, seen, file_source = ctx.checks, ctx.seen, ctx.file_source
            resolve = ctx.companies.resolve
            cited = [file_source]
            origin = "catalog" if file_source == CATALOG_SOURCE else ctx.origin
            prefix = checks._prefix.get("Company") or ""
            days_ok = checks._days_ok(seen, seen) and bool(prefix) and _text_ok(file_source)
            refused: set[int] = set()
            idents = model.identity_props["Company"]
            qualified = model.kinds["Company"].qualified_ids
            names = col.render(name_template)
            ueis = col.render(by_uei) if by_uei is not None else None
            dunses = col.render(by_duns) if by_duns is not None else None
            props = self._typed_columns(typed, col, "Company", refused)
            typed_uei = next((values for prop, values in props if prop == "uei"), None)
            typed_duns = next((values for prop, values in props if prop == "duns"), None)
            for i in col.rows:
                name = names[i]
                uei = ueis[i] if ueis is not None else None
                duns = dunses[i] if dunses is not None else None
                if i in refused:
                    col.fallback(i, col)
                    continue
                if name is None and uei is None and duns is None:
                    if spec.required:
                        col.fallback(i, col)  # the row builder names the blank cell
                    continue
                if not uei and typed_uei is not None:
                    uei = _text(typed_uei[i])
                if not duns and typed_duns is not None:
                    duns = _text(typed_duns[i])
                display = name or f"UEI {uei}" if uei else name or f"DUNS {duns}"
                if not display:
                    col.fallback(i, col)
                    continue
                resolved = resolve(display, uei, duns)
                stated: dict[str, Value] = {prop: values[i] for prop, values in props
                                            if values[i] is not None and values[i] != ""}
                if resolved.uei:
                    stated["uei"] = resolved.uei
                else:
                    stated.pop("uei", None)
                if resolved.duns:
                    stated["duns"] = resolved.duns
                else:
                    stated.pop("duns", None)
                node_id = resolved.id
                # The typed values were checked column-wise: the rest of node_ok here.
                if not (days_ok and _text_ok(node_id) and node_id.startswith(prefix)
                        and _ID.match(node_id) and _text_ok(display) and display.strip()
                        and _text_ok(resolved.uei or "") and _text_ok(resolved.duns or "")):
                    col.fallback(i, col)
                    continue
                col.ids[i] = node_id
                if resolved.basis:
                    col.bases[i] = resolved.basis
                col.nodes.append(node_statement(model, node_id, "Company", display, [], stated,
                                                cited, seen, seen, records[i], origin))
                col.node_rows.append(i)
                for prop, is_key in idents:  # identity_rows, its loop inline
                    value = stated.get(prop)
                    if value is not None and value != "":
                        col.identity.append((node_id, "Company", prop, str(value).upper(),
                                             is_key))
                        col.identity_rows.append(i)
                if qualified:
                    col.identity.append((node_id, "Company", BASE_PROP, base_id(node_id), 1))
                    col.identity_rows.append(i)
        return build


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) else None
