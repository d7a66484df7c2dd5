"""What an export holds: the whole graph, or the answer a researcher is looking at (the
neighbourhood of a node, a reach answer, the paths between two nodes), with the Source nodes
that answer cites. Read through the public GraphStore interface only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from graph_service.records import Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.paths import simple_paths


class ScopeError(LookupError):
    """The scope cannot be read (unknown id or kind); the message names it."""


@dataclass
class Scope:
    """Nodes (Source nodes excluded unless a tie touches them), ties among them, and the Source
    nodes cited by any of them. `whole` marks the full graph (JSON lines then stay canonical)."""

    title: str
    nodes: list[Node]
    edges: list[Edge]
    sources: dict[str, Node] = field(default_factory=dict)
    whole: bool = False


def _require(store: GraphStore, ids: Sequence[str]) -> dict[str, Node]:
    found = store.get_nodes(list(ids))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ScopeError(f"no node with id {', '.join(repr(m) for m in missing)}")
    return found


def _dedupe(edges: Iterable[Edge]) -> list[Edge]:
    unique: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        unique.setdefault(edge.key, edge)
    return [unique[k] for k in sorted(unique)]


def _cited(store: GraphStore, nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[str, Node]:
    ids: set[str] = set()
    for node in nodes:
        ids.update(node.sources)
    for edge in edges:
        ids.update(edge.sources)
    return store.get_nodes(sorted(ids)) if ids else {}


def _scope(store: GraphStore, title: str, ids: Iterable[str], edges: list[Edge]) -> Scope:
    found = store.get_nodes(sorted(set(ids)))
    nodes = [found[i] for i in sorted(found)]
    kept = [e for e in _dedupe(edges) if e.source in found and e.target in found]
    return Scope(title, nodes, kept, _cited(store, nodes, kept))


def whole_scope(store: GraphStore) -> Scope:
    """Every node and tie. Source nodes no tie touches are evidence, cited from the others."""
    edges = list(store.iter_edges())
    tied = {end for e in edges for end in (e.source, e.target)}
    nodes: list[Node] = []
    sources: dict[str, Node] = {}
    for node in store.iter_nodes():
        if node.kind == "Source" and node.id not in tied:
            sources[node.id] = node
        else:
            nodes.append(node)
    return Scope("the whole graph", nodes, edges, sources, whole=True)


def around_scope(store: GraphStore, node_id: str, hops: int = 1, limit: int = 5000) -> Scope:
    """`store.subgraph`: the nodes within `hops` ties of `node_id` and the ties among them."""
    centre = _require(store, [node_id])[node_id]
    nodes, edges = store.subgraph([node_id], hops, limit)
    return _scope(store, f"within {hops} tie(s) of {centre.name} ({node_id})",
                  [n.id for n in nodes], list(edges))


def reach_scope(store: GraphStore, target: str, from_kinds: Sequence[str] | None = None,
                as_of: str | None = None, max_hops: int | None = None) -> Scope:
    """`store.reach`: the subjects, the nodes and ties of their evidence paths, the target."""
    goal = _require(store, [target])[target]
    model = store.model
    if from_kinds:
        unknown = [k for k in from_kinds if k not in model.kinds]
        if unknown:
            raise ScopeError(f"unknown kind {', '.join(unknown)}; kinds: {', '.join(model.kinds)}")
        kinds = list(from_kinds)
    else:
        kinds = sorted({r.from_kind for r in model.reach if r.to_kind == goal.kind})
    answers = store.reach(kinds, target, as_of=as_of, max_hops=max_hops)
    ids = [target]
    edges: list[Edge] = []
    for answer in answers:
        ids.append(answer.subject)
        for path in answer.paths:
            ids += path.nodes
            edges += path.edges
    title = f"{len(answers)} {'/'.join(kinds)} reaching {goal.name} ({target})"
    return _scope(store, title + (f" as of {as_of}" if as_of else ""), ids, edges)


def path_scope(store: GraphStore, source: str, target: str, max_hops: int = 6,
               limit: int = 10, k: int | None = None) -> Scope:
    """`store.shortest_paths`: the shortest paths between two nodes, over any ties; with `k`,
    the first k simple paths by length (stores/paths.py), refused past its work bound."""
    ends = _require(store, [source, target])
    if k is None:
        paths = store.shortest_paths(source, target, max_hops=max_hops, limit=limit)
        what = "shortest path(s)"
    else:
        try:
            paths = simple_paths(store, source, target, k, max_hops)
        except ValueError as exc:  # bad bounds, or PathSearchTooLarge
            raise ScopeError(str(exc)) from exc
        what = "path(s) by length"
    ids = [source, target] + [n for p in paths for n in p.nodes]
    edges = [e for p in paths for e in p.edges]
    title = f"{len(paths)} {what} from {ends[source].name} to {ends[target].name}"
    return _scope(store, title, ids, edges)
