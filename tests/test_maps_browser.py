"""Maps in real headless Chromium (Debian's), offline: every request off this machine is aborted
and recorded. They FAIL when chromium is missing, unless SURVGRAPH_SKIP_BROWSER=1.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from graph_service.cli.main import app as cli
from graph_service.records import Batch, Edge, Node
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from tests.served_app import serving
from visualizations.browser import (
    PageLog,
    canvas_ink,
    offline_page,
    open_and_draw,
)
from visualizations.maps import overview_page
from visualizations.routes import router
from visualizations.sample_graphs import alpr_batch

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def assert_clean(log: PageLog) -> None:
    assert log.blocked == [], f"the page tried to reach the network: {log.blocked}"
    assert log.console_errors == [] and log.page_errors == [], log


def click_node(page: Page, node_id: str) -> None:
    """A real mouse click on the node where vis-network drew it."""
    point: dict[str, float] = page.evaluate(
        """(id) => {
          const nw = window.survgraphMap.network;
          const p = nw.canvasToDOM(nw.getPositions([id])[id]);
          const box = document.querySelector('#map').getBoundingClientRect();
          return {x: box.left + p.x, y: box.top + p.y};
        }""",
        node_id,
    )
    page.mouse.click(point["x"], point["y"])


def settle(page: Page) -> None:
    """Small maps settle a short physics run from the precomputed layout; wait it out."""
    page.wait_for_function("() => window.survgraphMap.settled === true", timeout=15000)
    page.wait_for_timeout(200)


def labels_outside(page: Page) -> list[str]:
    """Nodes whose drawn box (shape and label, as vis-network measures it) leaves the map area."""
    outside: list[str] = page.evaluate("""() => {
        const net = window.survgraphMap.network, map = document.getElementById("map");
        const width = map.clientWidth, height = map.clientHeight, out = [];
        for (const id of net.body.data.nodes.getIds()) {
          const box = net.getBoundingBox(id);
          const a = net.canvasToDOM({x: box.left, y: box.top});
          const b = net.canvasToDOM({x: box.right, y: box.bottom});
          if (a.x < 0 || a.y < 0 || b.x > width || b.y > height) out.push(id);
        }
        return out;
    }""")
    return outside


@pytest.fixture()
def seed_map(tmp_path: Path) -> Path:
    """The issue's check: `survgraph load seed` then `survgraph map ego company:microsoft`."""
    db, out = tmp_path / "seed.db", tmp_path / "m.html"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(db), "load", "seed"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(db), "map", "ego", "company:microsoft",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_seed_ego_map_draws_offline_and_cites_the_article(browser: Browser,
                                                          seed_map: Path) -> None:
    with offline_page(browser) as (page, log):
        open_and_draw(page, seed_map.as_uri())
        settle(page)
        expected = page.evaluate("() => window.survgraphMap.data.nodes.length")
        assert page.evaluate("() => window.survgraphMap.network.body.data.nodes.length") \
            == expected == 15
        assert canvas_ink(page) > 500, "the canvas is blank"
        assert labels_outside(page) == [], "a label is cut off at the edge of the map"
        legend = page.locator("#legend-kinds li")
        assert legend.count() == 8 and legend.first.is_visible()
        assert "Company" in page.locator("#legend-kinds").inner_text()
        click_node(page, "company:microsoft")
        page.wait_for_selector("#details #source-list")
        assert page.locator("#details-name").inner_text() == "Microsoft"
        sources = page.locator("#source-list li.source")
        assert sources.count() == 2
        text = page.locator("#source-list").inner_text()
        assert "Microsoft commande un examen des droits de l'homme" in text
        assert "Foley Hoag" in text  # the excerpt that supports the tie
        shot(page, "map-ego-microsoft")
        assert_clean(log)


def test_map_saves_its_picture_and_its_data_offline(browser: Browser, seed_map: Path,
                                                    tmp_path: Path) -> None:
    with offline_page(browser) as (page, log):
        open_and_draw(page, seed_map.as_uri())
        settle(page)
        page.locator('input[data-filter="Agency"]').uncheck()  # hidden nodes say so
        with page.expect_download() as saved:
            page.locator("#save-json").click()
        assert saved.value.suggested_filename.endswith(".json")
        document = json.loads(Path(saved.value.path()).read_text(encoding="utf-8"))
        nodes = {n["id"]: n for n in document["nodes"]}
        assert len(nodes) == 15 and "company:microsoft" in nodes
        drawn = page.evaluate("() => window.survgraphMap.network.getPositions()")
        assert {n["kind"] for n in nodes.values() if n["hidden"]} == {"Agency"}
        assert set(drawn) == {i for i, n in nodes.items() if not n["hidden"]}
        for node_id, at in drawn.items():  # where they stand now, not the precomputed layout
            assert (nodes[node_id]["x"], nodes[node_id]["y"]) == (round(at["x"]), round(at["y"]))
        assert all(t["sources"] for t in document["ties"] if t["status"] == "reported")
        assert set(document["sources"]) >= {s for t in document["ties"] for s in t["sources"]}
        with page.expect_download() as picture:
            page.locator("#save-png").click()
        png = Path(picture.value.path()).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        canvas = page.evaluate("() => { const c = document.querySelector('#map canvas');"
                               " return [c.width, c.height]; }")
        assert [width, height] == canvas and len(png) > 5_000
        assert_clean(log)


def test_filters_and_find(browser: Browser, seed_map: Path) -> None:
    with offline_page(browser) as (page, log):
        open_and_draw(page, seed_map.as_uri())
        settle(page)
        hidden = "() => window.survgraphMap.nodes.get({filter: n => n.hidden}).length"
        page.locator('input[data-filter="Person"]').uncheck()
        assert page.evaluate(hidden) == 3
        page.locator('input[data-filter="Person"]').check()
        assert page.evaluate(hidden) == 0
        page.locator('input[data-filter="SUPPLIES"]').uncheck()
        assert page.evaluate(
            "() => window.survgraphMap.edges.get({filter: e => e.hidden}).length") == 2
        page.locator("#find").fill("foley")
        page.locator("#find").press("Enter")
        assert page.locator("#details-name").inner_text() == "Foley Hoag LLP"
        assert page.evaluate("() => window.survgraphMap.network.getSelectedNodes()") == [
            "organization:foley-hoag"]
        link = page.locator("#details a[data-expand]")
        assert link.get_attribute("href") == "organization-foley-hoag.html"
        assert_clean(log)


def test_hostile_names_render_as_text(browser: Browser, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "x.db")
    hostile = '<img src=x onerror="window.pwned=1">'
    store.upsert(Batch([
        Node("source:s", "Source", "S", properties={"url": "javascript:window.pwned=2"}),
        Node("company:x", "Company", hostile, sources=["source:s"]),
        Node("agency:y", "Agency", "Y"),
    ], [Edge("SUPPLIES", "company:x", "agency:y", sources=["source:s"])]))
    out = tmp_path / "x.html"
    db = str(tmp_path / "x.db")
    store.close()
    assert CliRunner().invoke(cli, ["--store", db, "map", "ego", "company:x", "-o",
                                    str(out)]).exit_code == 0
    with offline_page(browser) as (page, log):
        open_and_draw(page, out.as_uri())
        settle(page)
        click_node(page, "company:x")
        assert page.locator("#details-name").inner_text() == hostile
        assert page.locator("#details img").count() == 0
        href = page.locator("#source-list a").first.get_attribute("href")
        assert href == "source-s.html"  # a javascript: URL is never a link
        assert page.evaluate("() => window.pwned === undefined")
        assert_clean(log)


def test_big_overview_draws_with_ties_on_the_canvas(browser: Browser, tmp_path: Path) -> None:
    """A 6k-tie slice of the nc-alpr sharing ties (the 37k one is timed by `bench map`)."""
    store = EmbeddedStore(tmp_path / "alpr.db")
    store.upsert(alpr_batch(limit=6000))
    out = tmp_path / "overview.html"
    out.write_text(overview_page(store), encoding="utf-8")
    ties = len(list(store.iter_edges()))
    store.close()
    with offline_page(browser) as (page, log):
        seconds = open_and_draw(page, out.as_uri())
        state: dict[str, Any] = page.evaluate(
            "() => ({nodes: window.survgraphMap.network.body.data.nodes.length,"
            " ties: window.survgraphMap.data.edges.length,"
            " physics: window.survgraphMap.data.meta.physics,"
            " canvasTies: window.survgraphMap.canvasTies})")
        assert state == {"nodes": state["nodes"], "ties": ties, "physics": False,
                         "canvasTies": True}
        assert state["nodes"] > 300
        assert canvas_ink(page) > 2000
        assert seconds < 15, seconds  # generous on a shared CI machine; bench map measures
        page.mouse.click(5, 5)  # empty corner: nothing selected, no error
        shot(page, "map-overview-alpr-6k")
        assert_clean(log)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[str]:
    store = EmbeddedStore(tmp_path / "served.db")
    store.upsert(seed_batch())
    app = FastAPI()
    app.state.store = store
    app.include_router(router)
    with serving(app) as url:
        yield url
    store.close()


def test_served_index_search_opens_maps_and_expands(browser: Browser, served: str) -> None:
    with offline_page(browser) as (page, log):
        page.goto(served + "/")
        page.locator("#q").fill("immigration")
        page.locator("#results a").first.wait_for()
        assert page.locator("#results").inner_text().count("Immigration") >= 1
        page.locator("#q").fill("microsoft")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#results a')]"
            ".some(a => a.textContent === 'Microsoft')")
        page.get_by_role("link", name="Microsoft", exact=True).click()
        page.wait_for_function("() => window.survgraphMap && window.survgraphMap.drawn")
        assert page.url == served + "/maps/ego/company%3Amicrosoft"
        settle(page)
        click_node(page, "agency:ice")
        page.locator("#details a[data-expand]").click()
        page.wait_for_function("() => window.survgraphMap && window.survgraphMap.drawn")
        assert page.evaluate("() => window.survgraphMap.data.meta.focus") == ["agency:ice"]
        page.goto(served + "/maps/reach?to=domain:immigration-enforcement")
        page.wait_for_function("() => window.survgraphMap && window.survgraphMap.drawn")
        settle(page)
        shot(page, "map-reach-immigration-served")
        assert canvas_ink(page) > 300
        assert labels_outside(page) == [], "a label is cut off at the edge of the map"
        assert_clean(log)


def test_details_panel_shows_what_each_source_said(browser: Browser, tmp_path: Path) -> None:
    """Two sources disagree on an award's money: the panel shows both, with their sources, and
    which one the graph shows (the official record outranks the spreadsheet)."""
    store = EmbeddedStore(tmp_path / "s.db")
    usa, sheet = "source:usa", "source:sheet"
    store.upsert(Batch([
        Node(usa, "Source", "USAspending award file", properties={"title": "USAspending"}),
        Node(sheet, "Source", "A curated spreadsheet", properties={"title": "Spreadsheet"}),
        Node("agency:ice", "Agency", "ICE", sources=[usa]),
        Node("contract:x", "Contract", "X", properties={"obligated": 7391976.0}, sources=[usa],
             record="awards.csv:2", origin="procurement-record"),
        Node("contract:x", "Contract", "X", properties={"obligated": 2100000.0},
             sources=[sheet], record="sheet.csv:9", origin="dataset"),
    ], [Edge("AWARDED_BY", "contract:x", "agency:ice", sources=[usa])]))
    out = tmp_path / "x.html"
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.db"), "map", "ego",
                                      "contract:x", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with offline_page(browser) as (page, log):
        open_and_draw(page, out.as_uri())
        settle(page)
        click_node(page, "contract:x")
        page.wait_for_selector("#conflict-list")
        rows = page.eval_on_selector_all(
            "#conflict-list dd[data-prop=obligated]", "els => els.map(e => e.textContent)")
        shot(page, "map-provenance")
        assert_clean(log)
    assert len(rows) == 2
    assert rows[0].startswith("$7,391,976") and "(shown)" in rows[0] and "awards.csv:2" in rows[0]
    assert "2,100,000" in rows[1] and "Spreadsheet" in rows[1] and "(shown)" not in rows[1]
