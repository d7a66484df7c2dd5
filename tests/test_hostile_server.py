"""Hostile input against a really served app (uvicorn on loopback, tests/served_app.py): each
attack of issue 15 at a small size, with /healthz polled while it runs (it must answer within
a second) and the store compared before and after (a refused or read-only attack changes
nothing)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.records import Batch, Edge, Node
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from tests.served_app import serving

KEY = "hostile-suite-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
CLUSTER = 40  # agencies that all share data with each other: nested lists grow fast


def graph() -> Batch:
    batch = seed_batch()
    ids = [f"agency:hostile-{k:02d}" for k in range(CLUSTER)]
    batch.nodes.extend(Node(i, "Agency", f"Hostile agency {i[-2:]}") for i in ids)
    batch.edges.extend(Edge("SHARES_DATA_WITH", a, b) for a in ids for b in ids if a < b)
    return batch


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("hostile") / "hostile.db")
    store.upsert(graph())
    yield store
    store.close()


@pytest.fixture(scope="module")
def served(store: EmbeddedStore) -> Callable[..., Any]:
    """`served(**settings)`: a context manager serving the store with those settings."""

    def serve(**overrides: Any) -> Any:
        values: dict[str, Any] = {"store": "unused", "api_keys": [SecretStr(KEY)],
                                  "query_timeout_seconds": 3.0}
        values.update(overrides)
        return serving(create_app(Settings(**values), store=store))

    return serve


@pytest.fixture(scope="module")
def url(served: Callable[..., Any]) -> Iterator[str]:
    with served() as base:
        yield base


def snapshot(store: EmbeddedStore) -> str:
    return json.dumps(store.stats().to_dict(), sort_keys=True)


def under_attack(base: str, attack: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    """Run `attack` while polling /healthz; the answer and the slowest /healthz seconds."""
    result: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: result.append(attack()))
    thread.start()
    slowest = 0.0
    with httpx.Client(timeout=5) as client:
        while thread.is_alive() or slowest == 0.0:
            started = time.perf_counter()
            assert client.get(f"{base}/healthz").status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
            time.sleep(0.05)
    thread.join()
    assert result, "the attack raised"
    return result[0], slowest


def post(base: str, body: Any, headers: dict[str, str] | None = None,
         timeout: float = 30) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{base}/graphql", content=content, timeout=timeout,
                      headers={"content-type": "application/json", **(headers or {})})


def code_of(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


def fan_out(levels: int) -> str:
    parts = ["fragment F0 on Query { stats }"]
    parts += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels)]
    return f"{{ ...F{levels - 1} }} " + " ".join(parts)


WIDE = ("{ agencies(first:1000) { nodes { sharesDataWith(first:1000) { sharesDataWith(first:1000)"
        " { sharesDataWith(first:1000) { sharesDataWith(first:1000) { id } } } } } } }")


def test_fragment_fan_out_is_refused_by_cost_at_once(url: str, store: EmbeddedStore) -> None:
    before = snapshot(store)
    started = time.perf_counter()
    response, slowest = under_attack(url, lambda: post(url, {"query": fan_out(39)}))
    assert time.perf_counter() - started < 5 and slowest < 1
    assert code_of(response) == "QUERY_TOO_COSTLY"
    message = response.json()["errors"][0]["message"]
    assert "budget is 2,000,000" in message and f"cost is {2**38:,}" in message  # 2^38 stats
    assert "data" not in response.json()
    # Depth and aliases are measured once per fragment too: a deep fan-out of aliases is
    # counted (2^20 aliases) and refused as fast.
    aliased = fan_out(20).replace("{ stats }", "{ s: stats }")
    assert "aliases found" in post(url, {"query": aliased}).json()["errors"][0]["message"]
    assert snapshot(store) == before


def test_cross_site_text_plain_post_is_refused(url: str) -> None:
    response = post(url, {"query": fan_out(5)}, {"content-type": "text/plain"})
    assert response.status_code == 415 and code_of(response) == "UNSUPPORTED_MEDIA_TYPE"
    form = post(url, b"query=%7B+stats+%7D",
                {"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415


def test_wide_nested_lists_are_refused_by_cost(url: str, store: EmbeddedStore) -> None:
    before = snapshot(store)
    response, slowest = under_attack(url, lambda: post(url, {"query": WIDE}))
    assert slowest < 1 and code_of(response) == "QUERY_TOO_COSTLY"
    assert "10^15" in response.json()["errors"][0]["message"]
    # Leaving `first` out counts the default page (100) per level.
    defaulted = WIDE.replace("(first:1000)", "")
    assert code_of(post(url, {"query": defaulted})) == "QUERY_TOO_COSTLY"
    assert snapshot(store) == before


def test_the_deadline_stops_an_answer_the_cost_let_through(served: Callable[..., Any],
                                                           store: EmbeddedStore) -> None:
    """With the cost limit out of the way, the deadline alone stops the work in time:
    40 agencies sharing data 4 levels deep is 40^5 = 10^8 ids."""
    query = WIDE.replace("first:1000", f"first:{CLUSTER}").replace(
        "agencies(first", 'agencies(filter: {text: "hostile"}, first')
    before = snapshot(store)
    with served(max_query_cost=10**12, query_timeout_seconds=1.0,
                max_response_bytes=10**10) as base:
        started = time.perf_counter()
        response, slowest = under_attack(base, lambda: post(base, {"query": query}))
        took = time.perf_counter() - started
        assert code_of(response) == "TIMEOUT" and took < 4, took
        assert slowest < 1
        # The worker is free again: the next query answers at once.
        assert post(base, {"query": "{ stats }"}).json()["data"]["stats"]
    assert snapshot(store) == before


def test_answers_are_bounded_in_size(served: Callable[..., Any]) -> None:
    query = '{ agencies(filter: {text: "hostile"}, first: 40) { nodes { id name } } }'
    with served(max_response_bytes=2000) as base:
        response = post(base, {"query": query})
        assert code_of(response) == "RESPONSE_TOO_LARGE"
        assert "2,000 allowed" in response.json()["errors"][0]["message"]
        small = post(base, {"query": "{ agencies(first: 2) { nodes { id } } }"}).json()
        assert len(small["data"]["agencies"]["nodes"]) == 2


def test_several_operations_need_an_operation_name(url: str) -> None:
    two = "query A { stats } query B { agencies(first: 1) { totalCount } }"
    refused = post(url, {"query": two}).json()
    assert "data" not in refused and "operationName" in refused["errors"][0]["message"]
    chosen = post(url, {"query": two, "operationName": "B"}).json()
    assert chosen["data"]["agencies"]["totalCount"] > 0


@pytest.mark.parametrize("name, body", [
    ("search text over 50,000 characters",
     {"query": "query($t: String!) { search(text: $t) { id } }", "variables": {"t": "x" * 50_001}}),
    ("a list filter's text likewise",
     {"query": "query($t: String!) { agencies(filter: {text: $t}) { totalCount } }",
      "variables": {"t": "%_" * 30_000}}),
])
def test_oversized_search_text_is_a_coded_error(url: str, name: str, body: Any) -> None:
    response = post(url, body)
    assert response.status_code == 200, name
    assert code_of(response) == "BAD_REQUEST"
    assert "at most 1000 characters" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("raw", [
    b'{"query": "query($t: String!) { search(text: $t) { id } }", "variables": {"t": "\\ud800"}}',
    b'{"query": "{ search(text: \\"\\\\ud800\\") { id } }"}',
    b'{"query": "mutation($c: String!) { load(format: \\"graph\\", content: $c) { rows } }",'
    b' "variables": {"c": "{\\"record\\": \\"node\\", \\"name\\": \\"\\udfff\\"}"}}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"query": "{ stats }", "variables": {"v": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
])
def test_malformed_text_and_json_are_coded_errors(url: str, store: EmbeddedStore,
                                                  raw: bytes) -> None:
    before = snapshot(store)
    response = post(url, raw, AUTH)
    body = response.json()
    assert response.status_code in (200, 400), response.text[:300]
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes <= {"BAD_REQUEST", "GRAPHQL_VALIDATION_FAILED"}, body
    assert snapshot(store) == before


LOAD = ("mutation($c: String!, $f: String, $m: String, $fmt: String!) { load(format: $fmt, "
        "content: $c, filename: $f, mapping: $m) { rows job { id status } } }")


MAPPING = "nodes:\n  company:\n    kind: {kind}\n    name: \"{{name}}\"\n    {extra}\n"


@pytest.mark.parametrize("variables", [
    {"fmt": "graph", "c": '{"record": "node", "id": "company:nul", "kind": "Company", '
     '"name": "Nul"}', "f": "up\u0000load.jsonl"},
    {"fmt": "csv", "c": "name\nAcme\n", "m": MAPPING.format(kind="[Company]", extra="")},
    {"fmt": "csv", "c": "name\nAcme\n", "m": MAPPING.format(kind="Company",
                                                             extra="properties: [a]")},
    {"fmt": "csv", "c": "name\nAcme\n", "m": MAPPING.format(kind="Company", extra="aliases: 5")},
])
def test_bad_load_arguments_are_coded_errors(url: str, variables: dict[str, Any]) -> None:
    body = post(url, {"query": LOAD, "variables": variables}, AUTH).json()
    if variables["fmt"] == "csv":  # every mapping here has a value of the wrong type
        assert body["errors"][0]["message"].startswith("mapping: "), body
    for error in body.get("errors", []):
        assert error["extensions"]["code"] == "BAD_REQUEST", body
        assert "internal error" not in error["message"]
    if "errors" not in body:  # the NUL is dropped from the file name and the load runs
        assert body["data"]["load"]["job"]["status"] == "DONE"


def test_a_load_past_its_time_answers_a_job_and_finishes(served: Callable[..., Any],
                                                         store: EmbeddedStore) -> None:
    lines = "\n".join(json.dumps({"record": "node", "id": f"company:bulk-{k}", "kind": "Company",
                                  "name": f"Bulk {k}"}) for k in range(3000))
    before = store.stats().to_dict()["nodes"]
    with served(query_timeout_seconds=0.2) as base:
        answer = post(base, {"query": LOAD.replace("rows", "rows nodes"),
                             "variables": {"fmt": "graph", "c": lines}}, AUTH).json()
        assert "errors" not in answer, answer
        job = answer["data"]["load"]["job"]
        assert job["status"] in ("RUNNING", "DONE")
        status = "RUNNING" if answer["data"]["load"]["rows"] is None else "DONE"
        assert job["status"] == status
        poll = "query($id: ID!) { loadJob(id: $id) { status error result { rows nodes } } }"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = post(base, {"query": poll, "variables": {"id": job["id"]}}, AUTH).json()
            if found["data"]["loadJob"]["status"] != "RUNNING":
                break
            time.sleep(0.2)
        assert found["data"]["loadJob"] == {"status": "DONE", "error": None,
                                             "result": {"rows": 3000, "nodes": 3000}}
        refused = post(base, {"query": poll, "variables": {"id": job["id"]}}).json()
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"
    assert store.stats().to_dict()["nodes"] == {**before, "Company": before["Company"] + 3000}


@pytest.mark.parametrize("host, status", [
    ("evil.example", 421), ("evil.example:{port}", 421), ("127.0.0.2.nip.io", 421),
    ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200),
])
def test_only_loopback_host_names_are_answered_on_loopback(url: str, host: str,
                                                           status: int) -> None:
    port = url.rsplit(":", 1)[1]
    response = post(url, {"query": "{ stats }"}, {"host": host.format(port=port)})
    assert response.status_code == status
    if status == 421:
        assert code_of(response) == "BAD_HOST"
