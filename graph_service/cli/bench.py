"""`survgraph bench ...`: benchmarks, each in its own module, registered on `bench_app`."""

from __future__ import annotations

import json

import typer

from graph_service.cli.bench_load import bench_load
from graph_service.cli.bench_map import bench_map
from graph_service.cli.bench_query import bench_query
from graph_service.cli.common import console

bench_app = typer.Typer(help="Benchmarks (figures for the README's performance section).",
                        no_args_is_help=True)


@bench_app.command("serve")
def bench_serve(
    url: str = typer.Option("http://127.0.0.1:8000/graphql", help="A running server (loopback)."),
    clients: int = typer.Option(32, help="Concurrent GraphQL clients."),
    seconds: float = typer.Option(60.0, help="How long to drive it."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Drive a running server with concurrent clients: throughput, p50/p95/p99, errors."""
    from graph_service.bench.serve_load import run_load

    try:
        report = run_load(url, clients, seconds).as_dict()
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        console.print(
            f"{report['clients']} clients, {report['seconds']} s: {report['requests']} requests, "
            f"{report['throughput_rps']} req/s, p50 {report['p50_ms']} ms, "
            f"p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms, errors {report['errors']}"
        )
        for problem in report["first_errors"]:
            console.print(f"  [red]{problem}[/red]")
    if report["errors"]:
        raise typer.Exit(1)


bench_app.command("map")(bench_map)
bench_app.command("query")(bench_query)
bench_app.command("load")(bench_load)
