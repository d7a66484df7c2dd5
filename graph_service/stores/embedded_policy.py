"""The policy of the embedded store's view, in Python: the view body of one canonical id or tie
from the statements behind it (docs/statements.md, "Set-wise maintenance").

The winner of every (id, property) is the first statement in the rule's order (min: smallest
value first, max: largest), then the origin's rank (best first), then the value (smallest
first); values compare as SQLite compares them (null < numbers < text, text by code point), so
the view is the one SQL windows over json_each derived before, byte for byte. A list property
of rule `union` is every text element any statement states, distinct and sorted. Names, aliases
and sources are unions; the days are the earliest and latest any statement saw. An id with one
statement and no list property takes its values as stated.

The policy is decomposable: a winner is the minimum of a total order, the rest are unions, a
min, a max. So the view of S + N is `combine`d from the view of S, the rank of each of its
winners (its `ranks`), and the rows N alone: a view row that keeps its ranks is re-derived
without reading its statements back (embedded_incremental). A view row taken from one statement
as stated (`_plain`) keeps no ranks: its values print otherwise once a second statement meets
them, so it is re-derived from its statements.

Bodies are parsed once (orjson) and the view written with orjson, which prints a value as the
statement stated it (a float keeps its digits, a string its characters).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import orjson

# One statement as the policy reads it: (rank, parsed body, first_seen, last_seen).
Row = tuple[int, dict[str, Any], str | None, str | None]
Rules = dict[tuple[str, str], str]
# A view row's ranks: the name's rank (None for a tie), and each stated property's winning rank
# (None for a union's list). Stored as JSON in the `ranks` column of `nodes` and `edges`.
Ranks = tuple[int | None, dict[str, int | None]]


def read_rules(db: sqlite3.Connection) -> Rules:
    return {(owner, key): rule for owner, key, rule in db.execute(
        "SELECT owner, key, rule FROM rules")}


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode("utf-8")


def _sql_order(value: Any) -> tuple[int, Any]:
    """A JSON value as json_each gives it to SQL, in SQLite's order: NULL, then numbers (true
    and false are 1 and 0), then text (lists and objects are their JSON text)."""
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (2, _dumps(value))


def ranks_text(ranks: Ranks | None) -> str | None:
    """The `ranks` column of a view row (NULL for a row taken as stated from one statement)."""
    return None if ranks is None else _dumps(ranks)


def _best(rule: str | None, stated: list[tuple[Any, int]]) -> tuple[Any, int]:
    """The winning (value, rank) of (value, rank) pairs: the rule's order, then rank, then
    value, and of values the order holds equal (1 and 1.0) the integer: never the statements'
    order."""
    if len(stated) == 1:
        return stated[0]
    if rule in ("min", "max"):
        pick = min if rule == "min" else max
        best = pick(_sql_order(value) for value, _rank in stated)
        # Values SQL holds equal (1 and 1.0) go by rank, as the window orders them.
        stated = [(value, rank) for value, rank in stated if _sql_order(value) == best]
    return min(stated, key=lambda pair: (-pair[1], _sql_order(pair[0]),
                                         type(pair[0]) is float))


def _winner(rule: str | None, stated: list[tuple[Any, int]]) -> Any:
    return _best(rule, stated)[0]


def _view_value(value: Any) -> Any:
    """A winner as the view prints it: an object kept by a window was its JSON text."""
    return _dumps(value) if isinstance(value, dict) else value


def _plain(rows: Sequence[Row]) -> bool:
    return len(rows) == 1 and list not in map(type, rows[0][1]["properties"].values())


def _properties(kind: str, old: dict[str, Any], old_ranks: dict[str, int | None],
                rows: Sequence[Row], rules: Rules) -> tuple[dict[str, Any], dict[str, int | None]]:
    """The properties of a view row and their ranks from an earlier view's (`old`, whose stated
    keys are `old_ranks`'s; empty for a derivation from scratch) and statements `rows`."""
    stated: dict[str, list[tuple[Any, int]]] = {}
    unions: dict[str, set[str]] = {}
    for key, rank in old_ranks.items():
        if rank is None:  # a union's list: every text element stated so far
            unions[key] = set(old[key])
        else:  # the winner so far: first, so a full tie keeps it
            stated[key] = [(old[key], rank)]
    for rank, data, _first, _last in rows:
        for key, value in data["properties"].items():
            if isinstance(value, list) and rules.get((kind, key)) == "union":
                unions.setdefault(key, set()).update(v for v in value if isinstance(v, str))
            else:
                stated.setdefault(key, []).append((value, rank))
    found: dict[str, Any] = {}
    ranks: dict[str, int | None] = {}
    for key, values in stated.items():
        value, ranks[key] = _best(rules.get((kind, key)), values)
        found[key] = _view_value(value)
    # A union no statement gives a text element of states nothing; a union that does hides the
    # key's other values (and always will: a union only grows).
    for key, items in unions.items():
        if items:
            found[key], ranks[key] = sorted(items), None
    return {key: found[key] for key in sorted(found)}, {key: ranks[key] for key in sorted(found)}


def _days(old: tuple[str | None, str | None], rows: Sequence[Row]
          ) -> tuple[str | None, str | None]:
    firsts = [d for d in (old[0], *(r[2] for r in rows)) if d is not None]
    lasts = [d for d in (old[1], *(r[3] for r in rows)) if d is not None]
    return min(firsts, default=None), max(lasts, default=None)


def _sources(old: Sequence[str], rows: Sequence[Row]) -> list[str]:
    return sorted({*old, *(s for r in rows for s in r[1]["sources"])})


def node_view(kind: str, rows: Sequence[Row], rules: Rules) -> tuple[str, str]:
    """(name, body) of the view node of one canonical id of `kind` from its statements."""
    name, body, _ranks = ranked_node_view(kind, rows, rules)
    return name, body


def ranked_node_view(kind: str, rows: Sequence[Row], rules: Rules
                     ) -> tuple[str, str, Ranks | None]:
    """(name, body, ranks) of the view node of one canonical id of `kind` from its statements;
    no ranks for a row taken as stated from one statement."""
    if _plain(rows):
        rank, data, first, last = rows[0]
        name = data["name"]
        return name, _dumps({"aliases": [a for a in data["aliases"] if a != name],
                             "properties": data["properties"], "sources": data["sources"],
                             "first_seen": first, "last_seen": last}), None
    first_name = min(rows, key=lambda r: (-r[0], _sql_order(r[1]["name"])))
    return combine_node(kind, first_name[1]["name"], first_name[0], EMPTY_NODE, {}, rows, rules)


# A view from no statement: what a derivation from scratch combines statements into.
EMPTY_NODE: dict[str, Any] = {"aliases": [], "properties": {}, "sources": [],
                              "first_seen": None, "last_seen": None}
EMPTY_EDGE: dict[str, Any] = {"status": None, "properties": {}, "sources": [],
                              "first_seen": None, "last_seen": None}


def combine_node(kind: str, name: str, name_rank: int, old: dict[str, Any],
                 old_ranks: dict[str, int | None], rows: Sequence[Row], rules: Rules
                 ) -> tuple[str, str, Ranks]:
    """(name, body, ranks) of the view of S + N from the view of S (its `name` of `name_rank`,
    its parsed body `old` holding only stated properties, their `old_ranks`) and N's `rows`.
    Rows already in S change nothing (unions and extremes are idempotent)."""
    old_name = name
    for rank, data, _first, _last in rows:
        if (-rank, _sql_order(data["name"])) < (-name_rank, _sql_order(name)):
            name, name_rank = data["name"], rank
    aliases = {old_name, *old["aliases"], *(r[1]["name"] for r in rows),
               *(a for r in rows for a in r[1]["aliases"])}
    aliases.discard(name)
    properties, ranks = _properties(kind, old["properties"], old_ranks, rows, rules)
    first, last = _days((old["first_seen"], old["last_seen"]), rows)
    return name, _dumps({"aliases": sorted(aliases), "properties": properties,
                         "sources": _sources(old["sources"], rows), "first_seen": first,
                         "last_seen": last}), (name_rank, ranks)


def edge_view(rel_type: str, rows: Sequence[Row], rules: Rules) -> str:
    """The body of the view tie of one key of `rel_type` from its statements."""
    return ranked_edge_view(rel_type, rows, rules)[0]


def ranked_edge_view(rel_type: str, rows: Sequence[Row], rules: Rules
                     ) -> tuple[str, Ranks | None]:
    """(body, ranks) of the view tie of one key of `rel_type` from its statements."""
    if _plain(rows):
        _rank, data, first, last = rows[0]
        return _dumps({"status": data.get("status"), "properties": data["properties"],
                       "sources": data["sources"], "first_seen": first, "last_seen": last}), None
    return combine_edge(rel_type, EMPTY_EDGE, {}, rows, rules)


def combine_edge(rel_type: str, old: dict[str, Any], old_ranks: dict[str, int | None],
                 rows: Sequence[Row], rules: Rules) -> tuple[str, Ranks]:
    """(body, ranks) of the tie of S + N from the tie of S (`old`, `old_ranks`) and N's rows."""
    statuses = [s for s in (old["status"], *(r[1].get("status") for r in rows)) if s is not None]
    properties, ranks = _properties(rel_type, old["properties"], old_ranks, rows, rules)
    first, last = _days((old["first_seen"], old["last_seen"]), rows)
    return _dumps({"status": max(statuses, default=None), "properties": properties,
                   "sources": _sources(old["sources"], rows), "first_seen": first,
                   "last_seen": last}), (None, ranks)
