"""GraphQL abuse, access control and fuzzing (schemathesis) on the served app.

Extends tests/test_api_graphql.py (which has the basic depth, alias, token, page, body and
introspection guards) with the abusive sizes, the key's handling and a schema-driven fuzz.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import SecretStr

from graph_service.api import auth
from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch

KEY = "s3cret-key-NEVER-LOGGED-5f2a9c"
UPSERT = "mutation($n: [NodeInput!]!) { upsertNodes(nodes: $n) { nodesCreated } }"


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"store": "unused", "api_keys": [SecretStr(KEY)]}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client(embedded_store: GraphStore) -> Iterator[TestClient]:
    embedded_store.upsert(seed_batch())
    with TestClient(create_app(make_settings(), store=embedded_store)) as test_client:
        yield test_client


def post(client: TestClient, query: str, variables: dict[str, Any] | None = None,
         key: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers=headers)
    body: dict[str, Any] = response.json()
    return response.status_code, body


def refused(body: dict[str, Any]) -> str:
    assert body.get("data") is None, body
    message: str = body["errors"][0]["message"]
    assert "Traceback" not in str(body) and "File \"" not in str(body)
    return message


# -- abuse ----------------------------------------------------------------------------------------


def test_alias_flood_is_refused_fast(client: TestClient) -> None:
    flood = "{ " + " ".join(f'a{i}: stats' for i in range(2000)) + " }"
    started = time.perf_counter()
    status, body = post(client, flood)
    assert status == 200
    assert "aliases" in refused(body) or "token" in refused(body).lower()
    assert time.perf_counter() - started < 5


def test_deep_and_self_spreading_queries_are_refused(client: TestClient) -> None:
    inner = "id"
    for _ in range(200):
        inner = f"parent {{ {inner} }}"
    _, body = post(client, f'{{ node(id: "agency:ice") {{ ... on Agency {{ {inner} }} }} }}')
    assert "depth" in refused(body) or "nested too deeply" in refused(body)
    cycle = ('{ node(id: "agency:ice") { ...A } } fragment A on Agency { parent { ...B } } '
             "fragment B on Agency { parent { ...A } }")
    _, body = post(client, cycle)
    assert "spread" in refused(body).lower()


@pytest.mark.parametrize("first", [1001, 2**31 - 1, 10**12, -1])
def test_huge_or_negative_first_is_refused(client: TestClient, first: int) -> None:
    status, body = post(client, f"{{ contracts(first: {first}) {{ totalCount }} }}")
    assert status == 200
    message = refused(body)
    assert "first" in message or "Int cannot represent" in message


def test_chunked_body_past_the_limit_is_refused(embedded_store: GraphStore) -> None:
    """No Content-Length to trust: the body is counted as it streams in."""
    app = create_app(make_settings(max_body_bytes=10_000), store=embedded_store)

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ stats }", "pad": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    with TestClient(app) as small:
        response = small.post("/graphql", content=chunks(),
                              headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_introspection_off_refuses_schema_and_type(embedded_store: GraphStore) -> None:
    with TestClient(create_app(make_settings(introspection=False), store=embedded_store)) as c:
        for query in ("{ __schema { types { name } } }", '{ __type(name: "Company") { name } }'):
            assert "introspection" in refused(post(c, query)[1]).lower()
        assert post(c, "{ stats }")[1]["data"]["stats"]


def test_introspection_switch_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVGRAPH_INTROSPECTION", "false")
    assert Settings().introspection is False


# -- access control -------------------------------------------------------------------------------


def test_keys_are_compared_in_constant_time_against_every_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", counting)
    keys = [SecretStr("first-key"), SecretStr("second-key"), SecretStr("third-key")]
    assert auth.key_matches("Bearer first-key", keys)
    assert len(calls) == 3  # the first matched, the others were still compared
    assert not auth.key_matches("Bearer first-ke", keys)
    assert not auth.key_matches("Basic first-key", keys)
    assert not auth.key_matches("Bearer ", keys)
    assert not auth.key_matches("Bearer anything", [SecretStr("")])


def test_the_key_never_reaches_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture
                                        ) -> None:
    caplog.set_level(logging.DEBUG)
    nodes = {"n": [{"id": "company:logged", "name": "Logged"}]}
    assert post(client, UPSERT, nodes, key=KEY)[1]["data"]["upsertNodes"]["nodesCreated"] == 1
    wrong = KEY + "-wrong"
    assert refused(post(client, UPSERT, nodes, key=wrong)[1]).startswith("unauthorized")
    bad = {"n": [{"id": "company:bad", "name": "Bad", "properties": {"uei": 12}}]}
    assert refused(post(client, UPSERT, bad, key=KEY)[1])
    assert caplog.records, "nothing was logged: the check would be empty"
    for text in (KEY, wrong):
        assert text not in caplog.text
        assert all(text not in str(r.args) for r in caplog.records)


def test_cors_origins_come_from_configuration(embedded_store: GraphStore) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    allowed = "https://advocates.example.org"
    app = create_app(make_settings(cors_origins=[allowed]), store=embedded_store)
    with TestClient(app) as c:
        ok = c.options("/graphql", headers={"Origin": allowed, **preflight})
        assert ok.headers.get("access-control-allow-origin") == allowed
        evil = c.options("/graphql", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in evil.headers
        simple = c.post("/graphql", json={"query": "{ stats }"},
                        headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers
    with TestClient(create_app(make_settings(), store=embedded_store)) as closed:
        answer = closed.post("/graphql", json={"query": "{ stats }"}, headers={"Origin": allowed})
        assert "access-control-allow-origin" not in answer.headers


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVGRAPH_CORS_ORIGINS", '["https://a.example", "https://b.example"]')
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_serve_binds_loopback_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from graph_service.cli.main import app

    bound: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, host, port, **_: bound.append((host, port)))
    monkeypatch.delenv("SURVGRAPH_HOST", raising=False)
    runner = CliRunner()
    for args in ([], ["--host", "0.0.0.0", "--port", "8080"]):
        result = runner.invoke(app, ["--store", ":memory:", "serve", *args])
        assert result.exit_code == 0, result.output
    assert bound == [("127.0.0.1", 8000), ("0.0.0.0", 8080)]


# -- fuzzing --------------------------------------------------------------------------------------

# Examples per GraphQL operation (16 operations; argument-less ones need fewer): 70 gives
# about 1,050 requests in the suite, in about 40 s.
EXAMPLES = int(os.environ.get("SURVGRAPH_FUZZ_EXAMPLES", "70"))
FUZZED: list[int] = []


def _fuzz_app() -> Any:
    import tempfile
    from pathlib import Path

    store = EmbeddedStore(Path(tempfile.mkdtemp(prefix="survgraph-fuzz-")) / "fuzz.db")
    store.upsert(seed_batch())
    return create_app(make_settings(), store=store)


fuzz_schema = schemathesis.graphql.from_asgi("/graphql", _fuzz_app())


@fuzz_schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          database=None)
def test_fuzzed_requests_never_get_a_5xx(case: Any) -> None:
    """Generated queries and mutations (with the key, so writes run too): every answer is a
    4xx or a 200 with data or clear errors, never a 5xx or a traceback."""
    response = case.call(headers={"Authorization": f"Bearer {KEY}"})
    FUZZED.append(response.status_code)
    assert response.status_code < 500, response.text[:500]
    body = response.json()
    assert "data" in body or "errors" in body
    assert "Traceback" not in response.text


def test_fuzz_volume_is_reported() -> None:
    """Runs after the fuzz (same module, in order): how many requests it sent, by status."""
    if not FUZZED:
        pytest.skip("the fuzz did not run in this session")
    counts = {status: FUZZED.count(status) for status in sorted(set(FUZZED))}
    print(f"fuzzed {len(FUZZED)} requests, by HTTP status: {counts}")
    assert all(status < 500 for status in counts)
