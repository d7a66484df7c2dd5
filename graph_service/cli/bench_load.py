"""`survgraph bench load --rows N`: bulk-load speed on a synthetic USAspending-shaped file.

Generates the file (loaders/synthetic.py), loads it through the real pipeline into a fresh
embedded store, and, given `--neo4j URL`, into that Neo4j database (EMPTIED first: use a
benchmark server) followed, on the same server, by Neo4j's own `LOAD CSV` of the same file as
the reference. The embedded store's reference is SQLite alone writing the records the load
produced (graph_service/bench/sqlite_ceiling.py): an upper bound for any loader on this store.
Reports rows/s, records written and the process's peak memory.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import typer

from graph_service.bench.sqlite_ceiling import copy_seconds
from graph_service.cli.common import console, safe_output
from graph_service.neo4j_schema import ENTITY, identifier
from loaders.pipeline import DEFAULT_BATCH_SIZE, Pipeline
from loaders.synthetic import write_synthetic_csv
from loaders.usaspending import PrimeAwardsCsv


def _peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_pipeline(store: Any, path: Path, batch_size: int) -> dict[str, Any]:
    started = time.perf_counter()
    summary = Pipeline(store, batch_size=batch_size).run([PrimeAwardsCsv(path)])
    seconds = time.perf_counter() - started
    stats = store.stats()
    return {
        "rows": summary.rows, "rejected": summary.rejected, "seconds": round(seconds, 2),
        "rows_per_s": round(summary.rows / seconds) if seconds else None,
        "nodes": sum(stats.nodes.values()), "ties": sum(stats.relationships.values()),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def _sqlite_ceiling(loaded: Path, scratch: Path, rows: int) -> dict[str, Any]:
    """The reference for the embedded store: SQLite alone writing the same records."""
    seconds, written = copy_seconds(loaded, scratch)
    return {"rows": rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else None, "sql_rows": written}


def _load_csv_statement() -> str:
    """Neo4j's own LOAD CSV of the same file: the contract, recipient and parent companies (on
    UEI), the awarding sub-agency PART_OF DHS, and the ties, committed every 2,000 rows. Labels,
    types and keys come from the schema; the file URL is a parameter."""
    entity = identifier(ENTITY)
    contract, company, agency = identifier("Contract"), identifier("Company"), identifier("Agency")
    return f"""
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {{
  MERGE (c:{entity} {{id: 'contract:' + toLower(row.award_id_piid)}})
    SET c:{contract}, c.kind = 'Contract', c.name = row.award_id_piid,
        c.piid = row.award_id_piid, c.award_key = row.contract_award_unique_key,
        c.obligated = toFloat(row.total_obligated_amount),
        c.description = row.prime_award_base_transaction_description,
        c.psc = row.product_or_service_code, c.naics = row.naics_code,
        c.permalink = row.usaspending_permalink
  MERGE (v:{entity} {{id: 'company:' + toLower(row.recipient_uei)}})
    ON CREATE SET v:{company}, v.kind = 'Company', v.name = row.recipient_name,
                  v.uei = row.recipient_uei
  MERGE (c)-[a:{identifier("AWARDED_TO")}]->(v)
    SET a.status = 'reported', a.amount = toFloat(row.total_obligated_amount)
  MERGE (g:{entity} {{id: 'agency:' + row.awarding_sub_agency_code}})
    ON CREATE SET g:{agency}, g.kind = 'Agency', g.name = row.awarding_sub_agency_name,
                  g.code = row.awarding_sub_agency_code
  MERGE (c)-[:{identifier("AWARDED_BY")} {{status: 'reported'}}]->(g)
  MERGE (d:{entity} {{id: 'agency:' + row.awarding_agency_code}})
    ON CREATE SET d:{agency}, d.kind = 'Agency', d.name = row.awarding_agency_name
  MERGE (g)-[:{identifier("PART_OF")} {{status: 'reported'}}]->(d)
  WITH row, v
  WHERE row.recipient_parent_uei <> '' AND row.recipient_parent_uei <> row.recipient_uei
  MERGE (p:{entity} {{id: 'company:' + toLower(row.recipient_parent_uei)}})
    ON CREATE SET p:{company}, p.kind = 'Company', p.name = row.recipient_parent_name,
                  p.uei = row.recipient_parent_uei
  MERGE (v)-[:{identifier("SUBSIDIARY_OF")} {{status: 'reported'}}]->(p)
}} IN TRANSACTIONS OF 2000 ROWS
"""


def _neo4j_load_csv(url: str, path: Path, import_dir: Path, rows: int) -> dict[str, Any]:
    """The reference: LOAD CSV from the server's import folder, timed from the client."""
    from neo4j.exceptions import Neo4jError

    from graph_service.config import get_settings
    from graph_service.stores.neo4j_store import Neo4jStore

    settings = get_settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    target = import_dir / path.name
    shutil.copyfile(path, target)
    store = Neo4jStore(url, user=settings.neo4j_user, password=password,
                       database=settings.neo4j_database)
    try:
        store.clear()
        driver = store._driver
        # Relative to server.directories.import when the server sets one; else Neo4j reads
        # file URLs from the file system root, so the absolute path of the same copy.
        urls = (f"file:///{path.name}", target.resolve().as_uri())
        seconds = None
        for url_attempt in urls:
            started = time.perf_counter()
            try:
                with driver.session(database=settings.neo4j_database) as session:
                    session.run(_load_csv_statement(), url=url_attempt).consume()
            except Neo4jError as exc:
                if "external resource" not in str(exc).lower() or url_attempt == urls[-1]:
                    raise
                continue
            seconds = time.perf_counter() - started
            break
        assert seconds is not None
        stats = store.stats()
        store.clear()
    finally:
        store.close()
        target.unlink(missing_ok=True)
    return {
        "rows": rows, "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else None,
        "nodes": sum(stats.nodes.values()), "ties": sum(stats.relationships.values()),
    }


def bench_load(
    rows: int = typer.Option(100_000, "--rows", min=1, help="Rows in the synthetic file."),
    vendors: int = typer.Option(5000, "--vendors", min=1, help="Distinct vendors."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1),
    neo4j: str = typer.Option(None, "--neo4j", help="bolt:// URL of a Neo4j to bench as well "
                              "(its database is EMPTIED), with its LOAD CSV as reference."),
    neo4j_import_dir: Path = typer.Option(
        None, "--neo4j-import-dir", help="The server's import folder for LOAD CSV "
        "(default $SURVGRAPH_NEO4J_HOME/import)."),
    workdir: Path = typer.Option(None, "--workdir", help="Where the file and store go "
                                 "(default a temporary folder, removed afterwards)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    force: bool = typer.Option(False, "--force", help="Replace files an earlier run left in "
                               "--workdir (never the store)."),
) -> None:
    """Bulk-load rows/s: embedded store, Neo4j, and Neo4j's own LOAD CSV (same data)."""
    from graph_service.stores.embedded import EmbeddedStore

    home = os.environ.get("SURVGRAPH_NEO4J_HOME")
    import_dir = neo4j_import_dir or (Path(home) / "import" if home else None)
    if neo4j and import_dir is not None and import_dir.is_dir():  # LOAD CSV's copy goes there
        safe_output(import_dir / f"synthetic_prime_awards_{rows}.csv", force)
    if workdir is not None:  # files of the user's folder: checked before any is replaced
        names = [f"synthetic_prime_awards_{rows}.csv"] + [
            f"{db}{suffix}" for db in ("bench.db", "ceiling.db") for suffix in ("", "-wal", "-shm")]
        for name in names:
            safe_output(workdir / name, force)
    folder = workdir or Path(tempfile.mkdtemp(prefix="survgraph-bench-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        path = folder / f"synthetic_prime_awards_{rows}.csv"
        started = time.perf_counter()
        write_synthetic_csv(path, rows, vendors)
        report: dict[str, Any] = {
            "rows": rows, "vendors": vendors, "batch_size": batch_size,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "generate_seconds": round(time.perf_counter() - started, 2),
        }
        db = folder / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        with EmbeddedStore(db) as store:
            report["embedded"] = _run_pipeline(store, path, batch_size)
        report["embedded_sqlite_ceiling"] = _sqlite_ceiling(db, folder / "ceiling.db", rows)
        if neo4j:
            report["neo4j"] = _bench_neo4j(neo4j, path, batch_size)
            if import_dir is None or not import_dir.is_dir():
                console.print("[yellow]LOAD CSV reference skipped:[/yellow] give "
                              "--neo4j-import-dir (the server's import folder)")
            else:
                report["neo4j_load_csv"] = _neo4j_load_csv(neo4j, path, import_dir, rows)
    finally:
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    console.print(f"{rows:,} rows, {vendors:,} vendors, {report['file_mb']} MB file")
    for name in ("embedded", "embedded_sqlite_ceiling", "neo4j", "neo4j_load_csv"):
        if name in report:
            part = report[name]
            console.print(f"  {name:23} {part['rows_per_s']:>8,} rows/s  {part['seconds']:>8} s"
                          + (f"  {part['nodes']:,} nodes  {part['ties']:,} ties"
                             if "nodes" in part else f"  {part['sql_rows']:,} SQL rows")
                          + (f"  peak RSS {part['peak_rss_mb']} MB"
                             if "peak_rss_mb" in part else ""))


def _bench_neo4j(url: str, path: Path, batch_size: int) -> dict[str, Any]:
    from graph_service.stores import open_store

    store = open_store(url)
    try:
        store.clear()
        result = _run_pipeline(store, path, batch_size)
        store.clear()
    finally:
        store.close()
    return result
