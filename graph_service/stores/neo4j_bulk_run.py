"""The bulk import's steps, for the CLI (graph_service/cli/neo4j_import.py) and the bench:
prepare (check the target, write the files), run neo4j-admin, start the server with
scripts/neo4j-server.sh (in a checkout), finish (indexes, empty lists)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_service.config import get_settings
from graph_service.domain_model import DomainModel, load_model
from graph_service.neo4j_schema import schema_statements
from graph_service.stores import neo4j_admin_import as admin
from graph_service.stores.neo4j_bulk_files import write_import_files
from graph_service.stores.neo4j_bulk_import import ImportFiles

MANIFEST = "empty-lists.json"
REPORT = "import.report"
LOG = "neo4j-admin-import.log"
INDEX_TIMEOUT = 3600  # seconds to wait for the indexes to be populated
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j-server.sh"


@dataclass
class Prepared:
    files: ImportFiles
    command: list[str]
    tool_found: bool  # False: `command` names a neo4j-admin on PATH, for the user to run
    shell: str
    manifest: Path
    workdir: Path


def prepare(store: Path, home: Path, database: str, workdir: Path, force: bool = False,
            model: DomainModel | None = None, memory: str = admin.DEFAULT_MEMORY) -> Prepared:
    """Refuse an unfit target first, then write every file into `workdir`."""
    admin.check_database_name(database)
    home = home.expanduser().resolve()
    admin.check_target(home, database)
    workdir = admin.check_workdir(workdir)
    files = write_import_files(store, model or load_model(), workdir, force)
    manifest = admin.write_manifest(files, workdir / MANIFEST, store, force)
    tool = admin.admin_tool(home)
    command = admin.import_command(tool or ["neo4j-admin"], files, database, workdir / REPORT,
                                   memory)
    return Prepared(files, command, tool is not None, admin.shell_line(command, home), manifest,
                    workdir)


def run(prepared: Prepared, home: Path, database: str, store: Path, force: bool = False) -> None:
    """neo4j-admin import (the target checked again: time passed since the files were made)."""
    home = home.expanduser().resolve()
    admin.check_target(home, database)
    admin.run_import(prepared.command, home, prepared.workdir / LOG, store, force)


def _script(home: Path, action: str, bolt_port: int | None) -> subprocess.CompletedProcess[str]:
    if not SCRIPT.is_file():
        raise ValueError(f"{SCRIPT} not found (a checkout of survgraph has it): start the "
                         "server yourself, then run survgraph neo4j-import-finish")
    env = {**os.environ, "SURVGRAPH_NEO4J_HOME": str(home), "PYTHON": sys.executable}
    if bolt_port is not None:
        env["SURVGRAPH_NEO4J_BOLT_PORT"] = str(bolt_port)
    return subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True,
                          text=True, check=False)


def start_server(home: Path, bolt_port: int | None = None) -> str:
    """Start the server of `home` with scripts/neo4j-server.sh and wait for it: its bolt URL."""
    home = home.expanduser().resolve()
    for action in ("start", "wait"):
        done = _script(home, action, bolt_port)
        if done.returncode != 0:
            raise ValueError(f"scripts/neo4j-server.sh {action} failed: "
                             f"{done.stderr.strip().splitlines()[-1:]}")
    conn = home / "run" / "connection.env"
    for line in conn.read_text(encoding="utf-8").splitlines():
        if line.startswith("SURVGRAPH_NEO4J_URI="):
            return line.partition("=")[2]
    raise ValueError(f"{conn} names no SURVGRAPH_NEO4J_URI")


def stop_server(home: Path) -> None:
    _script(home.expanduser().resolve(), "stop", None)


def _create_schema(url: str, timeout: int = INDEX_TIMEOUT) -> None:
    """Neo4jStore's constraints and indexes, waited for longer than its own open does (120 s):
    populating them over a large import takes longer. Its open then finds them all there."""
    from neo4j import GraphDatabase

    settings = get_settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    auth = (settings.neo4j_user, password) if password is not None else None
    with GraphDatabase.driver(url, auth=auth) as driver, driver.session(
            database=settings.neo4j_database) as session:
        for statement in schema_statements(load_model()):
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes($seconds)", seconds=timeout).consume()


def finish(url: str, manifest: Path) -> dict[str, Any]:
    """Create every constraint and index of the Neo4j store on the imported database (as
    Neo4jStore does on connect, with a longer wait), open it as a store, then write the empty
    lists; returns the counts."""
    from graph_service.stores import open_store
    from graph_service.stores.neo4j_store import Neo4jStore

    started = time.perf_counter()
    _create_schema(url)
    store = open_store(url)
    try:
        if not isinstance(store, Neo4jStore):
            raise ValueError(f"{url} is not a Neo4j store")
        opened = time.perf_counter()
        with store._session() as session:  # the store's own session: its database, its errors
            empty = admin.set_empty_lists(session, admin.read_manifest(manifest)["empty_lists"])
        done = time.perf_counter()
        stats = store.stats()
    finally:
        store.close()
    return {"empty_lists_set": empty, "nodes": sum(stats.nodes.values()),
            "ties": sum(stats.relationships.values()),
            "schema_seconds": round(opened - started, 2),
            "empty_lists_seconds": round(done - opened, 2)}
