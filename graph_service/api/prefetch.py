"""Read ahead what a query's neighbour fields will show, one level of the selection at a time.

A list resolver knows its nodes and the selection below them. Walking that selection, each
level costs one `edges` call per (types, direction) and one `get_nodes` call, as the
DataLoaders would, but the answers land in the loaders' dictionaries before the resolvers
run, so that every neighbour field below resolves synchronously (no future, no coroutine per
field). A field this walk does not understand is left to the loaders: reading ahead never
changes an answer, only when it is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graphql import GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from graph_service.api.connections import decode_cursor
from graph_service.api.context import ApiError, context_of
from graph_service.api.loaders import EdgeKey, Hop, chosen_ids
from graph_service.api.types import HOPS, MODEL, PAGED_HOPS, TYPES, Info, page_ids
from graph_service.records import Edge, Node

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF
_TYPE_NAMES = {kind: cls.__strawberry_definition__.name
               for kind, cls in TYPES.items()}


def _skipped(directives: dict[str, Any]) -> bool:
    return (directives.get("skip", {}).get("if") is True
            or directives.get("include", {}).get("if") is False)


def selected(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection, fragments flattened (a hop is looked up per node kind, so a
    fragment's type condition needs no check here), skipped ones left out."""
    for item in selections:
        if _skipped(item.directives):
            continue
        if isinstance(item, SelectedField):
            yield item
        elif isinstance(item, InlineFragment | FragmentSpread):
            yield from selected(item.selections)


def field_selections(info: Info) -> list[Selection]:
    """The selection under the resolved field (all its occurrences merged)."""
    return [s for field in selected(info.selected_fields) for s in field.selections]


def connection_nodes(info: Info) -> list[Selection]:
    """The selection under a connection's `nodes` and `edges { node }`."""
    return _page_nodes(selected(info.selected_fields))


def _page_nodes(fields: Iterable[SelectedField]) -> list[Selection]:
    out: list[Selection] = []
    for field in fields:
        for part in selected(field.selections):
            if part.name == "nodes":
                out.extend(part.selections)
            elif part.name == "edges":
                out.extend(s for n in selected(part.selections) if n.name == "node"
                           for s in n.selections)
    return out


def _hop(schema: GraphQLSchema, kind: str, field_name: str) -> tuple[Hop, bool] | None:
    """The ties a field of `kind` follows, and whether it is a connection; None for others."""
    graphql_type = schema.type_map.get(_TYPE_NAMES.get(kind, ""))
    field = getattr(graphql_type, "fields", {}).get(field_name)
    definition = (field.extensions or {}).get(_DEFINITION) if field is not None else None
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return None
    func = resolver.wrapped_func
    if func in HOPS:
        return HOPS[func], False
    return (PAGED_HOPS[func], True) if func in PAGED_HOPS else None


def _window(field: SelectedField, hop: Hop, paged: bool, max_first: int
            ) -> tuple[int, int] | None:
    """(offset, size) the field shows, or None when its arguments are invalid (the resolver
    reports them)."""
    if hop.to_one:
        return 0, 1
    first = field.arguments.get("first")
    try:
        value = 100 if first is None else int(first)
        offset = decode_cursor(field.arguments.get("after")) if paged else 0
    except (TypeError, ValueError, ApiError):
        return None
    return (offset, value) if 0 <= value <= max_first else None


async def prefetch(info: Info, nodes: Sequence[Node], selections: Sequence[Selection]) -> None:
    """Read the ties and nodes the selected neighbour fields of `nodes` will show."""
    loaders = context_of(info).loaders
    max_first = context_of(info).settings.max_first
    schema = info._raw_info.schema
    level: list[tuple[Node, list[SelectedField]]] = [(n, list(selected(selections)))
                                                     for n in nodes]
    hops: dict[tuple[str, str], tuple[Hop, bool] | None] = {}
    while level:
        asks: dict[tuple[str, int], tuple[Hop, bool, tuple[int, int], SelectedField]] = {}
        for node, fields in level:
            for field in fields:
                if (node.kind, field.name) not in hops:
                    hops[(node.kind, field.name)] = _hop(schema, node.kind, field.name)
                hopped = hops[(node.kind, field.name)]
                window = _window(field, *hopped, max_first) if hopped is not None else None
                if hopped is not None and window is not None:
                    asks[(node.id, id(field))] = (hopped[0], hopped[1], window, field)
        keys: list[EdgeKey] = [hop.key(node_id) for (node_id, _), (hop, *_) in asks.items()]
        await loaders.fetch_ties(keys)
        shown = {ask: _shown_ids(loaders.known_ties[hop.key(ask[0])], ask[0], hop, paged, window)
                 for ask, (hop, paged, window, _) in asks.items()}
        await loaders.fetch_nodes(i for ids in shown.values() for i in ids)
        level = []
        below_of: dict[int, list[SelectedField]] = {}
        for ask, ids in shown.items():
            _, paged, _, field = asks[ask]
            if id(field) not in below_of:
                below_of[id(field)] = list(selected(_page_nodes([field]) if paged
                                                    else field.selections))
            below = below_of[id(field)]
            if below:
                found = (loaders.known_nodes[i] for i in ids)
                level.extend((node, below) for node in found if node is not None)


def _shown_ids(ties: Sequence[Edge], node_id: str, hop: Hop, paged: bool,
               window: tuple[int, int]) -> list[str]:
    offset, size = window
    if paged:
        return page_ids(ties, node_id, hop)[offset:offset + size]
    return chosen_ids(ties, node_id, hop, size, MODEL.kind_for_id)


async def prefetch_subjects(info: Info, ids: Sequence[str]) -> None:
    """Reach answers: read their subjects (when the connection's nodes ask for `subject`) and
    what is selected below them."""
    below = [s for field in selected(connection_nodes(info)) if field.name == "subject"
             for s in field.selections]
    if not below:
        return
    loaders = context_of(info).loaders
    await loaders.fetch_nodes(ids)
    found = (loaders.known_nodes[i] for i in ids)
    await prefetch(info, [node for node in found if node is not None], below)
