"""The Atlas of Surveillance loader and `load csv --mapping` on the real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_helpers import REPO, cli, load, shared_data

from graph_service.stores.base import GraphStore
from loaders.atlas import AtlasCsv
from loaders.input_files import WrongShape
from loaders.mapping import MappedCsv, MappingError, read_mapping

MAPPINGS = REPO / "loaders" / "mappings"


def test_atlas_loads_every_row_with_agencies_technologies_vendors_and_links(
    embedded_store: GraphStore, tmp_path: Path
) -> None:
    path = shared_data() / "atlas-of-surveillance" / "Atlas_of_Surveillance-20201007.csv"
    summary, rejects = load(embedded_store, [AtlasCsv(path)], tmp_path)
    [item] = summary.files
    assert item.rows == 5784 and item.rows == item.loaded + item.rejected
    assert len(rejects) == item.rejected
    stats = embedded_store.stats()
    assert stats.nodes["Agency"] > 3500 and stats.relationships["SUPPLIES"] > 3000
    # AOS0001: Woodstock (VA) police, body-worn cameras, one link.
    # Woodstock GA is named by the name's id; Woodstock VA keeps its state-qualified id.
    agency = embedded_store.get_node("agency:woodstock-police-department~va")
    assert agency is not None
    assert agency.properties["state"] == "VA" and agency.properties["agency_type"] == "Police"
    used = embedded_store.neighbours(agency.id, ["USED_BY"], "in")
    assert "technology:body-worn-cameras" in [n.id for _, n in used]
    tie = next(e for e, n in used if n.id == "technology:body-worn-cameras")
    links = embedded_store.get_nodes(tie.sources)
    assert any(s.properties.get("url", "").startswith("https://www.vrsa.us/") for s in
               links.values())
    domains = [n.id for _, n in embedded_store.neighbours(agency.id, ["OPERATES_IN"], "out")]
    assert domains == ["domain:policing"]
    # A vendor that makes a catalog product: Clearview AI face search used by agencies.
    assert embedded_store.neighbours("product:clearview-ai", ["USED_BY"], "out")


def test_freezer_mapping_loads_every_row_and_tags_products(embedded_store: GraphStore,
                                                           tmp_path: Path) -> None:
    mapping = read_mapping(MAPPINGS / "torn-apart-freezer.yaml")
    path = shared_data() / "torn-apart" / "freezer.csv"
    summary, rejects = load(embedded_store, [MappedCsv(path, mapping)], tmp_path)
    [item] = summary.files
    assert item.rows == 2203 and item.loaded + item.rejected == item.rows
    assert len(rejects) == item.rejected
    covered = {n.id for _, n in embedded_store.neighbours(
        "contract:hscetc15c00001", ["COVERS"], "out")}
    assert covered == {"product:palantir-falcon"}
    palantir = embedded_store.search("Palantir Technologies", ["Company"])
    assert palantir and palantir[0].id == "company:palantir-technologies"
    awarded = embedded_store.neighbours("contract:70cmsd18fr0000056", ["AWARDED_TO", "COVERS"])
    assert {n.id for _, n in awarded} == {"company:cellebrite-usa", "product:cellebrite-ufed"}


def test_nc_alpr_mappings_load_agencies_vendors_and_sharing(embedded_store: GraphStore,
                                                            tmp_path: Path) -> None:
    folder = shared_data() / "nc-alpr"
    survey = MappedCsv(folder / "nc_agency_survey20240430.csv",
                       read_mapping(MAPPINGS / "nc-alpr-agency-survey.yaml"))
    access = MappedCsv(folder / "agency_access20240426.csv",
                       read_mapping(MAPPINGS / "nc-alpr-agency-access.yaml"))
    summary, rejects = load(embedded_store, [survey, access], tmp_path)
    assert [f.rows for f in summary.files] == [121, 37099]
    assert all(f.rows == f.loaded + f.rejected for f in summary.files)
    assert len(rejects) == summary.rejected
    stats = embedded_store.stats()
    assert stats.relationships["SHARES_DATA_WITH"] > 36000
    wilson = embedded_store.get_node("agency:wilson-police-department")
    assert wilson is not None and wilson.properties["state"] == "NC"
    vendors = [n.name for _, n in embedded_store.neighbours(wilson.id, ["SUPPLIES"], "in")]
    assert vendors == ["Flock"]
    shares = embedded_store.neighbours("agency:sylvania-police-department",
                                       ["SHARES_DATA_WITH"], "out")
    assert "agency:adrian-police-department" in [n.id for _, n in shares]
    # Each agency of the sharing file has the state its name carries.
    sylvania = embedded_store.get_node("agency:sylvania-police-department")
    assert sylvania is not None and sylvania.properties["state"] == "OH"


def test_mapping_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes:\n  a: {kind: Vendor, name: '{x}'}\n")
    with pytest.raises(MappingError, match=r"nodes\.a\.kind: unknown kind 'Vendor'"):
        read_mapping(bad)
    bad.write_text("nodes:\n  a: {kind: Agency, name: '{x}'}\n  b: {kind: Company, name: '{y}'}"
                   "\nedges:\n  - {type: AWARDED_TO, from: a, to: b}\n")
    with pytest.raises(MappingError, match=r"edges\[0\]\.from: AWARDED_TO from must be Contract"):
        read_mapping(bad)
    bad.write_text("nodes:\n  a: {kind: Agency, name: '{x}', properties: {colour: red}}\n")
    with pytest.raises(MappingError, match="Agency has no property 'colour'"):
        read_mapping(bad)
    # Derived columns made from themselves, directly or through others, would never end.
    bad.write_text("nodes:\n  a: {kind: Company, name: '{x}'}\n"
                   "derive:\n  x: {function: first, from: [y]}\n"
                   "  y: {function: first, from: [name, x]}\n")
    with pytest.raises(MappingError, match=r"derive: 'x' -> 'y' -> 'x' is made from itself"):
        read_mapping(bad)
    bad.write_text("nodes:\n  a: {kind: Company, name: '{x}'}\n"
                   "derive:\n  x: {function: __import__, from: [y]}\n")
    with pytest.raises(MappingError, match=r"unknown function '__import__'"):
        read_mapping(bad)


def test_mapping_refuses_a_file_without_its_columns(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("agency,partner\nA,B\n")
    mapping = read_mapping(MAPPINGS / "nc-alpr-agency-access.yaml")
    with pytest.raises(WrongShape) as caught:
        MappedCsv(sheet, mapping)
    assert caught.value.missing == ["src_agency", "external_agency"]
    result = cli("--store", str(tmp_path / "s.db"), "load", "csv", str(sheet), "--mapping",
                 str(MAPPINGS / "nc-alpr-agency-access.yaml"))
    assert result.returncode == 2 and "src_agency" in result.stderr
    assert "Traceback" not in result.stderr


def test_mapping_rejects_a_row_with_a_bad_value_and_loads_the_rest(
    embedded_store: GraphStore, tmp_path: Path
) -> None:
    sheet = tmp_path / "awards.csv"
    sheet.write_text(
        "award_id,recipient_name,parent_name,current_total_value,potential_total_value,"
        "award_description,naics_description,recipient_city,recipient_state,"
        "awarding_office_name\n"
        "A1,Acme Inc,,100,200,License plate reader data,,X,VA,HQ\n"
        "A2,Acme Inc,,lots,200,Office supplies,,X,VA,HQ\n"
        "A3,,,5,5,Office supplies,,X,VA,HQ\n",
        encoding="utf-8",
    )
    mapping = read_mapping(MAPPINGS / "torn-apart-freezer.yaml")
    summary, rejects = load(embedded_store, [MappedCsv(sheet, mapping)], tmp_path)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert rejects == [[str(sheet), "3", "current_total_value", "'lots' is not an amount"]]
    assert embedded_store.get_node("contract:a1") is not None
    assert embedded_store.get_node("contract:a2") is None
    # A3 has no recipient: the contract loads without an AWARDED_TO tie.
    assert not embedded_store.neighbours("contract:a3", ["AWARDED_TO"])
