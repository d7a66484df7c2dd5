"""schema/catalogs/vendors.yaml as typed entries: vendors, their products' technologies, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CatalogSource(_Frozen):
    url: HttpUrl
    title: str


class VendorProduct(_Frozen):
    name: str
    technology: str | None  # None: a line of business that is not surveillance
    keywords: tuple[str, ...] = ()


class VendorEntry(_Frozen):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    products: tuple[VendorProduct, ...] = Field(min_length=1)
    sources: tuple[CatalogSource, ...] = Field(min_length=1)  # no entry without a citation

    @field_validator("aliases")
    @classmethod
    def _has_alias(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("a vendor needs at least one alias to be matched by")
        return value

    @property
    def sole_technology(self) -> str | None:
        """The technology of every product, when they share one (else None)."""
        techs = {p.technology for p in self.products}
        return next(iter(techs)) if len(techs) == 1 else None


def load_vendors(path: Path) -> dict[str, VendorEntry]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        raw: dict[str, Any] = yaml.safe_load(handle) or {}
    entries = [VendorEntry.model_validate(item) for item in raw.get("vendors", [])]
    found: dict[str, VendorEntry] = {}
    for entry in entries:
        if entry.id in found:
            raise ValueError(f"vendors.yaml: {entry.id} is listed twice")
        found[entry.id] = entry
    return found
