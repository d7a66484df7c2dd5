"""The bulk import's figure for `survgraph bench load`: a file staged in a fresh embedded store,
written as neo4j-admin import files, imported into a new database of a Neo4j home, the server
started and the indexes created (graph_service/stores/neo4j_bulk_run.py), each step timed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph_service.stores import neo4j_bulk_run as bulk
from graph_service.stores.embedded import EmbeddedStore
from loaders.pipeline import DEFAULT_BATCH_SIZE, Pipeline
from loaders.usaspending import PrimeAwardsCsv


def bulk_import_seconds(source: Path, workdir: Path, *, neo4j_home: Path | None = None,
                        bolt_port: int = 7713, batch_size: int = DEFAULT_BATCH_SIZE,
                        keep_running: bool = False) -> dict[str, Any]:
    """Seconds of each step of a bulk import of `source` (a prime-award CSV, e.g.
    loaders/synthetic.py's), and rows/s of the whole.

    `workdir` must not hold a store yet (stage.db, the CSV files and, without `neo4j_home`, a
    Neo4j home assembled by scripts/neo4j-server.sh go there). `neo4j_home` must not hold the
    database `neo4j` (the import only creates one); its server is started on `bolt_port` and
    stopped at the end unless `keep_running`. The password is SURVGRAPH_NEO4J_PASSWORD's (the
    script's default: survgraph-test). Keys: embedded_load, csv_write, import, server_start,
    indexes (index and constraint creation plus the empty lists), total (all of them),
    total_without_start, rows, rows_per_s, nodes, ties."""
    workdir = workdir.expanduser().resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    stage = workdir / "stage.db"
    if stage.exists():
        raise ValueError(f"{stage} exists: give a fresh work folder")
    home = neo4j_home or workdir / "neo4j-home"
    if neo4j_home is None:
        done = subprocess.run(["bash", str(bulk.SCRIPT), "install"], capture_output=True,
                              text=True, check=False,
                              env={**os.environ, "SURVGRAPH_NEO4J_HOME": str(home),
                                   "PYTHON": sys.executable})
        if done.returncode != 0:
            raise ValueError(f"cannot assemble a Neo4j home: {done.stderr[-500:]}")
    started = time.perf_counter()
    store = EmbeddedStore(stage)
    try:
        rows = Pipeline(store, batch_size=batch_size).run([PrimeAwardsCsv(source)]).rows
    finally:
        store.close()
    seconds = {"embedded_load": time.perf_counter() - started}
    finished = import_steps(stage, home, workdir / "import-files", bolt_port, keep_running,
                            seconds)
    total = sum(seconds.values())
    report: dict[str, Any] = {key: round(value, 2) for key, value in seconds.items()}
    report.update(total=round(total, 2),
                  total_without_start=round(total - seconds["server_start"], 2), rows=rows,
                  rows_per_s=round(rows / total) if total else None,
                  nodes=finished["nodes"], ties=finished["ties"])
    return report



def import_steps(stage: Path, home: Path, files: Path, bolt_port: int, keep_running: bool,
                 seconds: dict[str, float]) -> dict[str, Any]:
    """Import the embedded store `stage` into `home`'s database `neo4j` (write the files, run
    the importer, start the server, create the indexes); each step's seconds into `seconds`."""
    started = time.perf_counter()
    prepared = bulk.prepare(stage, home, "neo4j", files)
    seconds["csv_write"] = time.perf_counter() - started
    started = time.perf_counter()
    bulk.run(prepared, home, "neo4j", stage)
    seconds["import"] = time.perf_counter() - started
    started = time.perf_counter()
    url = bulk.start_server(home, bolt_port)
    seconds["server_start"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        finished: dict[str, Any] = bulk.finish(url, prepared.manifest)
        seconds["indexes"] = time.perf_counter() - started
    finally:
        if not keep_running:
            bulk.stop_server(home)
    return finished


def import_for_bench(store_path: str, neo4j_home: str, bolt_port: int = 7713
                     ) -> dict[str, Any]:
    """`bench load --neo4j-admin-home`: the bulk import of the store the bench loaded (its
    embedded load is that phase's figure), step by step; `seconds` is the import's whole."""
    stage = Path(store_path)
    seconds: dict[str, float] = {}
    files = stage.parent / "import-files"
    finished = import_steps(stage, Path(neo4j_home), files, bolt_port, False, seconds)
    report: dict[str, Any] = {key: round(value, 2) for key, value in seconds.items()}
    report.update(seconds=round(sum(seconds.values()), 2), nodes=finished["nodes"],
                  ties=finished["ties"])
    return report
