"""Record validation, shared by every store (the policy that derives the view from claims is
tested in tests/test_statements.py)."""

from __future__ import annotations

import pytest

from graph_service.domain_model import load_model
from graph_service.records import (
    Edge,
    Node,
    ValidationError,
    validate_edge,
    validate_node,
)

MODEL = load_model()


@pytest.mark.parametrize(
    "node, field",
    [
        (Node("company:a", "Gadget", "A"), "kind"),
        (Node("agency:a", "Company", "A"), "id"),
        (Node("company a", "Company", "A"), "id"),
        (Node("company:a", "Company", "  "), "name"),
        (Node("company:a", "Company", "A", properties={"shoe_size": "9"}), "shoe_size"),
        (Node("contract:a", "Contract", "A", properties={"obligated": "lots"}), "obligated"),
        (Node("contract:a", "Contract", "A", properties={"obligated": float("nan")}), "obligated"),
        (Node("contract:a", "Contract", "A", properties={"start_date": "2021-02-30"}),
         "start_date"),
        (Node("agency:a", "Agency", "A", properties={"level": "galactic"}), "level"),
    ],
)
def test_invalid_nodes_name_their_field(node: Node, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_node(MODEL, node)
    assert error.value.field == field


@pytest.mark.parametrize(
    "edge, field",
    [
        (Edge("DELETES", "company:a", "company:b"), "type"),
        (Edge("OFFERS", "company:a", "agency:b"), "to"),
        (Edge("OFFERS", "agency:a", "product:b"), "from"),
        (Edge("OFFERS", "company:a", "product:b", "rumoured"), "status"),
        (Edge("OFFERS", "company:a", "product:b", properties={"`x`": 1}), "`x`"),
        (Edge("OFFERS", "company:a", "product:b", properties={"status": "reported"}), "status"),
    ],
)
def test_invalid_edges_name_their_field(edge: Edge, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_edge(MODEL, edge)
    assert error.value.field == field
