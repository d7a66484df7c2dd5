"""The Neo4j store's write path for a statement batch, in as few statements as the batch
allows (issue 13): one read probes what the store already knows of the batch, one write
appends its statements, and identity is re-resolved only where the batch can have changed it.

Identity (statements.cluster) depends only on identity rows, so an entity's canonical id can
change only when a row is new. A batch entity with no canonical id yet, whose new rows share
no key value with any other entity (in the store or the batch), is a component of its own: its
canonical id is cluster() of its own rows, computed from the batch alone. Only entities that
gain a row and link to others, or already had one, have their components read back
(neo4j_view.resolve). Bulk rows (a new contract with a PIID nobody else has, a vendor seen
before) take the first path or none at all.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from neo4j import ManagedTransaction

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import CANON, FRAGMENT, IDENT
from graph_service.statements import Fragment, StatementBatch, cluster
from graph_service.stores import neo4j_view
from graph_service.stores.base import WriteResult
from graph_service.stores.neo4j_action_sums import refresh_action_sums
from graph_service.stores.neo4j_view_cypher import (
    create_edges_statement,
    create_nodes_statement,
    stated_or_named,
    union_lists,
)

# `$ids`: the batch's entities and tie ends -> the canonical ids the store holds for them (an
# entity a statement or identity row names, with no :Canon, is its own);
# `$rows`: its identity rows -> the indexes of those stored already; `$keys` ([index, entity,
# kind, prop, value] of its key rows) -> those of values another entity holds; `$fragments`:
# its statement ids -> those stored already. The hints hold the plans: a plan cached while the
# store was empty scans labels, which grows with the store; and a plain `USING INDEX` lets a
# plan replanned on stale index samples scan the whole index for each row (PROFILE of the
# second batch of 10k bench rows: the key check scanned `ident_key` per key, 45M db hits and
# 23 s instead of 46k and 0.5 s; a later replan stalled another probe 42 s), hence SEEK.
PROBE = f"""
CALL () {{
  UNWIND $ids AS id
  OPTIONAL MATCH (c:{CANON} {{entity: id}}) USING INDEX SEEK c:{CANON}(entity)
  WITH id, c WHERE c IS NOT NULL OR {stated_or_named("id")}
  RETURN collect([id, coalesce(c.canonical, id)]) AS known
}}
CALL () {{
  UNWIND range(0, size($rows) - 1) AS n
  WITH n, $rows[n] AS row
  MATCH (own:{IDENT} {{entity: row[0], prop: row[2], value: row[3]}})
  USING INDEX SEEK own:{IDENT}(entity, prop, value)
  RETURN collect(n) AS stored
}}
CALL () {{
  UNWIND $keys AS key
  CALL (key) {{
    MATCH (j:{IDENT} {{kind: key[2], prop: key[3], value: key[4]}})
    USING INDEX SEEK j:{IDENT}(value, prop, kind)
    WHERE j.is_key = 1 AND j.entity <> key[1]
    RETURN 1 AS hit LIMIT 1
  }}
  RETURN collect(key[0]) AS linked
}}
CALL () {{
  UNWIND $fragments AS id
  MATCH (f:{FRAGMENT} {{id: id}}) USING INDEX SEEK f:{FRAGMENT}(id)
  RETURN collect(id) AS seen
}}
RETURN known, stored, linked, seen"""

# New identity rows only (the probe found them absent; writers hold the generation lock).
CREATE_IDENTITY = f"""
UNWIND $rows AS row
CREATE (:{IDENT} {{entity: row[0], kind: row[1], prop: row[2], value: row[3], is_key: row[4]}})"""

# Canonical ids of entities no statement named before, where not their own.
CREATE_CANON = f"""
UNWIND $rows AS row
CREATE (:{CANON} {{entity: row[0], canonical: row[1], kind: row[2]}})"""

# A statement seen again: only the days that saw it widen, and the record is the shortest,
# then smallest label that made it (as embedded_view._APPEND). Returns the ids whose days
# widened (the view's first_seen/last_seen may change; the record is provenance only).
SEEN_AGAIN = f"""
UNWIND $rows AS row
MATCH (f:{FRAGMENT} {{id: row.id}}) USING INDEX SEEK f:{FRAGMENT}(id)
WITH f, row, coalesce(f.first_seen, '') AS first, coalesce(f.last_seen, '') AS last
SET f.first_seen = CASE WHEN f.first_seen IS NULL OR row.first_seen < f.first_seen
                        THEN row.first_seen ELSE f.first_seen END,
    f.last_seen = CASE WHEN f.last_seen IS NULL OR row.last_seen > f.last_seen
                       THEN row.last_seen ELSE f.last_seen END,
    f.record = CASE WHEN size(row.record) < size(f.record)
                         OR (size(row.record) = size(f.record) AND row.record < f.record)
                    THEN row.record ELSE f.record END
WITH row, first <> coalesce(f.first_seen, '') OR last <> coalesce(f.last_seen, '') AS wider
WITH row WHERE wider
RETURN collect(row.id)"""


class _Batch:
    """What the probe says of a batch, and how identity goes: `canon` (entity -> canonical id,
    for every entity the batch names, once resolved), the new identity rows, the entities
    `fresh` (no statement named them before), `alone` (fresh, a component of its own) and
    `dirty` (re-resolved from the store), and the statement ids stored already."""

    def __init__(self, tx: ManagedTransaction, model: DomainModel,
                 statements: StatementBatch) -> None:
        entities = statements.entities
        ends = statements.unknown_ends()
        rows = statements.identity
        ((known, stored, linked_rows, seen),) = neo4j_view.read(
            tx, PROBE, ids=sorted({*entities, *ends}), rows=[list(r) for r in rows],
            keys=[[n, *r[:4]] for n, r in enumerate(rows) if r[4]],
            fragments=[f.id for f in (*statements.nodes, *statements.edges)])
        self.canon: dict[str, str] = dict(known)
        absent = [end for end in ends if end not in self.canon]
        if absent:
            raise ValueError(f"ties refer to nodes that do not exist: {', '.join(absent[:5])}")
        self.seen: set[str] = set(seen)
        had = set(stored)
        self.new_rows = [row for n, row in enumerate(rows) if n not in had]
        linked = {rows[n][0] for n in linked_rows if n not in had}
        holders: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for entity, kind, prop, value, is_key in self.new_rows:
            if is_key:
                holders[(kind, prop, value)].add(entity)
        linked.update(e for group in holders.values() if len(group) > 1 for e in group)
        # Entities gaining rows are re-resolved from the store when they link or were known;
        # the others no statement named before are each a component of their own.
        gaining = {row[0] for row in self.new_rows}
        self.fresh = {e for e in {*entities, *gaining} if e not in self.canon}
        self.dirty = {e for e in gaining if e in self.canon or e in linked}
        self.alone = sorted(self.fresh - self.dirty)
        self.kinds = {**{row[0]: row[1] for row in rows}, **entities}
        self.own = cluster(model, [r for r in self.new_rows if r[0] not in self.dirty],
                           self.alone)
        self.canon.update(self.own)


def append_and_refresh(tx: ManagedTransaction, model: DomainModel,
                       statements: StatementBatch, one_pass: bool = True) -> WriteResult:
    """Append a batch's statements and recompute the view where they land: where a statement
    is new, a statement seen again widened its days, or identity changed. A tie to an id no
    statement names (in the batch or the store) raises ValueError before anything is written.
    `one_pass` False: view records may exist without statements (a store being converted),
    so none is created blind."""
    batch = _Batch(tx, model, statements)
    canon, own = batch.canon, batch.own
    neo4j_view.merge_origins(tx, [*statements.nodes, *statements.edges])
    alone = set(batch.alone) if one_pass else set()

    # A new entity alone with one statement: created with its view in one pass
    # (neo4j_view_cypher.create_nodes_statement).
    single = _single_nodes(statements, alone)
    made = {f.entity for f in single}
    changed = _append(tx, [f for f in statements.nodes if f.entity not in made], batch.seen)
    for chunk in neo4j_view.chunks(batch.new_rows):
        tx.run(CREATE_IDENTITY, rows=[list(r) for r in chunk]).consume()
    for chunk in neo4j_view.chunks([e for e in batch.alone if e not in made and own[e] != e]):
        tx.run(CREATE_CANON, rows=[[e, own[e], batch.kinds[e]] for e in chunk]).consume()
    result = WriteResult()
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for frag in single:
        by_kind[frag.kind].append({"props": neo4j_view.fragment_props(frag),
                                   "canonical": own[frag.entity], "terms": list(frag.terms)})
    for kind, group in sorted(by_kind.items()):
        query = create_nodes_statement(model, kind)
        for chunk in neo4j_view.chunks(group):
            result.nodes_created += neo4j_view.read(tx, query, rows=list(chunk), kind=kind)[0][0]

    touched: dict[str, str | None] = {}
    moved: set[str] = set()
    if batch.dirty:
        resolved = neo4j_view.resolve(tx, model,
                                      {e: batch.kinds[e] for e in sorted(batch.dirty)},
                                      batch.fresh)
        canon.update(resolved.canonical)
        moved = resolved.moved
        touched.update(dict.fromkeys(sorted(resolved.touched)))
    # The kind of a batch entity's canonical id is its own (components never mix kinds), and
    # it has a node statement (the batch's); other touched ids are looked up. Ids whose
    # identity did not move may be combined with their new statements alone.
    news: dict[str, list[str]] = defaultdict(list)
    for f in changed:
        if canon[f.entity] not in touched:
            news[canon[f.entity]].append(f.id)
    touched.update({canon[f.entity]: f.kind for f in changed})
    created, updated = neo4j_view.refresh_nodes(tx, model, touched, news)

    keys, single_keys, tie_news = _ties(tx, model, statements, batch, alone, result)
    keys = neo4j_view.refresh_edges(tx, model, keys, sorted(moved), result, tie_news)
    # A node counts once, compared before and after the sums (as the embedded store does).
    # A contract made in one pass has no actions but those of this batch's ties (`keys`).
    made_ids = {own[e] for e in made}
    summed = refresh_action_sums(tx, touched, keys | single_keys)
    updated |= summed - created - made_ids
    result.nodes_created += len(created)
    result.nodes_updated = len(updated)
    return result


def _append(tx: ManagedTransaction, fragments: list[Fragment], seen: set[str]
            ) -> list[Fragment]:
    """Store statements (those seen before widen their days): the new and the widened."""
    again = [f for f in fragments if f.id in seen]
    new = [f for f in fragments if f.id not in seen]
    widened: set[str] = set()
    for chunk in neo4j_view.chunks(again):
        widened.update(neo4j_view.read(tx, SEEN_AGAIN, rows=[
            {"id": f.id, "first_seen": f.first_seen, "last_seen": f.last_seen,
             "record": f.record} for f in chunk])[0][0])
    neo4j_view.create_fragments(tx, new)
    return new + [f for f in again if f.id in widened]


def _ties(tx: ManagedTransaction, model: DomainModel, statements: StatementBatch,
          batch: _Batch, alone: set[str], result: WriteResult
          ) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]],
                     dict[tuple[str, str, str], list[str]]]:
    """Append the tie statements: the keys of the ties to derive from the store, those
    created in one pass (the one statement of a tie with an end alone: no other statement of
    it can exist, nor the tie), and the ids of each derived key's new statements."""
    canon = batch.canon
    ties: dict[tuple[str, str, str], list[Fragment]] = defaultdict(list)
    loops: list[Fragment] = []
    for f in statements.edges:
        src, dst = canon[f.src or ""], canon[f.dst or ""]
        (loops if src == dst else ties[(src, f.kind, dst)]).append(f)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stored: list[Fragment] = list(loops)
    for key, frags in ties.items():
        one = frags[0]
        if len(frags) == 1 and (one.src in alone or one.dst in alone) and _sorts_alike(one):
            by_type[key[1]].append({"props": neo4j_view.fragment_props(one),
                                    "s": key[0], "d": key[2]})
        else:
            stored += frags
    changed = _append(tx, stored, batch.seen)
    for rel_type, rows_of in sorted(by_type.items()):
        # Rows stating no union list skip the subqueries that sort one.
        lists = union_lists(model, rel_type, is_edge=True)
        for unions in (False, True):
            part = [r for r in rows_of if any(k in r["props"] for k in lists) == unions]
            query = create_edges_statement(model, rel_type, unions=unions)
            for chunk in neo4j_view.chunks(part):
                result.edges_created += neo4j_view.read(tx, query, rows=list(chunk))[0][0]
    news: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for f in changed:
        key = (canon[f.src or ""], f.kind, canon[f.dst or ""])
        if key[0] != key[2]:
            news[key].append(f.id)
    single_keys = {(row["s"], rel, row["d"]) for rel, group in by_type.items() for row in group}
    return set(news), single_keys, news


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _sorts_alike(frag: Fragment) -> bool:
    """Python sorted a statement's lists by code point, Cypher sorts by UTF-16 unit: the same
    order unless a character lies beyond the BMP."""
    return not (_ASTRAL.search(frag.body) or any(_ASTRAL.search(t) for t in frag.terms))


def _single_nodes(statements: StatementBatch, alone: set[str]) -> list[Fragment]:
    """The node statements that are the only one of an entity alone."""
    per_entity = Counter(f.entity for f in statements.nodes)
    return [f for f in statements.nodes
            if f.entity in alone and per_entity[f.entity] == 1 and _sorts_alike(f)]


__all__ = ["append_and_refresh"]
