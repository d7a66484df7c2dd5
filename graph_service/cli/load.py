"""`survgraph load ...`: bring data into the selected store."""

from __future__ import annotations

import typer

from graph_service.cli.common import console, opened_store
from loaders.seed import seed_batch

load_app = typer.Typer(help="Load data into the store.", no_args_is_help=True)


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
