"""The SQL texts of the embedded store's statements and view (graph_service.stores.embedded_view
runs them): the statement tables, and the set-wise derivation of the view rows of touched ids."""

from __future__ import annotations

# The view: nodes, ties, and the search terms and indexed values of nodes.
VIEW_DDL = """
-- `ranks` (nodes and edges): what the policy needs to combine the row with new statements
-- (embedded_policy.Ranks), NULL for a row taken as stated from one statement; a store made
-- before gains the column, NULL (embedded_view.add_ranks).
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, ranks TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nodes_by_kind ON nodes(kind, id);
-- Keyed by id (search scans every term: LIKE '%x%' uses no index); a store made before keeps
-- its (term, id) key and an index on id.
CREATE TABLE IF NOT EXISTS terms (
    term TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (id, term)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lookup (
    kind TEXT NOT NULL, prop TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (kind, prop, value, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL, body BLOB NOT NULL, ranks TEXT,
    PRIMARY KEY (src, type, dst)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_by_dst ON edges(dst, type, src);
CREATE INDEX IF NOT EXISTS edges_by_type ON edges(type);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# `fragments` is a rowid table (an index on `id` beside it): its rows (~600 bytes) go in the order
# they come, onto full pages, where a WITHOUT ROWID table keyed by the random id split pages all
# over the file and kept whole rows in its interior pages too (49.5 MB against 37 MB, with the id
# index, for 10k award rows). A store made before keeps its WITHOUT ROWID table, which serves the
# same reads and writes. A tie statement's `entity` is '' (it is src, kind and dst: statements.
# edge_entity); rows of a store made before keep it written out.
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

# Node statements of the touched canonical ids the shortcut of embedded_fresh did not derive,
# with the canonical id and kind.
NODE_SCOPE = """
SELECT c.canonical, c.kind, f.rank, f.body, f.first_seen, f.last_seen
FROM slow_nodes AS t CROSS JOIN canon AS c ON c.canonical = t.id
CROSS JOIN fragments AS f ON f.entity = c.entity AND f.is_edge = 0
"""

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

# Every statement of those ties not combined from their view row (slow_edges), found through
# the members of their start.
EDGE_SCOPE = """
SELECT k.src, k.kind, k.dst, f.rank, f.body, f.first_seen, f.last_seen
FROM slow_edges AS k CROSS JOIN canon AS cs ON cs.canonical = k.src
CROSS JOIN fragments AS f ON f.src = cs.entity AND f.is_edge = 1 AND f.kind = k.kind
CROSS JOIN canon AS cd ON cd.entity = f.dst AND cd.canonical = k.dst
"""
