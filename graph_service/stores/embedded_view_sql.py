"""The SQL texts of the embedded store's statements and view (graph_service.stores.embedded_view
runs them): the statement tables, and the set-wise derivation of the view rows of touched ids."""

from __future__ import annotations

# `fragments` is a rowid table (an index on `id` beside it): its rows (~600 bytes) go in the order
# they come, onto full pages, where a WITHOUT ROWID table keyed by the random id split pages all
# over the file and kept whole rows in its interior pages too (49.5 MB against 37 MB, with the id
# index, for 10k award rows). A store made before keeps its WITHOUT ROWID table, which serves the
# same reads and writes.
STATEMENT_DDL = """
CREATE TABLE IF NOT EXISTS fragments (
    id TEXT PRIMARY KEY, entity TEXT NOT NULL, is_edge INTEGER NOT NULL, kind TEXT NOT NULL,
    src TEXT, dst TEXT, source TEXT NOT NULL, record TEXT NOT NULL, origin TEXT NOT NULL,
    rank INTEGER NOT NULL, body TEXT NOT NULL, first_seen TEXT, last_seen TEXT
);
-- Node statements only (tie statements are found by their ends); a store made before keeps
-- its index of every statement, which serves the same reads.
CREATE INDEX IF NOT EXISTS fragments_by_entity ON fragments(entity) WHERE is_edge = 0;
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
APPEND = """
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
WINNERS = """
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
JSON_VALUE = ("CASE w.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') "
               "WHEN 'real' THEN json(w.raw) "
               "WHEN 'array' THEN json(w.value) ELSE w.value END")

# Node statements of the touched canonical ids the shortcut of embedded_fresh did not derive,
# with the canonical id and kind.
NODE_SCOPE = """
CREATE TEMP TABLE node_scope AS
SELECT c.canonical AS id, c.kind AS kind, f.rank AS rank, f.body AS body,
       f.first_seen AS first_seen, f.last_seen AS last_seen
FROM slow_nodes AS t CROSS JOIN canon AS c ON c.canonical = t.id
CROSS JOIN fragments AS f ON f.entity = c.entity AND f.is_edge = 0
"""

# Most ids of a bulk load have one statement (an award named by one row): its view is that
# statement's values as they are, with no window to compute. Statements with list properties
# take the general path (a union is sorted there).
SINGLES = """
CREATE TEMP TABLE {name}_single AS
SELECT id FROM {name}_scope GROUP BY id
HAVING COUNT(*) = 1 AND NOT EXISTS (
    SELECT 1 FROM {name}_scope AS x, json_each(x.body, '$.properties') AS p
    WHERE x.id = {name}_scope.id AND p.type = 'array')
"""

NODE_SINGLE_INSERT = """
INSERT INTO nodes (id, kind, name, body)
SELECT s.id, s.kind, json_extract(s.body, '$.name'), json_object(
    'aliases', (SELECT json_group_array(a.value) FROM json_each(s.body, '$.aliases') AS a
                WHERE a.value != json_extract(s.body, '$.name')),
    'properties', json(json_extract(s.body, '$.properties')),
    'sources', json(json_extract(s.body, '$.sources')),
    'first_seen', s.first_seen, 'last_seen', s.last_seen)
FROM node_single AS o CROSS JOIN node_scope AS s ON s.id = o.id
"""

EDGE_SINGLE_INSERT = """
INSERT INTO edges (src, type, dst, body)
SELECT s.src, s.kind, s.dst, json_object(
    'status', json_extract(s.body, '$.status'),
    'properties', json(json_extract(s.body, '$.properties')),
    'sources', json(json_extract(s.body, '$.sources')),
    'first_seen', s.first_seen, 'last_seen', s.last_seen)
FROM edge_single AS o CROSS JOIN edge_scope AS s ON s.id = o.id
"""

NODE_NAMES = """
CREATE TEMP TABLE node_names AS
SELECT id, name FROM (
    SELECT id, json_extract(body, '$.name') AS name,
           ROW_NUMBER() OVER (PARTITION BY id ORDER BY rank DESC,
                              json_extract(body, '$.name') ASC) AS place
    FROM node_scope
) WHERE place = 1
"""

NODE_INSERT = f"""
INSERT INTO nodes (id, kind, name, body)
SELECT s.id, s.kind, n.name, json_object(
    'aliases', (SELECT json_group_array(alias) FROM (
        SELECT json_extract(x.body, '$.name') AS alias FROM node_scope AS x
        WHERE x.id = s.id AND json_extract(x.body, '$.name') != n.name
        UNION
        SELECT DISTINCT a.value FROM node_scope AS x, json_each(x.body, '$.aliases') AS a
        WHERE x.id = s.id AND a.value != n.name
        ORDER BY 1)),
    'properties', (SELECT json_group_object(w.key, {JSON_VALUE}) FROM (
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
EDGE_KEYS = """
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
EDGE_SCOPE = """
CREATE TEMP TABLE edge_scope AS
SELECT k.src || char(31) || k.kind || char(31) || k.dst AS id, k.src AS src, k.kind AS kind,
       k.dst AS dst, f.rank AS rank, f.body AS body, f.first_seen AS first_seen,
       f.last_seen AS last_seen
FROM edge_keys AS k CROSS JOIN canon AS cs ON cs.canonical = k.src
CROSS JOIN fragments AS f ON f.src = cs.entity AND f.is_edge = 1 AND f.kind = k.kind
CROSS JOIN canon AS cd ON cd.entity = f.dst AND cd.canonical = k.dst
"""

EDGE_INSERT = f"""
INSERT INTO edges (src, type, dst, body)
SELECT s.src, s.kind, s.dst, json_object(
    'status', MAX(json_extract(s.body, '$.status')),
    'properties', (SELECT json_group_object(w.key, {JSON_VALUE}) FROM (
        SELECT * FROM edge_winners AS w0 WHERE w0.id = s.id ORDER BY w0.key) AS w),
    'sources', (SELECT json_group_array(src) FROM (
        SELECT DISTINCT a.value AS src FROM edge_scope AS x, json_each(x.body, '$.sources') AS a
        WHERE x.id = s.id ORDER BY 1)),
    'first_seen', MIN(s.first_seen), 'last_seen', MAX(s.last_seen))
FROM edge_scope AS s
GROUP BY s.id
"""  # noqa: S608 - fixed SQL, no values
