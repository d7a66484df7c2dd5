"""Entity resolution: which graph node a company, agency or contract mention is.

Companies resolve on UEI, then DUNS, then a normalized name; agencies on their USAspending code,
then on known names, acronyms and aliases from schema/catalogs/agencies.yaml. Every answer
carries its basis ("uei:...", "duns:...", "name:...", "code:...", "catalog:...") and loaders
record it on the tie that uses the entity. Resolution reads the store (batched lookups, cached
for the whole load) and never writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph_service.records import Node
from graph_service.stores.base import GraphStore
from loaders.catalogs import Catalogs, name_key

# Name normalization lives in loaders/names.py; these names stay importable from here.
from loaders.names import LEGAL_SUFFIXES, entity_slug, normalize_name

__all__ = ["LEGAL_SUFFIXES", "entity_slug", "normalize_name"]


@dataclass(frozen=True, slots=True)
class Resolved:
    id: str
    basis: str
    known: bool  # the entity existed before this mention (in the store or earlier in the load)
    uei: str | None = None  # identifiers to record on the entity (never overwriting others)
    duns: str | None = None


def _identifiers_of(node: Node | None) -> tuple[str | None, str | None]:
    """A stored company's (UEI, DUNS)."""
    props = node.properties if node is not None else {}
    uei, duns = props.get("uei"), props.get("duns")
    return (uei if isinstance(uei, str) else None, duns if isinstance(duns, str) else None)


class CompanyResolver:
    """UEI, then DUNS, then normalized name; caches every answer for the load.

    An entity's UEI and DUNS, once known, are never replaced by a mention's different ones (the
    mention still joins the entity through whichever identifier matched), so the basis a
    mention gets is the same on every load of the same files."""

    def __init__(self, store: GraphStore | None) -> None:
        self._store = store
        self._by_uei: dict[str, str] = {}
        self._by_duns: dict[str, str] = {}
        self._by_name: dict[str, str | None] = {}
        self._ids: dict[str, tuple[str | None, str | None]] = {}  # entity -> (uei, duns)
        # Identifiers the store was asked about and does not hold. Any entity this load
        # creates lands in _by_uei/_by_duns first, so a miss recorded here never hides it.
        self._absent: dict[str, set[str]] = {"uei": set(), "duns": set()}
        self.merges = 0

    def _lookup(self, prop: str, value: str, cache: dict[str, str]) -> str | None:
        if value in cache:
            return cache[value]
        if self._store is None or value in self._absent[prop]:
            return None
        found = self._store.lookup("Company", prop, [value]).get(value)
        if found:
            cache[value] = found[0]
            return found[0]
        return None

    def prefetch(self, mentions: Iterable[tuple[str | None, str | None, str | None]]) -> None:
        """Ask the store once about the (name, UEI, DUNS) mentions of a whole batch of rows.

        `resolve` would otherwise ask per new vendor (a UEI read, a DUNS read, a name read):
        cheap on SQLite, 2-4 ms each over Bolt. Only the caches are filled, with what the store
        holds now, so every answer is the one `resolve` would have read itself."""
        if self._store is None:
            return
        wanted: dict[str, set[str]] = {"uei": set(), "duns": set()}
        names: dict[str, str] = {}  # candidate entity id -> normalized name
        for name, uei, duns in mentions:
            if uei and (uei := uei.upper()) not in self._by_uei:
                wanted["uei"].add(uei)
            if duns and duns not in self._by_duns:
                wanted["duns"].add(duns)
            if name and (norm := normalize_name(name)) not in self._by_name:
                names[f"company:{entity_slug(norm)}"] = norm
        found_ids: set[str] = set()
        for prop, cache in (("uei", self._by_uei), ("duns", self._by_duns)):
            values = sorted(wanted[prop] - self._absent[prop])
            if not values:
                continue
            found = self._store.lookup("Company", prop, values)
            for value in values:
                if found.get(value):
                    cache[value] = found[value][0]
                    found_ids.add(found[value][0])
                else:
                    self._absent[prop].add(value)
        nodes = self._store.get_nodes(sorted((found_ids - set(self._ids)) | set(names)))
        for node_id, norm in names.items():
            self._by_name[norm] = node_id if node_id in nodes else None
        for node_id, node in nodes.items():
            if node_id not in self._ids:  # what this load already knows of it stands
                self._ids[node_id] = _identifiers_of(node)

    def _identifiers(self, node_id: str) -> tuple[str | None, str | None]:
        if node_id not in self._ids:
            node = self._store.get_node(node_id) if self._store is not None else None
            self._ids[node_id] = _identifiers_of(node)
        return self._ids[node_id]

    def _by_normalized(self, norm: str) -> str | None:
        if norm not in self._by_name:
            node_id = f"company:{entity_slug(norm)}"
            exists = self._store is not None and self._store.get_node(node_id) is not None
            self._by_name[norm] = node_id if exists else None
        return self._by_name[norm]

    def resolve(self, name: str, uei: str | None = None, duns: str | None = None) -> Resolved:
        uei = uei.upper() if uei else None
        norm = normalize_name(name)
        node_id = (uei and self._lookup("uei", uei, self._by_uei)) or (
            duns and self._lookup("duns", duns, self._by_duns))
        known = bool(node_id)
        if not node_id:
            named = self._by_normalized(norm)
            if named is not None:
                named_uei, _ = self._identifiers(named)
                if not uei or not named_uei or named_uei == uei:
                    node_id, known = named, True
                else:
                    # Same name, different UEI: a different legal entity (a parent and its
                    # subsidiary registered under one name). Keep them apart.
                    node_id = f"company:{entity_slug(norm)}-{uei.lower()}"
            else:
                node_id = f"company:{entity_slug(norm)}"
        known_uei, known_duns = self._identifiers(node_id) if known else (None, None)
        keep_uei = uei if uei and known_uei in (None, uei) else None
        keep_duns = duns if duns and known_duns in (None, duns) else None
        self._ids[node_id] = (known_uei or keep_uei, known_duns or keep_duns)
        if keep_uei:
            basis = f"uei:{uei}"
        elif keep_duns:
            basis = f"duns:{duns}"
        elif uei and known_uei == uei:
            basis = f"uei:{uei}"
        else:
            basis = f"name:{norm}"
        if uei:
            self._by_uei.setdefault(uei, node_id)
        if duns:
            self._by_duns.setdefault(duns, node_id)
        if self._by_name.get(norm) is None and node_id == f"company:{entity_slug(norm)}":
            self._by_name[norm] = node_id
        if known:
            self.merges += 1
        return Resolved(node_id, basis, known, keep_uei, keep_duns)


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
            found = (self._store.lookup("Contract", "piid", [piid]).get(piid)
                     if self._store is not None else None)
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
