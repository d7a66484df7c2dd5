"""Recent reach answers, kept only while the store has not been written to.

Each store keeps a generation: a value written in the same transaction as every upsert and
clear (the embedded store's `meta` row, a token node on Neo4j), so writes by other processes
change it too. A reach call reads the generation first, then answers from here if the same
question was answered in that generation. An answer computed after the read can only be
newer than the generation it is filed under, never older, and a call that reads a later
generation never sees it (entries of other generations are dropped). Callers get copies:
changing an answer cannot change what the next caller receives.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence

from graph_service.records import Edge
from graph_service.stores.base import Path, ReachAnswer

# Bounds: questions kept, and their total weight (contract ids, path ties, sources).
MAX_ENTRIES = 16
MAX_WEIGHT = 2_000_000

Question = tuple[tuple[str, ...], str, str | None, int | None, int]


def question_key(from_kinds: Sequence[str], to: str, as_of: str | None, max_hops: int | None,
                 paths_per_subject: int) -> Question:
    """Only the set of subject kinds matters to an answer, not their order."""
    return (tuple(sorted(set(from_kinds))), to, as_of, max_hops, paths_per_subject)


def _copy_edge(edge: Edge) -> Edge:
    return Edge(edge.type, edge.source, edge.target, edge.status,
                copy.deepcopy(edge.properties) if edge.properties else {},
                list(edge.sources), edge.first_seen, edge.last_seen)


def copy_answers(answers: list[ReachAnswer]) -> list[ReachAnswer]:
    """A deep copy (ties shared by several paths are copied for each: callers may edit)."""
    return [
        ReachAnswer(
            subject=a.subject,
            paths=[Path(list(p.nodes), [_copy_edge(e) for e in p.edges]) for p in a.paths],
            contracts=list(a.contracts),
            total_obligated=a.total_obligated,
            sources=list(a.sources),
            rules=list(a.rules),
        )
        for a in answers
    ]


def _weight(answers: list[ReachAnswer]) -> int:
    return sum(1 + len(a.contracts) + len(a.sources) + sum(len(p.edges) for p in a.paths)
               for a in answers)


class CachedReach:
    """Mixin for a GraphStore: `reach` answered from a ReachCache of the store's generation.
    The store provides `reach_generation` (read on every call) and `reach_uncached`."""

    _cache_lock = threading.Lock()

    def reach_generation(self) -> Hashable:
        raise NotImplementedError

    def reach_uncached(self, from_kinds: Sequence[str], to: str, as_of: str | None,
                       max_hops: int | None, paths_per_subject: int) -> list[ReachAnswer]:
        raise NotImplementedError

    @property
    def reach_cache(self) -> ReachCache:
        with CachedReach._cache_lock:
            cache: ReachCache | None = self.__dict__.get("_reach_cache")
            if cache is None:
                cache = self.__dict__["_reach_cache"] = ReachCache()
            return cache

    def reach(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str | None = None,
        max_hops: int | None = None,
        paths_per_subject: int = 3,
    ) -> list[ReachAnswer]:
        """GraphStore.reach; the generation is read before anything else (see the module)."""
        question = question_key(from_kinds, to, as_of, max_hops, paths_per_subject)
        generation = self.reach_generation()
        found = self.reach_cache.get(generation, question)
        if found is None:
            found = self.reach_uncached(from_kinds, to, as_of, max_hops, paths_per_subject)
            self.reach_cache.put(generation, question, found)
        return found


class ReachCache:
    """A bounded, thread-safe map from (generation, question) to answers (least recently
    used out first). Holds one generation at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_weight: int = MAX_WEIGHT) -> None:
        self.max_entries, self.max_weight = max_entries, max_weight
        self._lock = threading.Lock()
        self._generation: Hashable = None
        self._entries: OrderedDict[Question, tuple[list[ReachAnswer], int]] = OrderedDict()
        self._weight = 0
        self.hits = self.misses = 0

    def get(self, generation: Hashable, question: Question) -> list[ReachAnswer] | None:
        with self._lock:
            found = self._entries.get(question) if generation == self._generation else None
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(question)
            self.hits += 1
            answers = found[0]
        return copy_answers(answers)

    def put(self, generation: Hashable, question: Question, answers: list[ReachAnswer]) -> None:
        weight = _weight(answers)
        if weight > self.max_weight:
            return
        kept = copy_answers(answers)
        with self._lock:
            if generation != self._generation:
                self._clear()
                self._generation = generation
            old = self._entries.pop(question, None)
            if old is not None:
                self._weight -= old[1]
            self._entries[question] = (kept, weight)
            self._weight += weight
            while len(self._entries) > self.max_entries or self._weight > self.max_weight:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._weight -= dropped

    def clear(self) -> None:
        """Forget every answer (benchmarks measure cold calls this way)."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._weight = 0
