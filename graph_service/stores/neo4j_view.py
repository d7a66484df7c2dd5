"""The Neo4j store's statements and the view derived from them, in Cypher.

Statements are `:Fragment` nodes (graph_service/statements.py: one per claim, id = content
hash), their stated values flat properties (`v_<key>`, keys from the schema only), with the
folded search terms of node claims. `:Ident {entity, kind, prop, value, is_key}` nodes hold the
identifier values, `:Canon {entity, canonical, kind}` the resolver's answer. The view is the
`:Entity:<Kind>` nodes and typed relationships every read path uses; a batch recomputes it for
the ids it touched, set-wise, with one generated statement per kind and per relationship type.
This reproduces graph_service/stores/embedded_view.py exactly: the winning value of a property
is the smallest (rule min) or largest (rule max), else that of the best-ranked statement, then
the smallest; names and sources are unions. Python only clusters identifier values
(statements.cluster), which is work per distinct entity, not per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from neo4j import ManagedTransaction

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import CANON, ENTITY, FRAGMENT, IDENT
from graph_service.statements import (
    EDGE_KEY_SEPARATOR,
    Fragment,
    StatementBatch,
    cluster,
)
from graph_service.stores.base import WriteResult
from graph_service.stores.neo4j_action_sums import refresh_action_sums
from graph_service.stores.neo4j_view_cypher import (
    TIE_STATEMENTS,
    VALUE_PREFIX,
    refresh_edges_statement,
    refresh_nodes_statement,
)

_CHUNK = 2000
__all__ = ["TIE_STATEMENTS", "VALUE_PREFIX", "absent_ends", "append_and_refresh", "refresh"]

# A fragment seen again: only the days that saw it widen, and the record is the shortest, then
# smallest label that made it (as embedded_view._APPEND).
APPEND = f"""
UNWIND $rows AS row
MERGE (f:{FRAGMENT} {{id: row.id}})
  ON CREATE SET f += row.props
  ON MATCH SET
    f.first_seen = CASE WHEN f.first_seen IS NULL OR row.props.first_seen < f.first_seen
                        THEN row.props.first_seen ELSE f.first_seen END,
    f.last_seen = CASE WHEN f.last_seen IS NULL OR row.props.last_seen > f.last_seen
                       THEN row.props.last_seen ELSE f.last_seen END,
    f.record = CASE WHEN size(row.props.record) < size(f.record)
                         OR (size(row.props.record) = size(f.record)
                             AND row.props.record < f.record)
                    THEN row.props.record ELSE f.record END"""

APPEND_IDENTITY = f"""
UNWIND $rows AS row
MERGE (i:{IDENT} {{entity: row[0], prop: row[2], value: row[3]}})
  ON CREATE SET i.kind = row[1], i.is_key = row[4]"""

KNOWN_ENTITIES = f"UNWIND $ids AS id MATCH (c:{CANON} {{entity: id}}) RETURN c.entity"

# Entities sharing a key identifier value with one of `$ids` (one step of the component). The
# hints hold the plan: left alone, the planner once chose to join on the value index from the
# other side (138 s for one batch instead of 0.2 s).
IDENTITY_NEIGHBOURS = f"""
UNWIND $ids AS e
MATCH (i:{IDENT} {{entity: e}}) USING INDEX i:{IDENT}(entity)
WHERE i.is_key = 1
CALL (i) {{
  MATCH (j:{IDENT} {{kind: i.kind, prop: i.prop, value: i.value}})
  USING INDEX j:{IDENT}(kind, prop, value)
  WHERE j.is_key = 1 AND j.entity <> i.entity
  RETURN j.entity AS other
}}
RETURN DISTINCT other"""

IDENTITY_OF = f"""
UNWIND $ids AS e MATCH (i:{IDENT} {{entity: e}})
RETURN i.entity, i.kind, i.prop, i.value, i.is_key"""

CANON_OF = f"UNWIND $ids AS e MATCH (c:{CANON} {{entity: e}}) RETURN c.entity, c.canonical, c.kind"

WRITE_CANON = f"""
UNWIND $rows AS row
MERGE (c:{CANON} {{entity: row[0]}})
SET c.canonical = row[1], c.kind = row[2]"""

# The kind of each id that is still canonical for an entity with a node statement (null: the
# view node goes; an id named only by identity rows, e.g. a judgement's, has no view node).
CANONICAL_KINDS = f"""
UNWIND $ids AS id
OPTIONAL MATCH (c:{CANON} {{canonical: id}})
WHERE EXISTS {{ MATCH (f:{FRAGMENT} {{entity: c.entity}}) WHERE f.is_edge = false }}
WITH id, collect(c.kind)[0] AS kind
RETURN id, kind"""

DROP_NODES = f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) DETACH DELETE n"

# The canonical keys of the ties to recompute: those of the batch's tie statements, and of
# every tie statement at a member of an id whose membership changed.
_KEY_OF = f"""
MATCH (cs:{CANON} {{entity: f.src}})
MATCH (cd:{CANON} {{entity: f.dst}})
WITH cs, cd, f WHERE cs.canonical <> cd.canonical
RETURN DISTINCT cs.canonical AS s, f.kind AS type, cd.canonical AS d"""

EDGE_KEYS = f"""
UNWIND $fragments AS fid
MATCH (f:{FRAGMENT} {{id: fid}})
{_KEY_OF}
UNION
UNWIND $moved AS mid
MATCH (m:{CANON} {{canonical: mid}})
CALL (m) {{
  MATCH (f:{FRAGMENT} {{src: m.entity}}) RETURN f
  UNION
  MATCH (f:{FRAGMENT} {{dst: m.entity}}) RETURN f
}}
{_KEY_OF}"""

# Ties at ids whose membership changed that are no longer a key of the view.
DROP_STALE_TIES = f"""
UNWIND $moved AS mid
MATCH (:{ENTITY} {{id: mid}})-[r]-()
WITH DISTINCT r
WHERE NOT (startNode(r).id + $sep + type(r) + $sep + endNode(r).id) IN $keys
DELETE r"""


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _props(frag: Fragment, extra: dict[str, Any]) -> dict[str, Any]:
    body = orjson.loads(frag.body)
    props: dict[str, Any] = {
        "id": frag.id, "entity": frag.entity, "is_edge": frag.is_edge, "kind": frag.kind,
        "src": frag.src, "dst": frag.dst, "source": frag.source, "record": frag.record,
        "origin": frag.origin, "rank": frag.rank, "body": frag.body,
        "first_seen": frag.first_seen, "last_seen": frag.last_seen,
        "name": body.get("name"), "aliases": body.get("aliases"),
        "sources": body["sources"], "status": body.get("status"), **extra,
    }
    props.update({VALUE_PREFIX + key: value for key, value in body["properties"].items()})
    return {key: value for key, value in props.items() if value is not None}


def _read(tx: ManagedTransaction, query: str, **params: Any) -> list[list[Any]]:
    return [list(record.values()) for record in tx.run(query, params)]


def absent_ends(tx: ManagedTransaction, ends: Sequence[str]) -> list[str]:
    """The ids among `ends` that no statement has named."""
    known: set[str] = set()
    for chunk in _chunks(sorted(set(ends))):
        known.update(row[0] for row in _read(tx, KNOWN_ENTITIES, ids=list(chunk)))
    return sorted(set(ends) - known)


def append_and_refresh(tx: ManagedTransaction, model: DomainModel,
                       statements: StatementBatch) -> WriteResult:
    """Append a batch's statements and recompute the view where they land."""
    node_rows = [{"id": f.id, "props": _props(f, {"terms": list(f.terms),
                                                   "fold_name": f.fold_name})}
                 for f in statements.nodes]
    edge_rows = [{"id": f.id, "props": _props(f, {})} for f in statements.edges]
    for chunk in _chunks([*node_rows, *edge_rows]):
        tx.run(APPEND, rows=list(chunk)).consume()
    for chunk in _chunks(statements.identity):
        tx.run(APPEND_IDENTITY, rows=[list(r) for r in chunk]).consume()
    return refresh(tx, model, statements.entities, [f.id for f in statements.edges])


def refresh(tx: ManagedTransaction, model: DomainModel, entities: dict[str, str],
            edge_fragments: Sequence[str] = ()) -> WriteResult:
    """Re-resolve the identity components of `entities` (id -> kind), recompute the view where
    canonical ids changed and the ties of `edge_fragments` (ids), then the derived money of the
    contracts in scope (as embedded_view.refresh)."""
    touched, moved = _resolve(tx, model, entities)
    result = WriteResult()
    created, updated = _refresh_nodes(tx, model, sorted(touched))
    keys = _refresh_edges(tx, model, list(edge_fragments), sorted(moved), result)
    # A node counts once, compared before and after the sums (as the embedded store does).
    updated |= refresh_action_sums(tx, sorted(touched), keys) - created
    result.nodes_created, result.nodes_updated = len(created), len(updated)
    return result


def _resolve(tx: ManagedTransaction, model: DomainModel, entities: dict[str, str]
             ) -> tuple[set[str], set[str]]:
    """Recompute canonical ids for the identity components of `entities` (as
    embedded_view._resolve): the ids to recompute, and those whose members changed."""
    members = set(entities)
    frontier = sorted(members)
    while frontier:
        found: set[str] = set()
        for chunk in _chunks(frontier):
            found.update(row[0] for row in _read(tx, IDENTITY_NEIGHBOURS, ids=list(chunk)))
        frontier = sorted(found - members)
        members |= found
    ordered = sorted(members)
    rows: list[tuple[str, str, str, str, int]] = []
    old: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for chunk in _chunks(ordered):
        rows += [tuple(row) for row in _read(tx, IDENTITY_OF, ids=list(chunk))]
        for entity, canonical, kind in _read(tx, CANON_OF, ids=list(chunk)):
            old[entity], kinds[entity] = canonical, kind
    kinds.update(entities)
    kinds.update({row[0]: row[1] for row in rows})
    new = cluster(model, rows, ordered)
    changed = [e for e in ordered if old.get(e) != new[e]]
    # The canonical id may be no member's (a qualified kind's base id): its kind is theirs.
    for chunk in _chunks(changed):
        tx.run(WRITE_CANON, rows=[[e, new[e], kinds[e]] for e in chunk]).consume()
    moved = {new[e] for e in changed if e in old} | {old[e] for e in changed if e in old}
    return {new[e] for e in entities} | {new[e] for e in changed} | moved, moved


def _refresh_nodes(tx: ManagedTransaction, model: DomainModel, ids: list[str]
                   ) -> tuple[set[str], set[str]]:
    """Rewrite the view nodes `ids`: the ids created, and those updated."""
    created: set[str] = set()
    updated: set[str] = set()
    by_kind: dict[str, list[str]] = defaultdict(list)
    gone: list[str] = []
    for chunk in _chunks(ids):
        for node_id, kind in _read(tx, CANONICAL_KINDS, ids=list(chunk)):
            (gone if kind is None else by_kind[kind]).append(node_id)
    for chunk in _chunks(sorted(gone)):
        tx.run(DROP_NODES, ids=list(chunk)).consume()
    for kind, group in sorted(by_kind.items()):
        query = refresh_nodes_statement(model, kind)
        for chunk in _chunks(sorted(group)):
            ((made, changed),) = _read(tx, query, ids=list(chunk))
            created.update(made)
            updated.update(changed)
    return created, updated


def _refresh_edges(tx: ManagedTransaction, model: DomainModel, fragments: list[str],
                   moved: list[str], result: WriteResult) -> set[tuple[str, str, str]]:
    """Rewrite the ties of the batch's statements and of moved ids: the keys recomputed."""
    keys: set[tuple[str, str, str]] = set()
    # Few moved ids per batch; the fragments are many: chunk those, pass every moved id.
    pending = moved
    for chunk in _chunks(fragments) if fragments else [[]]:
        keys.update(tuple(row) for row in _read(
            tx, EDGE_KEYS, fragments=list(chunk), moved=pending))
        pending = []
    if moved:
        joined = sorted(EDGE_KEY_SEPARATOR.join(key) for key in keys)
        tx.run(DROP_STALE_TIES, moved=moved, keys=joined, sep=EDGE_KEY_SEPARATOR).consume()
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for src, rel_type, dst in sorted(keys):
        by_type[rel_type].append({"s": src, "d": dst})
    for rel_type, group in sorted(by_type.items()):
        query = refresh_edges_statement(model, rel_type)
        for chunk in _chunks(group):
            ((created, updated),) = _read(tx, query, keys=list(chunk), type=rel_type)
            result.edges_created += created
            result.edges_updated += updated
    return keys
