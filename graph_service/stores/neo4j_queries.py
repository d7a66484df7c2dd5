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
from graph_service.records import Node
from graph_service.stores.query_types import (
    AGENCY_DEPTH,
    COMPANY_DEPTH,
    PARENT_DEPTH,
    GroupKey,
    ListFilter,
    ListOrder,
    ListPage,
    QueryError,
    SpendingRow,
    sort_rows,
)
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
_FISCAL_YEAR = (
    "coalesce(c.fiscal_year, CASE WHEN size(coalesce(c.start_date, '')) < 7 THEN null "
    "WHEN toInteger(substring(c.start_date, 5, 2)) >= 10 "
    "THEN toInteger(substring(c.start_date, 0, 4)) + 1 "
    "ELSE toInteger(substring(c.start_date, 0, 4)) END)"
)


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
        match, params = self._match("Contract", flt)
        parts = [match, "WITH n AS c"]
        carried = ["c"]
        if "agency" in group_by:
            parts.append("OPTIONAL MATCH (c)-[:AWARDED_BY]->(ag)")
            parts.append(f"WITH {', '.join(carried)}, ag.id AS k_agency")
            carried.append("k_agency")
        if "company" in group_by or "parent_company" in group_by:
            parts.append("OPTIONAL MATCH (c)-[:AWARDED_TO]->(co)")
            keys = "co.id AS k_company"
            if "parent_company" in group_by:
                # The farthest parent (smallest id among equally far ones), else the recipient.
                parts.append(
                    f"CALL (co) {{ OPTIONAL MATCH p = (co)-[:SUBSIDIARY_OF*1..{PARENT_DEPTH}]->"
                    "(top) WITH top, p ORDER BY length(p) DESC, top.id LIMIT 1 RETURN top }"
                )
                keys += ", coalesce(top.id, co.id) AS k_parent_company"
            parts.append(f"WITH {', '.join(carried)}, {keys}")
            carried += ["k_company", "k_parent_company"] if "parent_company" in group_by else [
                "k_company"]
        if "technology" in group_by:
            parts.append(
                "CALL (c) { OPTIONAL MATCH (c)-[:OF_TECHNOLOGY]->(t1) WITH c, collect(t1.id) AS a "
                "OPTIONAL MATCH (c)-[:COVERS]->()-[:OF_TECHNOLOGY]->(t2) "
                "WITH a, collect(t2.id) AS b RETURN a + b AS techs }"
            )
            parts.append(
                f"UNWIND CASE WHEN size(techs) = 0 THEN [null] ELSE techs END AS k_technology "
                f"WITH {', '.join(carried)}, k_technology"
            )
            carried.append("k_technology")
        if "fiscal_year" in group_by:
            parts.append(f"WITH {', '.join(carried)}, {_FISCAL_YEAR} AS k_fiscal_year")
            carried.append("k_fiscal_year")
        keys_list = ", ".join(f"k_{group}" for group in group_by)
        parts.append(
            f"WITH [{keys_list}] AS keys, collect(DISTINCT c) AS cs "
            "RETURN keys, size(cs), "
            "reduce(s = 0.0, x IN cs | s + coalesce(toFloat(x.obligated), 0.0)), "
            "reduce(s = 0.0, x IN cs | s + coalesce(toFloat(x.potential), 0.0))"
        )
        rows = self._read("\n".join(parts), **params)
        return sort_rows([
            SpendingRow(
                keys=dict(zip(group_by, keys, strict=True)),
                count=int(count),
                obligated=round(float(obligated), 2),
                potential=round(float(potential), 2),
            )
            for keys, count, obligated, potential in rows
        ])
