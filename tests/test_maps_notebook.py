"""The pyvis API (visualizations/notebook.py): the same map as the fast writer, offline HTML,
and the example script in docs/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyvis.network import Network

from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from tests.test_maps_hubs import hub_batch
from tests.test_maps_pages import ExternalRefs, map_data, tie_keys
from visualizations.maps import FILE_EGO_LINK, page
from visualizations.notebook import ego_network, network_from_payload, reach_network
from visualizations.payload import build_payload
from visualizations.views import ego_view, reach_view

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def seeded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "seed.db")
    store.upsert(seed_batch())
    store.upsert(hub_batch())
    yield store
    store.close()


@pytest.mark.parametrize("which", ["ego", "reach", "hub"])
def test_pyvis_network_holds_the_same_map(seeded: EmbeddedStore, which: str) -> None:
    if which == "reach":
        view = reach_view(seeded, "domain:immigration-enforcement")
        net = reach_network(seeded, "domain:immigration-enforcement")
    else:
        centre = "company:microsoft" if which == "ego" else "agency:hub"
        view = ego_view(seeded, centre, 1)
        net = ego_network(seeded, centre, 1)
    fast = map_data(page(seeded, view, FILE_EGO_LINK))
    assert isinstance(net, Network)
    assert {n["id"] for n in net.nodes} == {n["id"] for n in fast["nodes"]}
    assert {(e["from"], e["type"], e["to"]) for e in net.edges} == tie_keys(fast)
    position = {n["id"]: (n["x"], n["y"]) for n in fast["nodes"]}
    kinds = seeded.model.kinds
    for node in net.nodes:
        assert (node["x"], node["y"]) == position[node["id"]] and node["physics"] is False
        assert node["color"] == kinds[node["kind"]].style.color
        assert node["shape"] == kinds[node["kind"]].style.shape


def test_titles_cite_sources_and_html_is_offline(seeded: EmbeddedStore, tmp_path: Path) -> None:
    payload = build_payload(ego_view(seeded, "company:microsoft", 1), seeded.model, "{slug}.html")
    net = network_from_payload(payload)
    microsoft = next(n for n in net.nodes if n["id"] == "company:microsoft")
    assert "Microsoft commande un examen" in microsoft["title"]
    out = tmp_path / "m.html"
    net.write_html(str(out))
    text = out.read_text(encoding="utf-8")
    refs = ExternalRefs()
    refs.feed(text)
    assert refs.refs == [], refs.refs
    assert "cdn." not in text and "https://cdnjs" not in text
    assert "Company (" in text, "the legend"
    assert not (tmp_path / "lib").exists() and not Path("lib").exists()
    assert "srcdoc=" in net._repr_html_()


def test_the_notebook_example_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "docs" / "notebook_example.py"),
                             str(tmp_path)], capture_output=True, text=True, cwd=REPO,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "ego: 15 nodes" in result.stdout
    assert (tmp_path / "microsoft.html").stat().st_size > 100_000
