"""`survgraph map ego|reach|path|overview`: write one self-contained, offline HTML map."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.markup import escape

from graph_service.cli.common import FORCE, console, opened_store, safe_output
from graph_service.output_paths import atomic_output
from graph_service.stores.base import GraphStore
from visualizations.maps import FILE_EGO_LINK, SERVED_EGO_LINK
from visualizations.payload import MapView, build_payload, slug
from visualizations.provenance import with_provenance
from visualizations.render import write_map
from visualizations.views import MapError, ego_view, overview_view, path_view, reach_view

map_app = typer.Typer(
    help="Write interactive maps: one self-contained HTML file each, no network needed.",
    no_args_is_help=True,
)

SERVER_HELP = (
    "Make 'open the map around it' links point at a running `survgraph serve` (e.g. "
    "http://127.0.0.1:8000) instead of sibling files named <id-slug>.html."
)


def _ego_link(server: str | None) -> str:
    return server.rstrip("/") + SERVED_EGO_LINK if server else FILE_EGO_LINK


def _write(store: GraphStore, view: MapView, output: Path, server: str | None,
           started: float) -> None:
    payload = build_payload(with_provenance(store, view), store.model, _ego_link(server))
    with atomic_output(output) as temporary:
        size = write_map(payload, temporary)
    console.print(
        f"{view.mode} map: {len(payload['nodes'])} nodes, {len(payload['edges'])} ties -> "
        f"{output} ({size / 1e6:.2f} MB, {time.perf_counter() - started:.2f} s)"
    )
    for note in view.notes:
        console.print(f"  note: {note}")


def _fail(exc: MapError) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(2)


@map_app.command("ego")
def ego(
    node_id: str = typer.Argument(..., metavar="ID", help="e.g. company:microsoft"),
    hops: int = typer.Option(2, "--hops", min=0, max=6, help="Ties to follow out from ID."),
    output: Path = typer.Option(None, "--output", "-o", help="File (default <id-slug>.html)."),
    server: str = typer.Option(None, "--server", help=SERVER_HELP),
    fold: bool = typer.Option(
        True, "--fold/--no-fold",
        help="Fold a hub's neighbours by kind and counterpart (contracts by vendor).",
    ),
    force: bool = FORCE,
) -> None:
    """The neighbourhood of one node: everything within --hops ties."""
    started = time.perf_counter()
    target = safe_output(output or Path(f"{slug(node_id)}.html"), force)
    with opened_store() as store:
        try:
            view = ego_view(store, node_id, hops, fold=fold)
        except MapError as exc:
            raise _fail(exc) from exc
        _write(store, view, target, server, started)


@map_app.command("reach")
def reach(
    to: str = typer.Option(..., "--to", help="Target id, e.g. domain:immigration-enforcement"),
    from_kinds: list[str] = typer.Option(
        None, "--from-kinds", help="Subject kind (repeat); default: every kind with a rule."
    ),
    as_of: str = typer.Option(None, "--as-of", help="Only ties in force on this date."),
    output: Path = typer.Option(None, "--output", "-o", help="File (default reach-<slug>.html)."),
    server: str = typer.Option(None, "--server", help=SERVER_HELP),
    force: bool = FORCE,
) -> None:
    """What reaches a target, by the schema's reach rules: store.reach's answer, drawn."""
    started = time.perf_counter()
    target = safe_output(output or Path(f"reach-{slug(to)}.html"), force)
    with opened_store() as store:
        try:
            view = reach_view(store, to, from_kinds or None, as_of)
        except MapError as exc:
            raise _fail(exc) from exc
        _write(store, view, target, server, started)


@map_app.command("path")
def path(
    source: str = typer.Argument(..., metavar="FROM"),
    target: str = typer.Argument(..., metavar="TO"),
    max_hops: int = typer.Option(6, "--max-hops", min=1, max=10),
    output: Path = typer.Option(None, "--output", "-o", help="File (default path-A-B.html)."),
    server: str = typer.Option(None, "--server", help=SERVER_HELP),
    force: bool = FORCE,
) -> None:
    """The shortest paths between two nodes, over ties of any type."""
    started = time.perf_counter()
    default = Path(f"path-{slug(source)}-{slug(target)}.html")
    checked = safe_output(output or default, force)
    with opened_store() as store:
        try:
            view = path_view(store, source, target, max_hops)
        except MapError as exc:
            raise _fail(exc) from exc
        _write(store, view, checked, server, started)


@map_app.command("overview")
def overview(
    output: Path = typer.Option(Path("overview.html"), "--output", "-o"),
    fold: bool = typer.Option(
        None, "--fold/--no-fold",
        help="Fold contracts into vendor->agency ties (default: when there are over 200).",
    ),
    server: str = typer.Option(None, "--server", help=SERVER_HELP),
    force: bool = FORCE,
) -> None:
    """The whole graph (Source nodes show in the details panel, not as nodes)."""
    started = time.perf_counter()
    target = safe_output(output, force)
    with opened_store() as store:
        _write(store, overview_view(store, fold), target, server, started)
