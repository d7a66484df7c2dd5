"""The same files loaded into Neo4j and into the embedded store export the same lines."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from loader_helpers import export_lines, load
from neo4j import Result

from graph_service.statements import StatementBatch
from graph_service.stores.base import GraphStore, WriteResult
from loaders.demo import demo_items


@pytest.mark.neo4j
def test_demo_files_give_the_same_export_on_neo4j_and_embedded(
    neo4j_store: GraphStore, embedded_store: GraphStore, tmp_path: Path
) -> None:
    # Every format: USAspending CSV and JSON, the Atlas, mapped spreadsheets (access sample cut
    # to keep the test quick).
    items = demo_items()[:-1]
    on_neo4j, rejects_neo4j = load(neo4j_store, items, tmp_path, batch_size=100)
    on_embedded, rejects_embedded = load(embedded_store, demo_items()[:-1], tmp_path,
                                         batch_size=100)
    assert on_neo4j.rejected == on_embedded.rejected == 0
    assert rejects_neo4j == rejects_embedded == []
    assert neo4j_store.stats().to_dict() == embedded_store.stats().to_dict()
    assert export_lines(neo4j_store) == export_lines(embedded_store)
    # Re-loading the same files into Neo4j changes nothing there either.
    load(neo4j_store, demo_items()[:-1], tmp_path, batch_size=100)
    assert export_lines(neo4j_store) == export_lines(embedded_store)


@pytest.mark.neo4j
def test_a_load_leaves_no_driver_result_behind_after_a_batch(
    neo4j_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pipeline runs the cyclic collector rarely, and each driver Result is in a cycle that
    # holds its whole batch of parameters: a 1M-row load's client grew to 992 MB until the
    # store collected them after each batch.
    def results() -> int:
        return sum(isinstance(o, Result) for o in gc.get_objects())

    # Results made by earlier tests may still be alive (garbage in the oldest generation).
    before, left = results(), list[int]()
    append = neo4j_store.append

    def counted(statements: StatementBatch) -> WriteResult:
        written = append(statements)
        left.append(results())
        return written

    monkeypatch.setattr(neo4j_store, "append", counted)
    summary, _ = load(neo4j_store, demo_items()[:1], tmp_path, batch_size=10)
    assert summary.rows >= 60 and len(left) >= 6
    assert max(left) <= before, (before, left)
