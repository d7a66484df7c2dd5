"""Corporate families counted once in reach rankings and spending (rollUp PARENT | NONE)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.api.families import families
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from tests.test_api_graphql import data, gql, settings

# contract -> (recipient, obligated)
CONTRACTS = {"top": ("top", 10.0), "mid": ("mid", 20.0), "leaf": ("leaf", 40.0),
             "other": ("other", 80.0), "l1": ("loop1", 1.0), "l2": ("loop2", 2.0),
             "deep": ("leaf2", 100.0)}
# leaf -> mid -> top; loop1 <-> loop2; leaf2 -> p1 -> p2 -> p3 (p3: 3 steps up, beyond the
# reach rules' two SUBSIDIARY_OF steps, so it does not reach: p2 heads that family)
PARENTS = [("leaf", "mid"), ("mid", "top"), ("loop1", "loop2"), ("loop2", "loop1"),
           ("leaf2", "p1"), ("p1", "p2"), ("p2", "p3")]
COMPANIES = sorted({c for c, _ in CONTRACTS.values()} | {p for _, p in PARENTS})


def family_graph() -> Batch:
    nodes = [Node("agency:b", "Agency", "B")]
    nodes += [Node(f"company:{c}", "Company", c.upper()) for c in COMPANIES]
    edges = [Edge("SUBSIDIARY_OF", f"company:{a}", f"company:{b}") for a, b in PARENTS]
    edges.append(Edge("SUPPLIES", "company:mid", "agency:b"))  # mid's own tie, no contract
    for cid, (recipient, amount) in CONTRACTS.items():
        nodes.append(Node(f"contract:{cid}", "Contract", cid, properties={"obligated": amount}))
        edges += [Edge("AWARDED_BY", f"contract:{cid}", "agency:b"),
                  Edge("AWARDED_TO", f"contract:{cid}", f"company:{recipient}")]
    return Batch(nodes, edges)


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    store.upsert(family_graph())
    with TestClient(create_app(settings(), store=store)) as test_client:
        yield test_client


RANKED = """query($r: RollUp) { companiesReaching(to: "agency:b", rollUp: $r, first: 100) {
  totalCount nodes { subject { id } members { id } totalObligated contracts { id obligated }
                     paths { nodes { id } edges { type } } } } }"""


def rows(client: TestClient, roll: str | None) -> dict[str, dict[str, Any]]:
    found = data(gql(client, RANKED, {"r": roll} if roll else None))["companiesReaching"]
    assert found["totalCount"] == len(found["nodes"])
    return {n["subject"]["id"].removeprefix("company:"): n for n in found["nodes"]}


def test_a_family_is_one_row_under_its_top_parent_by_default(client: TestClient) -> None:
    parent = rows(client, None)
    assert parent == rows(client, "PARENT")
    assert {k: [m["id"].removeprefix("company:") for m in v["members"]]
            for k, v in parent.items()} == {
        "top": ["leaf", "mid"], "other": [], "loop1": ["loop2"], "p2": ["leaf2", "p1"]}
    assert {k: v["totalObligated"] for k, v in parent.items()} == {
        "top": 70.0, "other": 80.0, "loop1": 3.0, "p2": 100.0}
    # the family's row shows how it reaches: through its subsidiaries' ties
    assert parent["top"]["paths"][0]["nodes"][0]["id"] == "company:top"
    assert all(p["nodes"][-1]["id"] == "agency:b" for v in parent.values() for p in v["paths"])


def test_rows_never_count_a_contract_twice(client: TestClient) -> None:
    parent = rows(client, "PARENT")
    contracts = {c["id"]: c["obligated"] for v in parent.values() for c in v["contracts"]}
    assert sum(len(v["contracts"]) for v in parent.values()) == len(contracts)
    assert sum(v["totalObligated"] for v in parent.values()) == sum(contracts.values())
    assert sum(contracts.values()) == sum(amount for _, amount in CONTRACTS.values())


def test_none_counts_each_company_alone_with_its_own_ties(client: TestClient) -> None:
    alone = rows(client, "NONE")
    # p1, p2 and the parent 'top' hold nothing themselves; mid keeps its own SUPPLIES tie
    assert {k: v["totalObligated"] for k, v in alone.items()} == {
        "top": 10.0, "mid": 20.0, "leaf": 40.0, "other": 80.0, "loop1": 1.0, "loop2": 2.0,
        "leaf2": 100.0}
    assert all(v["members"] == [] for v in alone.values())
    assert all(e["type"] != "SUBSIDIARY_OF" for v in alone.values() for p in v["paths"]
               for e in p["edges"])
    assert alone["mid"]["paths"][0]["edges"] == [{"type": "SUPPLIES"}]
    assert [c["id"] for c in alone["top"]["contracts"]] == ["contract:top"]


def test_filters_and_order_apply_to_whole_families(client: TestClient) -> None:
    query = """{ companiesReaching(to: "agency:b", filter: {minAmount: 60},
                 orderBy: {field: OBLIGATED, descending: true}) {
                 nodes { subject { id } totalObligated } } }"""
    ranked = data(gql(client, query))["companiesReaching"]["nodes"]
    # top's family (70) passes although no member alone reaches 60
    assert [(n["subject"]["id"], n["totalObligated"]) for n in ranked] == [
        ("company:p2", 100.0), ("company:other", 80.0), ("company:top", 70.0)]


def test_families_are_cycle_safe_and_head_at_the_top(store: GraphStore) -> None:
    store.upsert(family_graph())
    reaching = [f"company:{c}" for c in ("leaf", "mid", "top", "loop1", "loop2", "p1")]
    assert families(store, reaching) == {
        "company:top": ["company:leaf", "company:mid"], "company:loop1": ["company:loop2"],
        "company:p1": []}


def test_spending_by_company_counts_a_family_once(client: TestClient) -> None:
    query = """query($r: RollUp) { spending(groupBy: [COMPANY], rollUp: $r) {
               company { id } members { id } count obligated } }"""
    parent = data(gql(client, query))["spending"]
    assert parent == data(gql(client, query, {"r": "PARENT"}))["spending"]
    by_head = {r["company"]["id"]: r for r in parent}
    assert by_head["company:top"] == {"company": {"id": "company:top"}, "members": [
        {"id": "company:leaf"}, {"id": "company:mid"}], "count": 3, "obligated": 70.0}
    assert "company:mid" not in by_head and "company:leaf" not in by_head
    alone = data(gql(client, query, {"r": "NONE"}))["spending"]
    assert {r["company"]["id"] for r in alone} == {
        f"company:{c}" for c, _ in CONTRACTS.values()}
    total = sum(amount for _, amount in CONTRACTS.values())
    for found in (parent, alone):
        assert sum(r["obligated"] for r in found) == total
        assert sum(r["count"] for r in found) == len(CONTRACTS)
