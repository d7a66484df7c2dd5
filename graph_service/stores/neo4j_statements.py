"""The Neo4j store's statements as answers (provenance) and the conversion of a store written
by a release before statements (graph_service/stores/neo4j_view.py holds the write path)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson
from neo4j import ManagedTransaction, Session

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import BUMP_GENERATION, CANON, ENTITY, FRAGMENT, META, ORIGIN
from graph_service.records import Edge, Node
from graph_service.statements import (
    EDGE_KEY_SEPARATOR,
    Statement,
    edge_entity,
    statements_of,
)
from graph_service.stores import neo4j_append, neo4j_view
from graph_service.stores.neo4j_view_cypher import VALUE_PREFIX, members

_log = logging.getLogger(__name__)

# A statement's properties with its source and origin, from its :Origin (a store of the
# release before holds them on the statement itself: read as they are, nothing to convert).
_WITH_ORIGIN = f"""
OPTIONAL MATCH (o:{ORIGIN} {{key: f.origin_key}})
WITH *, f {{.*, source: coalesce(f.source, o.source), origin: coalesce(f.origin, o.origin)}}
     AS props"""

# `$ids`: canonical node ids -> [id, statement properties] of every node statement behind them.
OF_NODES = f"""
UNWIND $ids AS id
{members("id", "id")}
MATCH (f:{FRAGMENT} {{entity: m}}) WHERE f.src IS NULL{_WITH_ORIGIN}
RETURN id, props"""

# `$ties`: [from, type, to] canonical keys -> [key, statement properties] of their statements.
OF_TIES = f"""
UNWIND $ties AS key
WITH key, {{s: key[0], d: key[2]}} AS k, key[1] AS type
CALL (k, type) {{
  {neo4j_view.TIE_STATEMENTS.replace("$type", "type")}
  RETURN f
}}{_WITH_ORIGIN}
RETURN key[0] + $sep + key[1] + $sep + key[2], props"""

# Rows when the store holds a view and no statement (written by an older release), or a
# conversion was interrupted.
NEEDS_CONVERSION = f"""
MATCH (n:{ENTITY}) WITH n LIMIT 1
WHERE NOT EXISTS {{ MATCH (:{FRAGMENT}) }}
   OR EXISTS {{ MATCH (g:{META} {{key: 'generation'}}) WHERE g.converting }}
RETURN 1"""

# Claims per conversion transaction (a store's worth at once outgrows the server's memory).
CONVERSION_CHUNK = 5000


def split_ids(ids: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Node ids, and tie keys as [from, type, to] (malformed keys are dropped)."""
    unique = list(dict.fromkeys(ids))
    ties = [key.split(EDGE_KEY_SEPARATOR) for key in unique if EDGE_KEY_SEPARATOR in key]
    return ([key for key in unique if EDGE_KEY_SEPARATOR not in key],
            [parts for parts in ties if len(parts) == 3])


def statement(canonical: str, props: dict[str, Any]) -> Statement:
    """A statement from its :Fragment node's properties with its :Origin's source and origin
    (neo4j_view._props: the stated values are the `v_<key>` ones; a store of an earlier release
    keeps them as a `body` too)."""
    if "body" in props:
        body = orjson.loads(props["body"])
    else:
        body = {"name": props.get("name"), "aliases": props.get("aliases", []),
                "sources": props.get("sources", []), "status": props.get("status"),
                "properties": {key[len(VALUE_PREFIX):]: value for key, value in props.items()
                               if key.startswith(VALUE_PREFIX)}}
    src, dst = props.get("src"), props.get("dst")
    entity = props.get("entity")
    if entity is None and src is not None and dst is not None:
        entity = edge_entity(src, props["kind"], dst)
    return Statement(
        entity=entity or "", canonical=canonical, kind=props["kind"], source=props["source"],
        record=props["record"], origin=props["origin"], rank=props["rank"],
        name=body.get("name"), aliases=body.get("aliases", []), properties=body["properties"],
        sources=body["sources"], status=body.get("status"), first_seen=props.get("first_seen"),
        last_seen=props.get("last_seen"))


def convert(session: Session, model: DomainModel, nodes: list[Node], edges: list[Edge]
            ) -> None:
    """Each merged node and tie of an older release becomes a statement of its first source
    (record "converted"), and the view is derived from them as for any other store (the
    embedded store does the same). Statements are a set, so they are appended a chunk per
    transaction (nodes first: ties need their ends stated); until the last one, a flag on the
    generation node makes the next open convert again, and appending a statement twice adds
    nothing. The old view stays readable meanwhile: a converted record derives the same node."""
    _log.warning("converting a Neo4j store of an older release: %d nodes and %d ties become "
                 "statements", len(nodes), len(edges))
    for node in nodes:
        node.record = "converted"
    for edge in edges:
        edge.record = "converted"
    session.execute_write(_run, f"MERGE (g:{META} {{key: 'generation'}}) SET g.converting = true")
    step = CONVERSION_CHUNK
    for start in range(0, len(nodes), step):
        session.execute_write(_append, model, nodes[start : start + step], [])
    for start in range(0, len(edges), step):
        session.execute_write(_append, model, [], edges[start : start + step])
    # Ids the resolver folded into another entity keep no view node of their own.
    session.execute_write(_run, f"""
        MATCH (n:{ENTITY}) WHERE NOT EXISTS {{ MATCH (:{CANON} {{canonical: n.id}}) }}
          AND (EXISTS {{ MATCH (:{CANON} {{entity: n.id}}) }}
               OR NOT EXISTS {{ MATCH (:{FRAGMENT} {{entity: n.id}}) }})
        DETACH DELETE n""")
    session.execute_write(_run, f"MATCH (g:{META} {{key: 'generation'}}) REMOVE g.converting")


def _run(tx: ManagedTransaction, query: str) -> None:
    tx.run(BUMP_GENERATION).consume()  # first: the writers' lock (Neo4jStore._upsert)
    tx.run(query).consume()


def _append(tx: ManagedTransaction, model: DomainModel, nodes: list[Node], edges: list[Edge]
            ) -> None:
    tx.run(BUMP_GENERATION).consume()
    neo4j_append.append_and_refresh(tx, model, statements_of(model, nodes, edges),
                                    one_pass=False)
