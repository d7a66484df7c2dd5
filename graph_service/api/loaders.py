"""Per-request DataLoaders: every node and tie a query touches is read in batched store calls.

Resolvers ask for one node or one node's ties; the loaders gather all such asks of one
execution step and answer them with one `get_nodes` call and one `edges` call per (types,
direction) pair, so a nested list costs a bounded number of store calls whatever its size.
Store calls run in worker threads: the stores are synchronous and must not block the loop.

Everything read is also kept in plain dictionaries (`known_nodes`, `known_ties`): a resolver
whose data are already there answers at once, without a future or a coroutine, which is most
of the cost of a large nested answer. `prefetch.py` fills them ahead of the resolvers.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from graph_service.records import Edge, Node
from graph_service.stores.base import Direction, GraphStore

# (node id, relationship types or None for all, direction seen from the node)
EdgeKey = tuple[str, tuple[str, ...] | None, Direction]


@dataclass(frozen=True)
class Hop:
    """A typed neighbour field: the ties it follows and what it keeps of them."""

    types: tuple[str, ...]
    direction: Direction
    kinds: tuple[str, ...] | None = None
    to_one: bool = False
    # (list tie property, value): keep only ties whose list holds the value. The ties are
    # read whole (the key ignores it) and chosen here, so filtered and plain asks share reads.
    where: tuple[str, str] | None = None

    def key(self, node_id: str) -> EdgeKey:
        return (node_id, self.types, self.direction)


def _ends(edge: Edge, direction: Direction) -> tuple[str, ...]:
    """The nodes from which the tie is seen in `direction` (both ends for "both")."""
    if direction == "out":
        return (edge.source,)
    if direction == "in":
        return (edge.target,)
    return (edge.source,) if edge.source == edge.target else (edge.source, edge.target)


def other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def chosen_pairs(
    ties: Sequence[Edge], node_id: str, kinds: Sequence[str] | None, first: int,
    kind_of: Callable[[str], str | None],
) -> list[tuple[Edge, str]]:
    """The ties a neighbour list shows, with their other end: ordered by (other id, type,
    source), only nodes of `kinds`, at most `first` (`kind_of` maps an id to its kind)."""
    pairs = [(tie, other_end(tie, node_id)) for tie in ties]
    if kinds is not None:
        pairs = [pair for pair in pairs if kind_of(pair[1]) in kinds]
    pairs.sort(key=lambda pair: (pair[1], pair[0].type, pair[0].source))
    return pairs[:first]


def chosen_ids(ties: Sequence[Edge], node_id: str, hop: Hop, first: int,
               kind_of: Callable[[str], str | None]) -> list[str]:
    """Ids a typed neighbour field shows: the smallest for a to-one field."""
    if hop.where is not None:
        prop, value = hop.where
        ties = [tie for tie in ties
                if isinstance(listed := tie.properties.get(prop), list) and value in listed]
    if hop.to_one:
        return [min(other_end(tie, node_id) for tie in ties)] if ties else []
    pairs = chosen_pairs(ties, node_id, hop.kinds, first, kind_of)
    return list(dict.fromkeys(other for _, other in pairs))


class Loaders:
    """The loaders of one request (their caches must not outlive it)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.known_nodes: dict[str, Node | None] = {}
        self.known_ties: dict[EdgeKey, list[Edge]] = {}
        self.nodes: DataLoader[str, Node | None] = DataLoader(load_fn=self._load_nodes)
        self.edges: DataLoader[EdgeKey, list[Edge]] = DataLoader(load_fn=self._load_edges)

    async def _load_nodes(self, ids: list[str]) -> Sequence[Node | None]:
        await self.fetch_nodes(ids)
        return [self.known_nodes[node_id] for node_id in ids]

    async def _load_edges(self, keys: list[EdgeKey]) -> Sequence[list[Edge]]:
        await self.fetch_ties(keys)
        return [self.known_ties[key] for key in keys]

    async def fetch_nodes(self, ids: Iterable[str]) -> None:
        """Read the nodes not known yet, in one store call (missing ones are known as None)."""
        missing = [i for i in dict.fromkeys(ids) if i not in self.known_nodes]
        if not missing:
            return
        found = await asyncio.to_thread(self.store.get_nodes, missing)
        for node_id in missing:
            self.known_nodes[node_id] = found.get(node_id)

    async def fetch_ties(self, keys: Iterable[EdgeKey]) -> None:
        """Read the ties not known yet: one store call per (types, direction)."""
        groups: dict[tuple[tuple[str, ...] | None, Direction], list[str]] = defaultdict(list)
        for key in dict.fromkeys(keys):
            if key not in self.known_ties:
                node_id, types, direction = key
                groups[(types, direction)].append(node_id)
        for (types, direction), ids in groups.items():
            ties = await asyncio.to_thread(self.store.edges, ids, types, direction)
            by_node: dict[str, list[Edge]] = defaultdict(list)
            for tie in ties:
                for end in _ends(tie, direction):
                    by_node[end].append(tie)
            for node_id in ids:
                self.known_ties[(node_id, types, direction)] = by_node.get(node_id, [])

    def prime(self, nodes: Sequence[Node]) -> None:
        """Nodes a list query already read need not be read again."""
        for node in nodes:
            self.known_nodes[node.id] = node
