"""The EFF Atlas of Surveillance CSV: police agency -> technology -> vendor, with source links,
read through its shipped mapping (loaders/mappings/atlas-of-surveillance.yaml, which says what a
row becomes; the vendor split, Atlas labels and catalog products are loaders/derive.py's)."""

from __future__ import annotations

from pathlib import Path

from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping


class AtlasCsv(MappedCsv):
    """An Atlas of Surveillance export, recognized by its columns."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("atlas-of-surveillance.yaml"),
                         format_name="atlas-of-surveillance-csv")

    def title(self) -> str:
        return f"EFF Atlas of Surveillance export ({self.path.name})"
