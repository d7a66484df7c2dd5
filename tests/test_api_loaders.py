"""No N+1: the nested list query costs the same, small number of store calls however many rows
it returns (DataLoaders batch every node and tie read of one execution step)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore

NESTED = """{
  companies(first: 20) {
    totalCount
    nodes { id contracts(first: 1000) { id awardingAgency { id parent { id name } } } }
  }
}"""
READS = ("get_nodes", "edges", "list_nodes", "search", "reach", "shortest_paths", "spending",
         "lookup", "subgraph", "stats", "iter_nodes", "iter_edges")


class CountingStore:
    """A real store that counts the read calls made on it."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if name not in READS:
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return target(*args, **kwargs)

        return counted


def graph(companies: int, contracts_each: int) -> Batch:
    """Agencies under departments; each company with its contracts spread over the agencies."""
    nodes = [Node(f"agency:dept-{d}", "Agency", f"Department {d}") for d in range(3)]
    nodes += [Node(f"agency:office-{a}", "Agency", f"Office {a}") for a in range(9)]
    edges = [Edge("PART_OF", f"agency:office-{a}", f"agency:dept-{a % 3}") for a in range(9)]
    for c in range(companies):
        nodes.append(Node(f"company:vendor-{c:02d}", "Company", f"Vendor {c:02d}"))
        for k in range(contracts_each):
            cid = f"contract:v{c:02d}-{k:03d}"
            nodes.append(Node(cid, "Contract", f"Award {c}-{k}"))
            edges.append(Edge("AWARDED_TO", cid, f"company:vendor-{c:02d}"))
            edges.append(Edge("AWARDED_BY", cid, f"agency:office-{(c + k) % 9}"))
    return Batch(nodes, edges)


def run(store: GraphStore, contracts_each: int) -> tuple[Counter[str], int]:
    store.clear()
    store.upsert(graph(20, contracts_each))
    counting = CountingStore(store)
    with TestClient(create_app(Settings(store="unused"), store=counting)) as client:  # type: ignore[arg-type]
        body = client.post("/graphql", json={"query": NESTED}).json()
    assert "errors" not in body, body
    companies = body["data"]["companies"]["nodes"]
    rows = sum(len(c["contracts"]) for c in companies)
    assert all(k["awardingAgency"]["parent"]["id"].startswith("agency:dept-")
               for c in companies for k in c["contracts"])
    return counting.calls, rows


def test_nested_query_costs_bounded_store_calls(store: GraphStore) -> None:
    small_calls, small_rows = run(store, 2)
    large_calls, large_rows = run(store, 15)
    assert (small_rows, large_rows) == (40, 300)
    # 1 list + per level one edges call and one get_nodes call (contracts, agencies, parents).
    assert sum(large_calls.values()) <= 7, large_calls
    assert large_calls == small_calls
