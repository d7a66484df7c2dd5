"""The write ceiling of a columnar layout: the records a load produced, written as Parquet.

The counterpart of sqlite_ceiling for the layout docs/loading.md proposes for the embedded
goal (statements and view as columnar segments, in append order, with no per-row index): every
row of every table the load wrote is written again as Parquet segments (one file per table and
chunk of rows, zstd, fsynced), by polars. Reading the rows back out of SQLite and making
them columns is not timed (a columnar engine would hold them as columns already); writing the
files is. Input rows over that time bound what a loader writing exactly these records in that
layout could reach here, as the SQLite ceiling bounds the current layout. It derives nothing:
no resolution, no policy, no view.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import polars as pl

from graph_service.bench.sqlite_ceiling import table_counts

_CHUNK_ROWS = 200_000


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    # Names from the file's own catalogue, never from input.
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def write_segments(loaded: Path, folder: Path) -> dict[str, Any]:
    """Write every table of `loaded` the load wrote (rows beyond a fresh store's) into
    `folder` as Parquet: timed seconds, bytes, and the rows per table."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = sqlite3.connect(f"file:{loaded}?mode=ro", uri=True)
    written: dict[str, int] = {}
    seconds = 0.0
    try:
        for table, count in table_counts(loaded).items():
            if count == 0 or table in ("rules", "indexed_props", "meta"):
                continue  # the store's setup rows, not the load's
            columns = _columns(db, table)
            cursor = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - catalogue names
            part = 0
            while rows := cursor.fetchmany(_CHUNK_ROWS):
                by_column = [list(values) for values in zip(*rows, strict=True)]
                frame = pl.DataFrame(dict(zip(columns, by_column, strict=True)), strict=False)
                started = time.perf_counter()
                path = folder / f"{table}-{part:05d}.parquet"
                frame.write_parquet(path, compression="zstd")
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
                seconds += time.perf_counter() - started
                part += 1
            written[table] = count
    finally:
        db.close()
    size = sum(p.stat().st_size for p in folder.iterdir())
    return {"seconds": seconds, "tables": written, "bytes": size}


def columnar_ceiling_phase(loaded: str, folder: str, rows: int) -> dict[str, Any]:
    """The reference for a columnar layout, as a bench phase (its files removed after)."""
    try:
        done = write_segments(Path(loaded), Path(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = done["seconds"]
    return {"rows": rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "sql_rows": sum(done["tables"].values()), "parquet_mb": round(done["bytes"] / 1e6, 1),
            "store_mb": round(Path(loaded).stat().st_size / 1e6, 1), "tables": done["tables"]}
