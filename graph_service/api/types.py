"""The `Node` interface, how typed neighbour fields are answered, and the reach answer type.

Each kind's own type (its schema properties and neighbour fields) is generated from
schema/model.yaml by generated_types.py; evidence types are in evidence.py, pages in
connections.py. This module re-exports them so that callers have one place to import from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from graph_service.api.connections import (
    Connection,
    connection,
    connection_of,
    decode_cursor,
    encode_cursor,
)
from graph_service.api.context import ApiError, Context, context_of, page_size
from graph_service.api.evidence import (
    EdgeType,
    PathType,
    Source,
    edge_type,
    known_nodes,
    sources_of,
)
from graph_service.api.loaders import Hop, chosen_ids, chosen_pairs, other_end
from graph_service.api.node_base import (
    MODEL,
    TYPES,
    Direction,
    Info,
    Kind,
    KindValue,
    as_date,
    check_types,
    load_nodes,
    wrap,
)
from graph_service.api.provenance import Provenance, provenance_of, statements_of
from graph_service.judgements import merged_because
from graph_service.records import Edge, Node
from graph_service.stores.base import ReachAnswer

__all__ = [
    "HOPS", "MODEL", "TYPES", "UNKNOWN", "Connection", "Direction", "EdgeType", "Info", "Kind",
    "KindValue", "NodeInterface", "PathType", "Reach", "Source", "connection", "connection_of",
    "decode_cursor", "encode_cursor", "follow", "follow_known", "load_nodes", "wrap",
]


async def neighbour_pairs(
    info: Info,
    node_id: str,
    types: tuple[str, ...] | None,
    direction: str,
    kinds: Sequence[str] | None,
    first: int,
) -> list[tuple[Edge, Node]]:
    """Ties of one node and the nodes at their other end, ordered by (other id, type)."""
    ctx = context_of(info)
    ties = await ctx.loaders.edges.load((node_id, types, direction))  # type: ignore[arg-type]
    pairs = chosen_pairs(ties, node_id, kinds, first, MODEL.kind_for_id)
    nodes = await ctx.loaders.nodes.load_many([other for _, other in pairs])
    return [(tie, node) for (tie, _), node in zip(pairs, nodes, strict=True) if node is not None]


# Resolver function -> the ties it follows. HOPS: list and to-one fields (prefetch.py and
# fast_execution.py answer them from what was read ahead); PAGED_HOPS: connection fields
# (read ahead by prefetch.py; their resolvers build the page).
HOPS: dict[Callable[..., Any], Hop] = {}
PAGED_HOPS: dict[Callable[..., Any], Hop] = {}
UNKNOWN: Any = object()


def follow(info: Info, node_id: str, hop: Hop, first: int | None) -> Any:
    """What a typed neighbour field shows: a list of nodes, or one node or None (to-one).

    When its ties and nodes are already known (prefetched) the answer comes at once;
    otherwise this returns an awaitable reading them through the batching loaders."""
    size = 1 if hop.to_one else page_size(info, first)
    known = follow_known(context_of(info), node_id, hop, size)
    return _follow_later(info, node_id, hop, size) if known is UNKNOWN else known


def follow_known(ctx: Context, node_id: str, hop: Hop, size: int) -> Any:
    """`follow`'s answer from what the request has read already, else UNKNOWN."""
    loaders = ctx.loaders
    ties = loaders.known_ties.get(hop.key(node_id))
    if ties is None:
        return UNKNOWN
    if hop.to_one:  # the commonest neighbour field, kept free of intermediate lists
        if not ties:
            return None
        node = loaders.known_nodes.get(min(other_end(tie, node_id) for tie in ties), UNKNOWN)
        return node if node is UNKNOWN or node is None else wrap(node)
    nodes = [loaders.known_nodes.get(i, UNKNOWN)
             for i in chosen_ids(ties, node_id, hop, size, MODEL.kind_for_id)]
    if any(node is UNKNOWN for node in nodes):
        return UNKNOWN
    return _shown(hop, nodes)


async def _follow_later(info: Info, node_id: str, hop: Hop, size: int) -> Any:
    loaders = context_of(info).loaders
    ties = await loaders.edges.load(hop.key(node_id))
    ids = chosen_ids(ties, node_id, hop, size, MODEL.kind_for_id)
    return _shown(hop, list(await loaders.nodes.load_many(ids)))


def _shown(hop: Hop, nodes: list[Node | None]) -> Any:
    found = [wrap(node) for node in nodes if node is not None]
    if hop.to_one:
        return found[0] if found else None
    return found


def page_ids(ties: Sequence[Edge], node_id: str, hop: Hop) -> list[str]:
    """Every id a neighbour connection can show, in its order (the page is cut from it)."""
    return chosen_ids(ties, node_id, hop, len(ties), MODEL.kind_for_id)


def follow_page(info: Info, node_id: str, hop: Hop, first: int | None,
                after: str | None) -> Any:
    """A neighbour connection: one page of the field's nodes and the total; at once when
    read ahead, else an awaitable."""
    size, offset = page_size(info, first), decode_cursor(after)
    loaders = context_of(info).loaders
    ties = loaders.known_ties.get(hop.key(node_id))
    if ties is not None:
        ids = page_ids(ties, node_id, hop)
        nodes = [loaders.known_nodes.get(i, UNKNOWN) for i in ids[offset:offset + size]]
        if all(node is not UNKNOWN for node in nodes):
            return _page(nodes, offset, len(ids))
    return _follow_page_later(info, node_id, hop, size, offset)


async def _follow_page_later(info: Info, node_id: str, hop: Hop, size: int,
                             offset: int) -> Connection[Any]:
    loaders = context_of(info).loaders
    ids = page_ids(await loaders.edges.load(hop.key(node_id)), node_id, hop)
    nodes = await loaders.nodes.load_many(ids[offset:offset + size])
    return _page(list(nodes), offset, len(ids))


def _page(nodes: Sequence[Node | None], offset: int, total: int) -> Connection[Any]:
    return connection([wrap(n) for n in nodes if n is not None], offset, total)


# -- nodes --------------------------------------------------------------------------------------


@strawberry.interface(name="Node", description="Every entity of the graph")
class NodeInterface:
    record: strawberry.Private[Node]
    id: strawberry.ID
    kind: KindValue
    name: str
    aliases: list[str]

    @strawberry.field
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.record.sources)

    @strawberry.field(description="All kind-specific properties as one JSON object")
    def properties(self) -> JSON:
        return cast(JSON, dict(sorted(self.record.properties.items())))

    @strawberry.field(description="Each property's value, the statement that gave it and what "
                                  "other sources said (one property, or all)")
    async def provenance(self, info: Info, property: str | None = None) -> list[Provenance]:
        node = self.record
        found = await statements_of(info, node.id)
        view: dict[str, Any] = {"name": node.name, **node.properties}
        if node.aliases:
            view["aliases"] = node.aliases
        return provenance_of(node.kind, view, found, property)

    @strawberry.field(description="Why its statements are one entity: the analysts' "
                                  "judgements ('merged because ...') and the ids joined")
    async def identity(self, info: Info) -> list[str]:
        found = await statements_of(info, self.record.id)
        judged = await asyncio.to_thread(context_of(info).store.judgements)
        members = {s.entity for s in found}
        lines = merged_because(judged, members | {self.record.id})
        if len(members) > 1:
            lines.append("one entity of the ids " + ", ".join(sorted(members)))
        return lines

    @strawberry.field
    def first_seen(self) -> date | None:
        return as_date(self.record.first_seen)

    @strawberry.field
    def last_seen(self) -> date | None:
        return as_date(self.record.last_seen)

    @strawberry.field(description="Ties of any schema type, with the node at the other end")
    async def neighbours(
        self,
        info: Info,
        types: list[str] | None = None,
        direction: Direction = Direction.BOTH,
        kinds: list[KindValue] | None = None,
        first: int | None = None,
    ) -> list[Neighbour]:
        pairs = await neighbour_pairs(
            info,
            self.record.id,
            check_types(types),
            direction.value,
            [k.value for k in kinds] if kinds else None,
            page_size(info, first),
        )
        return [Neighbour(edge=edge_type(e), node=wrap(n)) for e, n in pairs]


@strawberry.type(description="A tie of a node and the node at its other end")
class Neighbour:
    edge: EdgeType
    node: NodeInterface


if TYPE_CHECKING:
    Contract = NodeInterface
    Company = NodeInterface
# Kind types are generated after this module (generated_types.py imports it).
_ContractRef = Annotated["Contract", strawberry.lazy("graph_service.api.generated_types")]
_CompanyRef = Annotated["Company", strawberry.lazy("graph_service.api.generated_types")]


# -- answers ------------------------------------------------------------------------------------


@strawberry.type(description="One entity that reaches the target, with its evidence")
class Reach:
    answer: strawberry.Private[ReachAnswer]

    @strawberry.field
    def subject(self, info: Info) -> NodeInterface:
        node = context_of(info).loaders.known_nodes.get(self.answer.subject, UNKNOWN)
        if node is UNKNOWN:
            return cast(NodeInterface, self._load_subject(info))
        return self._shown_subject(cast(Node | None, node))

    async def _load_subject(self, info: Info) -> NodeInterface:
        return self._shown_subject(await context_of(info).loaders.nodes.load(self.answer.subject))

    def _shown_subject(self, node: Node | None) -> NodeInterface:
        if node is None:
            raise ApiError(f"node {self.answer.subject} disappeared while answering")
        return cast(NodeInterface, wrap(node))

    @strawberry.field(description="The shortest evidence paths, subject first, target last")
    def paths(self) -> list[PathType]:
        return [PathType(record=p) for p in self.answer.paths]

    @strawberry.field(description="Every contract on a reaching chain")
    def contracts(self, info: Info) -> list[_ContractRef]:
        return known_nodes(info, self.answer.contracts)

    @strawberry.field(description="rollUp PARENT: the subsidiaries folded into this row, "
                      "their contracts counted under it (none under NONE)")
    def members(self, info: Info) -> list[_CompanyRef]:
        return known_nodes(info, self.answer.members)

    @strawberry.field(description="Obligated total of those contracts, each counted once")
    def total_obligated(self) -> float | None:
        return self.answer.total_obligated

    @strawberry.field(description="Sources of every tie and contract on the chains")
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.answer.sources)

    @strawberry.field(description="The reach rules of schema/model.yaml that matched")
    def rules(self) -> list[str]:
        return list(self.answer.rules)


# Every kind's type, registered in TYPES (callers of this module expect them there).
from graph_service.api import generated_types  # noqa: E402,F401
