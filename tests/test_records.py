"""Record validation, shared by every store (the policy that derives the view from claims is
tested in tests/test_statements.py)."""

from __future__ import annotations

import pytest

from graph_service.domain_model import load_model
from graph_service.records import (
    MAX_TEXT,
    ClaimChecks,
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


# Claims the loaders' fast checks (ClaimChecks) must send to the full validation: each breaks the
# schema in one way, several in ways the fast path answers from its tables or memory.
BAD_NODES = [
    Node("company:a", "Gadget", "A"),
    Node("agency:a", "Company", "A"),
    Node("companyx:a", "Company", "A"),
    Node("company a", "Company", "A"),
    Node("company:", "Company", "A"),
    Node("company:a", "Company", "  "),
    Node("company:a", "Company", "A\x00"),
    Node("company:a", "Company", "A", properties={"shoe_size": "9"}),
    Node("company:a", "Company", "A", properties={"shoe_size": None}),
    Node("company:a", "Company", "A", properties={"city": "x" * (MAX_TEXT + 1)}),
    Node("company:a", "Company", "A", properties={"city": 7}),
    Node("contract:a", "Contract", "A", properties={"obligated": "lots"}),
    Node("contract:a", "Contract", "A", properties={"obligated": float("nan")}),
    Node("contract:a", "Contract", "A", properties={"obligated": 2e15}),
    Node("contract:a", "Contract", "A", properties={"obligated": True}),
    Node("contract:a", "Contract", "A", properties={"start_date": "2021-02-30"}),
    Node("contract:a", "Contract", "A", properties={"start_date": "2021-2-3"}),
    Node("contract:a", "Contract", "A", properties={"fiscal_year": True}),
    Node("contract:a", "Contract", "A", properties={"fiscal_year": 2021.0}),
    Node("agency:a", "Agency", "A", properties={"level": "galactic"}),
    Node("company:a", "Company", "A", aliases=["B", 3]),  # type: ignore[list-item]
    Node("company:a", "Company", "A", sources=["source:x\x00"]),
    Node("company:a", "Company", "A", first_seen="yesterday"),
]
GOOD_NODES = [
    Node("company:a", "Company", "A", ["B"], {"city": "Reston", "uei": "X1"}, ["source:s"],
         "2024-01-02", "2024-01-03"),
    Node("contract:a", "Contract", "A", [], {"obligated": 12.5, "start_date": "2021-02-03",
                                            "fiscal_year": 2021}, ["source:s", "source:t"]),
    Node("agency:a", "Agency", "A", properties={"level": "federal"}),
]


def _fast(checks: ClaimChecks, node: Node) -> bool:
    return checks.node_ok(node.id, node.kind, node.name, node.aliases, node.properties,
                          node.sources, node.first_seen, node.last_seen)


@pytest.mark.parametrize("bad", BAD_NODES, ids=lambda n: f"{n.kind}-{n.id}")
def test_fast_node_checks_never_pass_what_validation_refuses(bad: Node) -> None:
    checks = ClaimChecks(MODEL)
    for good in GOOD_NODES:  # the good values are remembered first
        assert _fast(checks, good)
        validate_node(MODEL, good)
    with pytest.raises(ValidationError):
        validate_node(MODEL, bad)
    assert not _fast(checks, bad)


@pytest.mark.parametrize("bad", [
    Edge("DELETES", "company:a", "company:b"),
    Edge("OFFERS", "company:a", "agency:b"),
    Edge("OFFERS", "agency:a", "product:b"),
    Edge("OFFERS", "company:", "product:b"),
    Edge("OFFERS", "company:a", "product:b", "rumoured"),
    Edge("OFFERS", "company:a", "product:b", properties={"`x`": 1}),
    Edge("OFFERS", "company:a", "product:b", properties={"status": "reported"}),
    Edge("AWARDED_TO", "contract:a", "company:b", properties={"amount": float("inf")}),
    Edge("AWARDED_TO", "contract:a", "company:b", properties={"valid_from": "2021-13-01"}),
    Edge("AWARDED_TO", "contract:a", "company:b", sources=["source:s", 4]),  # type: ignore[list-item]
], ids=str)
def test_fast_edge_checks_never_pass_what_validation_refuses(bad: Edge) -> None:
    checks = ClaimChecks(MODEL)
    good = Edge("AWARDED_TO", "contract:a", "company:b", "reported",
                {"amount": 3.0, "valid_from": "2021-01-01"}, ["source:s"])
    assert checks.edge_ok(good.type, good.source, good.target, good.status, good.properties,
                          good.sources)
    validate_edge(MODEL, good)
    with pytest.raises(ValidationError):
        validate_edge(MODEL, bad)
    assert not checks.edge_ok(bad.type, bad.source, bad.target, bad.status, bad.properties,
                              bad.sources)
