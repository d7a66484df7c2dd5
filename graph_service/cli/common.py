"""State shared by the subcommands: which store to open, and how to report errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer
from rich.console import Console

from graph_service.stores import GraphStore, StoreUnavailable, open_store

console = Console(stderr=True)


@dataclass
class CliState:
    store_location: str | None = None


STATE = CliState()


@contextmanager
def opened_store() -> Iterator[GraphStore]:
    """Open the selected store, turning an unreachable one into a clear exit."""
    try:
        store = open_store(STATE.store_location)
    except (StoreUnavailable, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    try:
        yield store
    finally:
        store.close()
