"""The file-side references of `survgraph bench load`: polars parsing the same file.

Two figures, so a reader sees both bounds: the bare parse (`pl.read_csv` of every column as
text, the whole file in memory at once: the fastest read, memory growing with the file), and
a chunked read that also types what a load must type (amounts as floats, dates of either
spelling as dates), holding one chunk at a time.
"""

from __future__ import annotations

import time
from typing import Any

AMOUNTS = ("total_obligated_amount", "potential_total_value_of_award")
DATES = ("period_of_performance_start_date", "period_of_performance_current_end_date")
CHUNK_ROWS = 100_000


def polars_parse_phase(path: str) -> dict[str, Any]:
    """`pl.read_csv(path, infer_schema=False)`: every column, as text."""
    import polars as pl

    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    seconds = time.perf_counter() - started
    return {"rows": frame.height, "columns": frame.width, "seconds": round(seconds, 2),
            "rows_per_s": round(frame.height / seconds) if seconds else None}


def polars_typed_phase(path: str) -> dict[str, Any]:
    """Chunks of CHUNK_ROWS rows, all columns as text, then the amounts (thousands separators
    dropped) as Float64 and the dates (ISO or m/d/yy) as Date; counts what did not parse."""
    import polars as pl

    def amount(name: str) -> pl.Expr:
        return pl.col(name).str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)

    def day(name: str) -> pl.Expr:
        return pl.coalesce(pl.col(name).str.to_date("%Y-%m-%d", strict=False),
                           pl.col(name).str.to_date("%m/%d/%y", strict=False))

    typed = [amount(name) for name in AMOUNTS] + [day(name) for name in DATES]
    started = time.perf_counter()
    rows = unparsed = chunks = 0
    lazy = pl.scan_csv(path, infer_schema=False).with_columns(typed)
    for chunk in lazy.collect_batches(chunk_size=CHUNK_ROWS):
        rows += chunk.height
        chunks += 1
        unparsed += sum(chunk[name].null_count() for name in (*AMOUNTS, *DATES))
    seconds = time.perf_counter() - started
    return {"rows": rows, "chunks": chunks, "unparsed_values": unparsed,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else None}
