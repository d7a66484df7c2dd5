"""List and spending queries of the embedded store, pushed down into SQL.

A mixin for EmbeddedStore: filters become `id IN (subquery)` clauses over the indexed edges
table, so counting and paging read only the rows that match. The meaning of every filter is
documented once, in graph_service.stores.query_types.
"""
# S608: every SQL text here is assembled from fixed fragments and "?" marks; values are
# always parameters.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph_service.records import Edge, Node
from graph_service.stores.base import Direction
from graph_service.stores.embedded_rows import node_from_row
from graph_service.stores.query_types import (
    AGENCY_DEPTH,
    COMPANY_DEPTH,
    GroupKey,
    ListFilter,
    ListOrder,
    ListPage,
    QueryError,
    SpendingRow,
)
from graph_service.stores.spending_groups import action_years, group_rows, pairs, top_parents
from graph_service.text import fold

# Bodies are JSON text (stored as BLOB or TEXT); CAST keeps SQLite from reading a BLOB as JSONB.
_PROP = "json_extract(CAST(n.body AS TEXT), '$.properties.{}')"
_ORDER_SQL = {
    "id": "n.id",
    "name": "n.name",
    "obligated": _PROP.format("obligated"),
    "start_date": _PROP.format("start_date"),
    "fiscal_year": _PROP.format("fiscal_year"),
}
_AWARD = "type IN ('AWARDED_BY','FUNDED_BY')"
_EDGE_NOTE = "json_extract(CAST({}.body AS TEXT), '$.properties.note')"


def _marks(count: int) -> str:
    return ",".join("?" * count)


class EmbeddedQueries:
    """Filtered, ordered, paged lists with totals, and spending sums, for EmbeddedStore."""

    if TYPE_CHECKING:

        @property
        def _db(self) -> sqlite3.Connection: ...

        def edges(
            self,
            ids: Sequence[str],
            types: Sequence[str] | None = None,
            direction: Direction = "both",
        ) -> list[Edge]: ...

    # -- hierarchies ---------------------------------------------------------------------------

    def _closure(self, start: str, rel_type: str, depth: int) -> list[str]:
        """`start` and the nodes tied to it by incoming `rel_type` chains up to `depth` long
        (sub-agencies through PART_OF, subsidiaries through SUBSIDIARY_OF)."""
        seen, frontier = {start}, [start]
        for _ in range(depth):
            layer = {e.source for e in self.edges(frontier, [rel_type], "in")} - seen
            if not layer:
                break
            seen |= layer
            frontier = sorted(layer)
        return sorted(seen)

    # -- filters -------------------------------------------------------------------------------

    def _contracts_of_technology(self, technology: str) -> tuple[str, list[Any]]:
        sql = (
            "SELECT src FROM edges WHERE dst = ? AND type = 'OF_TECHNOLOGY' "
            "UNION SELECT src FROM edges WHERE type = 'COVERS' AND dst IN "
            "(SELECT src FROM edges WHERE dst = ? AND type = 'OF_TECHNOLOGY')"
        )
        return sql, [technology, technology]

    def _contracts_of_agency(self, agency: str) -> tuple[str, list[Any]]:
        agencies = self._closure(agency, "PART_OF", AGENCY_DEPTH)
        marks = _marks(len(agencies))
        return f"SELECT src FROM edges WHERE dst IN ({marks}) AND {_AWARD}", agencies

    def _contracts_of_company(self, company: str) -> tuple[str, list[Any]]:
        companies = self._closure(company, "SUBSIDIARY_OF", COMPANY_DEPTH)
        marks = _marks(len(companies))
        return f"SELECT src FROM edges WHERE dst IN ({marks}) AND type = 'AWARDED_TO'", companies

    def _of_technology(self, kind: str, flt: ListFilter) -> tuple[str, list[Any]]:
        """The ids of `kind` tied to the technology in the ways `flt.via` allows."""
        tech = flt.technology
        contracts, params = self._contracts_of_technology(str(tech))
        products = "SELECT src FROM edges WHERE dst = ? AND type = 'OF_TECHNOLOGY'"
        # USED_BY ties of the technology or of a product of it (reported use)
        users = f"type = 'USED_BY' AND (src = ? OR src IN ({products}))"
        parts: list[tuple[str, list[Any]]] = []
        ways = flt.ways
        if kind == "Contract":
            return contracts, params
        if kind == "Product":
            return products, [tech]
        if kind == "Agency":
            if "contract" in ways:
                parts.append((f"SELECT dst FROM edges WHERE {_AWARD} AND src IN ({contracts})",
                              params))
            if "reported_use" in ways:
                parts.append((f"SELECT dst FROM edges WHERE {users}", [tech, tech]))
        if kind == "Company":
            if "contract" in ways:
                parts.append((f"SELECT dst FROM edges WHERE type = 'AWARDED_TO' "
                              f"AND src IN ({contracts})", params))
            if "reported_use" in ways:
                # one record (an Atlas row) gives both ties the same note
                parts.append((
                    "SELECT s.src FROM edges s JOIN edges u ON u.dst = s.dst "
                    f"WHERE s.type = 'SUPPLIES' AND u.type = 'USED_BY' "
                    f"AND (u.src = ? OR u.src IN ({products})) "
                    f"AND {_EDGE_NOTE.format('s')} = {_EDGE_NOTE.format('u')}",
                    [tech, tech]))
                parts.append((
                    "SELECT src FROM edges WHERE type = 'OFFERS' AND dst IN "
                    f"(SELECT src FROM edges WHERE {users})", [tech, tech]))
            if "offers" in ways:
                parts.append((f"SELECT src FROM edges WHERE type = 'OFFERS' AND dst IN "
                              f"({products})", [tech]))
        return " UNION ".join(sql for sql, _ in parts), [a for _, ps in parts for a in ps]

    def _where(self, kind: str, flt: ListFilter) -> tuple[str, list[Any]]:
        """The WHERE clause (over `nodes n`) selecting the `kind` nodes that pass `flt`."""
        flt.check(kind)
        clauses: list[str] = ["n.kind = ?"]
        args: list[Any] = [kind]

        def member(sql: str, params: list[Any]) -> None:
            clauses.append(f"n.id IN ({sql})")
            args.extend(params)

        if flt.agency is not None:
            sql, params = self._contracts_of_agency(flt.agency)
            if kind == "Contract":
                member(sql, params)
            elif kind == "Company":
                member(f"SELECT dst FROM edges WHERE type = 'AWARDED_TO' AND src IN ({sql})",
                       params)
            elif kind == "Product":
                agencies = self._closure(flt.agency, "PART_OF", AGENCY_DEPTH)
                member(
                    f"SELECT dst FROM edges WHERE type = 'COVERS' AND src IN ({sql}) UNION "
                    f"SELECT src FROM edges WHERE type = 'USED_BY' "
                    f"AND dst IN ({_marks(len(agencies))})",
                    [*params, *agencies],
                )
        if flt.company is not None:
            sql, params = self._contracts_of_company(flt.company)
            if kind == "Contract":
                member(sql, params)
            elif kind == "Agency":
                member(f"SELECT dst FROM edges WHERE {_AWARD} AND src IN ({sql})", params)
            elif kind == "Product":
                companies = self._closure(flt.company, "SUBSIDIARY_OF", COMPANY_DEPTH)
                member(
                    "SELECT dst FROM edges WHERE type = 'OFFERS' "
                    f"AND src IN ({_marks(len(companies))})",
                    companies,
                )
        if flt.technology is not None:
            member(*self._of_technology(kind, flt))
        if flt.state is not None:
            clauses.append(f"UPPER({_PROP.format('state')}) = ?")
            args.append(flt.state.strip().upper())
        if flt.active_on is not None:
            clauses.append(
                f"COALESCE({_PROP.format('start_date')}, '') <= ? "
                f"AND COALESCE({_PROP.format('end_date')}, '9999-99-99') >= ?"
            )
            args += [flt.active_on, flt.active_on]
        if flt.min_amount is not None:
            clauses.append(f"{_PROP.format('obligated')} >= ?")
            args.append(flt.min_amount)
        if flt.text is not None:
            needle = fold(flt.text)
            if not needle:
                raise QueryError("the text filter is empty")
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            member("SELECT id FROM terms WHERE term LIKE ? ESCAPE '\\'", [f"%{escaped}%"])
        return " AND ".join(clauses), args

    # -- lists ---------------------------------------------------------------------------------

    def list_nodes(
        self, kind: str, flt: ListFilter, order: ListOrder, first: int, offset: int = 0
    ) -> ListPage:
        order.check(kind)
        where, args = self._where(kind, flt)
        (total,) = self._db.execute(f"SELECT COUNT(*) FROM nodes n WHERE {where}", args).fetchone()
        column = _ORDER_SQL[order.field]
        way = "DESC" if order.descending else "ASC"
        order_sql = (
            f"n.id {way}" if order.field == "id" else f"({column} IS NULL), {column} {way}, n.id"
        )
        sql = (
            f"SELECT n.id, n.kind, n.name, n.body FROM nodes n WHERE {where} "
            f"ORDER BY {order_sql} LIMIT ? OFFSET ?"
        )

        nodes: list[Node] = [
            node_from_row(row) for row in self._db.execute(sql, [*args, max(first, 0), offset])
        ]
        return ListPage(nodes=nodes, total_count=int(total), offset=offset)

    # -- spending ------------------------------------------------------------------------------

    def _pairs(self, sql: str, args: list[Any]) -> dict[str, list[str]]:
        return pairs(self._db.execute(sql, args))

    def spending(self, group_by: Sequence[GroupKey], flt: ListFilter) -> list[SpendingRow]:
        where, args = self._where("Contract", flt)
        contracts = f"SELECT n.id FROM nodes n WHERE {where}"
        rows = self._db.execute(
            f"SELECT n.id, {_PROP.format('obligated')}, {_PROP.format('potential')}, "
            f"{_PROP.format('fiscal_year')}, {_PROP.format('start_date')} "
            f"FROM nodes n WHERE {where}",
            args,
        ).fetchall()
        keys: dict[str, dict[str, list[str]]] = {}
        if "agency" in group_by:
            keys["agency"] = self._pairs(
                f"SELECT src, dst FROM edges WHERE type = 'AWARDED_BY' AND src IN ({contracts})",
                args,
            )
        if "company" in group_by or "parent_company" in group_by:
            recipients = self._pairs(
                f"SELECT src, dst FROM edges WHERE type = 'AWARDED_TO' AND src IN ({contracts})",
                args,
            )
            keys["company"] = recipients
            if "parent_company" in group_by:
                top = top_parents(self, {c for cs in recipients.values() for c in cs})
                keys["parent_company"] = {
                    contract: sorted({top[c] for c in cs}) for contract, cs in recipients.items()
                }
        if "technology" in group_by:
            keys["technology"] = self._pairs(
                "SELECT src, dst FROM edges WHERE type = 'OF_TECHNOLOGY' "
                f"AND src IN ({contracts}) UNION "
                "SELECT c.src, t.dst FROM edges c JOIN edges t "
                "ON t.src = c.dst AND t.type = 'OF_TECHNOLOGY' "
                f"WHERE c.type = 'COVERS' AND c.src IN ({contracts})",
                [*args, *args],
            )
        by_year = action_years(self._db.execute(
            "SELECT e.dst, json_extract(CAST(a.body AS TEXT), '$.properties.action_date'), "
            "json_extract(CAST(a.body AS TEXT), '$.properties.obligation') FROM edges e "
            "JOIN nodes a ON a.id = e.src "
            f"WHERE e.type = 'ACTION_OF' AND e.dst IN ({contracts})", args)
        ) if "fiscal_year" in group_by else {}
        return group_rows(group_by, rows, keys, by_year)
