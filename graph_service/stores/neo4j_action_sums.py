"""The Neo4j store's derived contract money (the rules: graph_service/stores/action_sums.py),
computed after the view of a batch, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from neo4j import ManagedTransaction

from graph_service.neo4j_schema import ENTITY, FRAGMENT, identifier
from graph_service.stores.neo4j_view_cypher import members

_CONTRACT = identifier("Contract")
_ACTION = identifier("ContractAction")
_ACTION_OF = identifier("ACTION_OF")
_CHUNK = 2000

# `$ids`: touched canonical ids -> the contracts among them and those their actions are of.
_SCOPE = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
CALL (n) {{
  WITH n WHERE n:{_CONTRACT} RETURN n.id AS contract
  UNION
  MATCH (n)-[:{_ACTION_OF}]->(c:{_CONTRACT}) RETURN c.id AS contract
}}
RETURN DISTINCT contract"""

# The Cypher of action_sums.py's docstring; `stated` from the contract's node statements.
_APPLY = f"""
UNWIND $ids AS id
MATCH (c:{_CONTRACT} {{id: id}})
OPTIONAL MATCH (a:{_ACTION})-[:{_ACTION_OF}]->(c)
WITH c, count(a) AS n, round(sum(coalesce(a.obligation, 0.0)), 2) AS total,
     min(a.action_date) AS first, max(a.action_date) AS last
WITH c, n, total, first, last, properties(c) AS before, c.id AS cid
WITH c, n, total, first, last, before, EXISTS {{
  {members("cid", "cid")}
  MATCH (f:{FRAGMENT} {{entity: m}}) USING INDEX SEEK f:{FRAGMENT}(entity)
  WHERE f.src IS NULL AND f.v_obligated IS NOT NULL
  RETURN 1 }} AS stated
SET c.actions_count = CASE WHEN n > 0 THEN n END,
    c.actions_obligated = CASE WHEN n > 0 THEN total END,
    c.first_action_date = first,
    c.last_action_date = last,
    c.obligated = CASE WHEN stated THEN c.obligated WHEN n > 0 THEN total END,
    c.obligated_basis = CASE WHEN stated THEN CASE WHEN n > 0 THEN 'stated' END
                             WHEN n = 1 THEN 'sum of 1 action'
                             WHEN n > 1 THEN 'sum of ' + toString(n) + ' actions' END
WITH c, before, properties(c) AS after
RETURN collect(CASE WHEN before <> after THEN c.id END) AS changed"""


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def refresh_action_sums(tx: ManagedTransaction, touched: dict[str, str | None],
                        keys: Iterable[tuple[str, str, str]]) -> set[str]:
    """Recompute the money of the contracts in scope: the touched contracts, those the touched
    actions are of, and the ends of the ACTION_OF ties recomputed (`keys`). `touched`: id ->
    kind (None: unknown). Returns the touched ids whose view node the sums changed."""
    scope = {dst for _src, rel, dst in keys if rel == "ACTION_OF"}
    scope.update(i for i, kind in touched.items() if kind == "Contract")
    # Only an action (or an id of unknown kind) can lead to another contract.
    ask = sorted(i for i, kind in touched.items() if kind in (None, "ContractAction"))
    for chunk in _chunks(ask):
        scope.update(record[0] for record in tx.run(_SCOPE, ids=chunk))
    changed: set[str] = set()
    for chunk in _chunks(sorted(scope)):
        for record in tx.run(_APPLY, ids=chunk):
            changed.update(record[0])
    return changed & set(touched)
