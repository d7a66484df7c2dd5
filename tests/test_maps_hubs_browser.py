"""A hub's folded ego map in headless Chromium, offline: vendors drawn, and the find box finds
a contract folded away inside an "and N more" node. Screenshot: test-artifacts/map-hub-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from graph_service.stores.embedded import EmbeddedStore
from tests.test_maps_browser import ARTIFACTS, assert_clean, shot
from tests.test_maps_hubs import hub_batch
from visualizations.browser import canvas_ink, offline_page, open_and_draw
from visualizations.maps import ego_page

pytestmark = pytest.mark.browser


def test_hub_map_draws_and_finds_folded_nodes(browser: Browser, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "hub.db")
    store.upsert(hub_batch())
    out = tmp_path / "hub.html"
    out.write_text(ego_page(store, "agency:hub", 1), encoding="utf-8")
    store.close()
    with offline_page(browser) as (page, log):
        open_and_draw(page, out.as_uri())
        page.wait_for_timeout(800)
        assert canvas_ink(page) > 500
        drawn = page.evaluate("() => window.survgraphMap.nodes.length")
        assert drawn < 60, drawn
        shot(page, "map-hub-ego")
        # Vendor 00 holds the fewest contracts: folded into "and N more", still findable.
        page.locator("#find").fill("C000")
        hit = page.locator("#find-results li[data-member='contract:c000']")
        assert hit.count() == 1 and "and " in hit.inner_text()
        page.locator("#find").press("Enter")
        assert page.locator("#details-name").inner_text().startswith("and ")
        chosen = page.locator("#member-list li.chosen")
        assert chosen.get_attribute("data-member") == "contract:c000"
        assert chosen.locator("a").get_attribute("href") == "contract-c000.html"
        shot(page, "map-hub-find")
        assert_clean(log)
    assert (ARTIFACTS / "map-hub-find.png").exists()
