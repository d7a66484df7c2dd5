"""Paths beyond the shortest (issue 14.3): the first k simple paths between two nodes, by
length, then Path.key, over ties of any (or the given) types in either direction.

The search reads the graph in batched layers from both ends (one `edges` read per layer, the
smaller frontier first). Once the two depths add up to D, every tie on every path of length
<= D has been read (a path's nodes are within the depth of one end or the other), so the
paths of length <= D found in memory are all of them: the search stops at the first D where
k of them exist, or at max_hops. Both the ties read and the enumeration steps are bounded;
past a bound the question is refused (PathSearchTooLarge), never answered in part.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator, Sequence

from graph_service.records import Edge
from graph_service.stores.base import Path
from graph_service.stores.rule_search import Expander

MAX_HOPS = 6
MAX_PATHS = 50
MAX_TIES_READ = 200_000  # ties read from the store before the question is refused
MAX_STEPS = 500_000  # partial paths tried in memory before the question is refused


class PathSearchTooLarge(ValueError):
    """The search hit its work bound; the message says what to narrow."""


# node -> neighbour -> tie type -> the tie (the smallest key among parallel ties of a type)
_Adjacency = dict[str, dict[str, dict[str, Edge]]]


class _Graph:
    """The ties read so far around both ends, with the distance of each node to the target."""

    def __init__(self, store: Expander, types: Sequence[str] | None) -> None:
        self.store, self.types = store, list(types) if types else None
        self.adjacent: _Adjacency = defaultdict(lambda: defaultdict(dict))
        self.read = 0

    def expand(self, frontier: set[str], seen: set[str]) -> set[str]:
        ties = self.store.edges(sorted(frontier), self.types, "both")
        self.read += len(ties)
        if self.read > MAX_TIES_READ:
            raise PathSearchTooLarge(
                f"the path search read more than {MAX_TIES_READ:,} ties; lower maxHops or "
                "name the tie types to follow (through)")
        layer: set[str] = set()
        for tie in ties:
            if tie.source == tie.target:
                continue
            for here, there in ((tie.source, tie.target), (tie.target, tie.source)):
                known = self.adjacent[here][there].get(tie.type)
                if known is None or tie.key < known.key:
                    self.adjacent[here][there][tie.type] = tie
                if here in frontier and there not in seen:
                    layer.add(there)
        seen |= layer
        return layer

    def distances(self, target: str) -> dict[str, int]:
        dist = {target: 0}
        queue = deque([target])
        while queue:
            node = queue.popleft()
            for other in self.adjacent.get(node, {}):
                if other not in dist:
                    dist[other] = dist[node] + 1
                    queue.append(other)
        return dist


def _node_sequences(graph: _Graph, source: str, target: str, length: int,
                    dist: dict[str, int], budget: list[int]) -> Iterator[list[str]]:
    """Simple node sequences of exactly `length` ties, in order of their node ids (depth
    first, neighbours by id; a branch goes on only if the target is near enough)."""
    path = [source]
    on_path = {source}

    def walk(node: str) -> Iterator[list[str]]:
        left = length - (len(path) - 1)
        if left == 0:
            if node == target:
                yield list(path)
            return
        for other in sorted(graph.adjacent.get(node, {})):
            if other in on_path or dist.get(other, length + 1) > left - 1:
                continue
            if other == target and left > 1:
                continue
            budget[0] -= 1
            if budget[0] < 0:
                raise PathSearchTooLarge(
                    f"the path search tried more than {MAX_STEPS:,} partial paths; ask for "
                    "fewer paths, lower maxHops or name the tie types to follow (through)")
            path.append(other)
            on_path.add(other)
            yield from walk(other)
            path.pop()
            on_path.discard(other)

    yield from walk(source)


def _with_ties(graph: _Graph, nodes: list[str]) -> list[Path]:
    """Every choice of tie type along a node sequence, by types (parallel ties of one type
    between two nodes are one step: Path.key cannot tell them apart)."""
    paths: list[tuple[list[Edge], tuple[str, ...]]] = [([], ())]
    for here, there in zip(nodes, nodes[1:], strict=False):
        choices = graph.adjacent[here][there]
        paths = [(ties + [choices[t]], types + (t,)) for ties, types in paths
                 for t in sorted(choices)]
    return [Path(list(nodes), ties) for ties, _ in sorted(paths, key=lambda p: p[1])]


def _first_paths(graph: _Graph, source: str, target: str, up_to: int, k: int,
                 budget: list[int]) -> list[Path]:
    """The first k simple paths of at most `up_to` ties in the ties read, by (length, key)."""
    dist = graph.distances(target)
    found: list[Path] = []
    shortest = dist.get(source)
    if shortest is None:
        return found
    for length in range(max(shortest, 1), up_to + 1):
        for nodes in _node_sequences(graph, source, target, length, dist, budget):
            found += _with_ties(graph, nodes)
            if len(found) >= k:
                return found[:k]
    return found


def simple_paths(store: Expander, source: str, target: str, k: int = 10,
                 max_hops: int = MAX_HOPS, types: Sequence[str] | None = None) -> list[Path]:
    """The first `k` simple paths from source to target of at most `max_hops` ties, ordered
    by length then Path.key; `types` keeps only ties of those types. The shortest come first,
    as `GraphStore.shortest_paths` orders them."""
    if not 0 < max_hops <= MAX_HOPS:
        raise ValueError(f"maxHops must be between 1 and {MAX_HOPS}")
    if not 0 < k <= MAX_PATHS:
        raise ValueError(f"first must be between 1 and {MAX_PATHS}")
    if source == target:
        return [Path([source], [])]
    graph = _Graph(store, types)
    seen: tuple[set[str], set[str]] = ({source}, {target})
    frontiers: list[set[str]] = [{source}, {target}]
    budget = [MAX_STEPS]
    depth = 0
    while True:
        found = _first_paths(graph, source, target, depth, k, budget) if depth else []
        if len(found) >= k or depth == max_hops:
            return found
        if not frontiers[0] or not frontiers[1]:
            # One end's whole component is read: every path is in memory already.
            return _first_paths(graph, source, target, max_hops, k, budget)
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        frontiers[side] = graph.expand(frontiers[side], seen[side])
        depth += 1
