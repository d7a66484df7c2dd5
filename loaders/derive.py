"""The named functions a mapping's `derive:` section may use: a derived column is one of these
over the row's cells (or earlier derived columns). Each is pure and total: blank in, blank out."""

from __future__ import annotations

from collections.abc import Callable

from loaders.resolution import contract_id, entity_slug, parse_award_key
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


def award_contract_id(piid: str | None, parent_piid: str | None = None) -> str | None:
    """The Contract id of an award: its PIID, and its IDV's (orders under two IDVs can share a
    PIID)."""
    return contract_id(piid, parent_piid) if piid else None


def iso_day(value: str | None) -> str | None:
    """A date as YYYY-MM-DD, read as a mapping reads dates by default (ISO or m/d/yy; day first
    when the first field is above 12); None when it is not a date (the property that maps the
    same column rejects the row, naming it)."""
    try:
        return parse_action_date(value, "", False)
    except RowError:
        return None


def subaward_contract_id(prime_contract: str | None, number: str | None,
                         action_date: str | None) -> str | None:
    """A subaward action's Contract id, 'contract:sub-<prime>-<number>[-<action day>]': FSRS
    re-reports an action many times, so the same number on the same day is one Contract."""
    if not prime_contract or not number:
        return None
    day = iso_day(action_date)
    return (f"contract:sub-{prime_contract.partition(':')[2]}-{entity_slug(number)}"
            + (f"-{day}" if day else ""))


def usaspending_award_url(award_key: str | None) -> str | None:
    """The award's page on USAspending.gov, from its generated unique award key."""
    return USASPENDING_AWARD_PAGE.format(award_key) if award_key else None


def nine_digit_duns(duns: str | None) -> str | None:
    """A DUNS whose leading zeros a spreadsheet dropped, padded back to nine digits."""
    return duns9(duns)


FUNCTIONS: dict[str, Callable[..., str | None]] = {
    "first": first,
    "award_parent_piid": award_parent_piid,
    "award_contract_id": award_contract_id,
    "usaspending_award_url": usaspending_award_url,
    "nine_digit_duns": nine_digit_duns,
    "subaward_contract_id": subaward_contract_id,
}
