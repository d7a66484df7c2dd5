"""`survgraph stats` and `survgraph reset` (`survgraph export` is in export_cmd.py)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from graph_service.cli.common import console, opened_store

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


def reset(yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Delete everything in the selected store."""
    if not yes:
        typer.confirm("Delete every node and tie in the store?", abort=True)
    with opened_store() as store:
        store.clear()
    console.print("store cleared")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
    app.command("reset")(reset)
