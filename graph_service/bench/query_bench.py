"""`survgraph bench query`: p50/p95 of the headline reach question and of the nested list query,
through GraphQL (the schema executed in-process, DataLoaders and all) and through the direct
store calls that give the same information, in the same run, on each store asked for.

The data are synthetic and deterministic: agencies in three levels (departments, agencies,
field offices) of which two departments operate in the measured domain, companies (a fifth of
them subsidiaries), products of technologies, and N contracts, each awarded to a company by a
field office, with one in fifty covering a named product (as in procurement records, where most
awards name no product).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_service.api.context import Context
from graph_service.api.execute import run_operation
from graph_service.api.schema import build_schema
from graph_service.bench.stats import summary_ms
from graph_service.config import Settings
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.query_types import ListFilter, ListOrder
from graph_service.stores.reach_cache import CachedReach

DOMAIN = "domain:bench-enforcement"
SOURCE = "source:bench-synthetic"
COVER_EVERY = 50

REACH_QUERY = """query($d: ID!) { productsReaching(domain: $d, first: 1000) { totalCount nodes {
  subject { id } rules totalObligated contracts { id } sources { id }
  paths { nodes { id } edges { type from to status sources { id } } } } } }"""
NESTED_FIRST = 1000
NESTED_QUERY = """{ companies(first: 20) { totalCount nodes { id
  contracts(first: 1000) { id awardingAgency { id parent { id } } } } } }"""


def _edge(rel: str, a: str, b: str) -> Edge:
    return Edge(rel, a, b, "reported", {}, [SOURCE])


def synthetic_batches(contracts: int, batch_size: int = 5000, seed: int = 7) -> Iterator[Batch]:
    """The benchmark graph in batches: the frame first, then contracts with their ties."""
    rng = random.Random(seed)
    companies = max(40, contracts // 50)
    frame = Batch(
        [Node(SOURCE, "Source", "Synthetic benchmark data", properties={"source_kind": "dataset"}),
         Node(DOMAIN, "Domain", "Bench enforcement"),
         Node("domain:bench-other", "Domain", "Bench other")],
        [],
    )
    for d in range(5):
        frame.nodes.append(Node(f"agency:bench-dept-{d}", "Agency", f"Department {d}"))
        frame.edges.append(_edge("OPERATES_IN", f"agency:bench-dept-{d}",
                                 DOMAIN if d < 2 else "domain:bench-other"))
    for a in range(50):
        frame.nodes.append(Node(f"agency:bench-agency-{a}", "Agency", f"Agency {a}"))
        frame.edges.append(
            _edge("PART_OF", f"agency:bench-agency-{a}", f"agency:bench-dept-{a % 5}"))
    for o in range(200):
        frame.nodes.append(Node(f"agency:bench-office-{o}", "Agency", f"Office {o}"))
        frame.edges.append(_edge("PART_OF", f"agency:bench-office-{o}",
                                 f"agency:bench-agency-{o % 50}"))
    for t in range(10):
        frame.nodes.append(Node(f"technology:bench-{t}", "Technology", f"Technology {t}"))
    for c in range(companies):
        cid = f"company:bench-{c:06d}"
        frame.nodes.append(Node(cid, "Company", f"Vendor {c:06d}"))
        if c % 5 == 4:
            frame.edges.append(_edge("SUBSIDIARY_OF", cid, f"company:bench-{c - 4:06d}"))
    products = 200
    for p in range(products):
        pid = f"product:bench-{p}"
        frame.nodes.append(Node(pid, "Product", f"Product {p}"))
        frame.edges.append(_edge("OFFERS", f"company:bench-{p % companies:06d}", pid))
        frame.edges.append(_edge("OF_TECHNOLOGY", pid, f"technology:bench-{p % 10}"))
    yield frame
    batch = Batch()
    for k in range(contracts):
        kid = f"contract:bench-{k:07d}"
        year = 2015 + rng.randrange(10)
        batch.nodes.append(Node(kid, "Contract", f"Award {k:07d}", properties={
            "piid": f"BENCH{k:07d}", "obligated": round(rng.uniform(1e3, 5e6), 2),
            "start_date": f"{year}-{rng.randrange(1, 13):02d}-01", "fiscal_year": year,
        }, sources=[SOURCE]))
        recipient = f"company:bench-{rng.randrange(companies):06d}"
        batch.edges.append(_edge("AWARDED_TO", kid, recipient))
        batch.edges.append(_edge("AWARDED_BY", kid, f"agency:bench-office-{rng.randrange(200)}"))
        if k % COVER_EVERY == 0:
            batch.edges.append(_edge("COVERS", kid, f"product:bench-{rng.randrange(products)}"))
        if len(batch.nodes) >= batch_size:
            yield batch
            batch = Batch()
    if batch.nodes:
        yield batch


def load(store: GraphStore, contracts: int, progress: Callable[[int], None] | None = None
         ) -> float:
    """Clear the store, write the graph; seconds taken."""
    started = time.perf_counter()
    store.clear()
    for batch in synthetic_batches(contracts):
        store.upsert(batch)
        if progress:
            progress(sum(1 for n in batch.nodes if n.kind == "Contract"))
    return time.perf_counter() - started


def direct_reach(store: GraphStore) -> int:
    answers = store.reach(["Product"], DOMAIN, None, None, 3)
    return len(answers)


def direct_nested(store: GraphStore) -> dict[str, Any]:
    """The nested list query's answer from hand-written store calls: the same seven calls as
    GraphQL makes, and the same information (each company's contracts in id order, each
    with its awarding agency and that agency's parent, the smallest id where a contract has
    several), so that both sides do the same work. tests/test_bench_query.py checks that the
    two answers are equal."""
    page = store.list_nodes("Company", ListFilter(), ListOrder(), 20)
    ids = [n.id for n in page.nodes]
    awards = store.edges(ids, ["AWARDED_TO"], "in")
    contracts = store.get_nodes(sorted({e.source for e in awards}))
    by = store.edges(list(contracts), ["AWARDED_BY"], "out")
    agencies = store.get_nodes(sorted({e.target for e in by}))
    up = store.edges(list(agencies), ["PART_OF"], "out")
    parents = store.get_nodes(sorted({e.target for e in up}))
    contracts_of: dict[str, set[str]] = defaultdict(set)
    for tie in awards:
        contracts_of[tie.target].add(tie.source)
    agency_of = _smallest((tie.source, tie.target) for tie in by)
    parent_of = _smallest((tie.source, tie.target) for tie in up)

    def agency(contract_id: str) -> dict[str, Any] | None:
        agency_id = agency_of.get(contract_id)
        if agency_id not in agencies:
            return None
        parent_id = parent_of.get(agency_id)
        return {"id": agency_id, "parent": {"id": parent_id} if parent_id in parents else None}

    nodes = [{"id": company, "contracts": [
        {"id": k, "awardingAgency": agency(k)}
        for k in sorted(contracts_of[company])[:NESTED_FIRST] if k in contracts]}
        for company in ids]
    return {"totalCount": page.total_count, "nodes": nodes}


def _smallest(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For each first element, the smallest second element (a to-one field's choice)."""
    chosen: dict[str, str] = {}
    for key, value in pairs:
        if key not in chosen or value < chosen[key]:
            chosen[key] = value
    return chosen


def nested_rows(answer: dict[str, Any]) -> int:
    return sum(len(company["contracts"]) for company in answer["nodes"])


def _forget_answers(store: GraphStore) -> None:
    """Empty the store's reach cache, so the next call computes its answer: cold figures
    are measured this way, warm ones (the same question again, no write between) without."""
    if isinstance(store, CachedReach):
        store.reach_cache.clear()


@dataclass
class Measured:
    store: str
    contracts: int
    load_seconds: float
    answers: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        ratios = {}
        for question in ("productsReaching", "nested"):
            graphql = self.latencies[f"{question} graphql"]["p50_ms"]
            direct = self.latencies[f"{question} direct"]["p50_ms"]
            ratios[question] = round(graphql / direct, 2) if direct else None
        return {"store": self.store, "contracts": self.contracts,
                "load_seconds": round(self.load_seconds, 1), "answers": self.answers,
                "latencies": self.latencies, "graphql_over_direct_p50": ratios}


def measure(store: GraphStore, name: str, contracts: int, repeat: int,
            load_seconds: float) -> Measured:
    """Interleave the measurements `repeat` times (after two warm-up rounds). The reach
    question is measured cold (its cache emptied before each call; keys without "warm") and
    warm (answered again with no write in between: a cached answer, copied)."""
    settings = Settings(store="unused", max_first=1000, query_timeout_seconds=600)
    schema = build_schema(settings)
    # One event loop for the whole run, as in a server (a loop per call would be measured too).
    loop = asyncio.new_event_loop()

    def graphql(query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        context = Context(store=store, settings=settings)
        result = loop.run_until_complete(run_operation(schema, context, query, variables))
        if result.get("errors"):
            raise RuntimeError(f"benchmark query failed: {result['errors']}")
        return result

    runs: dict[str, Callable[[], Any]] = {
        "productsReaching direct": lambda: direct_reach(store),
        "productsReaching graphql": lambda: graphql(REACH_QUERY, {"d": DOMAIN}),
        "productsReaching direct warm": lambda: direct_reach(store),
        "productsReaching graphql warm": lambda: graphql(REACH_QUERY, {"d": DOMAIN}),
        "nested direct": lambda: direct_nested(store),
        "nested graphql": lambda: graphql(NESTED_QUERY, None),
    }
    samples: dict[str, list[float]] = {key: [] for key in runs}
    for round_number in range(repeat + 2):
        for key, run in runs.items():
            if key.startswith("productsReaching") and not key.endswith("warm"):
                _forget_answers(store)  # cold: computed afresh (the headline figures)
            started = time.perf_counter()
            run()
            if round_number >= 2:
                samples[key].append(time.perf_counter() - started)
    measured = Measured(name, contracts, load_seconds)
    reach = graphql(REACH_QUERY, {"d": DOMAIN})["data"]["productsReaching"]
    measured.answers = {"products reaching": reach["totalCount"],
                        "nested rows": nested_rows(direct_nested(store))}
    measured.latencies = {key: summary_ms(values) for key, values in samples.items()}
    loop.close()
    return measured
