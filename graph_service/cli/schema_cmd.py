"""`survgraph schema generate`: write the artifacts derived from schema/model.yaml."""

from __future__ import annotations

from pathlib import Path

import typer

from graph_service.cli.common import FORCE, console, safe_output
from graph_service.neo4j_schema import artifact_path, render
from graph_service.output_paths import atomic_output

schema_app = typer.Typer(help="Artifacts generated from the domain schema.", no_args_is_help=True)


@schema_app.command("generate")
def generate(
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if the committed artifact is stale."
    ),
    output: Path = typer.Option(None, "--output", "-o", help="Write here instead (an existing "
                                "file only with --force)."),
    force: bool = FORCE,
) -> None:
    """Generate the Neo4j constraints and indexes (schema/generated/neo4j.cypher)."""
    target = output or artifact_path()
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != render():
            console.print(f"[red]stale:[/red] {target}; run `survgraph schema generate`")
            raise typer.Exit(1)
        console.print(f"{target} is up to date")
        return
    # The committed artifact is regenerated in place; any other existing file needs --force.
    safe_output(target, force or output is None)
    with atomic_output(target) as temporary:
        temporary.write_text(render(), encoding="utf-8")
    console.print(f"wrote {target}")
