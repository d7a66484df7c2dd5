"""Technology and named-product tags for contracts, from the catalog rules in schema/catalogs/.

A technology rule matches keywords (whole words, ignoring case, accents and punctuation) in the
description and the PSC/NAICS descriptions, or a listed PSC/NAICS code. A product rule also
needs the vendor (recipient or parent, normalized) to be one of the product's vendors. The
vendor rule (loaders/vendor_rule.py) adds a technology from the vendor catalog. A technology's
`exclude` phrases are negative rules: its keywords inside them do not count. Each tag says which
rule fired and the text it matched; loaders write them as inferred ties.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from loaders.catalogs import Catalogs, ProductEntry, TagRule
from loaders.names import normalize_name
from loaders.vendor_rule import RULE as VENDOR_RULE
from loaders.vendor_rule import VendorRule


@dataclass(frozen=True, slots=True)
class Tag:
    target: str  # technology:... or product:...
    rule: str
    matched: str


_ANSWERS = 100_000  # distinct tagging questions remembered


def _plain(text: str) -> str:
    """Lower-case, accent-free; same length as the input when the input is plain ASCII."""
    if text.isascii():
        return text.lower()
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
    """Tags for one contract. All technology rules are one regular expression with a named
    group per rule, so a text is scanned once whatever the number of rules."""

    def __init__(self, catalogs: Catalogs, cache_size: int = 4096) -> None:
        self._rules = [
            _CompiledRule(tech.id, rule, _pattern(rule.keywords))
            for tech in catalogs.technologies.values()
            for rule in tech.rules
        ]
        groups = [
            f"(?P<r{i}>{compiled.pattern.pattern})"
            for i, compiled in enumerate(self._rules)
            # Rules needing a code are searched alone, on coded contracts only: in the combined
            # scan their common words ("tracking") would hide other rules' phrases.
            if compiled.pattern is not None and not compiled.rule.codes_and_keywords
        ]
        self._combined = re.compile("|".join(groups)) if groups else None
        self._coded = [r for r in self._rules if r.rule.psc or r.rule.naics]
        self._products = [
            _CompiledProduct(p, tuple(normalize_name(v) for v in p.vendors), _pattern(p.keywords))
            for p in catalogs.products.values()
        ]
        # Negative rules: per technology, the phrases its keywords must lie outside of.
        self._exclude = {tech.id: pattern for tech in catalogs.technologies.values()
                         if (pattern := _pattern(tech.exclude)) is not None}
        self._vendor_rule = VendorRule(catalogs.vendors.values(), _pattern)
        self._by_vendor: dict[str, list[_CompiledProduct]] = {}
        for product in self._products:
            for vendor in product.vendors:
                self._by_vendor.setdefault(vendor, []).append(product)
        # Descriptions repeat a lot in procurement data ("OFFICE SUPPLIES"): remember answers.
        self._cache: dict[tuple[str | None, ...], list[Tag]] = {}
        self._cache_size = cache_size
        self._answers: dict[tuple[object, ...], list[Tag]] = {}
        self._vendor_named: dict[str, bool] = {}

    def _named(self, norm: str) -> bool:
        """Whether a normalized vendor name can change a tag: a product's vendor list or the
        vendor catalog names it (or a name it starts with)."""
        found = self._vendor_named.get(norm)
        if found is None:
            if len(self._vendor_named) >= _ANSWERS:
                self._vendor_named.clear()
            found = self._vendor_named[norm] = bool(self._vendor_products(norm)) or \
                self._vendor_rule.match_normalized(norm) is not None
        return found

    def _vendor_products(self, norm: str) -> list[_CompiledProduct]:
        """Products whose vendor list names this vendor or a name it starts with."""
        found: list[_CompiledProduct] = []
        for prefix in _prefixes(norm):
            found += self._by_vendor.get(prefix, [])
        return found

    @staticmethod
    def _search(pattern: re.Pattern[str] | None, fields: list[tuple[str, str, str]]
                ) -> str | None:
        if pattern is None:
            return None
        for label, original, plain in fields:
            found = pattern.search(plain)
            if found:
                return _quote(label, original, plain, found)
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
        # The answer depends on the texts and on each vendor's normalized name only (the vendor
        # rule and the product lists match those): each distinct question is answered once.
        norms = tuple(normalize_name(v) if v else None for v in vendors)
        if not any(norm and self._named(norm) for norm in norms):
            # No vendor a catalog names (most are not): the answer is that of the texts alone
            # (no vendor's products, no vendor rule, no vendor in a note), asked once per text.
            norms = vendors = ()
        question = (description, psc, psc_description, naics, naics_description, norms)
        found = self._answers.get(question)
        if found is None:
            if len(self._answers) >= _ANSWERS:
                self._answers.clear()
            found = self._answers[question] = self._tag(
                description, psc, psc_description, naics, naics_description, vendors)
        return found

    def _tag(self, description: str | None, psc: str | None, psc_description: str | None,
             naics: str | None, naics_description: str | None, vendors: tuple[str | None, ...],
             ) -> list[Tag]:
        key = (description, psc, psc_description, naics, naics_description)
        tags = self._cache.get(key)
        if tags is None:
            tags = self._technologies(description, psc, psc_description, naics,
                                      naics_description)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = tags
        products = self._named_products(description, vendors)
        by_vendor = self._by_vendor_catalog(description, psc_description, naics_description,
                                            vendors, {t.target for t in tags})
        return tags + by_vendor + products if (products or by_vendor) else tags

    def _by_vendor_catalog(self, description: str | None, psc_description: str | None,
                           naics_description: str | None, vendors: tuple[str | None, ...],
                           have: set[str]) -> list[Tag]:
        if not any(vendors):
            return []
        texts = [_plain(t) for t in (description, psc_description, naics_description) if t]

        def excluded(tech: str) -> bool:
            pattern = self._exclude.get(tech)
            return pattern is not None and any(pattern.search(t) for t in texts)

        return [Tag(v.technology, VENDOR_RULE, v.matched)
                for v in self._vendor_rule.tags(_plain(description or ""), vendors, excluded)
                if v.technology not in have]

    def _technologies(self, description: str | None, psc: str | None,
                      psc_description: str | None, naics: str | None,
                      naics_description: str | None) -> list[Tag]:
        found: dict[str, Tag] = {}  # technology -> its first tag, in rule order below
        by_rule: dict[int, Tag] = {}
        if self._combined is not None:
            for label, original in (("description", description),
                                    ("psc_description", psc_description),
                                    ("naics_description", naics_description)):
                if not original:
                    continue
                plain = _plain(original)
                for match in self._combined.finditer(plain):
                    index = int((match.lastgroup or "r0")[1:])
                    if index not in by_rule and not self._inside_exclusion(index, plain, match):
                        by_rule[index] = Tag(self._rules[index].technology,
                                             self._rules[index].rule.name,
                                             _quote(label, original, plain, match))
        for compiled in self._coded:
            if not compiled.rule.codes_and_keywords or not description:
                continue
            coded = _code_match(psc, compiled.rule.psc) or _code_match(naics, compiled.rule.naics)
            # Its words must be the contract's own (not its code's title) and come with a code.
            plain = _plain(description)
            hit = compiled.pattern.search(plain) if coded and compiled.pattern else None
            if hit:
                by_rule[self._rules.index(compiled)] = Tag(
                    compiled.technology, compiled.rule.name,
                    f"{_quote('description', description, plain, hit)} ({coded})")
        for compiled in self._coded:
            index = self._rules.index(compiled)
            if index in by_rule or compiled.rule.codes_and_keywords:
                continue
            if _code_match(psc, compiled.rule.psc):
                by_rule[index] = Tag(compiled.technology, compiled.rule.name, f"psc: {psc}")
            elif _code_match(naics, compiled.rule.naics):
                by_rule[index] = Tag(compiled.technology, compiled.rule.name, f"naics: {naics}")
        for index in sorted(by_rule):
            tag = by_rule[index]
            found.setdefault(tag.target, tag)
        return list(found.values())

    def _inside_exclusion(self, index: int, plain: str, match: re.Match[str]) -> bool:
        """Whether a keyword match lies inside one of its technology's excluded phrases."""
        pattern = self._exclude.get(self._rules[index].technology)
        if pattern is None:
            return False
        return any(hit.start() <= match.start() and match.end() <= hit.end()
                   for hit in pattern.finditer(plain))

    def _named_products(self, description: str | None, vendors: tuple[str | None, ...]
                        ) -> list[Tag]:
        if not description or not self._products:
            return []
        vendor_norms = tuple(normalize_name(v) for v in vendors if v)
        candidates = [p for p in self._products if not p.vendors]
        for norm in vendor_norms:
            candidates += self._vendor_products(norm)
        if not candidates:
            return []
        fields = [("description", description, _plain(description))]
        tags: list[Tag] = []
        seen: set[str] = set()
        for product in candidates:
            if product.product.id in seen:
                continue
            seen.add(product.product.id)
            matched = self._search(product.pattern, fields)
            if matched is not None:
                vendor = next((n for n in vendor_norms), "")
                note = f" (vendor: {vendor})" if product.vendors and vendor else ""
                tags.append(Tag(product.product.id, product.product.id, matched + note))
        return tags


def _prefixes(norm: str) -> list[str]:
    """'thomson reuters markets' -> ['thomson', 'thomson reuters', 'thomson reuters markets']."""
    words = norm.split()
    return [" ".join(words[:i]) for i in range(1, len(words) + 1)]


def _quote(label: str, original: str, plain: str, found: re.Match[str]) -> str:
    """'description: LICENSE PLATE READER': the original text when folding kept offsets (plain
    ASCII), else the folded text."""
    source = original if len(plain) == len(original) else plain
    return f"{label}: {source[found.start():found.end()]}"
