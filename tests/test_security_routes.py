"""SURVGRAPH_READ_REQUIRES_KEY covers every route that serves data: the routes are taken
from the app itself, so a route added later is checked too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.routing import Mount

from graph_service.api.app import create_app
from graph_service.api.graphiql import ASSETS_URL
from graph_service.config import Settings
from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch

KEY = "read-key-for-routes"
# Routes that serve no data: health checks (no store content), and the GraphiQL page with
# its static assets (checked below to hold no data).
OPEN = {"/healthz", "/readyz"}
SAMPLE_QUERY = {"q": "ice", "to": "domain:immigration-enforcement", "from": "company:microsoft",
                "query": "{ stats }"}


@pytest.fixture
def client(embedded_store: GraphStore) -> Iterator[TestClient]:
    embedded_store.upsert(seed_batch())
    settings = Settings(store="unused", api_keys=[SecretStr(KEY)], read_requires_key=True)
    with TestClient(create_app(settings, store=embedded_store)) as test_client:
        yield test_client


def all_routes(routes: list[Any]) -> Iterator[Any]:
    """Routes, with those of included routers (FastAPI wraps each in an object holding
    `original_router`)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes)
        else:
            yield route


def data_requests(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) for every route of the app, path parameters filled in."""
    found = []
    for route in all_routes(client.app.routes):  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if isinstance(route, Mount):
            found.append(("GET", f"{path}/graphiql.min.js"))
            continue
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method in ("HEAD", "OPTIONS"):
                continue
            found.append((method, re.sub(r"\{[^}]+\}", "agency:ice", path)))
    return found


def test_every_data_route_needs_the_read_key(client: TestClient) -> None:
    requests = data_requests(client)
    paths = {path for _, path in requests}
    assert {"/graphql", "/maps/search", "/maps/overview", "/maps/path", "/maps/reach",
            "/maps/ego/agency:ice", "/"} <= paths, paths
    guarded = 0
    for method, path in requests:
        params = {} if path in OPEN else SAMPLE_QUERY
        kwargs = {"json": {"query": "{ stats }"}} if method == "POST" else {"params": params}
        without = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        if path in OPEN or path.startswith(ASSETS_URL):
            assert without.status_code != 401, (method, path)
            continue
        assert without.status_code == 401, (method, path, without.status_code)
        assert "ICE" not in without.text and "Immigration" not in without.text
        with_key = client.request(method, path, headers={"Authorization": f"Bearer {KEY}"},
                                  **kwargs)  # type: ignore[arg-type]
        assert with_key.status_code != 401, (method, path)
        guarded += 1
    assert guarded >= 8


def test_the_graphiql_page_holds_no_data(client: TestClient) -> None:
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "Immigration" not in page.text
    assert client.get("/graphql", params={"query": "{ stats }"}).status_code == 401
