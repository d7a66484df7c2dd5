"""The GraphQL schema: lookups, search, reach and path questions with evidence, filtered lists
with cursors and totals, spending sums, and key-guarded mutations."""

from __future__ import annotations

import asyncio
import enum
from datetime import date
from typing import Annotated, Any, cast

import strawberry

from graph_service.api.context import ApiError, bounded_text, context_of, page_size
from graph_service.api.execute import GuardedSchema
from graph_service.api.families import RollUp, reach_alone, roll_up, spending_rolled
from graph_service.api.fast_execution import FastExecutionContext, install_direct_resolvers
from graph_service.api.generated_types import Agency, Company, Contract, Product
from graph_service.api.guards import guard_extensions
from graph_service.api.judgement_mutations import JudgementType
from graph_service.api.mutations import LoadJob, Mutation, load_job
from graph_service.api.paths_query import paths_between
from graph_service.api.prefetch import (
    connection_nodes,
    field_selections,
    prefetch,
    prefetch_subjects,
)
from graph_service.api.reach_query import (
    BadUserInput,
    ReachFilterInput,
    ReachOrderBy,
    check,
    ordered,
    reach_filter,
    refine,
)
from graph_service.api.spending import SpendingGroup, SpendingRow
from graph_service.api.types import (
    MODEL,
    TYPES,
    Connection,
    Info,
    KindValue,
    NodeInterface,
    PathType,
    Reach,
    connection,
    decode_cursor,
    load_nodes,
    wrap,
)
from graph_service.config import Settings
from graph_service.stores.base import ReachAnswer
from graph_service.stores.query_types import GroupKey, ListFilter, ListOrder, OrderField

MAX_HOPS = 10


@strawberry.enum(description="Sort keys of lists (START_DATE, OBLIGATED, FISCAL_YEAR: contracts)")
class OrderKey(enum.Enum):
    ID = "id"
    NAME = "name"
    OBLIGATED = "obligated"
    START_DATE = "start_date"
    FISCAL_YEAR = "fiscal_year"


@strawberry.input
class OrderBy:
    field: OrderKey = OrderKey.ID
    descending: bool = False


@strawberry.enum(description="How a technology filter ties a node to the technology")
class Via(enum.Enum):
    CONTRACT = "contract"
    REPORTED_USE = "reported_use"
    ANY = "any"


@strawberry.input(description="Contracts: all conditions must hold")
class ContractFilter:
    agency: strawberry.ID | None = strawberry.field(
        default=None, description="Awarded or funded by it or one of its sub-agencies")
    company: strawberry.ID | None = strawberry.field(
        default=None, description="Awarded to it or one of its subsidiaries")
    technology: strawberry.ID | None = strawberry.field(
        default=None, description="Of the technology, directly or through a covered product")
    active_on: date | None = strawberry.field(
        default=None, description="Period of performance covers the date")
    min_amount: float | None = strawberry.field(default=None, description="Obligated >= this")
    text: str | None = strawberry.field(default=None, description="Name or alias contains it")


@strawberry.input(description="Companies: all conditions must hold")
class CompanyFilter:
    agency: strawberry.ID | None = strawberry.field(
        default=None, description="Holds a contract awarded or funded by it (or a sub-agency)")
    technology: strawberry.ID | None = strawberry.field(
        default=None, description="Holds a contract of it (CONTRACT); is reported to supply "
        "an agency using it, in the same record (REPORTED_USE); ANY: either, or offers a "
        "product of it")
    via: Via | None = strawberry.field(default=None, description="Default ANY")
    text: str | None = None


@strawberry.input(description="Agencies: all conditions must hold")
class AgencyFilter:
    company: strawberry.ID | None = strawberry.field(
        default=None, description="Awarded or funded a contract to it (or a subsidiary)")
    technology: strawberry.ID | None = strawberry.field(
        default=None, description="Awarded or funded a contract of it (CONTRACT); reported "
        "to use it or a product of it, e.g. in the Atlas of Surveillance (REPORTED_USE)")
    via: Via | None = strawberry.field(default=None, description="Default ANY")
    state: str | None = strawberry.field(
        default=None, description="Its state property, e.g. 'NC' (ignoring case)")
    text: str | None = None


@strawberry.input(description="Products: all conditions must hold")
class ProductFilter:
    agency: strawberry.ID | None = strawberry.field(
        default=None, description="Covered by its contracts or reported used by it")
    company: strawberry.ID | None = strawberry.field(
        default=None, description="Offered by it or a subsidiary")
    technology: strawberry.ID | None = None
    text: str | None = None


def _filter(value: object, info: Info) -> ListFilter:
    if value is None:
        return ListFilter()
    active_on = getattr(value, "active_on", None)
    return ListFilter(
        agency=getattr(value, "agency", None),
        company=getattr(value, "company", None),
        technology=getattr(value, "technology", None),
        active_on=active_on.isoformat() if active_on else None,
        min_amount=getattr(value, "min_amount", None),
        text=bounded_text(info, getattr(value, "text", None), "filter.text"),
        via=via.value if (via := getattr(value, "via", None)) is not None else None,
        state=bounded_text(info, getattr(value, "state", None), "filter.state"),
    )


def _order(value: OrderBy | None) -> ListOrder:
    if value is None:
        return ListOrder()
    field: OrderField = value.field.value
    return ListOrder(field=field, descending=value.descending)


async def _list(
    info: Info, kind: str, flt: object, first: int | None, after: str | None,
    order: OrderBy | None,
) -> Connection[Any]:
    ctx = context_of(info)
    size, offset = page_size(info, first), decode_cursor(after)
    page = await asyncio.to_thread(
        ctx.store.list_nodes, kind, _filter(flt, info), _order(order), size, offset
    )
    ctx.loaders.prime(page.nodes)
    await prefetch(info, page.nodes, connection_nodes(info))
    return connection([wrap(n) for n in page.nodes], offset, page.total_count)


@strawberry.type(description="A page of reach answers; on a date, how many undated contracts "
                 "were left out")
class ReachConnection(Connection[Reach]):
    undated_excluded: int | None = strawberry.field(
        default=None, description="With asOf: undated contracts (no period of performance, no "
        "action) the search met and left out (0 with includeUndated)")


async def _reach(
    info: Info, from_kinds: list[str], to: str, as_of: date | None, max_hops: int | None,
    first: int | None, after: str | None, paths_per_subject: int,
    flt: ReachFilterInput | None = None, order: ReachOrderBy | None = None,
    roll: RollUp = RollUp.PARENT, include_undated: bool = False,
) -> ReachConnection:
    ctx = context_of(info)
    if max_hops is not None and not 0 < max_hops <= MAX_HOPS:
        raise BadUserInput(f"maxHops must be between 1 and {MAX_HOPS}")
    if not 0 <= paths_per_subject <= 20:
        raise BadUserInput("pathsPerSubject must be between 0 and 20")
    wanted = reach_filter(flt)
    check(MODEL, from_kinds, to, wanted)
    size, offset = page_size(info, first), decode_cursor(after)
    target = await ctx.loaders.nodes.load(to)
    if target is None:
        raise BadUserInput(f"no node {to!r} in the graph")
    # Narrowed chains keep only the paths through kept contracts: ask for more to choose from.
    asked = 20 if wanted.on_contracts else paths_per_subject

    def answer() -> tuple[list[ReachAnswer], int | None]:
        day = as_of.isoformat() if as_of else None
        undated: int | None = None
        if roll is RollUp.NONE and "Company" in from_kinds:
            found = reach_alone(ctx.store, from_kinds, to, day, max_hops, asked)
        elif day is None:
            found = ctx.store.reach(from_kinds, to, None, max_hops, asked)
        else:
            found, undated = ctx.store.reach_dated(from_kinds, to, day, include_undated,
                                                   max_hops, asked)
        if roll is RollUp.PARENT:
            found = roll_up(ctx.store, found, asked)  # before filters: they see whole families
        found = refine(ctx.store, found, wanted, paths_per_subject)
        way = order or ReachOrderBy()
        return ordered(ctx.store, found, way.field.value, way.descending), undated

    answers, undated = await asyncio.to_thread(answer)
    page = [Reach(answer=a) for a in answers[offset : offset + size]]
    await prefetch_subjects(info, [r.answer.subject for r in page])
    found = connection(page, offset, len(answers))
    return ReachConnection(total_count=found.total_count, edges=found.edges,
                           page_info=found.page_info, undated_excluded=undated)


def _target(to: strawberry.ID | None, domain: strawberry.ID | None) -> str:
    if (to is None) == (domain is None):
        raise BadUserInput("give the target as `to` (any node id) or `domain`, not both")
    return str(to if to is not None else domain)


@strawberry.type
class Query:
    @strawberry.field(description="One node by id")
    async def node(self, info: Info, id: strawberry.ID) -> NodeInterface | None:
        found = await load_nodes(info, [str(id)])
        if not found:
            # An id a source used for an entity since joined to another answers that entity.
            store = context_of(info).store
            canonical = (await asyncio.to_thread(store.canonical_ids, [str(id)])).get(str(id))
            found = await load_nodes(info, [canonical]) if canonical else []
        return found[0] if found else None

    @strawberry.field(description="Nodes by id (missing ones are null)")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[NodeInterface | None]:
        if len(ids) > context_of(info).settings.max_first:
            raise ApiError(f"at most {context_of(info).settings.max_first} ids")
        found = await context_of(info).loaders.nodes.load_many([str(i) for i in ids])
        return [wrap(n) if n else None for n in found]

    @strawberry.field(description="Names and aliases containing the text, ignoring case/accents")
    async def search(
        self, info: Info, text: str, kinds: list[KindValue] | None = None, first: int = 20
    ) -> list[NodeInterface]:
        ctx = context_of(info)
        bounded_text(info, text, "text")
        found = await asyncio.to_thread(
            ctx.store.search, text, [k.value for k in kinds] if kinds else None,
            page_size(info, first),
        )
        ctx.loaders.prime(found)
        await prefetch(info, found, field_selections(info))
        return [wrap(n) for n in found]

    @strawberry.field(description="Entities of fromKinds joined to `to` by the schema's reach "
                      "rules, each with its shortest paths, contracts, money and sources")
    async def reach(
        self, info: Info, from_kinds: list[KindValue], to: strawberry.ID,
        as_of: date | None = None, max_hops: int | None = None, first: int | None = None,
        after: str | None = None, paths_per_subject: int = 3,
        filter: ReachFilterInput | None = None, order_by: ReachOrderBy | None = None,
        roll_up: RollUp = RollUp.PARENT, include_undated: bool = False,
    ) -> ReachConnection:
        if not from_kinds:
            raise BadUserInput("fromKinds must name at least one kind")
        kinds = [k.value for k in from_kinds]
        return await _reach(info, kinds, str(to), as_of, max_hops, first, after,
                            paths_per_subject, filter, order_by, roll_up, include_undated)

    @strawberry.field(description="Products that reach a target (a domain, an agency, a "
                      "community, a technology), with their evidence")
    async def products_reaching(
        self, info: Info, domain: strawberry.ID | None = None, to: strawberry.ID | None = None,
        as_of: date | None = None, first: int | None = None, after: str | None = None,
        paths_per_subject: int = 3, filter: ReachFilterInput | None = None,
        order_by: ReachOrderBy | None = None, include_undated: bool = False,
    ) -> ReachConnection:
        return await _reach(info, ["Product"], _target(to, domain), as_of, None, first, after,
                            paths_per_subject, filter, order_by, include_undated=include_undated)

    @strawberry.field(description="Companies that reach a target (a domain, an agency, a "
                      "community, a technology), with their evidence")
    async def companies_reaching(
        self, info: Info, domain: strawberry.ID | None = None, to: strawberry.ID | None = None,
        as_of: date | None = None, first: int | None = None, after: str | None = None,
        paths_per_subject: int = 3, filter: ReachFilterInput | None = None,
        order_by: ReachOrderBy | None = None, roll_up: RollUp = RollUp.PARENT,
        include_undated: bool = False,
    ) -> ReachConnection:
        return await _reach(info, ["Company"], _target(to, domain), as_of, None, first, after,
                            paths_per_subject, filter, order_by, roll_up, include_undated)

    @strawberry.field(description="Paths between two nodes over ties of any type, either way. "
                      "With `first` or `through`: the first N simple paths by length, then "
                      "node ids (maxHops <= 6, first <= 50); without: the shortest ones (<= 10)")
    async def paths(
        self, info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID, max_hops: int = 6, first: int | None = None,
        through: list[str] | None = None,
    ) -> list[PathType]:
        return await paths_between(info, str(from_), str(to), max_hops, first, through)

    @strawberry.field(description="Contracts passing the filter")
    async def contracts(
        self, info: Info, filter: ContractFilter | None = None, first: int | None = None,
        after: str | None = None, order_by: OrderBy | None = None,
    ) -> Connection[Contract]:
        return await _list(info, "Contract", filter, first, after, order_by)

    @strawberry.field(description="Companies passing the filter")
    async def companies(
        self, info: Info, filter: CompanyFilter | None = None, first: int | None = None,
        after: str | None = None, order_by: OrderBy | None = None,
    ) -> Connection[Company]:
        return await _list(info, "Company", filter, first, after, order_by)

    @strawberry.field(description="Agencies passing the filter")
    async def agencies(
        self, info: Info, filter: AgencyFilter | None = None, first: int | None = None,
        after: str | None = None, order_by: OrderBy | None = None,
    ) -> Connection[Agency]:
        return await _list(info, "Agency", filter, first, after, order_by)

    @strawberry.field(description="Products passing the filter")
    async def products(
        self, info: Info, filter: ProductFilter | None = None, first: int | None = None,
        after: str | None = None, order_by: OrderBy | None = None,
    ) -> Connection[Product]:
        return await _list(info, "Product", filter, first, after, order_by)

    @strawberry.field(description="Contract counts and sums, grouped; a contract tied to "
                      "several groups (two technologies) counts in each; by COMPANY, a "
                      "corporate family is one row under rollUp PARENT (the default)")
    async def spending(
        self, info: Info, group_by: list[SpendingGroup], filter: ContractFilter | None = None,
        roll_up: RollUp = RollUp.PARENT,
    ) -> list[SpendingRow]:
        groups: list[GroupKey] = list(dict.fromkeys(g.value for g in group_by))
        rows = await asyncio.to_thread(spending_rolled, context_of(info).store, groups,
                                       _filter(filter, info), roll_up)
        return [SpendingRow(keys=r.keys, count=r.count, obligated=r.obligated,
                            potential=r.potential, basis=r.basis, member_ids=members)
                for r, members in rows]

    load_job: LoadJob | None = strawberry.field(
        resolver=load_job, description="A load the `load` mutation left running: its status "
        "and, once done, its summary (needs the API key)")

    @strawberry.field(description="The analysts' identity judgements: who, why, when")
    async def judgements(self, info: Info) -> list[JudgementType]:
        found = await asyncio.to_thread(context_of(info).store.judgements)
        return [JudgementType.of(j) for j in found]

    @strawberry.field(description="Counts by node kind and by relationship type")
    async def stats(self, info: Info) -> strawberry.scalars.JSON:
        result = await asyncio.to_thread(context_of(info).store.stats)
        return cast(strawberry.scalars.JSON, result.to_dict())


def build_schema(settings: Settings) -> strawberry.Schema:
    # Every kind's type is listed: some (SourceNode) are reached only through the interface.
    schema = GuardedSchema(query=Query, mutation=Mutation, types=list(TYPES.values()),
                           extensions=guard_extensions(settings),
                           execution_context_class=FastExecutionContext)
    install_direct_resolvers(schema)
    return schema
