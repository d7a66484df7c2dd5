"""Ownership over time: which of a company's SUBSIDIARY_OF ties is its parent on a date.

Each tie is dated by the awards that state it (valid_from: the earliest, valid_to: the latest,
by the policy's min/max rules), so one company can show several parents over the years.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph_service.records import Edge


def latest_first(tie: Edge) -> tuple[str, str, str]:
    props = tie.properties
    end = str(props.get("valid_to") or props.get("valid_from") or "")
    start = str(props.get("valid_from") or "")
    return (_invert(end), _invert(start), tie.target)


def _invert(day: str) -> str:
    """Sorts dates latest first (undated last) in an ascending sort."""
    return "~" if not day else "".join(chr(0x7e - ord(c) + 0x20) for c in day)


def choose_parent(ties: Sequence[Edge], as_of: str | None) -> Edge | None:
    """The parent on a date: among the ties in force then (valid_from <= date <= valid_to), the
    most recently begun (latest valid_from), then the smallest id; None when none is. Without a
    date: the latest stated (latest valid_to), undated ties last."""
    if as_of is not None:
        live = [t for t in ties if t.properties.get("valid_from") is not None
                and str(t.properties["valid_from"]) <= as_of
                <= str(t.properties.get("valid_to") or "9999-12-31")]
        if live:
            return min(live, key=lambda t: (_invert(str(t.properties["valid_from"])), t.target))
        return None
    return min(ties, key=latest_first) if ties else None
