"""Bulk writes into the embedded store: many batches' statements, one view refresh.

Inside `EmbeddedStore.bulk()` an append only writes statements; the view is derived for all the
entities and tie statements appended since the last refresh at once, every `flush_every`
statements and when the bulk ends. One set-wise refresh over a group of batches costs far less
than one per batch: the shared entities of a file (its agencies, its vendors named by thousands
of rows) are re-derived once per group, not once per batch, and every per-refresh statement
runs once. The view is a function of the statements, so the answer is the same as batch by batch.

Readers never see a half-derived view: a group (its statements and its refresh) is one
transaction, committed only after its refresh. A crash loses the open group only; the store
holds the groups before it, each with its view, exactly as after as many ordinary appends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from graph_service.domain_model import DomainModel
from graph_service.statements import Fragment, StatementBatch
from graph_service.stores.base import WriteResult
from graph_service.stores.embedded_view import append_statements, refresh

# Statements per group: about 6k input rows of a prime-award file. The group's statements are
# kept in memory until its refresh (embedded_fresh derives the view of new ids from them): about
# 2 kB a statement with the view rows derived (a 50k-row load peaked at 340 MB, 246 before).
DEFAULT_FLUSH_EVERY = 50_000

_CHUNK = 500


def bump_generation(db: sqlite3.Connection) -> None:
    """Count one more write, in the writing transaction (other processes see it too)."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def check_ends(db: sqlite3.Connection, statements: StatementBatch,
               pending: Collection[str] = ()) -> None:
    """Refuse (ValueError) ties whose ends no node statement names: not the batch's, not one
    appended earlier in an open bulk (`pending`), not the store's."""
    missing = [end for end in statements.unknown_ends() if end not in pending]
    known: set[str] = set()
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT entity FROM canon WHERE entity IN ({marks})"  # noqa: S608 - marks only
        known.update(row[0] for row in db.execute(sql, chunk))
    absent = [end for end in missing if end not in known]
    if absent:
        raise ValueError(f"ties refer to nodes that do not exist: {', '.join(absent[:5])}")


class BulkWrite:
    """An open bulk write on one connection (see the module docstring). `written` counts what
    the refreshes derived (appends inside a bulk return an empty WriteResult)."""

    def __init__(self, db: sqlite3.Connection, model: DomainModel,
                 flush_every: int = DEFAULT_FLUSH_EVERY) -> None:
        if flush_every < 1:
            raise ValueError("flush_every must be at least 1")
        self.db = db
        self.model = model
        self.flush_every = flush_every
        self.written = WriteResult()
        self._entities: dict[str, str] = {}
        self._nodes: list[Fragment] = []
        self._edges: list[Fragment] = []
        self._pending = 0
        self.db.execute("BEGIN IMMEDIATE")

    def append(self, statements: StatementBatch) -> WriteResult:
        # A batch refused or failing leaves the group as it was (the pipeline then retries its
        # rows one by one, in the same group).
        self.db.execute("SAVEPOINT bulk_batch")
        try:
            check_ends(self.db, statements, self._entities)
            append_statements(self.db, statements)
        except BaseException:
            if self.db.in_transaction:  # SQLite rolls a full disk's transaction back itself
                self.db.execute("ROLLBACK TO bulk_batch")
                self.db.execute("RELEASE bulk_batch")
            raise
        self.db.execute("RELEASE bulk_batch")
        self._entities.update(statements.entities)
        self._nodes += statements.nodes
        self._edges += statements.edges
        self._pending += len(statements)
        if self._pending >= self.flush_every:
            self.flush()
        return WriteResult()

    def flush(self, reopen: bool = True) -> None:
        """Derive the view of the group, commit it, and open the next group."""
        if self._pending or self._entities:
            result = refresh(self.db, self.model, self._entities, self._edges, self._nodes)
            self.written.add(result)
            bump_generation(self.db)
        self.db.execute("COMMIT")
        self._entities, self._nodes, self._edges, self._pending = {}, [], [], 0
        if reopen:
            self.db.execute("BEGIN IMMEDIATE")

    def abandon(self) -> None:
        """Roll the open group back (its statements were never visible). SQLite may have
        done so already (a full disk): a second ROLLBACK would replace that error with its own."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self._entities, self._nodes, self._edges, self._pending = {}, [], [], 0


