"""`survgraph load ...`: bring data into the selected store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
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

from graph_service.cli.common import FORCE, console, opened_store, safe_output
from graph_service.output_paths import atomic_output, check_path_text
from loaders.input_files import InputFile, WrongShape
from loaders.pipeline import DEFAULT_BATCH_SIZE, LoadSummary, Pipeline
from loaders.seed import seed_batch

load_app = typer.Typer(help="Load data into the store.", no_args_is_help=True)

DRY_RUN = typer.Option(False, "--dry-run", help="Validate and report; write nothing.")
REJECTS = typer.Option(
    None, "--rejects", help="CSV listing every rejected row (file,row,field,reason). "
    "Default: survgraph-rejects.csv in the current folder, written only if a row is rejected. "
    "Never the store or an input; an existing file only with --force.",
)
DEFAULT_REJECTS = Path("survgraph-rejects.csv")
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
    console.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


def _open_all(paths: Sequence[Path], opener: Callable[[Path], InputFile]) -> list[InputFile]:
    """Check every file before writing anything: one wrong file stops the whole load."""
    items = []
    for path in paths:
        check_path_text(path, "input path")
        try:
            items.append(opener(path))
        except WrongShape as exc:
            raise _fail(f"{exc} (nothing was written)") from exc
        except OSError as exc:
            raise _fail(f"cannot read {path}: {exc}") from exc
    return items


def print_summary(summary: LoadSummary, rejects: Path | None,
                  encodings: Sequence[str] = ()) -> None:
    """The table of files (with the encoding each was read in), totals and the first rejects."""
    table = Table(title="dry run: nothing written" if summary.dry_run else "load summary")
    for column in ("file", "format", "encoding", "rows", "loaded", "rejected"):
        table.add_column(column, justify="right" if column in ("rows", "loaded", "rejected")
                         else "left")
    labels = list(encodings) + [""] * (len(summary.files) - len(encodings))
    for item, encoding in zip(summary.files, labels, strict=False):
        table.add_row(escape(Path(item.path).name), escape(item.format), encoding,
                      str(item.rows), str(item.loaded), str(item.rejected))
    console.print(table)
    for item, encoding in zip(summary.files, labels, strict=False):
        if encoding and encoding != "utf-8":  # worth a line of its own: the table may wrap it
            console.print(escape(f"{Path(item.path).name}: read as {encoding}"))
    rate = summary.rows / summary.seconds if summary.seconds else 0.0
    written = summary.written
    console.print(
        f"rows: {summary.rows} read, {summary.loaded} loaded, {summary.rejected} rejected; "
        f"claims: {summary.nodes} nodes, {summary.edges} ties"
        + ("" if summary.dry_run else
           f" (graph: {written.nodes_created} nodes new, {written.nodes_updated} updated; "
           f"{written.edges_created} ties new, {written.edges_updated} updated)")
        + f"; {summary.seconds:.2f}s, {rate:,.0f} rows/s"
    )
    for reject in summary.rejects[:5]:
        console.print(escape(f"  rejected {Path(reject.file).name} row {reject.row} "
                             f"[{reject.field}]: {reject.reason}"))
    if summary.rejected and rejects is not None:
        console.print(f"every rejected row is listed in {rejects}")


def rejects_target(rejects: Path | None, force: bool, inputs: Sequence[Path]) -> Path:
    """Where the rejects go, checked before anything is read or written."""
    return safe_output(rejects or DEFAULT_REJECTS, force, inputs)


def run_load(items: Sequence[InputFile], dry_run: bool, rejects_path: Path | None,
             batch_size: int) -> LoadSummary:
    """Run the pipeline on the selected store with a progress bar, then print the summary.
    The rejects are written to a temporary file, renamed onto `rejects_path` at the end only if
    a row was rejected: a failed load leaves an older file there as it was."""
    with ExitStack() as stack:
        rejects_temp = (stack.enter_context(atomic_output(rejects_path, keep_empty=False))
                        if rejects_path is not None else None)
        return _run_load(items, dry_run, rejects_path, rejects_temp, batch_size)


def _run_load(items: Sequence[InputFile], dry_run: bool, rejects_path: Path | None,
              rejects_temp: Path | None, batch_size: int) -> LoadSummary:
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
                            rejects_path=rejects_temp, progress=report)
        try:
            summary = pipeline.run(items)
        except (ValueError, OSError) as exc:
            raise _fail(f"load stopped: {exc} (batches before this one were committed)") from exc
    print_summary(summary, rejects_path, [item.reading.label for item in items])
    return summary


@load_app.command("usaspending")
def load_usaspending(
    paths: list[Path] = typer.Argument(..., help="Bulk CSVs or API JSON files."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
    force: bool = FORCE,
) -> None:
    """USAspending.gov contracts: bulk prime-award and subaward CSVs, API JSON (award search,
    subaward search, award detail, transactions), recognized by their columns or keys."""
    from loaders.usaspending import open_usaspending

    target = rejects_target(rejects, force, paths)
    run_load(_open_all(paths, open_usaspending), dry_run, target, batch_size)


@load_app.command("atlas")
def load_atlas(
    path: Path = typer.Argument(..., help="The EFF Atlas of Surveillance CSV export."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
    force: bool = FORCE,
) -> None:
    """EFF Atlas of Surveillance: agencies, their technologies and vendors, with the links."""
    from loaders.atlas import AtlasCsv

    target = rejects_target(rejects, force, [path])
    run_load(_open_all([path], AtlasCsv), dry_run, target, batch_size)


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
    force: bool = FORCE,
) -> None:
    """Any spreadsheets, through a YAML mapping of their columns to nodes and ties."""
    from loaders.mapping import MappedCsv, MappingError, read_mapping

    target = rejects_target(rejects, force, [*paths, mapping])
    check_path_text(mapping, "mapping path")
    separator = DELIMITERS.get(delimiter.lower())
    if separator is None:
        raise _fail(f"--delimiter {delimiter!r}: use comma, tab or semicolon")
    try:
        spec = read_mapping(mapping)
    except MappingError as exc:
        raise _fail(str(exc)) from exc
    except OSError as exc:
        raise _fail(f"cannot read the mapping {mapping}: {exc}") from exc
    run_load(_open_all(paths, lambda p: MappedCsv(p, spec, separator)), dry_run, target,
             batch_size)


@load_app.command("graph")
def load_graph(
    path: Path = typer.Argument(..., help="JSON lines written by `survgraph export -f jsonl`."),
    dry_run: bool = DRY_RUN,
    rejects: Path | None = REJECTS,
    batch_size: int = BATCH,
    force: bool = FORCE,
) -> None:
    """Canonical JSON lines (nodes, then ties) as `survgraph export --format jsonl` writes."""
    from loaders.graph_jsonl import GraphJsonl

    target = rejects_target(rejects, force, [path])
    items = _open_all([path], GraphJsonl)
    run_load(items, dry_run, target, batch_size)
    judgements = [j for item in items if isinstance(item, GraphJsonl) for j in item.judgements]
    if judgements and not dry_run:
        with opened_store() as store:
            for judgement in judgements:
                store.judge(judgement)
        console.print(f"judgements: {len(judgements)} applied")


@load_app.command("judgements")
def load_judgements(
    path: Path | None = typer.Argument(None, help="Default: schema/catalogs/judgements.yaml."),
) -> None:
    """The analysts' identity judgements (merges and keep-aparts, with reasons): before or
    after the data they name, the graph is the same."""
    from loaders.judgement_catalog import apply_judgements

    with opened_store() as store:
        try:
            count = apply_judgements(store, path)
        except (OSError, KeyError, ValueError) as exc:
            raise _fail(f"judgements: {exc}") from exc
    console.print(f"judgements: {count} applied")


@load_app.command("demo")
def load_demo(batch_size: int = BATCH, rejects: Path | None = REJECTS,
              force: bool = FORCE) -> None:
    """The seed graph plus small bundled slices of real disclosures (works offline)."""
    from loaders.demo import demo_items

    # The bundled data loads clean: a rejects file only when asked for, so that `make run`
    # never trips over a survgraph-rejects.csv left by an earlier load.
    target = rejects_target(rejects, force, []) if rejects is not None else None
    load_seed()
    try:
        items = demo_items()
    except (WrongShape, OSError) as exc:
        raise _fail(f"the bundled demo data is unreadable: {exc}") from exc
    run_load(items, False, target, batch_size)
