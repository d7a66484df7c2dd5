"""Bulk writes into the embedded store (graph_service/stores/embedded_bulk.py): statements of many
batches, one view refresh per group. The view must be the one batch-by-batch appends derive,
readers must never see a group's statements without its view, and a failure inside a bulk must
lose the open group only."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from graph_service.export import jsonl_lines
from graph_service.judgements import make_judgement
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import WriteResult
from graph_service.stores.embedded import EmbeddedStore
from loaders.usaspending import open_usaspending
from tests.loader_helpers import load, shared_data
from tests.test_store_statements import conflicting_batches


def _fragments(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM fragments").fetchone()[0])


def _view(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(path) as db:
        return tuple(db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
                     for table in ("nodes", "edges", "terms", "lookup", "canon"))


@pytest.mark.parametrize("flush_every", [1, 7, 10_000])
def test_a_bulk_derives_the_view_batch_by_batch_appends_do(tmp_path: Path, flush_every: int
                                                           ) -> None:
    one_by_one = EmbeddedStore(tmp_path / "one.db")
    batches = conflicting_batches()
    for batch in batches:
        one_by_one.upsert(batch)
    expected = list(jsonl_lines(one_by_one))
    for n, order in enumerate(itertools.permutations(batches)):
        store = EmbeddedStore(tmp_path / f"bulk-{n}.db")
        with store.bulk(flush_every) as written:
            for batch in order:
                assert store.upsert(batch) == WriteResult()  # counted when derived
        assert list(jsonl_lines(store)) == expected
        if flush_every > 100:  # one group: every view node is created once, none updated
            assert written.nodes_created == len(list(store.iter_nodes()))
            assert written.nodes_updated == 0
        # Re-loading in a bulk adds nothing and changes nothing.
        with store.bulk(flush_every) as again:
            for batch in order:
                store.upsert(batch)
        assert again == WriteResult()
        assert list(jsonl_lines(store)) == expected
        store.close()


def test_real_files_load_the_same_in_a_bulk(tmp_path: Path) -> None:
    data = shared_data() / "usaspending"
    files = [data / "bulk" / "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv",
             data / "transactions" / "ice_fy2013_contract_transactions_torn_apart.csv"]
    plain = EmbeddedStore(tmp_path / "plain.db")
    load(plain, [open_usaspending(f) for f in files], tmp_path, batch_size=50)
    bulk = EmbeddedStore(tmp_path / "bulk.db")
    # Groups of a few hundred statements: many refreshes, each over several batches, with
    # vendors and agencies re-derived in later groups.
    with bulk.bulk(300):
        load(bulk, [open_usaspending(f) for f in reversed(files)], tmp_path, batch_size=50)
    assert list(jsonl_lines(bulk)) == list(jsonl_lines(plain))
    assert _fragments(tmp_path / "bulk.db") == _fragments(tmp_path / "plain.db")


def test_readers_see_no_group_before_its_view(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = EmbeddedStore(path)
    first, second, *_ = conflicting_batches()
    store.upsert(first)
    before = (_fragments(path), _view(path))
    with store.bulk(10_000):
        store.upsert(second)
        # Another connection (a reader process) sees the store as before the group.
        assert (_fragments(path), _view(path)) == before
    assert _fragments(path) > before[0]
    assert _view(path) != before[1]


def test_a_failure_loses_the_open_group_only(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    store = EmbeddedStore(path)
    first, second, third, *_ = conflicting_batches()
    with pytest.raises(RuntimeError), store.bulk(1):
        store.upsert(first)  # its own group: committed with its view
        store.upsert(second)
        raise RuntimeError("the loader crashed")
    reference = EmbeddedStore(tmp_path / "ref.db")
    reference.upsert(first)
    reference.upsert(second)
    assert list(jsonl_lines(store)) == list(jsonl_lines(reference))
    # A refused batch inside a bulk leaves the group as it was, and the bulk goes on.
    orphan = Batch([], [Edge("AWARDED_TO", "contract:nowhere", "company:nobody", "reported",
                             {}, ["source:x"], None, None)])
    with store.bulk(10_000):
        with pytest.raises(ValueError, match="do not exist"):
            store.upsert(orphan)
        store.upsert(third)
    reference.upsert(third)
    assert list(jsonl_lines(store)) == list(jsonl_lines(reference))


def test_ties_may_name_nodes_of_an_earlier_batch_of_the_group(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "t.db")
    company = Node("company:acme", "Company", "Acme", [], {}, ["source:x"], record="x:1")
    contract = Node("contract:c1", "Contract", "C1", [], {"piid": "C1"}, ["source:x"],
                    record="x:2")
    with store.bulk(10_000) as written:
        store.upsert(Batch([company, contract], []))
        store.upsert(Batch([], [Edge("AWARDED_TO", "contract:c1", "company:acme", "reported",
                                     {}, ["source:x"], None, None, "x:3")]))
    assert written.edges_created == 1
    assert [e.key for e in store.iter_edges()] == [("contract:c1", "AWARDED_TO", "company:acme")]


def test_a_judgement_inside_a_bulk_sees_the_derived_group(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "j.db")
    a = Node("company:a", "Company", "A Corp", [], {}, ["source:x"], record="x:1")
    b = Node("company:b", "Company", "A Corporation", [], {}, ["source:x"], record="x:2")
    with store.bulk(10_000):
        store.upsert(Batch([a, b], []))
        store.judge(make_judgement(store.model, "same", "company:a", "company:b", "one firm",
                                   "tester", "2026-01-03T00:00:00+00:00"))
    assert [n.id for n in store.iter_nodes("Company")] == ["company:a"]
