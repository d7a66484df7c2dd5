"""The `paths` question: the shortest paths (as before), or the first N simple paths by
length when `first` or `through` is given (graph_service/stores/paths.py)."""

from __future__ import annotations

import asyncio

from graph_service.api.context import ApiError, context_of, page_size
from graph_service.api.reach_query import BadUserInput
from graph_service.api.types import MODEL, Info, PathType
from graph_service.stores import paths

MAX_SHORTEST_HOPS = 10  # the shortest-only search's bound, unchanged


class PathSearchRefused(ApiError):
    """The search would do more work than allowed: nothing is answered, never a part."""

    code = "PATH_SEARCH_TOO_LARGE"


async def paths_between(info: Info, source: str, target: str, max_hops: int,
                        first: int | None, through: list[str] | None) -> list[PathType]:
    store = context_of(info).store
    if first is None and through is None:
        # Callers that ask nothing new keep the old answer: the shortest paths only.
        if not 0 < max_hops <= MAX_SHORTEST_HOPS:
            raise ApiError(f"maxHops must be between 1 and {MAX_SHORTEST_HOPS}")
        found = await asyncio.to_thread(store.shortest_paths, source, target, max_hops,
                                        page_size(info, 10))
        return [PathType(record=p) for p in found]
    k = 10 if first is None else first
    if not 0 < max_hops <= paths.MAX_HOPS:
        raise BadUserInput(f"maxHops must be between 1 and {paths.MAX_HOPS} when asking for "
                           "paths beyond the shortest (first, through)")
    if not 0 < k <= paths.MAX_PATHS:
        raise BadUserInput(f"first must be between 1 and {paths.MAX_PATHS}")
    unknown = sorted(set(through or ()) - set(MODEL.relationships))
    if unknown or through == []:
        raise BadUserInput(f"through must name relationship types; unknown: "
                           f"{', '.join(unknown) or '(empty list)'}")
    ends = await asyncio.to_thread(store.get_nodes, [source, target])
    if len(ends) < len({source, target}):
        return []
    try:
        found = await asyncio.to_thread(paths.simple_paths, store, source, target, k,
                                        max_hops, through)
    except paths.PathSearchTooLarge as exc:
        raise PathSearchRefused(str(exc)) from exc
    return [PathType(record=p) for p in found]
