"""The Neo4j store's connection: the driver, sessions whose failures surface as
StoreUnavailable, plain reads, and emptying a database (the store's `clear`, the bench)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph_service.stores.base import StoreUnavailable

# How long a managed transaction is retried (transient errors, lost connections).
_RETRY_SECONDS = 5.0
# Ties first, then the nodes, each in small transactions. One DETACH DELETE per node, even in
# batches of 2,000, ran out of the 1 GB heap's transaction memory pool (716.8 MiB) on a store
# of 100k bench rows (1.15M nodes) every time; this took 15 s + 64 s there.
_DELETE_ALL = ("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS",
               "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 5000 ROWS")


def delete_everything(session: Session, attempts: int = 4) -> None:
    """Every tie and node. A transient refusal (a server short of memory) leaves the batches
    committed before it deleted: the statement is run again on what is left, after a pause."""
    for statement in _DELETE_ALL:
        for attempt in range(attempts):
            try:
                session.run(statement).consume()
                break
            except TransientError:
                if attempt == attempts - 1:
                    raise
                time.sleep(2 ** attempt)


class Neo4jConnection:
    """The driver of one database, for the store's reads and writes."""

    url: str
    database: str

    def _connect(self, user: str, password: str | None) -> None:
        """The driver for `self.url` (set by the store, as `self.database`)."""
        url = self.url
        auth = (user, password) if password is not None else None
        try:
            # Managed transactions retry for 30 s by default, also when the server is down:
            # past the API's query timeout, so callers saw "timed out" instead of "store
            # unavailable". 5 s still covers retries of transient errors (deadlocks).
            self._driver: Driver = GraphDatabase.driver(
                url, auth=auth, notifications_min_severity="OFF",
                max_transaction_retry_time=_RETRY_SECONDS,
            )
        except (DriverError, ValueError) as exc:
            raise StoreUnavailable(f"cannot use the Neo4j URL {url!r}: {exc}") from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session whose connection failures surface as StoreUnavailable."""
        try:
            with self._driver.session(database=self.database) as session:
                yield session
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} is unavailable: {exc}") from exc
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} refused the credentials: {exc}") from exc

    def _read(self, query: str, **params: Any) -> list[list[Any]]:
        def work(tx: ManagedTransaction) -> list[list[Any]]:
            return [list(record.values()) for record in tx.run(query, params)]

        with self._session() as session:
            return session.execute_read(work)

    def ping(self) -> None:
        try:
            self._driver.verify_connectivity()
            self._read("RETURN 1")
        except StoreUnavailable:
            raise
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} refused the credentials: {exc}") from exc
        except (DriverError, Neo4jError, OSError) as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.url} (database {self.database!r}) does not answer: {exc}"
            ) from exc

    def close(self) -> None:
        self._driver.close()
