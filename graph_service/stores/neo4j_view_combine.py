"""Combining a view node with new statements, in Cypher, rather than re-deriving it from every
statement behind it (the embedded store's embedded_incremental.py, on Neo4j).

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
    derive_node,
    value_keys,
)


def _node_pseudo_statements(model: DomainModel, kind: str) -> str:
    """The old node `n` as statements: its name's, then one per value (a list expression)."""
    name = (f"{{name: n.name, aliases: n.aliases, rank: n.{RANKS}[0], sources: n.sources, "
            f"terms: n.{TERMS}, first_seen: n.first_seen, last_seen: n.last_seen, "
            f"fold_name: n.{SORT_NAME}}}")
    values = [f"{{rank: n.{RANKS}[{i + 1}], {identifier(VALUE_PREFIX + key)}: "
              f"n.{identifier(key)}}}"
              for i, key in enumerate(value_keys(model, kind, is_edge=False))]
    return "[" + ",\n   ".join([name, *values]) + "]"


def combine_nodes_statement(model: DomainModel, kind: str) -> str:
    """`$rows` of {cid, ids}: a view node of `kind` and the ids of its new (or widened)
    statements; the node becomes the policy over its own pseudo-statements and those. Returns
    the ids created (none), updated, and done (those with ranks: the others are left)."""
    return f"""
UNWIND $rows AS row
MATCH (n:{ENTITY} {{id: row.cid}}) USING INDEX SEEK n:{ENTITY}(id)
WHERE n.{RANKS} IS NOT NULL
CALL (row) {{
  UNWIND row.ids AS x
  MATCH (f:{FRAGMENT} {{id: x}}) USING INDEX SEEK f:{FRAGMENT}(id)
  RETURN collect(f) AS news
}}
WITH row.cid AS cid, {_node_pseudo_statements(model, kind)} + news AS fs
{derive_node(model, kind, done=True)}"""


__all__ = ["combine_nodes_statement"]
