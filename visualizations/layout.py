"""Deterministic map layouts, computed once in Python so the browser never has to settle physics.

- `flow_layout`: a left-to-right flow by kind (Company -> Product -> Contract -> Agency -> Domain
  -> Community), for reach and path maps; rows ordered by neighbours' mean row to cut crossings.
- `force_layout`: networkx's seeded spring layout on the best-connected core (at most
  `CORE_SIZE` nodes, so cost stays bounded), then every other node placed in linear time beside
  the nodes it is tied to. Same input, same picture, every time.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import networkx as nx

Position = tuple[float, float]
Tie = tuple[str, str]

# Column order of the flow layout; kinds not listed go after the last column.
FLOW_ORDER: tuple[str, ...] = (
    "Organization", "Person", "Company", "Technology", "Product", "Contract", "Agency", "Domain",
    "Community", "Source",
)
COLUMN_GAP = 320.0
ROW_GAP = 70.0
MAX_ROWS = 16  # rows in one flow column before it wraps into sub-columns
SUB_GAP = 230.0
CORE_SIZE = 200
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _adjacency(ids: Iterable[str], ties: Iterable[Tie]) -> dict[str, list[str]]:
    adjacent: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for a, b in ties:
        if a in adjacent and b in adjacent and a != b:
            adjacent[a].append(b)
            adjacent[b].append(a)
    return adjacent


def _jitter(node_id: str) -> Position:
    """A small stable offset in [-0.5, 0.5)^2 from the id, to separate nodes with equal anchors."""
    digest = hashlib.blake2b(node_id.encode(), digest_size=4).digest()
    return digest[0] / 256 + digest[1] / 65536 - 0.5, digest[2] / 256 + digest[3] / 65536 - 0.5


# -- flow ---------------------------------------------------------------------------------------


def flow_layout(
    kinds: dict[str, str], ties: Sequence[Tie], part_of: Sequence[Tie] = ()
) -> dict[str, Position]:
    """Columns by kind, left to right; agencies split into sub-columns by PART_OF depth (an
    office left of its department) so chains read left to right too."""
    rank = {kind: i for i, kind in enumerate(FLOW_ORDER)}
    depth = _part_of_depth([i for i, k in kinds.items() if k == "Agency"], part_of)
    deepest = max(depth.values(), default=0)
    column_key: dict[str, tuple[int, int]] = {
        node_id: (rank.get(kind, len(FLOW_ORDER)), deepest - depth.get(node_id, 0))
        for node_id, kind in kinds.items()
    }
    used = sorted(set(column_key.values()))
    column_of = {node_id: used.index(key) for node_id, key in column_key.items()}
    columns: list[list[str]] = [[] for _ in used]
    for node_id in sorted(kinds):
        columns[column_of[node_id]].append(node_id)
    adjacent = _adjacency(kinds, ties)
    row: dict[str, float] = {}
    for column in columns:
        for i, node_id in enumerate(column):
            row[node_id] = float(i)
    # Barycentre sweeps (left to right, then back): each node moves towards its neighbours'
    # mean row; ties keep id order, so the result is deterministic.
    for sweep in (*range(1, len(columns)), *range(len(columns) - 2, -1, -1)):
        column = columns[sweep]

        def centre(node_id: str) -> float:
            near = [row[n] for n in adjacent[node_id]]
            return sum(near) / len(near) if near else row[node_id]

        column.sort(key=lambda n: (centre(n), n))
        for i, node_id in enumerate(column):
            row[node_id] = float(i)
    # A column taller than MAX_ROWS (61 companies reaching one domain) wraps into side-by-side
    # sub-columns, row-major so barycentre neighbours stay close: a block, not one long line.
    positions: dict[str, Position] = {}
    left = 0.0
    for column in columns:
        wide = max(1, math.ceil(len(column) / MAX_ROWS))
        rows = math.ceil(len(column) / wide)
        top = -(rows - 1) * ROW_GAP / 2
        for i, node_id in enumerate(column):
            line, sub = divmod(i, wide)
            shift = SUB_GAP / 2 if wide > 1 and line % 2 else 0.0  # stagger rows: labels clear
            positions[node_id] = (left + sub * SUB_GAP + shift, top + line * ROW_GAP)
        left += COLUMN_GAP + (wide - 1) * SUB_GAP + (SUB_GAP / 2 if wide > 1 else 0.0)
    return positions


def _part_of_depth(agencies: Sequence[str], part_of: Sequence[Tie]) -> dict[str, int]:
    """How many PART_OF steps lead from each agency up to a top parent (cycles are cut)."""
    parents: dict[str, list[str]] = defaultdict(list)
    members = set(agencies)
    for child, parent in part_of:
        if child in members and parent in members:
            parents[child].append(parent)
    depth: dict[str, int] = {}

    def walk(node_id: str, trail: frozenset[str]) -> int:
        if node_id in depth:
            return depth[node_id]
        ups = [p for p in parents[node_id] if p not in trail]
        value = 1 + max(walk(p, trail | {node_id}) for p in ups) if ups else 0
        depth[node_id] = value
        return value

    for agency in sorted(members):
        walk(agency, frozenset())
    return depth


# -- force --------------------------------------------------------------------------------------


def force_layout(ids: Sequence[str], ties: Sequence[Tie], spacing: float = 140.0,
                 seed: int = 7) -> dict[str, Position]:
    """A seeded spring layout of the core, satellites placed around it; pixels out."""
    ordered = sorted(set(ids))
    if not ordered:
        return {}
    adjacent = _adjacency(ordered, ties)
    degree = {n: len(adjacent[n]) for n in ordered}
    by_degree = sorted(ordered, key=lambda n: (-degree[n], n))
    core = by_degree[:CORE_SIZE]
    graph = nx.Graph()
    graph.add_nodes_from(core)
    core_set = set(core)
    graph.add_edges_from((a, b) for a in core for b in adjacent[a] if b in core_set and a < b)
    raw = nx.spring_layout(graph, seed=seed, iterations=60) if len(core) > 1 else {core[0]: (0, 0)}
    unit = 2.0 / math.sqrt(len(core))  # mean gap between core nodes in spring coordinates
    placed: dict[str, Position] = {n: (float(raw[n][0]), float(raw[n][1])) for n in core}
    _place_satellites(by_degree, adjacent, degree, placed, unit)
    scale = spacing / unit
    return {n: (round(x * scale, 1), round(y * scale, 1)) for n, (x, y) in placed.items()}


def _place_satellites(
    by_degree: list[str],
    adjacent: dict[str, list[str]],
    degree: dict[str, int],
    placed: dict[str, Position],
    unit: float,
) -> None:
    """Breadth-first from the placed nodes: a node tied to one placed node circles it (sunflower
    spiral); a node tied to several sits between them. Unreached components go in a row below."""
    children: dict[str, int] = defaultdict(int)
    ring = unit * 0.28

    def settle(frontier: list[str]) -> None:
        while frontier:
            following: list[str] = []
            for node_id in frontier:
                for other in sorted(adjacent[node_id], key=lambda n: (-degree[n], n)):
                    if other in placed:
                        continue
                    anchors = [placed[a] for a in adjacent[other] if a in placed]
                    if len(anchors) == 1:
                        k = children[node_id]
                        children[node_id] += 1
                        radius = ring * (1.6 + math.sqrt(k + 1))
                        angle = k * GOLDEN_ANGLE
                        ax, ay = anchors[0]
                        placed[other] = (ax + radius * math.cos(angle),
                                         ay + radius * math.sin(angle))
                    else:
                        jx, jy = _jitter(other)
                        placed[other] = (
                            sum(a[0] for a in anchors) / len(anchors) + jx * unit * 2.5,
                            sum(a[1] for a in anchors) / len(anchors) + jy * unit * 2.5,
                        )
                    following.append(other)
            frontier = following

    settle(list(placed))
    if len(placed) == len(by_degree):
        return
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    cursor_x, base_y = min(xs), max(ys) + unit * 3
    for node_id in by_degree:  # component seeds, best connected first
        if node_id in placed:
            continue
        placed[node_id] = (cursor_x, base_y)
        before = len(placed)
        settle([node_id])
        grown = len(placed) - before
        cursor_x += unit * (1.5 + 0.6 * math.sqrt(grown))
        if cursor_x > max(xs) + unit * 2:
            cursor_x = min(xs)
            base_y += unit * 3
