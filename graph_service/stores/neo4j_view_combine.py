"""Combining a view node or tie with new statements, in Cypher, rather than re-deriving it from
every statement behind it (the embedded store's embedded_incremental.py, on Neo4j).

A view node keeps the ranks that won (`_ranks`: the name's, then each value's in key order), so
its old statements are summed up by the node itself: one pseudo-statement of its name (with its
aliases, sources, search terms and days) and one of each value, each with the rank that won.
The policy over those and the new statements (neo4j_view_cypher.derive_node, the expressions a
derivation from all statements uses) gives what it gives over all the statements: every rule
is a best rank then smallest value, a min, a max or a union, and each keeps its winner when
more statements come. The pseudo-statement of the name comes first: the others have no name,
and one met first would be taken as the best-ranked statement.

Only ids whose identity did not move take this path (neo4j_append), of kinds whose values the
derived money never overwrites (`ranked`), and only where the node has ranks (a store of an
earlier release, or the bulk import's nodes, have none): the others are derived from all
their statements, which writes their ranks.
"""

from __future__ import annotations

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import ENTITY, FRAGMENT, RANKS, SORT_NAME, TERMS, identifier
from graph_service.stores.neo4j_view_cypher import (
    VALUE_PREFIX,
    derive_edge,
    derive_node,
    value_keys,
)


def _pseudo_statements(model: DomainModel, owner: str, is_edge: bool, var: str) -> str:
    """The old record `var` as statements: its name's (a tie's: its status, sources and days),
    then one per value with the rank that won (a list expression)."""
    if is_edge:
        first = (f"{{status: {var}.status, rank: -1, sources: {var}.sources, "
                 f"first_seen: {var}.first_seen, last_seen: {var}.last_seen}}")
    else:
        first = (f"{{name: {var}.name, aliases: {var}.aliases, rank: {var}.{RANKS}[0], "
                 f"sources: {var}.sources, terms: {var}.{TERMS}, first_seen: {var}.first_seen, "
                 f"last_seen: {var}.last_seen, fold_name: {var}.{SORT_NAME}}}")
    values = [f"{{rank: {var}.{RANKS}[{i + 1}], {identifier(VALUE_PREFIX + key)}: "
              f"{var}.{identifier(key)}}}"
              for i, key in enumerate(value_keys(model, owner, is_edge))]
    return "[" + ",\n   ".join([first, *values]) + "]"


_NEWS = f"""CALL (row) {{
  UNWIND row.ids AS x
  MATCH (f:{FRAGMENT} {{id: x}}) USING INDEX SEEK f:{FRAGMENT}(id)
  RETURN collect(f) AS news
}}"""


def combine_nodes_statement(model: DomainModel, kind: str) -> str:
    """`$rows` of {cid, ids}: a view node of `kind` and the ids of its new (or widened)
    statements; the node becomes the policy over its own pseudo-statements and those. Returns
    the ids created (none), updated, and done (those with ranks: the others are left)."""
    return f"""
UNWIND $rows AS row
MATCH (n:{ENTITY} {{id: row.cid}}) USING INDEX SEEK n:{ENTITY}(id)
WHERE n.{RANKS} IS NOT NULL
{_NEWS}
WITH row.cid AS cid, {_pseudo_statements(model, kind, False, "n")} + news AS fs
{derive_node(model, kind, done=True)}"""


def combine_edges_statement(model: DomainModel, rel_type: str) -> str:
    """`$rows` of {s, d, ids}: a tie of `rel_type` between canonical ends and the ids of its
    new (or widened) statements, combined as nodes are. Returns the counts created (none) and
    updated, and the keys done ([s, d]: those whose tie has ranks)."""
    rel = identifier(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY} {{id: row.s}}) USING INDEX SEEK a:{ENTITY}(id)
MATCH (b:{ENTITY} {{id: row.d}}) USING INDEX SEEK b:{ENTITY}(id)
MATCH (a)-[r:{rel}]->(b) WHERE r.{RANKS} IS NOT NULL
{_NEWS}
WITH {{s: row.s, d: row.d}} AS k, {_pseudo_statements(model, rel_type, True, "r")} + news AS fs
{derive_edge(model, rel_type, done=True)}"""


__all__ = ["combine_edges_statement", "combine_nodes_statement"]
