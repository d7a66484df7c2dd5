"""The embedded store: one SQLite file (WAL, one transaction per batch), no server.

Traversals run in Python over batched, indexed SQL reads (graph_service.stores.traversal);
networkx serves analytics, layout and export on subgraphs read from here.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path as FilePath

from graph_service.domain_model import DomainModel, load_model
from graph_service.judgements import BASE_PROP, Judgement
from graph_service.records import Node
from graph_service.statements import (
    Statement,
    StatementBatch,
)
from graph_service.stores import embedded_judgements, traversal
from graph_service.stores.base import (
    GraphStore,
    Path,
    ReachAnswer,
    Stats,
    StoreUnavailable,
    WriteResult,
)
from graph_service.stores.embedded_bulk import (
    DEFAULT_FLUSH_EVERY,
    BulkWrite,
    bump_generation,
    check_ends,
)
from graph_service.stores.embedded_queries import EmbeddedQueries
from graph_service.stores.embedded_rows import (
    converted_statements,
    node_from_row,
    read_statements,
)
from graph_service.stores.embedded_ties import EmbeddedTies, chunks, marks
from graph_service.stores.embedded_view import (
    STATEMENT_DDL,
    STATEMENT_TABLES,
    VIEW_DDL,
    add_ranks,
    append_and_refresh,
    install_policy,
)
from graph_service.stores.reach_cache import CachedReach
from graph_service.text import fold


class EmbeddedStore(CachedReach, EmbeddedTies, EmbeddedQueries, GraphStore):
    """A graph in one SQLite file. Safe for many threads (a connection each) and processes."""

    def __init__(self, path: str | FilePath, model: DomainModel | None = None) -> None:
        self.model = model or load_model()
        self.path = FilePath(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._indexed = {
            kind: [key for key, spec in ks.properties.items() if spec.indexed]
            for kind, ks in self.model.kinds.items()
        }
        # executescript manages its own transaction; every statement is IF NOT EXISTS.
        self._db.executescript(VIEW_DDL + STATEMENT_DDL)
        with self._write() as db:
            add_ranks(db)
            install_policy(db, self.model)
        self._convert_merged_store()

    # -- connections ---------------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                     check_same_thread=False)
                # New files only: 16 kB pages hold more big rows, and fewer interior pages.
                db.execute("PRAGMA page_size=16384")
                db.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode: a crash of the process loses nothing committed; the file
                # always opens consistent.
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA foreign_keys=OFF")
                db.execute("PRAGMA cache_size=-65536")
                # The view's refresh works in temp tables (a bulk group's): SQLite's default
                # temp files, not memory, which kept the peak of a 30k-row load at 407 MB
                # instead of 246 MB for the same speed.
            except sqlite3.Error as exc:
                message = f"cannot open the embedded store {self.path}: {exc}"
                raise StoreUnavailable(message) from exc
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    class _Transaction:
        def __init__(self, db: sqlite3.Connection, bulk: BulkWrite | None) -> None:
            self.db = db
            self.bulk = bulk

        def __enter__(self) -> sqlite3.Connection:
            if self.bulk is not None:
                # A judgement or clear inside a bulk: the group's view first, so the write
                # sees (and may change) a derived store; the bulk commits it with its next group.
                self.bulk.flush()
                self.db.execute("SAVEPOINT write")
            else:
                self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: object, *rest: object) -> None:
            if exc_type and not self.db.in_transaction:  # SQLite rolled back (a full disk)
                return
            if self.bulk is not None:
                if exc_type:
                    self.db.execute("ROLLBACK TO write")
                self.db.execute("RELEASE write")
            else:
                self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _write(self) -> EmbeddedStore._Transaction:
        return EmbeddedStore._Transaction(self._db, getattr(self._local, "bulk", None))

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    def ping(self) -> None:
        try:
            self._db.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"the embedded store {self.path} is unavailable: {exc}") from exc

    # -- writing -------------------------------------------------------------------------------

    def append(self, statements: StatementBatch) -> WriteResult:
        bulk: BulkWrite | None = getattr(self._local, "bulk", None)
        if bulk is not None:
            return bulk.append(statements)
        with self._write() as db:
            check_ends(db, statements)
            result = append_and_refresh(db, self.model, statements)
            bump_generation(db)
        return result

    @contextmanager
    def bulk(self, flush_every: int | None = None) -> Iterator[WriteResult]:
        """Appends of this thread inside the block write statements only; the view is derived
        for every `flush_every` statements and at the end, each group in one transaction with
        its statements (embedded_bulk). Yields the WriteResult the refreshes fill in. On an
        exception the open group is rolled back; groups committed before it stay."""
        if getattr(self._local, "bulk", None) is not None:
            yield self._local.bulk.written  # nested: the outer bulk decides
            return
        bulk = BulkWrite(self._db, self.model, flush_every or DEFAULT_FLUSH_EVERY)
        self._local.bulk = bulk
        try:
            yield bulk.written
        except BaseException:
            bulk.abandon()
            raise
        else:
            bulk.flush(reopen=False)
        finally:
            self._local.bulk = None

    def judge(self, judgement: Judgement) -> None:
        with self._write() as db:
            embedded_judgements.judge(db, self.model, judgement)
            bump_generation(db)

    def retract_judgement(self, judgement_id: str) -> Judgement | None:
        with self._write() as db:
            found = embedded_judgements.retract(db, self.model, judgement_id)
            bump_generation(db)
        return found

    def judgements(self) -> list[Judgement]:
        return embedded_judgements.list_judgements(self._db)

    def _convert_merged_store(self) -> None:
        """A store written by a release before statements holds merged nodes and ties only: each
        becomes a statement of its first source (embedded_rows.converted_statements)."""
        db = self._db
        if db.execute("SELECT 1 FROM fragments LIMIT 1").fetchone() is not None:
            return
        if db.execute("SELECT 1 FROM nodes LIMIT 1").fetchone() is None:
            return
        statements = converted_statements(db, self.model)
        with self._write() as tx:
            for table in ("nodes", "terms", "lookup", "edges"):
                tx.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            append_and_refresh(tx, self.model, statements)
            bump_generation(tx)

    def statements(self, ids: Sequence[str]) -> list[Statement]:
        """Every statement behind the canonical node ids or tie keys among `ids` (same answers,
        in the same order, as Neo4jStore.statements)."""
        return read_statements(self._db, ids)

    def clear(self) -> None:
        with self._write() as db:
            for table in ("nodes", "terms", "lookup", "edges", *STATEMENT_TABLES):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            bump_generation(db)

    # -- reading -------------------------------------------------------------------------------

    def _read_nodes(self, db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Node]:
        found: dict[str, Node] = {}
        unique = list(dict.fromkeys(ids))
        for chunk in chunks(unique):
            sql = f"SELECT id, kind, name, body FROM nodes WHERE id IN ({marks(len(chunk))})"  # noqa: S608
            for row in db.execute(sql, chunk):
                found[row[0]] = node_from_row(row)
        return found

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        return self._read_nodes(self._db, ids)

    def canonical_ids(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(list(dict.fromkeys(ids))):
            sql = f"SELECT entity, canonical FROM canon WHERE entity IN ({marks(len(chunk))})"  # noqa: S608
            found.update(self._db.execute(sql, chunk).fetchall())
        # A readable base id ('company:x' for 'company:x~uei-...') that names no statement: the
        # entity of the first id of that base (the one the view gave the base id before).
        bases = [i for i in dict.fromkeys(ids) if i not in found]
        for chunk in chunks(bases):
            sql = ("SELECT i.value, MIN(c.canonical) FROM identity AS i JOIN canon AS c "  # noqa: S608
                   f"ON c.entity = i.entity WHERE i.prop = ? AND i.value IN "
                   f"({marks(len(chunk))}) GROUP BY i.value")
            found.update(self._db.execute(sql, [BASE_PROP, *chunk]).fetchall())
        return found

    def lookup(self, kind: str, prop: str, values: Sequence[str]) -> dict[str, list[str]]:
        """Ids of `kind` nodes whose indexed property `prop` has one of `values`."""
        found: dict[str, list[str]] = {}
        for chunk in chunks(list(dict.fromkeys(values))):
            holes = marks(len(chunk))
            sql = f"SELECT value, id FROM lookup WHERE kind=? AND prop=? AND value IN ({holes})"  # noqa: S608
            sql += " ORDER BY value, id"
            for value, node_id in self._db.execute(sql, [kind, prop, *chunk]):
                found.setdefault(value, []).append(node_id)
        return found

    def search(self, text: str, kinds: Sequence[str] | None = None, limit: int = 20) -> list[Node]:
        needle = fold(text)
        if not needle or limit <= 0:
            return []
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rank: dict[str, int] = {}
        sql = "SELECT term, id FROM terms WHERE term LIKE ? ESCAPE '\\'"
        for term, node_id in self._db.execute(sql, [f"%{escaped}%"]):
            score = 0 if term == needle else 1 if term.startswith(needle) else 2
            rank[node_id] = min(score, rank.get(node_id, 3))
        nodes = self.get_nodes(list(rank))
        hits = [n for n in nodes.values() if not kinds or n.kind in kinds]
        hits.sort(key=lambda n: (rank[n.id], fold(n.name), n.id))
        return hits[:limit]

    def ids_of_kind(self, kind: str) -> list[str]:
        """Every id of one kind, from the kind index (the reach search's forward start)."""
        return [row[0] for row in self._db.execute(
            "SELECT id FROM nodes WHERE kind = ? ORDER BY id", [kind])]

    def reach_generation(self) -> str | None:
        """The write count in `meta`, bumped by every upsert and clear of any process."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return None if row is None else str(row[0])

    def reach_uncached(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str | None,
        max_hops: int | None,
        paths_per_subject: int,
    ) -> list[ReachAnswer]:
        return traversal.reach(self, self.model, from_kinds, to, as_of, max_hops,
                               paths_per_subject)

    def reach_dated(
        self,
        from_kinds: Sequence[str],
        to: str,
        as_of: str,
        include_undated: bool = False,
        max_hops: int | None = None,
        paths_per_subject: int = 3,
    ) -> tuple[list[ReachAnswer], int | None]:
        undated: set[str] = set()
        answers = traversal.reach(self, self.model, from_kinds, to, as_of, max_hops,
                                  paths_per_subject, include_undated=include_undated,
                                  undated=undated)
        return answers, len(undated)

    def shortest_paths(
        self, source: str, target: str, max_hops: int = 6, limit: int = 10
    ) -> list[Path]:
        if not self.get_nodes([source, target]).keys() >= {source, target}:
            return []
        return traversal.shortest_paths(self, source, target, max_hops, limit)

    def stats(self) -> Stats:
        nodes = dict(self._db.execute("SELECT kind, COUNT(*) FROM nodes GROUP BY kind"))
        edges = dict(self._db.execute("SELECT type, COUNT(*) FROM edges GROUP BY type"))
        return Stats(nodes=nodes, relationships=edges)

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        if kind is None:
            rows = self._db.execute("SELECT id, kind, name, body FROM nodes ORDER BY id")
        else:
            rows = self._db.execute(
                "SELECT id, kind, name, body FROM nodes WHERE kind=? ORDER BY id", [kind]
            )
        for row in rows:
            yield node_from_row(row)
