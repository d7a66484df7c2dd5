"""The curated catalogs in schema/catalogs/ (agencies, technologies, products, vendors), as data.

schema/ stays declarative: nothing there is imported as Python, these YAML files are parsed
here once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph_service.domain_model import schema_dir
from graph_service.text import fold
from loaders.vendor_catalog import VendorEntry, load_vendors


@dataclass(frozen=True, slots=True)
class DomainEntry:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    id: str
    name: str
    acronym: str | None
    codes: tuple[str, ...]
    level: str | None
    parent: str | None
    aliases: tuple[str, ...]
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LocalAgencyNames:
    """Other names of one local agency the name rule cannot join (loaders/agency_names.py):
    each alias, within `state`, is read as `name`."""

    name: str
    state: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TagRule:
    name: str
    keywords: tuple[str, ...] = ()
    psc: tuple[str, ...] = ()
    naics: tuple[str, ...] = ()
    # True: a keyword counts only on a contract with one of the codes (and a code only with
    # a keyword); False: either alone tags.
    codes_and_keywords: bool = False


@dataclass(frozen=True, slots=True)
class TechnologyEntry:
    id: str
    name: str
    atlas_name: str | None
    aliases: tuple[str, ...]
    rules: tuple[TagRule, ...]
    # Phrases in which this technology's keywords mean something else ("medical case
    # management"): a keyword inside one does not count, and nor does the vendor rule.
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductEntry:
    id: str
    name: str
    maker: str
    technology: str
    vendors: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Catalogs:
    domains: dict[str, DomainEntry]
    agencies: dict[str, AgencyEntry]
    agency_type_domains: dict[str, tuple[str, ...]]
    technologies: dict[str, TechnologyEntry]
    products: dict[str, ProductEntry]
    vendors: dict[str, VendorEntry] = field(default_factory=dict)
    local_agencies: tuple[LocalAgencyNames, ...] = ()
    # Derived indexes.
    agency_by_code: dict[str, str] = field(default_factory=dict)
    agency_by_name: dict[str, str] = field(default_factory=dict)
    technology_by_atlas: dict[str, str] = field(default_factory=dict)

    def type_domains(self, agency_type: str) -> tuple[str, ...]:
        return self.agency_type_domains.get(fold(agency_type), ())


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or []))


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle) or {}
    return data


def name_key(text: str) -> str:
    """The key agency names and aliases are matched on: folded, punctuation-free, no 'the'."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return " ".join(w for w in words if w not in ("the", "us", "u", "s"))


@functools.cache
def load_catalogs(folder: Path | None = None) -> Catalogs:
    base = folder or schema_dir() / "catalogs"
    agencies_raw = _read(base / "agencies.yaml")
    tech_raw = _read(base / "technologies.yaml")
    products_raw = _read(base / "products.yaml")
    domains = {d["id"]: DomainEntry(d["id"], d["name"]) for d in agencies_raw.get("domains", [])}
    agencies = {
        a["id"]: AgencyEntry(
            id=a["id"], name=a["name"], acronym=a.get("acronym"), codes=_tuple(a.get("codes")),
            level=a.get("level"), parent=a.get("parent"), aliases=_tuple(a.get("aliases")),
            domains=_tuple(a.get("domains")),
        )
        for a in agencies_raw.get("agencies", [])
    }
    type_domains = {
        fold(k): _tuple(v) for k, v in (agencies_raw.get("agency_type_domains") or {}).items()
    }
    technologies = {
        t["id"]: TechnologyEntry(
            id=t["id"], name=t["name"], atlas_name=t.get("atlas_name"),
            aliases=_tuple(t.get("aliases")), exclude=_tuple(t.get("exclude")),
            rules=tuple(
                TagRule(r["name"], _tuple(r.get("keywords")), _tuple(r.get("psc")),
                        _tuple(r.get("naics")), bool(r.get("codes_and_keywords")))
                for r in t.get("rules", [])
            ),
        )
        for t in tech_raw.get("technologies", [])
    }
    products = {
        p["id"]: ProductEntry(
            id=p["id"], name=p["name"], maker=p["maker"], technology=p["technology"],
            vendors=_tuple(p.get("vendors")), keywords=_tuple(p.get("keywords")),
        )
        for p in products_raw.get("products", [])
    }
    vendors = load_vendors(base / "vendors.yaml")
    local = tuple(LocalAgencyNames(a["name"], str(a["state"]).upper(), _tuple(a.get("aliases")))
                  for a in agencies_raw.get("local_agency_names") or [])
    catalogs = Catalogs(domains, agencies, type_domains, technologies, products, vendors, local)
    for entry in agencies.values():
        for code in entry.codes:
            catalogs.agency_by_code[code] = entry.id
        for name in (entry.name, entry.acronym, *entry.aliases):
            if name:
                catalogs.agency_by_name[name_key(name)] = entry.id
    for tech in technologies.values():
        if tech.atlas_name:
            catalogs.technology_by_atlas[fold(tech.atlas_name)] = tech.id
    _check(catalogs)
    return catalogs


def _check(catalogs: Catalogs) -> None:
    """Catch catalog typos at load time rather than as dangling ties mid-load."""
    for agency in catalogs.agencies.values():
        if agency.parent and agency.parent not in catalogs.agencies:
            raise ValueError(f"agencies.yaml: {agency.id} has unknown parent {agency.parent}")
        for domain in agency.domains:
            if domain not in catalogs.domains:
                raise ValueError(f"agencies.yaml: {agency.id} has unknown domain {domain}")
    for domains in catalogs.agency_type_domains.values():
        for domain in domains:
            if domain not in catalogs.domains:
                raise ValueError(f"agencies.yaml: agency_type_domains names unknown {domain}")
    for product in catalogs.products.values():
        if product.technology not in catalogs.technologies:
            raise ValueError(f"products.yaml: {product.id} has unknown {product.technology}")
    for vendor in catalogs.vendors.values():
        for item in vendor.products:
            if item.technology is not None and item.technology not in catalogs.technologies:
                raise ValueError(f"vendors.yaml: {vendor.id} has unknown {item.technology}")
