"""Company.parent(asOf:) and Company.parents: ownership over time (api/ownership.py chooses),
added to the generated Company type (generated_types._EXTRAS) in place of the plain to-one
`parent` field, because a company's parent is a question of date."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from graph_service.api.context import context_of
from graph_service.api.evidence import EdgeType, Source, edge_type, sources_of
from graph_service.api.node_base import Info, as_date, load_nodes
from graph_service.api.ownership import choose_parent, latest_first
from graph_service.records import Edge

if TYPE_CHECKING:
    from graph_service.api.types import NodeInterface

_Company = Annotated["NodeInterface", strawberry.lazy("graph_service.api.types")]


@strawberry.type(description="A parent company as the awards or files state it")
class ParentTie:
    company: _Company
    tie: EdgeType

    @strawberry.field(description="Earliest date a source states it")
    def valid_from(self) -> date | None:
        return as_date(self.tie.record.properties.get("valid_from"))

    @strawberry.field(description="Latest date a source states it")
    def valid_to(self) -> date | None:
        return as_date(self.tie.record.properties.get("valid_to"))

    @strawberry.field
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.tie.record.sources)


async def _parent_ties(info: Info, company: str) -> list[Edge]:
    store = context_of(info).store
    return await asyncio.to_thread(store.edges, [company], ["SUBSIDIARY_OF"], "out")


async def parent(root: Any, info: Info, as_of: date | None = None) -> Any:
    ties = await _parent_ties(info, root.record.id)
    chosen = choose_parent(ties, as_of.isoformat() if as_of else None)
    found = await load_nodes(info, [chosen.target]) if chosen else []
    return found[0] if found else None


async def parents(root: Any, info: Info) -> list[ParentTie]:
    ties = await _parent_ties(info, root.record.id)
    found = {n.record.id: n for n in await load_nodes(info, [t.target for t in ties])}
    return [ParentTie(company=cast(Any, found[t.target]), tie=edge_type(t))
            for t in sorted(ties, key=latest_first) if t.target in found]
