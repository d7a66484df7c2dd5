"""`survgraph neo4j-import`: a large first load into an empty Neo4j database with Neo4j's own
bulk importer, from an embedded store as the staging area; `survgraph neo4j-import-finish`: the
step after the server is started on it (graph_service/stores/neo4j_bulk_run.py does the work).

    survgraph --store stage.db load usaspending FILE...      # the embedded store stages
    scripts/neo4j-server.sh stop                              # the import writes offline
    survgraph neo4j-import --from stage.db --neo4j-home .neo4j --start
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer

from graph_service.cli.common import FORCE, STATE, console
from graph_service.output_paths import check_path_text
from graph_service.stores import is_neo4j_url
from graph_service.stores import neo4j_bulk_run as bulk
from graph_service.stores.neo4j_admin_import import DEFAULT_MEMORY

_REPO_HOME = Path(__file__).resolve().parents[2] / ".neo4j"


def neo4j_import(
    source: Path = typer.Option(..., "--from", help="The embedded store to import (read only)."),
    neo4j_home: Path = typer.Option(
        None, "--neo4j-home", envvar="SURVGRAPH_NEO4J_HOME",
        help="NEO4J_HOME of the server (default: the repository's .neo4j, as "
        "scripts/neo4j-server.sh)."),
    database: str = typer.Option("neo4j", "--database", help="The database to create; it must "
                                 "not exist (never overwritten)."),
    workdir: Path = typer.Option(None, "--workdir", help="Folder for the CSV files (default: "
                                 "<store>.neo4j-import beside the store)."),
    print_only: bool = typer.Option(False, "--print-only", help="Write the files and print "
                                    "the neo4j-admin command instead of running it."),
    start: bool = typer.Option(False, "--start", help="After the import, start the server with "
                               "scripts/neo4j-server.sh and finish (indexes, empty lists)."),
    bolt_port: int = typer.Option(None, "--bolt-port", envvar="SURVGRAPH_NEO4J_BOLT_PORT",
                                  help="Bolt port for --start (the script's default: 7687)."),
    memory: str = typer.Option(DEFAULT_MEMORY, "--import-memory", help="The importer's "
                               "off-heap memory (--max-off-heap-memory: 2g, 512m, 50%)."),
    force: bool = FORCE,
) -> None:
    """Bulk-import an embedded store into a new Neo4j database (server stopped)."""
    check_path_text(source, "store path")
    home = (neo4j_home or _REPO_HOME).expanduser()
    if not home.is_dir():
        raise ValueError(f"no Neo4j home at {home} (scripts/neo4j-server.sh install assembles "
                         "one; or pass --neo4j-home)")
    folder = workdir or source.with_name(f"{source.name}.neo4j-import")
    console.print(f"the Neo4j server of {home} must be stopped: the import writes its "
                  "store files offline")
    started = time.perf_counter()
    prepared = bulk.prepare(source, home, database, folder, force=force, memory=memory)
    counts = ", ".join(f"{n:,} {label}" for label, n in prepared.files.counts.items())
    console.print(f"wrote {prepared.workdir} ({counts}) in "
                  f"{time.perf_counter() - started:.1f} s")
    if print_only or not prepared.tool_found:
        if not prepared.tool_found:
            console.print(f"no neo4j-admin in {home} (bin/neo4j-admin, or lib/ with "
                          "neo4j-import-tool); run it yourself:")
        typer.echo(prepared.shell)
        console.print("then start the server and run: survgraph --store bolt://HOST:PORT "
                      f"neo4j-import-finish --workdir {prepared.workdir}")
        return
    started = time.perf_counter()
    bulk.run(prepared, home, database, source, force=force)
    console.print(f"imported database {database!r} in {time.perf_counter() - started:.1f} s "
                  f"(log {prepared.workdir / bulk.LOG})")
    if not start:
        console.print("next: start the server (scripts/neo4j-server.sh start), then run: "
                      "survgraph --store bolt://HOST:PORT neo4j-import-finish "
                      f"--workdir {prepared.workdir}")
        return
    url = bulk.start_server(home, bolt_port)
    _finish(url, prepared.workdir)


def neo4j_import_finish(
    workdir: Path = typer.Option(..., "--workdir", help="The folder neo4j-import wrote."),
) -> None:
    """After the server started on an imported database: its indexes and constraints (created
    on open, as any Neo4j store) and the empty lists the importer cannot write."""
    url = STATE.store_location or os.environ.get("SURVGRAPH_STORE", "")
    if not is_neo4j_url(url):
        raise ValueError("neo4j-import-finish needs --store bolt://HOST:PORT (the imported "
                         "database's server)")
    _finish(url, workdir)


def _finish(url: str, workdir: Path) -> None:
    started = time.perf_counter()
    result = bulk.finish(url, workdir.expanduser().resolve() / bulk.MANIFEST)
    console.print(f"{url}: indexes and constraints created, {result['empty_lists_set']:,} "
                  f"empty lists set, in {time.perf_counter() - started:.1f} s; "
                  f"{result['nodes']:,} nodes, {result['ties']:,} ties")


def register(app: typer.Typer) -> None:
    app.command("neo4j-import")(neo4j_import)
    app.command("neo4j-import-finish")(neo4j_import_finish)
