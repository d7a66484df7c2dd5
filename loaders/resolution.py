"""Entity resolution: which graph node a company, agency or contract mention is.

Companies resolve on UEI, then DUNS, then a normalized name; agencies on their USAspending code,
then on known names, acronyms and aliases from schema/catalogs/agencies.yaml. Every answer
carries its basis ("uei:...", "duns:...", "name:...", "code:...", "catalog:...") and loaders
record it on the tie that uses the entity. Resolution reads the store (batched lookups, cached
for the whole load) and never writes it.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass

from graph_service.stores.base import GraphStore
from graph_service.text import slugify
from loaders.catalogs import Catalogs, name_key

# Legal-form words dropped from the end of a company name (after punctuation is removed, so
# "L.L.C." is "llc" and "Co." is "co").
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "llp", "lp", "lc", "pllc", "ltd", "limited", "corp",
    "corporation", "co", "company", "plc", "pc", "gmbh", "ag", "sa", "nv", "bv", "lllp",
})


def _fold_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # Periods inside initialisms join letters ("l.l.c." -> "llc"); other punctuation separates.
    stripped = stripped.replace(".", "").replace("'", "").replace("’", "")
    return "".join(ch if ch.isalnum() else " " for ch in stripped.replace("&", " and ")).split()


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """'West Publishing Corp.' -> 'west publishing'; 'UNIVERSITY OF IOWA, THE' -> 'university of
    iowa'. Case, accents, punctuation, a leading/trailing 'the' and legal suffixes go; one word
    always stays. Idempotent: normalize_name(normalize_name(x)) == normalize_name(x)."""
    words = _fold_words(name)
    for _ in range(3):  # folding can expose new characters; three rounds reach a fixpoint
        again = _fold_words(" ".join(words))
        if again == words:
            break
        words = again
    changed = True
    while changed and len(words) > 1:
        changed = False
        if words[-1] in LEGAL_SUFFIXES or words[-1] == "the":
            words.pop()
            changed = True
        elif words[0] == "the":
            words.pop(0)
            changed = True
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def entity_slug(text: str) -> str:
    """A slug for an id; names with no Latin letters get a short hash instead of 'unnamed'."""
    slug = slugify(text)
    if slug == "unnamed" and text.strip():
        return "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]  # noqa: S324 - an id
    return slug


@dataclass(frozen=True, slots=True)
class Resolved:
    id: str
    basis: str
    known: bool  # the entity existed before this mention (in the store or earlier in the load)


class CompanyResolver:
    """UEI, then DUNS, then normalized name; caches every answer for the load."""

    def __init__(self, store: GraphStore | None) -> None:
        self._store = store
        self._by_uei: dict[str, str] = {}
        self._by_duns: dict[str, str] = {}
        self._by_name: dict[str, tuple[str, str | None] | None] = {}
        self.merges = 0

    def _lookup(self, prop: str, value: str, cache: dict[str, str]) -> str | None:
        if value in cache:
            return cache[value]
        if self._store is None:
            return None
        found = self._store.lookup("Company", prop, [value]).get(value)
        if found:
            cache[value] = found[0]
            return found[0]
        return None

    def _by_normalized(self, norm: str) -> tuple[str, str | None] | None:
        if norm in self._by_name:
            return self._by_name[norm]
        answer: tuple[str, str | None] | None = None
        if self._store is not None:
            node = self._store.get_node(f"company:{entity_slug(norm)}")
            if node is not None:
                uei = node.properties.get("uei")
                answer = (node.id, uei if isinstance(uei, str) else None)
        self._by_name[norm] = answer
        return answer

    def resolve(self, name: str, uei: str | None = None, duns: str | None = None) -> Resolved:
        uei = uei.upper() if uei else None
        if uei:
            found = self._lookup("uei", uei, self._by_uei)
            if found:
                return self._remember(found, f"uei:{uei}", uei, duns, name, known=True)
        if duns:
            found = self._lookup("duns", duns, self._by_duns)
            if found:
                return self._remember(found, f"duns:{duns}", uei, duns, name, known=True)
        norm = normalize_name(name)
        match = self._by_normalized(norm)
        if match is not None:
            node_id, known_uei = match
            if not uei or not known_uei or known_uei == uei:
                return self._remember(node_id, f"name:{norm}", uei, duns, name, known=True)
            # Same name, different UEI: a different legal entity (e.g. a parent and its
            # subsidiary registered under one name). Keep them apart.
            node_id = f"company:{entity_slug(norm)}-{uei.lower()}"
        else:
            node_id = f"company:{entity_slug(norm)}"
        basis = f"uei:{uei}" if uei else f"duns:{duns}" if duns else f"name:{norm}"
        return self._remember(node_id, basis, uei, duns, name, known=False)

    def _remember(self, node_id: str, basis: str, uei: str | None, duns: str | None, name: str,
                  known: bool) -> Resolved:
        if uei:
            self._by_uei.setdefault(uei, node_id)
        if duns:
            self._by_duns.setdefault(duns, node_id)
        norm = normalize_name(name)
        if self._by_name.get(norm) is None and node_id == f"company:{entity_slug(norm)}":
            self._by_name[norm] = (node_id, uei)
        if known:
            self.merges += 1
        return Resolved(node_id, basis, known)


class AgencyResolver:
    """USAspending code, then catalog names/acronyms/aliases, then an id from the name."""

    def __init__(self, store: GraphStore | None, catalogs: Catalogs) -> None:
        self._store = store
        self._catalogs = catalogs
        self._by_code: dict[str, str | None] = {}

    def resolve(self, name: str | None, code: str | None = None) -> Resolved | None:
        if code:
            hit = self._catalogs.agency_by_code.get(code)
            if hit:
                return Resolved(hit, f"code:{code}", True)
        if name:
            hit = self._catalogs.agency_by_name.get(name_key(name))
            if hit:
                return Resolved(hit, f"catalog:{name_key(name)}", True)
        if code and self._store is not None:
            if code not in self._by_code:
                found = self._store.lookup("Agency", "code", [code]).get(code)
                self._by_code[code] = found[0] if found else None
            if self._by_code[code]:
                return Resolved(self._by_code[code] or "", f"code:{code}", True)
        if not name:
            return None
        node_id = f"agency:{entity_slug(name_key(name) or name)}"
        if code:
            self._by_code[code] = node_id
        return Resolved(node_id, f"name:{name_key(name)}", False)


class ContractResolver:
    """Contracts named only by PIID (curated spreadsheets) find the award loaded from
    USAspending with that PIID when there is exactly one."""

    def __init__(self, store: GraphStore | None) -> None:
        self._store = store
        self._cache: dict[str, str | None] = {}

    def by_piid(self, piid: str) -> Resolved:
        if piid not in self._cache:
            found = self._store.lookup("Contract", "piid", [piid]).get(piid) if self._store else None
            self._cache[piid] = found[0] if found and len(found) == 1 else None
        hit = self._cache[piid]
        if hit:
            return Resolved(hit, f"piid:{piid}", True)
        node_id = contract_id(piid)
        self._cache[piid] = node_id
        return Resolved(node_id, f"piid:{piid}", False)


def contract_id(piid: str, parent_piid: str | None = None) -> str:
    """PIIDs are unique within an agency, but orders under different IDVs can share one, so an
    order's id also names its IDV: 'contract:70cmsw18fr0000006--hscems13d00001'."""
    if parent_piid:
        return f"contract:{entity_slug(piid)}--{entity_slug(parent_piid)}"
    return f"contract:{entity_slug(piid)}"


def parse_award_key(key: str) -> tuple[str, str | None] | None:
    """'CONT_AWD_<PIID>_<agency>_<parent PIID>_<parent agency>' -> (PIID, parent PIID or None);
    'CONT_IDV_<PIID>_<agency>' -> (PIID, None)."""
    parts = key.split("_")
    if len(parts) < 4 or parts[0] != "CONT" or parts[1] not in ("AWD", "IDV"):
        return None
    if parts[1] == "IDV":
        return parts[2], None
    if len(parts) < 6:
        return None
    parent = parts[4]
    return parts[2], (None if parent in ("-NONE-", "") else parent)
