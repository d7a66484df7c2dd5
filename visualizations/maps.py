"""One call per map kind: read the view from the store, lay it out, render the page."""

from __future__ import annotations

from collections.abc import Sequence

from graph_service.stores.base import GraphStore
from visualizations.payload import MapView, build_payload
from visualizations.provenance import with_provenance
from visualizations.render import render_map
from visualizations.views import EGO_LIMIT, ego_view, overview_view, path_view, reach_view

SERVED_EGO_LINK = "/maps/ego/{id}"
FILE_EGO_LINK = "{slug}.html"  # beside the file: `survgraph map ego ID -o <slug>.html` writes it


def page(store: GraphStore, view: MapView, ego_link: str) -> str:
    return render_map(build_payload(with_provenance(store, view), store.model, ego_link))


def ego_page(store: GraphStore, node_id: str, hops: int = 2, ego_link: str = FILE_EGO_LINK,
             limit: int = EGO_LIMIT, fold: bool = True) -> str:
    return page(store, ego_view(store, node_id, hops, limit, fold), ego_link)


def reach_page(store: GraphStore, target: str, from_kinds: Sequence[str] | None = None,
               as_of: str | None = None, ego_link: str = FILE_EGO_LINK) -> str:
    return page(store, reach_view(store, target, from_kinds, as_of), ego_link)


def path_page(store: GraphStore, source: str, target: str, max_hops: int = 6,
              ego_link: str = FILE_EGO_LINK) -> str:
    return page(store, path_view(store, source, target, max_hops), ego_link)


def overview_page(store: GraphStore, fold: bool | None = None,
                  ego_link: str = FILE_EGO_LINK) -> str:
    return page(store, overview_view(store, fold), ego_link)
