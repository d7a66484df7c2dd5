"""`survgraph bench load`: a tiny smoke run (the figures come from larger runs, see the README)
and the SQLite ceiling reference, which must copy every row the load wrote and nothing else."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from graph_service.bench.sqlite_ceiling import TABLES, copy_seconds
from graph_service.cli.main import app


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def test_bench_load_smoke_reports_pipeline_and_ceiling(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bench", "load", "--rows", "300", "--vendors", "40", "--json",
              "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    embedded = report["embedded"]
    assert embedded["rows"] == 300 and embedded["rejected"] == 0
    assert embedded["nodes"] > 300 and embedded["ties"] > 300
    ceiling = report["embedded_sqlite_ceiling"]
    assert ceiling["sql_rows"] == sum(_row_counts(tmp_path / "bench.db").values())
    assert ceiling["rows_per_s"] > 0


def test_ceiling_copies_exactly_the_loaded_rows(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["bench", "load", "--rows", "50", "--vendors", "5",
                             "--workdir", str(tmp_path)])
    loaded = tmp_path / "bench.db"
    counts = _row_counts(loaded)
    seconds, written = copy_seconds(loaded, tmp_path / "copy.db")
    assert seconds > 0 and written == sum(counts.values()) and counts["edges"] > 0
    assert not (tmp_path / "copy.db").exists()  # the scratch copy is removed
