"""The served API under load, for real: `survgraph serve` in its own process (uvicorn, trace
logging) driven by `survgraph bench serve` (2 clients, 2 s: a smoke run; the 32-client, 60 s
figures are in docs/reliability.md). Also checks the bench's query mix against the real schema,
the loopback bind, and that the API key never reaches the server's output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graph_service.bench.serve_load import QUERY_MIX
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from tests.served_app import free_port

SURVGRAPH = [sys.executable, "-m", "graph_service.cli"]
KEY = "served-key-must-not-be-logged-7c1e"


def test_served_api_holds_load_and_never_logs_the_key(tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    with EmbeddedStore(db) as store:
        store.upsert(seed_batch())
    port = free_port()
    env = {**os.environ, "SURVGRAPH_API_KEYS": json.dumps([KEY])}
    env.pop("SURVGRAPH_HOST", None)
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*SURVGRAPH, "--store", str(db), "serve", "--port", str(port), "--log-level",
             "trace"], env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        # Every query of the bench's mix answers without errors on the real schema.
        for body in QUERY_MIX:
            answer = httpx.post(url, json=body).json()
            assert "errors" not in answer and answer["data"], (body, answer)
        for key in (KEY, KEY + "-wrong"):
            httpx.post(url, headers={"Authorization": f"Bearer {key}"}, json={
                "query": 'mutation { upsertNodes(nodes: [{id: "company:k", name: "K"}]) '
                         "{ nodesCreated } }"})
        bench = subprocess.run(
            [*SURVGRAPH, "bench", "serve", "--url", url, "--clients", "2", "--seconds", "2",
             "--json"], capture_output=True, text=True, timeout=120, check=False)
        assert bench.returncode == 0, bench.stdout + bench.stderr
        report = json.loads(bench.stdout)
        assert report["errors"] == 0 and report["requests"] > 0, report
        assert report["p50_ms"] > 0 and report["p99_ms"] >= report["p50_ms"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    output_text = log.read_text()
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output_text  # loopback by default
    assert "ASGI [" in output_text and "POST /graphql" in output_text  # all was logged ...
    assert KEY not in output_text  # ... but never the key
