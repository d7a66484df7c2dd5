"""Drive Debian's headless Chromium (through playwright's DevTools client, never its own browser
download) to open maps offline: for the browser tests and `survgraph bench map`.

Every request that is not a file:// or loopback URL is aborted and recorded, so a page that
needs the network fails loudly, as it would on an offline laptop.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = os.environ.get("SURVGRAPH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ChromiumMissing(RuntimeError):
    pass


@dataclass
class PageLog:
    """What the page complained about, and every request it tried to make off this machine."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _allowed(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about"):
        return True
    return parsed.scheme in ("http", "https", "ws") and (parsed.hostname or "") in LOOPBACK


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        raise ChromiumMissing(
            f"{CHROMIUM} not found: apt-get install -y chromium (or set SURVGRAPH_CHROMIUM)"
        )
    # playwright gives the browser a fresh temporary profile itself (--user-data-dir).
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_page(browser: Browser, width: int = 1400, height: int = 900) -> Iterator[
    tuple[Page, PageLog]
]:
    context = browser.new_context(viewport={"width": width, "height": height})
    log = PageLog()

    def guard(route: Route) -> None:
        if _allowed(route.request.url):
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    try:
        yield page, log
    finally:
        context.close()


def open_and_draw(page: Page, url: str, timeout_s: float = 60.0) -> float:
    """Seconds from navigation until the map's first frame is drawn."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function("() => window.survgraphMap && window.survgraphMap.drawn === true",
                           timeout=timeout_s * 1000, polling=20)
    return time.perf_counter() - started


def canvas_ink(page: Page) -> int:
    """How many sampled canvas pixels are not blank (vis-network's canvas is transparent)."""
    return int(page.evaluate(
        """() => {
          const c = document.querySelector('#map canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) ink++;
          return ink;
        }"""
    ))
