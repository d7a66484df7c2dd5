"""The Neo4j store's statements and the view derived from them, in Cypher.

Statements are `:Fragment` nodes (graph_service/statements.py: one per claim, id = content
hash), their stated values flat properties (`v_<key>`, keys from the schema only), with the
folded search terms of node claims where Cypher cannot derive them; the source and origin every
statement of a file repeats are on an `:Origin` node once, named by the statement's
`origin_key` (the layout, `_props`). `:Ident {entity, kind, prop, value, is_key}` nodes hold the
identifier values, `:Canon {entity, canonical, kind}` the resolver's answer where it is not the
entity's own id (neo4j_view_cypher.members: an entity without one is its own canonical id).
The view is the `:Entity:<Kind>` nodes and typed relationships every read path uses; a batch
recomputes it for the ids it touched, set-wise, with one generated statement per kind and per
relationship type. This reproduces graph_service/stores/embedded_view.py exactly: the winning
value of a property is the smallest (rule min) or largest (rule max), else that of the
best-ranked statement, then the smallest; names and sources are unions. Python only clusters
identifier values (statements.cluster), which is work per distinct entity, not per record.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from neo4j import ManagedTransaction

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import CANON, ENTITY, FRAGMENT, IDENT, ORIGIN
from graph_service.statements import (
    EDGE_KEY_SEPARATOR,
    Fragment,
    cluster,
)
from graph_service.stores.base import WriteResult
from graph_service.stores.neo4j_action_sums import refresh_action_sums
from graph_service.stores.neo4j_view_combine import (
    combine_edges_statement,
    combine_nodes_statement,
)
from graph_service.stores.neo4j_view_cypher import (
    TIE_STATEMENTS,
    VALUE_PREFIX,
    canonical_of,
    ident_rows,
    members,
    ranked,
    refresh_edges_statement,
    refresh_nodes_statement,
    stated_or_named,
)

_CHUNK = 2000
_FRAGMENT_CHUNK = 5000
__all__ = ["TIE_STATEMENTS", "VALUE_PREFIX", "create_fragments", "refresh", "refresh_view",
           "resolve"]

CREATE_FRAGMENTS = f"UNWIND $rows AS row CREATE (f:{FRAGMENT}) SET f = row"

# The (source, origin) pairs of a batch (`origin_key`), once each.
MERGE_ORIGINS = f"""
UNWIND $rows AS row
MERGE (o:{ORIGIN} {{key: row[0]}})
  ON CREATE SET o.source = row[1], o.origin = row[2]"""

APPEND_IDENTITY = f"""
UNWIND $rows AS row
MERGE (i:{IDENT} {{entity: row[0], prop: row[2], value: row[3]}})
  ON CREATE SET i.kind = row[1], i.is_key = row[4]"""

# Entities sharing a key identifier value with one of `$ids` (one step of the component). The
# hints hold the plan: left alone, the planner once chose to join on the value index from the
# other side (138 s for one batch instead of 0.2 s).
IDENTITY_NEIGHBOURS = f"""
UNWIND $ids AS e
{ident_rows("i", "e", "i.is_key = 1")}
CALL (i) {{
  MATCH (j:{IDENT} {{kind: i.kind, prop: i.prop, value: i.value}})
  USING INDEX SEEK j:{IDENT}(value, prop, kind)
  WHERE j.is_key = 1 AND j.entity <> i.entity
  RETURN j.entity AS other
}}
RETURN DISTINCT other"""

IDENTITY_OF = f"""
UNWIND $ids AS e {ident_rows("i", "e")}
RETURN i.entity, i.kind, i.prop, i.value, i.is_key"""

# The canonical id (and the :Canon's kind, if any) of each of `$ids` the store knows.
CANON_OF = f"""
UNWIND $ids AS e
OPTIONAL MATCH (c:{CANON} {{entity: e}}) USING INDEX SEEK c:{CANON}(entity)
WITH e, c WHERE c IS NOT NULL OR {stated_or_named("e")}
RETURN e, coalesce(c.canonical, e), c.kind"""

# A :Canon only where the canonical id is not the entity's own (neo4j_view_cypher.members).
WRITE_CANON = f"""
UNWIND $rows AS row
MERGE (c:{CANON} {{entity: row[0]}})
SET c.canonical = row[1], c.kind = row[2]"""

DROP_CANON = f"""
UNWIND $ids AS e
MATCH (c:{CANON} {{entity: e}}) USING INDEX SEEK c:{CANON}(entity)
DELETE c"""

# The kind of each id that is still canonical for an entity with a node statement (null: the
# view node goes; an id named only by identity rows, e.g. a judgement's, has no view node).
CANONICAL_KINDS = f"""
UNWIND $ids AS id
CALL (id) {{
  {members("id", "id")}
  MATCH (f:{FRAGMENT} {{entity: m}}) USING INDEX SEEK f:{FRAGMENT}(entity)
  WHERE f.src IS NULL
  RETURN collect(f.kind)[0] AS kind
}}
RETURN id, kind"""

DROP_NODES = f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) DETACH DELETE n"

# The canonical keys of every tie statement at a member of an id whose membership changed.
EDGE_KEYS_MOVED = f"""
UNWIND $moved AS mid
{members("mid", "mid")}
CALL (m) {{
  MATCH (f:{FRAGMENT} {{src: m}}) USING INDEX SEEK f:{FRAGMENT}(src, kind)
  WHERE f.kind IS NOT NULL RETURN f
  UNION
  MATCH (f:{FRAGMENT} {{dst: m}}) RETURN f
}}
WITH f, {canonical_of("f.src")} AS s, {canonical_of("f.dst")} AS d
WITH f, s, d WHERE s <> d
RETURN DISTINCT s, f.kind AS type, d"""

# Ties at ids whose membership changed that are no longer a key of the view.
DROP_STALE_TIES = f"""
UNWIND $moved AS mid
MATCH (:{ENTITY} {{id: mid}})-[r]-()
WITH DISTINCT r
WHERE NOT (startNode(r).id + $sep + type(r) + $sep + endNode(r).id) IN $keys
DELETE r"""



def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def origin_key(source: str, origin: str) -> str:
    """The key of the :Origin node of statements from `source` with `origin` (a digest: the
    incremental path and the bulk import name the same pair alike, with no lookup)."""
    return hashlib.blake2b(f"{source}\n{origin}".encode(), digest_size=8).hexdigest()


def _props(frag: Fragment, body: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A statement's properties on its :Fragment node: each stated value flat (`v_<key>`), and
    nothing twice (every property a statement writes costs, in bytes more than in count: the
    stated values are its body, neo4j_statements.statement; a tie statement's entity is its
    ends and type, node statements alone have no `src`; the source and origin are its
    :Origin's; empty aliases are none)."""
    props: dict[str, Any] = {
        "id": frag.id, "entity": None if frag.is_edge else frag.entity, "kind": frag.kind,
        "src": frag.src, "dst": frag.dst, "record": frag.record,
        "origin_key": origin_key(frag.source, frag.origin), "rank": frag.rank,
        "first_seen": frag.first_seen, "last_seen": frag.last_seen,
        "name": body.get("name"), "aliases": body.get("aliases") or None,
        "sources": body["sources"], "status": body.get("status"), **extra,
    }
    props.update({VALUE_PREFIX + key: value for key, value in body["properties"].items()})
    return {key: value for key, value in props.items() if value is not None}


def folded(name: str | None, aliases: Sequence[str], terms: Sequence[str], fold_name: str
           ) -> dict[str, Any]:
    """A node statement's `terms` and `fold_name`, each only when Cypher cannot derive it
    (neo4j_view_cypher: the lowered names, ASCII only, as text.fold gives them then)."""
    names = [name, *aliases]
    found: dict[str, Any] = {}
    if not (all(x is None or x.isascii() for x in names)
            and list(terms) == sorted({x.lower() for x in names if x})):
        found["terms"] = list(terms)
    if not (name is not None and name.isascii() and fold_name == name.lower()):
        found["fold_name"] = fold_name
    return found


def read(tx: ManagedTransaction, query: str, **params: Any) -> list[list[Any]]:
    return [list(record.values()) for record in tx.run(query, params)]


def fragment_props(frag: Fragment) -> dict[str, Any]:
    """A statement's properties as its :Fragment node holds them."""
    body = orjson.loads(frag.body)
    if frag.is_edge:
        return _props(frag, body, {})
    return _props(frag, body, folded(body.get("name"), body.get("aliases") or [], frag.terms,
                               frag.fold_name))


def merge_origins(tx: ManagedTransaction, fragments: Sequence[Fragment]) -> None:
    """The :Origin nodes the statements name (neo4j_append: before any of them is written)."""
    pairs = sorted({(f.source, f.origin) for f in fragments})
    if pairs:
        tx.run(MERGE_ORIGINS, rows=[[origin_key(*pair), *pair] for pair in pairs]).consume()


def create_fragments(tx: ManagedTransaction, fragments: Sequence[Fragment]) -> None:
    """New statements as :Fragment nodes (neo4j_append knows none of them is stored)."""
    for chunk in chunks([fragment_props(f) for f in fragments], _FRAGMENT_CHUNK):
        tx.run(CREATE_FRAGMENTS, rows=list(chunk)).consume()


@dataclass
class Resolved:
    canonical: dict[str, str]  # every member of the components: its canonical id
    touched: set[str]  # the view ids to recompute
    moved: set[str]  # the ids whose members changed


def refresh(tx: ManagedTransaction, model: DomainModel, entities: dict[str, str]
            ) -> WriteResult:
    """Re-resolve the identity components of `entities` (id -> kind) and recompute the view
    where canonical ids changed (judgements; a batch takes neo4j_append's path)."""
    resolved = resolve(tx, model, entities)
    return refresh_view(tx, model, dict.fromkeys(sorted(resolved.touched)), set(),
                        sorted(resolved.moved))


def resolve(tx: ManagedTransaction, model: DomainModel, entities: dict[str, str],
            fresh: set[str] | frozenset[str] = frozenset()) -> Resolved:
    """Recompute canonical ids for the identity components of `entities` (as
    embedded_view._resolve), reading the components' identity rows back. `fresh`: entities
    of this transaction's batch that no statement named before (they had no canonical id)."""
    members = set(entities)
    frontier = sorted(members)
    while frontier:
        found: set[str] = set()
        for chunk in chunks(frontier):
            found.update(row[0] for row in read(tx, IDENTITY_NEIGHBOURS, ids=list(chunk)))
        frontier = sorted(found - members)
        members |= found
    ordered = sorted(members)
    rows: list[tuple[str, str, str, str, int]] = []
    old: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for chunk in chunks(ordered):
        rows += [tuple(row) for row in read(tx, IDENTITY_OF, ids=list(chunk))]
        for entity, canonical, kind in read(tx, CANON_OF, ids=list(chunk)):
            if entity not in fresh:
                old[entity] = canonical
            if kind is not None:
                kinds[entity] = kind
    kinds.update(entities)
    kinds.update({row[0]: row[1] for row in rows})
    new = cluster(model, rows, ordered)
    changed = [e for e in ordered if old.get(e) != new[e]]
    # The canonical id may be no member's (a qualified kind's base id): its kind is theirs.
    # An entity that is its own canonical id has no :Canon (one of an earlier release goes).
    for chunk in chunks([e for e in changed if new[e] != e]):
        tx.run(WRITE_CANON, rows=[[e, new[e], kinds[e]] for e in chunk]).consume()
    for chunk in chunks([e for e in changed if new[e] == e and e in old]):
        tx.run(DROP_CANON, ids=list(chunk)).consume()
    moved = {new[e] for e in changed if e in old} | {old[e] for e in changed if e in old}
    touched = {new[e] for e in entities} | {new[e] for e in changed} | moved
    return Resolved(new, touched, moved)


def refresh_view(tx: ManagedTransaction, model: DomainModel, touched: dict[str, str | None],
                 edge_keys: set[tuple[str, str, str]], moved: list[str]) -> WriteResult:
    """Recompute the view nodes `touched` (id -> kind, None: looked up, and dropped when no
    node statement is behind it), the ties `edge_keys` and those at `moved` ids, then the
    derived money of the contracts in scope (as embedded_view.refresh)."""
    result = WriteResult()
    created, updated = refresh_nodes(tx, model, touched)
    keys = refresh_edges(tx, model, edge_keys, moved, result)
    # A node counts once, compared before and after the sums (as the embedded store does).
    updated |= refresh_action_sums(tx, touched, keys) - created
    result.nodes_created, result.nodes_updated = len(created), len(updated)
    return result


def refresh_nodes(tx: ManagedTransaction, model: DomainModel, touched: dict[str, str | None],
                  news: dict[str, list[str]] | None = None) -> tuple[set[str], set[str]]:
    """Rewrite the view nodes `touched`: the ids created, and those updated. `news`: ids whose
    identity did not move -> the ids of their new statements; those whose node keeps its ranks
    are combined with them (neo4j_view_combine), the others derived from all statements."""
    news = news or {}
    created: set[str] = set()
    updated: set[str] = set()
    by_kind: dict[str, list[str]] = defaultdict(list)
    gone: list[str] = []
    unknown = sorted(i for i, kind in touched.items() if kind is None)
    for node_id, known in touched.items():
        if known is not None:
            by_kind[known].append(node_id)
    for chunk in chunks(unknown):
        for node_id, kind in read(tx, CANONICAL_KINDS, ids=list(chunk)):
            (gone if kind is None else by_kind[kind]).append(node_id)
    for chunk in chunks(sorted(gone)):
        tx.run(DROP_NODES, ids=list(chunk)).consume()
    for kind, group in sorted(by_kind.items()):
        if ranked(model, kind, is_edge=False):
            combine = combine_nodes_statement(model, kind)
            done: set[str] = set()
            for chunk in chunks(sorted(i for i in group if i in news)):
                ((_, changed, combined),) = read(tx, combine, rows=[
                    {"cid": i, "ids": news[i]} for i in chunk])
                updated.update(changed)
                done.update(combined)
            group = [i for i in group if i not in done]
        query = refresh_nodes_statement(model, kind)
        for chunk in chunks(sorted(group)):
            ((made, changed),) = read(tx, query, ids=list(chunk))
            created.update(made)
            updated.update(changed)
    return created, updated


def refresh_edges(tx: ManagedTransaction, model: DomainModel,
                  edge_keys: set[tuple[str, str, str]], moved: list[str],
                  result: WriteResult,
                  news: dict[tuple[str, str, str], list[str]] | None = None
                  ) -> set[tuple[str, str, str]]:
    """Rewrite the ties `edge_keys` and those of moved ids: the keys recomputed. `news`: keys
    of ties at no moved id -> the ids of their new statements; ties keeping their ranks are
    combined with them (neo4j_view_combine), the others derived from all statements."""
    news = {key: ids for key, ids in (news or {}).items()
            if key[0] not in moved and key[2] not in moved}
    keys = set(edge_keys)
    if moved:
        keys.update(tuple(row) for row in read(tx, EDGE_KEYS_MOVED, moved=moved))
        joined = sorted(EDGE_KEY_SEPARATOR.join(key) for key in keys)
        tx.run(DROP_STALE_TIES, moved=moved, keys=joined, sep=EDGE_KEY_SEPARATOR).consume()
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for src, rel_type, dst in sorted(keys):
        by_type[rel_type].append({"s": src, "d": dst})
    for rel_type, group in sorted(by_type.items()):
        combine = combine_edges_statement(model, rel_type)
        done: set[tuple[str, str]] = set()
        for chunk in chunks([k for k in group if (k["s"], rel_type, k["d"]) in news]):
            ((_, updated, combined),) = read(tx, combine, rows=[
                {**k, "ids": news[(k["s"], rel_type, k["d"])]} for k in chunk])
            result.edges_updated += updated
            done.update((s, d) for s, d in combined)
        group = [k for k in group if (k["s"], k["d"]) not in done]
        query = refresh_edges_statement(model, rel_type)
        for chunk in chunks(group):
            ((created, updated),) = read(tx, query, keys=list(chunk), type=rel_type)
            result.edges_created += created
            result.edges_updated += updated
    return keys
