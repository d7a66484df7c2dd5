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

from graph_service.api.context import context_of
from graph_service.api.loaders import EdgeKey, Hop, chosen_ids
from graph_service.api.types import HOPS, MODEL, TYPES, Info
from graph_service.records import Node

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF
_TYPE_NAMES = {kind: cls.__strawberry_definition__.name  # type: ignore[attr-defined]
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
    out: list[Selection] = []
    for field in selected(info.selected_fields):
        for part in selected(field.selections):
            if part.name == "nodes":
                out.extend(part.selections)
            elif part.name == "edges":
                out.extend(s for n in selected(part.selections) if n.name == "node"
                           for s in n.selections)
    return out


def _hop(schema: GraphQLSchema, kind: str, field_name: str) -> Hop | None:
    graphql_type = schema.type_map.get(_TYPE_NAMES.get(kind, ""))
    field = getattr(graphql_type, "fields", {}).get(field_name)
    definition = (field.extensions or {}).get(_DEFINITION) if field is not None else None
    resolver = getattr(definition, "base_resolver", None)
    return HOPS.get(resolver.wrapped_func) if resolver is not None else None


def _size(field: SelectedField, hop: Hop, max_first: int) -> int | None:
    """How many the field shows, or None when its `first` is invalid (the resolver says so)."""
    if hop.to_one:
        return 1
    first = field.arguments.get("first")
    try:
        value = 100 if first is None else int(first)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= max_first else None


async def prefetch(info: Info, nodes: Sequence[Node], selections: Sequence[Selection]) -> None:
    """Read the ties and nodes the selected neighbour fields of `nodes` will show."""
    loaders = context_of(info).loaders
    max_first = context_of(info).settings.max_first
    schema = info._raw_info.schema
    level: list[tuple[Node, list[SelectedField]]] = [(n, list(selected(selections)))
                                                     for n in nodes]
    hops: dict[tuple[str, str], Hop | None] = {}
    while level:
        asks: dict[tuple[str, int], tuple[Hop, int, SelectedField]] = {}
        for node, fields in level:
            for field in fields:
                if (node.kind, field.name) not in hops:
                    hops[(node.kind, field.name)] = _hop(schema, node.kind, field.name)
                hop = hops[(node.kind, field.name)]
                size = _size(field, hop, max_first) if hop is not None else None
                if hop is not None and size is not None:
                    asks[(node.id, id(field))] = (hop, size, field)
        keys: list[EdgeKey] = [hop.key(node_id) for (node_id, _), (hop, _, _) in asks.items()]
        await loaders.fetch_ties(keys)
        shown = {ask: chosen_ids(loaders.known_ties[hop.key(ask[0])], ask[0], hop, size,
                                 MODEL.kind_for_id)
                 for ask, (hop, size, _) in asks.items()}
        await loaders.fetch_nodes(i for ids in shown.values() for i in ids)
        level = []
        below_of: dict[int, list[SelectedField]] = {}
        for ask, ids in shown.items():
            field = asks[ask][2]
            if id(field) not in below_of:
                below_of[id(field)] = list(selected(field.selections))
            below = below_of[id(field)]
            if below:
                found = (loaders.known_nodes[i] for i in ids)
                level.extend((node, below) for node in found if node is not None)


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
