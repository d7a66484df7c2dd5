"""Entity resolution (company names, identifiers, agencies), tagging rules and value parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.catalogs import load_catalogs
from loaders.resolution import LEGAL_SUFFIXES, AgencyResolver, CompanyResolver, normalize_name
from loaders.tagging import Tagger
from loaders.values import (
    _MESSY_SPACE,
    RowError,
    parse_action_date,
    parse_amount,
    parse_date,
    text,
)


@pytest.mark.parametrize(("raw", "normal"), [
    ("WEST PUBLISHING CORPORATION", "west publishing"),
    ("West Publishing Corp.", "west publishing"),
    ("THOMSON REUTERS (MARKETS) LLC", "thomson reuters markets"),
    ("Acme, L.L.C.", "acme"),
    ("ACME CO", "acme"),
    ("Acme Ltd", "acme"),
    ("UNIVERSITY OF IOWA, THE", "university of iowa"),
    ("THE UNIVERSITY OF IOWA", "university of iowa"),
    ("Sécurité Générale S.A.", "securite generale"),
    ("AT&T Corp", "at and t"),
    ("Company", "company"),  # one word always stays
    ("Inc.", "inc"),
])
def test_normalize_name_examples(raw: str, normal: str) -> None:
    assert normalize_name(raw) == normal


@given(st.text(max_size=60))
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


@given(st.text(alphabet=" \t\n\x0b\x1c\xa0\u2003aZ.-éNAn/\x00", max_size=12))
def test_text_collapses_white_space_as_its_pattern_says(value: str) -> None:
    # text() skips the pattern for printable ASCII: the answers must be the pattern's.
    expected = " ".join(value.split()) if _MESSY_SPACE.search(value) else value
    if text(value) is not None:
        assert text(value) == expected
    else:
        assert not expected.strip() or expected.strip().casefold() in (
            "na", "n/a", "null", "none", "-none-", "nan")


_WORD = st.from_regex(r"[A-Za-zéü]{2,9}", fullmatch=True).filter(
    lambda w: normalize_name(w) not in LEGAL_SUFFIXES and normalize_name(w) != "the")


@given(st.lists(_WORD, min_size=1, max_size=4).map(" ".join),
       st.sampled_from(["", " Inc", " INC.", " LLC", ", L.L.C.", " Corporation", " Co", " Ltd"]))
def test_normalize_name_ignores_case_punctuation_and_legal_suffix(base: str, suffix: str
                                                                  ) -> None:
    assert normalize_name(base.upper() + suffix) == normalize_name(base)
    assert normalize_name(f"{base.lower()}{suffix}.") == normalize_name(base)


def test_company_mentions_get_ids_from_their_names_and_a_basis() -> None:
    """A mention's id depends on the mention alone: its name, qualified by the identifier it
    states (joining mentions of one company is the store's resolver: tests/test_judgements.py)."""
    resolver = CompanyResolver()
    by_uei = resolver.resolve("WEST PUBLISHING CORP", "l997db4pejl8", "148508286")
    assert (by_uei.id, by_uei.basis, by_uei.uei) == ("company:west-publishing~uei-l997db4pejl8",
                                                     "uei:L997DB4PEJL8", "L997DB4PEJL8")
    by_duns = resolver.resolve("GIANT OAK INC", None, "123456789")
    assert (by_duns.id, by_duns.basis) == ("company:giant-oak~duns-123456789", "duns:123456789")
    by_name = resolver.resolve("PEN-LINK, LTD.")
    assert (by_name.id, by_name.basis) == ("company:pen-link", "name:pen link")


def test_agencies_resolve_by_code_name_and_acronym() -> None:
    resolver = AgencyResolver(load_catalogs())
    assert resolver.resolve("anything", "7012").id == "agency:ice"  # type: ignore[union-attr]
    found = resolver.resolve("U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT")
    assert found is not None and found.id == "agency:ice"
    assert resolver.resolve("CBP").id == "agency:cbp"  # type: ignore[union-attr]
    assert resolver.resolve("Department of Homeland Security", "070").id == "agency:dhs"  # type: ignore[union-attr]
    unknown = resolver.resolve("National Aeronautics and Space Administration", "8000")
    assert unknown is not None
    assert unknown.id == "agency:national-aeronautics-and-space-administration"
    assert unknown.basis == "name:national aeronautics and space administration"


def test_tagging_records_rule_and_matched_text_with_vendor_constraints() -> None:
    tagger = Tagger(load_catalogs())
    tags = tagger.tag("Consolidated Lead Evaluation and Reporting (CLEAR) System Access",
                      vendors=("West Publishing",))
    # CLEAR is people-search and public-records data (schema/catalogs/products.yaml).
    assert {t.target for t in tags} >= {"product:thomson-reuters-clear",
                                        "technology:data-brokerage"}
    # The same words from another vendor: no named product (vendor constraint).
    other = tagger.tag("Consolidated Lead Evaluation and Reporting (CLEAR) System Access",
                       vendors=("Acme Data LLC",))
    assert "product:thomson-reuters-clear" not in {t.target for t in other}
    [ufed] = [t for t in tagger.tag("UFED annual license renewal", vendors=("Cellebrite USA",))
              if t.target == "product:cellebrite-ufed"]
    assert ufed.matched.startswith("description: UFED")
    assert tagger.tag("Office supplies") == []
    assert [t.target for t in tagger.tag("parts", psc="1550")] == ["technology:drones"]


def test_value_parsing_takes_real_mess() -> None:
    assert parse_date("12/22/17", "d") == "2017-12-22"
    assert parse_date("5/31/2021", "d") == "2021-05-31"
    assert parse_date("2025-08-23 00:00:00", "d") == "2025-08-23"
    assert parse_date("", "d") is None
    assert parse_amount("7391976", "a") == 7391976.0
    assert parse_amount("$1,234.50", "a") == 1234.5
    assert parse_amount("(12.00)", "a") == -12.0
    with pytest.raises(RowError) as caught:
        parse_date("2/30/19", "start")
    assert caught.value.field == "start"


@pytest.mark.parametrize("raw", ["12_000", "１２３", "٣", "infinity", "1.2.3", "0x10", "5-"])
def test_an_amount_is_ascii_digits_however_python_reads_numbers(raw: str) -> None:
    # float() reads the first four; no spreadsheet means them as amounts.
    with pytest.raises(RowError, match="is not an amount"):
        parse_amount(raw, "a")


def test_a_date_read_day_first_is_refused_as_the_file_gives_it() -> None:
    with pytest.raises(RowError) as caught:
        parse_action_date("13/45/17", "start", False)
    assert caught.value.reason == "'13/45/17' is not a real date (read day first)"
    with pytest.raises(RowError, match="is not a date"):
        parse_date("２０２５-01-01", "d")


def test_catalog_ids_match_the_seed_and_issue() -> None:
    catalogs = load_catalogs()
    assert {"agency:dhs", "agency:ice", "agency:cbp"} <= set(catalogs.agencies)
    assert catalogs.agency_by_code["7012"] == "agency:ice"
    assert catalogs.agency_by_code["7014"] == "agency:cbp"
    assert catalogs.agency_by_code["070"] == "agency:dhs"
    for tech in ("face-recognition", "license-plate-readers", "cell-site-simulators",
                 "location-data", "social-media-monitoring", "phone-forensics", "biometrics",
                 "drones", "case-management-analytics", "cloud"):
        assert f"technology:{tech}" in catalogs.technologies
    assert catalogs.type_domains("Sheriff")[0] == "domain:policing"
