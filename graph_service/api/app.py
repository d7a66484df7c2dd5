"""The FastAPI app: GraphQL at /graphql (GraphiQL on GET, offline), /healthz, /readyz, and the
maps router of visualizations/routes.py."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.types.graphql import OperationType

from graph_service.api.auth import key_matches
from graph_service.api.context import Context
from graph_service.api.execute import run_operation
from graph_service.api.graphiql import ASSETS_URL, CSP, STATIC_DIR, graphiql_html
from graph_service.api.guards import STORE_UNAVAILABLE
from graph_service.api.schema import build_schema
from graph_service.config import Settings, get_settings
from graph_service.stores import open_store
from graph_service.stores.base import GraphStore, StoreUnavailable

log = logging.getLogger("survgraph.api")


class BodyTooLarge(Exception):
    pass


class StoreHolder:
    """The app's store, opened at start-up or, if it was unreachable then, on first use."""

    def __init__(self, app: FastAPI, settings: Settings, store: GraphStore | None) -> None:
        self.app, self.settings, self.store = app, settings, store
        self.owned = store is None
        self._lock = threading.Lock()
        if store is not None:
            app.state.store = store

    def get(self) -> GraphStore:
        if self.store is None:
            with self._lock:
                if self.store is None:
                    try:
                        self.store = open_store(self.settings.store, self.settings)
                    except ValueError as exc:
                        raise StoreUnavailable(str(exc)) from exc
                    self.app.state.store = self.store
        return self.store

    def close(self) -> None:
        if self.owned and self.store is not None:
            self.store.close()
            self.store = None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _problem(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
    )


def _include_maps(app: FastAPI) -> None:
    try:
        from visualizations.routes import router
    except ImportError as exc:  # the maps are optional for the API
        log.warning("maps not served: %s", exc)
        return
    app.include_router(router)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The app over `store`, or over the store `settings.store` names (opened at start-up)."""
    settings = settings or get_settings()
    schema: strawberry.Schema = build_schema(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await asyncio.to_thread(holder.get)
        except StoreUnavailable as exc:
            log.warning("store unavailable at start-up (will retry on requests): %s", exc)
        yield
        holder.close()

    app = FastAPI(
        title="survgraph",
        description="A knowledge graph of surveillance vendors, products, contracts, agencies "
        "and the communities affected, with a source behind every tie.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    holder = StoreHolder(app, settings, store)
    app.state.holder = holder
    app.state.schema = schema
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.mount(ASSETS_URL, StaticFiles(directory=STATIC_DIR), name="graphql-assets")

    async def context_for(request: Request) -> Context:
        store = await asyncio.to_thread(holder.get)
        can_write = key_matches(request.headers.get("authorization"), settings.api_keys)
        return Context(store=store, settings=settings, can_write=can_write)

    async def answer(request: Request, payload: dict[str, Any],
                     allowed: set[OperationType]) -> JSONResponse:
        try:
            context = await context_for(request)
        except StoreUnavailable as exc:
            log.warning("store unavailable: %s", exc)
            return _problem(503, STORE_UNAVAILABLE, "STORE_UNAVAILABLE")
        if settings.read_requires_key and not context.can_write:
            return _problem(401, "unauthorized: this server needs an API key for every request "
                            "(header 'Authorization: Bearer <key>')", "UNAUTHORIZED")
        result = await run_operation(
            schema, context, payload.get("query"), payload.get("variables"),
            payload.get("operationName"), allowed,
        )
        return JSONResponse(result)

    @app.get("/graphql", include_in_schema=False)
    async def graphql_get(request: Request) -> Response:
        params = request.query_params
        if "query" not in params:
            return HTMLResponse(graphiql_html(), headers={"Content-Security-Policy": CSP})
        try:
            variables = json.loads(params["variables"]) if params.get("variables") else None
        except json.JSONDecodeError:
            return _problem(400, "variables must be JSON", "BAD_REQUEST")
        payload = {"query": params["query"], "variables": variables,
                   "operationName": params.get("operationName")}
        # GET must not change anything: queries only.
        return await answer(request, payload, {OperationType.QUERY})

    @app.post("/graphql", include_in_schema=False)
    async def graphql_post(request: Request) -> Response:
        try:
            body = await _read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return _problem(413, f"request body larger than {settings.max_body_bytes} bytes",
                            "PAYLOAD_TOO_LARGE")
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _problem(400, 'the body must be JSON: {"query": "...", "variables": {...}}',
                            "BAD_REQUEST")
        if not isinstance(payload, dict):
            return _problem(400, "the body must be a JSON object", "BAD_REQUEST")
        return await answer(request, payload, {OperationType.QUERY, OperationType.MUTATION})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        def check() -> None:
            holder.get().ping()

        try:
            await asyncio.to_thread(check)
        except StoreUnavailable as exc:
            log.warning("not ready: %s", exc)
            return JSONResponse({"status": "unavailable", "detail": STORE_UNAVAILABLE},
                                status_code=503)
        return JSONResponse({"status": "ready"})

    _include_maps(app)
    return app
