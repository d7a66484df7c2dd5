"""Two writers plus a reader on one Neo4j database: both writers create the SAME new nodes and
ties in every round, and each one's aliases and sources must survive (the lost-update race of
two transactions MERGE-ing one new node), while reads keep answering."""

from __future__ import annotations

import threading

import pytest

from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch

pytestmark = pytest.mark.neo4j

ROUNDS, SIZE = 6, 300


def writer(store: GraphStore, who: str, barrier: threading.Barrier,
           errors: list[BaseException]) -> None:
    try:
        for number in range(ROUNDS):
            fresh = [Node(f"company:fresh-{number}-{i}", "Company", f"Fresh {i}",
                          aliases=[f"{who}-{number}"], sources=[f"source:{who}"])
                     for i in range(SIZE)]
            ties = [Edge("SUBSIDIARY_OF", n.id, f"company:fresh-{number}-0",
                         sources=[f"source:{who}"]) for n in fresh[1:]]
            barrier.wait(timeout=60)  # both writers start the round together
            store.upsert(Batch(fresh, ties))
    except BaseException as exc:  # handed to the test thread
        errors.append(exc)
        barrier.abort()


def test_two_writers_creating_the_same_new_nodes_lose_nothing(neo4j_store: GraphStore) -> None:
    store = neo4j_store
    store.upsert(seed_batch())
    store.upsert(Batch([Node(f"source:{who}", "Source", who) for who in "ab"]))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=writer, args=(store, who, barrier, errors))
               for who in "ab"]
    for thread in threads:
        thread.start()
    reads = 0
    while any(t.is_alive() for t in threads):
        answers = store.reach(["Company"], "domain:immigration-enforcement")
        assert [a.subject for a in answers] == ["company:microsoft"]
        assert store.search("microsoft")[0].id == "company:microsoft"
        reads += 1
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert reads > 0
    nodes = {n.id: n for n in store.iter_nodes("Company") if n.id.startswith("company:fresh-")}
    assert len(nodes) == ROUNDS * SIZE
    broken = [n.id for n in nodes.values()
              if set(n.sources) != {"source:a", "source:b"}
              or set(n.aliases) != {f"{who}-{n.id.split('-')[1]}" for who in "ab"}]
    assert not broken, f"{len(broken)} new nodes lost a writer's aliases or sources: {broken[:5]}"
    ties = [e for e in store.iter_edges() if e.source.startswith("company:fresh-")]
    assert len(ties) == ROUNDS * (SIZE - 1)
    assert all(set(e.sources) == {"source:a", "source:b"} for e in ties)
