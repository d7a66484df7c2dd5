"""Injection: Cypher (and SQL) carried in names, values, ids, labels, types and property keys
executes nothing, on both stores, through the store API, the loaders and GraphQL mutations;
and the CSV we write (the rejects file) cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.export import jsonl_lines
from graph_service.records import Batch, Edge, Node, ValidationError
from graph_service.safe_csv import FORMULA_STARTS, SafeWriter, neutral
from graph_service.stores.base import GraphStore
from graph_service.stores.query_types import ListFilter, ListOrder, QueryError
from loaders.graph_jsonl import GraphJsonl
from loaders.mapping import MappedCsv, read_mapping
from loaders.pipeline import Pipeline
from loaders.seed import seed_batch

PAYLOADS = [
    "'}) DETACH DELETE n //",
    '"}) DETACH DELETE n //',
    "`}) MATCH (x) DETACH DELETE x //",
    "x` {id: 1}) DETACH DELETE n RETURN `",
    "'; DROP TABLE nodes; --",
    "\" OR 1=1 --",
    "$rows} MATCH (n) DETACH DELETE n //",
    "\\'}) CALL dbms.killQueries([]) //",
]
BAD_NAMES = [  # labels, types and property keys that would break out of Cypher text
    "Company`) DETACH DELETE n //",
    "OFFERS]->() DETACH DELETE n //",
    "name` = 1 DETACH DELETE n //",
    "`",
]
KEY = "injection-test-key"


def counts(store: GraphStore) -> dict[str, dict[str, int]]:
    return store.stats().to_dict()


def test_values_carrying_cypher_are_stored_literally(store: GraphStore) -> None:
    store.upsert(seed_batch())
    nodes = [Node(f"company:payload-{i}", "Company", payload, aliases=[payload + " alias"],
                  properties={"uei": payload, "city": payload})
             for i, payload in enumerate(PAYLOADS)]
    odd_ids = [Node("company:`x`'})-DETACH-DELETE-n//", "Company", "Odd id")]
    ties = [Edge("SUBSIDIARY_OF", n.id, "company:microsoft", properties={"note": n.name},
                 sources=[n.name]) for n in nodes]
    store.upsert(Batch(nodes + odd_ids, ties))
    before = counts(store)
    assert before["nodes"]["Company"] == 1 + len(nodes) + 1  # Microsoft + ours: none deleted
    stored = store.get_nodes([n.id for n in nodes + odd_ids])
    for node in nodes + odd_ids:
        assert stored[node.id].name == node.name
        assert stored[node.id].properties == node.properties
    for payload in PAYLOADS:
        found = store.search(payload)
        assert found and found[0].name == payload
        assert store.lookup("Company", "uei", [payload]) == {
            payload: [n.id for n in nodes if n.name == payload]}
    by_tie = {e.source: e for e in store.edges(["company:microsoft"], ["SUBSIDIARY_OF"], "in")}
    assert {by_tie[n.id].properties["note"] for n in nodes} == set(PAYLOADS)
    assert counts(store) == before


def test_names_outside_the_schema_never_reach_the_query_text(store: GraphStore) -> None:
    store.upsert(seed_batch())
    before = list(jsonl_lines(store))
    for bad in BAD_NAMES:
        with pytest.raises(ValidationError):
            store.upsert(Batch([Node("company:k", bad, "K")]))
        with pytest.raises(ValidationError):
            store.upsert(Batch([], [Edge(bad, "company:microsoft", "agency:ice")]))
        with pytest.raises(ValidationError):
            store.upsert(Batch([Node("company:k", "Company", "K", properties={bad: "v"})]))
        with pytest.raises(ValidationError):
            store.upsert(Batch([], [Edge("SUPPLIES", "company:microsoft", "agency:ice",
                                         properties={bad: "v"})]))
        # Reads ignore what the schema does not know instead of splicing it into a query.
        assert store.edges(["company:microsoft"], [bad]) == []
        assert store.lookup(bad, "uei", ["x"]) == {} and store.lookup("Company", bad, ["x"]) == {}
        assert list(store.iter_nodes(bad)) == []
        assert store.search("microsoft", kinds=[bad]) == []
        assert store.reach([bad], "domain:immigration-enforcement") == []
        with pytest.raises(QueryError):
            store.list_nodes(bad, ListFilter(), ListOrder(), 10)
    assert list(jsonl_lines(store)) == before


def test_graphql_mutations_store_payloads_literally(store: GraphStore) -> None:
    store.upsert(seed_batch())
    settings = Settings(store="unused", api_keys=[SecretStr(KEY)])
    nodes = [{"id": f"organization:payload-{i}", "name": p, "aliases": [p],
              "properties": {"website": p}} for i, p in enumerate(PAYLOADS)]
    with TestClient(create_app(settings, store=store)) as client:
        def gql(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            response = client.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {KEY}"})
            assert response.status_code == 200
            body: dict[str, Any] = response.json()
            return body

        written = gql("mutation($n: [NodeInput!]!) { upsertNodes(nodes: $n) { nodesCreated } }",
                      {"n": nodes})
        assert written["data"]["upsertNodes"]["nodesCreated"] == len(PAYLOADS), written
        for bad in BAD_NAMES:
            refused = gql("mutation($r: [RelationshipInput!]!) { upsertRelationships("
                          "relationships: $r) { relationshipsCreated } }",
                          {"r": [{"type": bad, "from": "company:microsoft",
                                  "to": "agency:ice"}]})
            assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == (
                "BAD_REQUEST")
            refused = gql("mutation($n: [NodeInput!]!) { upsertNodes(nodes: $n) "
                          "{ nodesCreated } }", {"n": [{"id": "company:k", "name": "K",
                                                        "properties": {bad: "v"}}]})
            assert refused["data"] is None
        for payload in PAYLOADS:
            found = gql("query($t: String!) { search(text: $t) { name } }", {"t": payload})
            assert found["data"]["search"][0]["name"] == payload
    stats = counts(store)
    assert stats["nodes"]["Organization"] >= len(PAYLOADS)
    assert stats["nodes"]["Company"] == 1


def test_loaded_files_carrying_cypher_are_stored_literally(store: GraphStore,
                                                          tmp_path: Path) -> None:
    store.upsert(seed_batch())
    spreadsheet = tmp_path / "payloads.csv"
    with spreadsheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        header = ["award_id", "recipient_name", "parent_name", "recipient_city",
                  "recipient_state", "current_total_value", "potential_total_value",
                  "awarding_office_name", "naics_description", "award_description"]
        writer.writerow(header)
        for i, payload in enumerate(PAYLOADS):
            writer.writerow([f"INJ{i:03d}", payload, "", payload, "", "", "", payload, "",
                             payload])
    mapping = read_mapping(Path(__file__).resolve().parent.parent / "loaders" / "mappings" /
                           "torn-apart-freezer.yaml")
    summary = Pipeline(store).run([MappedCsv(spreadsheet, mapping)])
    assert summary.rejected == 0 and summary.loaded == len(PAYLOADS)
    contracts = {n.name: n for n in store.iter_nodes("Contract")}
    assert {contracts[f"INJ{i:03d}"].properties["description"]
            for i in range(len(PAYLOADS))} == set(PAYLOADS)
    # Payloads that normalize alike resolve to one company: each is its name or an alias.
    names = {term for n in store.iter_nodes("Company") for term in (n.name, *n.aliases)}
    assert set(PAYLOADS) <= names and "Microsoft" in names
    assert store.get_node("agency:ice") is not None


# -- spreadsheet formulas -------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_cells_that_would_run_as_formulas_are_neutralized() -> None:
    for formula in FORMULAS:
        assert neutral(formula) == "'" + formula
    assert neutral("plain text") == "plain text" and neutral(42) == 42 and neutral(-1.5) == -1.5
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    buffer = io.StringIO()
    SafeWriter(buffer).writerow([*FORMULAS, 7, "x" * 5000])
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in cells[: len(FORMULAS)])
    assert cells[-2] == "7" and len(cells[-1]) < 2100


def test_the_rejects_file_cannot_run_formulas(embedded_store: GraphStore,
                                              tmp_path: Path) -> None:
    lines = [{"record": "node", "id": "company:f", "kind": "Company", "name": "F",
              "properties": {formula: "x"}} for formula in FORMULAS]
    lines.append({"record": "node", "id": "company:g", "kind": formula_kind(), "name": "G"})
    path = tmp_path / "=formulas.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    summary = Pipeline(embedded_store, rejects_path=rejects).run([GraphJsonl(path)])
    assert summary.rejected == len(lines)
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == len(lines)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), row
    assert {row[2] for row in rows} >= {"'" + f for f in FORMULAS}


def formula_kind() -> str:
    return "=1+1"
