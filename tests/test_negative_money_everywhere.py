"""Negative and zero amounts everywhere: the shipped files loaded together (award summaries,
subawards, 2018-era transactions with de-obligations, API JSON) render every map kind, export
in every format and aggregate, with the de-obligations summed as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_service.export import FORMATS, export
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.query_types import GROUP_KEYS, ListFilter
from loaders.pipeline import Pipeline
from loaders.usaspending import open_usaspending
from tests.loader_helpers import shared_data
from visualizations.maps import FILE_EGO_LINK
from visualizations.payload import build_payload
from visualizations.render import write_map
from visualizations.views import ego_view, overview_view, path_view, reach_view

IMMIGRATION = "domain:immigration-enforcement"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    data = shared_data() / "usaspending"
    files = [*sorted((data / "bulk").glob("*.csv")), *sorted((data / "transactions").glob("*.csv")),
             data / "api" / "transactions.json", data / "api" / "contract.json"]
    store = EmbeddedStore(tmp_path_factory.mktemp("neg") / "store.db")
    summary = Pipeline(store).run([open_usaspending(f) for f in files])
    assert summary.rejected == 0, summary.rejects
    return store


def _negative(store: GraphStore) -> str:
    """A contract whose actions sum below zero (the shipped transaction file has them)."""
    return min((n for n in store.iter_nodes("Contract")
                if isinstance(n.properties.get("obligated"), float)
                and n.properties.get("actions_count")),
               key=lambda n: (float(n.properties["obligated"]), n.id)).id  # type: ignore[arg-type]


def test_de_obligations_sum_below_zero(loaded: GraphStore) -> None:
    worst = loaded.get_nodes([_negative(loaded)])[_negative(loaded)]
    assert float(worst.properties["obligated"]) < 0  # type: ignore[arg-type]
    assert worst.properties["obligated_basis"].startswith("sum of")  # type: ignore[union-attr]


def test_every_map_kind_renders(loaded: GraphStore, tmp_path: Path) -> None:
    negative = _negative(loaded)
    recipient = next(e.target for e in loaded.edges([negative], ["AWARDED_TO"], "out"))
    views = [overview_view(loaded, True), overview_view(loaded, False),
             ego_view(loaded, negative, 2), ego_view(loaded, recipient, 2, fold=True),
             reach_view(loaded, IMMIGRATION), reach_view(loaded, IMMIGRATION, None, "2013-06-01"),
             path_view(loaded, recipient, "agency:ice")]
    for number, view in enumerate(views):
        payload = build_payload(view, loaded.model, FILE_EGO_LINK)
        assert payload["nodes"], view.mode
        assert write_map(payload, tmp_path / f"map-{number}.html") > 0


def test_every_export_and_grouping_takes_negative_money(loaded: GraphStore, tmp_path: Path
                                                        ) -> None:
    for fmt in FORMATS:
        assert export(loaded, fmt, tmp_path / f"all.{fmt}") > 0  # type: ignore[arg-type]
    for group in GROUP_KEYS:
        rows = loaded.spending([group], ListFilter())
        assert rows and all(r.obligated == r.obligated for r in rows)  # no NaN
    by_year = loaded.spending(["fiscal_year"], ListFilter())
    assert {r.basis for r in by_year} == {"actions", "award start"}
