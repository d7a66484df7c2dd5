"""The view of ids the store already holds, combined from their view row and a group's statements.

The policy is decomposable (embedded_policy): the view of S + N is the view of S, with the rank
of each of its winners (the `ranks` column), combined with N. So an id whose identity did not
move is re-derived from its view row and the group's statements of it, without reading back its
stored statements, whose number grows with the store (a company named in every award has a
statement per distinct mention of it). Every statement of such an id that its view row does not
hold is in the group: the view is derived in the transaction that appends them, and a member new
to the id is new to the store (all its statements are the group's).

Left to the SQL path (embedded_view): ids whose identity moved (their members changed canonical
id), rows without ranks (taken as stated from one statement, or written before ranks were
kept), and rows whose stated values the contracts' derived money overwrote (action_sums).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import orjson

from graph_service.statements import Fragment
from graph_service.stores.action_sums import DERIVED
from graph_service.stores.embedded_fresh import FreshView, rows_of
from graph_service.stores.embedded_policy import Rules, combine_edge, combine_node, ranks_text

# Kept on the view row of a contract, not derived from its statements (action_sums).
_DERIVED = frozenset(DERIVED)


def _stated(body: dict[str, Any], ranks: dict[str, int | None]) -> dict[str, Any] | None:
    """The view row's body with only the properties the policy gave it (those of `ranks`), or
    None when one of them is not the policy's value any more."""
    properties = body["properties"]
    if not ranks.keys() <= properties.keys() or not _DERIVED.isdisjoint(ranks):
        return None  # a stated null `obligated` removed, or a stated sum overwritten
    if "obligated" in ranks and properties.get("obligated_basis", "stated") != "stated":
        return None  # a stated null `obligated` replaced by the actions' sum
    if len(properties) != len(ranks):
        body = {**body, "properties": {key: properties[key] for key in ranks}}
    return body


def nodes(db: sqlite3.Connection, moved: set[str], fresh: set[str], members: dict[str, str],
          statements: Sequence[Fragment], rules: Rules) -> FreshView:
    """The view rows of the touched ids (temp table old_nodes holds their rows before) that can
    be combined, with their new terms and indexed values; `statements` are the group's."""
    view = FreshView()
    wanted = {i for (i,) in db.execute("SELECT id FROM old_nodes WHERE ranks IS NOT NULL")
              } - moved - fresh
    if not wanted:
        return view
    by_canonical: dict[str, list[Fragment]] = {}
    for frag in statements:
        canonical = members.get(frag.entity, "")
        if canonical in wanted:
            by_canonical.setdefault(canonical, []).append(frag)
    indexed: dict[str, list[str]] = {}
    for kind, prop in db.execute("SELECT kind, prop FROM indexed_props ORDER BY kind, prop"):
        indexed.setdefault(kind, []).append(prop)
    # The old rows stream (a company named in many awards has a long body): memory holds the
    # new rows only, as on the SQL path.
    for canonical, kind, old_name, old_body, old_ranks in db.execute(
            "SELECT id, kind, name, body, ranks FROM old_nodes WHERE ranks IS NOT NULL"):
        if canonical not in wanted:
            continue
        name_rank, ranks = orjson.loads(old_ranks)
        body = _stated(orjson.loads(old_body), ranks)
        if body is None:
            continue
        frags = by_canonical.get(canonical, [])
        name, new_body, new_ranks = combine_node(kind, old_name, name_rank, body, ranks,
                                                 rows_of(frags) if frags else [], rules)
        view.add_node((canonical, kind, name, new_body, ranks_text(new_ranks)), frags,
                      orjson.loads(new_body)["properties"], indexed.get(kind, ()))
    return view


def edges(db: sqlite3.Connection, moved: set[str], ends: dict[str, str],
          statements: Sequence[Fragment], rules: Rules) -> FreshView:
    """The ties of the temp table edge_keys whose rows (old_edges) can be combined with the
    group's tie `statements`; `ends` maps their ends to canonical ids."""
    view = FreshView()
    wanted = {key for key in db.execute(
        "SELECT src, type, dst FROM old_edges WHERE ranks IS NOT NULL")
        if key[0] not in moved and key[2] not in moved}
    if not wanted:
        return view
    by_key: dict[tuple[str, str, str], list[Fragment]] = {}
    for frag in statements:
        key = (ends.get(frag.src or "", ""), frag.kind, ends.get(frag.dst or "", ""))
        if key in wanted:
            by_key.setdefault(key, []).append(frag)
    for src, rel_type, dst, old_body, old_ranks in db.execute(
            "SELECT src, type, dst, body, ranks FROM old_edges WHERE ranks IS NOT NULL"):
        if (src, rel_type, dst) not in wanted:
            continue
        _none, ranks = orjson.loads(old_ranks)
        frags = by_key.get((src, rel_type, dst), [])
        body, new_ranks = combine_edge(rel_type, orjson.loads(old_body), ranks,
                                       rows_of(frags) if frags else [], rules)
        view.edges.append((src, rel_type, dst, body, ranks_text(new_ranks)))
        view.edge_ids.update(f.id for f in frags)
    return view
