"""Record validation and merge semantics, shared by every store."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.domain_model import load_model
from graph_service.records import (
    Batch,
    Edge,
    Node,
    ValidationError,
    collapse,
    merge_edges,
    merge_nodes,
    union,
    validate_edge,
    validate_node,
)

MODEL = load_model()


def test_merge_keeps_the_first_name_and_unions_the_rest() -> None:
    old = Node("company:acme", "Company", "ACME INC", ["Acme"], {"uei": "U1", "city": "X"},
               ["source:a"], "2024-01-01", "2024-01-01")
    new = Node("company:acme", "Company", "Acme Incorporated", ["ACME"], {"city": None,
               "state": "MN"}, ["source:b", "source:a"], "2023-05-01", "2025-02-02")
    merged = merge_nodes(old, new)
    assert merged.name == "ACME INC"
    assert merged.aliases == ["Acme", "ACME", "Acme Incorporated"]
    assert merged.properties == {"uei": "U1", "city": "X", "state": "MN"}
    assert merged.sources == ["source:a", "source:b"]
    assert (merged.first_seen, merged.last_seen) == ("2023-05-01", "2025-02-02")


def test_reported_outranks_inferred() -> None:
    inferred = Edge("OPERATES_IN", "agency:ice", "domain:x", "inferred", {"rule": "r"})
    reported = Edge("OPERATES_IN", "agency:ice", "domain:x", "reported", {}, ["source:s"])
    assert merge_edges(inferred, reported).status == "reported"
    assert merge_edges(reported, inferred).properties == {"rule": "r"}


def test_collapse_merges_duplicates_inside_a_batch() -> None:
    batch = Batch(
        [Node("company:a", "Company", "A"), Node("company:a", "Company", "A2")],
        [Edge("SUBSIDIARY_OF", "company:a", "company:b")] * 2,
    )
    collapsed = collapse(batch)
    assert [n.aliases for n in collapsed.nodes] == [["A2"]]
    assert len(collapsed.edges) == 1


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


@given(st.lists(st.text(max_size=3), max_size=8), st.lists(st.text(max_size=3), max_size=8))
def test_union_is_ordered_and_idempotent(first: list[str], second: list[str]) -> None:
    merged = union(first, second)
    assert len(merged) == len(set(merged)) or len(first) != len(set(first))
    assert set(merged) == set(first) | set(second)
    assert union(merged, second) == merged
