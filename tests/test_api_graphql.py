"""The GraphQL API through FastAPI's TestClient, on the embedded store and on a real Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch
from tests.loader_helpers import REPO, shared_data
from tests.served_app import free_port

KEY = "test-key-0123456789"
DOMAIN = "domain:immigration-enforcement"


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"store": "unused-a-store-is-passed", "api_keys": [SecretStr(KEY)]}
    values.update(overrides)
    return Settings(**values)


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None,
        key: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    store.upsert(seed_batch())
    with TestClient(create_app(settings(), store=store)) as test_client:
        yield test_client


# -- the headline questions ---------------------------------------------------------------------

REACHING = """
query($domain: ID!) {
  companiesReaching(domain: $domain) {
    totalCount
    nodes {
      subject { id name kind }
      rules
      paths { nodes { id } edges { type from to status sources { id title excerpt } } }
      sources { id }
    }
  }
}"""


def test_companies_reaching_immigration_enforcement_cites_every_tie(client: TestClient) -> None:
    answer = data(gql(client, REACHING, {"domain": DOMAIN}))["companiesReaching"]
    by_id = {item["subject"]["id"]: item for item in answer["nodes"]}
    assert answer["totalCount"] == len(answer["nodes"])
    microsoft = by_id["company:microsoft"]
    assert microsoft["subject"]["kind"] == "COMPANY"
    through = [p for p in microsoft["paths"]
               if {"agency:ice", "agency:cbp"} & {n["id"] for n in p["nodes"]}]
    assert through, microsoft["paths"]
    for path in through:
        assert path["nodes"][0]["id"] == "company:microsoft"
        assert path["nodes"][-1]["id"] == DOMAIN
        assert len(path["edges"]) == len(path["nodes"]) - 1
        for edge in path["edges"]:
            assert edge["status"] in ("reported", "inferred")
            assert edge["sources"], edge
            assert all(s["title"] and s["excerpt"] for s in edge["sources"])


def test_products_reaching_and_reach_agree(store: GraphStore, client: TestClient) -> None:
    store.upsert(procurement(8))
    products = data(gql(client, """query($d: ID!) { productsReaching(domain: $d) {
        totalCount nodes { subject { id } rules } } }""", {"d": DOMAIN}))["productsReaching"]
    general = data(gql(client, """query($d: ID!) { reach(fromKinds: [PRODUCT], to: $d) {
        totalCount nodes { subject { id } rules } } }""", {"d": DOMAIN}))["reach"]
    assert products == general
    assert {"subject": {"id": "product:plate-finder"}, "rules": ["product-under-contract"]} in (
        products["nodes"])


def test_paths_between_microsoft_and_dhs(client: TestClient) -> None:
    paths = data(gql(client, """{ paths(from: "company:microsoft", to: "agency:dhs") {
        length nodes { id } edges { type from to } } }"""))["paths"]
    assert paths
    assert {p["length"] for p in paths} == {min(p["length"] for p in paths)}
    for path in paths:
        assert path["nodes"][0]["id"] == "company:microsoft"
        assert path["nodes"][-1]["id"] == "agency:dhs"


def test_node_search_and_typed_neighbours(client: TestClient) -> None:
    found = data(gql(client, """{
      node(id: "agency:ice") { id kind name ... on Agency { parent { id name } domains { id } } }
      search(text: "micro", kinds: [COMPANY]) { id name }
    }"""))
    assert found["node"]["kind"] == "AGENCY"
    assert found["node"]["parent"]["id"] == "agency:dhs"
    assert DOMAIN in {d["id"] for d in found["node"]["domains"]}
    assert [n["id"] for n in found["search"]] == ["company:microsoft"]


# -- writes -------------------------------------------------------------------------------------

UPSERT = """mutation($nodes: [NodeInput!]!) { upsertNodes(nodes: $nodes) { nodesCreated } }"""
NEW_NODE = {"nodes": [{"id": "company:acme-surveillance", "name": "Acme Surveillance"}]}


def test_mutation_needs_the_configured_key(client: TestClient) -> None:
    for key in (None, "wrong-key"):
        refused = gql(client, UPSERT, NEW_NODE, key=key)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"
        assert "API key" in refused["errors"][0]["message"]
        assert "test-key" not in str(refused)
    assert data(gql(client, '{ node(id: "company:acme-surveillance") { id } }'))["node"] is None
    applied = data(gql(client, UPSERT, NEW_NODE, key=KEY))
    assert applied["upsertNodes"]["nodesCreated"] == 1
    node = data(gql(client, '{ node(id: "company:acme-surveillance") { id name } }'))["node"]
    assert node == {"id": "company:acme-surveillance", "name": "Acme Surveillance"}


def test_reads_can_require_the_key(store: GraphStore) -> None:
    with TestClient(create_app(settings(read_requires_key=True), store=store)) as closed:
        refused = closed.post("/graphql", json={"query": "{ stats }"})
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"
        assert "stats" in data(gql(closed, "{ stats }", key=KEY))


def test_bad_records_are_refused_naming_record_and_field(client: TestClient) -> None:
    bad = gql(client, UPSERT, {"nodes": [
        {"id": "company:ok", "name": "Fine"},
        {"id": "company:bad", "name": "Bad", "properties": {"uei": 12}},
    ]}, key=KEY)
    assert bad["errors"][0]["message"].startswith("nodes[1] (company:bad): field uei")
    assert data(gql(client, '{ node(id: "company:ok") { id } }'))["node"] is None
    dangling = gql(client, """mutation { upsertRelationships(relationships: [
        {type: "OFFERS", from: "company:microsoft", to: "product:nowhere"}]) {
        relationshipsCreated } }
    """, key=KEY)
    assert "do not exist" in dangling["errors"][0]["message"]


def test_load_graph_lines(client: TestClient) -> None:
    lines = "\n".join([
        '{"record": "node", "id": "company:lined", "kind": "Company", "name": "Lined Inc"}',
        '{"record": "edge", "type": "SUPPLIES", "from": "company:lined", "to": "agency:ice",'
        ' "status": "reported", "sources": ["source:seed-article-review"]}',
        '{"record": "node", "id": "company:broken", "kind": "Company", "name": ""}',
    ])
    loaded = data(gql(client, """mutation($c: String!) {
        load(format: "graph", content: $c, filename: "upload.jsonl") {
        rows loaded rejected rejects { file row field } written { relationshipsCreated } } }""",
                      {"c": lines}, key=KEY))["load"]
    assert (loaded["rows"], loaded["loaded"], loaded["rejected"]) == (3, 2, 1)
    assert loaded["rejects"] == [{"file": "upload.jsonl", "row": 3, "field": "name"}]
    assert loaded["written"]["relationshipsCreated"] == 1
    reaching = data(gql(client, REACHING, {"domain": DOMAIN}))["companiesReaching"]
    assert "company:lined" in {n["subject"]["id"] for n in reaching["nodes"]}
    wrong = gql(client, 'mutation { load(format: "usaspending", content: "a,b\\n1,2") '
                '{ rows } }', key=KEY)
    assert "not a USAspending" in wrong["errors"][0]["message"]


def test_load_csv_through_its_mapping(client: TestClient) -> None:
    """An analyst's spreadsheet through GraphQL: the real freezer.csv head and the shipped
    mapping, sent as text; a bad amount is rejected by row and field, the rest is loaded."""
    head = (shared_data() / "torn-apart" / "freezer.csv").read_text(encoding="utf-8")
    lines = head.splitlines()[:6]
    lines.append(lines[1].replace("HSCEDM14F00011", "BROKEN-ROW-7").replace(
        "5135635.83", "lots", 1))
    mapping = (REPO / "loaders" / "mappings" / "torn-apart-freezer.yaml").read_text()
    query = """mutation($c: String!, $m: String) {
        load(format: "csv", content: $c, mapping: $m, filename: "freezer-head.csv") {
        rows loaded rejected rejects { file row field } } }"""
    loaded = data(gql(client, query, {"c": "\n".join(lines), "m": mapping}, key=KEY))["load"]
    assert (loaded["rows"], loaded["loaded"], loaded["rejected"]) == (6, 5, 1)
    assert loaded["rejects"] == [{"file": "freezer-head.csv", "row": 7,
                                  "field": "current_total_value"}]
    contract = data(gql(client, '{ node(id: "contract:hscedm14f00011") { id name } }'))
    assert contract["node"] == {"id": "contract:hscedm14f00011", "name": "HSCEDM14F00011"}
    missing = gql(client, query, {"c": "\n".join(lines), "m": None}, key=KEY)
    assert "needs a mapping" in missing["errors"][0]["message"]
    broken = gql(client, query, {"c": "\n".join(lines), "m": "nodes: [1, 2"}, key=KEY)
    message = broken["errors"][0]["message"]
    assert message.startswith("mapping: not valid YAML") and "tmp" not in message
    assert data(gql(client, '{ node(id: "contract:broken-row-7") { id } }'))["node"] is None


# -- guards -------------------------------------------------------------------------------------


def nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"parent {{ {inner} }}"
    return f'{{ node(id: "agency:ice") {{ ... on Agency {{ {inner} }} }} }}'


def test_query_nested_50_deep_is_refused_clearly(client: TestClient) -> None:
    refused = gql(client, nested(50))
    assert refused.get("data") is None
    message = refused["errors"][0]["message"]
    assert "exceeds maximum operation depth" in message
    assert "Traceback" not in str(refused)
    assert data(gql(client, nested(3)))["node"]["parent"]["parent"] is None


def test_alias_token_and_page_limits(client: TestClient) -> None:
    aliases = "{ " + " ".join(f'a{i}: node(id: "agency:ice") {{ id }}' for i in range(40)) + " }"
    assert "aliases" in gql(client, aliases)["errors"][0]["message"]
    tokens = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    assert "token" in gql(client, tokens)["errors"][0]["message"].lower()
    too_many = gql(client, "{ contracts(first: 1001) { totalCount } }")
    assert too_many["errors"][0]["message"] == "first is at most 1000, got 1001"
    bad_cursor = gql(client, '{ contracts(after: "nonsense") { totalCount } }')
    assert "invalid cursor" in bad_cursor["errors"][0]["message"]


def test_oversized_body_and_malformed_requests(store: GraphStore) -> None:
    with TestClient(create_app(settings(max_body_bytes=1000), store=store)) as small:
        response = small.post("/graphql", json={"query": "{ stats }", "pad": "x" * 2000})
        assert response.status_code == 413
        assert "larger than 1000 bytes" in response.json()["errors"][0]["message"]
        response = small.post("/graphql", content=b"{not json",
                              headers={"content-type": "application/json"})
        assert response.status_code == 400
        get_mutation = small.get("/graphql", params={"query": 'mutation { load(format: "seed", '
                                                     'content: "") { nodes } }'})
        assert "mutation operations are not allowed" in get_mutation.json()["errors"][0]["message"]


def test_introspection_can_be_switched_off(store: GraphStore) -> None:
    query = "{ __schema { queryType { name } } }"
    with TestClient(create_app(settings(), store=store)) as open_client:
        assert data(gql(open_client, query))["__schema"]["queryType"]["name"] == "Query"
    with TestClient(create_app(settings(introspection=False), store=store)) as closed:
        assert "introspection" in gql(closed, query)["errors"][0]["message"].lower()


def test_internal_failures_are_masked(store: GraphStore) -> None:
    class Broken:
        """A real store whose search fails the way a bug would."""

        def __init__(self, inner: GraphStore) -> None:
            self.inner = inner

        def search(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("secret internal detail /etc/passwd")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    with TestClient(create_app(settings(), store=Broken(store))) as broken:  # type: ignore[arg-type]
        body = gql(broken, '{ search(text: "x") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in str(body) and "RuntimeError" not in str(body)


def test_unreachable_store_is_reported_not_raised() -> None:
    dead = settings(store=f"bolt://127.0.0.1:{free_port()}")
    with TestClient(create_app(dead)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = client.post("/graphql", json={"query": "{ stats }"})
        assert body.status_code == 503
        assert body.json()["errors"][0]["message"].startswith("store unavailable")


# -- lists, pages, spending ---------------------------------------------------------------------


def procurement(count: int) -> Batch:
    """A parent with two subsidiaries, contracts from ICE (part of DHS) and from DHS itself."""
    nodes = [
        Node("company:holding", "Company", "Holding Corp"),
        Node("company:sub-a", "Company", "Sub A"),
        Node("company:sub-b", "Company", "Sub B"),
        Node("technology:license-plate-readers", "Technology", "License plate readers"),
        Node("product:plate-finder", "Product", "Plate Finder"),
    ]
    edges = [
        Edge("SUBSIDIARY_OF", "company:sub-a", "company:holding"),
        Edge("SUBSIDIARY_OF", "company:sub-b", "company:holding"),
        Edge("OFFERS", "company:sub-a", "product:plate-finder"),
        Edge("OF_TECHNOLOGY", "product:plate-finder", "technology:license-plate-readers"),
    ]
    for i in range(count):
        cid = f"contract:test-{i:03d}"
        nodes.append(Node(cid, "Contract", f"Award {i:03d}", properties={
            "piid": f"P{i:03d}", "obligated": float(100 + i),
            "start_date": f"{2018 + i % 3}-{1 + (i * 5) % 12:02d}-01"}))
        edges.append(Edge("AWARDED_TO", cid, "company:sub-a" if i % 2 else "company:sub-b"))
        edges.append(Edge("AWARDED_BY", cid, "agency:ice" if i % 3 else "agency:dhs"))
        if i % 4 == 0:
            edges.append(Edge("COVERS", cid, "product:plate-finder"))
    return Batch(nodes, edges)


def test_contract_lists_filter_page_and_total(store: GraphStore, client: TestClient) -> None:
    store.upsert(procurement(30))
    query = """query($f: ContractFilter, $after: String) {
      contracts(filter: $f, first: 7, after: $after,
                orderBy: {field: OBLIGATED, descending: true}) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { id obligated awardingAgency { id } recipient { id parent { id } } }
      }
    }"""
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = data(gql(client, query, {"f": {"agency": "agency:ice"}, "after": after}))
        connection = page["contracts"]
        seen += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    expected = [i for i in range(30) if i % 3]
    assert connection["totalCount"] == len(expected) == len(seen)
    assert [n["obligated"] for n in seen] == sorted((100.0 + i for i in expected), reverse=True)
    assert all(n["awardingAgency"]["id"] == "agency:ice" for n in seen)
    assert all(n["recipient"]["parent"]["id"] == "company:holding" for n in seen)
    by_dhs = data(gql(client, query, {"f": {"agency": "agency:dhs"}}))["contracts"]["totalCount"]
    assert by_dhs == 30  # ICE is part of DHS
    plates = data(gql(client, query, {"f": {
        "company": "company:holding", "technology": "technology:license-plate-readers",
        "minAmount": 110}}))["contracts"]
    assert plates["totalCount"] == len([i for i in range(30) if i % 4 == 0 and i >= 10])


def test_spending_rolls_subsidiaries_up(store: GraphStore, client: TestClient) -> None:
    batch = procurement(12)
    store.upsert(batch)
    rows = data(gql(client, """{ spending(groupBy: [PARENT_COMPANY]) {
        parentCompany { id } count obligated } }"""))["spending"]
    assert rows == [{"parentCompany": {"id": "company:holding"}, "count": 12,
                     "obligated": float(sum(100 + i for i in range(12)))}]
    family = data(gql(client, """{ spending(groupBy: [COMPANY]) {
        company { id } members { id } count } }"""))["spending"]
    assert family == [{"company": {"id": "company:holding"}, "count": 12,  # rollUp PARENT
                       "members": [{"id": "company:sub-a"}, {"id": "company:sub-b"}]}]
    by_year = data(gql(client, """{ spending(groupBy: [COMPANY, FISCAL_YEAR], rollUp: NONE) {
        company { id } fiscalYear count obligated } }"""))["spending"]
    assert sum(r["count"] for r in by_year) == 12
    expected: dict[tuple[str, int], float] = {}
    for node in batch.nodes:
        if node.kind == "Contract":
            i = int(node.id[-3:])
            start = str(node.properties["start_date"])
            year = int(start[:4]) + (1 if int(start[5:7]) >= 10 else 0)
            key = ("company:sub-a" if i % 2 else "company:sub-b", year)
            expected[key] = expected.get(key, 0.0) + float(node.properties["obligated"])  # type: ignore[arg-type]
    assert {(r["company"]["id"], r["fiscalYear"]): r["obligated"] for r in by_year} == expected


@pytest.mark.neo4j
def test_both_stores_answer_alike(embedded_store: GraphStore, neo4j_store: GraphStore) -> None:
    queries = [
        (REACHING, {"domain": DOMAIN}),
        ("""{ productsReaching(domain: "domain:immigration-enforcement") { totalCount
             nodes { subject { id } contracts { id } totalObligated sources { id } } } }""", None),
        ("""{ contracts(filter: {agency: "agency:dhs", text: "award 00"}, first: 5,
             orderBy: {field: NAME}) { totalCount nodes { id name recipient { id } } } }""", None),
        ("""{ companies(filter: {technology: "technology:license-plate-readers"}) {
             totalCount nodes { id contracts(first: 3) { id } } } }""", None),
        ("{ spending(groupBy: [AGENCY, TECHNOLOGY]) { agency { id } technology { id } count "
         "obligated potential } }", None),
        ('{ paths(from: "company:holding", to: "agency:dhs", maxHops: 4) { nodes { id } } }',
         None),
    ]
    answers = []
    for store in (embedded_store, neo4j_store):
        store.upsert(seed_batch())
        store.upsert(procurement(20))
        with TestClient(create_app(settings(), store=store)) as client:
            answers.append([data(gql(client, q, v)) for q, v in queries])
    assert answers[0] == answers[1]


def test_sources_are_nodes_too(client: TestClient) -> None:
    found = data(gql(client, """{ node(id: "source:seed-article-review") {
        id kind ... on SourceNode { sourceKind title excerpt } } }"""))["node"]
    assert found["kind"] == "SOURCE"
    assert found["sourceKind"] == "news" and found["excerpt"]
