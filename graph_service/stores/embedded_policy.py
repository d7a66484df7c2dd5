"""The policy of the embedded store's view, in Python: the view body of one canonical id or tie
from the statements behind it (docs/statements.md, "Set-wise maintenance").

The winner of every (id, property) is the first statement in the rule's order (min: smallest
value first, max: largest), then the origin's rank (best first), then the value (smallest
first); values compare as SQLite compares them (null < numbers < text, text by code point), so
the view is the one SQL windows over json_each derived before, byte for byte. A list property
of rule `union` is every text element any statement states, distinct and sorted. Names, aliases
and sources are unions; the days are the earliest and latest any statement saw. An id with one
statement and no list property takes its values as stated.

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


def _winner(rule: str | None, stated: list[tuple[Any, int]]) -> Any:
    """The winning value of (value, rank) pairs: the rule's order, then rank, then value, and
    of values the order holds equal (1 and 1.0) the integer: never the statements' order."""
    if len(stated) == 1:
        return stated[0][0]
    if rule in ("min", "max"):
        pick = min if rule == "min" else max
        best = pick(_sql_order(value) for value, _rank in stated)
        # Values SQL holds equal (1 and 1.0) go by rank, as the window orders them.
        stated = [(value, rank) for value, rank in stated if _sql_order(value) == best]
    return min(stated, key=lambda pair: (-pair[1], _sql_order(pair[0]),
                                         type(pair[0]) is float))[0]


def _view_value(value: Any) -> Any:
    """A winner as the view prints it: an object kept by a window was its JSON text."""
    return _dumps(value) if isinstance(value, dict) else value


def _plain(rows: Sequence[Row]) -> bool:
    return len(rows) == 1 and list not in map(type, rows[0][1]["properties"].values())


def _properties(kind: str, rows: Sequence[Row], rules: Rules) -> dict[str, Any]:
    stated: dict[str, list[tuple[Any, int]]] = {}
    unions: dict[str, set[str]] = {}
    for rank, data, _first, _last in rows:
        for key, value in data["properties"].items():
            if isinstance(value, list) and rules.get((kind, key)) == "union":
                unions.setdefault(key, set()).update(v for v in value if isinstance(v, str))
            else:
                stated.setdefault(key, []).append((value, rank))
    found = {key: _view_value(_winner(rules.get((kind, key)), values))
             for key, values in stated.items()}
    # A union no statement gives a text element of states nothing.
    found.update({key: sorted(items) for key, items in unions.items() if items})
    return {key: found[key] for key in sorted(found)}


def _days(rows: Sequence[Row]) -> tuple[str | None, str | None]:
    if len(rows) == 1:
        return rows[0][2], rows[0][3]
    firsts = [r[2] for r in rows if r[2] is not None]
    lasts = [r[3] for r in rows if r[3] is not None]
    return min(firsts, default=None), max(lasts, default=None)


def _sources(rows: Sequence[Row]) -> list[str]:
    return sorted({s for r in rows for s in r[1]["sources"]})


def node_view(kind: str, rows: Sequence[Row], rules: Rules) -> tuple[str, str]:
    """(name, body) of the view node of one canonical id of `kind` from its statements."""
    first, last = _days(rows)
    if _plain(rows):
        data = rows[0][1]
        name = data["name"]
        return name, _dumps({"aliases": [a for a in data["aliases"] if a != name],
                             "properties": data["properties"], "sources": data["sources"],
                             "first_seen": first, "last_seen": last})
    name = min(rows, key=lambda r: (-r[0], _sql_order(r[1]["name"])))[1]["name"]
    aliases = {r[1]["name"] for r in rows} | {a for r in rows for a in r[1]["aliases"]}
    aliases.discard(name)
    return name, _dumps({"aliases": sorted(aliases),
                         "properties": _properties(kind, rows, rules),
                         "sources": _sources(rows), "first_seen": first, "last_seen": last})


def edge_view(rel_type: str, rows: Sequence[Row], rules: Rules) -> str:
    """The body of the view tie of one key of `rel_type` from its statements."""
    first, last = _days(rows)
    if _plain(rows):
        data = rows[0][1]
        return _dumps({"status": data.get("status"), "properties": data["properties"],
                       "sources": data["sources"], "first_seen": first, "last_seen": last})
    statuses: list[str] = [r[1]["status"] for r in rows if r[1].get("status") is not None]
    return _dumps({"status": max(statuses, default=None),
                   "properties": _properties(rel_type, rows, rules),
                   "sources": _sources(rows), "first_seen": first, "last_seen": last})
