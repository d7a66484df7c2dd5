"""The one derived step of the view: a contract's money from its actions.

Statements say what sources state; an award's obligated total is either *stated* (an award
summary, an award detail, a spreadsheet column `obligated`) or, when nothing states it, the sum
of its actions (ContractAction nodes tied to it by ACTION_OF). After the view of a batch is
recomputed, every contract in scope gets, on its view node only (never as a statement):

- `actions_count`: the number of ContractAction view nodes with an ACTION_OF tie to it;
- `actions_obligated`: ROUND(sum of those actions' `obligation`, 2) (actions without an
  obligation add nothing; negative de-obligations subtract);
- `first_action_date` / `last_action_date`: min / max of their `action_date`;
- `obligated`: unchanged when any node statement of the contract (any member of its canonical
  id) states `obligated`; otherwise `actions_obligated`;
- `obligated_basis`: 'stated' when a statement states it, else 'sum of N actions' ('sum of 1
  action').

A contract with no actions loses the four action properties (and `obligated` if not stated).
The scope of a batch: the touched Contract view nodes (their bodies were rebuilt from the
statements), the contracts at the end of ACTION_OF ties from touched actions, and the ends of
ACTION_OF ties the batch recomputed. Actions are view nodes, one per id, and an action's id is
derived from its unique transaction key alone, so a file loaded twice or an overlapping export
counts each action once. Properties are kept sorted by key, as the view writes them.

The Neo4j store mirrors this, after it derives the view of a batch, with `$contracts` the
contracts in scope as {id, stated} (stated: some node statement of the contract states
`obligated`, known where that store derives `obligated` from the statements):

    UNWIND $contracts AS row
    MATCH (c:Contract {id: row.id})
    OPTIONAL MATCH (a:ContractAction)-[:ACTION_OF]->(c)
    WITH c, row.stated AS stated, count(a) AS n,
         round(sum(coalesce(a.obligation, 0.0)), 2) AS total,
         min(a.action_date) AS first, max(a.action_date) AS last
    SET c.actions_count = CASE WHEN n > 0 THEN n END,
        c.actions_obligated = CASE WHEN n > 0 THEN total END,
        c.first_action_date = first,
        c.last_action_date = last,
        c.obligated = CASE WHEN stated THEN c.obligated WHEN n > 0 THEN total END,
        c.obligated_basis = CASE WHEN stated THEN CASE WHEN n > 0 THEN 'stated' END
                                 WHEN n = 1 THEN 'sum of 1 action'
                                 WHEN n > 1 THEN 'sum of ' + toString(n) + ' actions' END

(SET to null removes a property, as json_remove does here.)
"""

from __future__ import annotations

import sqlite3

DERIVED = ("actions_count", "actions_obligated", "first_action_date", "last_action_date",
           "obligated_basis")

_SCOPE = """
CREATE TEMP TABLE action_scope AS
SELECT n.id FROM touched_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id WHERE n.kind = 'Contract'
UNION SELECT e.dst FROM touched_nodes AS t
    CROSS JOIN edges AS e ON e.src = t.id AND e.type = 'ACTION_OF'
UNION SELECT dst FROM edge_keys WHERE kind = 'ACTION_OF'
"""

_SUMS = """
CREATE TEMP TABLE action_sums AS
SELECT s.id AS id, COUNT(a.id) AS n,
       ROUND(TOTAL(json_extract(a.body, '$.properties.obligation')), 2) AS total,
       MIN(json_extract(a.body, '$.properties.action_date')) AS first_date,
       MAX(json_extract(a.body, '$.properties.action_date')) AS last_date, 0 AS stated
FROM action_scope AS s
LEFT JOIN edges AS e ON e.dst = s.id AND e.type = 'ACTION_OF'
LEFT JOIN nodes AS a ON a.id = e.src AND a.kind = 'ContractAction'
GROUP BY s.id
"""

# A contract with no actions whose view node holds no derived money (its body was just derived
# from its statements, or it never had actions) is left as it is: nothing would change. Only an
# earlier sum leaves `actions_count` behind, and the derived `obligated` never comes without it.
_UNCHANGED = """
DELETE FROM action_sums WHERE n = 0 AND NOT EXISTS (
    SELECT 1 FROM nodes WHERE nodes.id = action_sums.id
    AND json_type(nodes.body, '$.properties.actions_count') IS NOT NULL)
"""

_STATED = """
UPDATE action_sums SET stated = EXISTS (
    SELECT 1 FROM canon AS c JOIN fragments AS f ON f.entity = c.entity AND f.is_edge = 0
    WHERE c.canonical = action_sums.id
      AND json_extract(f.body, '$.properties.obligated') IS NOT NULL)
"""

_DERIVED_PATHS = ", ".join(f"'$.properties.{key}'" for key in DERIVED)

# json_set appends keys; the second statement puts the properties back in key order (each
# value as its JSON text: a REAL printed by SQLite would keep 15 digits only).
_APPLY = f"""
UPDATE nodes SET body = CASE
    WHEN s.n = 0 THEN
        CASE WHEN s.stated THEN json_remove(nodes.body, {_DERIVED_PATHS})
             ELSE json_remove(nodes.body, {_DERIVED_PATHS}, '$.properties.obligated') END
    WHEN s.stated THEN json_set(nodes.body,
        '$.properties.actions_count', s.n, '$.properties.actions_obligated', s.total,
        '$.properties.first_action_date', s.first_date,
        '$.properties.last_action_date', s.last_date,
        '$.properties.obligated_basis', 'stated')
    ELSE json_set(nodes.body,
        '$.properties.actions_count', s.n, '$.properties.actions_obligated', s.total,
        '$.properties.first_action_date', s.first_date,
        '$.properties.last_action_date', s.last_date,
        '$.properties.obligated', s.total,
        '$.properties.obligated_basis',
        'sum of ' || s.n || CASE s.n WHEN 1 THEN ' action' ELSE ' actions' END)
    END
FROM action_sums AS s WHERE nodes.id = s.id
"""  # noqa: S608 - fixed SQL, no values

_SORT = """
UPDATE nodes SET body = json_set(nodes.body, '$.properties', (
    SELECT json_group_object(p.key, json(nodes.body -> p.fullkey))
    FROM (SELECT key, fullkey FROM json_each(nodes.body, '$.properties') ORDER BY key) AS p))
WHERE nodes.id IN (SELECT id FROM action_sums)
"""


def refresh_action_sums(db: sqlite3.Connection) -> None:
    """Recompute the derived money of the contracts in scope (see the module docstring). Runs
    after the view's nodes and ties of a batch are recomputed, in the same transaction."""
    for name in ("action_scope", "action_sums"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(_SCOPE)
    db.execute(_SUMS)
    db.execute(_UNCHANGED)
    db.execute(_STATED)
    db.execute(_APPLY)
    db.execute(_SORT)
