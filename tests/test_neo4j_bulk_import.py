"""Neo4j's own bulk import (issue 13): real files staged in an embedded store, written as
`neo4j-admin database import full` files and imported into a NEW database, answer exactly as the
same files loaded incrementally into Neo4j: the same export, the same statements, the same
nodes, relationships, properties and value types, and later incremental loads keep them equal.

The import needs a database that does not exist, and Community has one user database: the
import goes into a second Neo4j home of its own (assembled by scripts/neo4j-server.sh into a
temporary folder, started on the test server's bolt port + 2, or
SURVGRAPH_TEST_NEO4J_IMPORT_PORT), compared with the test server loaded incrementally.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph_service.judgements import make_judgement
from graph_service.neo4j_schema import RANKS
from graph_service.statements import EDGE_KEY_SEPARATOR
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.neo4j_bulk_csv import BulkTable, value_type
from graph_service.stores.neo4j_store import Neo4jStore
from loaders.graph_jsonl import GraphJsonl
from loaders.pipeline import Pipeline
from loaders.usaspending import open_usaspending
from tests.conftest import neo4j_credentials, neo4j_uri
from tests.loader_helpers import REPO, export_lines, shared_data

SCRIPT = REPO / "scripts" / "neo4j-server.sh"


def _first_files() -> list[Path]:
    data = shared_data() / "usaspending"
    return [*sorted((data / "bulk").glob("Contracts_PrimeAwardSummaries_2025-03-28*.csv")),
            *sorted((data / "bulk").glob("Contracts_Subawards_*.csv")),
            *sorted((data / "transactions").glob("*.csv"))]


# Text the import's CSV quoting must carry unchanged: quotes, commas, backslashes (a trailing
# one, one before a quote), a line break, a tab, emoji, a lone quote, digits with leading zeros.
_HOSTILE = [
    {"record": "node", "id": "source:hostile-text", "kind": "Source",
     "name": 'A "quoted", comma\'d source\\', "aliases": [],
     "properties": {"url": 'https://example.org/a?b="c"&d=,\\'}, "sources": []},
    {"record": "node", "id": "company:hostile-acme", "kind": "Company",
     "name": 'ACME "Quoted", Inc.\\', "properties": {"city": '"', "uei": "00123ABC4567"},
     "aliases": ['a\\"b', "\u03a9mega \U0001f6f0 Systems", "'single' ; | ,", "tab\there",
                 "line one\nline two", "\\"], "sources": ["source:hostile-text"]},
    {"record": "node", "id": "company:hostile-parent", "kind": "Company",
     "name": '\\\\server\\share ""', "aliases": [], "properties": {},
     "sources": ["source:hostile-text"]},
    {"record": "edge", "type": "SUBSIDIARY_OF", "from": "company:hostile-acme",
     "to": "company:hostile-parent", "status": "reported",
     "properties": {"basis": 'name "x", \\y\\'}, "sources": ["source:hostile-text"]},
]


def _load_hostile(store: GraphStore, folder: Path) -> None:
    path = folder / "hostile.jsonl"
    days = {"first_seen": "2026-01-01", "last_seen": "2026-01-02"}
    path.write_text("".join(json.dumps({**line, **days}) + "\n" for line in _HOSTILE),
                    encoding="utf-8")
    summary = Pipeline(store).run([GraphJsonl(path)])
    assert (summary.loaded, summary.rejected) == (len(_HOSTILE), 0)


def _later_files() -> list[Path]:
    return sorted((shared_data() / "usaspending" / "api").glob("*.json"))


def _load(store: GraphStore, paths: list[Path]) -> tuple[int, int, int, int]:
    summary = Pipeline(store).run([open_usaspending(path) for path in paths])
    result = summary.written
    return (result.nodes_created, result.nodes_updated, result.edges_created,
            result.edges_updated)


def _judge(store: GraphStore) -> None:
    """One analyst's judgement, so the :Judgement nodes and their identity rows are covered."""
    ids = sorted(n.id for n in store.iter_nodes("Company"))[:2]
    store.judge(make_judgement(store.model, "same", ids[0], ids[1], "one firm, two spellings",
                               when="2026-01-02T03:04:05+00:00"))


def _layout(store: Neo4jStore) -> tuple[list[str], list[str]]:
    """Every node (labels, properties, value types) and relationship, the generation token
    masked (random on both paths)."""
    nodes = store._read("""
        MATCH (n) RETURN labels(n), properties(n),
          [k IN keys(n) | [k, valueType(n[k])]]""")
    ties = store._read("""
        MATCH (a)-[r]->(b) RETURN [a.id, type(r), b.id], properties(r),
          [k IN keys(r) | [k, valueType(r[k])]]""")
    # The ranks the incremental path keeps to combine a record with new statements are not
    # written by the bulk import: a load meeting such a node or tie derives it from all its
    # statements once, which writes them (neo4j_view_combine).
    masked = [[sorted(name), {**{k: v for k, v in props.items() if k != RANKS},
                              **({"token": "*"} if "SurvgraphMeta" in name else {})},
               sorted(t for t in types if t[0] != RANKS)] for name, props, types in nodes]
    return (sorted(json.dumps(row, sort_keys=True) for row in masked),
            sorted(json.dumps([key, {k: v for k, v in props.items() if k != RANKS},
                               sorted(t for t in types if t[0] != RANKS)], sort_keys=True)
                   for key, props, types in ties))


def _statement_ids(store: GraphStore) -> list[str]:
    return [*(n.id for n in store.iter_nodes()),
            *(EDGE_KEY_SEPARATOR.join(e.key) for e in store.iter_edges())]


def _env(home: Path, port: int) -> dict[str, str]:
    _user, password = neo4j_credentials()
    return {**os.environ, "SURVGRAPH_NEO4J_HOME": str(home), "SURVGRAPH_NEO4J_BOLT_PORT":
            str(port), "SURVGRAPH_NEO4J_PASSWORD": password, "PYTHON": sys.executable}


def _survgraph(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph_service.cli", *args], env=env,
                          capture_output=True, text=True, check=False, cwd=REPO)


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Imported:
    def __init__(self, home: Path, port: int, work: Path, stage: Path) -> None:
        self.home, self.port, self.work, self.stage = home, port, work, stage
        user, password = neo4j_credentials()
        self.store = Neo4jStore(f"bolt://127.0.0.1:{port}", user=user, password=password)

    @property
    def env(self) -> dict[str, str]:
        return _env(self.home, self.port)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """The first files (and a judgement) staged in an embedded store, then imported with
    `survgraph neo4j-import --start` into a new database of a Neo4j home of its own."""
    port = int(os.environ.get("SURVGRAPH_TEST_NEO4J_IMPORT_PORT")
               or (urlparse(neo4j_uri()).port or 7687) + 2)
    root = tmp_path_factory.mktemp("bulk-import")
    home, stage = root / "home", root / "stage.db"
    env = _env(home, port)
    done = subprocess.run(["bash", str(SCRIPT), "install"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    staging = EmbeddedStore(stage)
    try:
        _load(staging, _first_files())
        _load_hostile(staging, root)
        _judge(staging)
    finally:
        staging.close()
    done = _survgraph(env, "neo4j-import", "--from", str(stage), "--neo4j-home", str(home),
                      "--workdir", str(root / "work"), "--start", "--bolt-port", str(port))
    try:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "indexes and constraints created" in done.stderr
        result = Imported(home, port, root / "work", stage)
        try:
            yield result
        finally:
            result.store.close()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)


@pytest.mark.neo4j
def test_import_answers_as_the_incremental_load(imported: Imported, neo4j_store: GraphStore,
                                                tmp_path: Path) -> None:
    assert isinstance(neo4j_store, Neo4jStore)
    _load(neo4j_store, _first_files())
    _load_hostile(neo4j_store, tmp_path)
    _judge(neo4j_store)
    bulk = imported.store
    assert len(export_lines(bulk)) > 1000
    assert any('ACME \\"Quoted\\", Inc.' in line for line in export_lines(bulk))
    assert export_lines(bulk) == export_lines(neo4j_store)
    ids = _statement_ids(neo4j_store)
    assert bulk.statements(ids) == neo4j_store.statements(ids)
    assert _layout(bulk) == _layout(neo4j_store)
    indexes = {row[0] for row in bulk._read("SHOW INDEXES YIELD name, state "
                                            "WHERE state = 'ONLINE' RETURN name")}
    assert {"entity_id", "fragment_id", "ident_claim", "entity_search"} <= indexes
    # A re-load adds nothing on both; a new file lands the same on both.
    assert _load(bulk, _first_files()) == _load(neo4j_store, _first_files()) == (0, 0, 0, 0)
    assert export_lines(bulk) == export_lines(neo4j_store)
    assert _load(bulk, _later_files()) == _load(neo4j_store, _later_files())
    assert export_lines(bulk) == export_lines(neo4j_store)
    assert _layout(bulk) == _layout(neo4j_store)


@pytest.mark.neo4j
def test_import_into_an_existing_database_is_refused(imported: Imported) -> None:
    before = export_lines(imported.store)
    work = imported.work.parent / "again"
    args = ("neo4j-import", "--from", str(imported.stage), "--neo4j-home", str(imported.home),
            "--workdir", str(work))
    running = _survgraph(imported.env, *args)
    assert running.returncode == 2
    assert "runs (pid" in running.stderr and not work.exists()
    assert export_lines(imported.store) == before
    imported.store.close()
    subprocess.run(["bash", str(SCRIPT), "stop"], env=imported.env, capture_output=True,
                   check=True)
    database = imported.home / "data" / "databases" / "neo4j"
    digest = _tree_digest(database)
    stopped = _survgraph(imported.env, *args)
    assert stopped.returncode == 2
    assert "already exists" in stopped.stderr and "never overwrites" in stopped.stderr
    script = subprocess.run(["bash", str(SCRIPT), "admin-import", "neo4j",
                             f"--nodes={imported.work}/meta-0-header.csv,"
                             f"{imported.work}/meta-0.csv"],
                            env=imported.env, capture_output=True, text=True, check=False)
    assert script.returncode != 0 and "already exists" in script.stderr
    overwrite = subprocess.run(["bash", str(SCRIPT), "admin-import", "other",
                                "--overwrite-destination=true"], env=imported.env,
                               capture_output=True, text=True, check=False)
    assert overwrite.returncode != 0 and "never overwrites" in overwrite.stderr
    assert _tree_digest(database) == digest


def test_print_only_writes_the_files_and_prints_the_command(tmp_path: Path) -> None:
    """No Neo4j needed: a home without neo4j-admin gets the command line to run."""
    stage = tmp_path / "stage.db"
    staging = EmbeddedStore(stage)
    try:
        _load(staging, _first_files()[:1])
    finally:
        staging.close()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ}
    args = ("neo4j-import", "--from", str(stage), "--neo4j-home", str(home), "--workdir",
            str(tmp_path / "work"), "--print-only")
    done = _survgraph(env, *args)
    assert done.returncode == 0, done.stderr
    assert "database import full neo4j" in done.stdout
    assert "--nodes=Entity:Contract=" in done.stdout and "--overwrite" not in done.stdout
    # No value of this file holds a line break (the search terms are joined by U+001F), so
    # the importer reads its files in parallel, not with the slower multi-line reader.
    assert "--multiline-fields" not in done.stdout
    assert (tmp_path / "work" / "empty-lists.json").is_file()
    again = _survgraph(env, *args)  # the files exist now: only with --force
    assert again.returncode == 2 and "--force" in again.stderr
    csv_file = shared_data() / "nc-alpr" / "nc_agency_survey20240430.csv"
    not_a_store = _survgraph(env, "neo4j-import", "--from", str(csv_file), "--neo4j-home",
                             str(home), "--workdir", str(tmp_path / "other"), "--print-only")
    assert not_a_store.returncode == 2
    assert "is not an embedded store" in not_a_store.stderr
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_values_keep_their_neo4j_types(tmp_path: Path) -> None:
    table = BulkTable(tmp_path, "t", ["id:ID(Entity)"], [("x", "double"), ("tags", "string[]"),
                                                         ("s", "string")], "\x1f",
                      tmp_path / "store.db")
    table.write(["a"], [1.5, ["p", 'q"r'], ""], "a")
    table.write(["b"], [7, [], None], "b")  # an int in a float column: a group of its own
    table.close()
    groups = table.file_groups()
    assert len(groups) == 2
    assert groups[0][0].read_text() == "id:ID(Entity),x:double,tags:string[],s:string\n"
    assert groups[0][1].read_text() == '"a",1.5,"p\x1fq""r",""\n'
    assert groups[1][0].read_text() == "id:ID(Entity),x:long,tags:string[],s:string\n"
    assert groups[1][1].read_text() == '"b",7,,\n'
    assert table.empties == {"tags": ["b"]}
    assert [value_type(v) for v in (True, 3, 3.0, "s", ["a"], [1])] == [
        "boolean", "long", "double", "string", "string[]", "long[]"]
    with pytest.raises(ValueError, match="cannot store"):
        value_type([1, "a"])


def test_a_value_holding_the_delimiter_gets_another(tmp_path: Path) -> None:
    from graph_service.records import Batch, Node
    from graph_service.stores.neo4j_bulk_files import write_import_files

    stage = tmp_path / "stage.db"
    staging = EmbeddedStore(stage)
    try:
        staging.upsert(Batch([Node("company:acme", "Company", "ACME", ["AC\x1fME"], {},
                                   ["source:x"], "2024-01-01", "2024-01-01")], []))
        model = staging.model
    finally:
        staging.close()
    files = write_import_files(stage, model, tmp_path / "work")
    assert files.array_delimiter == "\x1e"
    data = (tmp_path / "work" / "entity-Company-0.csv").read_text(encoding="utf-8")
    assert '"AC\x1fME"' in data and not list((tmp_path / "work").glob(".*.part"))


def test_parts_read_from_two_states_of_the_store_are_refused(tmp_path: Path) -> None:
    """The two parts of the files are read by two processes, each in a snapshot of its own: a
    load between them would mix two states of the store, so they must be of one generation."""
    from graph_service.records import Batch, Node
    from graph_service.stores.neo4j_bulk_files import check_one_snapshot
    from graph_service.stores.neo4j_bulk_import import open_staging, write_part

    def node(key: str) -> Node:
        return Node(f"company:{key}", "Company", key.upper(), [], {}, ["source:x"],
                    "2024-01-01", "2024-01-01")

    stage = tmp_path / "stage.db"
    staging = EmbeddedStore(stage)
    try:
        staging.upsert(Batch([node("acme")], []))
        model = staging.model
        parts = []
        for n, (part, folder) in enumerate((("statements-a", "a"), ("statements-b", "c"),
                                            ("rest", "b"))):
            db = open_staging(stage)
            try:
                parts.append(write_part(db, part, model, tmp_path / folder, stage, False,
                                        "\x1f"))
            finally:
                db.close()
            staging.upsert(Batch([node(f"zenith{n}")], []))  # a load between two parts
    finally:
        staging.close()
    with pytest.raises(ValueError, match="was written to while its import files were made"):
        check_one_snapshot(stage, parts)
    check_one_snapshot(stage, [parts[0], parts[0]])
    assert parts[2].counts["Entity"] == 3  # acme and the loads after the two halves


def test_the_statement_halves_hold_every_statement_once(tmp_path: Path) -> None:
    """The statements are written by two processes, half each by the first digit of their id:
    together the files hold every statement of the store exactly once, and one :Origin per
    source and origin."""
    import csv
    import sqlite3

    from graph_service.stores.neo4j_bulk_files import write_import_files

    stage = tmp_path / "stage.db"
    staging = EmbeddedStore(stage)
    try:
        _load(staging, _first_files())
        model = staging.model
    finally:
        staging.close()
    files = write_import_files(stage, model, tmp_path / "work")
    with sqlite3.connect(f"file:{stage}?mode=ro", uri=True) as db:
        stored = sorted(row[0] for row in db.execute("SELECT id FROM fragments"))
        origins = db.execute("SELECT count(*) FROM (SELECT DISTINCT source, origin "
                             "FROM fragments)").fetchone()[0]
    written: dict[str, list[str]] = {"-a-": [], "-b-": []}
    for _labels, _header, data, _multiline in files.nodes:
        if data.name.startswith("fragment-"):
            half = "-a-" if "-a-" in data.name else "-b-"
            with data.open(encoding="utf-8", newline="") as handle:
                written[half] += [row[0] for row in csv.reader(handle)]
    assert written["-a-"] and written["-b-"]
    assert all(i[0] < "8" for i in written["-a-"]) and all(i[0] >= "8" for i in written["-b-"])
    assert sorted(written["-a-"] + written["-b-"]) == stored
    assert files.counts["Fragment"] == len(stored)
    origin_file = tmp_path / "work" / "origin-0.csv"
    with origin_file.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == origins
