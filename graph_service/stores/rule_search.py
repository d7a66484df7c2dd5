"""One reach rule's state graph, searched from both ends over a store's batched reads."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from graph_service.domain_model import DomainModel, ReachRule
from graph_service.records import Edge, Node
from graph_service.statements import EDGE_KEY_SEPARATOR
from graph_service.stores.base import Direction, Path
from graph_service.stores.in_force import DATED_TIES, contract_span, edge_in_force, node_in_force

# "auto": each layer from the cheaper end; "backward"/"forward": one end only (for tests).
Strategy = Literal["auto", "backward", "forward"]
# Layer costs are counted up to this many ties first, then 4x more until one side fits.
_FIRST_COST_CAP = 256
_COST_SAMPLE = 64  # ids per position whose ties are counted to size a layer


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


State = tuple[str, int]  # (node id, position in the unrolled rule)
EdgeKey = tuple[str, str, str]  # (source, type, target), as Edge.key
Move = tuple[EdgeKey | None, State]  # None: skip an optional step without moving
# One read of a layer: rule position, the step taken, the tie direction, the node ids.
_Request = tuple[int, AtomicStep, Direction, list[str]]
# A chain's tail from some state: the node ids after it, the tie types, the tie keys.
_Suffix = tuple[tuple[str, ...], tuple[str, ...], tuple[EdgeKey, ...]]


def other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


class RuleSearch:
    """The state graph of one unrolled rule, searched from both ends.

    A state is (node id, position in the unrolled rule). The backward side walks from the
    target, the forward side from every subject of the rule's kind; each layer goes to the
    side whose next layer reads fewer ties (counted by the store when it can), and the search
    stops when a side runs dry or the two depths add up to `max_hops`. Every move on a chain
    within `max_hops` is then recorded by one side or the other (a move leaves a state the
    forward side expanded, or enters one the backward side expanded), so the distances to the
    target, computed afterwards over the recorded moves, are those the backward search alone
    finds for every state a subject's chains touch: same subjects, paths, ties and contracts.
    """

    def __init__(
        self,
        store: Expander,
        model: DomainModel,
        rule: ReachRule,
        target: str,
        as_of: str | None,
        max_hops: int,
        strategy: Strategy = "auto",
        include_undated: bool = False,
    ) -> None:
        self.store, self.model, self.rule = store, model, rule
        self.steps = compile_rule(rule)
        self.as_of, self.max_hops = as_of, max_hops
        self.include_undated = include_undated
        self.undated: set[str] = set()  # undated contracts met and left out
        self.dist: dict[State, int] = {}
        # Per state, its recorded moves (a dict: each once, in the order first recorded).
        self.moves: dict[State, dict[Move, None]] = defaultdict(dict)
        self.nodes: dict[str, Node] = {}
        self.ties: dict[EdgeKey, Edge] = {}  # bodies read so far (keys alone may be read)
        self._requests: dict[bool, tuple[list[State], list[_Request]]] = {}
        self._best: dict[int, dict[State, list[_Suffix]]] = {}  # per limit, per state
        self._costs: dict[bool, tuple[list[State], int, int]] = {}  # frontier, count, cap
        self._search(target, strategy)
        self._distances(target)

    # -- recording -----------------------------------------------------------------------------

    def _move(self, before: State, key: EdgeKey | None, after: State) -> None:
        self.moves[before][(key, after)] = None

    def _read(self, ids: Sequence[str], types: Sequence[str], lookup: Direction) -> list[EdgeKey]:
        """The keys of the ties in force at the ids. Without a date only keys are needed, and a
        store that can read them from its indexes alone (`edge_keys`) skips the bodies."""
        lean = getattr(self.store, "edge_keys", None)
        if self.as_of is None and lean is not None:
            return list(lean(ids, types, lookup))
        keys: list[EdgeKey] = []
        for edge in self.store.edges(ids, types, lookup):
            if self.as_of is not None and edge.type in DATED_TIES and not self.include_undated and (
                    edge.properties.get("valid_from") is None
                    and edge.properties.get("valid_to") is None):
                self.undated.add(EDGE_KEY_SEPARATOR.join(edge.key))
                continue
            if edge_in_force(edge, self.as_of):
                self.ties[edge.key] = edge
                keys.append(edge.key)
        return keys

    def load_ties(self, keys: set[EdgeKey]) -> None:
        """Read the bodies of these ties (the ones an answer shows) if not read yet."""
        missing = sorted(keys - self.ties.keys())
        if not missing:
            return
        reader = getattr(self.store, "edges_by_key", None)
        if reader is not None:
            self.ties.update(reader(missing))
            return
        wanted = set(missing)
        types = sorted({key[1] for key in wanted})
        for edge in self.store.edges(sorted({key[0] for key in wanted}), types, "out"):
            if edge.key in wanted:
                self.ties[edge.key] = edge

    def _settle_back(self, state: State, depth: int, reached: dict[State, int],
                     frontier: list[State]) -> None:
        """Record a state, then the states that reach it by skipping optional steps."""
        while state not in reached:
            reached[state] = depth
            frontier.append(state)
            node_id, pos = state
            if pos == 0 or not self.steps[pos - 1].optional:
                return
            previous = (node_id, pos - 1)
            self._move(previous, None, state)
            state = previous

    def _settle_forward(self, state: State, depth: int, reached: dict[State, int],
                        frontier: list[State]) -> None:
        """Record a state, then the states it reaches by skipping optional steps."""
        while state not in reached:
            reached[state] = depth
            frontier.append(state)
            node_id, pos = state
            if pos == len(self.steps) or not self.steps[pos].optional:
                return
            following = (node_id, pos + 1)
            self._move(state, None, following)
            state = following

    # -- the two sides -------------------------------------------------------------------------

    def _layer_requests(self, frontier: list[State], forward: bool) -> list[_Request]:
        """Per position: the step taken, the tie direction to read, the node ids. Kept for
        the side's current frontier: sizing and expanding a layer ask for it several times."""
        known = self._requests.get(forward)
        if known is not None and known[0] is frontier:
            return known[1]
        by_pos: dict[int, list[str]] = defaultdict(list)
        for node_id, pos in frontier:
            if (pos < len(self.steps)) if forward else (pos > 0):
                by_pos[pos].append(node_id)
        requests: list[_Request] = []
        for pos, ids in sorted(by_pos.items()):
            step = self.steps[pos] if forward else self.steps[pos - 1]
            # Walking backwards: a subject-side "out" step arrives through an incoming tie.
            same = step.direction == "out"
            lookup: Direction = ("out" if same else "in") if forward else ("in" if same else "out")
            requests.append((pos, step, lookup, ids))
        self._requests[forward] = (frontier, requests)
        return requests

    def _cost(self, frontier: list[State], forward: bool, cap: int) -> int:
        """About how many ties the next layer would read (counting stops past `cap`): ties
        counted at an evenly spread sample of each position's ids, scaled up. Only the search
        order depends on it, never the answer. The state count without a counter."""
        counter = getattr(self.store, "count_edges", None)
        if counter is None:
            return len(frontier)
        total = 0
        for _pos, step, lookup, ids in self._layer_requests(frontier, forward):
            sample = ids[:: max(1, len(ids) // _COST_SAMPLE)]
            scale = len(ids) / len(sample)
            counted = int(counter(sample, step.types, lookup, int((cap - total) / scale) + 1))
            total += round(counted * scale)
            if total > cap:
                break
        return total

    def _cheaper_ahead(self, back: list[State], ahead: list[State]) -> bool:
        """Whether the forward layer reads fewer ties. Both are counted up to a cap that grows
        4x until one side fits under it, so counting costs a few times the smaller layer; a
        side's count is kept until that side moves (its frontier list is replaced)."""
        cap = _FIRST_COST_CAP
        while True:
            cost_back, cost_ahead = self._counted(back, False, cap), self._counted(ahead, True, cap)
            if cost_back <= cap or cost_ahead <= cap:
                return cost_ahead < cost_back
            cap *= 4

    def _counted(self, frontier: list[State], forward: bool, cap: int) -> int:
        known = self._costs.get(forward)
        if known is not None and known[0] is frontier and (known[1] <= known[2] or known[2] >= cap):
            return known[1]  # exact, or already known to exceed this cap
        cost = self._cost(frontier, forward, cap)
        self._costs[forward] = (frontier, cost, cap)
        return cost

    def _expand_back(self, frontier: list[State], depth: int, reached: dict[State, int]
                     ) -> list[State]:
        found: list[tuple[EdgeKey, State, State]] = []
        for pos, step, lookup, ids in self._layer_requests(frontier, False):
            members = set(ids)
            for key in self._read(ids, step.types, lookup):
                here, there = (key[2], key[0]) if lookup == "in" else (key[0], key[2])
                if here in members:
                    found.append((key, (there, pos - 1), (here, pos)))
        self._load_nodes({before[0] for _, before, _ in found})
        next_frontier: list[State] = []
        for edge, before, after in found:
            if not self._in_force(before[0]):
                continue
            self._move(before, edge, after)
            self._settle_back(before, depth + 1, reached, next_frontier)
        return next_frontier

    def _expand_forward(self, frontier: list[State], depth: int, reached: dict[State, int]
                        ) -> list[State]:
        self._load_nodes({node_id for node_id, _ in frontier})
        next_frontier: list[State] = []
        for pos, step, lookup, ids in self._layer_requests(frontier, True):
            members = {i for i in ids if self._in_force(i)}
            for key in self._read(sorted(members), step.types, lookup):
                here, there = (key[0], key[2]) if lookup == "out" else (key[2], key[0])
                if here not in members:
                    continue
                after = (there, pos + 1)
                self._move((here, pos), key, after)
                self._settle_forward(after, depth + 1, reached, next_frontier)
        return next_frontier

    def _in_force(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        if node_in_force(node, self.as_of, self.include_undated):
            return True
        if node is not None and contract_span(node) == (None, None):
            self.undated.add(node_id)
        return False

    def _subject_ids(self) -> list[str] | None:
        lister = getattr(self.store, "ids_of_kind", None)
        return None if lister is None else list(lister(self.rule.from_kind))

    def _search(self, target: str, strategy: Strategy) -> None:
        back: dict[State, int] = {}
        back_frontier: list[State] = []
        self._settle_back((target, len(self.steps)), 0, back, back_frontier)
        ahead: dict[State, int] = {}
        ahead_frontier: list[State] = []
        subjects = None if strategy == "backward" else self._subject_ids()
        if subjects is None:
            strategy = "backward"
        else:
            for subject in subjects:
                self._settle_forward((subject, 0), 0, ahead, ahead_frontier)
        back_depth = ahead_depth = 0
        while back_depth + ahead_depth < self.max_hops:
            live_back = any(pos > 0 for _, pos in back_frontier)
            live_ahead = any(pos < len(self.steps) for _, pos in ahead_frontier)
            if not live_back or (strategy != "backward" and not live_ahead):
                return  # a side ran dry: everything it can reach is recorded
            if strategy == "auto":
                go_ahead = self._cheaper_ahead(back_frontier, ahead_frontier)
            else:
                go_ahead = strategy == "forward"
            if go_ahead:
                ahead_frontier = self._expand_forward(ahead_frontier, ahead_depth, ahead)
                ahead_depth += 1
            else:
                back_frontier = self._expand_back(back_frontier, back_depth, back)
                back_depth += 1

    def _distances(self, target: str) -> None:
        """Ties to the target from every state, over the recorded moves (skips cost nothing),
        up to max_hops; moves into states that cannot reach the target in time are dropped."""
        arriving: dict[State, list[tuple[State, int]]] = defaultdict(list)
        for before, moves in self.moves.items():
            for edge, after in moves:
                arriving[after].append((before, 0 if edge is None else 1))
        start: State = (target, len(self.steps))
        self.dist = {start: 0}
        queue: deque[State] = deque([start])
        while queue:
            state = queue.popleft()
            distance = self.dist[state]
            for before, cost in arriving.get(state, []):
                reached = distance + cost
                if reached > self.max_hops or self.dist.get(before, reached + 1) <= reached:
                    continue
                self.dist[before] = reached
                if cost == 0:
                    queue.appendleft(before)
                else:
                    queue.append(before)
        kept: dict[State, dict[Move, None]] = defaultdict(dict)
        for before, moves in self.moves.items():
            useful = {move: None for move in moves if move[1] in self.dist}
            if useful:
                kept[before] = useful
        self.moves = kept

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
        """The subject's first `limit` shortest chains by Path.key.

        Every chain from a state has the same length, so ordering chains by (node ids, tie
        types) splits at each state: the best `limit` from a state are among its first move
        followed by the best `limit` from where the move lands. Kept per state (shared by all
        subjects), this costs states x limit instead of enumerating every shortest chain."""
        if limit <= 0:
            return []
        memo = self._best.setdefault(limit, {})
        found = self._best_from((subject, 0), limit, memo)
        return [Path([subject, *nodes], [self.ties[key] for key in keys])
                for nodes, _types, keys in found]

    def _best_from(self, state: State, limit: int, memo: dict[State, list[_Suffix]]
                   ) -> list[_Suffix]:
        if state in memo:
            return memo[state]
        distance = self.dist[state]
        if distance == 0 and state[1] == len(self.steps):
            memo[state] = [((), (), ())]
            return memo[state]
        candidates: dict[tuple[str, ...], _Suffix] = {}
        ties: list[tuple[str, EdgeKey, State]] = []
        for key, after in self.moves.get(state, ()):
            if key is None:
                if self.dist[after] == distance:
                    for suffix in self._best_from(after, limit, memo):
                        candidates.setdefault(suffix[0] + suffix[1], suffix)
            elif self.dist[after] == distance - 1:
                ties.append((after[0], key, after))
        # A chain's key starts with its next node: taking the ties by their far end, once
        # `limit` candidates start before the next far end, no later tie can enter the best
        # `limit`. So only the few first ties are followed (a product's hundred contracts).
        ties.sort()
        for index, (node_id, key, after) in enumerate(ties):
            if (index == 0 or node_id != ties[index - 1][0]) and len(candidates) >= limit \
                    and sum(1 for k in candidates if k[0] < node_id) >= limit:
                break
            for nodes, types, keys in self._best_from(after, limit, memo):
                longer = ((node_id, *nodes), (key[1], *types), (key, *keys))
                candidates.setdefault(longer[0] + longer[1], longer)
        memo[state] = [candidates[k] for k in sorted(candidates)[:limit]]
        return memo[state]

    def chain_keys(self, subject: str) -> set[EdgeKey]:
        """Every tie on any chain from the subject to the target within max_hops."""
        if self.max_hops >= len(self.steps):
            return self._reachable_keys((subject, 0))
        best: dict[State, int] = {(subject, 0): 0}
        queue: list[State] = [(subject, 0)]
        keys: set[EdgeKey] = set()
        while queue:
            state = queue.pop()
            walked = best[state]
            for edge, after in self.moves.get(state, ()):
                cost = walked + (0 if edge is None else 1)
                if cost + self.dist[after] > self.max_hops:
                    continue
                if edge is not None:
                    keys.add(edge)
                if cost < best.get(after, self.max_hops + 1):
                    best[after] = cost
                    queue.append(after)
        return keys

    def _reachable_keys(self, start: State) -> set[EdgeKey]:
        """The ties on every recorded move reachable from `start`. Each move goes one rule
        position further, so no walk has more ties than the rule has steps: when max_hops
        allows them all, every chain fits and no walked length needs tracking."""
        seen = {start}
        stack = [start]
        keys: set[EdgeKey] = set()
        while stack:
            for edge, after in self.moves.get(stack.pop(), ()):
                if edge is not None:
                    keys.add(edge)
                if after not in seen:
                    seen.add(after)
                    stack.append(after)
        return keys
