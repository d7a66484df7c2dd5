"""The embedded store's write ceiling: SQLite alone writing the records a load produced.

After a bulk load, every table the load wrote (the view: nodes, edges, terms, lookup; and the
statements behind it: fragments, identity, entity_terms, canon, ...) is copied into a fresh
store file (same schema, same indexes, same pragmas: the store creates them) with one
`INSERT ... SELECT` per table in key order, inside one transaction. Rows a fresh store already
holds (its resolution rules, indexed properties, meta) are not the load's and are not copied.
That is the most favourable write SQLite can do of exactly those rows (no Python, no parsing,
no merging, sequential keys), so input rows divided by its time bounds what any loader writing
this store layout could reach on this machine.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from graph_service.stores.embedded import EmbeddedStore


def _tables(db: sqlite3.Connection, schema: str = "main") -> list[str]:
    # Names from the file's own catalogue (created by the store's DDL), never from input.
    return [name for (name,) in db.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "  # noqa: S608
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _indexes(db: sqlite3.Connection, schema: str) -> set[tuple[str, str]]:
    return {(table, sql) for table, sql in db.execute(
        f"SELECT tbl_name, sql FROM {schema}.sqlite_master "  # noqa: S608
        "WHERE type = 'index' AND sql IS NOT NULL")}


def _count(db: sqlite3.Connection, schema: str, table: str) -> int:
    row = db.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()  # noqa: S608
    return int(row[0])


def table_counts(path: Path) -> dict[str, int]:
    """SQL rows per table of a store file."""
    db = sqlite3.connect(path)
    try:
        return {table: _count(db, "main", table) for table in _tables(db)}
    finally:
        db.close()


def copy_tables(loaded: Path, scratch: Path) -> dict[str, Any]:
    """Write every row `loaded`'s load added into a fresh store at `scratch`, in one
    transaction: seconds, and per table the rows of the loaded store, of a fresh store, and
    copied. Refuses when the two files' tables or indexes differ (not like for like)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    store = EmbeddedStore(scratch)  # creates the same tables, indexes and setup rows
    tables: dict[str, dict[str, int]] = {}
    try:
        db = store._db
        db.execute("ATTACH DATABASE ? AS loaded", (str(loaded),))
        if _tables(db, "loaded") != _tables(db) or _indexes(db, "loaded") != _indexes(db, "main"):
            raise RuntimeError(f"{scratch} and {loaded} differ in tables or indexes")
        fresh = {table: _count(db, "main", table) for table in _tables(db)}
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for table in _tables(db):
            rows = _count(db, "loaded", table)
            if rows == fresh[table]:
                continue  # a table the load did not write (or only the store's setup rows)
            query = f'INSERT INTO main."{table}" SELECT * FROM loaded."{table}"'  # noqa: S608
            if fresh[table]:  # setup rows are there already: copy only the load's
                query += f' EXCEPT SELECT * FROM main."{table}"'  # noqa: S608
            copied = db.execute(query).rowcount
            tables[table] = {"loaded": rows, "fresh_store": fresh[table], "copied": copied}
        db.execute("COMMIT")
        seconds = time.perf_counter() - started
        for table, row in tables.items():
            row["after_copy"] = _count(db, "main", table)
        db.execute("DETACH DATABASE loaded")
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return {"seconds": seconds, "tables": tables,
            "sql_rows": sum(row["copied"] for row in tables.values())}


def ceiling_phase(loaded: str, scratch: str, rows: int) -> dict[str, Any]:
    """The reference for the embedded store, as a bench phase."""
    copied = copy_tables(Path(loaded), Path(scratch))
    seconds = copied["seconds"]
    return {"rows": rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "sql_rows": copied["sql_rows"], "tables": copied["tables"]}
