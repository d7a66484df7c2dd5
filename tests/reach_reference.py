"""The reach traversal as it was before the two-ended search (commit 5435758), kept verbatim
as the reference the new search must match answer for answer (tests/test_reach_direction.py).
"""
# ruff: noqa

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from graph_service.domain_model import DomainModel, ReachRule
from graph_service.records import Edge, Node
from graph_service.stores.base import Direction, Path, ReachAnswer

# How many candidate paths to enumerate per subject before sorting; beyond it the set is cut.
_PATH_ENUMERATION_CAP = 2000


class Expander(Protocol):
    def edges(
        self, ids: Sequence[str], types: Sequence[str] | None = None, direction: Direction = "both"
    ) -> list[Edge]: ...

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]: ...


@dataclass(frozen=True, slots=True)
class AtomicStep:
    types: tuple[str, ...]
    direction: str  # "out" or "in", seen from the subject side
    optional: bool


def compile_rule(rule: ReachRule) -> list[AtomicStep]:
    """Unroll `min..max` repetitions: min mandatory copies, then max-min optional ones."""
    steps: list[AtomicStep] = []
    for step in rule.steps:
        steps += [AtomicStep(step.types, step.direction, False)] * step.min
        steps += [AtomicStep(step.types, step.direction, True)] * (step.max - step.min)
    return steps


def edge_in_force(edge: Edge, as_of: str | None) -> bool:
    """On a date, a use, supply or ownership tie without dates says nothing about that day."""
    if as_of is None:
        return True
    start, end = edge.properties.get("valid_from"), edge.properties.get("valid_to")
    if start is None and end is None and edge.type in ("USED_BY", "SUPPLIES", "SUBSIDIARY_OF"):
        return False
    return (start is None or str(start) <= as_of) and (end is None or str(end) >= as_of)


def node_in_force(node: Node | None, as_of: str | None) -> bool:
    """Contracts count on a date when their period of performance (widened by their actions'
    dates) covers it; an undated contract counts on no date."""
    if as_of is None or node is None or node.kind != "Contract":
        return True
    props = node.properties
    starts = [str(v) for v in (props.get("start_date"), props.get("first_action_date")) if v]
    ends = [str(v) for v in (props.get("end_date"), props.get("last_action_date")) if v]
    if not starts and not ends:
        return False
    return (not starts or min(starts) <= as_of) and (not ends or max(ends) >= as_of)


State = tuple[str, int]  # (node id, position in the unrolled rule)
Move = tuple[Edge | None, State]  # None: skip an optional step without moving


def _other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


class _RuleSearch:
    """Backward breadth-first search from the target over one unrolled rule."""

    def __init__(
        self,
        store: Expander,
        model: DomainModel,
        rule: ReachRule,
        target: str,
        as_of: str | None,
        max_hops: int,
    ) -> None:
        self.store, self.model, self.rule = store, model, rule
        self.steps = compile_rule(rule)
        self.as_of, self.max_hops = as_of, max_hops
        self.dist: dict[State, int] = {}
        self.moves: dict[State, list[Move]] = defaultdict(list)
        self.nodes: dict[str, Node] = {}
        self._search(target)

    def _settle(self, state: State, distance: int, frontier: list[State]) -> None:
        """Record a state, then the states that reach it by skipping optional steps."""
        if state in self.dist:
            return
        while True:
            self.dist[state] = distance
            frontier.append(state)
            node_id, pos = state
            if pos == 0 or not self.steps[pos - 1].optional:
                return
            previous = (node_id, pos - 1)
            self.moves[previous].append((None, state))
            if previous in self.dist:
                return
            state = previous

    def _search(self, target: str) -> None:
        frontier: list[State] = []
        self._settle((target, len(self.steps)), 0, frontier)
        distance = 0
        while frontier and distance < self.max_hops:
            by_pos: dict[int, list[str]] = defaultdict(list)
            for node_id, pos in frontier:
                if pos > 0:
                    by_pos[pos].append(node_id)
            found: list[tuple[Edge, State, State]] = []
            for pos, ids in sorted(by_pos.items()):
                step = self.steps[pos - 1]
                # Walking backwards: a subject-side "out" step arrives through an incoming tie.
                lookup: Direction = "in" if step.direction == "out" else "out"
                members = set(ids)
                for edge in self.store.edges(ids, step.types, lookup):
                    here = edge.target if lookup == "in" else edge.source
                    if here not in members or not edge_in_force(edge, self.as_of):
                        continue
                    there = _other_end(edge, here)
                    found.append((edge, (there, pos - 1), (here, pos)))
            self._load_nodes({there for _, (there, _pos), _ in found})
            next_frontier: list[State] = []
            for edge, before, after in found:
                if not node_in_force(self.nodes.get(before[0]), self.as_of):
                    continue
                self.moves[before].append((edge, after))
                self._settle(before, distance + 1, next_frontier)
            frontier = next_frontier
            distance += 1

    def _load_nodes(self, ids: set[str]) -> None:
        """Fetch contracts when dates matter (as_of); other kinds are read from their ids."""
        if self.as_of is None:
            return
        wanted = [i for i in ids if i not in self.nodes and i.startswith("contract:")]
        if wanted:
            self.nodes.update(self.store.get_nodes(wanted))

    def subjects(self) -> list[str]:
        return sorted(
            node_id
            for (node_id, pos) in self.dist
            if pos == 0 and self.model.kind_for_id(node_id) == self.rule.from_kind
        )

    def shortest_paths(self, subject: str, limit: int) -> list[Path]:
        found: list[Path] = []
        start: State = (subject, 0)

        def walk(state: State, nodes: list[str], edges: list[Edge]) -> None:
            if len(found) >= _PATH_ENUMERATION_CAP:
                return
            if self.dist[state] == 0 and state[1] == len(self.steps):
                found.append(Path(list(nodes), list(edges)))
                return
            for edge, after in self.moves.get(state, []):
                if edge is None:
                    if self.dist[after] == self.dist[state]:
                        walk(after, nodes, edges)
                elif self.dist[after] == self.dist[state] - 1:
                    walk(after, [*nodes, after[0]], [*edges, edge])

        walk(start, [subject], [])
        unique = {path.key: path for path in found}
        return [unique[key] for key in sorted(unique)][:limit]

    def chain_edges(self, subject: str) -> list[Edge]:
        """Every tie on any chain from the subject to the target within max_hops."""
        best: dict[State, int] = {(subject, 0): 0}
        queue: list[State] = [(subject, 0)]
        edges: dict[tuple[str, str, str], Edge] = {}
        while queue:
            state = queue.pop()
            walked = best[state]
            for edge, after in self.moves.get(state, []):
                cost = walked + (0 if edge is None else 1)
                if cost + self.dist[after] > self.max_hops:
                    continue
                if edge is not None:
                    edges[edge.key] = edge
                if cost < best.get(after, self.max_hops + 1):
                    best[after] = cost
                    queue.append(after)
        return list(edges.values())


def reach(
    store: Expander,
    model: DomainModel,
    from_kinds: Sequence[str],
    to: str,
    as_of: str | None = None,
    max_hops: int | None = None,
    paths_per_subject: int = 3,
) -> list[ReachAnswer]:
    """Answer a reach question by searching backwards from the target, rule by rule."""
    target_kind = model.kind_for_id(to)
    if target_kind is None:
        return []
    answers: dict[str, ReachAnswer] = {}
    chains: dict[str, dict[tuple[str, str, str], Edge]] = defaultdict(dict)
    for rule in model.rules_between(set(from_kinds), target_kind):
        hops = rule.max_length if max_hops is None else min(max_hops, rule.max_length)
        search = _RuleSearch(store, model, rule, to, as_of, hops)
        for subject in search.subjects():
            if subject == to:
                continue
            answer = answers.setdefault(subject, ReachAnswer(subject=subject, paths=[]))
            answer.rules.append(rule.name)
            answer.paths += search.shortest_paths(subject, paths_per_subject)
            for edge in search.chain_edges(subject):
                chains[subject][edge.key] = edge
    contract_ids = {
        end for edges in chains.values() for e in edges.values() for end in (e.source, e.target)
        if end.startswith("contract:")
    }
    contracts = store.get_nodes(sorted(contract_ids)) if contract_ids else {}
    for subject, answer in answers.items():
        _finish(answer, list(chains[subject].values()), contracts, paths_per_subject)
    return [answers[s] for s in sorted(answers)]


def _finish(
    answer: ReachAnswer, chain: list[Edge], contracts: dict[str, Node], paths_per_subject: int
) -> None:
    """Keep the shortest paths overall; add contracts, money (each once) and sources."""
    shortest = min((len(p.edges) for p in answer.paths), default=0)
    unique = {p.key: p for p in answer.paths if len(p.edges) == shortest}
    answer.paths = [unique[k] for k in sorted(unique)][:paths_per_subject]
    ids = sorted({end for e in chain for end in (e.source, e.target) if end in contracts})
    answer.contracts = ids
    amounts = [contracts[i].properties.get("obligated") for i in ids]
    known = [float(a) for a in amounts if isinstance(a, int | float)]
    answer.total_obligated = round(sum(known), 2) if known else None
    sources = {s for e in chain for s in e.sources}
    for contract_id in ids:
        sources.update(contracts[contract_id].sources)
    answer.sources = sorted(sources)
    answer.rules = sorted(set(answer.rules))


def shortest_paths(
    store: Expander, source: str, target: str, max_hops: int = 6, limit: int = 10
) -> list[Path]:
    """Bidirectional breadth-first search over ties of any type, in either direction."""
    if source == target:
        return [Path([source], [])]
    parents: tuple[dict[str, list[tuple[Edge, str]]], dict[str, list[tuple[Edge, str]]]] = (
        {source: []},
        {target: []},
    )
    frontiers: tuple[set[str], set[str]] = ({source}, {target})
    depth = [0, 0]
    meeting: set[str] = set()
    while not meeting and depth[0] + depth[1] < max_hops and all(frontiers):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        seen, frontier = parents[side], frontiers[side]
        layer: dict[str, list[tuple[Edge, str]]] = defaultdict(list)
        for edge in store.edges(sorted(frontier), None, "both"):
            for here in (edge.source, edge.target):
                if here in frontier:
                    there = _other_end(edge, here)
                    if there not in seen:
                        layer[there].append((edge, here))
        seen.update(layer)
        frontiers = (set(layer), frontiers[1]) if side == 0 else (frontiers[0], set(layer))
        depth[side] += 1
        meeting = set(parents[0]) & set(parents[1])
    if not meeting:
        return []

    def half(side: int, node: str) -> list[tuple[list[str], list[Edge]]]:
        """Paths from the node back to this side's start (node first)."""
        if not parents[side][node]:
            return [([node], [])]
        out: list[tuple[list[str], list[Edge]]] = []
        for edge, previous in parents[side][node]:
            for nodes, edges in half(side, previous):
                out.append(([node, *nodes], [edge, *edges]))
                if len(out) >= _PATH_ENUMERATION_CAP:
                    return out
        return out

    paths: dict[tuple[str, ...], Path] = {}
    for middle in sorted(meeting):
        for left_nodes, left_edges in half(0, middle):
            for right_nodes, right_edges in half(1, middle):
                nodes = list(reversed(left_nodes)) + right_nodes[1:]
                path = Path(nodes, list(reversed(left_edges)) + right_edges)
                paths[path.key] = path
    shortest = min(len(p.edges) for p in paths.values())
    return [paths[k] for k in sorted(paths) if len(paths[k].edges) == shortest][:limit]
