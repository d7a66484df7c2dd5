"""The measured phases of `survgraph bench load`, each run in a child process of its own.

A phase is a module-level function taking plain values and returning a dict; `in_child` runs
it in a fresh (spawned) interpreter and adds that process's peak resident memory, so the
embedded load, the Neo4j load and the references each get a figure of their own, none
inflated by what an earlier phase allocated.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from graph_service.bench.sqlite_ceiling import table_counts


def _measured(phase: Callable[..., dict[str, Any]], kwargs: dict[str, Any]) -> dict[str, Any]:
    result = phase(**kwargs)
    # Linux reports KiB: the child's own peak, its parent's memory not included.
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def in_child(phase: Callable[..., dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    """Run `phase(**kwargs)` in a new process; its result with the process's peak RSS."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_measured, phase, kwargs).result()


def _rate(rows: int, seconds: float) -> int | None:
    return round(rows / seconds) if seconds else None


def _cpu(rows: int, cpu: float) -> dict[str, Any]:
    """This process's CPU time (the client's, not a server's): on a shared machine wall time
    also counts the waits for a core, CPU time does not."""
    return {"cpu_seconds": round(cpu, 2), "rows_per_cpu_s": _rate(rows, cpu)}


# -- the file -----------------------------------------------------------------------------------


def generate_phase(path: str, rows: int, vendors: int) -> dict[str, Any]:
    from loaders.synthetic import write_synthetic_csv

    started = time.perf_counter()
    write_synthetic_csv(Path(path), rows, vendors)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": _rate(rows, seconds),
            "file_mb": round(Path(path).stat().st_size / 1e6, 1)}


# -- our load -----------------------------------------------------------------------------------


def load_file(store: Any, path: Path, batch_size: int) -> tuple[int, int]:
    """THE call of the load pipeline (the one place to adapt when its interface changes):
    load the prime-award file into `store`; (rows read, rows rejected)."""
    from loaders.pipeline import Pipeline
    from loaders.usaspending import PrimeAwardsCsv

    summary = Pipeline(store, batch_size=batch_size).run([PrimeAwardsCsv(path)])
    return summary.rows, summary.rejected


def _view_counts(store: Any) -> dict[str, Any]:
    stats = store.stats()
    return {"nodes": sum(stats.nodes.values()), "ties": sum(stats.relationships.values()),
            "nodes_by_kind": dict(sorted(stats.nodes.items())),
            "ties_by_type": dict(sorted(stats.relationships.items()))}


def embedded_phase(path: str, db: str, batch_size: int) -> dict[str, Any]:
    """Our load into a fresh embedded store at `db` (left in place for the SQLite ceiling)."""
    from graph_service.stores.embedded import EmbeddedStore

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with EmbeddedStore(Path(db)) as store:
        started, cpu = time.perf_counter(), time.process_time()
        rows, rejected = load_file(store, Path(path), batch_size)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = _view_counts(store)
    return {"rows": rows, "rejected": rejected, "seconds": round(seconds, 2),
            "rows_per_s": _rate(rows, seconds), **_cpu(rows, cpu), **counts,
            "sql_rows_by_table": table_counts(Path(db))}


def _settings() -> tuple[Any, str | None]:
    from graph_service.config import get_settings

    settings = get_settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    return settings, password


def empty_neo4j(url: str) -> None:
    """Delete everything in the database at `url`, with the bare driver (a Neo4jStore would
    first convert what LOAD CSV wrote, as a store of an older release)."""
    from neo4j import GraphDatabase

    from graph_service.stores.neo4j_connection import delete_everything

    settings, password = _settings()
    auth = (settings.neo4j_user, password) if password is not None else None
    with GraphDatabase.driver(url, auth=auth) as driver, driver.session(
            database=settings.neo4j_database) as session:
        delete_everything(session)


def connect_neo4j(url: str) -> Any:
    """A Neo4jStore on `url` with the configured credentials (SURVGRAPH_NEO4J_*), its
    database EMPTIED first: what an interrupted run left there would otherwise be converted
    into statements by the store as it connects (minutes at 100k rows)."""
    from graph_service.stores.neo4j_store import Neo4jStore

    settings, password = _settings()
    empty_neo4j(url)
    return Neo4jStore(url, user=settings.neo4j_user, password=password,
                      database=settings.neo4j_database)


def neo4j_phase(url: str, path: str, batch_size: int) -> dict[str, Any]:
    """Our load into the EMPTIED Neo4j database at `url`, emptied again afterwards."""
    from graph_service.bench.load_csv import graph_counts

    store = connect_neo4j(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        rows, rejected = load_file(store, Path(path), batch_size)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = graph_counts(store)
    finally:
        store.close()
        empty_neo4j(url)
    return {"rows": rows, "rejected": rejected, "seconds": round(seconds, 2),
            "rows_per_s": _rate(rows, seconds), **_cpu(rows, cpu), **counts}
