"""A kill -9 in the middle of a large embedded load leaves a store holding only whole batches."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from graph_service.stores.embedded import EmbeddedStore

BATCH = 2000

LOADER = textwrap.dedent(
    f"""
    import sys
    from graph_service.records import Batch, Edge, Node
    from graph_service.stores.embedded import EmbeddedStore

    store = EmbeddedStore(sys.argv[1])
    for number in range(10_000):
        tag = f"batch-{{number:05d}}"
        nodes = [Node(f"company:{{tag}}-{{i}}", "Company", f"Vendor {{i}}",
                      properties={{"city": tag}}) for i in range({BATCH})]
        edges = [Edge("SUBSIDIARY_OF", nodes[i].id, nodes[0].id) for i in range(1, {BATCH})]
        store.upsert(Batch(nodes, edges))
        print(number, flush=True)
    """
)


def test_kill_9_mid_load_leaves_only_whole_batches(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert loader.stdout is not None
    # Let several batches commit, then kill while the next one is being written.
    for _ in range(5):
        loader.stdout.readline()
    time.sleep(0.05)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = EmbeddedStore(path)
    per_batch: dict[str, int] = {}
    for node in store.iter_nodes("Company"):
        tag = str(node.properties["city"])
        per_batch[tag] = per_batch.get(tag, 0) + 1
    assert len(per_batch) >= 5
    assert set(per_batch.values()) == {BATCH}, "a batch was half-written"
    assert store.stats().relationships["SUBSIDIARY_OF"] == len(per_batch) * (BATCH - 1)
    store.close()


def test_a_full_disk_is_named_and_the_store_keeps_what_it_held(tmp_path: Path) -> None:
    """SQLite rolls a transaction back itself when the disk is full; the store must then
    report that error (it used to report its own failed ROLLBACK) and hold its earlier data.
    `max_page_count` makes the file full at a known size, as a full disk would."""
    from loaders.pipeline import Pipeline
    from loaders.seed import seed_batch
    from loaders.usaspending import open_usaspending
    from tests.loader_helpers import shared_data

    store = EmbeddedStore(tmp_path / "store.db")
    try:
        store.upsert(seed_batch())
        before = store.stats()
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 4}")
        awards = (shared_data() / "usaspending" / "bulk"
                  / "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv")
        try:
            Pipeline(store).run([open_usaspending(awards)])
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)
        else:
            raise AssertionError("a load larger than the file may grow must fail")
        assert store.stats() == before
    finally:
        store.close()
