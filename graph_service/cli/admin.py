"""`survgraph stats`, `survgraph export` and `survgraph reset`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from graph_service.cli.common import FORCE, console, opened_store, safe_output
from graph_service.export import ExportFormat, export
from graph_service.output_paths import atomic_output

stdout = Console()


def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Count nodes by kind and ties by type."""
    with opened_store() as store:
        counts = store.stats().to_dict()
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for title, section in (("Nodes", counts["nodes"]), ("Relationships", counts["relationships"])):
        table = Table(title=title)
        table.add_column("kind" if title == "Nodes" else "type")
        table.add_column("count", justify="right")
        for name, count in section.items():
            table.add_row(name, str(count))
        table.add_row("[b]total[/b]", f"[b]{sum(section.values())}[/b]")
        stdout.print(table)


def export_command(
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, graphml or gexf."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (never the store; "
                                "an existing file only with --force)."),
    force: bool = FORCE,
) -> None:
    """Export the whole graph (JSON lines re-load with `survgraph load graph`)."""
    if fmt not in ("jsonl", "graphml", "gexf"):
        console.print(f"[red]error:[/red] unknown format {fmt!r}: use jsonl, graphml or gexf")
        raise typer.Exit(2)
    fmt_checked: ExportFormat = fmt  # type: ignore[assignment]
    safe_output(output, force)
    with atomic_output(output) as temporary, opened_store() as store:
        export(store, fmt_checked, temporary)
    console.print(f"wrote {output}")


def reset(yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Delete everything in the selected store."""
    if not yes:
        typer.confirm("Delete every node and tie in the store?", abort=True)
    with opened_store() as store:
        store.clear()
    console.print("store cleared")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
    app.command("export")(export_command)
    app.command("reset")(reset)
