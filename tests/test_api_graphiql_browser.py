"""GraphiQL at GET /graphql runs in real headless Chromium with the network cut off: every
script is served by the app itself, and a query typed in it answers with evidence. FAILS when
chromium is missing, unless SURVGRAPH_SKIP_BROWSER=1. A screenshot goes to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from tests.served_app import serving
from visualizations.browser import offline_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    store = EmbeddedStore(tmp_path / "graphiql.db")
    store.upsert(seed_batch())
    with serving(create_app(Settings(store="unused"), store=store)) as url:
        yield url
    store.close()


def test_graphiql_works_offline(browser: Browser, served: str) -> None:
    with offline_page(browser) as (page, log):
        page.goto(f"{served}/graphql", wait_until="load", timeout=60_000)
        page.wait_for_selector(".graphiql-container .CodeMirror", timeout=60_000)
        page.click(".graphiql-execute-button")
        page.wait_for_function(
            "() => (document.querySelector('.result-window') || {}).innerText"
            "?.includes('company:microsoft')",
            timeout=60_000,
        )
        result = page.inner_text(".result-window")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graphiql.png"))
    assert '"totalCount": 1' in result
    assert "excerpt" in result and "Foley Hoag" in result
    assert log.blocked == [], log.blocked
    assert log.page_errors == [], log.page_errors
