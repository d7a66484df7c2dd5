"""The Neo4j store: the official driver over Bolt, statements plus a derived view, pushed-down
reach.

Writes append statements (`:Fragment` nodes) and recompute the view where they land, in Cypher
(graph_service/stores/neo4j_view.py). The view (see docs/neo4j-store.md): a node is
`(:Entity:<Kind> {id, name, aliases, sources, first_seen, last_seen, <kind properties>, _terms,
_search, _fold})`; a tie is a relationship of its schema type with `status`, `sources`,
`first_seen`, `last_seen` and its own properties. Labels, types and property keys in Cypher text
come only from the schema; every value is a query parameter.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import Neo4jError

from graph_service.domain_model import DomainModel, load_model
from graph_service.judgements import BASE_PROP, Judgement
from graph_service.neo4j_schema import (
    BUMP_GENERATION,
    ENTITY,
    IDENT,
    SEARCH,
    SORT_NAME,
    TERMS,
    identifier,
    schema_statements,
)
from graph_service.records import Edge, Node
from graph_service.statements import EDGE_KEY_SEPARATOR, Statement, StatementBatch, statement_order
from graph_service.stores import (
    neo4j_append,
    neo4j_cypher,
    neo4j_judgements,
    neo4j_statements,
    neo4j_view,
)
from graph_service.stores.base import (
    Direction,
    GraphStore,
    Stats,
    StoreUnavailable,
    WriteResult,
)
from graph_service.stores.neo4j_connection import Neo4jConnection, delete_everything
from graph_service.stores.neo4j_queries import Neo4jQueries
from graph_service.stores.neo4j_reach import Neo4jReach
from graph_service.stores.neo4j_view_cypher import canonical_of
from graph_service.stores.reach_cache import CachedReach
from graph_service.text import fold

# Ids per UNWIND statement.
_CHUNK = 2000
# Nodes per page when streaming everything out.
_PAGE = 2000
_EDGE_FIELDS = ("status", "sources", "first_seen", "last_seen")
_NODE_ROW = "n.id, labels(n), properties(n)"


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Neo4jStore(Neo4jConnection, Neo4jReach, CachedReach, Neo4jQueries, GraphStore):
    """A graph in a Neo4j database; constraints and indexes are ensured on connect."""

    def __init__(
        self,
        url: str,
        user: str = "neo4j",
        password: str | None = None,
        database: str = "neo4j",
        model: DomainModel | None = None,
    ) -> None:
        self.model = model or load_model()
        self.url, self.database = url, database
        self._kinds = {kind: identifier(kind) for kind in self.model.kinds}
        self._types = {rel: identifier(rel) for rel in self.model.relationships}
        self._edge_props = [
            identifier(key) for key in self.model.relationship_properties if key not in _EDGE_FIELDS
        ]
        self._connect(user, password)
        try:
            self.ping()
            self._ensure_schema()
            self._convert_merged_store()
        except StoreUnavailable:
            self._driver.close()
            raise

    def _ensure_schema(self) -> None:
        try:
            with self._session() as session:
                for statement in schema_statements(self.model):
                    session.run(statement).consume()
                session.run("CALL db.awaitIndexes(120)").consume()
        except Neo4jError as exc:
            raise StoreUnavailable(f"cannot set up the Neo4j schema at {self.url}: {exc}") from exc

    # -- mapping -------------------------------------------------------------------------------

    def _node(self, node_id: str, labels: Sequence[str], props: dict[str, Any]) -> Node:
        kind = next(label for label in labels if label in self.model.kinds)
        keys = self.model.kinds[kind].properties
        return Node(
            id=node_id,
            kind=kind,
            name=props["name"],
            aliases=list(props.get("aliases") or []),
            properties={key: props[key] for key in keys if key in props},
            sources=list(props.get("sources") or []),
            first_seen=props.get("first_seen"),
            last_seen=props.get("last_seen"),
        )

    def _edge(self, row: Sequence[Any]) -> Edge:
        source, rel_type, target, props = row
        return Edge(
            type=rel_type,
            source=source,
            target=target,
            status=props.get("status") or "reported",
            properties={key: props[key] for key in self._edge_props if key in props},
            sources=list(props.get("sources") or []),
            first_seen=props.get("first_seen"),
            last_seen=props.get("last_seen"),
        )

    # -- writing -------------------------------------------------------------------------------

    def append(self, statements: StatementBatch) -> WriteResult:
        """One transaction: an exception (a tie to a node no statement names) rolls all of it
        back."""
        if not len(statements):
            return WriteResult()
        with self._session() as session:
            result = session.execute_write(self._append, statements)
        # Each driver Result is in a reference cycle with its connection wrapper and keeps its
        # query's parameters (here a whole batch) for its summary, so only the cyclic collector
        # frees it, which a load runs rarely (loaders.pipeline). Collect the young generations
        # while the batch is garbage: without this a 1M-row load's client peaked at 992 MB.
        gc.collect(1)
        return result

    def _append(self, tx: ManagedTransaction, statements: StatementBatch) -> WriteResult:
        # First: the generation's write lock serializes writers, as BEGIN IMMEDIATE does the
        # embedded store's. The view is derived from the statements a transaction reads; two
        # writers deriving one node side by side would each miss the other's statements.
        tx.run(BUMP_GENERATION).consume()
        return neo4j_append.append_and_refresh(tx, self.model, statements)

    def _convert_merged_store(self) -> None:
        """A store of a release before statements: its view becomes statements, once."""
        if not self._read(neo4j_statements.NEEDS_CONVERSION):
            return
        nodes, edges = list(self.iter_nodes()), list(self.iter_edges())
        with self._session() as session:
            neo4j_statements.convert(session, self.model, nodes, edges)

    def clear(self) -> None:
        """Delete the view and the statements behind it."""
        with self._session() as session:
            delete_everything(session)
            # A fresh token once all is gone (readers during the clear saw the old one).
            session.run(BUMP_GENERATION).consume()

    # -- judgements ----------------------------------------------------------------------------

    def judge(self, judgement: Judgement) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(BUMP_GENERATION).consume()  # first: the writers' lock (see _upsert)
            neo4j_judgements.judge(tx, self.model, judgement)

        with self._session() as session:
            session.execute_write(work)

    def retract_judgement(self, judgement_id: str) -> Judgement | None:
        def work(tx: ManagedTransaction) -> Judgement | None:
            tx.run(BUMP_GENERATION).consume()
            return neo4j_judgements.retract(tx, self.model, judgement_id)

        with self._session() as session:
            return session.execute_write(work)

    def judgements(self) -> list[Judgement]:
        with self._session() as session:
            return session.execute_read(neo4j_judgements.list_judgements)

    def canonical_ids(self, ids: Sequence[str]) -> dict[str, str]:
        unique = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        for chunk in _chunks(unique):
            found.update((e, c) for e, c, _kind in self._read(
                neo4j_view.CANON_OF, ids=list(chunk)))
        # A readable base id ('company:x' for 'company:x~uei-...') that names no statement: the
        # entity of the first id of that base (as the embedded store answers).
        bases = [[i, kind] for i in unique if i not in found
                 and (kind := self.model.kind_for_id(i)) is not None]
        for chunk in _chunks(bases):
            found.update((v, c) for v, c in self._read(
                f"UNWIND $rows AS row MATCH (i:{IDENT} {{kind: row[1], prop: $prop, "
                f"value: row[0]}}) RETURN row[0], min({canonical_of('i.entity')})",
                rows=list(chunk), prop=BASE_PROP))
        return found

    def statements(self, ids: Sequence[str]) -> list[Statement]:
        """Every statement behind the canonical node ids or tie keys (from, type, to joined by
        statements.EDGE_KEY_SEPARATOR) among `ids`."""
        nodes, ties = neo4j_statements.split_ids(ids)
        rows = self._read(neo4j_statements.OF_NODES, ids=nodes)
        rows += self._read(neo4j_statements.OF_TIES, ties=ties, sep=EDGE_KEY_SEPARATOR)
        return sorted((neo4j_statements.statement(*row) for row in rows), key=statement_order)

    # -- reading -------------------------------------------------------------------------------

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        found: dict[str, Node] = {}
        unique = list(dict.fromkeys(ids))
        query = f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) RETURN {_NODE_ROW}"
        for chunk in _chunks(unique):
            for node_id, labels, props in self._read(query, ids=list(chunk)):
                found[node_id] = self._node(node_id, labels, props)
        return found

    def lookup(self, kind: str, prop: str, values: Sequence[str]) -> dict[str, list[str]]:
        spec = self.model.kinds.get(kind)
        if spec is None or prop not in spec.properties or not spec.properties[prop].indexed:
            return {}
        wanted = [v for v in dict.fromkeys(values) if v != ""]
        if not wanted:
            return {}
        key = identifier(prop)
        rows = self._read(
            f"MATCH (n:{self._kinds[kind]}) WHERE n.{key} IN $values "
            f"RETURN n.{key}, n.id ORDER BY n.{key}, n.id",
            values=wanted,
        )
        found: dict[str, list[str]] = {}
        for value, node_id in rows:
            found.setdefault(str(value), []).append(node_id)
        return found

    def search(self, text: str, kinds: Sequence[str] | None = None, limit: int = 20) -> list[Node]:
        needle = fold(text)
        if not needle or limit <= 0:
            return []
        rows = self._read(
            f"MATCH (n:{ENTITY}) WHERE n.{SEARCH} CONTAINS $needle "
            "AND ($kinds IS NULL OR any(label IN labels(n) WHERE label IN $kinds)) "
            f"WITH n, CASE WHEN $needle IN n.{TERMS} THEN 0 "
            f"WHEN any(term IN n.{TERMS} WHERE term STARTS WITH $needle) THEN 1 ELSE 2 END "
            "AS rank "
            f"RETURN {_NODE_ROW} ORDER BY rank, n.{SORT_NAME}, n.id "
            "LIMIT $limit",
            needle=needle,
            kinds=list(kinds) if kinds else None,
            limit=limit,
        )
        return [self._node(node_id, labels, props) for node_id, labels, props in rows]

    def edges(
        self,
        ids: Sequence[str],
        types: Sequence[str] | None = None,
        direction: Direction = "both",
    ) -> list[Edge]:
        unique = list(dict.fromkeys(ids))
        if types is not None:
            known = [self._types[t] for t in dict.fromkeys(types) if t in self._types]
            if not known:
                return []
            rel = f"[r:{'|'.join(known)}]"
        else:
            rel = "[r]"
        patterns = {
            "out": [f"(a)-{rel}->(b)"],
            "in": [f"(a)<-{rel}-(b)"],
            "both": [f"(a)-{rel}->(b)", f"(a)<-{rel}-(b)"],
        }[direction]
        found: dict[tuple[str, str, str], Edge] = {}
        for chunk in _chunks(unique):
            for pattern in patterns:
                query = (
                    f"UNWIND $ids AS id MATCH (a:{ENTITY} {{id: id}}) "
                    f"MATCH {pattern} RETURN {neo4j_cypher.EDGE_ROW}"
                )
                for (row,) in self._read(query, ids=list(chunk)):
                    edge = self._edge(row)
                    found[edge.key] = edge
        return [found[key] for key in sorted(found)]

    def stats(self) -> Stats:
        kinds, types = sorted(self._kinds), sorted(self._types)
        calls = [
            f"CALL {{ MATCH (n:{self._kinds[k]}) RETURN count(n) AS n{i} }}"
            for i, k in enumerate(kinds)
        ] + [
            f"CALL {{ MATCH ()-[r:{self._types[t]}]->() RETURN count(r) AS r{i} }}"
            for i, t in enumerate(types)
        ]
        names = [f"n{i}" for i in range(len(kinds))] + [f"r{i}" for i in range(len(types))]
        (counts,) = self._read("\n".join(calls) + f"\nRETURN [{', '.join(names)}]")[0]
        node_counts = dict(zip(kinds, counts[: len(kinds)], strict=True))
        edge_counts = dict(zip(types, counts[len(kinds) :], strict=True))
        return Stats(
            nodes={k: c for k, c in node_counts.items() if c},
            relationships={t: c for t, c in edge_counts.items() if c},
        )

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        if kind is not None and kind not in self._kinds:
            return
        label = ENTITY if kind is None else self._kinds[kind]
        query = (
            f"MATCH (n:{label}) WHERE n.id > $after RETURN {_NODE_ROW} ORDER BY n.id LIMIT $page"
        )
        after = ""
        while True:
            rows = self._read(query, after=after, page=_PAGE)
            for node_id, labels, props in rows:
                yield self._node(node_id, labels, props)
            if len(rows) < _PAGE:
                return
            after = rows[-1][0]

    def iter_edges(self) -> Iterator[Edge]:
        """Ties in (from, type, to) order, a page of source nodes at a time."""
        query = (
            f"MATCH (a:{ENTITY}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $page "
            f"OPTIONAL MATCH (a)-[r]->(b) RETURN a.id, "
            f"CASE WHEN r IS NULL THEN null ELSE {neo4j_cypher.EDGE_ROW} END"
        )
        after = ""
        while True:
            rows = self._read(query, after=after, page=_PAGE)
            if not rows:
                return
            ties = [self._edge(row) for _, row in rows if row is not None]
            yield from sorted(ties, key=lambda e: e.key)
            after = max(source for source, _ in rows)


__all__ = ["Neo4jStore"]
