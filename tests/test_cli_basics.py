"""The CLI a new user runs first: load seed, stats, export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx

SURVGRAPH = [sys.executable, "-m", "graph_service.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SURVGRAPH, *args], capture_output=True, text=True, check=False)


def test_loading_the_seed_twice_gives_identical_stats(tmp_path: Path) -> None:
    store = str(tmp_path / "a.db")
    assert run("--store", store, "load", "seed").returncode == 0
    first = run("--store", store, "stats", "--json")
    assert run("--store", store, "load", "seed").returncode == 0
    second = run("--store", store, "stats", "--json")
    assert first.returncode == 0 and first.stdout == second.stdout
    counts = json.loads(first.stdout)
    for kind in ("Company", "Agency", "Domain", "Community", "Technology", "Organization",
                 "Person", "Source"):
        assert counts["nodes"][kind] > 0, kind
    assert counts["relationships"]["PART_OF"] == 2


def test_export_formats(tmp_path: Path) -> None:
    store = str(tmp_path / "a.db")
    run("--store", store, "load", "seed")
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"seed.{fmt}"
        assert run("--store", store, "export", "--format", fmt, "-o", str(out)).returncode == 0
        graph = reader(out)
        assert graph.nodes["company:microsoft"]["kind"] == "Company"
        assert graph.has_edge("agency:ice", "agency:dhs")
    out = tmp_path / "seed.jsonl"
    assert run("--store", store, "export", "-o", str(out)).returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["record"] for r in records} == {"node", "edge"}
    assert [r["record"] for r in records] == sorted((r["record"] for r in records),
                                                   key=lambda k: k != "node")


def test_a_bad_store_url_is_a_clear_error() -> None:
    result = run("--store", "ftp://nowhere", "stats")
    assert result.returncode == 2
    assert "unsupported store URL" in result.stderr
    assert "Traceback" not in result.stderr
