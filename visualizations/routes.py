"""The map pages served by the API: `/` (search), `/maps/search`, `/maps/ego/{id}`,
`/maps/reach`, `/maps/path`, `/maps/overview`. Include with `app.include_router(router)`; the
app must set `app.state.store` to an open GraphStore.

Handlers are plain `def`: FastAPI runs them in its thread pool, so blocking store calls never
stall the event loop. Every page is self-contained (see render.py): nothing else to serve.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from graph_service.stores.base import GraphStore
from visualizations.maps import SERVED_EGO_LINK, page
from visualizations.render import ASSETS, json_for_script
from visualizations.views import (
    EGO_LIMIT,
    MapError,
    ego_view,
    overview_view,
    path_view,
    reach_view,
)

router = APIRouter(tags=["maps"])


def get_store(request: Request) -> GraphStore:
    """The store the app factory opened (app.state.store)."""
    store: GraphStore = request.app.state.store
    return store


Store = Annotated[GraphStore, Depends(get_store)]


def _link(request: Request) -> str:
    return request.scope.get("root_path", "") + SERVED_EGO_LINK


def _kinds(values: list[str] | None) -> list[str] | None:
    """`fromKinds=Product&fromKinds=Company` or `fromKinds=Product,Company`."""
    kinds = [k.strip() for v in values or [] for k in v.split(",") if k.strip()]
    return kinds or None


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request, store: Store) -> HTMLResponse:
    """Search an entity and open its map; ask a reach or path question."""
    kinds = {name: {"color": spec.style.color} for name, spec in store.model.kinds.items()}
    targets = sorted({r.to_kind for r in store.model.reach})
    config = {"root": request.scope.get("root_path", ""), "kinds": kinds, "targets": targets}
    text = (ASSETS / "index.html").read_text(encoding="utf-8").replace(
        "%%CONFIG%%", json_for_script(config)
    )
    return HTMLResponse(text)


@router.get("/maps/search")
def search(
    store: Store,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 15,
) -> list[dict[str, str]]:
    """Nodes whose name or an alias contains `q` (Source nodes are evidence, not map centres)."""
    kinds = [k for k in store.model.kinds if k != "Source"]
    return [{"id": n.id, "name": n.name, "kind": n.kind}
            for n in store.search(q, kinds=kinds, limit=limit)]


def _not_found(exc: MapError) -> HTTPException:
    # A JSON error body: the message is data, never markup.
    return HTTPException(status_code=exc.status, detail=str(exc))


@router.get("/maps/ego/{node_id:path}", response_class=HTMLResponse)
def ego_map(
    request: Request,
    store: Store,
    node_id: str,
    hops: Annotated[int, Query(ge=0, le=4)] = 2,
    limit: Annotated[int, Query(ge=1, le=20000)] = EGO_LIMIT,
    fold: bool = True,
) -> HTMLResponse:
    try:
        view = ego_view(store, node_id, hops, limit, fold)
    except MapError as exc:
        raise _not_found(exc) from exc
    return HTMLResponse(page(store, view, _link(request)))


@router.get("/maps/reach", response_class=HTMLResponse)
def reach_map(
    request: Request,
    store: Store,
    to: Annotated[str, Query(min_length=3)],
    from_kinds: Annotated[list[str] | None, Query(alias="fromKinds")] = None,
    as_of: Annotated[str | None, Query(alias="asOf", pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> HTMLResponse:
    try:
        view = reach_view(store, to, _kinds(from_kinds), as_of)
    except MapError as exc:
        raise _not_found(exc) from exc
    return HTMLResponse(page(store, view, _link(request)))


@router.get("/maps/path", response_class=HTMLResponse)
def path_map(
    request: Request,
    store: Store,
    source: Annotated[str, Query(alias="from", min_length=3)],
    to: Annotated[str, Query(min_length=3)],
    max_hops: Annotated[int, Query(alias="maxHops", ge=1, le=8)] = 6,
) -> HTMLResponse:
    try:
        view = path_view(store, source, to, max_hops)
    except MapError as exc:
        raise _not_found(exc) from exc
    return HTMLResponse(page(store, view, _link(request)))


@router.get("/maps/overview", response_class=HTMLResponse)
def overview_map(
    request: Request, store: Store, fold: bool | None = None
) -> HTMLResponse:
    return HTMLResponse(page(store, overview_view(store, fold), _link(request)))
