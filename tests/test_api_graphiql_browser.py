"""GraphiQL at GET /graphql runs in real headless Chromium with the network cut off: every
script is served by the app itself, and a query typed in it answers with evidence. FAILS when
chromium is missing, unless SURVGRAPH_SKIP_BROWSER=1. A screenshot goes to test-artifacts/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from visualizations.browser import offline_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"



@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    store = EmbeddedStore(tmp_path / "graphiql.db")
    store.upsert(seed_batch())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(store="unused"), store=store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
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
