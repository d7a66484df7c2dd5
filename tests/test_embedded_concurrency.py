"""Two loads at once plus readers on one embedded file: nothing lost, nothing corrupted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from graph_service.records import Batch, Node
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch

BATCHES, SIZE = 30, 300

WRITER = textwrap.dedent(
    f"""
    import sys
    from graph_service.records import Batch, Edge, Node
    from graph_service.stores.embedded import EmbeddedStore

    store, who = EmbeddedStore(sys.argv[1]), sys.argv[2]
    for number in range({BATCHES}):
        own = [Node(f"company:{{who}}-{{number}}-{{i}}", "Company", f"{{who}} {{i}}")
               for i in range({SIZE})]
        # Both writers touch the same shared nodes: their aliases must all survive.
        alias = f"{{who}}-{{number}}"
        shared = [Node(f"company:shared-{{i}}", "Company", "Shared", aliases=[alias])
                  for i in range(20)]
        ties = [Edge("SUBSIDIARY_OF", n.id, "company:shared-0", sources=[f"source:{{who}}"])
                for n in own]
        store.upsert(Batch(shared + own, ties))
    """
)


def test_two_writers_and_a_reader_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    store = EmbeddedStore(path)
    store.upsert(seed_batch())
    store.upsert(Batch([Node("company:shared-0", "Company", "Shared")]))
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who]) for who in ("a", "b")
    ]
    reads = 0
    while any(w.poll() is None for w in writers):
        # Readers keep answering while the writers commit (WAL: readers never block).
        answers = store.reach(["Company"], "domain:immigration-enforcement")
        assert [a.subject for a in answers] == ["company:microsoft"]
        assert store.search("microsoft")[0].id == "company:microsoft"
        store.stats()
        reads += 1
    assert [w.returncode for w in writers] == [0, 0]
    assert reads > 0

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stats = store.stats()
    assert stats.nodes["Company"] == 1 + 20 + 2 * BATCHES * SIZE
    assert stats.relationships["SUBSIDIARY_OF"] == 2 * BATCHES * SIZE
    shared = store.get_node("company:shared-0")
    assert shared is not None
    assert set(shared.aliases) == {f"{who}-{n}" for who in "ab" for n in range(BATCHES)}
    store.close()
