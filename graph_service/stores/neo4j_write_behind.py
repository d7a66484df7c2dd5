"""Write-behind for bulk loads into Neo4j: the server commits batch N while Python builds N+1.

A load alternates Python work (parse, resolve, tag, build records) with waiting for Neo4j to
write the previous batch; on two cores the two can overlap. `WriteBehind.submit` checks a
batch against the schema at once (a ValueError names the bad record and nothing is queued,
so a loader can still reject rows), then hands it to one writer thread that commits batches
in order, one transaction each. At most `depth` batches wait behind the one being written,
so memory stays flat. A failure on the server (a tie to a node that does not exist, a lost
connection) stops the writer: that batch rolls back, later ones are never written, and the
error is raised by the next `submit` or by `close`. Committed batches stay whole.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

from graph_service.records import Batch
from graph_service.stores.base import WriteResult

if TYPE_CHECKING:
    from graph_service.stores.neo4j_store import Neo4jStore


class WriterStopped(RuntimeError):
    """A batch queued behind one that failed: it was not written."""


class WriteBehind:
    def __init__(self, store: Neo4jStore, depth: int = 1) -> None:
        if depth < 0:
            raise ValueError("depth must be 0 or more")
        self._store = store
        self._depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-writer")
        self._pending: deque[Future[WriteResult]] = deque()
        self._stopped = threading.Event()
        self.written = WriteResult()

    def submit(self, batch: Batch) -> None:
        """Queue a batch (checked now); blocks while `depth` batches already wait."""
        self._settle_done()
        checked = self._store.checked(batch)
        while len(self._pending) > self._depth:
            self._settle(self._pending.popleft())
        if len(checked):
            self._pending.append(self._pool.submit(self._write, checked))

    def close(self) -> WriteResult:
        """Wait for every queued batch; raise the first failure; the counts of all writes."""
        try:
            while self._pending:
                self._settle(self._pending.popleft())
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
        return self.written

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        # The caller failed: write nothing more, wait for the batch in flight, keep its error.
        self._stopped.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _write(self, batch: Batch) -> WriteResult:
        if self._stopped.is_set():
            raise WriterStopped("not written: an earlier batch failed")
        try:
            return self._store.write_checked(batch)
        except BaseException:
            self._stopped.set()
            raise

    def _settle_done(self) -> None:
        while self._pending and self._pending[0].done():
            self._settle(self._pending.popleft())

    def _settle(self, future: Future[WriteResult]) -> None:
        result = future.result()  # re-raises the writer's exception here
        self.written.nodes_created += result.nodes_created
        self.written.nodes_updated += result.nodes_updated
        self.written.edges_created += result.edges_created
        self.written.edges_updated += result.edges_updated
