"""The GraphQL spending rows: contract counts and money per group, a corporate family once
under rollUp PARENT (graph_service/api/families.py)."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from graph_service.api.evidence import known_nodes
from graph_service.api.generated_types import Agency, Company
from graph_service.api.types import Info, NodeInterface, load_nodes


@strawberry.enum(description="How spending is grouped")
class SpendingGroup(enum.Enum):
    AGENCY = "agency"
    COMPANY = "company"
    PARENT_COMPANY = "parent_company"
    TECHNOLOGY = "technology"
    FISCAL_YEAR = "fiscal_year"


@strawberry.type(description="Contracts and money of one group (null: no such tie or value)")
class SpendingRow:
    keys: strawberry.Private[dict[str, Any]]
    count: int
    obligated: float
    potential: float
    member_ids: strawberry.Private[list[str]]
    basis: str | None = strawberry.field(
        default=None, description="By fiscal year: 'actions' (summed by the dates of the "
        "contract actions) or 'award start' (no actions known: the award's own year)")

    @strawberry.field(description="rollUp PARENT: the subsidiaries whose contracts this "
                      "company's row counts (none under NONE)")
    def members(self, info: Info) -> list[Company]:
        return known_nodes(info, self.member_ids)

    async def _node(self, info: Info, group: str) -> Any:
        node_id = self.keys.get(group)
        if node_id is None:
            return None
        found = await load_nodes(info, [str(node_id)])
        return found[0] if found else None

    @strawberry.field(description="Awarding agency")
    async def agency(self, info: Info) -> Agency | None:
        return await self._node(info, "agency")

    @strawberry.field(description="Recipient; under rollUp PARENT its top parent (the family)")
    async def company(self, info: Info) -> Company | None:
        return await self._node(info, "company")

    @strawberry.field(description="Recipient's farthest parent (SUBSIDIARY_OF), else itself")
    async def parent_company(self, info: Info) -> Company | None:
        return await self._node(info, "parent_company")

    @strawberry.field
    async def technology(self, info: Info) -> NodeInterface | None:
        return await self._node(info, "technology")

    @strawberry.field(description="The contract's fiscal_year, else the US FY of its start date")
    def fiscal_year(self) -> int | None:
        value = self.keys.get("fiscal_year")
        return value if isinstance(value, int) else None
