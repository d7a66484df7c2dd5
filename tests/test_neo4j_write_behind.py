"""Write-behind on a real Neo4j: batches commit in order on a background thread, schema errors
are raised at once, a server failure stops the writer with only whole batches committed, and
the queue stays bounded."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import WriteResult
from graph_service.stores.neo4j_store import Neo4jStore
from graph_service.stores.neo4j_write_behind import WriterStopped

pytestmark = pytest.mark.neo4j


def _company(number: int, source: str = "source:a") -> Node:
    return Node(f"company:c{number}", "Company", f"Company {number}", sources=[source])


def _batches() -> list[Batch]:
    """Three batches; the second re-sends the first's nodes from another source (an update)
    and ties them; the third adds more."""
    first = Batch([_company(i) for i in range(50)])
    second = Batch([_company(i, "source:b") for i in range(50)],
                   [Edge("SUBSIDIARY_OF", f"company:c{i}", "company:c0") for i in range(1, 50)])
    third = Batch([_company(i) for i in range(50, 80)],
                  [Edge("SUBSIDIARY_OF", f"company:c{i}", "company:c1") for i in range(50, 80)])
    return [first, second, third]


def _export(store: Neo4jStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return ([n.to_dict() for n in store.iter_nodes()], [e.to_dict() for e in store.iter_edges()])


def test_write_behind_writes_what_upsert_writes(neo4j_store: Neo4jStore) -> None:
    direct = WriteResult()
    for batch in _batches():
        result = neo4j_store.upsert(batch)
        direct.nodes_created += result.nodes_created
        direct.nodes_updated += result.nodes_updated
        direct.edges_created += result.edges_created
        direct.edges_updated += result.edges_updated
    expected = _export(neo4j_store)
    neo4j_store.clear()
    with neo4j_store.write_behind() as writer:
        for batch in _batches():
            writer.submit(batch)
    assert writer.written == direct == WriteResult(80, 50, 79, 0)
    assert _export(neo4j_store) == expected


def test_a_schema_error_is_raised_at_submit_and_the_writer_goes_on(
        neo4j_store: Neo4jStore) -> None:
    with neo4j_store.write_behind() as writer:
        writer.submit(_batches()[0])
        with pytest.raises(ValueError):
            writer.submit(Batch([Node("company:bad", "NoSuchKind", "Bad")]))
        writer.submit(_batches()[2])
    assert writer.written.nodes_created == 80
    assert neo4j_store.get_node("company:bad") is None


def test_a_server_failure_stops_the_writer_with_whole_batches(neo4j_store: Neo4jStore) -> None:
    dangling = Batch([_company(100)], [Edge("SUBSIDIARY_OF", "company:c100", "company:nowhere")])
    writer = neo4j_store.write_behind(depth=2)
    with pytest.raises(ValueError, match="company:nowhere"):
        with writer:
            writer.submit(_batches()[0])
            writer.submit(dangling)
            writer.submit(_batches()[2])
            writer.close()
    ids = {n.id for n in neo4j_store.iter_nodes()}
    assert ids == {f"company:c{i}" for i in range(50)}  # first batch only: c100 rolled back


def test_batches_behind_a_failure_are_never_written(neo4j_store: Neo4jStore) -> None:
    dangling = Batch([_company(100)], [Edge("SUBSIDIARY_OF", "company:c100", "company:nowhere")])
    writer = neo4j_store.write_behind(depth=3)
    writer.submit(dangling)
    writer.submit(_batches()[0])
    with pytest.raises(ValueError, match="company:nowhere"):
        writer.close()
    assert list(neo4j_store.iter_nodes()) == []


def test_the_queue_is_bounded(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """With depth 1, a third batch waits until the first is written."""
    gate, started = threading.Event(), threading.Event()
    write = neo4j_store.write_checked

    def gated(batch: Batch) -> WriteResult:
        started.set()
        assert gate.wait(30)
        return write(batch)

    monkeypatch.setattr(neo4j_store, "write_checked", gated)
    writer = neo4j_store.write_behind(depth=1)
    first, second, third = _batches()
    writer.submit(first)
    assert started.wait(30)
    writer.submit(second)  # waits behind the first
    blocked = threading.Thread(target=writer.submit, args=(third,))
    blocked.start()
    blocked.join(0.5)
    assert blocked.is_alive()  # the queue is full: submit waits
    gate.set()
    blocked.join(30)
    assert not blocked.is_alive()
    assert writer.close() == WriteResult(80, 50, 79, 0)


def test_a_writer_stopped_by_an_earlier_failure_says_so(neo4j_store: Neo4jStore) -> None:
    dangling = Batch([_company(100)], [Edge("SUBSIDIARY_OF", "company:c100", "company:nowhere")])
    writer = neo4j_store.write_behind(depth=3)
    writer.submit(dangling)
    writer.submit(_batches()[0])
    with pytest.raises(ValueError):
        writer._settle(writer._pending.popleft())
    with pytest.raises(WriterStopped):
        writer.close()
