"""Pages of a list: opaque offset cursors, `pageInfo`, `edges { cursor node }`, `nodes` and
the total that match, for every list of the API (top-level lists and neighbour fields)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, Generic, TypeVar, cast

import strawberry

from graph_service.api.context import ApiError

T = TypeVar("T")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset after the cursor's row (0 without a cursor)."""
    if cursor is None:
        return 0
    try:
        prefix, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != "offset" or not value.isdigit():
            raise ValueError
        return int(value) + 1
    except ValueError as exc:
        raise ApiError(f"invalid cursor {cursor!r}: pass an endCursor or cursor from a page")\
            from exc


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ConnectionEdge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, with the total that match")
class Connection(Generic[T]):
    total_count: int
    edges: list[ConnectionEdge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(items: Sequence[T], offset: int, total: int) -> Connection[T]:
    """A page holding `items` from position `offset` of `total`."""
    edges = [ConnectionEdge(cursor=encode_cursor(offset + i), node=item)
             for i, item in enumerate(items)]
    return Connection(
        total_count=total,
        edges=edges,
        page_info=PageInfo(
            has_next_page=offset + len(items) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def connection_of(item: Any) -> Any:
    """`Connection[item]` for an item type only known at run time (a generated kind type)."""
    return cast(Any, Connection)[item]
