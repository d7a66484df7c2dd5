"""The named functions a mapping's `derive:` section may use: a derived column is one of these
over the row's cells (or earlier derived columns). Each is pure and total (it never raises);
blank in, blank out unless its docstring says otherwise.
A function that reads dates takes `day_first` (keyword): it is given the file's date order."""

from __future__ import annotations

import re
from collections.abc import Callable

from graph_service.text import fold
from loaders.catalogs import load_catalogs
from loaders.resolution import contract_id, entity_slug, normalize_name, parse_award_key
from loaders.values import RowError, duns9, parse_action_date

USASPENDING_AWARD_PAGE = "https://www.usaspending.gov/award/{}/"


def first(*values: str | None) -> str | None:
    """The first value that is not blank."""
    return next((v for v in values if v), None)


def award_parent_piid(parent_piid: str | None, award_key: str | None) -> str | None:
    """An order's IDV: the file's parent PIID, else the one USAspending's generated award key
    names ('CONT_AWD_<PIID>_<agency>_<parent PIID>_<parent agency>')."""
    if parent_piid:
        return parent_piid
    parsed = parse_award_key(award_key) if award_key else None
    return parsed[1] if parsed else None


def key_parent_piid(award_key: str | None) -> str | None:
    """The IDV's PIID that USAspending's generated award key names, if any."""
    return award_parent_piid(None, award_key)


def _transaction_parts(transaction_id: str | None) -> list[str] | None:
    parts = transaction_id.split("_") if transaction_id else []
    return parts if len(parts) >= 6 and parts[:2] == ["CONT", "TX"] else None


def transaction_piid(transaction_id: str | None) -> str | None:
    """The award PIID a contract transaction id (the API's /transactions/ `id`) names:
    CONT_TX_<agency>_<parent PIID>_<PIID>_<modification>_<parent agency>_<number>."""
    parts = _transaction_parts(transaction_id)
    return parts[4] or None if parts else None


def transaction_parent_piid(transaction_id: str | None) -> str | None:
    """The IDV's PIID a contract transaction id names (none: '-NONE-')."""
    parts = _transaction_parts(transaction_id)
    return None if not parts or parts[3] in ("-NONE-", "") else parts[3]


def transaction_number_of(transaction_id: str | None) -> str | None:
    """The transaction number a contract transaction id ends with."""
    parts = _transaction_parts(transaction_id)
    return parts[7] or None if parts and len(parts) > 7 else None


def award_contract_id(piid: str | None, parent_piid: str | None = None) -> str | None:
    """The Contract id of an award: its PIID, and its IDV's (orders under two IDVs can share a
    PIID)."""
    return contract_id(piid, parent_piid) if piid else None


def iso_day(value: str | None, *, day_first: bool = False) -> str | None:
    """A date as YYYY-MM-DD, read as the mapping reads the file's dates; None when it is not a
    date (the property mapping the same column rejects the row, naming it)."""
    try:
        return parse_action_date(value, "", day_first)
    except RowError:
        return None


def subaward_contract_id(prime_contract: str | None, number: str | None,
                         action_date: str | None, *, day_first: bool = False) -> str | None:
    """A subaward action's Contract id, 'contract:sub-<prime>-<number>[-<action day>]': FSRS
    re-reports an action many times, so the same number on the same day is one Contract."""
    if not prime_contract or not number:
        return None
    day = iso_day(action_date, day_first=day_first)
    return (f"contract:sub-{prime_contract.partition(':')[2]}-{entity_slug(number)}"
            + (f"-{day}" if day else ""))


def usaspending_award_url(award_key: str | None) -> str | None:
    """The award's page on USAspending.gov, from its generated unique award key."""
    return USASPENDING_AWARD_PAGE.format(award_key) if award_key else None


def number_or_zero(number: str | None) -> str:
    """A modification or transaction number; a blank one is USAspending's 0 (the base award)."""
    return number or "0"


def usaspending_award_key(award_key: str | None, piid: str | None, sub_agency: str | None,
                          parent_piid: str | None, parent_agency: str | None) -> str | None:
    """The award's generated unique key; a file without one (the 2018 layout) gets it built as
    USAspending builds it: 'CONT_AWD_<PIID>_<sub-agency>_<parent PIID>_<parent agency>'."""
    if award_key or not piid:
        return award_key
    return "_".join(("CONT_AWD", piid, sub_agency or "-NONE-", parent_piid or "-NONE-",
                     parent_agency or "-NONE-"))


def usaspending_transaction_key(transaction_key: str | None, award_key: str | None,
                                modification: str | None, number: str | None) -> str | None:
    """The action's unique key; else built as USAspending does: the award key, then the
    modification and transaction numbers (both layouts then name an action alike)."""
    if transaction_key or not award_key:
        return transaction_key
    return f"{award_key}_{number_or_zero(modification)}_{number_or_zero(number)}"


def action_name(piid: str | None, modification: str | None, action_date: str | None, *,
                day_first: bool = False) -> str | None:
    """'<PIID> modification <n> on <day>': an action's display name."""
    if not piid:
        return None
    day = iso_day(action_date, day_first=day_first)
    return f"{piid} modification {number_or_zero(modification)}" + (f" on {day}" if day else "")


def unless_same(value: str | None, other: str | None) -> str | None:
    """`value`, unless it is `other` (an action's text that only repeats its award's)."""
    return value if value != other else None


def nine_digit_duns(duns: str | None) -> str | None:
    """A DUNS whose leading zeros a spreadsheet dropped, padded back to nine digits."""
    return duns9(duns)


# -- the EFF Atlas of Surveillance ---------------------------------------------------------------

_VENDOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_LEVELS = {"municipal": "municipal", "county": "county", "state": "state", "federal": "federal",
           "tribal": "tribal", "regional": "regional", "parish": "county", "borough": "municipal"}


def vendor_names(cell: str | None) -> tuple[str, ...]:
    """The vendors a cell names: 'Vigilant Solutions, Neology/PIPS' is two (split on commas,
    semicolons, 'and', '&'); 'Unknown' and 'N/A' are none."""
    names = [v.strip(" .") for v in _VENDOR_SPLIT.split(cell or "")]
    return tuple(n for n in names if n and fold(n) not in ("unknown", "n/a"))


def atlas_technology(label: str | None) -> str | None:
    """The catalog Technology whose atlas_name is the label (schema/catalogs/technologies.yaml,
    atlas_name)."""
    return load_catalogs().technology_by_atlas.get(fold(label)) if label else None


def catalog_products(vendor: str | None, technology: str | None) -> tuple[str, ...]:
    """The catalog Products of a technology that a vendor sells (schema/catalogs/products.yaml:
    the product's technology, and the vendor among its vendors by normalized name)."""
    if not vendor or not technology:
        return ()
    wanted = normalize_name(vendor)
    return tuple(p.id for p in load_catalogs().products.values() if p.technology == technology
                 and any(wanted == normalize_name(v) for v in p.vendors))


def jurisdiction_level(jurisdiction: str | None) -> str | None:
    """An agency's level from its type of jurisdiction ('Parish' is a county; an unknown one is
    'other')."""
    if not jurisdiction:
        return None
    return _LEVELS.get(fold(jurisdiction), "other")


def labelled(label: str | None, value: str | None) -> str | None:
    """'<label>: <value>', or whichever of the two is there."""
    return f"{label}: {value}" if label and value else value or label


FUNCTIONS: dict[str, Callable[..., object]] = {
    "first": first,
    "award_parent_piid": award_parent_piid,
    "award_contract_id": award_contract_id,
    "key_parent_piid": key_parent_piid,
    "transaction_piid": transaction_piid,
    "transaction_parent_piid": transaction_parent_piid,
    "transaction_number_of": transaction_number_of,
    "usaspending_award_url": usaspending_award_url,
    "nine_digit_duns": nine_digit_duns,
    "subaward_contract_id": subaward_contract_id,
    "number_or_zero": number_or_zero,
    "usaspending_award_key": usaspending_award_key,
    "usaspending_transaction_key": usaspending_transaction_key,
    "action_name": action_name,
    "unless_same": unless_same,
    "vendor_names": vendor_names,
    "atlas_technology": atlas_technology,
    "catalog_products": catalog_products,
    "jurisdiction_level": jurisdiction_level,
    "labelled": labelled,
}
