"""`survgraph load ...`: bring data into the selected store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from graph_service.cli.common import console, opened_store
from loaders.pipeline import DEFAULT_BATCH_SIZE, InputFile, LoadSummary, Pipeline, WrongShape
from loaders.seed import seed_batch

load_app = typer.Typer(help="Load data into the store.", no_args_is_help=True)

DRY_RUN = typer.Option(False, "--dry-run", help="Validate and report; write nothing.")
REJECTS = typer.Option(
    None, "--rejects", help="CSV listing every rejected row (file,row,field,reason). "
    "Default: survgraph-rejects.csv in the current folder, written only if a row is rejected.",
)
BATCH = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                     help="Rows per transaction: each batch is written wholly or not at all.")


@load_app.command("seed")
def load_seed() -> None:
    """Load the seed graph: the article the product started from, every tie cited."""
    batch = seed_batch()
    with opened_store() as store:
        result = store.upsert(batch)
    console.print(
        f"seed: {len(batch.nodes)} nodes, {len(batch.edges)} ties "
        f"({result.nodes_created} nodes and {result.edges_created} ties new)"
    )


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


def _open_all(paths: Sequence[Path], opener: Callable[[Path], InputFile]) -> list[InputFile]:
    """Check every file before writing anything: one wrong file stops the whole load."""
    items = []
    for path in paths:
        try:
            items.append(opener(path))
        except WrongShape as exc:
            raise _fail(f"{exc} (nothing was written)") from exc
        except OSError as exc:
            raise _fail(f"cannot read {path}: {exc}") from exc
    return items


def print_summary(summary: LoadSummary, rejects: Path | None) -> None:
    table = Table(title="dry run: nothing written" if summary.dry_run else "load summary")
    for column in ("file", "format", "rows", "loaded", "rejected"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for item in summary.files:
        table.add_row(Path(item.path).name, item.format, str(item.rows), str(item.loaded),
                      str(item.rejected))
    console.print(table)
    rate = summary.rows / summary.seconds if summary.seconds else 0.0
    written = summary.written
    console.print(
        f"rows: {summary.rows} read, {summary.loaded} loaded, {summary.rejected} rejected; "
        f"merged: {summary.merged} company mentions into known companies; "
        f"records: {summary.nodes} nodes, {summary.edges} ties"
        + ("" if summary.dry_run else
           f" ({written.nodes_created} nodes new, {written.nodes_updated} updated; "
           f"{written.edges_created} ties new, {written.edges_updated} updated)")
        + f"; {summary.seconds:.2f}s, {rate:,.0f} rows/s"
    )
    for reject in summary.rejects[:5]:
        console.print(escape(f"  rejected {Path(reject.file).name} row {reject.row} "
                             f"[{reject.field}]: {reject.reason}"))
    if summary.rejected and rejects is not None:
        console.print(f"every rejected row is listed in {rejects}")


def run_load(items: Sequence[InputFile], dry_run: bool, rejects: Path | None,
             batch_size: int) -> LoadSummary:
    """Run the pipeline on the selected store with a progress bar, then print the summary."""
    rejects_path = rejects or Path("survgraph-rejects.csv")
    with opened_store() as store, Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
        TimeRemainingColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(Path(label).name, total=total)
            progress.update(tasks[label], completed=done)

        pipeline = Pipeline(store, dry_run=dry_run, batch_size=batch_size,
                            rejects_path=rejects_path, progress=report)
        try:
            summary = pipeline.run(items)
        except (ValueError, OSError) as exc:
            raise _fail(f"load stopped: {exc} (batches before this one were committed)") from exc
    print_summary(summary, rejects_path)
    return summary


@load_app.command("usaspending")
def load_usaspending(
    paths: list[Path] = typer.Argument(..., help="Bulk CSVs or API JSON files."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
) -> None:
    """USAspending.gov contracts: bulk prime-award and subaward CSVs, API JSON (award search,
    subaward search, award detail, transactions), recognized by their columns or keys."""
    from loaders.usaspending import open_usaspending

    run_load(_open_all(paths, open_usaspending), dry_run, rejects, batch_size)


@load_app.command("atlas")
def load_atlas(
    path: Path = typer.Argument(..., help="The EFF Atlas of Surveillance CSV export."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
) -> None:
    """EFF Atlas of Surveillance: agencies, their technologies and vendors, with the links."""
    from loaders.atlas import AtlasCsv

    run_load(_open_all([path], AtlasCsv), dry_run, rejects, batch_size)


DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", ",": ",", ";": ";", "\\t": "\t"}


@load_app.command("csv")
def load_csv(
    paths: list[Path] = typer.Argument(..., help="CSV spreadsheets (one mapping for all)."),
    mapping: Path = typer.Option(..., "--mapping", "-m", help="YAML mapping (docs/loading.md)."),
    delimiter: str = typer.Option("comma", "--delimiter", "-d",
                                  help="Field separator: comma, tab or semicolon."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
) -> None:
    """Any spreadsheets, through a YAML mapping of their columns to nodes and ties."""
    from loaders.mapping import MappedCsv, MappingError, read_mapping

    separator = DELIMITERS.get(delimiter.lower())
    if separator is None:
        raise _fail(f"--delimiter {delimiter!r}: use comma, tab or semicolon")
    try:
        spec = read_mapping(mapping)
    except (MappingError, OSError) as exc:
        raise _fail(str(exc)) from exc
    run_load(_open_all(paths, lambda p: MappedCsv(p, spec, separator)), dry_run, rejects,
             batch_size)


@load_app.command("graph")
def load_graph(
    path: Path = typer.Argument(..., help="JSON lines written by `survgraph export -f jsonl`."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
) -> None:
    """Canonical JSON lines (nodes, then ties) as `survgraph export --format jsonl` writes."""
    from loaders.graph_jsonl import GraphJsonl

    run_load(_open_all([path], GraphJsonl), dry_run, rejects, batch_size)


@load_app.command("demo")
def load_demo(batch_size: int = BATCH) -> None:
    """The seed graph plus small bundled slices of real disclosures (works offline)."""
    from loaders.demo import demo_items

    load_seed()
    try:
        items = demo_items()
    except (WrongShape, OSError) as exc:
        raise _fail(f"the bundled demo data is unreadable: {exc}") from exc
    run_load(items, False, None, batch_size)
