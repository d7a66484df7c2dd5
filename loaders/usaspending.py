"""USAspending.gov contract data: the bulk prime-award-summary and subaward CSVs, and the API's
JSON (award search results, subaward search results, award detail, transactions).

Each shape is recognized by its columns or keys, and read through its mapping in
loaders/mappings/ (usaspending-*.yaml), which says what a row becomes: a prime award a Contract
(PIID, unique award key, permalink) AWARDED_TO its recipient Company (SUBSIDIARY_OF the
parent), AWARDED_BY the awarding sub-agency (PART_OF its agency), FUNDED_BY the funding
sub-agency, CHILD_OF its IDV, tagged with Technologies and Products; a subaward a Contract
SUBCONTRACT_OF its prime, AWARDED_TO the subawardee. Every award cites its USAspending page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loaders.input_files import CsvFile, InputFile, WrongShape, read_text
from loaders.mapped_json import MappedJson
from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping

# -- bulk CSV -------------------------------------------------------------------------------------


class PrimeAwardsCsv(MappedCsv):
    """A bulk prime-award-summaries file, read through its shipped mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-prime-awards.yaml"),
                         format_name="usaspending-prime-awards-csv")


class SubawardsCsv(MappedCsv):
    """A bulk subawards file, read through its shipped mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-subawards.yaml"),
                         format_name="usaspending-subawards-csv")


# -- API JSON -------------------------------------------------------------------------------------


class _JsonShape(MappedJson):
    """A USAspending API answer, read through its shipped mapping; `required`: the keys it is
    recognized by."""

    required: tuple[str, ...] = ()
    mapping_name = ""
    shape_name = ""

    def __init__(self, path: Path, data: Any, results: list[Any]) -> None:
        super().__init__(path, shipped_mapping(self.mapping_name), results, self.shape_name)
        self.data = data


class AwardSearchJson(_JsonShape):
    """`POST /api/v2/search/spending_by_award/` results for contracts (display-name keys)."""

    required = ("Award ID", "Recipient Name")
    mapping_name = "usaspending-award-search.yaml"
    shape_name = "usaspending-award-search-json"


class SubawardSearchJson(_JsonShape):
    """The subaward form of the award search (`"Sub-Award ID"`, `"Sub-Awardee Name"`, ...)."""

    required = ("Sub-Award ID", "Sub-Awardee Name", "Prime Award ID")
    mapping_name = "usaspending-subaward-search.yaml"
    shape_name = "usaspending-subaward-search-json"


class AwardDetailJson(_JsonShape):
    """`GET /api/v2/awards/<generated_unique_award_id>/`: one nested award (contract or IDV)."""

    required = ("generated_unique_award_id", "piid", "recipient")
    mapping_name = "usaspending-award-detail.yaml"
    shape_name = "usaspending-award-detail-json"


# -- recognizing a file ---------------------------------------------------------------------------


def _shapes() -> tuple[tuple[type[CsvFile], ...], tuple[type[_JsonShape], ...]]:
    """The shapes, most specific first: a transactions file also has every column an award
    summary is recognized by. (Imported here: the transactions module builds on this one.)"""
    from loaders.usaspending_transactions import PrimeTransactionsCsv, TransactionsApiJson

    return ((PrimeTransactionsCsv, PrimeAwardsCsv, SubawardsCsv),
            (SubawardSearchJson, AwardSearchJson, TransactionsApiJson))


def open_usaspending(path: Path) -> InputFile:
    """Recognize a USAspending file by its columns or keys; WrongShape names what is missing."""
    if not path.is_file():
        raise WrongShape(path, "no such file")
    if path.suffix.lower() == ".json":
        return _open_json(path)
    # A CSV: pick the shape whose key columns the header has; else name the closest's gaps.
    errors: list[WrongShape] = []
    for shape in _shapes()[0]:
        try:
            return shape(path)
        except WrongShape as exc:
            errors.append(exc)
    best = min(errors, key=lambda e: len(e.missing) if e.missing else 99)
    raise WrongShape(
        path, "not a USAspending prime-award or subaward CSV: "
        + (f"missing columns {', '.join(best.missing)}" if best.missing else str(best)),
        best.missing,
    )


def _open_json(path: Path) -> InputFile:
    try:
        data = json.loads(read_text(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WrongShape(path, f"not valid JSON: {exc}") from exc
    if isinstance(data, dict) and "generated_unique_award_id" in data:
        missing = [k for k in AwardDetailJson.required if k not in data]
        if missing:
            raise WrongShape(path, f"award detail without keys {', '.join(missing)}", missing)
        return AwardDetailJson(path, data, [data])
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise WrongShape(path, "not a USAspending API answer: no 'results' list and no "
                         "'generated_unique_award_id'", ["results"])
    keys = set().union(*(r.keys() for r in results if isinstance(r, dict))) if results else set()
    best: tuple[int, type[_JsonShape], list[str]] | None = None
    for shape in _shapes()[1]:
        missing = [k for k in shape.required if k not in keys]
        if not missing:
            return shape(path, data, results)
        if best is None or len(missing) < best[0]:
            best = (len(missing), shape, missing)
    assert best is not None
    raise WrongShape(path, f"not a USAspending {best[1].shape_name} answer: missing keys "
                     f"{', '.join(best[2])}", best[2])
