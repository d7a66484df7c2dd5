"""`survgraph bench query --contracts N`: GraphQL against direct store calls, per store."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import typer

from graph_service.cli.common import console


def bench_query(
    contracts: int = typer.Option(10_000, "--contracts", "-n", help="Synthetic contracts."),
    repeat: int = typer.Option(20, help="Measured rounds (after two warm-up rounds)."),
    embedded: bool = typer.Option(True, "--embedded/--no-embedded",
                                  help="Measure the embedded store (a temporary file)."),
    neo4j_url: str = typer.Option(None, "--neo4j-url", help="Also measure this Neo4j. Its "
                                  "database is CLEARED first: use a benchmark server."),
    neo4j_user: str = typer.Option("neo4j", envvar="SURVGRAPH_NEO4J_USER"),
    neo4j_password: str = typer.Option(None, envvar="SURVGRAPH_NEO4J_PASSWORD"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """p50/p95 of productsReaching and the nested list query (20 companies -> contracts ->
    awarding agency -> parent), through GraphQL and through direct store calls."""
    from rich.progress import Progress, TaskID

    from graph_service.bench.query_bench import load, measure
    from graph_service.stores.base import GraphStore
    from graph_service.stores.embedded import EmbeddedStore

    reports = []
    with tempfile.TemporaryDirectory(prefix="survgraph-bench-") as folder:
        stores: list[tuple[str, GraphStore]] = []
        if embedded:
            stores.append(("embedded", EmbeddedStore(Path(folder) / "bench.db")))
        if neo4j_url:
            from graph_service.stores.neo4j_store import Neo4jStore

            stores.append(("neo4j", Neo4jStore(neo4j_url, user=neo4j_user,
                                               password=neo4j_password)))
        for name, store in stores:
            with store, Progress(console=console, transient=True) as progress:
                task = progress.add_task(f"{name}: loading {contracts} contracts",
                                         total=contracts)

                def advance(count: int, task_id: TaskID = task) -> None:
                    progress.advance(task_id, count)

                seconds = load(store, contracts, advance)
                progress.update(task, description=f"{name}: measuring")
                before = os.getloadavg()[0]
                report = measure(store, name, contracts, repeat, seconds).as_dict()
                # Other jobs on the machine inflate every figure: say how busy it was.
                report["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
                reports.append(report)
                if name == "neo4j":
                    store.clear()
    if as_json:
        typer.echo(json.dumps(reports, indent=2))
        return
    for report in reports:
        console.print(f"[b]{report['store']}[/b], {report['contracts']} contracts "
                      f"(loaded in {report['load_seconds']} s), answers {report['answers']}, "
                      f"load average {report['load_average'][0]} -> {report['load_average'][1]}")
        for key, figures in report["latencies"].items():
            console.print(f"  {key:30} p50 {figures['p50_ms']:>9} ms   "
                          f"p95 {figures['p95_ms']:>9} ms")
        console.print(f"  GraphQL / direct (p50): {report['graphql_over_direct_p50']}")
