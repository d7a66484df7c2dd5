"""`survgraph export`: the whole graph (default) or the answer being looked at (--around,
--reach, --path) as JSON lines, GraphML, GEXF 1.3 or a citation bundle CSV."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from graph_service.cli.common import FORCE, console, opened_store, safe_output
from graph_service.export import FORMATS, ExportFormat, export
from graph_service.export_scope import (
    Scope,
    ScopeError,
    around_scope,
    path_scope,
    reach_scope,
    whole_scope,
)
from graph_service.stores.base import GraphStore


def _scope(store: GraphStore, around: str | None, hops: int, reach: str | None,
           from_kinds: list[str] | None, as_of: str | None, path: tuple[str, str] | None,
           max_hops: int, k: int | None = None) -> Scope:
    if around:
        return around_scope(store, around, hops)
    if reach:
        return reach_scope(store, reach, from_kinds or None, as_of)
    if path:
        return path_scope(store, path[0], path[1], max_hops, k=k)
    return whole_scope(store)


def export_command(
    fmt: str = typer.Option("jsonl", "--format", "-f", help=", ".join(FORMATS) + "."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (never the store; "
                                "an existing file only with --force)."),
    around: str = typer.Option(None, "--around", metavar="ID",
                               help="Only the nodes within --hops ties of ID."),
    hops: int = typer.Option(1, "--hops", min=0, max=6, help="With --around."),
    reach: str = typer.Option(None, "--reach", metavar="TARGET",
                              help="Only the reach answer: subjects reaching TARGET, their paths."),
    from_kinds: list[str] = typer.Option(None, "--from-kinds",
                                         help="With --reach: subject kind (repeat)."),
    as_of: str = typer.Option(None, "--as-of", help="With --reach: ties in force that day."),
    path: tuple[str, str] | None = typer.Option(None, "--path", metavar="FROM TO",
                                         help="Only the shortest paths between two nodes."),
    max_hops: int = typer.Option(6, "--max-hops", min=1, max=10, help="With --path."),
    k: int = typer.Option(None, "--k", min=1, max=50, help="With --path: the first K simple "
                          "paths by length, not only the shortest (--max-hops <= 6)."),
    force: bool = FORCE,
) -> None:
    """Export the whole graph, or one answer (JSON lines re-load with `survgraph load graph`)."""
    started = time.perf_counter()
    if fmt not in FORMATS:
        console.print(f"[red]error:[/red] unknown format {fmt!r}: use {', '.join(FORMATS)}")
        raise typer.Exit(2)
    pair = path if path and path[0] and path[1] else None
    if sum(bool(x) for x in (around, reach, pair)) > 1:
        console.print("[red]error:[/red] give at most one of --around, --reach and --path")
        raise typer.Exit(2)
    fmt_checked: ExportFormat = fmt  # type: ignore[assignment]
    safe_output(output, force)
    with opened_store() as store:
        try:
            scope = _scope(store, around, hops, reach, from_kinds, as_of, pair, max_hops, k)
        except ScopeError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        export(store, fmt_checked, output, scope)
    console.print(
        f"{fmt}: {scope.title}: {len(scope.nodes)} nodes, {len(scope.edges)} ties, "
        f"{len(scope.sources)} sources cited -> {output} ({time.perf_counter() - started:.2f} s)"
    )


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
