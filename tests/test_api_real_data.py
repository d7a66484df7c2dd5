"""The issue's checks on real files (shared/data): USAspending bulk CSVs and the Torn Apart
freezer through its example mapping, loaded by the bulk pipeline, then asked through the API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.base import GraphStore
from loaders.mapping import MappedCsv, read_mapping
from loaders.pipeline import Pipeline
from loaders.seed import seed_batch
from loaders.usaspending import open_usaspending
from tests.loader_helpers import REPO, shared_data

MAPPING = REPO / "loaders" / "mappings" / "torn-apart-freezer.yaml"
DOMAIN = "domain:immigration-enforcement"


def ask(client: TestClient, query: str) -> dict[str, Any]:
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    data = shared_data()
    store.upsert(seed_batch())
    items = [open_usaspending(p) for p in sorted((data / "usaspending" / "bulk").glob("*.csv"))]
    items.append(MappedCsv(data / "torn-apart" / "freezer.csv", read_mapping(MAPPING)))
    summary = Pipeline(store).run(items)
    assert summary.loaded > 1000
    return store


def test_real_disclosures_answer_the_headline_questions(loaded: GraphStore) -> None:
    with TestClient(create_app(Settings(store="unused"), store=loaded)) as client:
        plates = ask(client, """{ contracts(filter: {agency: "agency:ice",
            technology: "technology:license-plate-readers"}, first: 100) { nodes { piid } } }""")
        assert "70CDCR18P00000017" in {n["piid"] for n in plates["contracts"]["nodes"]}
        reaching = ask(client, """{ productsReaching(domain: "domain:immigration-enforcement",
            first: 1000) { nodes { subject { id name }
            paths { nodes { id } edges { sources { id } } } } } }""")["productsReaching"]
    names = [n["subject"]["name"] for n in reaching["nodes"]]
    assert any(name.startswith("Palantir ") for name in names), names
    assert any(name.startswith("Cellebrite ") for name in names), names
    for answer in reaching["nodes"]:
        assert answer["paths"]
        for path in answer["paths"]:
            assert path["nodes"][-1]["id"] == DOMAIN
            assert all(edge["sources"] for edge in path["edges"]), path
