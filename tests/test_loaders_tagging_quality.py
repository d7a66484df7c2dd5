"""Tagging quality on the hand-labelled real contracts, the vendor rule and negative rules."""

from __future__ import annotations

import pytest

from loaders.catalogs import load_catalogs
from loaders.tagging import Tagger
from loaders.tagging_eval import PRECISION_GOAL, RECALL_GOAL, evaluate, read_labels


def test_labelled_set_is_real_and_large_enough() -> None:
    rows = read_labels()
    assert len(rows) >= 300
    assert all(r["why"].strip() for r in rows)  # every label says why
    assert sum(1 for r in rows if r["technologies"]) >= 80  # not a set of easy negatives


def test_tagger_meets_the_precision_and_recall_goals() -> None:
    result = evaluate(read_labels())
    assert result.overall.precision >= PRECISION_GOAL, result.errors
    assert result.overall.recall >= RECALL_GOAL, result.errors


def test_evaluation_counts_misses_and_false_positives() -> None:
    rows = [{"award_id": "a", "description": "Janitorial Services", "psc": "", "naics": "",
             "psc_description": "", "naics_description": "", "vendor": "", "parent": "",
             "technologies": "technology:cloud", "why": "deliberately wrong"},
            {"award_id": "b", "description": "Amazon Web Services Public Cloud", "psc": "",
             "naics": "", "psc_description": "", "naics_description": "", "vendor": "",
             "parent": "", "technologies": "", "why": "deliberately wrong"}]
    result = evaluate(rows)
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (0, 1, 1)
    assert not result.meets_goals()


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_catalogs())


def _techs(tagger: Tagger, description: str, vendors: tuple[str | None, ...] = ()) -> set[str]:
    return {t.target for t in tagger.tag(description, vendors=vendors)
            if t.target.startswith("technology:")}


@pytest.mark.parametrize("text", [
    "Worker's Compensation Medical Case Management Services",
    "Family Case Management Services",
    "Nurse case management for detainees",
    "Janitorial Services at Port Isabel Detention Center",
    "Detention, Food and Transportation Services",
    "Supply of License Plates and Registrations",
    "install CCTV at the office in Saint Cloud, MN",
])
def test_negative_rules_keep_other_senses_out(tagger: Tagger, text: str) -> None:
    techs = _techs(tagger, text)
    assert "technology:case-management-analytics" not in techs
    assert "technology:license-plate-readers" not in techs
    assert "technology:cloud" not in techs


def test_cloud_database_in_a_face_search_licence_is_not_cloud_hosting(tagger: Tagger) -> None:
    techs = _techs(tagger, "Clearview AI licence: facial recognition search of its cloud "
                   "database", ("Clearview AI, Inc.",))
    assert techs == {"technology:face-recognition"}


def test_vendor_rule_tags_a_single_technology_vendor_whatever_the_text(tagger: Tagger) -> None:
    tags = tagger.tag("2 Mobile Licenses", vendors=("CELLEBRITE USA CORP", None))
    vendor = [t for t in tags if t.rule == "vendor-catalog"]
    assert [t.target for t in vendor] == ["technology:phone-forensics"]
    assert "vendors.yaml: cellebrite" in vendor[0].matched


def test_vendor_rule_needs_a_named_product_from_a_many_line_vendor(tagger: Tagger) -> None:
    assert _techs(tagger, "Communication Radios", ("Harris Corporation",)) == set()
    assert _techs(tagger, "Over the Air Tracking Equipment", ("Harris",)) == {
        "technology:cell-site-simulators"}
    assert _techs(tagger, "LAW BOOKS", ("WEST PUBLISHING CORPORATION",)) == set()
    assert _techs(tagger, "CLEAR ACCESS FOR FLO", ("WEST PUBLISHING CORPORATION",)) == {
        "technology:data-brokerage"}


def test_vendor_rule_obeys_negative_rules(tagger: Tagger) -> None:
    assert _techs(tagger, "Access Database Bootcamp Training", ("Accessdata",)) == set()
    assert _techs(tagger, "FTK licence renewal", ("Accessdata",)) == {"technology:phone-forensics"}


def test_every_vendor_entry_cites_a_source_and_known_technologies() -> None:
    catalogs = load_catalogs()
    assert len(catalogs.vendors) >= 30
    for vendor in catalogs.vendors.values():
        assert vendor.sources and all(str(s.url).startswith("https://") for s in vendor.sources)
        for product in vendor.products:
            assert product.technology is None or product.technology in catalogs.technologies
