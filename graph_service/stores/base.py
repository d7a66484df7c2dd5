"""The one interface both stores implement, and the answer types they return."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from graph_service.domain_model import DomainModel
from graph_service.judgements import Judgement
from graph_service.records import Batch, Edge, Node, prepare_batch
from graph_service.statements import Statement, StatementBatch, statements_of
from graph_service.stores.query_types import GroupKey, ListFilter, ListOrder, ListPage, SpendingRow

Direction = Literal["out", "in", "both"]


class StoreUnavailable(RuntimeError):
    """The store cannot be reached (server down, file locked); safe to show to users."""


@dataclass(slots=True)
class Path:
    """An evidence path: nodes[i] and nodes[i+1] are joined by edges[i] (in either direction)."""

    nodes: list[str]
    edges: list[Edge]

    @property
    def key(self) -> tuple[str, ...]:
        """Order paths by their node ids, then edge types: identical on every store."""
        return tuple(self.nodes) + tuple(e.type for e in self.edges)


@dataclass(slots=True)
class ReachAnswer:
    """One subject that reaches the target, with its evidence."""

    subject: str
    paths: list[Path]
    contracts: list[str] = field(default_factory=list)
    total_obligated: float | None = None
    sources: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    # Companies folded into this row with their family's contracts (api/families.py).
    members: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stats:
    nodes: dict[str, int]
    relationships: dict[str, int]

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
        }


@dataclass(slots=True)
class WriteResult:
    nodes_created: int = 0
    nodes_updated: int = 0
    edges_created: int = 0
    edges_updated: int = 0

    def add(self, other: WriteResult) -> None:
        """Count `other`'s writes in this one's."""
        self.nodes_created += other.nodes_created
        self.nodes_updated += other.nodes_updated
        self.edges_created += other.edges_created
        self.edges_updated += other.edges_updated


class GraphStore(abc.ABC):
    """A graph of schema-valid nodes and ties. Implementations: embedded (SQLite) and Neo4j."""

    model: DomainModel

    # -- writing -------------------------------------------------------------------------------

    def upsert(self, batch: Batch) -> WriteResult:
        """Append a batch of claims (Node/Edge objects, checked against the schema unless the
        batch says it was) as statements: `append`."""
        batch, _ = prepare_batch(self.model, batch)
        return self.append(statements_of(self.model, batch.nodes, batch.edges))

    @abc.abstractmethod
    def append(self, statements: StatementBatch) -> WriteResult:
        """Append statements in one transaction, all of them or none, and recompute the view
        where they land (nothing is merged: the view is derived by the schema's policy). A
        tie whose ends no statement names, in the batch or the store, is refused (ValueError)
        and nothing is written."""

    @contextmanager
    def bulk(self, flush_every: int | None = None) -> Iterator[WriteResult]:
        """A bulk load: appends of this thread inside the block may defer the view's refresh
        to every `flush_every` statements and the block's end (readers never see a half-derived
        view). What an append returns plus what the yielded WriteResult holds at the end is
        what the load wrote. This default defers nothing (each append is written as usual)."""
        yield WriteResult()

    # -- identity judgements (graph_service/judgements.py) -------------------------------------

    @abc.abstractmethod
    def judge(self, judgement: Judgement) -> None:
        """Record an analyst's judgement (who, why, when) and add its identity rows
        (judgements.judgement_rows), then re-resolve the ids it names, in one transaction.
        A new verdict on the same pair replaces the old one."""

    @abc.abstractmethod
    def retract_judgement(self, judgement_id: str) -> Judgement | None:
        """Delete a judgement and exactly its identity rows, then re-resolve the ids it named:
        the view is what it was before the judgement. None when there is no such judgement."""

    @abc.abstractmethod
    def judgements(self) -> list[Judgement]:
        """Every recorded judgement, ordered by id."""

    # -- reading -------------------------------------------------------------------------------

    @abc.abstractmethod
    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        """The nodes among `ids` that exist, by id (one round trip, for data loaders)."""

    def get_node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id]).get(node_id)

    @abc.abstractmethod
    def canonical_ids(self, ids: Sequence[str]) -> dict[str, str]:
        """The view's id of each id a statement used (a source's own id for an entity that the
        resolver joined to another): old citations keep working. Unknown ids are left out."""

    @abc.abstractmethod
    def statements(self, ids: Sequence[str]) -> list[Statement]:
        """Every statement behind the view's nodes `ids` (canonical ids) or ties (keys from
        statements.edge_entity of canonical ends), ordered by rank (best first), then source,
        record: the provenance of each of their values."""

    @abc.abstractmethod
    def lookup(self, kind: str, prop: str, values: Sequence[str]) -> dict[str, list[str]]:
        """Ids of `kind` nodes whose indexed property `prop` equals one of `values`, by value
        (entity resolution on UEI, DUNS, agency codes, PIIDs)."""

    @abc.abstractmethod
    def search(self, text: str, kinds: Sequence[str] | None = None, limit: int = 20) -> list[Node]:
        """Nodes whose name or an alias contains `text`, ignoring case and accents.
        Exact matches first, then prefix matches, then the rest; ties broken by name, id."""

    @abc.abstractmethod
    def edges(
        self,
        ids: Sequence[str],
        types: Sequence[str] | None = None,
        direction: Direction = "both",
    ) -> list[Edge]:
        """Ties touching any of `ids` (one round trip), filtered by type and direction."""

    def neighbours(
        self,
        node_id: str,
        types: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[tuple[Edge, Node]]:
        """The ties of one node with the node at their other end, ordered by type then id."""
        ties = self.edges([node_id], types, direction)
        others = self.get_nodes([e.target if e.source == node_id else e.source for e in ties])
        pairs = [
            (e, others[e.target if e.source == node_id else e.source])
            for e in ties
            if (e.target if e.source == node_id else e.source) in others
        ]
        pairs.sort(key=lambda pair: (pair[0].type, pair[1].id, pair[0].source))
        return pairs[:limit] if limit is not None else pairs

    def subgraph(
        self, ids: Sequence[str], hops: int, limit: int = 5000
    ) -> tuple[list[Node], list[Edge]]:
        """The nodes within `hops` ties of `ids` (at most `limit` of them) and the ties among
        them. Layer by layer, nearer nodes first and ids in order within a layer, so every store
        cuts a large neighbourhood alike."""
        kept: list[str] = sorted(set(self.get_nodes(ids)))[:limit]
        seen = set(kept)
        frontier = list(kept)
        for _ in range(hops):
            if not frontier or len(kept) >= limit:
                break
            layer = sorted(
                {end for e in self.edges(frontier) for end in (e.source, e.target)} - seen
            )
            layer = layer[: limit - len(kept)]
            kept += layer
            seen.update(layer)
            frontier = layer
        nodes = self.get_nodes(kept)
        ties = [e for e in self.edges(kept, None, "out") if e.target in seen]
        return [nodes[i] for i in sorted(nodes)], ties

    @abc.abstractmethod
    def reach(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str | None = None,
        max_hops: int | None = None,
        paths_per_subject: int = 3,
    ) -> list[ReachAnswer]:
        """Every node of `from_kinds` joined to `to` by a chain the schema's reach rules allow,
        with its shortest evidence paths, the contracts on any reaching chain, their obligated
        total (each contract counted once) and the sources along the way. Sorted by subject id.
        `as_of` keeps only contracts and ties in force on that date."""

    def reach_dated(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str,
        include_undated: bool = False,
        max_hops: int | None = None,
        paths_per_subject: int = 3,
    ) -> tuple[list[ReachAnswer], int | None]:
        """`reach` on a date, and how many undated contracts (no period of performance, no
        action) it met and left out; with `include_undated` they count as in force. A store
        that cannot tell answers `reach` and None."""
        return self.reach(from_kinds, to, as_of, max_hops, paths_per_subject), None

    @abc.abstractmethod
    def shortest_paths(
        self, source: str, target: str, max_hops: int = 6, limit: int = 10
    ) -> list[Path]:
        """The shortest paths between two nodes over ties of any type in either direction,
        at most `limit`, ordered by Path.key."""

    @abc.abstractmethod
    def list_nodes(
        self, kind: str, flt: ListFilter, order: ListOrder, first: int, offset: int = 0
    ) -> ListPage:
        """One page of the `kind` nodes passing `flt` (meanings in query_types.ListFilter),
        ordered by `order` then id, with the total that match. QueryError for a filter or
        order that does not apply to the kind."""

    @abc.abstractmethod
    def spending(self, group_by: Sequence[GroupKey], flt: ListFilter) -> list[SpendingRow]:
        """Contract counts and obligated/potential sums of the contracts passing `flt`, grouped
        by awarding agency, recipient, recipient's top parent, technology and fiscal year
        (query_types.SpendingRow); largest first."""

    @abc.abstractmethod
    def stats(self) -> Stats:
        """Counts by node kind and relationship type."""

    @abc.abstractmethod
    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        """Every node (of one kind), ordered by id."""

    @abc.abstractmethod
    def iter_edges(self) -> Iterator[Edge]:
        """Every tie, ordered by (from, type, to)."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Delete everything (tests, and `survgraph reset`)."""

    def close(self) -> None:  # noqa: B027 - optional for stores holding nothing open
        """Release connections and file handles."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
