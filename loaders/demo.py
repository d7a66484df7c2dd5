"""`survgraph load demo`: the bundled slices of real files (loaders/demo/, see SOURCES.md there),
read by the same loaders analysts use. Works offline; no shared data folder needed."""

from __future__ import annotations

from pathlib import Path

from loaders.atlas import AtlasCsv
from loaders.input_files import InputFile
from loaders.mapping import MappedCsv, read_mapping
from loaders.usaspending import open_usaspending

DEMO_DIR = Path(__file__).with_name("demo")
MAPPINGS_DIR = Path(__file__).with_name("mappings")


def demo_items(folder: Path = DEMO_DIR) -> list[InputFile]:
    """The demo files in load order: USAspending first (so the curated spreadsheet's PIIDs find
    their awards), then the Atlas and the mapped spreadsheets."""
    mapping = read_mapping
    return [
        open_usaspending(folder / "usaspending_ice_minnesota_prime_awards.csv"),
        open_usaspending(folder / "usaspending_ice_subawards.csv"),
        open_usaspending(folder / "usaspending_ice_fy2013_transactions.csv"),
        open_usaspending(folder / "usaspending_api_award_detail.json"),
        AtlasCsv(folder / "atlas_of_surveillance_sample.csv"),
        MappedCsv(folder / "torn_apart_freezer_sample.csv",
                  mapping(MAPPINGS_DIR / "torn-apart-freezer.yaml")),
        MappedCsv(folder / "nc_agency_survey20240430.csv",
                  mapping(MAPPINGS_DIR / "nc-alpr-agency-survey.yaml")),
        MappedCsv(folder / "nc_agency_access_sample.csv",
                  mapping(MAPPINGS_DIR / "nc-alpr-agency-access.yaml")),
    ]
