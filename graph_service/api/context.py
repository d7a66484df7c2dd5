"""What every resolver can reach: the store, the request's loaders, settings, the caller."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import strawberry

from graph_service.api.loaders import Loaders
from graph_service.config import Settings
from graph_service.stores.base import GraphStore


class ApiError(Exception):
    """A failure whose message is safe and useful to show to the caller; `code` goes to the
    error's extensions."""

    code = "BAD_REQUEST"


class QueryTimeout(ApiError):
    code = "TIMEOUT"


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    can_write: bool = False
    loaders: Loaders = field(init=False)
    # Per place in the query (ids of its field nodes): is the selection below it ids only?
    id_only: dict[tuple[int, ...], bool] = field(init=False, default_factory=dict)
    # Set by run_operation: the monotonic time past which execution stops (check_deadline).
    deadline: float | None = None
    # Set once the limits let the operation run: what failed before is a request error.
    executed: bool = False
    timed_out: bool = False

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)


    def check_deadline(self) -> None:
        """Raise QueryTimeout once the deadline has passed: called from the execution loop
        and from long resolvers, so an answer past its time stops being built."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            raise QueryTimeout(f"query timed out after {self.settings.query_timeout_seconds:g}"
                               " s: ask for less (smaller first, fewer hops)")


def context_of(info: strawberry.Info[Any, Any]) -> Context:
    ctx = info.context
    if not isinstance(ctx, Context):
        raise TypeError("the GraphQL context must be graph_service.api.context.Context")
    return ctx


def page_size(info: strawberry.Info[Any, Any], first: int | None, default: int = 100) -> int:
    """`first` as asked, defaulting to `default` and refused above the configured maximum."""
    return checked_first(context_of(info).settings, first, default)


def checked_first(settings: Settings, first: int | None, default: int = 100) -> int:
    limit = settings.max_first
    value = default if first is None else first
    if value < 0:
        raise ApiError("first must not be negative")
    if value > limit:
        raise ApiError(f"first is at most {limit}, got {value}")
    return value


def bounded_text(info: strawberry.Info[Any, Any], text: str | None, what: str) -> str | None:
    """Search text within Settings.max_search_chars: a 50,000-character pattern is more than
    SQLite's LIKE accepts, and no name is that long."""
    limit = context_of(info).settings.max_search_chars
    if text is not None and len(text) > limit:
        raise ApiError(f"{what} is at most {limit} characters, got {len(text)}")
    if text is not None and not text.isascii():
        try:  # a lone surrogate (\ud800) reaches here from `survgraph query`, not over HTTP
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ApiError(f"{what} is not valid Unicode text (a lone surrogate)") from exc
    return text


def require_writer(info: strawberry.Info[Any, Any]) -> None:
    if not context_of(info).can_write:
        raise Unauthorized(
            "unauthorized: this mutation needs an API key (header 'Authorization: Bearer <key>' "
            "with a key from SURVGRAPH_API_KEYS)"
        )


class Unauthorized(ApiError):
    """A write without a valid API key."""

    code = "UNAUTHORIZED"
