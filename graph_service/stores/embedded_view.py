"""The embedded store's statements and the view derived from them.

Tables: `fragments` (the statements, graph_service/statements.py), `identity` (their identifier
values), `entity_terms` (their folded names), `canon` (source id -> canonical id), `rules` (the
policy, from schema/model.yaml). The view tables `nodes`, `edges`, `terms` and `lookup` are
recomputed for the ids a batch touched: SQL finds what to recompute and the statements behind it
(temp tables of ids, joins driven from them), the policy (embedded_policy) derives each view row
from the statements read once. Ids new to the store, most of a bulk load, take their statements
from the group in memory instead (embedded_fresh), with no read back; ids the store holds whose
identity did not move combine their view row with the group's statements of them
(embedded_incremental), with no read back either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

import orjson

from graph_service.domain_model import DomainModel
from graph_service.statements import Fragment, StatementBatch, cluster
from graph_service.stores import embedded_incremental as incremental
from graph_service.stores import embedded_view_sql as sql
from graph_service.stores.action_sums import refresh_action_sums
from graph_service.stores.base import WriteResult
from graph_service.stores.embedded_fresh import FreshView, canonical_ends, derive, fresh_ids
from graph_service.stores.embedded_policy import (
    Rules,
    ranked_edge_view,
    ranked_node_view,
    ranks_text,
    read_rules,
)
from graph_service.stores.embedded_view_sql import STATEMENT_DDL, STATEMENT_TABLES, VIEW_DDL

_TIE_ROW = attrgetter("kind", "src", "dst", "source", "record", "origin", "rank", "body",
                      "first_seen", "last_seen")
_ROW = attrgetter("id", "entity", "is_edge", "kind", "src", "dst", "source", "record", "origin",
                  "rank", "body", "first_seen", "last_seen")

# A scope row's view key: (canonical id, kind) of a node, (src, type, dst) of a tie.
_first_two = itemgetter(0, 1)
_first_three = itemgetter(0, 1, 2)

__all__ = ["STATEMENT_DDL", "STATEMENT_TABLES", "VIEW_DDL", "add_ranks", "append_and_refresh",
           "append_statements", "install_policy", "refresh"]


def add_ranks(db: sqlite3.Connection) -> None:
    """A store written before view rows kept their ranks gains the column, NULL in every row:
    those rows take the SQL path once and keep their ranks from then on."""
    for table in ("nodes", "edges"):
        if "ranks" not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN ranks TEXT")


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
    # Winners under other rules: every row is re-derived from its statements when touched.
    db.execute("UPDATE nodes SET ranks = NULL WHERE ranks IS NOT NULL")
    db.execute("UPDATE edges SET ranks = NULL WHERE ranks IS NOT NULL")
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
        # In key order, as every bulk insert here: each B-tree page is written once.
        db.executemany(f"INSERT OR IGNORE INTO {name} VALUES ({marks})",  # noqa: S608
                       sorted(rows))


@dataclass(slots=True)
class _Resolved:
    touched: set[str]  # the canonical ids to recompute
    moved: set[str]  # among them those whose members changed (their ties are re-derived)
    members: dict[str, str]  # every entity of the components -> its canonical id
    old: dict[str, str]  # their canonical ids before (those that had one)
    kinds: dict[str, str]


def _resolve(db: sqlite3.Connection, model: DomainModel, entities: dict[str, str]) -> _Resolved:
    """Recompute canonical ids for the identity components of `entities` (id -> kind)."""
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
                   sorted((e, new[e], kinds[e]) for e in changed))
    moved = {new[e] for e in changed if e in old} | {old[e] for e in changed if e in old}
    touched = {new[e] for e in entities} | {new[e] for e in changed} | moved
    return _Resolved(touched, moved, new, old, kinds)


def append_statements(db: sqlite3.Connection, statements: StatementBatch) -> None:
    """Append a batch's statements (the view is not touched: `refresh` derives it)."""
    # Fragment.as_row's columns, read in C (a bool binds as the integer 0 or 1); a tie
    # statement's entity is its ends and type, kept once (embedded_rows.read_statements).
    db.executemany(sql.APPEND, map(_ROW, statements.nodes))
    db.executemany(sql.APPEND, [(f.id, "", 1, *_TIE_ROW(f)) for f in statements.edges])
    db.executemany("INSERT OR IGNORE INTO identity VALUES (?,?,?,?,?)", statements.identity)
    db.executemany("INSERT OR IGNORE INTO entity_terms VALUES (?,?)",
                   sorted({(f.entity, t) for f in statements.nodes for t in f.terms}))


def append_and_refresh(db: sqlite3.Connection, model: DomainModel,
                       statements: StatementBatch) -> WriteResult:
    """Append a batch's statements and recompute the view where they land."""
    append_statements(db, statements)
    return refresh(db, model, statements.entities, statements.edges, statements.nodes)


def refresh(db: sqlite3.Connection, model: DomainModel, entities: dict[str, str],
            edges: Sequence[Fragment] = (), nodes: Sequence[Fragment] | None = None
            ) -> WriteResult:
    """Re-resolve the identity components of `entities` (id -> kind) and recompute the view
    where canonical ids changed, and the ties of the tie statements `edges` (a batch's, or
    none). Refreshing the union of several batches' entities and statements once derives the
    view their refreshes one by one would (the view is a function of the statements). `nodes`,
    every node statement appended since the view was last derived, lets the view of ids new to
    the store be written straight from them (embedded_fresh) and that of ids it holds be
    combined with them (embedded_incremental); without it SQL derives it all."""
    resolved = _resolve(db, model, entities)
    touched, moved = resolved.touched, resolved.moved
    rules = read_rules(db)
    fresh, combined, ends = FreshView(), FreshView(), None
    if nodes is not None:
        new = fresh_ids(resolved.members, resolved.old, moved, entities)
        ends = canonical_ends(db, resolved.members, edges)
        fresh = derive(db, new, resolved.members, resolved.kinds, nodes, edges, moved, rules,
                       ends)
    _temp(db, "touched_nodes", "id TEXT PRIMARY KEY", [(i,) for i in touched])
    db.execute("DROP TABLE IF EXISTS temp.old_nodes")
    db.execute("CREATE TEMP TABLE old_nodes AS SELECT n.id, n.kind, n.name, n.body, n.ranks "
               "FROM touched_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id")
    if nodes is not None:
        combined = incremental.nodes(db, moved, fresh.node_ids, resolved.members, nodes, rules)
    _temp(db, "combined_nodes", "id TEXT PRIMARY KEY", [(i,) for i in combined.node_ids])
    _temp(db, "slow_nodes", "id TEXT PRIMARY KEY",
          [(i,) for i in touched if i not in fresh.node_ids and i not in combined.node_ids])
    # Ties move with their ends only when an end's canonical id changed; otherwise only the
    # batch's own tie statements need their ties recomputed.
    _temp(db, "moved", "id TEXT PRIMARY KEY", [(i,) for i in moved])
    db.execute("DROP TABLE IF EXISTS temp.touched_members")
    db.execute("CREATE TEMP TABLE touched_members AS SELECT c.entity FROM moved AS t "
               "JOIN canon AS c ON c.canonical = t.id")
    _index(db, "touched_members", "entity")
    _temp(db, "batch_edges", "id TEXT PRIMARY KEY",
          [(f.id,) for f in edges if f.id not in fresh.edge_ids])
    result = WriteResult()
    _refresh_nodes(db, fresh, combined, rules)
    _refresh_edges(db, result, fresh, rules,
                   None if ends is None else (moved, ends, edges))
    # Derived money goes in before nodes are compared, so a re-load counts no update.
    refresh_action_sums(db)
    _count_nodes(db, result)
    return result


def _refresh_nodes(db: sqlite3.Connection, fresh: FreshView, combined: FreshView, rules: Rules
                   ) -> None:
    db.execute("DELETE FROM nodes WHERE id IN (SELECT id FROM touched_nodes)")
    # By key from the old rows' indexed values: `lookup` has no index on id, and deleting by id
    # scanned all of it for every group.
    db.execute("""
        DELETE FROM lookup WHERE (kind, prop, value, id) IN (
            SELECT o.kind, i.prop, CAST(json_extract(o.body, '$.properties.' || i.prop) AS TEXT),
                   o.id
            FROM old_nodes AS o JOIN indexed_props AS i ON i.kind = o.kind
            WHERE json_extract(o.body, '$.properties.' || i.prop) IS NOT NULL)""")
    # A combined id keeps its terms and gains its new statements' (the same union SQL takes).
    db.execute("DELETE FROM terms WHERE id IN (SELECT id FROM touched_nodes) "
               "AND id NOT IN (SELECT id FROM combined_nodes)")
    # The scope's rows come id by id (the join is driven by slow_nodes in key order): each id's
    # view is derived as its rows end, so memory holds one id's statements, not the group's
    # (a company named in every award has as many statements as distinct mentions of it).
    derived = []
    for (canonical, kind), rows in groupby(db.execute(sql.NODE_SCOPE), _first_two):
        name, body, ranks = ranked_node_view(
            kind, [(rank, orjson.loads(body), first, last)
                   for _, _, rank, body, first, last in rows], rules)
        derived.append((canonical, kind, name, body, ranks_text(ranks)))
    # In key order: each B-tree page is written once, not once per row landing in it.
    db.executemany("INSERT INTO nodes (id, kind, name, body, ranks) VALUES (?,?,?,?,?)",
                   sorted(fresh.nodes + combined.nodes + derived))
    db.executemany("INSERT OR IGNORE INTO terms (term, id) VALUES (?,?)",
                   sorted(fresh.terms + combined.terms))
    db.executemany("INSERT OR IGNORE INTO lookup (kind, prop, value, id) VALUES (?,?,?,?)",
                   sorted(fresh.lookup + combined.lookup))
    # Ids the shortcuts derived whose indexed values are not text: SQL prints those values.
    db.executemany("INSERT OR IGNORE INTO slow_nodes VALUES (?)",
                   [(i,) for i in fresh.lookup_in_sql + combined.lookup_in_sql])
    db.execute("""
        INSERT OR IGNORE INTO terms (term, id)
        SELECT DISTINCT e.term, c.canonical FROM slow_nodes AS t
        CROSS JOIN canon AS c ON c.canonical = t.id
        CROSS JOIN entity_terms AS e ON e.entity = c.entity ORDER BY 1, 2""")
    db.execute("""
        INSERT OR IGNORE INTO lookup (kind, prop, value, id)
        SELECT n.kind, i.prop, CAST(json_extract(n.body, '$.properties.' || i.prop) AS TEXT), n.id
        FROM slow_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id
        JOIN indexed_props AS i ON i.kind = n.kind
        WHERE json_extract(n.body, '$.properties.' || i.prop) IS NOT NULL ORDER BY 1, 2, 3, 4""")


def _count_nodes(db: sqlite3.Connection, result: WriteResult) -> None:
    created, updated = db.execute("""
        SELECT SUM(o.id IS NULL), SUM(o.id IS NOT NULL AND (o.body != n.body OR o.name != n.name))
        FROM touched_nodes AS t CROSS JOIN nodes AS n ON n.id = t.id
        LEFT JOIN old_nodes AS o ON o.id = n.id""").fetchone()
    result.nodes_created += created or 0
    result.nodes_updated += updated or 0


def _refresh_edges(db: sqlite3.Connection, result: WriteResult, fresh: FreshView, rules: Rules,
                   group: tuple[set[str], dict[str, str], Sequence[Fragment]] | None) -> None:
    """Recompute the ties of edge_keys; `group` (the moved ids, the canonical ids of the tie
    ends, the group's tie statements) lets the ties the store holds be combined with them."""
    for name in ("edge_keys", "old_edges"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(sql.EDGE_KEYS)
    _index(db, "edge_keys", "src, kind, dst")
    # Ties of ends whose canonical id changed are dropped and re-derived under the new ids.
    db.execute("""
        CREATE TEMP TABLE old_edges AS SELECT e.src, e.type, e.dst, e.body, e.ranks
            FROM moved AS m CROSS JOIN edges AS e ON e.src = m.id
        UNION SELECT e.src, e.type, e.dst, e.body, e.ranks FROM moved AS m
            CROSS JOIN edges AS e INDEXED BY edges_by_dst ON e.dst = m.id
        UNION SELECT e.src, e.type, e.dst, e.body, e.ranks FROM edge_keys AS k
            CROSS JOIN edges AS e ON e.src = k.src AND e.type = k.kind AND e.dst = k.dst""")
    _index(db, "old_edges", "src, type, dst")
    combined = FreshView() if group is None else incremental.edges(db, *group, rules)
    keys = db.execute("SELECT src, kind, dst FROM edge_keys").fetchall()
    combined_keys = {row[:3] for row in combined.edges}
    _temp(db, "slow_edges", "src TEXT, kind TEXT, dst TEXT, PRIMARY KEY (src, kind, dst)",
          [key for key in keys if key not in combined_keys])
    # The src IN (...) prefix lets SQLite use the primary key instead of scanning every tie.
    db.execute("DELETE FROM edges WHERE src IN (SELECT src FROM old_edges) "
               "AND (src, type, dst) IN (SELECT src, type, dst FROM old_edges)")
    # Key by key, as the nodes' scope (slow_edges drives the join).
    derived = []
    for key, rows in groupby(db.execute(sql.EDGE_SCOPE), _first_three):
        body, ranks = ranked_edge_view(key[1], [(rank, orjson.loads(body), first, last)
                                                for _, _, _, rank, body, first, last in rows],
                                       rules)
        derived.append((*key, body, ranks_text(ranks)))
    db.executemany("INSERT INTO edges (src, type, dst, body, ranks) VALUES (?,?,?,?,?)",
                   sorted(fresh.edges + combined.edges + derived))
    result.edges_created += len(fresh.edges)
    created, updated = db.execute("""
        SELECT SUM(o.src IS NULL), SUM(o.src IS NOT NULL AND o.body != e.body)
        FROM edge_keys AS k
        CROSS JOIN edges AS e ON e.src = k.src AND e.type = k.kind AND e.dst = k.dst
        LEFT JOIN old_edges AS o ON o.src = e.src AND o.type = e.type AND o.dst = e.dst
        """).fetchone()
    result.edges_created += created or 0
    result.edges_updated += updated or 0
