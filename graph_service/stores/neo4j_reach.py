"""Reach and shortest paths of the Neo4j store, pushed down into Cypher (neo4j_cypher.py): a
mixin for Neo4jStore (kept apart to keep each module readable)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import READ_GENERATION
from graph_service.records import Edge, Node
from graph_service.stores import neo4j_cypher, traversal
from graph_service.stores.base import Direction, Path, ReachAnswer
from graph_service.stores.in_force import DATED_TIES
from graph_service.stores.traversal import finish_answer, gc_paused


class Neo4jReach:
    """`reach_uncached` (cached by reach_cache.CachedReach), `reach_dated`, `shortest_paths`."""

    if TYPE_CHECKING:
        model: DomainModel

        def _read(self, query: str, **params: Any) -> list[list[Any]]: ...

        def _node(self, node_id: str, labels: Sequence[str], props: dict[str, Any]) -> Node: ...

        def _edge(self, row: Sequence[Any]) -> Edge: ...

        def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]: ...

        def edges(self, ids: Sequence[str], types: Sequence[str] | None = None,
                  direction: Direction = "both") -> list[Edge]: ...

    def reach_generation(self) -> tuple[str, ...]:
        """The token every write transaction replaces (see neo4j_schema.META)."""
        return tuple(token for (token,) in self._read(READ_GENERATION))

    @gc_paused()
    def reach_uncached(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str | None,
        max_hops: int | None,
        paths_per_subject: int,
    ) -> list[ReachAnswer]:
        """One Cypher statement per applicable reach rule; answers combined exactly as the
        embedded traversal combines them (shortest paths overall, contracts counted once).
        The garbage collector waits meanwhile: decoding tens of thousands of rows would
        trigger collections that walk them all again (a third of the client's time)."""
        target_kind = self.model.kind_for_id(to)
        if target_kind is None:
            return []
        answers: dict[str, ReachAnswer] = {}
        chains: dict[str, dict[tuple[str, str, str], Edge]] = defaultdict(dict)
        contracts: dict[str, Node] = {}
        rules = self.model.rules_between(set(from_kinds), target_kind)
        counts = self._relationship_counts(sorted({t for r in rules for s in r.steps
                                                   for t in s.types}))
        for rule in rules:
            hops = rule.max_length if max_hops is None else min(max_hops, rule.max_length)
            statement = neo4j_cypher.reach_statement(
                rule, hops, neo4j_cypher.from_subjects(rule, counts))
            if statement is None:
                continue
            rows = self._read(
                statement, to=to, hops=hops, as_of=as_of, per_subject=max(paths_per_subject, 0),
                include_undated=False, dated=sorted(DATED_TIES),
            )
            for subject, best, chain, found in rows:
                answer = answers.setdefault(subject, ReachAnswer(subject=subject, paths=[]))
                answer.rules.append(rule.name)
                ties = {edge.key: edge for edge in map(self._edge, chain)}
                answer.paths += [
                    Path(list(nodes), [ties[tuple(key)] for key in keys])
                    for nodes, keys in best
                ]
                chains[subject].update(ties)
                for node_id, labels, props in found:
                    contracts[node_id] = self._node(node_id, labels, props)
        for subject, answer in answers.items():
            finish_answer(answer, list(chains[subject].values()), contracts, paths_per_subject)
        return [answers[s] for s in sorted(answers)]

    def reach_dated(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str,
        include_undated: bool = False,
        max_hops: int | None = None,
        paths_per_subject: int = 3,
    ) -> tuple[list[ReachAnswer], int | None]:
        """The embedded store's traversal over this store's reads: the same answers as `reach`
        on the date, and the same count of undated contracts and ties it met and left out
        (which a pushed-down statement cannot tell)."""
        undated: set[str] = set()
        answers = traversal.reach(self, self.model, from_kinds, to, as_of, max_hops,
                                  paths_per_subject, include_undated=include_undated,
                                  undated=undated)
        return answers, len(undated)

    def _relationship_counts(self, rel_types: list[str]) -> dict[str, int]:
        if not rel_types:
            return {}
        [[counts]] = self._read(neo4j_cypher.relationship_counts_statement(rel_types))
        return dict(zip(rel_types, counts, strict=True))

    def shortest_paths(
        self, source: str, target: str, max_hops: int = 6, limit: int = 10
    ) -> list[Path]:
        if not self.get_nodes([source, target]).keys() >= {source, target}:
            return []
        if source == target:
            return [Path([source], [])]
        if max_hops < 1 or limit <= 0:
            return []
        rows = self._read(
            neo4j_cypher.shortest_paths_statement(max_hops),
            source=source,
            target=target,
            limit=limit,
        )
        paths = {}
        for nodes, edge_rows in rows:
            path = Path(list(nodes), [self._edge(row) for row in edge_rows])
            paths[path.key] = path
        return [paths[key] for key in sorted(paths)][:limit]
