"""The embedded store's rows as records: view rows as Node/Edge, statement rows as Statement, and
a merged store of an earlier release as statements."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson

from graph_service.domain_model import DomainModel
from graph_service.records import Edge, Node
from graph_service.statements import (
    EDGE_KEY_SEPARATOR,
    Statement,
    StatementBatch,
    edge_entity,
    statement_order,
    statements_of,
)


def node_from_row(row: tuple[str, str, str, bytes]) -> Node:
    node_id, kind, name, body = row
    data = orjson.loads(body)
    return Node(node_id, kind, name, data["aliases"], data["properties"], data["sources"],
                data["first_seen"], data["last_seen"])


def edge_from_row(row: tuple[str, str, str, bytes]) -> Edge:
    src, rel_type, dst, body = row
    data = orjson.loads(body)
    return Edge(rel_type, src, dst, data["status"], data["properties"], data["sources"],
                data["first_seen"], data["last_seen"])


def converted_statements(db: sqlite3.Connection, model: DomainModel) -> StatementBatch:
    """A store written by a release before statements holds merged nodes and ties only: each
    becomes a statement of its first source (record "converted"), so nothing is lost and the
    view is derived as for any other store."""
    nodes = [node_from_row(row) for row in db.execute(
        "SELECT id, kind, name, body FROM nodes ORDER BY id")]
    edges = [edge_from_row(row) for row in db.execute(
        "SELECT src, type, dst, body FROM edges ORDER BY src, type, dst")]
    for node in nodes:
        node.record = "converted"
    for edge in edges:
        edge.record = "converted"
    return statements_of(model, nodes, edges)


def read_statements(db: sqlite3.Connection, ids: Sequence[str]) -> list[Statement]:
    """Every statement behind the canonical node ids or tie keys among `ids`."""
    found: list[Statement] = []
    for key in dict.fromkeys(ids):
        parts = key.split(EDGE_KEY_SEPARATOR)
        if len(parts) == 1:
            rows = db.execute(
                "SELECT c.canonical, f.* FROM canon AS c JOIN fragments AS f "
                "ON f.entity = c.entity AND f.is_edge = 0 WHERE c.canonical = ?", parts)
        elif len(parts) == 3:
            rows = db.execute(
                "SELECT ?, f.* FROM canon AS cs JOIN fragments AS f ON f.src = cs.entity "
                "AND f.is_edge = 1 AND f.kind = ? JOIN canon AS cd ON cd.entity = f.dst "
                "WHERE cs.canonical = ? AND cd.canonical = ?",
                [key, parts[1], parts[0], parts[2]])
        else:
            continue
        for row in rows:
            body = orjson.loads(row[11])
            # A tie statement's entity is stored empty: it is its ends and type.
            entity = row[2] or edge_entity(row[5], row[4], row[6])
            found.append(Statement(
                entity=entity, canonical=row[0], kind=row[4], source=row[7], record=row[8],
                origin=row[9], rank=row[10], name=body.get("name"),
                aliases=body.get("aliases", []), properties=body["properties"],
                sources=body["sources"], status=body.get("status"),
                first_seen=row[12], last_seen=row[13]))
    return sorted(found, key=statement_order)
