"""The Atlas's pairing kept: `Agency.suppliers(technology:)` answers which vendors supplied a
technology to an agency, exactly the vendors the agency's Atlas rows name for it (the raw CSV
read here with the csv module), and a vendor of two technologies lists both on its one tie."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from loader_helpers import export_lines, load, shared_data

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from graph_service.text import fold
from loaders.atlas import AtlasCsv
from loaders.catalogs import load_catalogs
from loaders.resolution import AgencyResolver

# Agencies with several technologies, two vendors of one technology (Miami-Dade: face
# recognition), or one vendor of two technologies (Camden County, Gresham, Burr Ridge).
AGENCIES = [("Albuquerque Police Department", "NM"), ("Miami-Dade Police Department", "FL"),
            ("Camden County Police Department", "NJ"), ("Gresham Police Department", "OR"),
            ("Burr Ridge Police Department", "IL"), ("Savannah Police Department", "GA")]
QUERY = """query ($id: ID!, $tech: ID) { node(id: $id) { ... on Agency {
    suppliers(technology: $tech) { id name }
    suppliersConnection(technology: $tech) { totalCount } } } }"""


def _rows() -> tuple[list[str], list[list[str]]]:
    path = shared_data() / "atlas-of-surveillance" / "Atlas_of_Surveillance-20201007.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    at = {c: header.index(c) for c in ("Agency", "State")}
    wanted = set(AGENCIES)
    return header, [r for r in rows if (r[at["Agency"]], r[at["State"]]) in wanted]


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> Iterator[tuple[GraphStore, list[dict[str, str]]]]:
    """The slice loaded into each store in turn (the `store` fixture)."""
    header, rows = _rows()
    path = tmp_path / "atlas-slice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    load(store, [AtlasCsv(path)], tmp_path)
    yield store, [dict(zip(header, r, strict=True)) for r in rows]


def test_suppliers_of_a_technology_are_the_vendors_its_atlas_rows_name(
        loaded: tuple[GraphStore, list[dict[str, str]]]) -> None:
    store, rows = loaded
    catalogs = load_catalogs()
    resolver = AgencyResolver(catalogs)
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        found = resolver.resolve(row["Agency"], state=row["State"])
        assert found is not None
        tech = catalogs.technology_by_atlas[fold(row["Technology"])]
        vendor = row["Vendor"].strip(" .")  # "Harris Corp." is named "Harris Corp"
        expected[(found.id, tech)] |= {vendor} if vendor else set()
    checked = 0
    app = create_app(Settings(store="unused-a-store-is-passed"), store=store)
    with TestClient(app) as client:
        for (source_id, tech), vendors in sorted(expected.items()):
            [agency] = {c for e, c in store.canonical_ids([source_id]).items() if e == source_id}
            body = client.post("/graphql", json={"query": QUERY, "variables": {
                "id": agency, "tech": tech}}).json()
            answer = body["data"]["node"]
            names = {n: {x.name, *x.aliases} for n, x in store.get_nodes(
                [s["id"] for s in answer["suppliers"]]).items()}
            # Every vendor the rows name is one supplier, and every supplier is one of them.
            assert all(any(v in known for known in names.values()) for v in vendors), (
                agency, tech, vendors, names)
            assert all(known & vendors for known in names.values()), (agency, tech, names)
            assert answer["suppliersConnection"]["totalCount"] == len(names)
            checked += bool(vendors)
        # Without the argument, every vendor of the agency.
        every = client.post("/graphql", json={"query": QUERY, "variables": {
            "id": "agency:miami-dade-police-department"}}).json()["data"]["node"]["suppliers"]
    assert checked >= 10
    assert {"Idemia", "DataWorks Plus"} <= {s["name"] for s in every}


def test_one_vendor_of_two_technologies_lists_both_in_any_load_order(store: GraphStore,
                                                                     tmp_path: Path) -> None:
    header, rows = _rows()
    camden = [r for r in rows if r[header.index("Agency")].startswith("Camden")]
    files = []
    for number, row in enumerate(camden):  # a file a row: the files load in several orders
        path = tmp_path / f"camden{number}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, row])
        files.append(AtlasCsv(path))
    orders = list(itertools.islice(itertools.permutations(range(len(files))), 0, None, 7))
    exports = set()
    for order in orders:
        store.clear()
        for index in order:
            load(store, [files[index]], tmp_path)
        exports.add("\n".join(export_lines(store)))
        ties = {e.source: e.properties.get("technologies") for e in store.iter_edges()
                if e.type == "SUPPLIES"}
        assert ties["company:shotspotter"] == ["technology:gunshot-detection",
                                               "technology:predictive-policing"]
    assert len(orders) >= 3 and len(exports) == 1
    # The same export from the embedded store, whichever store this is.
    reference = EmbeddedStore(tmp_path / "reference.db")
    for index in orders[0]:
        load(reference, [files[index]], tmp_path)
    assert exports == {"\n".join(export_lines(reference))}
    reference.close()
