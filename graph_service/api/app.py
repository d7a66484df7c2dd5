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
from graphql import GraphQLError, parse
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_operation_type

from graph_service.api.auth import key_matches
from graph_service.api.context import Context
from graph_service.api.execute import run_operation
from graph_service.api.graphiql import ASSETS_URL, CSP, STATIC_DIR, graphiql_html
from graph_service.api.guards import STORE_UNAVAILABLE
from graph_service.api.http import (
    GRAPHQL_RESPONSE,
    JSON,
    BadRequest,
    Params,
    check_body_type,
    get_params,
    parse_json,
    response_type,
    status_for,
    wants_json,
)
from graph_service.api.http import params as http_params
from graph_service.api.http_guards import HostCheck, ReadKey
from graph_service.api.schema import build_schema
from graph_service.api.workers import LoopWorkers
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


def _problem(status: int, message: str, code: str,
             headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status, headers=headers)


def _is_mutation(params: Params) -> bool:
    """Whether the operation a GET would run is a mutation (unparsable text: not ours to
    judge here, GraphQL reports it)."""
    try:
        document = parse(params.query)
        return get_operation_type(document, params.operation_name) == OperationType.MUTATION
    except (GraphQLError, RuntimeError, RecursionError):
        return False


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
        workers.close()
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
    app.add_middleware(ReadKey, settings=settings, open_prefixes=(ASSETS_URL,))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(HostCheck, settings=settings)  # outermost: before anything else
    app.mount(ASSETS_URL, StaticFiles(directory=STATIC_DIR), name="graphql-assets")

    workers = LoopWorkers()
    app.state.workers = workers

    async def execute(request: Request, params: Params,
                      allowed: set[OperationType]) -> tuple[dict[str, Any], bytes]:
        """Run on a worker loop (workers.py); serialised there too, since a large answer
        takes long to encode."""
        store = await asyncio.to_thread(holder.get)
        can_write = key_matches(request.headers.get("authorization"), settings.api_keys)
        context = Context(store=store, settings=settings, can_write=can_write)
        result = await run_operation(schema, context, params.query, params.variables,
                                     params.operation_name, allowed)
        body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
        if len(body) > settings.max_response_bytes:
            result = {"errors": [{"message": f"the answer is {len(body):,} bytes, more than "
                                  f"the {settings.max_response_bytes:,} allowed: ask for "
                                  "smaller pages or fewer fields",
                                  "extensions": {"code": "RESPONSE_TOO_LARGE"}}]}
            body = json.dumps(result).encode()
        return result, body

    async def answer(request: Request, params: Params,
                     allowed: set[OperationType]) -> Response:
        media = response_type(request.headers.get("accept"))
        if media is None:
            return _problem(406, f"cannot answer in the accepted types: accept {JSON} or "
                            f"{GRAPHQL_RESPONSE}", "NOT_ACCEPTABLE")
        try:
            result, body = await workers.run(execute(request, params, allowed))
        except StoreUnavailable as exc:
            log.warning("store unavailable: %s", exc)
            return _problem(503, STORE_UNAVAILABLE, "STORE_UNAVAILABLE")
        return Response(body, status_code=status_for(result, media),
                        media_type=f"{media}; charset=utf-8")

    @app.get("/graphql", include_in_schema=False)
    async def graphql_get(request: Request) -> Response:
        query_params = request.query_params
        if "query" not in query_params and not wants_json(request.headers.get("accept")):
            return HTMLResponse(graphiql_html(), headers={"Content-Security-Policy": CSP})
        try:
            params = get_params(query_params)
        except BadRequest as exc:
            return _problem(exc.status, exc.message, exc.code)
        if _is_mutation(params):
            # GET must not change anything (the spec: 405, and say which method would).
            return _problem(405, "mutation operations are not allowed here (mutations need "
                            "POST)", "METHOD_NOT_ALLOWED", {"Allow": "POST"})
        return await answer(request, params, {OperationType.QUERY})

    @app.post("/graphql", include_in_schema=False)
    async def graphql_post(request: Request) -> Response:
        try:
            check_body_type(request.headers.get("content-type"))
            body = await _read_body(request, settings.max_body_bytes)
            if not body.strip():
                raise BadRequest(400, 'no body: send {"query": "...", "variables": {...}}')
            # A large body takes a while to check and parse: off the server's loop.
            parsed = (parse_json(body, "the body") if len(body) < 65536
                      else await asyncio.to_thread(parse_json, body, "the body"))
            params = http_params(parsed)
        except BodyTooLarge:
            return _problem(413, f"request body larger than {settings.max_body_bytes} bytes",
                            "PAYLOAD_TOO_LARGE")
        except BadRequest as exc:
            return _problem(exc.status, exc.message, exc.code)
        return await answer(request, params, {OperationType.QUERY, OperationType.MUTATION})

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
