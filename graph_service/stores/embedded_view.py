"""The embedded store's statements and the view derived from them, in SQL.

Tables: `fragments` (the statements, graph_service/statements.py), `identity` (their identifier
values), `entity_terms` (their folded names), `canon` (source id -> canonical id), `rules` (the
policy, from schema/model.yaml). The view tables `nodes`, `edges`, `terms` and `lookup` are
recomputed for the ids a batch touched, set-wise in SQL: the winning value of every property is a
window over the statements (policy rank, then the rule's order, then the value), names and
sources are unions. Python only clusters identifier values (statements.cluster), which is work
per distinct entity, not per record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from graph_service.domain_model import DomainModel
from graph_service.statements import Fragment, StatementBatch, cluster
from graph_service.stores.action_sums import refresh_action_sums
from graph_service.stores.base import WriteResult

STATEMENT_DDL = """
CREATE TABLE IF NOT EXISTS fragments (
    id TEXT PRIMARY KEY, entity TEXT NOT NULL, is_edge INTEGER NOT NULL, kind TEXT NOT NULL,
    src TEXT, dst TEXT, source TEXT NOT NULL, record TEXT NOT NULL, origin TEXT NOT NULL,
    rank INTEGER NOT NULL, body TEXT NOT NULL, first_seen TEXT, last_seen TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fragments_by_entity ON fragments(entity);
CREATE INDEX IF NOT EXISTS fragments_by_src ON fragments(src, kind) WHERE is_edge = 1;
CREATE INDEX IF NOT EXISTS fragments_by_dst ON fragments(dst) WHERE is_edge = 1;
CREATE TABLE IF NOT EXISTS identity (
    entity TEXT NOT NULL, kind TEXT NOT NULL, prop TEXT NOT NULL, value TEXT NOT NULL,
    is_key INTEGER NOT NULL, PRIMARY KEY (entity, prop, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identity_by_value ON identity(kind, prop, value) WHERE is_key = 1;
CREATE TABLE IF NOT EXISTS entity_terms (
    entity TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (entity, term)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS canon (
    entity TEXT PRIMARY KEY, canonical TEXT NOT NULL, kind TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS canon_by_canonical ON canon(canonical);
CREATE TABLE IF NOT EXISTS rules (
    owner TEXT NOT NULL, key TEXT NOT NULL, rule TEXT NOT NULL, PRIMARY KEY (owner, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS judgements (
    id TEXT PRIMARY KEY, body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indexed_props (
    kind TEXT NOT NULL, prop TEXT NOT NULL, PRIMARY KEY (kind, prop)
) WITHOUT ROWID;
"""

STATEMENT_TABLES = ("fragments", "identity", "entity_terms", "canon", "judgements")

# A fragment seen again: nothing new, only the days that saw it widen and the record is the
# first row (shortest, then smallest label) that made it, whatever the order rows came in.
_APPEND = """
INSERT INTO fragments VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (id) DO UPDATE SET
    first_seen = MIN(COALESCE(first_seen, excluded.first_seen),
                     COALESCE(excluded.first_seen, first_seen)),
    last_seen = MAX(COALESCE(last_seen, excluded.last_seen),
                    COALESCE(excluded.last_seen, last_seen)),
    record = CASE WHEN length(excluded.record) < length(record)
                   OR (length(excluded.record) = length(record) AND excluded.record < record)
             THEN excluded.record ELSE record END
"""

# The winning statement of every (entity, property): the policy's rule orders first (min, max),
# then the origin's rank, then the value itself, so ties break the same way on every load. A
# list property whose rule is `union` is every element any statement states, distinct and
# sorted (a set: which statements say it, and in which order they came, do not matter).
_WINNERS = """
SELECT id, key, value, type, raw FROM (
    SELECT f.id AS id, p.key AS key, p.value AS value, p.type AS type,
           f.body -> p.fullkey AS raw,
           ROW_NUMBER() OVER (
               PARTITION BY f.id, p.key
               ORDER BY CASE r.rule WHEN 'min' THEN p.value END ASC,
                        CASE r.rule WHEN 'max' THEN p.value END DESC,
                        f.rank DESC, p.value ASC) AS place
    FROM {scope} AS f, json_each(f.body, '$.properties') AS p
    LEFT JOIN rules AS r ON r.owner = f.kind AND r.key = p.key
    WHERE NOT (p.type = 'array' AND r.rule IS 'union')
) WHERE place = 1
UNION ALL
SELECT id, key, json_group_array(item) AS value, 'array' AS type, NULL AS raw FROM (
    SELECT DISTINCT f.id AS id, p.key AS key, e.value AS item
    FROM {scope} AS f, json_each(f.body, '$.properties') AS p, json_each(p.value) AS e
    JOIN rules AS r ON r.owner = f.kind AND r.key = p.key
    WHERE p.type = 'array' AND r.rule = 'union' AND e.type = 'text'
    ORDER BY 1, 2, 3)
GROUP BY id, key
"""

# Kept in temp tables, values lose their JSON subtype: booleans and lists are JSON again here.
# Reals keep the text their statement gave (a REAL printed by SQLite keeps 15 digits only).
_JSON_VALUE = ("CASE w.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') "
               "WHEN 'real' THEN json(w.raw) "
               "WHEN 'array' THEN json(w.value) ELSE w.value END")

# Node statements of the touched canonical ids, with the canonical id and kind.
_NODE_SCOPE = """
CREATE TEMP TABLE node_scope AS
SELECT c.canonical AS id, c.kind AS kind, f.rank AS rank, f.body AS body,
       f.first_seen AS first_seen, f.last_seen AS last_seen
FROM touched_nodes AS t CROSS JOIN canon AS c ON c.canonical = t.id
CROSS JOIN fragments AS f ON f.entity = c.entity AND f.is_edge = 0
"""

# Most ids of a bulk load have one statement (an award named by one row): its view is that
# statement's values as they are, with no window to compute. Statements with list properties
# take the general path (a union is sorted there).
_SINGLES = """
CREATE TEMP TABLE {name}_single AS
SELECT id FROM {name}_scope GROUP BY id
HAVING COUNT(*) = 1 AND NOT EXISTS (
    SELECT 1 FROM {name}_scope AS x, json_each(x.body, '$.properties') AS p
    WHERE x.id = {name}_scope.id AND p.type = 'array')
"""

_NODE_SINGLE_INSERT = """
INSERT INTO nodes (id, kind, name, body)
SELECT s.id, s.kind, json_extract(s.body, '$.name'), json_object(
    'aliases', (SELECT json_group_array(a.value) FROM json_each(s.body, '$.aliases') AS a
                WHERE a.value != json_extract(s.body, '$.name')),
    'properties', json(json_extract(s.body, '$.properties')),
    'sources', json(json_extract(s.body, '$.sources')),
    'first_seen', s.first_seen, 'last_seen', s.last_seen)
FROM node_single AS o CROSS JOIN node_scope AS s ON s.id = o.id
"""

_EDGE_SINGLE_INSERT = """
INSERT INTO edges (src, type, dst, body)
SELECT s.src, s.kind, s.dst, json_object(
    'status', json_extract(s.body, '$.status'),
    'properties', json(json_extract(s.body, '$.properties')),
    'sources', json(json_extract(s.body, '$.sources')),
    'first_seen', s.first_seen, 'last_seen', s.last_seen)
FROM edge_single AS o CROSS JOIN edge_scope AS s ON s.id = o.id
"""

_NODE_NAMES = """
CREATE TEMP TABLE node_names AS
SELECT id, name FROM (
    SELECT id, json_extract(body, '$.name') AS name,
           ROW_NUMBER() OVER (PARTITION BY id ORDER BY rank DESC,
                              json_extract(body, '$.name') ASC) AS place
    FROM node_scope
) WHERE place = 1
"""

_NODE_INSERT = f"""
INSERT INTO nodes (id, kind, name, body)
SELECT s.id, s.kind, n.name, json_object(
    'aliases', (SELECT json_group_array(alias) FROM (
        SELECT json_extract(x.body, '$.name') AS alias FROM node_scope AS x
        WHERE x.id = s.id AND json_extract(x.body, '$.name') != n.name
        UNION
        SELECT DISTINCT a.value FROM node_scope AS x, json_each(x.body, '$.aliases') AS a
        WHERE x.id = s.id AND a.value != n.name
        ORDER BY 1)),
    'properties', (SELECT json_group_object(w.key, {_JSON_VALUE}) FROM (
        SELECT * FROM node_winners AS w0 WHERE w0.id = s.id ORDER BY w0.key) AS w),
    'sources', (SELECT json_group_array(src) FROM (
        SELECT DISTINCT a.value AS src FROM node_scope AS x, json_each(x.body, '$.sources') AS a
        WHERE x.id = s.id ORDER BY 1)),
    'first_seen', MIN(s.first_seen), 'last_seen', MAX(s.last_seen))
FROM node_scope AS s CROSS JOIN node_names AS n ON n.id = s.id
GROUP BY s.id
"""  # noqa: S608 - fixed SQL, no values

# The canonical keys of the ties to recompute: those of the batch's tie statements and of every
# tie statement at an end whose canonical id changed.
_EDGE_KEYS = """
CREATE TEMP TABLE edge_keys AS
SELECT DISTINCT cs.canonical AS src, f.kind AS kind, cd.canonical AS dst
FROM (SELECT f.id FROM touched_members AS m CROSS JOIN fragments AS f ON f.src = m.entity
      WHERE f.is_edge = 1
      UNION SELECT f.id FROM touched_members AS m CROSS JOIN fragments AS f ON f.dst = m.entity
      WHERE f.is_edge = 1
      UNION SELECT id FROM batch_edges) AS pick
JOIN fragments AS f ON f.id = pick.id
JOIN canon AS cs ON cs.entity = f.src JOIN canon AS cd ON cd.entity = f.dst
WHERE cs.canonical != cd.canonical
"""

# Every statement of those ties, found through the members of their start.
_EDGE_SCOPE = """
CREATE TEMP TABLE edge_scope AS
SELECT k.src || char(31) || k.kind || char(31) || k.dst AS id, k.src AS src, k.kind AS kind,
       k.dst AS dst, f.rank AS rank, f.body AS body, f.first_seen AS first_seen,
       f.last_seen AS last_seen
FROM edge_keys AS k CROSS JOIN canon AS cs ON cs.canonical = k.src
CROSS JOIN fragments AS f ON f.src = cs.entity AND f.is_edge = 1 AND f.kind = k.kind
CROSS JOIN canon AS cd ON cd.entity = f.dst AND cd.canonical = k.dst
"""

_EDGE_INSERT = f"""
INSERT INTO edges (src, type, dst, body)
SELECT s.src, s.kind, s.dst, json_object(
    'status', MAX(json_extract(s.body, '$.status')),
    'properties', (SELECT json_group_object(w.key, {_JSON_VALUE}) FROM (
        SELECT * FROM edge_winners AS w0 WHERE w0.id = s.id ORDER BY w0.key) AS w),
    'sources', (SELECT json_group_array(src) FROM (
        SELECT DISTINCT a.value AS src FROM edge_scope AS x, json_each(x.body, '$.sources') AS a
        WHERE x.id = s.id ORDER BY 1)),
    'first_seen', MIN(s.first_seen), 'last_seen', MAX(s.last_seen))
FROM edge_scope AS s
GROUP BY s.id
"""  # noqa: S608 - fixed SQL, no values


def install_policy(db: sqlite3.Connection, model: DomainModel) -> None:
    """Write the policy's rules and the indexed properties into the store when they differ from
    what it holds (opening a store to read it changes no byte of it)."""
    rules = [(kind, key, model.resolve_rule(kind, key))
             for kind, spec in model.kinds.items()
             for key in (*model.node_properties, *spec.properties)]
    rules += [(rel, key, model.resolve_rule(rel, key))
              for rel in model.relationships for key in model.relationship_properties]
    indexed = [(kind, key) for kind, spec in model.kinds.items()
               for key, prop in spec.properties.items() if prop.indexed]
    if (sorted(db.execute("SELECT owner, key, rule FROM rules").fetchall()) == sorted(rules)
            and sorted(db.execute("SELECT kind, prop FROM indexed_props").fetchall())
            == sorted(indexed)):
        return
    db.execute("DELETE FROM rules")
    db.executemany("INSERT INTO rules VALUES (?,?,?)", rules)
    db.execute("DELETE FROM indexed_props")
    db.executemany("INSERT INTO indexed_props VALUES (?,?)", indexed)


def _index(db: sqlite3.Connection, table: str, columns: str) -> None:
    """Temp tables made with CREATE TABLE AS have no index: the correlated reads of the view
    SQL would scan them once per row (quadratic in the batch) without one."""
    db.execute(f"CREATE INDEX temp.{table}_index ON {table}({columns})")


def _temp(db: sqlite3.Connection, name: str, columns: str, rows: Sequence[tuple[object, ...]]
          ) -> None:
    db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(f"CREATE TEMP TABLE {name} ({columns})")
    if rows:
        marks = ",".join("?" * len(rows[0]))
        db.executemany(f"INSERT OR IGNORE INTO {name} VALUES ({marks})", rows)  # noqa: S608


def _resolve(db: sqlite3.Connection, model: DomainModel, entities: dict[str, str]
             ) -> tuple[set[str], set[str]]:
    """Recompute canonical ids for the identity components of `entities` (id -> kind). Returns
    the canonical ids to recompute, and among them those whose members changed (their ties
    must be re-derived under the new ids)."""
    _temp(db, "seed", "entity TEXT PRIMARY KEY", [(e,) for e in entities])
    component = db.execute("""
        WITH RECURSIVE comp(entity) AS (
            SELECT entity FROM seed
            UNION
            SELECT i2.entity FROM comp JOIN identity AS i1 ON i1.entity = comp.entity
            JOIN identity AS i2 ON i2.kind = i1.kind AND i2.prop = i1.prop
                 AND i2.value = i1.value AND i2.is_key = 1
            WHERE i1.is_key = 1)
        SELECT entity FROM comp""").fetchall()
    members = [row[0] for row in component]
    _temp(db, "members", "entity TEXT PRIMARY KEY", [(e,) for e in members])
    rows = db.execute("SELECT i.entity, i.kind, i.prop, i.value, i.is_key FROM members AS m "
                      "JOIN identity AS i ON i.entity = m.entity").fetchall()
    old = dict(db.execute("SELECT c.entity, c.canonical FROM members AS m "
                          "JOIN canon AS c ON c.entity = m.entity").fetchall())
    kinds = dict(db.execute("SELECT c.entity, c.kind FROM members AS m "
                            "JOIN canon AS c ON c.entity = m.entity").fetchall())
    kinds.update(entities)
    kinds.update({row[0]: row[1] for row in rows})
    new = cluster(model, rows, members)
    changed = [e for e in members if old.get(e) != new[e]]
    # The canonical id may be no member's (a qualified kind's base id): its kind is theirs.
    db.executemany("INSERT OR REPLACE INTO canon VALUES (?,?,?)",
                   [(e, new[e], kinds[e]) for e in changed])
    moved = {new[e] for e in changed if e in old} | {old[e] for e in changed if e in old}
    return {new[e] for e in entities} | {new[e] for e in changed} | moved, moved


def append_and_refresh(db: sqlite3.Connection, model: DomainModel,
                       statements: StatementBatch) -> WriteResult:
    """Append a batch's statements and recompute the view where they land."""
    db.executemany(_APPEND, [f.as_row() for f in (*statements.nodes, *statements.edges)])
    db.executemany("INSERT OR IGNORE INTO identity VALUES (?,?,?,?,?)", statements.identity)
    db.executemany("INSERT OR IGNORE INTO entity_terms VALUES (?,?)",
                   sorted({(f.entity, t) for f in statements.nodes for t in f.terms}))
    return refresh(db, model, statements.entities, statements.edges)


def refresh(db: sqlite3.Connection, model: DomainModel, entities: dict[str, str],
            edge_fragments: Sequence[Fragment] = ()) -> WriteResult:
    """Re-resolve the identity components of `entities` (id -> kind) and recompute the view
    where canonical ids changed, and the ties of `edge_fragments` (a batch's, or none)."""
    touched, moved = _resolve(db, model, entities)
    _temp(db, "touched_nodes", "id TEXT PRIMARY KEY", [(i,) for i in touched])
    # Ties move with their ends only when an end's canonical id changed; otherwise only the
    # batch's own tie statements need their ties recomputed.
    _temp(db, "moved", "id TEXT PRIMARY KEY", [(i,) for i in moved])
    db.execute("DROP TABLE IF EXISTS temp.touched_members")
    db.execute("CREATE TEMP TABLE touched_members AS SELECT c.entity FROM moved AS t "
               "JOIN canon AS c ON c.canonical = t.id")
    _index(db, "touched_members", "entity")
    _temp(db, "batch_edges", "id TEXT PRIMARY KEY", [(f.id,) for f in edge_fragments])
    result = WriteResult()
    _refresh_nodes(db)
    _refresh_edges(db, result)
    # Derived money goes in before nodes are compared, so a re-load counts no update.
    refresh_action_sums(db)
    _count_nodes(db, result)
    return result


def _refresh_nodes(db: sqlite3.Connection) -> None:
    db.execute("DROP TABLE IF EXISTS temp.old_nodes")
    db.execute("CREATE TEMP TABLE old_nodes AS SELECT n.id, n.name, n.body FROM touched_nodes "
               "AS t CROSS JOIN nodes AS n ON n.id = t.id")
    for table in ("nodes", "terms", "lookup"):
        db.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM touched_nodes)")  # noqa: S608
    for name in ("node_scope", "node_single", "node_names", "node_winners"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(_NODE_SCOPE)
    _index(db, "node_scope", "id")
    _insert_singles(db, "node", _NODE_SINGLE_INSERT)
    db.execute(_NODE_NAMES)
    _index(db, "node_names", "id")
    db.execute("CREATE TEMP TABLE node_winners AS " + _WINNERS.format(scope="node_scope"))
    _index(db, "node_winners", "id, key")
    db.execute(_NODE_INSERT)
    db.execute("""
        INSERT OR IGNORE INTO terms (term, id)
        SELECT DISTINCT e.term, c.canonical FROM touched_nodes AS t
        CROSS JOIN canon AS c ON c.canonical = t.id
        CROSS JOIN entity_terms AS e ON e.entity = c.entity""")
    db.execute("""
        INSERT OR IGNORE INTO lookup (kind, prop, value, id)
        SELECT n.kind, i.prop, CAST(json_extract(n.body, '$.properties.' || i.prop) AS TEXT), n.id
        FROM touched_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id
        JOIN indexed_props AS i ON i.kind = n.kind
        WHERE json_extract(n.body, '$.properties.' || i.prop) IS NOT NULL""")


def _insert_singles(db: sqlite3.Connection, name: str, insert: str) -> None:
    """Write the view of the ids with one statement straight from it, and leave only the ids
    of several statements in `<name>_scope` for the policy's windows."""
    db.execute(_SINGLES.format(name=name))
    _index(db, f"{name}_single", "id")
    db.execute(insert)
    db.execute(f"DELETE FROM {name}_scope WHERE id IN (SELECT id FROM {name}_single)")  # noqa: S608


def _count_nodes(db: sqlite3.Connection, result: WriteResult) -> None:
    created, updated = db.execute("""
        SELECT SUM(o.id IS NULL), SUM(o.id IS NOT NULL AND (o.body != n.body OR o.name != n.name))
        FROM touched_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id
        LEFT JOIN old_nodes AS o ON o.id = n.id""").fetchone()
    result.nodes_created += created or 0
    result.nodes_updated += updated or 0


def _refresh_edges(db: sqlite3.Connection, result: WriteResult) -> None:
    for name in ("edge_keys", "edge_scope", "edge_winners", "old_edges"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(_EDGE_KEYS)
    _index(db, "edge_keys", "src, kind, dst")
    db.execute(_EDGE_SCOPE)
    _index(db, "edge_scope", "id")
    # Ties of ends whose canonical id changed are dropped and re-derived under the new ids.
    db.execute("""
        CREATE TEMP TABLE old_edges AS SELECT e.src, e.type, e.dst, e.body FROM moved AS m
            CROSS JOIN edges AS e ON e.src = m.id
        UNION SELECT e.src, e.type, e.dst, e.body FROM moved AS m
            CROSS JOIN edges AS e INDEXED BY edges_by_dst ON e.dst = m.id
        UNION SELECT e.src, e.type, e.dst, e.body FROM edge_keys AS k
            CROSS JOIN edges AS e ON e.src = k.src AND e.type = k.kind AND e.dst = k.dst""")
    _index(db, "old_edges", "src, type, dst")
    # The src IN (...) prefix lets SQLite use the primary key instead of scanning every tie.
    db.execute("DELETE FROM edges WHERE src IN (SELECT src FROM old_edges) "
               "AND (src, type, dst) IN (SELECT src, type, dst FROM old_edges)")
    db.execute("DROP TABLE IF EXISTS temp.edge_single")
    _insert_singles(db, "edge", _EDGE_SINGLE_INSERT)
    db.execute("CREATE TEMP TABLE edge_winners AS " + _WINNERS.format(scope="edge_scope"))
    _index(db, "edge_winners", "id, key")
    db.execute(_EDGE_INSERT)
    created, updated = db.execute("""
        SELECT SUM(o.src IS NULL), SUM(o.src IS NOT NULL AND o.body != e.body)
        FROM edge_keys AS k
        CROSS JOIN edges AS e ON e.src = k.src AND e.type = k.kind AND e.dst = k.dst
        LEFT JOIN old_edges AS o ON o.src = e.src AND o.type = e.type AND o.dst = e.dst
        """).fetchone()
    result.edges_created += created or 0
    result.edges_updated += updated or 0
