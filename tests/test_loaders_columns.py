"""The column builders (loaders/mapping_columns.py, mapping_resolved.py) state exactly what the
row builders state: the same statement rows, identity rows and rejects (file, row, field,
reason), on real files and on a hostile copy of one (bad dates, amounts, blanks, UEIs)."""

from __future__ import annotations

import contextlib
import csv
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from graph_service.domain_model import load_model
from graph_service.statements import StatementBatch
from graph_service.stores.base import WriteResult
from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping
from loaders.pipeline import Pipeline
from loaders.usaspending import PrimeAwardsCsv, SubawardsCsv
from tests.loader_helpers import shared_data


class _Kept:
    """What Pipeline needs of a store, keeping every statement batch it is given."""

    def __init__(self) -> None:
        self.model = load_model()
        self.rows: list[tuple[object, ...]] = []

    @contextlib.contextmanager
    def bulk(self, flush_every: int | None = None) -> Iterator[WriteResult]:
        yield WriteResult()

    def append(self, batch: StatementBatch) -> WriteResult:
        self.rows += [(*f.as_row(), f.terms, f.fold_name) for f in (*batch.nodes, *batch.edges)]
        self.rows += batch.identity
        self.rows.append(tuple(batch.entities.items()))
        return WriteResult()


def _load(item: MappedCsv, columnar: bool, tmp_path: Path, batch_size: int
          ) -> tuple[list[tuple[object, ...]], str, int]:
    if not columnar:  # every part by its row builder, as before the column builders
        item._parts = [replace(part, columnar=None) for part in item._parts]
    assert any(part.columnar for part in item._parts) == columnar
    store = _Kept()
    rejects = tmp_path / f"rejects-{columnar}.csv"
    summary = Pipeline(store, batch_size=batch_size, rejects_path=rejects,  # type: ignore[arg-type]
                       seen="2026-12-01").run([item])
    return store.rows, rejects.read_text() if rejects.exists() else "", summary.rejected


def _same(make: type[MappedCsv] | None, path: Path, tmp_path: Path, batch_size: int = 2000,
          mapping: str | None = None) -> int:
    def open_it() -> MappedCsv:
        if mapping is not None:
            return MappedCsv(path, shipped_mapping(mapping))
        assert make is not None
        return make(path)  # type: ignore[call-arg]

    by_rows = _load(open_it(), False, tmp_path, batch_size)
    by_columns = _load(open_it(), True, tmp_path, batch_size)
    assert by_columns[0] == by_rows[0]
    assert by_columns[1] == by_rows[1]
    assert by_columns[2] == by_rows[2]
    assert by_rows[0], "nothing was loaded"
    return by_rows[2]


@pytest.mark.parametrize("batch_size", [2000, 7])
def test_prime_awards_same_statements(tmp_path: Path, batch_size: int) -> None:
    for path in sorted((shared_data() / "usaspending" / "bulk").glob("*PrimeAward*.csv")):
        _same(PrimeAwardsCsv, path, tmp_path, batch_size)


def test_subawards_atlas_and_freezer_same_statements(tmp_path: Path) -> None:
    data = shared_data()
    for path in (data / "usaspending" / "bulk").glob("*Subawards*.csv"):
        _same(SubawardsCsv, path, tmp_path)
    _same(None, data / "atlas-of-surveillance" / "Atlas_of_Surveillance-20201007.csv", tmp_path,
          mapping="atlas-of-surveillance.yaml")
    _same(None, data / "torn-apart" / "freezer.csv", tmp_path, mapping="torn-apart-freezer.yaml")


_BAD = {
    "period_of_performance_start_date": ["13/45/2020", "2020-02-30", "yesterday", ""],
    "period_of_performance_current_end_date": ["2021-13-01", "n/a"],
    "total_obligated_amount": ["12,34.5x", "abc", "1e20", "NaN", "inf", "-", "(500)", "007"],
    "potential_total_value_of_award": ["1e16", "five", "99999999999999.99"],
    "recipient_uei": ["BAD UEI!", "", "x" * 200_000],
    "recipient_name": ["", "N/A", "   "],
    "award_id_piid": ["", "N/A", "  x  "],
    "contract_award_unique_key": ["", "CONT_AWD_BROKEN"],
    "award_base_action_date_fiscal_year": ["20x1", "2020.5"],
    "awarding_sub_agency_code": ["", "9999"],
    "usaspending_permalink": ["ftp://x", "", "https://"],
    "prime_award_base_transaction_description": ["", "x\x00y", "A" * 300],
    "recipient_parent_name": ["", "N/A"],
    "recipient_city_name": ["x\x00y"],
}


def test_hostile_rows_rejected_alike(tmp_path: Path) -> None:
    """Rows a column check refuses are built by the row builder: the same rejects, named by
    the same field and reason, and the same statements for the rows kept."""
    source = sorted((shared_data() / "usaspending" / "bulk").glob("*PrimeAward*.csv"))[0]
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    index = {column: i for i, column in enumerate(header)}
    rng = random.Random(13)
    for row in body:
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                column = rng.choice(sorted(_BAD))
                if column in index:
                    row[index[column]] = rng.choice(_BAD[column])
    hostile = tmp_path / "hostile.csv"
    with hostile.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    rejected = _same(PrimeAwardsCsv, hostile, tmp_path, batch_size=50)
    assert rejected > len(body) // 10  # the damage was seen, not loaded
