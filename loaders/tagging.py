"""Technology and named-product tags for contracts, from the catalog rules in schema/catalogs/.

A technology rule matches keywords (whole words, ignoring case, accents and punctuation) in the
description and the PSC/NAICS descriptions, or a listed PSC/NAICS code. A product rule also
needs the vendor (recipient or parent, normalized) to be one of the product's vendors. Each tag
says which rule fired and the text it matched; loaders write them as inferred ties.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from loaders.catalogs import Catalogs, ProductEntry, TagRule
from loaders.resolution import normalize_name


@dataclass(frozen=True, slots=True)
class Tag:
    target: str  # technology:... or product:...
    rule: str
    matched: str


def _plain(text: str) -> str:
    """Lower-case, accent-free; same length as the input when the input is plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    # Words joined by any run of spaces, hyphens or punctuation: "cell-site" = "cell site".
    alternatives = sorted(
        (r"[\W_]+".join(re.escape(w) for w in re.split(r"[\W_]+", _plain(k)) if w)
         for k in keywords),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


def _code_match(code: str | None, codes: tuple[str, ...]) -> str | None:
    if not code:
        return None
    for wanted in codes:
        if (wanted.endswith("*") and code.startswith(wanted[:-1])) or code == wanted:
            return wanted
    return None


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    technology: str
    rule: TagRule
    pattern: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _CompiledProduct:
    product: ProductEntry
    vendors: tuple[str, ...]
    pattern: re.Pattern[str] | None


class Tagger:
    def __init__(self, catalogs: Catalogs) -> None:
        self._rules = [
            _CompiledRule(tech.id, rule, _pattern(rule.keywords))
            for tech in catalogs.technologies.values()
            for rule in tech.rules
        ]
        self._products = [
            _CompiledProduct(p, tuple(normalize_name(v) for v in p.vendors), _pattern(p.keywords))
            for p in catalogs.products.values()
        ]

    @staticmethod
    def _search(pattern: re.Pattern[str] | None, fields: list[tuple[str, str]]) -> str | None:
        if pattern is None:
            return None
        for label, original in fields:
            plain = _plain(original)
            found = pattern.search(plain)
            if found:
                # Quote the original text when folding kept offsets (plain ASCII), else folded.
                source = original if len(plain) == len(original) else plain
                return f"{label}: {source[found.start():found.end()]}"
        return None

    def tag(
        self,
        description: str | None = None,
        psc: str | None = None,
        psc_description: str | None = None,
        naics: str | None = None,
        naics_description: str | None = None,
        vendors: tuple[str | None, ...] = (),
    ) -> list[Tag]:
        fields = [(label, value) for label, value in (
            ("description", description),
            ("psc_description", psc_description),
            ("naics_description", naics_description),
        ) if value]
        tags: list[Tag] = []
        seen: set[str] = set()
        for compiled in self._rules:
            if compiled.technology in seen:
                continue
            matched = self._search(compiled.pattern, fields)
            if matched is None:
                code = _code_match(psc, compiled.rule.psc)
                matched = f"psc: {psc}" if code else None
            if matched is None:
                code = _code_match(naics, compiled.rule.naics)
                matched = f"naics: {naics}" if code else None
            if matched is not None:
                seen.add(compiled.technology)
                tags.append(Tag(compiled.technology, compiled.rule.name, matched))
        if not self._products:
            return tags
        vendor_norms = tuple(normalize_name(v) for v in vendors if v)
        text_fields = fields[:1]  # product names are matched in the description only
        for product in self._products:
            if product.vendors and not any(
                norm == v or norm.startswith(v + " ") for norm in vendor_norms
                for v in product.vendors
            ):
                continue
            matched = self._search(product.pattern, text_fields)
            if matched is not None:
                vendor = next((n for n in vendor_norms), "")
                note = f" (vendor: {vendor})" if product.vendors and vendor else ""
                tags.append(Tag(product.product.id, product.product.id,
                                matched + note))
        return tags
