"""The EFF Atlas of Surveillance CSV: police agency -> technology -> vendor, with source links.

A row becomes the Agency (city, county, state, type; OPERATES_IN its Domains from the catalog's
agency-type rules), the Technology (matched on the Atlas label), `Technology USED_BY Agency`,
each vendor Company SUPPLIES the agency (the tie lists the technology), a catalog Product of
that vendor and technology USED_BY the agency (inferred), and each link as a Source cited by
those ties.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graph_service.records import Value
from graph_service.text import fold
from loaders.claims import CATALOG_SOURCE, RowOutput, record_source
from loaders.input_files import CsvFile
from loaders.resolution import normalize_name
from loaders.values import RowError, parse_date, text

ATLAS_PUBLISHER = "Electronic Frontier Foundation, Atlas of Surveillance"
_VENDOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_LEVELS = {"municipal": "municipal", "county": "county", "state": "state", "federal": "federal",
           "tribal": "tribal", "regional": "regional", "parish": "county", "borough": "municipal"}


class AtlasCsv(CsvFile):
    format_name = "atlas-of-surveillance-csv"
    source_kind = "dataset"
    publisher = ATLAS_PUBLISHER
    required = ("AOSNUMBER", "Agency", "State", "Technology", "Vendor")

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.col = {c: self.getter(c) for c in (
            "AOSNUMBER", "City", "County", "State", "Agency", "Type of LEA", "Summary",
            "Type of Juris", "Technology", "Vendor",
            *(f"Link {i}{part}" for i in (1, 2, 3) for part in ("", " Source", " Date")),
        )}

    def title(self) -> str:
        return f"EFF Atlas of Surveillance export ({self.path.name})"

    def build(self, record: Any, out: RowOutput) -> None:
        row: list[str] = record

        def get(column: str) -> str | None:
            return text(self.col[column](row))

        agency_name = get("Agency")
        if agency_name is None:
            raise RowError("Agency", "is blank")
        technology_label = get("Technology")
        if technology_label is None:
            raise RowError("Technology", "is blank")
        ctx = out._ctx
        tech_id = ctx.catalogs.technology_by_atlas.get(fold(technology_label))
        if tech_id is None:
            raise RowError("Technology", f"{technology_label!r} is not an Atlas technology in "
                           "schema/catalogs/technologies.yaml (atlas_name)")
        state = get("State")
        sources = [ctx.file_source]
        for i in (1, 2, 3):
            url = get(f"Link {i}")
            if url is None or not url.lower().startswith(("http://", "https://")):
                continue
            try:
                published = parse_date(get(f"Link {i} Date"), f"Link {i} Date")
            except RowError:
                published = None  # a loose date on a link does not make the row wrong
            publisher = get(f"Link {i} Source")
            sources.append(record_source(out, url, publisher or url, publisher, "news",
                                         published))
        agency_id = self._agency(out, agency_name, state, get)
        note = get("Summary")
        aos = get("AOSNUMBER")
        tie: dict[str, Value] = {"note": f"{aos}: {note}" if aos and note else note or aos}
        out.technology(tech_id)
        out.edge("USED_BY", tech_id, agency_id, tie, sources=sources)
        for vendor in _vendors(get("Vendor")):
            company = out.company(vendor, field_name="Vendor")
            if company is None:
                continue
            # The row's pairing (this vendor, this technology, this agency) stays on the tie:
            # the view unions the technologies of every row naming the vendor and agency.
            out.edge("SUPPLIES", company[0], agency_id,
                     {**tie, "basis": company[1], "technologies": [tech_id]}, sources=sources)
            for product in ctx.catalogs.products.values():
                vendor_norm = normalize_name(vendor)
                if product.technology == tech_id and any(
                    vendor_norm == normalize_name(v) for v in product.vendors
                ):
                    out.product(product.id)
                    out.edge("USED_BY", product.id, agency_id,
                             {"rule": "atlas-vendor-technology",
                              "matched": f"Vendor: {vendor}; Technology: {technology_label}"},
                             status="inferred", sources=sources)

    def _agency(self, out: RowOutput, name: str, state: str | None, get: Any) -> str:
        """The agency: a catalog agency by name, else the id of its name's key and its state
        (the same name recurs across states: 'Sheriff's Office' needs its place)."""
        ctx = out._ctx
        resolved = ctx.agencies.resolve(name, state=state)
        assert resolved is not None  # a name always resolves
        if resolved.id in ctx.catalogs.agencies:
            out.catalog_agency(resolved.id)
            return resolved.id
        agency_id = resolved.id
        jurisdiction = fold(get("Type of Juris") or "")
        agency_type = get("Type of LEA")
        out.node(agency_id, "Agency", name, {
            "city": get("City"), "county": get("County"), "state": state,
            "agency_type": agency_type, "level": _LEVELS.get(jurisdiction, "other"
                                                             if jurisdiction else None),
        }, field_name="Agency")
        for domain in ctx.catalogs.type_domains(agency_type or ""):
            out.domain(domain)
            out.edge("OPERATES_IN", agency_id, domain,
                     {"rule": "agency-type", "matched": f"Type of LEA: {agency_type}"},
                     status="inferred", sources=[CATALOG_SOURCE])
        return agency_id


def _vendors(cell: str | None) -> list[str]:
    """'Vigilant Solutions, Neology/PIPS' -> two vendors; blanks and 'Unknown' -> none."""
    if not cell:
        return []
    names = [v.strip(" .") for v in _VENDOR_SPLIT.split(cell)]
    return [n for n in names if n and fold(n) not in ("unknown", "n/a")]
