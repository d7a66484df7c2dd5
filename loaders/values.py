"""Parsing the mess real files hold: dates as ISO or m/d/yy, amounts with or without decimals,
dollar signs and thousands separators, blanks. Bad values raise RowError naming the field."""

from __future__ import annotations

import re
from datetime import date

from graph_service.records import MAX_AMOUNT

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$", re.ASCII)
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s.*)?$", re.ASCII)
_AMOUNT_JUNK = re.compile(r"[$,\s]")
# What an amount may be once its dollar sign, separators and parentheses are gone: ASCII digits,
# a sign, decimals, an exponent. float() alone also reads '12_000', 'infinity' and other
# scripts' digits, which no spreadsheet means as an amount.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_MESSY_SPACE = re.compile(r"^\s|\s$|\s\s|[\t\r\n\f\v]")
_BLANKS = frozenset({"", "na", "n/a", "null", "none", "-none-", "nan"})


class RowError(ValueError):
    """One record cannot be loaded; `field` names the column (or key) at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().casefold() in _BLANKS)


def text(value: object) -> str | None:
    """A stripped string with runs of white space made one space, or None for blanks
    (including 'NA', 'NULL', '-NONE-')."""
    if value is None or value == "":
        return None
    raw = value if isinstance(value, str) else str(value)
    if len(raw) < 7 and raw.strip().casefold() in _BLANKS:
        return None
    # Printable ASCII holds no white space but ' ': the same test as _MESSY_SPACE, without
    # running the pattern over every cell of a file.
    if raw.isascii() and raw.isprintable():
        messy = raw[:1] == " " or raw[-1:] == " " or "  " in raw
    else:
        messy = _MESSY_SPACE.search(raw) is not None
    if messy:
        raw = " ".join(raw.split())
    return raw or None


def parse_date(value: object, field: str) -> str | None:
    """ISO 'YYYY-MM-DD[ time]', or US 'm/d/yy' / 'm/d/yyyy' (two-digit years: 69-99 -> 19xx,
    00-68 -> 20xx, as spreadsheets do) -> 'YYYY-MM-DD'."""
    raw = text(value)
    if raw is None:
        return None
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US.match(raw)
        if not match:
            raise RowError(field, f"{raw!r} is not a date (expected YYYY-MM-DD or m/d/yy)")
        month, day, year = (int(g) for g in match.groups())
        if year < 100:
            year += 1900 if year >= 69 else 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise RowError(field, f"{raw!r} is not a real date") from exc


def parse_amount(value: object, field: str) -> float | None:
    """'7391976', '16000.00', '$1,234.50', '(12.00)' (negative), 1234.5 -> float. NaN (a
    failed computation, not a blank), infinities and amounts of a quadrillion or more are
    refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _plausible(float(value), value, field)
    if isinstance(value, str) and value.strip().casefold() == "nan":
        raise RowError(field, f"{value!r} is not a number (NaN)")
    raw = text(value)
    if raw is None:
        return None
    negative = raw.startswith("(") and raw.endswith(")")
    cleaned = _AMOUNT_JUNK.sub("", raw.strip("()"))
    if not _NUMBER.fullmatch(cleaned):
        raise RowError(field, f"{raw!r} is not an amount")
    amount = float(cleaned)
    return _plausible(-amount if negative else amount, raw, field)


def _plausible(amount: float, raw: object, field: str) -> float:
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise RowError(field, f"{raw!r} is not a finite amount")
    if abs(amount) >= MAX_AMOUNT:
        raise RowError(field, f"{raw!r} is not a plausible amount (at most 1e15)")
    return amount


def parse_int(value: object, field: str) -> int | None:
    amount = parse_amount(value, field)
    if amount is None:
        return None
    if amount != int(amount):
        raise RowError(field, f"{value!r} is not a whole number")
    return int(amount)


# -- dates of either order, fiscal years, DUNS ------------------------------------------------

_SLASHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)", re.ASCII)


def us_fiscal_year(day: str | None) -> int | None:
    """FY N runs from 1 October N-1 to 30 September N."""
    if not day:
        return None
    year, month = int(day[:4]), int(day[5:7])
    return year + 1 if month >= 10 else year


def day_first_order(values: list[str]) -> bool:
    """Whether slashed dates read day/month: some first field is above 12 and no second one is
    (a US m/d/y file has second fields above 12 instead). Undecided files read month first."""
    first = second = False
    for value in values:
        match = _SLASHED.match(value)
        if match:
            first |= int(match.group(1)) > 12
            second |= int(match.group(2)) > 12
    return first and not second


def parse_action_date(value: str | None, field: str, day_first: bool) -> str | None:
    """A date in the file's order; a value whose first field is above 12 is day-first anyway."""
    match = _SLASHED.match(value) if value else None
    if match and (day_first or int(match.group(1)) > 12):
        day, month, year = match.groups()
        try:
            return parse_date(f"{month}/{day}/{year}", field)
        except RowError as exc:  # named as the file gives it, not as it was reordered
            raise RowError(field, f"{text(value)!r} is not a real date (read day first)") \
                from exc
    return parse_date(value, field)


def duns9(value: str | None) -> str | None:
    """DUNS are nine digits; spreadsheets drop their leading zeros."""
    if value and value.isdigit() and len(value) < 9:
        return value.zfill(9)
    return value
