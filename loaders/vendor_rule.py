"""The vendor rule: a contract's technology from the vendor catalog (schema/catalogs/vendors.yaml).

A vendor (recipient or parent) matches by normalized name or alias, or by a longer name that
starts with one ("thomson reuters special services" is Thomson Reuters). Its contract gets a
product's technology when the text names the product, or its one technology when all its
listed products share it. Each tag cites the catalog entry it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from loaders.names import normalize_name
from loaders.vendor_catalog import VendorEntry, VendorProduct

RULE = "vendor-catalog"


@dataclass(frozen=True, slots=True)
class VendorTag:
    technology: str
    vendor: str  # the catalog entry's id
    matched: str  # "vendors.yaml: cellebrite (product Cellebrite UFED; description: UFED)"


class VendorRule:
    def __init__(self, vendors: Iterable[VendorEntry],
                 compile_keywords: Callable[[tuple[str, ...]], re.Pattern[str] | None]) -> None:
        self._by_name: dict[str, VendorEntry] = {}
        for entry in vendors:
            for name in (entry.name, *entry.aliases):
                self._by_name.setdefault(normalize_name(name), entry)
        self._patterns: dict[tuple[str, str], re.Pattern[str] | None] = {
            (entry.id, product.name): compile_keywords(product.keywords)
            for entry in vendors for product in entry.products
        }

    def match(self, vendor: str) -> VendorEntry | None:
        """The catalog entry for a vendor name: the longest alias the name starts with."""
        return self.match_normalized(normalize_name(vendor))

    def match_normalized(self, norm: str) -> VendorEntry | None:
        """`match` of a name already normalized (normalize_name is idempotent)."""
        words = norm.split()
        for size in range(len(words), 0, -1):
            entry = self._by_name.get(" ".join(words[:size]))
            if entry is not None:
                return entry
        return None

    def tags(self, plain_description: str, vendors: tuple[str | None, ...],
             excluded: Callable[[str], bool]) -> list[VendorTag]:
        """Tags for a contract whose folded description is `plain_description`; `excluded(tech)`
        says whether the text holds one of that technology's negative phrases."""
        found: dict[str, VendorTag] = {}
        for name in vendors:
            entry = self.match(name) if name else None
            if entry is None:
                continue
            named = self._named_products(entry, plain_description)
            if named:
                for product, text in named:
                    tech = product.technology
                    if tech and tech not in found and not excluded(tech):
                        found[tech] = VendorTag(tech, entry.id, f"vendors.yaml: {entry.id} "
                                                f"(product {product.name}; description: {text})")
            elif (sole := entry.sole_technology) and sole not in found and not excluded(sole):
                found[sole] = VendorTag(sole, entry.id, f"vendors.yaml: {entry.id} "
                                        f"(every listed product is {sole})")
        return list(found.values())

    def _named_products(self, entry: VendorEntry, plain: str
                        ) -> list[tuple[VendorProduct, str]]:
        named = []
        for product in entry.products:
            pattern = self._patterns[(entry.id, product.name)]
            hit = pattern.search(plain) if pattern is not None and plain else None
            if hit:
                named.append((product, hit.group(0)))
        return named
