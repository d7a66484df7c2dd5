"""What the details panel says about conflicting sources: for each node of a map, every property
that sources disagree on, with the value shown, its source and record, and the other values.

Read in one store call (`statements`) for the nodes of the map, and kept only where sources
disagree, so a map of thousands of nodes stays small. Maps larger than PROVENANCE_LIMIT nodes
skip it (the API's `provenance` field answers for any node)."""

from __future__ import annotations

from typing import Any

from graph_service.statements import Statement
from graph_service.stores.base import GraphStore
from visualizations.payload import MapView

PROVENANCE_LIMIT = 3000


def _stated(statement: Statement, prop: str) -> Any:
    return statement.name if prop == "name" else statement.properties.get(prop)


def conflicts(store: GraphStore, view: MapView) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """node id -> property -> [{value, source, record, shown}], best-ranked first; only the
    properties at least two statements give different values for."""
    real = [n for n in view.nodes if not n.id.startswith("fold:")]
    if not real or len(real) > PROVENANCE_LIMIT:
        return {}
    shown = {n.id: {"name": n.name, **n.properties} for n in real}
    by_node: dict[str, list[Statement]] = {}
    for statement in store.statements([n.id for n in real]):
        by_node.setdefault(statement.canonical, []).append(statement)
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for node_id, statements in by_node.items():
        props = sorted({"name", *(k for s in statements for k in s.properties)})
        for prop in props:
            said = [(s, v) for s in statements if (v := _stated(s, prop)) is not None]
            if len({repr(v) for _, v in said}) < 2:
                continue
            rows, seen = [], set()
            for statement, value in said:
                key = (repr(value), statement.source)
                if key in seen:
                    continue
                seen.add(key)
                rows.append({"value": value, "source": statement.source,
                             "record": statement.record,
                             "shown": value == shown[node_id].get(prop)})
            found.setdefault(node_id, {})[prop] = rows
    return found


def with_provenance(store: GraphStore, view: MapView) -> MapView:
    view.conflicts = conflicts(store, view)
    cited = {row["source"] for props in view.conflicts.values() for rows in props.values()
             for row in rows if row["source"] and row["source"] not in view.sources}
    view.sources.update(store.get_nodes(sorted(cited)))
    return view
