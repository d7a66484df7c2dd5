"""A synthetic USAspending-shaped prime-award CSV for load benchmarks.

Thousands of vendors, each written under several name variants (case, punctuation, legal
suffixes) with a stable UEI, DHS components with their real subtier codes, parents for a share
of vendors, IDV parents for task orders, realistic dates (m/d/yy and ISO, as real files mix) and
amounts (with and without decimals), and descriptions some of which the tagging rules match.
Deterministic for a given seed; written row by row (memory does not grow with the row count).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

COLUMNS = (
    "contract_award_unique_key", "award_id_piid", "parent_award_id_piid",
    "total_obligated_amount", "potential_total_value_of_award",
    "period_of_performance_start_date", "period_of_performance_current_end_date",
    "award_base_action_date_fiscal_year", "awarding_agency_code", "awarding_agency_name",
    "awarding_sub_agency_code", "awarding_sub_agency_name", "funding_agency_code",
    "funding_agency_name", "funding_sub_agency_code", "funding_sub_agency_name",
    "recipient_uei", "recipient_duns", "recipient_name", "cage_code", "recipient_parent_uei",
    "recipient_parent_duns", "recipient_parent_name", "recipient_city_name",
    "recipient_state_code", "recipient_country_code", "award_type",
    "prime_award_base_transaction_description", "product_or_service_code",
    "product_or_service_code_description", "naics_code", "naics_description",
    "usaspending_permalink",
)

COMPONENTS = (
    ("7012", "U.S. Immigration and Customs Enforcement"),
    ("7014", "U.S. Customs and Border Protection"),
    ("7003", "U.S. Citizenship and Immigration Services"),
    ("7055", "Office of the Chief Procurement Officer"),
    ("7015", "Federal Law Enforcement Training Center"),
    ("7008", "U.S. Coast Guard"),
    ("7009", "U.S. Secret Service"),
    ("7013", "Transportation Security Administration"),
)
_WORDS = ("Acme", "Sentinel", "Northstar", "Vector", "Blue", "Ridge", "Apex", "Delta", "Summit",
          "Harbor", "Iron", "Granite", "Liberty", "Pioneer", "Atlas", "Keystone", "Signal",
          "Cobalt", "Falcon", "Meridian", "Orion", "Pinnacle", "Quantum", "Redwood")
_TRADES = ("Technologies", "Systems", "Solutions", "Analytics", "Services", "Group",
           "Consulting", "Data", "Security", "Federal")
_SUFFIXES = ("INC", "Inc.", "LLC", "L.L.C.", "CORP", "Corporation", "CO", "LTD", "")
_DESCRIPTIONS = (
    ("ACCESS TO LICENSE PLATE READER DATABASE", "D317", "IT AND TELECOM- WEB-BASED SUBSCRIPTION",
     "519190", "ALL OTHER INFORMATION SERVICES"),
    ("FACIAL RECOGNITION SOFTWARE LICENSES", "7A21", "IT SOFTWARE", "511210",
     "SOFTWARE PUBLISHERS"),
    ("FORENSIC EXTRACTION DEVICE RENEWALS", "7030", "ADP SOFTWARE", "334111",
     "ELECTRONIC COMPUTER MANUFACTURING"),
    ("OPEN SOURCE / SOCIAL MEDIA DATA ANALYTICS", "D399", "IT AND TELECOM- OTHER", "541511",
     "CUSTOM COMPUTER PROGRAMMING SERVICES"),
    ("CLOUD HOSTING SERVICES", "DA01", "IT AND TELECOM- BUSINESS APPLICATION", "518210",
     "DATA PROCESSING, HOSTING, AND RELATED SERVICES"),
    ("DETENTION GUARD SERVICES", "S206", "HOUSEKEEPING- GUARD", "561612",
     "SECURITY GUARDS AND PATROL SERVICES"),
    ("OFFICE SUPPLIES", "7510", "OFFICE SUPPLIES", "424120",
     "STATIONERY AND OFFICE SUPPLIES MERCHANT WHOLESALERS"),
    ("UNMANNED AIRCRAFT SYSTEMS MAINTENANCE", "1550", "UNMANNED AIRCRAFT", "336411",
     "AIRCRAFT MANUFACTURING"),
)
_STATES = ("VA", "MD", "DC", "TX", "CA", "MN", "NY", "FL", "AZ", "NJ")


def _uei(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(12))


def _variant(rng: random.Random, base: str) -> str:
    """One way a clerk might have typed the vendor's name."""
    suffix = rng.choice(_SUFFIXES)
    name = f"{base}, {suffix}" if suffix and rng.random() < 0.3 else f"{base} {suffix}".strip()
    return name.upper() if rng.random() < 0.6 else name


def write_synthetic_csv(path: Path, rows: int, vendors: int = 5000, seed: int = 7) -> Path:
    rng = random.Random(seed)
    bases: list[str] = []
    seen: set[str] = set()
    while len(bases) < vendors:
        base = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_TRADES)}"
        if len(seen) < len(_WORDS) ** 2 * len(_TRADES) // 2 and base in seen:
            continue
        if base in seen:
            base = f"{base} {len(bases)}"
        seen.add(base)
        bases.append(base)
    ueis = [_uei(rng) for _ in bases]
    parents = [rng.randrange(vendors) if rng.random() < 0.3 else None for _ in bases]
    idvs = [f"70CMSD{rng.randrange(15, 24)}D{rng.randrange(10**7):07d}" for _ in range(200)]
    start = date(2008, 10, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            vendor = rng.randrange(vendors)
            parent = parents[vendor]
            code, component = rng.choice(COMPONENTS)
            order = rng.random() < 0.6
            idv = rng.choice(idvs) if order else ""
            piid = f"70{code[-2:]}SY{i:011d}"
            key = f"CONT_AWD_{piid}_{code}_{idv or '-NONE-'}_{code if idv else '-NONE-'}"
            begin = start + timedelta(days=rng.randrange(6000))
            end = begin + timedelta(days=rng.randrange(30, 1500))
            amount = round(rng.lognormvariate(10, 2), 2)
            us_dates = rng.random() < 0.5
            fmt = (lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}") if us_dates else (
                lambda d: d.isoformat())
            description, psc, psc_desc, naics, naics_desc = rng.choice(_DESCRIPTIONS)
            writer.writerow((
                key, piid, idv, f"{amount:.0f}" if us_dates else f"{amount:.2f}",
                f"{amount * 1.5:.2f}", fmt(begin), fmt(end),
                begin.year + (1 if begin.month >= 10 else 0), "070",
                "Department of Homeland Security", code, component, "070",
                "Department of Homeland Security", code, component, ueis[vendor], "",
                _variant(rng, bases[vendor]), "", ueis[parent] if parent is not None else "",
                "", _variant(rng, bases[parent]) if parent is not None else "",
                "ARLINGTON", rng.choice(_STATES), "USA",
                "DELIVERY ORDER" if order else "PURCHASE ORDER", description, psc, psc_desc,
                naics, naics_desc, f"https://www.usaspending.gov/award/{key}/",
            ))
    return path
