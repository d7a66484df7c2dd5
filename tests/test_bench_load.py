"""`survgraph bench load`: a smoke run on both stores (not timed: the figures come from larger
runs, docs/loading.md), the SQLite ceiling copying every table the load wrote, the LOAD CSV
reference writing what our load writes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import neo4j_credentials, neo4j_uri
from typer.testing import CliRunner

from graph_service.bench import load_csv
from graph_service.bench.columnar_ceiling import write_segments
from graph_service.bench.load_phases import embedded_phase, generate_phase
from graph_service.bench.sqlite_ceiling import copy_tables, table_counts
from graph_service.cli.main import app

PHASES = ("generate", "polars_parse", "polars_typed", "embedded", "embedded_sqlite_ceiling",
          "embedded_columnar_ceiling", "neo4j", "neo4j_load_csv")
# Tables of the embedded store every load of this file writes: the view and its statements.
WRITTEN = ("nodes", "edges", "terms", "lookup", "fragments", "identity", "entity_terms", "canon")


@pytest.mark.neo4j
def test_bench_load_smoke_on_both_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    user, password = neo4j_credentials()
    monkeypatch.setenv("SURVGRAPH_NEO4J_USER", user)
    monkeypatch.setenv("SURVGRAPH_NEO4J_PASSWORD", password)
    rows = 2000
    result = CliRunner().invoke(app, [
        "bench", "load", "--rows", str(rows), "--vendors", "200", "--neo4j", neo4j_uri(),
        "--json", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # Every phase ran, in a process of its own, on every row of the same file.
    for phase in PHASES:
        assert report[phase]["rows"] == rows, phase
        assert report[phase]["peak_rss_mb"] > 0, phase
    assert report["embedded"]["rejected"] == report["neo4j"]["rejected"] == 0
    assert report["polars_typed"]["unparsed_values"] == 0  # every amount and date typed
    assert report["cpu_count"] >= 1
    assert len(report["load_average_start"]) == len(report["load_average_end"]) == 3
    # Both stores hold the same view, and the same statements behind it.
    embedded, neo4j = report["embedded"], report["neo4j"]
    assert embedded["nodes_by_kind"] == neo4j["nodes_by_kind"]
    assert embedded["ties_by_type"] == neo4j["ties_by_type"]
    tables = embedded["sql_rows_by_table"]
    # (and one :Origin per source and origin of those statements: the file's, the catalogs')
    origins = neo4j["statement_nodes"]["Origin"]
    assert 1 <= origins <= 5
    # (a :Canon only where the canonical id is not the entity's own, neo4j_view_cypher.members)
    with sqlite3.connect(f"file:{tmp_path / 'bench.db'}?mode=ro", uri=True) as db:
        ((not_own,),) = db.execute("SELECT count(*) FROM canon WHERE canonical <> entity")
    assert 0 < not_own < tables["canon"]
    assert neo4j["statement_nodes"] == {"Fragment": tables["fragments"], "Origin": origins,
                                        "Ident": tables["identity"], "Canon": not_own}
    # The SQLite ceiling copied every table the load wrote, each to the loaded row count.
    ceiling = report["embedded_sqlite_ceiling"]["tables"]
    assert set(WRITTEN) <= set(ceiling)
    for table, counts in ceiling.items():
        assert counts["after_copy"] == counts["loaded"] == tables[table], table
    assert report["embedded_sqlite_ceiling"]["sql_rows"] == sum(
        c["copied"] for c in ceiling.values())
    # The LOAD CSV reference writes the records our load writes: the same count of every kind
    # and type in the view, and of every statement label and statement kind behind it. (Its
    # nodes are keyed a little differently: companies by UEI, lowered rather than slugged ids,
    # statements by row or content rather than a digest; on the synthetic file that changes
    # no count.)
    reference = report["neo4j_load_csv"]
    assert reference["nodes_by_kind"] == neo4j["nodes_by_kind"]
    assert reference["ties_by_type"] == neo4j["ties_by_type"]
    assert reference["statement_nodes"] == neo4j["statement_nodes"]
    assert reference["fragments_by_kind"] == neo4j["fragments_by_kind"]
    assert len(neo4j["fragments_by_kind"]) == len(neo4j["nodes_by_kind"]) + len(
        neo4j["ties_by_type"])  # a statement of every kind and type
    assert 0 < reference["view_seconds"] < reference["seconds"]
    for pair in ("neo4j vs neo4j_load_csv", "embedded vs neo4j_load_csv"):
        assert report["like_for_like"][pair]["different"] == [], pair
    assert {"Contract", "Company", "Agency", "Source"} <= set(reference["nodes_by_kind"])
    assert {"CHILD_OF", "SUBSIDIARY_OF", "PART_OF", "AWARDED_TO"} <= set(
        reference["ties_by_type"])
    # Ratios, from figures of this run.
    ratios = report["ratios"]
    for name in ("embedded / polars parse", "embedded / polars chunked typed",
                 "embedded / SQLite ceiling", "Neo4j incremental / LOAD CSV",
                 "Neo4j incremental / LOAD CSV of the view alone"):
        assert ratios[name] > 0, name
    assert ratios["embedded / SQLite ceiling"] == round(
        embedded["rows_per_s"] / report["embedded_sqlite_ceiling"]["rows_per_s"], 4)


def test_ceiling_copies_exactly_the_loaded_rows(tmp_path: Path) -> None:
    path, db = tmp_path / "awards.csv", tmp_path / "bench.db"
    generate_phase(str(path), 50, 5)
    loaded = embedded_phase(str(path), str(db), 2000)
    copied = copy_tables(db, tmp_path / "copy.db")
    counts = table_counts(db)
    assert loaded["sql_rows_by_table"] == counts
    assert copied["seconds"] > 0 and set(WRITTEN) <= set(copied["tables"])
    for table, row in copied["tables"].items():
        assert row["after_copy"] == counts[table], table
        assert row["copied"] == counts[table] - row["fresh_store"], table
    assert not (tmp_path / "copy.db").exists()  # the scratch copy is removed


def test_columnar_ceiling_writes_every_loaded_row(tmp_path: Path) -> None:
    """The Parquet segments hold every row the load wrote, as the store holds it."""
    import polars as pl

    path, db = tmp_path / "awards.csv", tmp_path / "bench.db"
    generate_phase(str(path), 50, 5)
    embedded_phase(str(path), str(db), 2000)
    done = write_segments(db, tmp_path / "segments")
    counts = table_counts(db)
    assert done["seconds"] > 0 and set(WRITTEN) <= set(done["tables"])
    for table in done["tables"]:
        frame = pl.read_parquet(tmp_path / "segments" / f"{table}-*.parquet")
        assert frame.height == counts[table], table
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        stored = sorted(conn.execute("SELECT id, entity, body, first_seen FROM fragments"))
    written = pl.read_parquet(tmp_path / "segments" / "fragments-*.parquet")
    assert sorted(written.select("id", "entity", "body", "first_seen").rows()) == stored


def test_reference_script_names_only_schema_labels(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    statements = dict(load_csv.reference_statements())
    assert list(statements) == ["sources", "rows", "catalog", *load_csv.STATEMENT_BLOCKS]
    assert all("{{" not in text for text in statements.values())
    assert "LOAD CSV WITH HEADERS FROM $url" in statements["rows"]
    assert "LOAD CSV WITH HEADERS FROM $url" in statements["statements"]
    bad = tmp_path / "bad.cypher"
    bad.write_text("// == rows\nMERGE (v:{{Vendor}} {id: $id})\n")
    monkeypatch.setattr(load_csv, "SCRIPT", bad)
    with pytest.raises(ValueError, match="'Vendor' is no kind, tie type or statement label"):
        load_csv.reference_statements()




def test_a_phase_without_disk_room_is_skipped_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ceiling copies the whole store (GBs at 1M rows): on a disk without that room it is
    skipped with the figures it needs, and the run's other figures stay."""
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    real = shutil.disk_usage

    def no_room(path: object) -> object:
        total, used, _ = real(path)  # type: ignore[arg-type]
        return usage(total, used, 1000)

    monkeypatch.setattr("graph_service.cli.bench_load.shutil.disk_usage", no_room)
    result = CliRunner().invoke(app, ["bench", "load", "--rows", "300", "--vendors", "30",
                                      "--json", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["embedded"]["rows"] == 300
    skipped = report["embedded_sqlite_ceiling"]["skipped"]
    assert "GB free on the disk of" in skipped and "0.0 GB are" in skipped
    assert "embedded / SQLite ceiling" not in report["ratios"]
    assert report["ratios"]["embedded / polars parse"] > 0
    assert not (tmp_path / "ceiling.db").exists()
