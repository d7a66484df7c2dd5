"""Neo4j stopped while the API serves: /readyz answers 503 and GraphQL answers a clear "store
unavailable" error (no 500, no trace); when Neo4j is back the same app recovers by itself, with
everything stored before intact.

The test runs a Neo4j server of its own (scripts/neo4j-server.sh, home .neo4j-faults, bolt port
7691, or SURVGRAPH_FAULTS_NEO4J_HOME / _PORT) so stopping it disturbs no other test. One stop and
start cycle: about a minute on a loaded 2-core machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.export import jsonl_lines
from graph_service.stores.neo4j_store import Neo4jStore
from loaders.seed import seed_batch

REPO = Path(__file__).resolve().parent.parent
HOME = os.environ.get("SURVGRAPH_FAULTS_NEO4J_HOME", str(REPO / ".neo4j-faults"))
PORT = int(os.environ.get("SURVGRAPH_FAULTS_NEO4J_PORT", "7691"))
PASSWORD = "survgraph-test"
URL = f"bolt://127.0.0.1:{PORT}"
KEY = "faults-key"

# Marked like every Neo4j test (skipped only with SURVGRAPH_SKIP_NEO4J=1), although the server
# it stops and starts is its own.
pytestmark = pytest.mark.neo4j
REACH = ('{ companiesReaching(domain: "domain:immigration-enforcement") '
         "{ totalCount nodes { subject { id } } } }")


def server(command: str) -> None:
    env = {**os.environ, "SURVGRAPH_NEO4J_HOME": HOME, "SURVGRAPH_NEO4J_BOLT_PORT": str(PORT),
           "SURVGRAPH_NEO4J_PASSWORD": PASSWORD, "PYTHON": sys.executable}
    done = subprocess.run([str(REPO / "scripts" / "neo4j-server.sh"), command], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"neo4j-server.sh {command}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def own_neo4j() -> Iterator[str]:
    if os.environ.get("SURVGRAPH_SKIP_NEO4J") == "1":
        pytest.skip("SURVGRAPH_SKIP_NEO4J=1: Neo4j tests skipped on purpose")
    server("start")
    server("wait")
    try:
        yield URL
    finally:
        server("stop")


def ask(client: TestClient, query: str) -> tuple[int, dict[str, Any]]:
    response = client.post("/graphql", json={"query": query},
                           headers={"Authorization": f"Bearer {KEY}"})
    body: dict[str, Any] = response.json()
    return response.status_code, body


def test_neo4j_stopped_while_serving_then_back(own_neo4j: str) -> None:
    with Neo4jStore(own_neo4j, password=PASSWORD) as setup:
        setup.clear()
        setup.upsert(seed_batch())
        before = list(jsonl_lines(setup))
    settings = Settings(store=own_neo4j, neo4j_password=SecretStr(PASSWORD),
                        api_keys=[SecretStr(KEY)])
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        status, healthy = ask(client, REACH)
        assert status == 200 and healthy["data"]["companiesReaching"]["totalCount"] == 1

        server("stop")
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["detail"].startswith("store unavailable")
        assert client.get("/healthz").status_code == 200  # the process itself is fine
        write = ('mutation { upsertNodes(nodes: [{id: "company:during-outage", '
                 'name: "During"}]) { nodesCreated } }')
        for query in (REACH, '{ node(id: "agency:ice") { name } }', write):
            status, body = ask(client, query)
            assert status in (200, 503), body
            assert body.get("errors"), f"answered with the store down: {body}"
            error = body["errors"][0]
            assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
            assert error["message"].startswith("store unavailable")
            assert "Traceback" not in str(body) and "neo4j" not in error["message"].lower()

        server("start")
        server("wait")
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:  # the same app, not restarted
            assert time.monotonic() < deadline, "the API did not recover within 60 s"
            time.sleep(0.5)
        # A freshly started server answers its first heavy queries slowly (cold page cache,
        # JIT); recovery means the same app answers again, without a restart, within a minute.
        status, recovered = ask(client, REACH)
        while "errors" in recovered and time.monotonic() < deadline + 60:
            assert recovered["errors"][0]["extensions"]["code"] in ("TIMEOUT", "STORE_UNAVAILABLE")
            time.sleep(1)
            status, recovered = ask(client, REACH)
        assert status == 200 and recovered == healthy
    with Neo4jStore(own_neo4j, password=PASSWORD) as after:
        assert list(jsonl_lines(after)) == before  # nothing lost, the outage write not applied
