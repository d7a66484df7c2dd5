"""USAspending loaders on the real files in shared/data/usaspending/."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from loader_helpers import cli, load, shared_data

from graph_service.stores.base import GraphStore
from loaders.input_files import WrongShape
from loaders.usaspending import open_usaspending


def usaspending_files() -> list[Path]:
    folder = shared_data() / "usaspending"
    files = sorted((folder / "bulk").glob("*.csv")) + sorted((folder / "api").glob("*.json"))
    assert len(files) >= 9
    return files


def minnesota() -> Path:
    name = "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv"
    return shared_data() / "usaspending" / "bulk" / name


def test_every_file_loads_every_row_loaded_or_rejected(embedded_store: GraphStore,
                                                        tmp_path: Path) -> None:
    items = [open_usaspending(path) for path in usaspending_files()]
    summary, rejects = load(embedded_store, items, tmp_path)
    for item in summary.files:
        assert item.rows == item.loaded + item.rejected, item
        assert item.rows > 0, item.path
    assert len(rejects) == summary.rejected
    assert all(r[2] and r[3] for r in rejects)
    # The bulk CSVs' record counts (quoted newlines are one record each).
    counts = {Path(f.path).name: f.rows for f in summary.files}
    assert counts["Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv"] == 1369
    assert counts["Contracts_Subawards_2025-03-28_H03M23S17_1.csv"] == 482
    stats = embedded_store.stats()
    assert stats.nodes["Contract"] > 1369 and stats.relationships["SUBCONTRACT_OF"] > 0


def test_minnesota_west_publishing_plate_reader_contract(embedded_store: GraphStore,
                                                         tmp_path: Path) -> None:
    load(embedded_store, [open_usaspending(minnesota())], tmp_path)
    [contract_id] = embedded_store.lookup("Contract", "piid", ["70CDCR18P00000017"])[
        "70CDCR18P00000017"]
    contract = embedded_store.get_node(contract_id)
    assert contract is not None
    # m/d/yy dates and amounts without decimals, parsed.
    assert contract.properties["start_date"] == "2017-12-22"
    assert contract.properties["obligated"] == 7391976.0
    assert contract.properties["permalink"].startswith("https://www.usaspending.gov/award/")
    ties = {(e.type, n.id): (e, n) for e, n in embedded_store.neighbours(contract_id)}
    [(awarded, company)] = [v for k, v in ties.items() if k[0] == "AWARDED_TO"]
    assert "WEST PUBLISHING" in company.name.upper()
    assert awarded.properties["basis"].startswith("uei:")
    parents = [n for e, n in embedded_store.neighbours(company.id, ["SUBSIDIARY_OF"], "out")]
    assert any("THOMSON REUTERS" in p.name.upper() for p in parents)
    assert ("AWARDED_BY", "agency:ice") in ties
    part_of = embedded_store.neighbours("agency:ice", ["PART_OF"], "out")
    assert [n.id for _, n in part_of] == ["agency:dhs"]
    tag, _ = ties[("OF_TECHNOLOGY", "technology:license-plate-readers")]
    assert tag.status == "inferred"
    assert tag.properties["rule"] == "lpr-keywords"
    assert "LICENSE PLATE READER" in str(tag.properties["matched"])
    # Provenance: the file and the permalink.
    sources = embedded_store.get_nodes(contract.sources)
    kinds = {s.properties.get("source_kind") for s in sources.values()}
    assert "procurement-record" in kinds
    file_source = next(s for s in sources.values() if s.properties.get("sha256"))
    assert file_source.name == minnesota().name
    assert file_source.properties["format"] == "usaspending-prime-awards-csv"
    assert file_source.properties["loaded_at"]


def test_loading_twice_gives_identical_stats_and_export(tmp_path: Path) -> None:
    store = str(tmp_path / "twice.db")
    files = [str(p) for p in usaspending_files()]
    first = cli("--store", store, "load", "usaspending", *files)
    assert first.returncode == 0, first.stderr
    stats1 = cli("--store", store, "stats", "--json").stdout
    export1 = tmp_path / "one.jsonl"
    cli("--store", store, "export", "-o", str(export1))
    second = cli("--store", store, "load", "usaspending", *files)
    assert second.returncode == 0, second.stderr
    assert cli("--store", store, "stats", "--json").stdout == stats1
    export2 = tmp_path / "two.jsonl"
    cli("--store", store, "export", "-o", str(export2))
    assert export1.read_text() == export2.read_text()
    assert "0 nodes new" in " ".join(second.stderr.split())


def _copy_with(src: Path, dst: Path, edit: dict[int, dict[str, str]], limit: int) -> None:
    with src.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(limit), reader, strict=False)]
        header = reader.fieldnames or []
    for index, changes in edit.items():
        rows[index].update(changes)
    with dst.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def test_one_broken_row_is_rejected_and_the_rest_loads(embedded_store: GraphStore,
                                                       tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    _copy_with(minnesota(), broken,
               {4: {"period_of_performance_start_date": "31/31/17"}}, limit=30)
    summary, rejects = load(embedded_store, [open_usaspending(broken)], tmp_path)
    assert (summary.loaded, summary.rejected) == (29, 1)
    # Row 6: the header is row 1, the fifth data row is row 6.
    assert rejects == [[str(broken), "6", "period_of_performance_start_date",
                        "'31/31/17' is not a real date (read day first)"]]
    assert embedded_store.stats().nodes["Contract"] >= 29


def test_hostile_cells_are_rejected_by_the_column_they_came_from(embedded_store: GraphStore,
                                                                 tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.csv"
    _copy_with(minnesota(), hostile, {
        1: {"award_id_piid": "70CDCR18P\x0000017"},  # in the Source's name and the Contract's
        2: {"total_obligated_amount": "12_000"},
        3: {"period_of_performance_start_date": "13/45/17"},
        4: {"total_obligated_amount": "NaN"},  # a blank, as pandas writes one
    }, limit=10)
    summary, rejects = load(embedded_store, [open_usaspending(hostile)], tmp_path)
    assert (summary.loaded, summary.rejected) == (7, 3)
    assert [row[1:3] for row in rejects] == [
        ["3", "award_id_piid"], ["4", "total_obligated_amount"],
        ["5", "period_of_performance_start_date"]]
    assert "NUL byte" in rejects[0][3]
    assert rejects[1][3] == "'12_000' is not an amount"
    assert rejects[2][3] == "'13/45/17' is not a real date (read day first)"


def test_wrong_columns_write_nothing_and_name_the_missing(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("award_id,vendor\nX1,ACME\n", encoding="utf-8")
    with pytest.raises(WrongShape) as caught:
        open_usaspending(wrong)
    assert "contract_award_unique_key" in caught.value.missing
    store = str(tmp_path / "s.db")
    # A good file before the wrong one: still nothing written (files are checked first).
    result = cli("--store", store, "load", "usaspending", str(minnesota()), str(wrong))
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "missing columns" in message and "award_id_piid" in message
    assert "Traceback" not in result.stderr
    stats = json.loads(cli("--store", store, "stats", "--json").stdout)
    assert stats == {"nodes": {}, "relationships": {}}


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "dry.db")
    result = cli("--store", store, "load", "usaspending", "--dry-run", str(minnesota()))
    assert result.returncode == 0, result.stderr
    assert "1369 loaded" in " ".join(result.stderr.split())
    stats = json.loads(cli("--store", store, "stats", "--json").stdout)
    assert stats == {"nodes": {}, "relationships": {}}


def test_wrong_json_is_refused_naming_keys(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"results": [{"Award ID": "X", "Amount": 3}]}))
    with pytest.raises(WrongShape) as caught:
        open_usaspending(wrong)
    assert "Recipient Name" in str(caught.value)


def test_bom_crlf_and_quoted_newlines_are_taken(embedded_store: GraphStore,
                                                tmp_path: Path) -> None:
    """A spreadsheet's re-save: UTF-8 BOM, CRLF line ends, a description with a line break."""
    messy = tmp_path / "messy.csv"
    _copy_with(minnesota(), messy, {
        0: {"prime_award_base_transaction_description":
            "ACCESS TO LICENSE PLATE\r\nREADER DATABASE"},
    }, limit=5)
    messy.write_bytes(b"\xef\xbb\xbf" + messy.read_bytes().replace(b"\r\n", b"\n")
                      .replace(b"\n", b"\r\n"))
    summary, rejects = load(embedded_store, [open_usaspending(messy)], tmp_path)
    assert (summary.rows, summary.loaded, rejects) == (5, 5, [])
    contract = embedded_store.get_node("contract:70cdcr18p00000017")
    assert contract is not None
    assert contract.properties["description"] == "ACCESS TO LICENSE PLATE READER DATABASE"
    tags = embedded_store.neighbours(contract.id, ["OF_TECHNOLOGY"], "out")
    assert [n.id for _, n in tags] == ["technology:license-plate-readers"]
