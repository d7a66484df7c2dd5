"""The map pages served by the API: `/`, `/maps/search`, `/maps/ego/{id}`, `/maps/reach`,
`/maps/path`, `/maps/overview`. Include with `app.include_router(router)`; the app must set
`app.state.store` to an open GraphStore."""

from __future__ import annotations

from fastapi import APIRouter, Request

from graph_service.stores.base import GraphStore

router = APIRouter(tags=["maps"])


def get_store(request: Request) -> GraphStore:
    """The store the app factory opened (app.state.store)."""
    store: GraphStore = request.app.state.store
    return store
