"""Entity resolution: which graph node a company, agency or contract mention is.

Companies resolve on UEI, then DUNS, then a normalized name; agencies on their USAspending code,
then on known names, acronyms and aliases from schema/catalogs/agencies.yaml. Every answer
carries its basis ("uei:...", "duns:...", "name:...", "code:...", "catalog:...") and loaders
record it on the tie that uses the entity. Resolution here depends on the mention alone: joining
mentions of one entity across records is the store's job (statements.cluster).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.judgements import QUALIFIER
from loaders.agency_names import agency_key
from loaders.catalogs import Catalogs, name_key

# Name normalization lives in loaders/names.py; these names stay importable from here.
from loaders.names import LEGAL_SUFFIXES, entity_slug, normalize_name

__all__ = ["LEGAL_SUFFIXES", "entity_slug", "normalize_name"]


_ANSWERS = 100_000  # distinct mentions a resolver remembers


@dataclass(frozen=True, slots=True)
class Resolved:
    id: str
    basis: str
    uei: str | None = None  # identifiers the mention states, recorded on its claim
    duns: str | None = None


_UNRESOLVED = Resolved("", "")  # a marker: not resolved yet


class CompanyResolver:
    """A company mention's source id (its normalized name, qualified by the UEI or else the DUNS
    it states) and basis (UEI, then DUNS, then the name). Mentions that share a UEI or DUNS, or
    a name with no conflicting identifier, are joined by the store's resolver
    (graph_service/statements.cluster), from the identity statements alone."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str | None, str | None], Resolved] = {}

    def resolve(self, name: str, uei: str | None = None, duns: str | None = None) -> Resolved:
        """The answer depends on the mention alone: each distinct one is resolved once."""
        key = (name, uei, duns)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= _ANSWERS:
                self._answers.clear()
            found = self._answers[key] = self._resolve(name, uei, duns)
        return found

    def _resolve(self, name: str, uei: str | None, duns: str | None) -> Resolved:
        uei = uei.upper() if uei else None
        norm = normalize_name(name)
        basis = f"uei:{uei}" if uei else f"duns:{duns}" if duns else f"name:{norm}"
        # The id names the identifier the record states, so two records of one name and two
        # UEIs are two entities; the store joins ids of one name when nothing conflicts
        # (statements.cluster), and the name-only id stays the canonical one.
        qualifier = (f"~uei-{entity_slug(uei)}" if uei else
                     f"~duns-{entity_slug(duns)}" if duns else "")
        return Resolved(f"company:{entity_slug(norm)}{qualifier}", basis, uei, duns)


class AgencyResolver:
    """USAspending code, then catalog names/acronyms/aliases, then an id from the name's key
    (loaders/agency_names.py) qualified by the state: 'agency:greensboro-police-department~nc'.
    The store joins ids of one key unless their states (or codes) differ (statements.cluster),
    so the Atlas's and nc-alpr's names of one agency are one entity."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs
        # (state, key of an alias) -> key of the name, from the catalog's local agency names.
        self._local = {(entry.state, agency_key(alias, entry.state)):
                       agency_key(entry.name, entry.state)
                       for entry in catalogs.local_agencies for alias in entry.aliases}

        self._answers: dict[tuple[str | None, ...], Resolved | None] = {}

    def resolve(self, name: str | None, code: str | None = None,
                state: str | None = None) -> Resolved | None:
        """The answer depends on the mention alone: each distinct one is resolved once."""
        key = (name, code, state)
        found = self._answers.get(key, _UNRESOLVED)
        if found is _UNRESOLVED:
            if len(self._answers) >= _ANSWERS:
                self._answers.clear()
            found = self._answers[key] = self._resolve(name, code, state)
        return found

    def _resolve(self, name: str | None, code: str | None, state: str | None
                 ) -> Resolved | None:
        if code:
            hit = self._catalogs.agency_by_code.get(code)
            if hit:
                return Resolved(hit, f"code:{code}")
        if name:
            hit = self._catalogs.agency_by_name.get(name_key(name))
            if hit:
                return Resolved(hit, f"catalog:{name_key(name)}")
        if not name:
            return Resolved(f"agency:code-{entity_slug(code)}", f"code:{code}") if code else None
        state = state.strip().upper() if state else None
        key = agency_key(name, state)
        key = self._local.get((state or "", key), key)
        qualifier = f"{QUALIFIER}{entity_slug(state)}" if state else ""
        basis = f"name:{key}" + (f"; state:{state}" if state else "")
        return Resolved(f"agency:{entity_slug(key or name)}{qualifier}", basis)


class ContractResolver:
    """Contracts named only by PIID (curated spreadsheets): the store's resolver joins them to
    the award USAspending gives under its IDV through the PIID statement."""

    def by_piid(self, piid: str) -> Resolved:
        return Resolved(contract_id(piid), f"piid:{piid}")


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
