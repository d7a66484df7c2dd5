"""`survgraph serve` (the FastAPI app under uvicorn) and `survgraph query` (the same GraphQL
schema run in-process, printing the JSON response)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import typer

from graph_service.cli import common
from graph_service.cli.common import console, opened_store
from graph_service.config import Settings, get_settings


def _settings() -> Settings:
    settings = get_settings()
    if common.STATE.store_location:
        settings = settings.model_copy(update={"store": common.STATE.store_location})
    return settings


def serve(
    host: str = typer.Option(None, help="Address to bind (default 127.0.0.1: this machine "
                             "only; 0.0.0.0 exposes it)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), the maps, /healthz and /readyz."""
    import uvicorn

    from graph_service.api.app import create_app

    settings = _settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    settings = settings.model_copy(update={"host": bind_host, "port": bind_port})
    console.print(f"survgraph: GraphQL at http://{bind_host}:{bind_port}/graphql")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level=log_level)


def query(
    text: str = typer.Argument(..., metavar="QUERY", help="A GraphQL query or mutation."),
    variables: str = typer.Option(None, "--variables", "-v", help="Variables as a JSON object."),
    operation: str = typer.Option(None, "--operation", help="Operation name."),
) -> None:
    """Run a GraphQL operation in-process and print the JSON response (exit 1 on errors).

    Mutations are allowed: whoever runs the CLI can already write to the store."""
    from graph_service.api.context import Context
    from graph_service.api.execute import run_operation
    from graph_service.api.schema import build_schema

    parsed: Any = None
    if variables:
        try:
            parsed = json.loads(variables)
        except json.JSONDecodeError as exc:
            console.print(f"[red]error:[/red] --variables is not JSON: {exc}")
            raise typer.Exit(2) from exc
    settings = _settings()
    with opened_store() as store:
        context = Context(store=store, settings=settings, can_write=True)
        result = asyncio.run(
            run_operation(build_schema(settings), context, text, parsed, operation)
        )
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    if result.get("errors"):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("query")(query)
