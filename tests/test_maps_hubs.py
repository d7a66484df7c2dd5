"""Maps of hubs: an agency with hundreds of contracts folds them by vendor (money summed, every
folded node still findable), negative amounts draw without math errors, and reach maps of many
companies are laid out as a block, not one tall line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.records import Batch, Edge, Node
from graph_service.stores.embedded import EmbeddedStore
from visualizations.hubs import HUB_LIMIT, KEEP_GROUPS
from visualizations.layout import flow_layout
from visualizations.maps import SERVED_EGO_LINK, page
from visualizations.payload import build_payload
from visualizations.views import ego_view, overview_view

VENDORS = 60
CONTRACTS = 600


def hub_batch() -> Batch:
    """ICE-like: 600 contracts from 60 vendors (vendor i holds i+1 shares), one de-obligation."""
    nodes = [Node("agency:hub", "Agency", "Hub Agency")]
    edges: list[Edge] = []
    for v in range(VENDORS):
        nodes.append(Node(f"company:v{v:02d}", "Company", f"Vendor {v:02d} Inc"))
    for c in range(CONTRACTS):
        vendor = f"company:v{(c * 7) % VENDORS:02d}"
        amount = -5000.0 if c == 0 else 1000.0 * (1 + (c * 7) % VENDORS)
        nodes.append(Node(f"contract:c{c:03d}", "Contract", f"C{c:03d}",
                          properties={"obligated": amount}, sources=[]))
        edges += [Edge("AWARDED_BY", f"contract:c{c:03d}", "agency:hub"),
                  Edge("AWARDED_TO", f"contract:c{c:03d}", vendor)]
    return Batch(nodes=nodes, edges=edges)


@pytest.fixture()
def hub_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "hub.db")
    store.upsert(hub_batch())
    yield store
    store.close()


def test_a_hub_folds_its_contracts_by_vendor(hub_store: EmbeddedStore) -> None:
    plain = ego_view(hub_store, "agency:hub", 1, fold=False)
    view = ego_view(hub_store, "agency:hub", 1)
    assert len(plain.nodes) == 1 + CONTRACTS
    assert len(view.nodes) < 2 * (KEEP_GROUPS + 2) + 1, len(view.nodes)
    folds = {n.id: n for n in view.nodes if n.id.startswith("fold:")}
    # The biggest vendor (v59: 10 contracts of 60,000) is its own fold, named and summed.
    top = folds["fold:agency:hub:Contract:company:v59"]
    assert top.name == "Vendor 59 Inc: 10 contracts"
    assert view.money[top.id] == pytest.approx(10 * 60_000.0)
    assert any(n.id == "company:v59" for n in view.nodes), "the vendor itself is on the map"
    more = [n for n in folds.values() if n.name.startswith("and ")]
    assert more, "the smaller vendors' contracts go into 'and N more'"
    # Every node of the unfolded map is on the folded one or listed in a fold's members.
    listed = {m[0] for members in view.members.values() for m in members}
    shown = {n.id for n in view.nodes}
    assert {n.id for n in plain.nodes} <= shown | listed
    assert not shown & listed


def test_folded_members_travel_with_the_page(hub_store: EmbeddedStore) -> None:
    view = ego_view(hub_store, "agency:hub", 1)
    payload = build_payload(view, hub_store.model, SERVED_EGO_LINK)
    members = {m[0] for n in payload["nodes"] for m in n.get("members", [])}
    assert "contract:c000" in members or any(n["id"] == "contract:c000" for n in payload["nodes"])
    assert len(members) >= CONTRACTS - 2 * KEEP_GROUPS


def test_small_nodes_are_not_folded(hub_store: EmbeddedStore) -> None:
    view = ego_view(hub_store, "company:v00", 1)
    assert len(view.nodes) <= HUB_LIMIT and not view.members


def test_negative_amounts_draw(hub_store: EmbeddedStore) -> None:
    """A de-obligation (negative obligated) folded into a tie: the overview answered 500 'math
    domain error' when its width took the square root of a negative share."""
    store = hub_store
    store.upsert(Batch(nodes=[Node("contract:neg", "Contract", "N",
                                   properties={"obligated": -9e6})],
                       edges=[Edge("AWARDED_BY", "contract:neg", "agency:hub"),
                              Edge("AWARDED_TO", "contract:neg", "company:v01")]))
    html = page(store, overview_view(store, fold=True), SERVED_EGO_LINK)
    assert "map-data" in html
    only_negative = overview_view(store, fold=True)
    only_negative.money = {k: -abs(v) for k, v in only_negative.money.items()}
    build_payload(only_negative, store.model, SERVED_EGO_LINK)


def test_a_tall_flow_column_wraps_into_a_block() -> None:
    kinds = {f"company:{i:02d}": "Company" for i in range(61)} | {"domain:d": "Domain"}
    ties = [(c, "domain:d") for c in kinds if c != "domain:d"]
    positions = flow_layout(kinds, ties)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    height, width = max(ys) - min(ys), max(xs) - min(xs)
    assert height <= 1.5 * width, (height, width)
    assert len(set(positions.values())) == len(positions), "two nodes share a position"
    left = [positions[c][0] for c in kinds if c != "domain:d"]
    assert max(left) < positions["domain:d"][0], "companies stay left of the domain"
