"""`survgraph tagging-eval`: precision and recall of the technology tagger on labelled contracts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from graph_service.cli.common import console
from loaders.tagging_eval import DEFAULT_LABELS, PRECISION_GOAL, RECALL_GOAL, evaluate, read_labels


def register(app: typer.Typer) -> None:
    @app.command("tagging-eval")
    def tagging_eval(
        labels: Path = typer.Option(DEFAULT_LABELS, "--labels", help="Labelled contracts (CSV)."),
        errors: bool = typer.Option(False, "--errors", help="List every miss and false positive."),
    ) -> None:
        """Precision and recall per technology on a hand-labelled set of real contracts."""
        if not labels.is_file():
            console.print(f"error: {labels}: no such file")
            raise typer.Exit(2)
        result = evaluate(read_labels(labels))
        table = Table(title=f"tagging on {result.rows} labelled contracts ({labels.name})")
        for column in ("technology", "labelled", "tagged", "correct", "precision", "recall"):
            table.add_column(column, justify="left" if column == "technology" else "right")
        rows = sorted(result.by_technology.items()) + [("overall", result.overall)]
        for name, c in rows:
            table.add_row(name.removeprefix("technology:"), str(c.tp + c.fn), str(c.tp + c.fp),
                          str(c.tp), f"{c.precision:.3f}", f"{c.recall:.3f}")
        console.print(table)
        if errors:
            for award, tech, kind, text in result.errors:
                console.print(f"  {kind}: {award} {tech}: {text}", markup=False)
        verdict = "meets" if result.meets_goals() else "misses"
        console.print(f"{verdict} the goals: precision >= {PRECISION_GOAL}, "
                      f"recall >= {RECALL_GOAL}")
