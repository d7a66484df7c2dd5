"""`survgraph bench load --rows N`: bulk-load speed on a synthetic USAspending-shaped file,
each figure beside its references from the same run.

Generates the file (loaders/synthetic.py, streamed), then runs, each in a child process of its
own (graph_service/bench/load_phases.py) so that every phase's peak memory is its own:
- polars parsing the same file: the bare parse, and a chunked read typing amounts and dates
  (graph_service/bench/references.py);
- our load into a fresh embedded store, then SQLite alone copying every table it wrote into a
  fresh store (graph_service/bench/sqlite_ceiling.py), and the same rows written as Parquet
  segments (graph_service/bench/columnar_ceiling.py: the layout the embedded goal needs);
- given `--neo4j URL` (its database is EMPTIED: use a benchmark server), our load into that
  Neo4j and Neo4j's own LOAD CSV of the same file (graph_service/bench/load_csv.py and
  load_csv_reference.cypher), with the node and tie counts of both side by side.
Reports rows/s, peak RSS per phase, the load average at start and end, the CPU count and the
ratios (graph_service/bench/load_report.py).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from graph_service.bench import admin_import_hook
from graph_service.bench.columnar_ceiling import columnar_ceiling_phase
from graph_service.bench.load_csv import load_csv_phase
from graph_service.bench.load_phases import embedded_phase, generate_phase, in_child, neo4j_phase
from graph_service.bench.load_report import like_for_like, print_report, ratios
from graph_service.bench.references import polars_parse_phase, polars_typed_phase
from graph_service.bench.sqlite_ceiling import ceiling_phase
from graph_service.cli.common import console, safe_output
from loaders.pipeline import DEFAULT_BATCH_SIZE


def _file_name(rows: int) -> str:
    return f"synthetic_prime_awards_{rows}.csv"


def _outputs(workdir: Path, rows: int, neo4j_rows: int) -> list[Path]:
    names = {_file_name(rows), _file_name(neo4j_rows)} | {
        f"{db}{suffix}" for db in ("bench.db", "ceiling.db") for suffix in ("", "-wal", "-shm")}
    return [workdir / name for name in sorted(names)]


def _phase(report: dict[str, Any], name: str, phase: Callable[..., dict[str, Any]],
           **kwargs: Any) -> None:
    """Run one phase in its own process into report[name]; a phase that fails is reported
    as such (the other figures of the run are kept) and the command exits 1 at the end."""
    try:
        report[name] = in_child(phase, **kwargs)
    except Exception as exc:  # any failure of the phase is its figure
        report[name] = {"error": f"{type(exc).__name__}: {exc}"}


def _store_bytes(db: Path) -> int:
    return sum(Path(f"{db}{suffix}").stat().st_size for suffix in ("", "-wal")
               if Path(f"{db}{suffix}").exists())


def _no_room(report: dict[str, Any], name: str, folder: Path, needed: int) -> bool:
    """A phase that would write about `needed` bytes into `folder`'s disk is skipped, and
    says so, when the disk has not that much free plus a margin: a bench at 1M rows writes
    stores of several GB, and filling a shared disk breaks more than the bench."""
    free = shutil.disk_usage(folder).free
    if free >= needed * 1.2:
        return False
    report[name] = {"skipped": f"needs about {needed / 1e9:.1f} GB free on the disk of "
                               f"{folder}, {free / 1e9:.1f} GB are"}
    return True


def _neo4j_phases(report: dict[str, Any], url: str, folder: Path, path: Path, rows: int,
                  neo4j_rows: int, vendors: int, batch_size: int, import_dir: Path | None,
                  day: str) -> None:
    """Our load into Neo4j at `neo4j_rows` rows, LOAD CSV of the same file, and, when that is
    fewer rows than the file, LOAD CSV of the whole file as well (compared with embedded)."""
    folder_arg = str(import_dir) if import_dir else None
    small = path
    if neo4j_rows and neo4j_rows != rows:  # deterministic: the first N rows of the file
        small = folder / _file_name(neo4j_rows)
        in_child(generate_phase, path=str(small), rows=neo4j_rows, vendors=vendors)
    if neo4j_rows:
        _phase(report, "neo4j", neo4j_phase, url=url, path=str(small), batch_size=batch_size)
        _phase(report, "neo4j_load_csv", load_csv_phase, url=url, path=str(small),
               rows=neo4j_rows, import_dir=folder_arg, day=day)
    if neo4j_rows != rows:
        _phase(report, "neo4j_load_csv_full", load_csv_phase, url=url, path=str(path),
               rows=rows, import_dir=folder_arg, day=day)


def bench_load(
    rows: int = typer.Option(100_000, "--rows", min=1, help="Rows in the synthetic file."),
    vendors: int = typer.Option(5000, "--vendors", min=1, help="Distinct vendors."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1),
    neo4j: str = typer.Option(None, "--neo4j", help="bolt:// URL of a Neo4j to bench as well "
                              "(its database is EMPTIED), with its LOAD CSV as reference."),
    neo4j_rows: int = typer.Option(
        None, "--neo4j-rows", min=0, help="Rows for our (slow) incremental Neo4j load and its "
        "LOAD CSV reference (default --rows; 0: LOAD CSV of the whole file only)."),
    neo4j_import_dir: Path = typer.Option(
        None, "--neo4j-import-dir", help="The server's import folder for LOAD CSV (default: "
        "asked of the server when it runs on this machine)."),
    neo4j_admin_home: Path = typer.Option(
        None, "--neo4j-admin-home", help="NEO4J_HOME of a stopped server to bench the bulk "
        "import (neo4j-admin database import full) of the embedded store into."),
    workdir: Path = typer.Option(None, "--workdir", help="Where the files and stores go "
                                 "(default a temporary folder, removed afterwards)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    force: bool = typer.Option(False, "--force", help="Replace files an earlier run left in "
                               "--workdir (never the store)."),
) -> None:
    """Bulk-load rows/s on both stores beside polars, SQLite alone and Neo4j's LOAD CSV."""
    from loaders.claims import today

    n4_rows = rows if neo4j_rows is None else min(neo4j_rows, rows)
    if workdir is not None:  # files of the user's folder: checked before any is replaced
        for output in _outputs(workdir, rows, n4_rows):
            safe_output(output, force)
    folder = workdir or Path(tempfile.mkdtemp(prefix="survgraph-bench-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"rows": rows, "vendors": vendors, "batch_size": batch_size,
                              "cpu_count": os.cpu_count(),
                              "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    try:
        path, db = folder / _file_name(rows), folder / "bench.db"
        report["generate"] = in_child(generate_phase, path=str(path), rows=rows,
                                      vendors=vendors)
        report["polars_parse"] = in_child(polars_parse_phase, path=str(path))
        report["polars_typed"] = in_child(polars_typed_phase, path=str(path))
        report["embedded"] = in_child(embedded_phase, path=str(path), db=str(db),
                                      batch_size=batch_size)
        if not _no_room(report, "embedded_sqlite_ceiling", folder, _store_bytes(db)):
            report["embedded_sqlite_ceiling"] = in_child(
                ceiling_phase, loaded=str(db), scratch=str(folder / "ceiling.db"), rows=rows)
        if not _no_room(report, "embedded_columnar_ceiling", folder, _store_bytes(db) // 2):
            _phase(report, "embedded_columnar_ceiling", columnar_ceiling_phase, loaded=str(db),
                   folder=str(folder / "columnar-ceiling"), rows=rows)
        if neo4j:
            _neo4j_phases(report, neo4j, folder, path, rows, n4_rows, vendors, batch_size,
                          neo4j_import_dir, today())
        if neo4j_admin_home is not None and not _no_room(
                report, "neo4j_admin_import", neo4j_admin_home, 2 * _store_bytes(db)):
            _phase(report, "neo4j_admin_import", admin_import_hook.admin_import_phase,
                   store_path=str(db), neo4j_home=str(neo4j_admin_home), rows=rows)
    finally:
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["ratios"] = ratios(report)
    report["like_for_like"] = like_for_like(report)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        print_report(console, report)
    if any("error" in part for part in report.values() if isinstance(part, dict)):
        raise typer.Exit(1)
