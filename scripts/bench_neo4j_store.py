"""Side-by-side timings of the embedded and Neo4j stores (docs/neo4j-store.md quotes them).

Usage: .venv/bin/python scripts/bench_neo4j_store.py [bolt-url] [companies]
Password from SURVGRAPH_NEO4J_PASSWORD (default survgraph-test). CLEARS the Neo4j database.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.neo4j_store import Neo4jStore
from loaders.seed import seed_batch

SEED_KINDS = ["Company", "Product", "Technology", "Agency"]


def synthetic(companies: int) -> Batch:
    """50 agencies in a PART_OF tree under one that operates in a domain; each company holds
    two contracts awarded by agencies of the tree."""
    nodes = [Node("domain:d", "Domain", "D")]
    edges = [Edge("OPERATES_IN", "agency:a0", "domain:d")]
    for a in range(50):
        nodes.append(Node(f"agency:a{a}", "Agency", f"Agency {a}", properties={"code": f"{a:04d}"}))
        if a:
            edges.append(Edge("PART_OF", f"agency:a{a}", f"agency:a{a // 5}"))
    for c in range(companies):
        nodes.append(Node(f"company:c{c}", "Company", f"Company {c}", [f"C{c} Inc"],
                          {"uei": f"U{c}"}, ["source:x"], "2024-01-01", "2024-01-01"))
        for k in range(2):
            contract = f"contract:c{c}-{k}"
            nodes.append(Node(contract, "Contract", f"Contract {c}-{k}", sources=["source:x"],
                              properties={"obligated": float(c * 10 + k), "piid": contract,
                                          "start_date": "2020-01-01"}))
            edges.append(Edge("AWARDED_TO", contract, f"company:c{c}", sources=["source:x"]))
            edges.append(Edge("AWARDED_BY", contract, f"agency:a{(c + k) % 50}",
                              sources=["source:x"], properties={"amount": 1.5}))
    return Batch(nodes, edges)


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    call()  # warm up (Neo4j plans each statement once)
    times = sorted(_once(call) for _ in range(runs))
    return statistics.median(times) * 1000, times[int(0.95 * (runs - 1))] * 1000


def _once(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "bolt://127.0.0.1:7687"
    companies = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    password = os.environ.get("SURVGRAPH_NEO4J_PASSWORD", "survgraph-test")
    batch = synthetic(companies)
    print(f"synthetic batch: {len(batch.nodes)} nodes, {len(batch.edges)} ties")
    with tempfile.TemporaryDirectory() as tmp:
        stores: list[tuple[str, GraphStore]] = [
            ("embedded", EmbeddedStore(Path(tmp) / "bench.db")),
            ("neo4j", Neo4jStore(url, password=password)),
        ]
        for name, store in stores:
            store.clear()
            first = _once(lambda s=store: s.upsert(batch))
            again = _once(lambda s=store: s.upsert(batch))
            print(f"{name:8} upsert {first:.2f}s ({len(batch) / first:,.0f} records/s); "
                  f"unchanged re-upsert {again:.2f}s")
            p50, p95 = timed(lambda s=store: s.reach(["Company"], "domain:d"), 5)
            print(f"{name:8} reach Company -> domain:d ({companies} subjects): "
                  f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
            p50, p95 = timed(lambda s=store: s.shortest_paths("company:c1", "company:c777"), 20)
            print(f"{name:8} shortest_paths: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            store.clear()
            store.upsert(seed_batch())
            p50, p95 = timed(
                lambda s=store: s.reach(SEED_KINDS, "domain:immigration-enforcement"), 20
            )
            print(f"{name:8} seed reach -> immigration enforcement: "
                  f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            store.clear()
            store.close()


if __name__ == "__main__":
    main()
