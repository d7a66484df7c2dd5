"""The `survgraph` command: one Typer app; each group of subcommands lives in its own module."""

from __future__ import annotations

import typer

from graph_service.cli import common
from graph_service.cli.admin import register as register_admin
from graph_service.cli.bench import bench_app
from graph_service.cli.export_cmd import register as register_export
from graph_service.cli.judge import register as register_judge
from graph_service.cli.load import load_app
from graph_service.cli.maps import map_app
from graph_service.cli.schema_cmd import schema_app
from graph_service.cli.serve import register as register_serve
from graph_service.cli.tagging_eval import register as register_tagging_eval

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
register_serve(app)
register_tagging_eval(app)
