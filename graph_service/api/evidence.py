"""Evidence types: a Source, a tie (`Edge`) with its sources and provenance, and a `Path`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from graph_service.api.context import context_of
from graph_service.api.node_base import Info, as_date, asks_only_ids, bare, load_nodes, wrap
from graph_service.api.provenance import Provenance, provenance_of, statements_of
from graph_service.records import Edge, Node
from graph_service.statements import edge_entity
from graph_service.stores.base import Path

if TYPE_CHECKING:
    from graph_service.api.types import NodeInterface

# The interface lives in types.py, which needs these types first.
_NodeRef = Annotated["NodeInterface", strawberry.lazy("graph_service.api.types")]


@strawberry.type(description="The evidence behind a node or tie")
class Source:
    id: strawberry.ID
    record: strawberry.Private[Node | None]

    def _prop(self, key: str) -> str | None:
        value = self.record.properties.get(key) if self.record else None
        return None if value is None else str(value)

    @strawberry.field
    def name(self) -> str | None:
        return self.record.name if self.record else None

    @strawberry.field
    def title(self) -> str | None:
        return self._prop("title")

    @strawberry.field
    def url(self) -> str | None:
        return self._prop("url")

    @strawberry.field
    def publisher(self) -> str | None:
        return self._prop("publisher")

    @strawberry.field
    def published(self) -> date | None:
        return as_date(self._prop("published"))

    @strawberry.field(description="procurement-record, news, foia, filing, report, dataset, file")
    def kind(self) -> str | None:
        return self._prop("source_kind")

    @strawberry.field
    def excerpt(self) -> str | None:
        return self._prop("excerpt")

    @strawberry.field
    def archive_url(self) -> str | None:
        return self._prop("archive_url")

    @strawberry.field
    def retrieved_at(self) -> str | None:
        return self._prop("retrieved_at")


def sources_of(info: Info, ids: Sequence[str]) -> list[Source]:
    """Sources by id; an id whose Source node is missing still shows, with only its id.

    An id-only selection is answered at once; otherwise this returns the loader's awaitable
    (graphql-core awaits what a resolver returns), which saves an event-loop round per field
    in the common case of citing source ids."""
    if asks_only_ids(info):
        return [Source(id=strawberry.ID(i), record=None) for i in ids]
    return cast(list[Source], _load_sources(info, ids))


async def _load_sources(info: Info, ids: Sequence[str]) -> list[Source]:
    nodes = await context_of(info).loaders.nodes.load_many(list(ids))
    return [Source(id=strawberry.ID(i), record=n) for i, n in zip(ids, nodes, strict=True)]


def known_nodes(info: Info, ids: Sequence[str]) -> list[Any]:
    """Nodes of the store's own answer (they exist): at once for an id-only selection, else
    the loader's awaitable."""
    if asks_only_ids(info):
        return [wrap(bare(node_id)) for node_id in ids]
    return cast(list[Any], load_nodes(info, ids))


@strawberry.type(name="Edge", description="A tie between two nodes, with its evidence")
class EdgeType:
    record: strawberry.Private[Edge]
    # Plain attributes (not resolvers): the fields every path shows cost least this way.
    type: str
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    status: str = strawberry.field(
        description="reported (a source states it) or inferred (a rule derived it)")

    @strawberry.field(description="rule, matched, amount, valid_from, valid_to, role, note ...")
    def properties(self) -> JSON:
        return cast(JSON, dict(sorted(self.record.properties.items())))

    @strawberry.field
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.record.sources)

    @strawberry.field(description="Each property's value, the statement that gave it and what "
                                  "other sources said (one property, or all)")
    async def provenance(self, info: Info, property: str | None = None) -> list[Provenance]:
        edge = self.record
        found = await statements_of(info, edge_entity(edge.source, edge.type, edge.target))
        view: dict[str, Any] = {"status": edge.status, **edge.properties}
        return provenance_of(edge.type, view, found, property)

    @strawberry.field
    async def from_node(self, info: Info) -> _NodeRef | None:
        found = await load_nodes(info, [self.record.source])
        return cast("NodeInterface", found[0]) if found else None

    @strawberry.field
    async def to_node(self, info: Info) -> _NodeRef | None:
        found = await load_nodes(info, [self.record.target])
        return cast("NodeInterface", found[0]) if found else None


def edge_type(edge: Edge) -> EdgeType:
    return EdgeType(record=edge, type=edge.type, from_=strawberry.ID(edge.source),
                    to=strawberry.ID(edge.target), status=edge.status)


@strawberry.type(name="Path", description="nodes[i] and nodes[i+1] are joined by edges[i]")
class PathType:
    record: strawberry.Private[Path]

    @strawberry.field
    def nodes(self, info: Info) -> list[_NodeRef]:
        return known_nodes(info, self.record.nodes)

    @strawberry.field
    def edges(self) -> list[EdgeType]:
        return [edge_type(e) for e in self.record.edges]

    @strawberry.field
    def length(self) -> int:
        return len(self.record.edges)

    @strawberry.field(description="Sources of every tie on the path, each once")
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, sorted({s for e in self.record.edges for s in e.sources}))
