"""Per-request DataLoaders: every node and tie a query touches is read in batched store calls.

Resolvers ask for one node or one node's ties; the loaders gather all such asks of one
execution step and answer them with one `get_nodes` call and one `edges` call per (types,
direction) pair, so a nested list costs a bounded number of store calls whatever its size.
Store calls run in worker threads: the stores are synchronous and must not block the loop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from graph_service.records import Edge, Node
from graph_service.stores.base import Direction, GraphStore

# (node id, relationship types or None for all, direction seen from the node)
EdgeKey = tuple[str, tuple[str, ...] | None, Direction]


def _touches(edge: Edge, node_id: str, direction: Direction) -> bool:
    if direction == "out":
        return edge.source == node_id
    if direction == "in":
        return edge.target == node_id
    return node_id in (edge.source, edge.target)


class Loaders:
    """The loaders of one request (their caches must not outlive it)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.nodes: DataLoader[str, Node | None] = DataLoader(load_fn=self._load_nodes)
        self.edges: DataLoader[EdgeKey, list[Edge]] = DataLoader(load_fn=self._load_edges)

    async def _load_nodes(self, ids: list[str]) -> Sequence[Node | None]:
        found = await asyncio.to_thread(self.store.get_nodes, ids)
        return [found.get(node_id) for node_id in ids]

    async def _load_edges(self, keys: list[EdgeKey]) -> Sequence[list[Edge]]:
        groups: dict[tuple[tuple[str, ...] | None, Direction], list[str]] = defaultdict(list)
        for node_id, types, direction in keys:
            groups[(types, direction)].append(node_id)
        answers: dict[EdgeKey, list[Edge]] = {}
        for (types, direction), ids in groups.items():
            ties = await asyncio.to_thread(self.store.edges, ids, types, direction)
            by_node: dict[str, list[Edge]] = defaultdict(list)
            for tie in ties:
                for end in {tie.source, tie.target}:
                    if _touches(tie, end, direction):
                        by_node[end].append(tie)
            for node_id in ids:
                answers[(node_id, types, direction)] = by_node.get(node_id, [])
        return [answers[key] for key in keys]

    def prime(self, nodes: Sequence[Node]) -> None:
        """Nodes a list query already read need not be read again."""
        for node in nodes:
            self.nodes.prime(node.id, node)
