"""When a tie or a contract is in force on a date: the one rule both stores' traversals apply."""

from __future__ import annotations

from graph_service.records import Edge, Node

# Ties that report something happening in time (use, supply, ownership): without dates they
# are undated and, like undated contracts, left out of answers on a date unless asked for.
# Structural ties (PART_OF, OPERATES_IN, catalog OFFERS) hold whatever the date.
DATED_TIES = frozenset({"USED_BY", "SUPPLIES", "SUBSIDIARY_OF"})


def edge_in_force(edge: Edge, as_of: str | None) -> bool:
    if as_of is None:
        return True
    start, end = edge.properties.get("valid_from"), edge.properties.get("valid_to")
    return (start is None or str(start) <= as_of) and (end is None or str(end) >= as_of)


def contract_span(node: Node) -> tuple[str | None, str | None]:
    """A contract's dates: its period of performance widened by its actions' dates (an action
    on a date is the award in force then). (None, None): undated."""
    props = node.properties
    starts = [str(v) for v in (props.get("start_date"), props.get("first_action_date")) if v]
    ends = [str(v) for v in (props.get("end_date"), props.get("last_action_date")) if v]
    return (min(starts) if starts else None), (max(ends) if ends else None)


def node_in_force(node: Node | None, as_of: str | None, include_undated: bool = False) -> bool:
    """Contracts count on a date when their dates cover it (a missing end is open). An undated
    contract (no period, no action) counts on no date unless `include_undated`."""
    if as_of is None or node is None or node.kind != "Contract":
        return True
    start, end = contract_span(node)
    if start is None and end is None:
        return include_undated
    return (start is None or start <= as_of) and (end is None or end >= as_of)
