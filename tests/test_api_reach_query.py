"""Reach to any target, filtered and ordered; unsupported questions are errors, not empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.records import Edge, Node
from graph_service.stores.base import GraphStore
from tests.test_api_graphql import data, gql, settings
from tests.test_api_lists import TECH, graph


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    batch = graph()
    # V: two cheap drone contracts from B, and a reported SUPPLIES tie to B
    batch.nodes += [Node("company:v", "Company", "V"),
                    *(Node(f"contract:dr-{i}", "Contract", f"DR {i}",
                           properties={"obligated": 1.0, "start_date": "2015-01-01",
                                       "end_date": "2015-12-31"}) for i in range(2))]
    for i in range(2):
        batch.edges += [Edge("AWARDED_BY", f"contract:dr-{i}", "agency:b"),
                        Edge("AWARDED_TO", f"contract:dr-{i}", "company:v"),
                        Edge("OF_TECHNOLOGY", f"contract:dr-{i}", "technology:drones")]
    batch.edges.append(Edge("SUPPLIES", "company:x", "agency:b"))
    store.upsert(batch)
    with TestClient(create_app(settings(), store=store)) as test_client:
        yield test_client


RANKED = """query($f: ReachFilterInput, $o: ReachOrderBy) {
  companiesReaching(to: "agency:b", filter: $f, orderBy: $o) {
    totalCount nodes { subject { id } totalObligated contracts { id } rules
                       paths { nodes { id } } } } }"""


def test_vendors_of_an_agency_ranked_and_filtered(client: TestClient) -> None:
    every = data(gql(client, RANKED, {"o": {"field": "OBLIGATED", "descending": True}}))
    ranked = every["companiesReaching"]["nodes"]
    # Z: 0+10+20+30+40; V: 2; X: no contract (SUPPLIES), last
    assert [n["subject"]["id"] for n in ranked] == ["company:z", "company:v", "company:x"]
    assert [n["totalObligated"] for n in ranked] == [100.0, 2.0, None]
    face = data(gql(client, RANKED, {"f": {"technology": TECH}}))["companiesReaching"]
    assert [n["subject"]["id"] for n in face["nodes"]] == ["company:z"]
    assert len(face["nodes"][0]["contracts"]) == 5
    drones = data(gql(client, RANKED, {"f": {"technology": "technology:drones"}}))
    only = drones["companiesReaching"]["nodes"]
    assert [n["subject"]["id"] for n in only] == ["company:v"]
    assert all(p["nodes"][1]["id"].startswith("contract:dr-") for p in only[0]["paths"])
    rich = data(gql(client, RANKED, {"f": {"minAmount": 50}}))["companiesReaching"]
    assert [n["subject"]["id"] for n in rich["nodes"]] == ["company:z"]
    window = data(gql(client, RANKED, {"f": {"since": "2015-06-01", "until": "2016-01-01"}}))
    # Z's contracts have no dates (open), V's run through 2015
    assert {n["subject"]["id"] for n in window["companiesReaching"]["nodes"]} == {
        "company:v", "company:z"}
    named = data(gql(client, RANKED, {"f": {"text": "z"}, "o": {"field": "NAME"}}))
    assert [n["subject"]["id"] for n in named["companiesReaching"]["nodes"]] == ["company:z"]
    by_count = data(gql(client, RANKED, {"o": {"field": "CONTRACTS"}}))
    assert [n["subject"]["id"] for n in by_count["companiesReaching"]["nodes"]] == [
        "company:x", "company:v", "company:z"]  # 0, 2, 5 contracts


def test_a_technology_and_its_agencies(client: TestClient) -> None:
    found = data(gql(client, f"""{{ reach(fromKinds: [AGENCY], to: "{TECH}") {{
        totalCount nodes {{ subject {{ id }} rules }} }} }}"""))["reach"]
    assert {n["subject"]["id"]: n["rules"] for n in found["nodes"]} == {
        "agency:a": ["agency-uses-technology"], "agency:b": ["agency-buys-technology"],
        "agency:c": ["agency-uses-technology"]}


@pytest.mark.parametrize(("query", "words"), [
    ('{ reach(fromKinds: [DOMAIN], to: "agency:b") { totalCount } }', "no reach rule"),
    ('{ reach(fromKinds: [TECHNOLOGY], to: "agency:b", filter: {technology: "' + TECH + '"}) '
     '{ totalCount } }', "cannot apply"),
    ('{ companiesReaching(to: "agency:b", filter: {technology: "agency:a"}) { totalCount } }',
     "must be a Technology id"),
    ('{ companiesReaching(to: "agency:b", domain: "domain:x") { totalCount } }', "not both"),
    ('{ companiesReaching(to: "agency:b", filter: {since: "2020-01-01", until: "2019-01-01"}) '
     '{ totalCount } }', "since is after"),
])
def test_unsupported_questions_are_errors(client: TestClient, query: str, words: str) -> None:
    body = gql(client, query)
    assert body["data"] is None
    assert words in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
