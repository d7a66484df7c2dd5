"""The embedded store's write ceiling: SQLite alone writing the records a load produced.

After a bulk load, every table of the loaded file is copied into a fresh store file (same
schema, same indexes, same pragmas) with one `INSERT ... SELECT` per table in key order, inside
one transaction. That is the most favourable write SQLite can do of exactly those rows (no
Python, no parsing, no merging, sequential keys), so input rows divided by its time is an upper
bound on what any loader writing this store layout could reach on this machine.
"""

from __future__ import annotations

import time
from pathlib import Path

from graph_service.stores.embedded import EmbeddedStore

TABLES = ("nodes", "edges", "terms", "lookup")


def copy_seconds(loaded: Path, scratch: Path) -> tuple[float, int]:
    """Seconds to write all of `loaded`'s rows into a fresh store at `scratch`, and the number
    of SQL rows written."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    store = EmbeddedStore(scratch)  # creates the same tables and indexes
    try:
        db = store._db
        db.execute("ATTACH DATABASE ? AS loaded", (str(loaded),))
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        written = 0
        for table in TABLES:
            # Fixed table names from TABLES; nothing here comes from input.
            cursor = db.execute(f"INSERT INTO main.{table} SELECT * FROM loaded.{table}")  # noqa: S608
            written += cursor.rowcount
        db.execute("COMMIT")
        seconds = time.perf_counter() - started
        db.execute("DETACH DATABASE loaded")
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return seconds, written
