"""A store written by the release before statements (merged nodes and ties, no statements) is
converted when opened: every node and tie becomes a statement of its first source, nothing is
lost, and opening it again changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson

from graph_service.export import jsonl_lines
from graph_service.stores.embedded import EmbeddedStore

# The previous release's tables, as it created them (graph_service/stores/embedded.py @ c0bc37b).
OLD_DDL = """
CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
                    body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE terms (term TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (term, id)) WITHOUT ROWID;
CREATE TABLE lookup (kind TEXT NOT NULL, prop TEXT NOT NULL, value TEXT NOT NULL,
                     id TEXT NOT NULL, PRIMARY KEY (kind, prop, value, id)) WITHOUT ROWID;
CREATE TABLE edges (src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL, body BLOB NOT NULL,
                    PRIMARY KEY (src, type, dst)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _old_store(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(OLD_DDL)
    nodes = [
        ("company:west-publishing", "Company", "WEST PUBLISHING CORPORATION",
         {"aliases": ["West Publishing Corp"], "properties": {"uei": "L997DB4PEJL8"},
          "sources": ["source:a", "source:b"], "first_seen": "2025-01-02",
          "last_seen": "2025-03-04"}),
        ("contract:x", "Contract", "X", {"aliases": [], "properties": {"obligated": 2100000.0},
                                         "sources": ["source:b"], "first_seen": "2025-03-04",
                                         "last_seen": "2025-03-04"}),
        ("source:a", "Source", "A", {"aliases": [], "properties": {}, "sources": [],
                                     "first_seen": None, "last_seen": None}),
        ("source:b", "Source", "B", {"aliases": [], "properties": {}, "sources": [],
                                     "first_seen": None, "last_seen": None}),
    ]
    db.executemany("INSERT INTO nodes VALUES (?,?,?,?)",
                   [(i, k, n, orjson.dumps(b).decode()) for i, k, n, b in nodes])
    db.execute("INSERT INTO edges VALUES (?,?,?,?)", (
        "contract:x", "AWARDED_TO", "company:west-publishing", orjson.dumps({
            "status": "reported", "properties": {"basis": "uei:L997DB4PEJL8"},
            "sources": ["source:b"], "first_seen": "2025-03-04", "last_seen": "2025-03-04"})))
    db.commit()
    db.close()


def test_an_old_store_is_converted_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_store(path)
    store = EmbeddedStore(path)
    west = store.get_node("company:west-publishing")
    assert west is not None
    assert (west.name, west.aliases, west.properties, west.sources) == (
        "WEST PUBLISHING CORPORATION", ["West Publishing Corp"], {"uei": "L997DB4PEJL8"},
        ["source:a", "source:b"])
    assert (west.first_seen, west.last_seen) == ("2025-01-02", "2025-03-04")
    [tie] = store.edges(["contract:x"], ["AWARDED_TO"], "out")
    assert (tie.target, tie.properties, tie.sources) == (
        "company:west-publishing", {"basis": "uei:L997DB4PEJL8"}, ["source:b"])
    said = store.statements(["contract:x"])
    assert [(s.record, s.properties.get("obligated")) for s in said] == [("converted", 2100000.0)]
    before = "\n".join(jsonl_lines(store))
    store.close()
    again = EmbeddedStore(path)
    assert "\n".join(jsonl_lines(again)) == before
