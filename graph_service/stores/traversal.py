"""Store-neutral traversals: schema reach rules and shortest paths, over batched expansions.

A store gives two batched reads (`edges` of many ids, `get_nodes` of many ids); these functions
walk breadth-first, one store call per step per layer, so cost follows the size of the answer
and not the number of round trips. Paths are ordered by `Path.key` so every store answers alike.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from graph_service.domain_model import DomainModel
from graph_service.records import Edge, Node
from graph_service.stores.base import Path, ReachAnswer
from graph_service.stores.rule_search import Expander, RuleSearch, Strategy, other_end

# How many candidate paths to enumerate per subject before sorting; beyond it the set is cut.
_PATH_ENUMERATION_CAP = 2000

_gc_lock = threading.Lock()
_gc_state = {"pausers": 0, "was_on": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a search builds its many small tuples:
    each collection would walk all of them again (about a third of the time at 1M
    contracts). Reference counting still frees everything; the collector is back on when
    the last overlapping search ends, if it was on before the first."""
    with _gc_lock:
        if _gc_state["pausers"] == 0:
            _gc_state["was_on"] = gc.isenabled()
            gc.disable()
        _gc_state["pausers"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["pausers"] -= 1
            if _gc_state["pausers"] == 0 and _gc_state["was_on"]:
                gc.enable()


def reach(
    store: Expander,
    model: DomainModel,
    from_kinds: Sequence[str],
    to: str,
    as_of: str | None = None,
    max_hops: int | None = None,
    paths_per_subject: int = 3,
    strategy: Strategy = "auto",
    include_undated: bool = False,
    undated: set[str] | None = None,
) -> list[ReachAnswer]:
    """Answer a reach question rule by rule, each rule's state graph searched from whichever
    end is cheaper layer by layer (`strategy` forces one end: the answers are the same). With
    `as_of`, undated contracts are left out unless `include_undated`; `undated` collects the
    ids of those the search met."""
    with gc_paused():
        return _reach(store, model, from_kinds, to, as_of, max_hops, paths_per_subject,
                      strategy, include_undated, set() if undated is None else undated)


def _reach(
    store: Expander,
    model: DomainModel,
    from_kinds: Sequence[str],
    to: str,
    as_of: str | None,
    max_hops: int | None,
    paths_per_subject: int,
    strategy: Strategy,
    include_undated: bool,
    undated: set[str],
) -> list[ReachAnswer]:
    target_kind = model.kind_for_id(to)
    if target_kind is None:
        return []
    answers: dict[str, ReachAnswer] = {}
    chains: dict[str, dict[tuple[str, str, str], Edge]] = defaultdict(dict)
    for rule in model.rules_between(set(from_kinds), target_kind):
        hops = rule.max_length if max_hops is None else min(max_hops, rule.max_length)
        search = RuleSearch(store, model, rule, to, as_of, hops, strategy, include_undated)
        undated |= search.undated
        subjects = [s for s in search.subjects() if s != to]
        # Chains first: their ties (shortest paths included) are the only bodies read.
        keys = {subject: search.chain_keys(subject) for subject in subjects}
        search.load_ties(set().union(*keys.values()))
        for subject in subjects:
            answer = answers.setdefault(subject, ReachAnswer(subject=subject, paths=[]))
            answer.rules.append(rule.name)
            answer.paths += search.shortest_paths(subject, paths_per_subject)
            for key in keys[subject]:
                chains[subject][key] = search.ties[key]
    contract_ids = {
        end for edges in chains.values() for e in edges.values() for end in (e.source, e.target)
        if end.startswith("contract:")
    }
    contracts = store.get_nodes(sorted(contract_ids)) if contract_ids else {}
    for subject, answer in answers.items():
        finish_answer(answer, list(chains[subject].values()), contracts, paths_per_subject)
    return [answers[s] for s in sorted(answers)]


def finish_answer(
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
                    there = other_end(edge, here)
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
