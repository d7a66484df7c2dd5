"""Duplicate candidates: companies and agencies that are likely one entity, each with its score
and reasons, for an analyst to accept (`survgraph merge`), reject or leave unsure. Nothing is
merged here: a fuzzy score alone never joins two entities.

Blocking: only pairs sharing a name token that few names of the kind have (frequent tokens
such as "police" or "county" block nothing); scoring: rapidfuzz's token-set ratio of the
normalized names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from graph_service.records import Node
from graph_service.stores.base import GraphStore
from loaders.names import normalize_name

_MAX_BLOCK = 40  # a token shared by more names than this is too common to block on


@dataclass(frozen=True, slots=True)
class Candidate:
    a: str
    b: str
    kind: str
    score: float
    reasons: tuple[str, ...]


def _key(node: Node) -> str:
    return normalize_name(node.name)


def _reasons(x: Node, y: Node, kx: str, ky: str, score: float) -> list[str]:
    reasons = [f"name similarity {score:.0f} ({x.name!r} / {y.name!r})"]
    if kx == ky:
        reasons.insert(0, f"same normalized name {kx!r}")
    elif kx.startswith(ky + " ") or ky.startswith(kx + " "):
        reasons.insert(0, "one name extends the other")
    for prop in ("uei", "duns", "state"):
        vx, vy = x.properties.get(prop), y.properties.get(prop)
        if vx and vy:
            reasons.append(f"same {prop} {vx}" if vx == vy else f"different {prop}s: check")
    return reasons


def candidates(store: GraphStore, kinds: tuple[str, ...] = ("Company", "Agency"),
               min_score: float = 85.0) -> list[Candidate]:
    """Likely duplicate pairs of not yet judged entities, best first."""
    judged = {frozenset((j.a, j.b)) for j in store.judgements()}
    found: list[Candidate] = []
    for kind in kinds:
        nodes = list(store.iter_nodes(kind))
        keys = {n.id: _key(n) for n in nodes}
        blocks: dict[str, list[Node]] = defaultdict(list)
        for node in nodes:
            for token in set(keys[node.id].split()):
                blocks[token].append(node)
        pairs: set[tuple[str, str]] = set()
        by_id = {n.id: n for n in nodes}
        for members in blocks.values():
            if len(members) <= _MAX_BLOCK:
                pairs.update((a.id, b.id) if a.id < b.id else (b.id, a.id)
                             for a, b in combinations(members, 2))
        for a, b in sorted(pairs):
            x, y = by_id[a], by_id[b]
            sx, sy = x.properties.get("state"), y.properties.get("state")
            if frozenset((a, b)) in judged or (kind == "Agency" and sx and sy and sx != sy):
                continue
            score = fuzz.token_set_ratio(keys[a], keys[b])
            if score >= min_score:
                found.append(Candidate(a, b, kind, score,
                                       tuple(_reasons(x, y, keys[a], keys[b], score))))
    found.sort(key=lambda c: (-c.score, c.kind, c.a, c.b))
    return found
