"""The Neo4j store's judgements (as embedded_judgements.py): a `:Judgement {id, <to_dict()>}`
node per judgement, the identity rows it adds as `:Ident` nodes, then the touched components
re-resolved (neo4j_view.refresh)."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graph_service.domain_model import DomainModel
from graph_service.judgements import Judgement, judgement_rows, name_rows
from graph_service.neo4j_schema import CANON, FRAGMENT, IDENT, JUDGEMENT
from graph_service.stores import neo4j_view
from graph_service.stores.neo4j_view_cypher import ident_rows, members, stated_or_named

LIST = f"MATCH (j:{JUDGEMENT}) RETURN properties(j) ORDER BY j.id"
_ONE = f"MATCH (j:{JUDGEMENT} {{id: $id}}) RETURN properties(j)"
_WRITE = f"MERGE (j:{JUDGEMENT} {{id: $props.id}}) SET j = $props"
_DELETE = f"MATCH (j:{JUDGEMENT} {{id: $id}}) DELETE j"

# Every member (entity, kind) of the entities the two ids are part of.
_MEMBERS = f"""
UNWIND $ids AS e
OPTIONAL MATCH (c:{CANON} {{entity: e}})
WITH e, c WHERE c IS NOT NULL OR {stated_or_named("e")}
WITH coalesce(c.canonical, e) AS cid
{members("cid", "cid")}
OPTIONAL MATCH (k:{CANON} {{entity: m}})
WITH m, k WHERE k IS NOT NULL OR {stated_or_named("m")}
RETURN DISTINCT m, coalesce(k.kind,
                            COLLECT {{ MATCH (f:{FRAGMENT} {{entity: m}}) RETURN f.kind }}[0],
                            COLLECT {{ {ident_rows("i", "m")} RETURN i.kind }}[0])"""

_DROP_ROWS = f"""
UNWIND $rows AS row
MATCH (i:{IDENT} {{entity: row[0], prop: row[1], value: row[2]}})
DELETE i"""

# A name row goes with the last judgement naming an id that no statement names.
_DROP_NAME_ROWS = f"""
UNWIND $rows AS row
MATCH (i:{IDENT} {{entity: row[0], prop: row[1], value: row[2]}})
WHERE NOT EXISTS {{ MATCH (:{FRAGMENT} {{entity: row[0]}}) }}
  AND NOT EXISTS {{ {ident_rows("o", "row[0]", "o.prop <> row[1]")} }}
DELETE i"""

# An id neither stated nor named by any identity row leaves no canonical id behind.
_DROP_CANON = f"""
UNWIND $ids AS e
MATCH (c:{CANON} {{entity: e}})
WHERE NOT EXISTS {{ MATCH (:{FRAGMENT} {{entity: e}}) }}
  AND NOT EXISTS {{ {ident_rows("i", "e")} }}
DELETE c"""


def _of(props: dict[str, object]) -> Judgement:
    return Judgement.from_dict(props)


def list_judgements(tx: ManagedTransaction) -> list[Judgement]:
    return [_of(record[0]) for record in tx.run(LIST)]


def judge(tx: ManagedTransaction, model: DomainModel, j: Judgement) -> None:
    """Record a judgement and apply its rows. Judging a pair again replaces the old verdict."""
    for old in list_judgements(tx):
        if {old.a, old.b} == {j.a, j.b} and old.id != j.id:
            retract(tx, model, old.id)
    tx.run(_WRITE, props=j.to_dict()).consume()
    rows = sorted({*judgement_rows(j), *name_rows(model, j)})
    tx.run(neo4j_view.APPEND_IDENTITY, rows=[list(r) for r in rows]).consume()
    neo4j_view.refresh(tx, model, {j.a: j.kind, j.b: j.kind})


def retract(tx: ManagedTransaction, model: DomainModel, judgement_id: str) -> Judgement | None:
    """Delete a judgement and exactly its rows; the view returns to what it was without it."""
    found = [record[0] for record in tx.run(_ONE, id=judgement_id)]
    if not found:
        return None
    j = _of(found[0])
    # Every member of the entity the judgement made is re-resolved: without its rows they
    # may no longer be reachable from the two ids it named.
    members: dict[str, str] = {r[0]: r[1] for r in tx.run(_MEMBERS, ids=[j.a, j.b])}
    members.update({j.a: j.kind, j.b: j.kind})
    tx.run(_DELETE, id=j.id).consume()
    tx.run(_DROP_ROWS, rows=[[e, prop, value] for e, _k, prop, value, _key
                             in judgement_rows(j)]).consume()
    for e, _k, prop, value, _key in name_rows(model, j):
        tx.run(_DROP_NAME_ROWS, rows=[[e, prop, value]]).consume()
    neo4j_view.refresh(tx, model, members)
    tx.run(_DROP_CANON, ids=[j.a, j.b]).consume()
    return j
