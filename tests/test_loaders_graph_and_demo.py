"""`load graph` (export -> load round-trips exactly) and `load demo` (offline, bundled data)."""

from __future__ import annotations

import json
from pathlib import Path

from loader_helpers import cli, load

from graph_service.stores.embedded import EmbeddedStore
from loaders.demo import demo_items
from loaders.graph_jsonl import GraphJsonl


def test_demo_loads_offline_and_jsonl_round_trips_exactly(tmp_path: Path) -> None:
    store = str(tmp_path / "demo.db")
    result = cli("--store", store, "load", "demo")
    assert result.returncode == 0, result.stderr
    assert " 0 rejected" in " ".join(result.stderr.split())
    stats = json.loads(cli("--store", store, "stats", "--json").stdout)
    for kind in ("Contract", "Company", "Agency", "Technology", "Product", "Source"):
        assert stats["nodes"][kind] > 0, kind
    for rel in ("AWARDED_TO", "AWARDED_BY", "SUBSIDIARY_OF", "COVERS", "OF_TECHNOLOGY",
                "SUBCONTRACT_OF", "USED_BY", "SHARES_DATA_WITH", "SUPPLIES"):
        assert stats["relationships"][rel] > 0, rel
    exported = tmp_path / "graph.jsonl"
    assert cli("--store", store, "export", "-o", str(exported)).returncode == 0
    copy = str(tmp_path / "copy.db")
    loaded = cli("--store", copy, "load", "graph", str(exported), "--batch-size", "250")
    assert loaded.returncode == 0, loaded.stderr
    again = tmp_path / "again.jsonl"
    assert cli("--store", copy, "export", "-o", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_graph_lines_with_a_bad_record_reject_it_and_load_the_rest(tmp_path: Path) -> None:
    lines = [
        {"record": "node", "id": "company:acme", "kind": "Company", "name": "Acme"},
        {"record": "node", "id": "agency:x", "kind": "Agency", "name": "X",
         "properties": {"level": "galactic"}},
        {"record": "node", "id": "agency:y", "kind": "Agency", "name": "Y"},
        {"record": "edge", "type": "SUPPLIES", "from": "company:acme", "to": "agency:y",
         "status": "reported"},
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{not json\n")
    with EmbeddedStore(tmp_path / "s.db") as store:
        summary, rejects = load(store, [GraphJsonl(path)], tmp_path)
        assert (summary.loaded, summary.rejected) == (3, 2)
        assert [(r[1], r[2]) for r in rejects] == [("2", "level"), ("5", "(line)")]
        assert store.get_node("agency:x") is None
        assert store.neighbours("company:acme")[0][1].id == "agency:y"


def test_demo_files_are_bundled_with_attribution() -> None:
    items = demo_items()
    assert len(items) == 8
    folder = items[0].path.parent
    sources = (folder / "SOURCES.md").read_text(encoding="utf-8")
    for credit in ("Electronic Frontier Foundation", "Torn Apart/Separados",
                   "The News & Observer", "USAspending.gov", "MIT license notice"):
        assert credit in sources
    for item in items:
        assert item.path.name in sources


def test_cli_errors_are_clear_with_exit_code_2(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    missing = cli("--store", store, "load", "atlas", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "nope.csv" in missing.stderr
    mapping = tmp_path / "m.yaml"
    mapping.write_text("nodes: [1, 2]\n")
    sheet = tmp_path / "s.csv"
    sheet.write_text("a\n1\n")
    bad = cli("--store", store, "load", "csv", str(sheet), "--mapping", str(mapping))
    assert bad.returncode == 2 and "m.yaml: nodes: expected a YAML mapping" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_batch_the_store_refuses_is_retried_row_by_row(tmp_path: Path) -> None:
    """A tie to a node that exists nowhere fails its whole batch in the store; the pipeline
    retries that batch row by row, so only the culprit is rejected."""
    lines = [
        {"record": "node", "id": "company:acme", "kind": "Company", "name": "Acme"},
        {"record": "node", "id": "agency:y", "kind": "Agency", "name": "Y"},
        {"record": "edge", "type": "SUPPLIES", "from": "company:acme", "to": "agency:y",
         "status": "reported"},
        {"record": "edge", "type": "SUPPLIES", "from": "company:acme", "to": "agency:ghost",
         "status": "reported"},
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    with EmbeddedStore(tmp_path / "s.db") as store:
        summary, rejects = load(store, [GraphJsonl(path)], tmp_path, batch_size=10)
        assert (summary.loaded, summary.rejected) == (3, 1)
        [(file, row, field, reason)] = rejects
        assert (row, field) == ("4", "(row)") and "agency:ghost" in reason
        assert [n.id for _, n in store.neighbours("company:acme")] == ["agency:y"]
