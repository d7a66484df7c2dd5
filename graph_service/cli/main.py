"""The `survgraph` command: one Typer app; each group of subcommands lives in its own module."""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from graph_service.cli import common
from graph_service.cli.admin import register as register_admin
from graph_service.cli.bench import bench_app
from graph_service.cli.export_cmd import register as register_export
from graph_service.cli.judge import register as register_judge
from graph_service.cli.load import load_app
from graph_service.cli.maps import map_app
from graph_service.cli.neo4j_import import register as register_neo4j_import
from graph_service.cli.schema_cmd import schema_app
from graph_service.cli.serve import register as register_serve
from graph_service.cli.tagging_eval import register as register_tagging_eval
from graph_service.output_paths import shown
from graph_service.stores import StoreUnavailable

app = typer.Typer(
    name="survgraph",
    help="A knowledge graph of surveillance vendors, products, contracts, agencies and the "
    "communities affected, with a source behind every tie.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(
    store: str = typer.Option(
        None,
        "--store",
        envvar="SURVGRAPH_STORE",
        help="Embedded store file path (default ~/.local/share/survgraph/survgraph.db) or a "
        "bolt:// / neo4j:// URL for Neo4j.",
    ),
) -> None:
    common.STATE.store_location = store


app.add_typer(load_app, name="load")
app.add_typer(map_app, name="map")
app.add_typer(schema_app, name="schema")
app.add_typer(bench_app, name="bench")
register_admin(app)
register_export(app)
register_judge(app)
register_neo4j_import(app)
register_serve(app)
register_tagging_eval(app)


# Errors about what the user gave (a file, a path, a mapping, a store): exit 2 with the message.
KNOWN_ERRORS: tuple[type[Exception], ...] = (ValueError, OSError, StoreUnavailable)
_MAX_MESSAGE = 500


def one_line(exc: BaseException) -> str:
    """The error as one printable line, cut short: a message may quote a huge or hostile value."""
    text = " ".join(shown(str(exc) or type(exc).__name__).split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "..."


def run() -> None:
    """The `survgraph` entry point: every error is one line on stderr, never a traceback (set
    SURVGRAPH_DEBUG=1 to see it). Known errors exit 2, anything else exits 1."""
    try:
        app(prog_name="survgraph")
    except KNOWN_ERRORS as exc:
        if os.environ.get("SURVGRAPH_DEBUG") == "1":
            raise
        common.console.print(f"[red]error:[/red] {escape(one_line(exc))}")
        sys.exit(2)
    except KeyboardInterrupt:
        common.console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("SURVGRAPH_DEBUG") == "1":
            raise
        common.console.print(f"[red]internal error ({type(exc).__name__}):[/red] "
                             f"{escape(one_line(exc))} (SURVGRAPH_DEBUG=1 shows the traceback)")
        sys.exit(1)
