"""The served endpoint passes every check (MUST, SHOULD and MAY) of the GraphQL-over-HTTP
audit of `graphql-http`, the spec's reference implementation, run by node.

graphql-http is installed (pinned, tests/graphql_http/package.json) into .cache/graphql-http
by npm on first use. Missing node or npm fails the test: it is not skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch
from tests.served_app import serving

HERE = Path(__file__).parent / "graphql_http"
CACHE = Path(__file__).parent.parent / ".cache" / "graphql-http"


def audit_folder() -> Path:
    """The cache folder with the pinned graphql-http installed (npm install when the
    pinned package file changed)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the GraphQL-over-HTTP audit (install Node 18+)")
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = (HERE / "package.json").read_text(encoding="utf-8")
    package = CACHE / "package.json"
    if not package.exists() or package.read_text(encoding="utf-8") != wanted or not (
            CACHE / "node_modules" / "graphql-http").exists():
        package.write_text(wanted, encoding="utf-8")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=CACHE,
                       check=True, timeout=300)
    shutil.copy(HERE / "audit.mjs", CACHE / "audit.mjs")
    return CACHE


@pytest.fixture
def url(embedded_store: GraphStore) -> Iterator[str]:
    embedded_store.upsert(seed_batch())
    settings = Settings(store="unused", api_keys=[SecretStr("audit-key")])
    with serving(create_app(settings, store=embedded_store)) as base:
        yield f"{base}/graphql"


def test_every_graphql_over_http_audit_passes(url: str) -> None:
    folder = audit_folder()
    run = subprocess.run(["node", "audit.mjs", url], cwd=folder, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"graphql-http audit: {report['ok']} ok of {report['total']}")
    assert report["failed"] == [], "\n".join(report["failed"])
    assert report["ok"] == report["total"] >= 50
