"""Agencies across sources: the Atlas's and nc-alpr's names of one agency are one entity (by
the name's key and the state), a conflicting state keeps two apart, and the export is the same
bytes whatever order the files load in. Real rows of the shared files, sliced into tmp_path."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from loader_helpers import REPO, export_lines, load, shared_data

from graph_service.stores.embedded import EmbeddedStore
from loaders.agency_names import agency_key, state_in_name
from loaders.atlas import AtlasCsv
from loaders.catalogs import load_catalogs
from loaders.input_files import InputFile
from loaders.mapping import MappedCsv, read_mapping
from loaders.resolution import AgencyResolver

MAPPINGS = REPO / "loaders" / "mappings"
ATLAS_ROWS = {"AOS0627", "AOS0858", "AOS2509", "AOS2736"}  # Greensboro, Buncombe, Springfields
SHARING_ROWS = {"Greensboro NC PD", "Buncombe County NC SO", "Springfield MO PD",
                "Springfield IL PD"}


def test_names_read_as_one_key_and_the_state_comes_from_the_name() -> None:
    assert agency_key("Greensboro NC PD", "NC") == agency_key("Greensboro Police Department",
                                                              "NC")
    assert agency_key("Davie County NC SO", "NC") == "davie county sheriff office"
    assert agency_key("Wake Co. Sheriff's Dept", None) == "wake county sheriff department"
    # The state's code goes only when the state is known apart; other capitals stay.
    assert agency_key("Greensboro NC PD", "IN") == "greensboro nc police department"
    assert [state_in_name(n) for n in ("Wilson NC PD", "Centralia PD (WA)", "Cal Fire",
                                       "Greensboro PD IN", "Lafayette in the Park PD")] == [
        "NC", "WA", None, "IN", None]
    resolver = AgencyResolver(load_catalogs())
    found = resolver.resolve("Buncombe County Sheriff's Department", state="NC")
    assert found is not None and found.id == "agency:buncombe-county-sheriff-office~nc"
    ice = resolver.resolve("Immigration and Customs Enforcement", state="DC")
    assert ice is not None and ice.id == "agency:ice"  # the catalog comes first


def _slices(tmp_path: Path) -> list[InputFile]:
    data = shared_data()
    atlas_path = data / "atlas-of-surveillance" / "Atlas_of_Surveillance-20201007.csv"
    access_path = data / "nc-alpr" / "agency_access20240426.csv"
    out = []
    for source, keep in ((atlas_path, lambda r: r[0] in ATLAS_ROWS),
                         (access_path, lambda r: r[0] in SHARING_ROWS or r[1] in SHARING_ROWS)):
        with source.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        target = tmp_path / source.name
        with target.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([rows[0], *[r for r in rows[1:] if keep(r)]])
        out.append(target)
    mapping = read_mapping(MAPPINGS / "nc-alpr-agency-access.yaml")
    return [AtlasCsv(out[0]), MappedCsv(out[1], mapping)]


def test_one_agency_across_atlas_and_nc_alpr_in_any_load_order(tmp_path: Path) -> None:
    exports = set()
    for number, order in enumerate(itertools.permutations(range(2))):
        folder = tmp_path / f"run{number}"
        folder.mkdir()
        files = _slices(folder)
        store = EmbeddedStore(folder / "store.db")
        for index in order:
            load(store, [files[index]], folder)
        exports.add("\n".join(export_lines(store)))
        greensboro = store.get_node("agency:greensboro-police-department")
        assert greensboro is not None and greensboro.properties["state"] == "NC"
        assert {greensboro.name, *greensboro.aliases} == {"Greensboro NC PD",
                                                          "Greensboro Police Department"}
        # The Atlas's body-worn cameras and the sharing file's ties land on one entity.
        used = [n.id for _, n in store.neighbours(greensboro.id, ["USED_BY"], "in")]
        shares = store.neighbours(greensboro.id, ["SHARES_DATA_WITH"], "out")
        assert "technology:body-worn-cameras" in used and shares
        buncombe = store.get_node("agency:buncombe-county-sheriff-office")
        assert buncombe is not None and {"Buncombe County Sheriff's Department",
                                         "Buncombe County NC SO"} <= {buncombe.name,
                                                                      *buncombe.aliases}
        # Two Springfields of two states stay two, each with its Atlas vendor.
        springfields = {n.properties.get("state"): n for n in store.iter_nodes("Agency")
                        if n.id.startswith("agency:springfield-police-department")}
        assert set(springfields) == {"IL", "MO"}
        vendors = {state: [v.id for _, v in store.neighbours(n.id, ["SUPPLIES"], "in")]
                   for state, n in springfields.items()}
        assert vendors == {"IL": ["company:axon"], "MO": ["company:vigilant-solutions"]}
        store.close()
    assert len(exports) == 1
