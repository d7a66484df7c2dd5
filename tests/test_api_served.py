"""The served app (real uvicorn on a loopback port, started by `survgraph serve`) answers the
same as `survgraph query`, on both stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch
from tests.conftest import neo4j_credentials, neo4j_uri
from tests.served_app import free_port

SURVGRAPH = [sys.executable, "-m", "graph_service.cli"]
QUERY = """query($d: ID!) {
  companiesReaching(domain: $d) {
    totalCount
    nodes { subject { id name } paths { nodes { id } edges { type status sources { id } } } }
  }
  search(text: "ice", first: 5) { id kind name }
  agencies(orderBy: {field: NAME}) { totalCount nodes { id parent { id } } }
}"""
VARIABLES = {"d": "domain:immigration-enforcement"}


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def location(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """A store holding the seed graph: its SURVGRAPH_STORE value and environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVGRAPH_")}
    if request.param == "embedded":
        target = str(tmp_path / "served.db")
        from graph_service.stores.embedded import EmbeddedStore

        with EmbeddedStore(target) as store:
            store.upsert(seed_batch())
    else:
        store: GraphStore = request.getfixturevalue("neo4j_store")
        store.upsert(seed_batch())
        target = neo4j_uri()
        user, password = neo4j_credentials()
        env.update({"SURVGRAPH_NEO4J_USER": user, "SURVGRAPH_NEO4J_PASSWORD": password})
    env["SURVGRAPH_STORE"] = target
    yield target, env


def test_served_app_answers_like_the_cli(location: tuple[str, dict[str, str]]) -> None:
    _, env = location
    cli = subprocess.run(
        [*SURVGRAPH, "query", QUERY, "--variables", json.dumps(VARIABLES)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    assert expected["data"]["companiesReaching"]["totalCount"] >= 1

    port = free_port()
    server = subprocess.Popen(
        [*SURVGRAPH, "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "server did not become ready in 60 s"
            time.sleep(0.2)
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        served = httpx.post(f"{base}/graphql", json={"query": QUERY, "variables": VARIABLES},
                            timeout=60)
        assert served.status_code == 200
        assert served.json() == expected
        by_get = httpx.get(f"{base}/graphql",
                           params={"query": QUERY, "variables": json.dumps(VARIABLES)})
        assert by_get.json() == expected
    finally:
        server.terminate()
        server.wait(timeout=30)
