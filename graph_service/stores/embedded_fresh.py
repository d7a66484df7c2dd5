"""The view of ids that are new to the store, derived from a group's statements in memory.

Most ids a big load touches are new: their members were first named in the open group, so every
statement of them (and of every tie at them) is among the group's, and no view row of them
exists yet. Their view is derived here by the same policy (embedded_policy) from the statements
as the group holds them, with nothing read back from the file. Ties at an end whose canonical
id moved, and everything of ids the store held before, are left to embedded_incremental (which
combines a view row with the group's statements) or embedded_view (which reads the statements
from the store): the rows are the same whichever path an id takes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph_service.statements import Fragment
from graph_service.stores.embedded_policy import (
    Row,
    Rules,
    ranked_edge_view,
    ranked_node_view,
    ranks_text,
)

_CHUNK = 500


@dataclass(slots=True)
class FreshView:
    """What the shortcut derived: view rows, and what the SQL path must still do."""

    # id, kind, name, body, ranks
    nodes: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)  # term, id
    lookup: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, prop, value, id
    lookup_in_sql: list[str] = field(default_factory=list)  # ids of values SQL must print
    # src, type, dst, body, ranks
    edges: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    node_ids: set[str] = field(default_factory=set)  # canonical ids derived here
    edge_ids: set[str] = field(default_factory=set)  # tie statements derived here

    def add_node(self, row: tuple[str, str, str, str, str | None], fragments: list[Fragment],
                 properties: dict[str, Any], indexed: Sequence[str]) -> None:
        """A node's view row, the search terms of its new statements, and its indexed values
        (`properties`, the body's)."""
        canonical, kind = row[0], row[1]
        self.nodes.append(row)
        self.terms += [(term, canonical) for frag in fragments for term in frag.terms]
        for prop in indexed:
            value = properties.get(prop)
            if isinstance(value, str):
                self.lookup.append((kind, prop, value, canonical))
            elif value is not None:  # a number or flag: SQL prints it as the SQL path does
                self.lookup_in_sql.append(canonical)
        self.node_ids.add(canonical)


def _folded(fragments: Iterable[Fragment]) -> dict[str, tuple[Fragment, str | None, str | None]]:
    """Distinct statements by id with their days widened (a statement appended twice in a group
    is one row of the store: APPEND keeps the earliest and latest days)."""
    kept: dict[str, tuple[Fragment, str | None, str | None]] = {}
    for frag in fragments:
        old = kept.get(frag.id)
        first, last = frag.first_seen, frag.last_seen
        if old is not None:
            first = min((d for d in (old[1], first) if d is not None), default=None)
            last = max((d for d in (old[2], last) if d is not None), default=None)
        kept[frag.id] = (frag, first, last)
    return kept


def fresh_ids(members: dict[str, str], old: dict[str, str], moved: set[str],
              entities: Iterable[str]) -> set[str]:
    """Canonical ids all of whose members (`members`: entity -> canonical id, whole identity
    components) are new to the store and named by the group (`entities`), and that were no
    entity's canonical id before (`moved`)."""
    named = set(entities)
    stale = {c for e, c in members.items() if e in old or e not in named} | moved
    return {c for c in members.values() if c not in stale}


def rows_of(fragments: Sequence[Fragment]) -> list[Row]:
    """The policy's rows of statements as a group holds them (one row per distinct one)."""
    if len(fragments) == 1:  # most ids: nothing to fold
        frag = fragments[0]
        return [(frag.rank, orjson.loads(frag.body), frag.first_seen, frag.last_seen)]
    return [(frag.rank, orjson.loads(frag.body), first, last)
            for frag, first, last in _folded(fragments).values()]


def derive(db: sqlite3.Connection, fresh: set[str], members: dict[str, str],
           kinds: dict[str, str], nodes: Sequence[Fragment], edges: Sequence[Fragment],
           moved: set[str], rules: Rules, ends: dict[str, str]) -> FreshView:
    """The view rows of the ids among `fresh` and of the ties at them (see the module
    docstring); `nodes` and `edges` are the group's statements, `ends` the canonical ids of
    their tie ends (canonical_ends)."""
    view = FreshView()
    if not fresh:
        return view
    by_canonical: dict[str, list[Fragment]] = {}
    for frag in nodes:
        canonical = members.get(frag.entity)
        if canonical in fresh:
            by_canonical.setdefault(canonical, []).append(frag)
    indexed: dict[str, list[str]] = {}
    for kind, prop in db.execute("SELECT kind, prop FROM indexed_props ORDER BY kind, prop"):
        indexed.setdefault(kind, []).append(prop)
    for canonical, frags in by_canonical.items():
        kind = kinds[frags[0].entity]
        rows = rows_of(frags)
        name, body, ranks = ranked_node_view(kind, rows, rules)
        properties = orjson.loads(body)["properties"] if len(rows) > 1 else rows[0][1][
            "properties"]
        view.add_node((canonical, kind, name, body, ranks_text(ranks)), frags, properties,
                      indexed.get(kind, ()))
    _derive_edges(view, fresh, edges, moved, rules, ends)
    return view


def canonical_ends(db: sqlite3.Connection, members: dict[str, str], edges: Sequence[Fragment]
                    ) -> dict[str, str]:
    """Canonical ids of the group's tie ends: the components' from `members`, others from
    `canon` (ends stated before the group, not restated in it)."""
    ends = dict(members)
    missing = sorted({e for f in edges for e in (f.src, f.dst) if e is not None} - ends.keys())
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT entity, canonical FROM canon WHERE entity IN ({marks})"  # noqa: S608
        ends.update(db.execute(sql, chunk).fetchall())
    return ends


def _derive_edges(view: FreshView, fresh: set[str], edges: Sequence[Fragment], moved: set[str],
                  rules: Rules, ends: dict[str, str]) -> None:
    by_key: dict[tuple[str, str, str], list[Fragment]] = {}
    for frag in edges:
        src, dst = ends.get(frag.src or ""), ends.get(frag.dst or "")
        if src is None or dst is None or src == dst or not (src in fresh or dst in fresh):
            continue
        if src in moved or dst in moved:
            continue  # the SQL path re-derives every tie at a moved id
        by_key.setdefault((src, frag.kind, dst), []).append(frag)
    for (src, kind, dst), frags in by_key.items():
        body, ranks = ranked_edge_view(kind, rows_of(frags), rules)
        view.edges.append((src, kind, dst, body, ranks_text(ranks)))
        view.edge_ids.update(f.id for f in frags)
