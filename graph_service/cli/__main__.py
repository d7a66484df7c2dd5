"""`python -m graph_service.cli` runs the same CLI as the `survgraph` script."""

from graph_service.cli.main import run

run()
