"""State shared by the subcommands: which store to open, how to report errors, and the checks
every written file goes through (graph_service/output_paths.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from graph_service.config import get_settings
from graph_service.output_paths import check_output, check_path_text, shown
from graph_service.stores import GraphStore, StoreUnavailable, is_neo4j_url, open_store

console = Console(stderr=True, soft_wrap=True)  # an error stays one line, however long

FORCE = typer.Option(False, "--force", help="Replace an existing output file (never the store "
                     "or an input of the command).")


@dataclass
class CliState:
    store_location: str | None = None


STATE = CliState()


def store_path() -> Path | None:
    """The embedded store's file, or None for Neo4j."""
    location = STATE.store_location or get_settings().store
    if is_neo4j_url(location) or "://" in location:
        return None
    check_path_text(location, "store path")
    return Path(location).expanduser()


def safe_output(path: Path, force: bool, inputs: Sequence[Path] = ()) -> Path:
    """`path` once it is known to be neither the store, nor an input, nor (without --force) an
    existing file; raises OutputRefused (exit 2) otherwise."""
    return check_output(path, store=store_path(), inputs=inputs, force=force)


@contextmanager
def opened_store() -> Iterator[GraphStore]:
    """Open the selected store, turning an unreachable one into a clear exit."""
    try:
        store_path()  # refuses a location with a NUL byte or undecodable bytes
        store = open_store(STATE.store_location)
    except (StoreUnavailable, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(shown(str(exc)))}")
        raise typer.Exit(2) from exc
    try:
        yield store
    finally:
        store.close()
