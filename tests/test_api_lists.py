"""Lists that never silently stop: neighbour connections with totals and cursors, technology
filters over reported use as well as contracts (`via`), the agency `state` filter and
`sharesDataWith(direction:)`. On both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from tests.test_api_graphql import data, gql, settings

TECH = "technology:face-recognition"


def graph() -> Batch:
    """A uses face recognition (Atlas-like record AOS1, supplied by X in that record and by Y
    in another); B bought it under contract from Z; C uses a product of it."""
    nodes = [
        Node(TECH, "Technology", "Face recognition"),
        Node("technology:drones", "Technology", "Drones"),
        Node("product:faces", "Product", "Faces"),
        Node("agency:a", "Agency", "A", properties={"state": "NC"}),
        Node("agency:b", "Agency", "B", properties={"state": "CA"}),
        Node("agency:c", "Agency", "C", properties={"state": "NC"}),
        *(Node(f"company:{c}", "Company", c.upper()) for c in "wxyz"),
    ]
    edges = [
        Edge("USED_BY", TECH, "agency:a", properties={"note": "AOS1: A uses it"}),
        Edge("USED_BY", "technology:drones", "agency:a", properties={"note": "AOS2: drones"}),
        Edge("SUPPLIES", "company:x", "agency:a", properties={"note": "AOS1: A uses it"}),
        Edge("SUPPLIES", "company:y", "agency:a", properties={"note": "AOS2: drones"}),
        Edge("OF_TECHNOLOGY", "product:faces", TECH),
        Edge("USED_BY", "product:faces", "agency:c"),
        Edge("OFFERS", "company:w", "product:faces"),
        Edge("SHARES_DATA_WITH", "agency:a", "agency:b"),
        Edge("SHARES_DATA_WITH", "agency:c", "agency:a"),
    ]
    for i in range(5):
        cid = f"contract:fr-{i}"
        nodes.append(Node(cid, "Contract", f"FR {i}", properties={"obligated": 10.0 * i}))
        edges += [Edge("AWARDED_BY", cid, "agency:b"), Edge("AWARDED_TO", cid, "company:z"),
                  Edge("OF_TECHNOLOGY", cid, TECH)]
    return Batch(nodes, edges)


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    store.upsert(graph())
    with TestClient(create_app(settings(), store=store)) as test_client:
        yield test_client


def ids(client: TestClient, field: str, flt: str) -> list[str]:
    found = data(gql(client, f"{{ {field}(filter: {flt}) {{ totalCount nodes {{ id }} }} }}"))
    page = found[field]
    assert page["totalCount"] == len(page["nodes"])
    return [n["id"] for n in page["nodes"]]


def test_technology_filters_count_reported_use_and_say_which(client: TestClient) -> None:
    tech = f'technology: "{TECH}"'
    assert ids(client, "agencies", f"{{{tech}}}") == ["agency:a", "agency:b", "agency:c"]
    assert ids(client, "agencies", f"{{{tech}, via: CONTRACT}}") == ["agency:b"]
    assert ids(client, "agencies", f"{{{tech}, via: REPORTED_USE}}") == ["agency:a", "agency:c"]
    assert ids(client, "agencies", f'{{{tech}, state: "nc"}}') == ["agency:a", "agency:c"]
    assert ids(client, "agencies", '{state: "CA"}') == ["agency:b"]
    # Y supplies A too, but in the drones record: not a face recognition vendor
    assert ids(client, "companies", f"{{{tech}}}") == ["company:w", "company:x", "company:z"]
    assert ids(client, "companies", f"{{{tech}, via: CONTRACT}}") == ["company:z"]
    assert ids(client, "companies", f"{{{tech}, via: REPORTED_USE}}") == ["company:w",
                                                                         "company:x"]


def test_via_without_technology_is_refused(client: TestClient) -> None:
    body = gql(client, "{ agencies(filter: {via: CONTRACT}) { totalCount } }")
    assert body["data"] is None
    assert "give technology" in body["errors"][0]["message"]


PAGE = """query($after: String) { node(id: "agency:b") { ... on Agency {
  contractsConnection(first: 2, after: $after) { totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id obligated } } } } }"""


def test_neighbour_connections_page_to_the_end(client: TestClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = data(gql(client, PAGE, {"after": after}))["node"]["contractsConnection"]
        assert page["totalCount"] == 5
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"contract:fr-{i}" for i in range(5)]
    # read ahead under a list (prefetch.py) and through the loaders: the same pages
    listed = data(gql(client, """{ agencies(filter: {state: "CA"}) { nodes {
        contractsConnection(first: 2) { totalCount nodes { id recipient { id } } }
        contracts(first: 2) { id } } } }"""))["agencies"]["nodes"][0]
    assert listed["contractsConnection"]["totalCount"] == 5
    assert [n["id"] for n in listed["contractsConnection"]["nodes"]] == seen[:2]
    assert [n["id"] for n in listed["contracts"]] == seen[:2]
    assert {n["recipient"]["id"] for n in listed["contractsConnection"]["nodes"]} == {
        "company:z"}


@pytest.mark.parametrize(("direction", "expected"), [
    ("OUT", ["agency:b"]), ("IN", ["agency:c"]), ("BOTH", ["agency:b", "agency:c"])])
def test_shares_data_with_by_direction(client: TestClient, direction: str,
                                       expected: list[str]) -> None:
    found: Any = data(gql(client, f"""{{ node(id: "agency:a") {{ ... on Agency {{
        sharesDataWith(direction: {direction}) {{ id }}
        sharesDataWithConnection(direction: {direction}) {{ totalCount }} }} }} }}"""))
    agency = found["node"]
    assert [n["id"] for n in agency["sharesDataWith"]] == expected
    assert agency["sharesDataWithConnection"]["totalCount"] == len(expected)
