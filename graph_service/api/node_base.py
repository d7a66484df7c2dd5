"""What every GraphQL module shares: the `Kind` and `Direction` enums from the schema, the
registry of each kind's type (filled by generated_types.py) and turning nodes into objects."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types.nodes import SelectedField

from graph_service.api.context import ApiError, context_of
from graph_service.domain_model import load_model
from graph_service.records import Node

MODEL = load_model()

_KindEnum = enum.Enum(  # type: ignore[misc]
    "Kind", {name.upper(): name for name in MODEL.kinds}
)
Kind = strawberry.enum(_KindEnum, name="Kind", description="Node kinds of schema/model.yaml")
_KINDS = {name: Kind(name) for name in MODEL.kinds}  # a dict lookup is cheaper than Kind(name)
if TYPE_CHECKING:
    KindValue = enum.Enum
else:
    KindValue = Kind


@strawberry.enum(description="Which ties of a node to follow")
class Direction(enum.Enum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


Info = strawberry.Info[Any, Any]

# Kind name -> its GraphQL object type (a NodeInterface subclass), built from the model.
TYPES: dict[str, Any] = {}


def check_types(types: Sequence[str] | None) -> tuple[str, ...] | None:
    if types is None:
        return None
    unknown = [t for t in types if t not in MODEL.relationships]
    if unknown:
        raise ApiError(f"unknown relationship type {', '.join(unknown)}")
    return tuple(sorted(set(types)))


def wrap(node: Node) -> Any:
    """The GraphQL object for a node of any kind (common fields as plain attributes: the
    cheapest fields for strawberry to resolve, and the most often asked)."""
    return TYPES[node.kind](
        record=node, id=strawberry.ID(node.id), kind=_KINDS[node.kind], name=node.name,
        aliases=list(node.aliases),
    )


def as_date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


_ID_FIELDS = frozenset({"id", "kind", "__typename"})


def asks_only_ids(info: Info) -> bool:
    """True when the field's selection is only id/kind/__typename (no fragments), so nodes
    known to exist need not be read: their kind follows from their id's prefix.

    The answer depends only on the field's place in the query, so it is worked out once per
    request and place (a reach answer asks it for every path and every tie)."""
    known = context_of(info).id_only
    place = tuple(map(id, info._raw_info.field_nodes))
    if place not in known:
        known[place] = all(
            isinstance(selection, SelectedField) and selection.name in _ID_FIELDS
            for field in info.selected_fields
            for selection in field.selections
        )
    return known[place]


def bare(node_id: str) -> Node:
    return Node(node_id, MODEL.kind_for_id(node_id) or "Source", "")


async def load_nodes(info: Info, ids: Sequence[str]) -> list[Any]:
    """Nodes by id, missing ones left out."""
    nodes = await context_of(info).loaders.nodes.load_many(list(ids))
    return [wrap(node) for node in nodes if node is not None]
