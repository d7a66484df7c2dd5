"""Paths beyond the shortest: the first k simple paths by length, then Path.key, bounded."""

from __future__ import annotations

import random
from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.records import Batch, Edge, Node
from graph_service.stores import paths
from graph_service.stores.base import GraphStore, Path
from tests.test_api_graphql import data, gql, settings

# s -SUPPLIES-> t; s -OFFERS-> p <-COVERS- c -AWARDED_BY-> t; s -SUPPLIES-> x -PART_OF-> t and
# x -SHARES_DATA_WITH-> t (two types between x and t); p -USED_BY-> x
TIES = [("SUPPLIES", "company:s", "agency:t"), ("OFFERS", "company:s", "product:p"),
        ("COVERS", "contract:c", "product:p"), ("AWARDED_BY", "contract:c", "agency:t"),
        ("SUPPLIES", "company:s", "agency:x"), ("PART_OF", "agency:x", "agency:t"),
        ("SHARES_DATA_WITH", "agency:x", "agency:t"), ("USED_BY", "product:p", "agency:x")]


def small_graph() -> Batch:
    ids = sorted({end for _, a, b in TIES for end in (a, b)})
    kinds = {"company": "Company", "agency": "Agency", "product": "Product",
             "contract": "Contract"}
    nodes = [Node(i, kinds[i.split(":")[0]], i) for i in ids]
    return Batch(nodes, [Edge(t, a, b, sources=[]) for t, a, b in TIES])


def shown(found: list[Path]) -> list[str]:
    return [" ".join(p.nodes) + " " + ",".join(e.type for e in p.edges) for p in found]


def test_first_paths_by_length_then_key(store: GraphStore) -> None:
    store.upsert(small_graph())
    found = paths.simple_paths(store, "company:s", "agency:t", k=10)
    assert shown(found) == [
        "company:s agency:t SUPPLIES",
        "company:s agency:x agency:t SUPPLIES,PART_OF",
        "company:s agency:x agency:t SUPPLIES,SHARES_DATA_WITH",
        "company:s product:p agency:x agency:t OFFERS,USED_BY,PART_OF",
        "company:s product:p agency:x agency:t OFFERS,USED_BY,SHARES_DATA_WITH",
        "company:s product:p contract:c agency:t OFFERS,COVERS,AWARDED_BY",
        "company:s agency:x product:p contract:c agency:t SUPPLIES,USED_BY,COVERS,AWARDED_BY",
    ]
    assert found[0].nodes == store.shortest_paths("company:s", "agency:t")[0].nodes
    assert shown(paths.simple_paths(store, "company:s", "agency:t", k=2)) == shown(found)[:2]
    assert len(paths.simple_paths(store, "company:s", "agency:t", k=10, max_hops=2)) == 3
    through = paths.simple_paths(store, "company:s", "agency:t", k=10,
                                 types=["OFFERS", "COVERS", "AWARDED_BY"])
    assert shown(through) == ["company:s product:p contract:c agency:t OFFERS,COVERS,AWARDED_BY"]
    assert all(e.key in {(a, t, b) for t, a, b in TIES} for p in found for e in p.edges)


def reference(graph: nx.MultiGraph, source: str, target: str, cutoff: int) -> list[str]:
    """Every simple path by brute force (networkx), ordered by length, then Path.key."""
    found = set()
    for edge_path in nx.all_simple_edge_paths(graph, source, target, cutoff=cutoff):
        nodes = [source] + [v for _, v, _ in edge_path]
        found.add((len(edge_path), tuple(nodes) + tuple(k for _, _, k in edge_path)))
    return [" ".join(key[:n + 1]) + " " + ",".join(key[n + 1:]) for n, key in sorted(found)]


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_on_random_graphs(embedded_store: GraphStore, seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"agency:a{i}" for i in range(12)]
    ties = {(rng.choice(["PART_OF", "SHARES_DATA_WITH"]), *rng.sample(ids, 2))
            for _ in range(26)}
    embedded_store.upsert(Batch([Node(i, "Agency", i) for i in ids],
                                [Edge(t, a, b) for t, a, b in ties]))
    graph: nx.MultiGraph = nx.MultiGraph()
    for t, a, b in ties:
        graph.add_edge(a, b, key=t)
    for hops in (2, 4, 6):
        expected = reference(graph, ids[0], ids[1], hops)
        for k in (1, 5, 50):
            found = paths.simple_paths(embedded_store, ids[0], ids[1], k=k, max_hops=hops)
            assert shown(found) == expected[:k]
    assert len(expected) > 5  # at 6 hops: many paths of several lengths to order


def test_work_bounds_refuse_rather_than_cut(store: GraphStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store.upsert(small_graph())
    monkeypatch.setattr(paths, "MAX_TIES_READ", 3)
    with pytest.raises(paths.PathSearchTooLarge, match="read more than 3 ties"):
        paths.simple_paths(store, "company:s", "agency:t", k=10)
    monkeypatch.setattr(paths, "MAX_TIES_READ", 1000)
    monkeypatch.setattr(paths, "MAX_STEPS", 2)
    with pytest.raises(paths.PathSearchTooLarge, match="partial paths"):
        paths.simple_paths(store, "company:s", "agency:t", k=10)
    with pytest.raises(ValueError, match="maxHops"):
        paths.simple_paths(store, "company:s", "agency:t", max_hops=7)


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    store.upsert(small_graph())
    with TestClient(create_app(settings(), store=store)) as test_client:
        yield test_client


def test_paths_field(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    query = """query($f: Int, $t: [String!], $h: Int! = 6) {
      paths(from: "company:s", to: "agency:t", first: $f, through: $t, maxHops: $h) {
        length nodes { id } edges { type sources { id } } } }"""
    old = data(gql(client, query))["paths"]
    assert [p["length"] for p in old] == [1]  # nothing new asked: the shortest only
    five = data(gql(client, query, {"f": 5}))["paths"]
    assert [p["length"] for p in five] == [1, 2, 2, 3, 3]
    through = data(gql(client, query, {"t": ["PART_OF", "SUPPLIES"]}))["paths"]
    assert [[e["type"] for e in p["edges"]] for p in through] == [
        ["SUPPLIES"], ["SUPPLIES", "PART_OF"]]
    for variables, words in (({"f": 51}, "first must be"), ({"f": 5, "h": 7}, "maxHops"),
                             ({"t": ["NOPE"]}, "unknown: NOPE")):
        body = gql(client, query, variables)
        assert words in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    monkeypatch.setattr(paths, "MAX_TIES_READ", 2)
    body = gql(client, query, {"f": 5})
    assert body["errors"][0]["extensions"]["code"] == "PATH_SEARCH_TOO_LARGE"
