"""`survgraph bench map`: our map writer against naive pyvis, and Chromium opening ours.

For each --nodes N: a synthetic procurement graph of N nodes is written to a fresh embedded
store, then (1) our overview map is read, laid out and written (timed end to end); (2) pyvis
draws the same nodes and ties the naive way, `Network.from_nx` + `write_html` (timed, in the
same run); (3) headless Chromium, offline, opens our file until the first frame is drawn.
--alpr adds the nc-alpr overview: 37k SHARES_DATA_WITH ties among 4.8k agencies.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import typer

from graph_service.cli.common import console, safe_output
from graph_service.output_paths import atomic_output
from graph_service.stores.embedded import EmbeddedStore
from visualizations.layout import force_layout
from visualizations.payload import MapView, build_payload
from visualizations.render import write_map
from visualizations.sample_graphs import alpr_batch, synthetic_batch
from visualizations.views import overview_view

FILE_LINK = "{slug}.html"


def _ours(store: EmbeddedStore, path: Path) -> tuple[MapView, dict[str, float]]:
    started = time.perf_counter()
    view = overview_view(store, fold=False)
    read = time.perf_counter()
    payload = build_payload(view, store.model, FILE_LINK)
    laid = time.perf_counter()
    with atomic_output(path) as temporary:
        size = write_map(payload, temporary)
    done = time.perf_counter()
    return view, {
        "read_s": round(read - started, 3), "layout_payload_s": round(laid - read, 3),
        "render_write_s": round(done - laid, 3), "total_s": round(done - started, 3),
        "mb": round(size / 1e6, 2),
    }


def _naive_pyvis(view: MapView, folder: Path) -> float:
    """pyvis as its docs show it: networkx graph -> Network.from_nx -> write_html."""
    import networkx as nx
    from pyvis.network import Network

    graph = nx.DiGraph()
    for node in view.nodes:
        graph.add_node(node.id, label=node.name, title=node.kind, group=node.kind)
    for edge in view.edges:
        graph.add_edge(edge.source, edge.target, title=edge.type)
    started = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(graph)
    net.write_html(str(folder / "naive.html"), notebook=False)
    return round(time.perf_counter() - started, 3)


def _chromium_times(paths: list[Path]) -> list[float | str]:
    from visualizations.browser import ChromiumMissing, chromium, offline_page, open_and_draw

    times: list[float | str] = []
    try:
        with chromium() as browser:
            for path in paths:
                with offline_page(browser) as (page, log):
                    seconds = open_and_draw(page, path.resolve().as_uri())
                    if log.blocked or log.page_errors or log.console_errors:
                        times.append(f"errors: {log}")
                    else:
                        times.append(round(seconds, 3))
    except ChromiumMissing as exc:
        return [str(exc)] * len(paths)
    return times


def bench_map(
    nodes: list[int] = typer.Option([1000], "--nodes", help="Map size (repeat for several)."),
    naive: bool = typer.Option(True, "--naive/--no-naive", help="Also time naive pyvis."),
    naive_max: int = typer.Option(
        12000, "--naive-max", help="Skip naive pyvis above this many nodes (it is quadratic)."
    ),
    browser: bool = typer.Option(True, "--browser/--no-browser", help="Time headless Chromium."),
    alpr: bool = typer.Option(False, "--alpr", help="Add the nc-alpr 37k-tie overview."),
    keep: Path = typer.Option(None, "--keep", help="Keep the written maps in this folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    force: bool = typer.Option(False, "--force", help="Replace maps already in --keep."),
) -> None:
    """Map write time (ours vs naive pyvis) and Chromium open+draw time, by node count."""
    rows: list[dict[str, Any]] = []
    force_layout(["a", "b"], [("a", "b")])  # import networkx and numpy before any timing
    cases: list[tuple[str, Any]] = [(f"synthetic-{n}", n) for n in nodes]
    if alpr:
        cases.append(("nc-alpr", None))
    for name, _ in cases if keep is not None else ():  # the user's folder: check before writing
        safe_output(keep / f"{name}.html", force)
    with tempfile.TemporaryDirectory(prefix="survgraph-bench-map-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name, size in cases:
            store = EmbeddedStore(Path(scratch) / f"{name}.db")
            try:
                store.upsert(synthetic_batch(size) if size else alpr_batch())
                out = folder / f"{name}.html"
                view, ours = _ours(store, out)
            finally:
                store.close()
            row: dict[str, Any] = {"map": name, "nodes": len(view.nodes),
                                   "ties": len(view.edges), "ours": ours, "file": str(out)}
            if naive and len(view.nodes) <= naive_max:
                naive_dir = Path(scratch) / f"naive-{name}"
                naive_dir.mkdir()
                row["naive_pyvis_s"] = _naive_pyvis(view, naive_dir)
            else:
                row["naive_pyvis_s"] = "skipped"
            rows.append(row)
            console.print(f"{name}: wrote ours in {ours['total_s']} s "
                          f"(naive pyvis {row['naive_pyvis_s']} s)")
        if browser:
            for row, seconds in zip(rows, _chromium_times([Path(r["file"]) for r in rows]),
                                    strict=True):
                row["chromium_open_draw_s"] = seconds
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo("| map | nodes | ties | ours: write s (layout) | naive pyvis s | "
               "Chromium open+draw s | MB |")
    typer.echo("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        typer.echo(
            f"| {r['map']} | {r['nodes']} | {r['ties']} | {r['ours']['total_s']} "
            f"({r['ours']['layout_payload_s']}) | {r['naive_pyvis_s']} | "
            f"{r.get('chromium_open_draw_s', '-')} | {r['ours']['mb']} |"
        )
