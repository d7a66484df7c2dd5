"""Maps without a browser: what each map holds (straight from the store), layout determinism,
contract folding, the offline guarantee and escaping in the written HTML, the served routes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.cli.main import app as cli
from graph_service.records import Batch, Edge, Node
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from visualizations.layout import flow_layout, force_layout
from visualizations.lod import FOLDED, fold_contracts
from visualizations.maps import SERVED_EGO_LINK, page
from visualizations.payload import build_payload
from visualizations.routes import router
from visualizations.sample_graphs import ALPR_FILE, alpr_batch
from visualizations.views import MapError, ego_view, overview_view, path_view, reach_view

DATA = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.S)


def map_data(html: str) -> dict[str, Any]:
    match = DATA.search(html)
    assert match, "no map data block"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def tie_keys(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    ids = [n["id"] for n in data["nodes"]]
    return {(ids[r[0]], data["types"][r[2]], ids[r[1]]) for r in data["edges"]}


@pytest.fixture()
def seeded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "seed.db")
    store.upsert(seed_batch())
    yield store
    store.close()


class ExternalRefs(HTMLParser):
    """Every URL the page would fetch: script/img/iframe src, link href, CSS url() and @import."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("src", "srcset", "poster", "data"):
            if values.get(key):
                self.refs.append(f"{tag}[{key}]={values[key]}")
        if tag == "link" and values.get("href"):
            self.refs.append(f"link[href]={values['href']}")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for ref in re.findall(r"url\(\s*['\"]?([^)'\"]+)", data):
                if not ref.startswith("data:"):
                    self.refs.append(f"css url({ref})")
            self.refs += [f"css {m}" for m in re.findall(r"@import[^;]+|@font-face", data)]


def test_ego_map_is_the_store_subgraph_with_its_sources(seeded: EmbeddedStore) -> None:
    data = map_data(page(seeded, ego_view(seeded, "company:microsoft", 2), "{slug}.html"))
    nodes, edges = seeded.subgraph(["company:microsoft"], 2)
    assert {n["id"] for n in data["nodes"]} == {n.id for n in nodes}
    assert tie_keys(data) == {e.key for e in edges}
    microsoft = next(n for n in data["nodes"] if n["id"] == "company:microsoft")
    store_node = seeded.get_node("company:microsoft")
    assert store_node is not None and microsoft["sources"] == store_node.sources
    for source_id in microsoft["sources"]:
        assert data["sources"][source_id]["excerpt"], source_id
        assert data["sources"][source_id]["title"].startswith("Microsoft commande")
    assert data["meta"]["focus"] == ["company:microsoft"]
    kinds = seeded.model.kinds
    assert data["meta"]["kinds"]["Company"]["color"] == kinds["Company"].style.color
    assert data["meta"]["kinds"]["Agency"]["shape"] == kinds["Agency"].style.shape


def test_reach_map_shows_exactly_the_reach_answer(seeded: EmbeddedStore) -> None:
    target = "domain:immigration-enforcement"
    view = reach_view(seeded, target)
    data = map_data(page(seeded, view, SERVED_EGO_LINK))
    kinds = sorted({r.from_kind for r in seeded.model.reach if r.to_kind == "Domain"})
    answers = seeded.reach(kinds, target)
    assert answers, "the seed graph has subjects reaching immigration enforcement"
    expected_nodes = {target} | {a.subject for a in answers} | {
        n for a in answers for p in a.paths for n in p.nodes}
    expected_ties = {e.key for a in answers for p in a.paths for e in p.edges}
    assert {n["id"] for n in data["nodes"]} == expected_nodes
    assert tie_keys(data) == expected_ties
    facts = {n["id"]: n.get("facts") for n in data["nodes"]}
    assert all(facts[a.subject] and facts[a.subject]["reaches"] == target for a in answers)


def test_flow_layout_runs_left_to_right_by_kind(seeded: EmbeddedStore) -> None:
    data = map_data(page(seeded, reach_view(seeded, "domain:immigration-enforcement"), "x"))
    x = {n["kind"]: n["x"] for n in data["nodes"]}
    assert x["Company"] < x["Agency"] < x["Domain"]
    # An office sits left of the department it is part of.
    positions = flow_layout({"agency:ice": "Agency", "agency:dhs": "Agency"},
                            [("agency:ice", "agency:dhs")], [("agency:ice", "agency:dhs")])
    assert positions["agency:ice"][0] < positions["agency:dhs"][0]


def test_path_map_and_unknown_ids(seeded: EmbeddedStore) -> None:
    view = path_view(seeded, "company:microsoft", "agency:dhs")
    paths = seeded.shortest_paths("company:microsoft", "agency:dhs")
    assert paths and {n.id for n in view.nodes} == {n for p in paths for n in p.nodes}
    with pytest.raises(MapError, match="company:nobody"):
        ego_view(seeded, "company:nobody")
    with pytest.raises(MapError, match="unknown kind Spaceship"):
        reach_view(seeded, "domain:immigration-enforcement", ["Spaceship"])


def test_layouts_are_deterministic_and_cover_every_node() -> None:
    batch = alpr_batch(ALPR_FILE, limit=1500)
    ids = [n.id for n in batch.nodes]
    ties = [(e.source, e.target) for e in batch.edges]
    first, second = force_layout(ids, ties), force_layout(list(reversed(ids)), ties[::-1])
    assert first == second and set(first) == set(ids)
    assert len(set(first.values())) == len(ids), "two nodes share a position"


def test_folding_contracts_sums_money_and_keeps_sources() -> None:
    nodes = [
        Node("company:acme", "Company", "Acme"),
        Node("agency:ice", "Agency", "ICE"),
        Node("contract:a", "Contract", "A", properties={"obligated": 100.0}, sources=["source:a"]),
        Node("contract:b", "Contract", "B", properties={"obligated": 50.5}, sources=["source:b"]),
        Node("contract:loose", "Contract", "no agency", properties={"obligated": 7.0}),
    ]
    edges = [
        Edge("AWARDED_TO", "contract:a", "company:acme", sources=["source:t"]),
        Edge("AWARDED_BY", "contract:a", "agency:ice"),
        Edge("AWARDED_TO", "contract:b", "company:acme"),
        Edge("FUNDED_BY", "contract:b", "agency:ice", status="inferred"),
        Edge("AWARDED_TO", "contract:loose", "company:acme"),
    ]
    kept_nodes, kept_edges, folded = fold_contracts(nodes, edges)
    assert folded == 2
    assert {n.id for n in kept_nodes} == {"company:acme", "agency:ice", "contract:loose"}
    fold = [e for e in kept_edges if e.type == FOLDED]
    assert len(fold) == 1 and fold[0].key == ("company:acme", FOLDED, "agency:ice")
    assert fold[0].properties["amount"] == 150.5
    assert fold[0].properties["contract_ids"] == ["contract:a", "contract:b"]
    assert fold[0].sources == ["source:a", "source:t", "source:b"]
    assert fold[0].status == "inferred"  # one of the folded ties was inferred
    assert any(e.source == "contract:loose" for e in kept_edges)


def test_overview_sizes_by_money_and_folds_when_asked(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "money.db")
    store.upsert(Batch(
        [Node("company:big", "Company", "Big"), Node("company:small", "Company", "Small"),
         Node("agency:x", "Agency", "X"),
         Node("contract:1", "Contract", "1", properties={"obligated": 1_000_000.0}),
         Node("contract:2", "Contract", "2", properties={"obligated": 10.0})],
        [Edge("AWARDED_TO", "contract:1", "company:big"),
         Edge("AWARDED_BY", "contract:1", "agency:x"),
         Edge("AWARDED_TO", "contract:2", "company:small"),
         Edge("AWARDED_BY", "contract:2", "agency:x")],
    ))
    data = build_payload(overview_view(store, fold=False), store.model, "x")
    size = {n["id"]: n["size"] for n in data["nodes"]}
    money = {n["id"]: n.get("money") for n in data["nodes"]}
    assert money["agency:x"] == 1_000_010.0 and money["company:big"] == 1_000_000.0
    assert size["company:big"] > size["company:small"]
    folded = build_payload(overview_view(store, fold=True), store.model, "x")
    assert {n["kind"] for n in folded["nodes"]} == {"Company", "Agency"}
    assert folded["types"] == [FOLDED]
    widths = sorted(r[4] for r in folded["edges"])
    assert widths[0] < widths[1]  # the tie with more money is drawn wider
    store.close()


def test_written_file_is_offline_and_escapes_hostile_text(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "x.db")
    hostile = '</script><img src="https://evil.example/x.png" onerror="alert(1)">&amp;\u2028'
    store.upsert(Batch([
        Node("source:s", "Source", "S", properties={"url": "javascript:alert(1)"}),
        Node("company:x", "Company", hostile, sources=["source:s"]),
        Node("agency:y", "Agency", "Y"),
    ], [Edge("SUPPLIES", "company:x", "agency:y", sources=["source:s"])]))
    html = page(store, ego_view(store, "company:x", 1), "{slug}.html")
    parser = ExternalRefs()
    parser.feed(html)
    assert parser.refs == []
    assert "evil.example/x.png\" onerror" not in html and "<img" not in html
    assert html.count("</script>") == 3  # data, vis-network, map.js: nothing closed early
    names = {n["id"]: n["name"] for n in map_data(html)["nodes"]}
    assert names["company:x"] == hostile  # intact as data; map.js shows it as text
    store.close()


def test_cli_writes_the_issue_map(tmp_path: Path) -> None:
    db, out = tmp_path / "cli.db", tmp_path / "m.html"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(db), "load", "seed"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(db), "map", "ego", "company:microsoft",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = map_data(out.read_text(encoding="utf-8"))
    assert "company:microsoft" in {n["id"] for n in data["nodes"]}
    missing = runner.invoke(cli, ["--store", str(db), "map", "ego", "company:nobody",
                                  "-o", str(out), "--force"])
    assert missing.exit_code == 2 and "company:nobody" in missing.output


def test_routes_serve_pages_search_and_errors(seeded: EmbeddedStore) -> None:
    app = FastAPI()
    app.state.store = seeded
    app.include_router(router)
    client = TestClient(app)
    index = client.get("/")
    assert index.status_code == 200 and 'id="q"' in index.text
    found = client.get("/maps/search", params={"q": "micro"}).json()
    assert found[0] == {"id": "company:microsoft", "name": "Microsoft", "kind": "Company"}
    ego = client.get("/maps/ego/company:microsoft", params={"hops": 1})
    assert ego.status_code == 200
    nodes, _ = seeded.subgraph(["company:microsoft"], 1)
    assert {n["id"] for n in map_data(ego.text)["nodes"]} == {n.id for n in nodes}
    assert map_data(ego.text)["meta"]["egoLink"] == "/maps/ego/{id}"
    target = "domain:immigration-enforcement"
    reach = map_data(client.get("/maps/reach", params={"to": target}).text)
    direct = map_data(page(seeded, reach_view(seeded, target), SERVED_EGO_LINK))
    assert reach["nodes"] == direct["nodes"] and tie_keys(reach) == tie_keys(direct)
    some = client.get("/maps/reach", params={"to": target, "fromKinds": "Company,Agency"})
    assert {n["kind"] for n in map_data(some.text)["nodes"]} <= {"Company", "Agency", "Domain"}
    path = client.get("/maps/path", params={"from": "company:microsoft", "to": "agency:dhs"})
    assert path.status_code == 200 and map_data(path.text)["meta"]["mode"] == "path"
    assert client.get("/maps/overview").status_code == 200
    assert client.get("/maps/ego/company:nobody").status_code == 404
    bad = client.get("/maps/reach", params={"to": target, "fromKinds": "Spaceship"})
    assert bad.status_code == 400 and "Spaceship" in bad.json()["detail"]


def test_served_reach_map_equals_the_graphql_reach_answer(seeded: EmbeddedStore) -> None:
    """The issue's check: /maps/reach shows the GraphQL API's reach answer, same nodes and ties."""
    from graph_service.api.app import create_app

    client = TestClient(create_app(store=seeded))
    target = "domain:immigration-enforcement"
    kinds = sorted({r.from_kind for r in seeded.model.reach if r.to_kind == "Domain"})
    query = """query($to: ID!, $kinds: [Kind!]!) { reach(fromKinds: $kinds, to: $to, first: 100) {
        edges { node { subject { id } paths { nodes { id } edges { type from to } } } } } }"""
    answer = client.post("/graphql", json={"query": query, "variables": {
        "to": target, "kinds": [k.upper() for k in kinds]}}).json()
    assert "errors" not in answer, answer
    reaches = [e["node"] for e in answer["data"]["reach"]["edges"]]
    assert reaches
    nodes = {target} | {r["subject"]["id"] for r in reaches} | {
        n["id"] for r in reaches for p in r["paths"] for n in p["nodes"]}
    ties = {(t["from"], t["type"], t["to"]) for r in reaches for p in r["paths"]
            for t in p["edges"]}
    served = map_data(client.get("/maps/reach", params={"to": target}).text)
    assert {n["id"] for n in served["nodes"]} == nodes
    assert tie_keys(served) == ties
