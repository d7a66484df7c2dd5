"""Shared fixtures: a real Neo4j server for tests marked `neo4j`, and a `store` fixture that
runs a test once on the embedded store and once on Neo4j (the contract suite).

The Neo4j server comes from `SURVGRAPH_TEST_NEO4J_URI` (+ `SURVGRAPH_TEST_NEO4J_PASSWORD`,
default survgraph-test), which scripts/test.sh sets after starting one. Without it, Neo4j tests
FAIL with a clear message; set `SURVGRAPH_SKIP_NEO4J=1` to skip them on purpose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from visualizations.browser import ChromiumMissing, chromium

NEO4J_URI_VARIABLE = "SURVGRAPH_TEST_NEO4J_URI"


def neo4j_uri() -> str:
    """The test server's URL, or fail (skip only when SURVGRAPH_SKIP_NEO4J=1)."""
    uri = os.environ.get(NEO4J_URI_VARIABLE, "").strip()
    if uri:
        return uri
    if os.environ.get("SURVGRAPH_SKIP_NEO4J") == "1":
        pytest.skip("SURVGRAPH_SKIP_NEO4J=1: Neo4j tests skipped on purpose")
    pytest.fail(
        f"{NEO4J_URI_VARIABLE} is not set, so this Neo4j test cannot run. Run the tests with "
        "scripts/test.sh (it starts a real Neo4j), or start one with scripts/neo4j-server.sh "
        f"and set {NEO4J_URI_VARIABLE}=bolt://127.0.0.1:<port>; set SURVGRAPH_SKIP_NEO4J=1 "
        "only to skip these tests deliberately.",
        pytrace=False,
    )


def neo4j_credentials() -> tuple[str, str]:
    return (
        os.environ.get("SURVGRAPH_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("SURVGRAPH_TEST_NEO4J_PASSWORD", "survgraph-test"),
    )


@pytest.fixture(autouse=True)
def _neo4j_required(request: pytest.FixtureRequest) -> None:
    """Every test marked `neo4j` fails up front when no server is configured."""
    if request.node.get_closest_marker("neo4j") is not None:
        neo4j_uri()


def connect_test_neo4j() -> GraphStore:
    """A new Neo4jStore connected to the test server."""
    from graph_service.stores.neo4j_store import Neo4jStore

    user, password = neo4j_credentials()
    return Neo4jStore(neo4j_uri(), user=user, password=password)


@pytest.fixture(scope="session")
def neo4j_session_store() -> Iterator[GraphStore]:
    """One connected Neo4jStore for the whole run (constraints ensured once)."""
    store = connect_test_neo4j()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def neo4j_store(neo4j_session_store: GraphStore) -> GraphStore:
    """The Neo4j store, emptied for this test."""
    neo4j_session_store.clear()
    return neo4j_session_store


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[GraphStore]:
    """An embedded store in a fresh file."""
    store = EmbeddedStore(tmp_path / "store.db")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each store in turn, empty: the contract suite asserts the same answers on both."""
    fixture = "embedded_store" if request.param == "embedded" else "neo4j_store"
    store: GraphStore = request.getfixturevalue(fixture)
    return store


# Headless Chromium for the browser tests: fails (never skips) when missing, unless
# SURVGRAPH_SKIP_BROWSER=1 says to skip on purpose.

@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if os.environ.get("SURVGRAPH_SKIP_BROWSER") == "1":
        pytest.skip("SURVGRAPH_SKIP_BROWSER=1: browser tests skipped on purpose")
    try:
        with chromium() as launched:
            yield launched
    except ChromiumMissing as exc:
        pytest.fail(f"{exc}; set SURVGRAPH_SKIP_BROWSER=1 only to skip on purpose",
                    pytrace=False)
