"""List and spending queries of the Neo4j store: one Cypher statement per question.

A mixin for Neo4jStore. Each relational filter is a path pattern anchored on a node given by id
(a parameter): the first one drives the match from its indexed anchor, the others become
EXISTS conditions. Labels and relationship types are fixed schema names; every value is a
parameter. Meanings are documented once, in graph_service.stores.query_types.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph_service.neo4j_schema import ENTITY, SEARCH
from graph_service.records import Edge, Node
from graph_service.stores.base import Direction
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

_AGENCY = f"(:Agency)-[:PART_OF*0..{AGENCY_DEPTH}]->(:{ENTITY} {{id: $agency}})"
_COMPANY = f"(:Company)-[:SUBSIDIARY_OF*0..{COMPANY_DEPTH}]->(:{ENTITY} {{id: $company}})"
_TECH = f"(:{ENTITY} {{id: $technology}})"
# Alternatives (any one suffices) per (kind, filter); `n` is the listed node.
_PATTERNS: dict[tuple[str, str], list[str]] = {
    ("Contract", "agency"): [f"(n)-[:AWARDED_BY|FUNDED_BY]->{_AGENCY}"],
    ("Contract", "company"): [f"(n)-[:AWARDED_TO]->{_COMPANY}"],
    ("Contract", "technology"): [
        f"(n)-[:OF_TECHNOLOGY]->{_TECH}",
        f"(n)-[:COVERS]->(:Product)-[:OF_TECHNOLOGY]->{_TECH}",
    ],
    ("Company", "agency"): [f"(n)<-[:AWARDED_TO]-(:Contract)-[:AWARDED_BY|FUNDED_BY]->{_AGENCY}"],
    ("Company", "technology:contract"): [
        f"(n)<-[:AWARDED_TO]-(:Contract)-[:OF_TECHNOLOGY]->{_TECH}",
        f"(n)<-[:AWARDED_TO]-(:Contract)-[:COVERS]->(:Product)-[:OF_TECHNOLOGY]->{_TECH}",
    ],
    # One record (an Atlas row) gives the SUPPLIES and the USED_BY tie the same note.
    ("Company", "technology:reported_use"): [
        f"(n)-[s:SUPPLIES]->(:Agency)<-[u:USED_BY]-{_TECH} WHERE s.note = u.note",
        f"(n)-[s:SUPPLIES]->(:Agency)<-[u:USED_BY]-(:Product)-[:OF_TECHNOLOGY]->{_TECH} "
        "WHERE s.note = u.note",
        f"(n)-[:OFFERS]->(p:Product)-[:OF_TECHNOLOGY]->{_TECH} "
        "WHERE EXISTS { (p)-[:USED_BY]->(:Agency) }",
    ],
    ("Company", "technology:offers"): [f"(n)-[:OFFERS]->(:Product)-[:OF_TECHNOLOGY]->{_TECH}"],
    ("Agency", "company"): [f"(n)<-[:AWARDED_BY|FUNDED_BY]-(:Contract)-[:AWARDED_TO]->{_COMPANY}"],
    ("Agency", "technology:contract"): [
        f"(n)<-[:AWARDED_BY|FUNDED_BY]-(:Contract)-[:OF_TECHNOLOGY]->{_TECH}",
        f"(n)<-[:AWARDED_BY|FUNDED_BY]-(:Contract)-[:COVERS]->(:Product)-[:OF_TECHNOLOGY]->{_TECH}",
    ],
    ("Agency", "technology:reported_use"): [
        f"(n)<-[:USED_BY]-{_TECH}",
        f"(n)<-[:USED_BY]-(:Product)-[:OF_TECHNOLOGY]->{_TECH}",
    ],
    ("Product", "agency"): [
        f"(n)<-[:COVERS]-(:Contract)-[:AWARDED_BY|FUNDED_BY]->{_AGENCY}",
        f"(n)-[:USED_BY]->{_AGENCY}",
    ],
    ("Product", "company"): [f"(n)<-[:OFFERS]-{_COMPANY}"],
    ("Product", "technology"): [f"(n)-[:OF_TECHNOLOGY]->{_TECH}"],
}
_ORDER = {"name": "n.name", "obligated": "n.obligated", "start_date": "n.start_date",
          "fiscal_year": "n.fiscal_year"}
def _where(pattern: str, condition: str) -> str:
    """`pattern WHERE condition`, joined to a WHERE the pattern already carries."""
    path, found, own = pattern.partition(" WHERE ")
    return f"{path} WHERE ({own}) AND {condition}" if found else f"{path} WHERE {condition}"


def _alternatives(kind: str, name: str, flt: ListFilter) -> list[str]:
    """The patterns of one relational filter (a technology filter's by its `via`)."""
    if name != "technology" or kind in ("Contract", "Product"):
        return _PATTERNS[(kind, name)]
    return [p for way in sorted(flt.ways) for p in _PATTERNS.get((kind, f"{name}:{way}"), [])]


def _label(kind: str) -> str:
    """Only the listable kinds (fixed names) ever become labels here."""
    if kind not in ("Contract", "Company", "Agency", "Product"):
        raise QueryError(f"{kind} cannot be listed")
    return kind


class Neo4jQueries:
    """Filtered, ordered, paged lists with totals, and spending sums, for Neo4jStore."""

    if TYPE_CHECKING:

        def _read(self, query: str, **params: Any) -> list[list[Any]]: ...

        def _node(self, node_id: str, labels: Sequence[str], props: dict[str, Any]) -> Node: ...

        def edges(self, ids: Sequence[str], types: Sequence[str] | None = None,
                  direction: Direction = "both") -> list[Edge]: ...

    @staticmethod
    def _match(kind: str, flt: ListFilter) -> tuple[str, dict[str, Any]]:
        """Cypher binding `n` to each `kind` node that passes `flt` exactly once."""
        flt.check(kind)
        label = _label(kind)
        params: dict[str, Any] = {
            "agency": flt.agency,
            "company": flt.company,
            "technology": flt.technology,
        }
        relational = [
            _alternatives(kind, name, flt)
            for name in ("agency", "company", "technology")
            if getattr(flt, name) is not None
        ]
        conditions: list[str] = []
        if relational:
            first, *rest = relational
            union = " UNION ".join(f"MATCH {_where(pattern, f'n:{label}')} RETURN n"
                                   for pattern in first)
            head = f"CALL () {{ {union} }}"
            for alternatives in rest:
                conditions.append(
                    "(" + " OR ".join(f"EXISTS {{ MATCH {p} }}" for p in alternatives) + ")"
                )
        else:
            head = f"MATCH (n:{label})"
        if flt.state is not None:
            conditions.append("toUpper(n.state) = $state")
            params["state"] = flt.state.strip().upper()
        if flt.active_on is not None:
            conditions.append(
                "coalesce(n.start_date, '') <= $active_on "
                "AND coalesce(n.end_date, '9999-99-99') >= $active_on"
            )
            params["active_on"] = flt.active_on
        if flt.min_amount is not None:
            conditions.append("n.obligated >= $min_amount")
            params["min_amount"] = float(flt.min_amount)
        if flt.text is not None:
            needle = fold(flt.text)
            if not needle:
                raise QueryError("the text filter is empty")
            conditions.append(f"n.{SEARCH} CONTAINS $needle")
            params["needle"] = needle
        where = f" WITH n WHERE {' AND '.join(conditions)}" if conditions else ""
        return head + where, params

    def list_nodes(
        self, kind: str, flt: ListFilter, order: ListOrder, first: int, offset: int = 0
    ) -> ListPage:
        order.check(kind)
        match, params = self._match(kind, flt)
        way = "DESC" if order.descending else "ASC"
        if order.field == "id":
            order_by = f"n.id {way}"
        else:
            column = _ORDER[order.field]
            order_by = f"({column} IS NULL), {column} {way}, n.id"
        query = (
            f"CALL () {{ {match} RETURN count(n) AS total }} "
            f"CALL () {{ {match} WITH n ORDER BY {order_by} SKIP $offset LIMIT $first "
            "RETURN collect([n.id, labels(n), properties(n)]) AS page } "
            "RETURN total, page"
        )
        ((total, page),) = self._read(query, offset=offset, first=max(first, 0), **params)
        nodes = [self._node(node_id, labels, props) for node_id, labels, props in page]
        return ListPage(nodes=nodes, total_count=int(total), offset=offset)

    def spending(self, group_by: Sequence[GroupKey], flt: ListFilter) -> list[SpendingRow]:
        """The contracts and their keys read here; grouped as the embedded store groups them
        (spending_groups), so both stores answer alike."""
        match, params = self._match("Contract", flt)
        rows = [(str(i), o, p, y, d) for i, o, p, y, d in self._read(
            f"{match} RETURN n.id, n.obligated, n.potential, n.fiscal_year, n.start_date",
            **params)]
        keys: dict[str, dict[str, list[str]]] = {}
        if "agency" in group_by:
            keys["agency"] = pairs(self._read(
                f"{match} WITH n MATCH (n)-[:AWARDED_BY]->(x) RETURN n.id, x.id", **params))
        if "company" in group_by or "parent_company" in group_by:
            recipients = pairs(self._read(
                f"{match} WITH n MATCH (n)-[:AWARDED_TO]->(x) RETURN n.id, x.id", **params))
            keys["company"] = recipients
            if "parent_company" in group_by:
                top = top_parents(self, {c for cs in recipients.values() for c in cs})
                keys["parent_company"] = {
                    contract: sorted({top[c] for c in cs}) for contract, cs in recipients.items()
                }
        if "technology" in group_by:
            keys["technology"] = pairs(self._read(
                f"{match} WITH n CALL (n) {{ MATCH (n)-[:OF_TECHNOLOGY]->(t) RETURN t.id AS t "
                "UNION MATCH (n)-[:COVERS]->()-[:OF_TECHNOLOGY]->(t) RETURN t.id AS t } "
                "RETURN n.id, t", **params))
        by_year = action_years(self._read(
            f"{match} WITH n MATCH (a)-[:ACTION_OF]->(n) "
            "RETURN n.id, a.action_date, a.obligation", **params)
        ) if "fiscal_year" in group_by else {}
        return group_rows(group_by, rows, keys, by_year)
