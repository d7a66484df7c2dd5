"""GraphQL types written against schema/model.yaml: the `Kind` enum is built from it, every kind
has a type carrying its schema properties (tests/test_api_schema.py checks they stay in step),
and neighbour fields follow the schema's relationship types through the request's loaders.
"""

from __future__ import annotations

import asyncio
import base64
import enum
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from graph_service.api.context import ApiError, Context, context_of, page_size
from graph_service.api.loaders import Hop, chosen_ids, chosen_pairs, other_end
from graph_service.api.ownership import choose_parent, latest_first
from graph_service.api.provenance import Provenance, provenance_of, statements_of
from graph_service.domain_model import load_model
from graph_service.records import Edge, Node
from graph_service.statements import edge_entity
from graph_service.stores.base import Direction as TieDirection
from graph_service.stores.base import Path, ReachAnswer

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


# -- helpers ------------------------------------------------------------------------------------


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


def check_types(types: Sequence[str] | None) -> tuple[str, ...] | None:
    if types is None:
        return None
    unknown = [t for t in types if t not in MODEL.relationships]
    if unknown:
        raise ApiError(f"unknown relationship type {', '.join(unknown)}")
    return tuple(sorted(set(types)))


def wrap(node: Node) -> NodeInterface:
    """The GraphQL object for a node of any kind (common fields as plain attributes: the
    cheapest fields for strawberry to resolve, and the most often asked)."""
    return TYPES[node.kind](
        record=node, id=strawberry.ID(node.id), kind=_KINDS[node.kind], name=node.name,
        aliases=list(node.aliases),
    )


def _as_date(value: object) -> date | None:
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


def _bare(node_id: str) -> Node:
    return Node(node_id, MODEL.kind_for_id(node_id) or "Source", "")


async def load_nodes(info: Info, ids: Sequence[str]) -> list[NodeInterface]:
    """Nodes by id, missing ones left out."""
    nodes = await context_of(info).loaders.nodes.load_many(list(ids))
    return [wrap(node) for node in nodes if node is not None]


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


# Resolver function -> the ties it follows (prefetch.py reads the selected fields' hops).
HOPS: dict[Callable[..., Any], Hop] = {}
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


def _many(types: tuple[str, ...], direction: TieDirection, description: str,
          kinds: tuple[str, ...] | None = None) -> Any:
    """A neighbour list field following `types` (ordered by the other end's id)."""
    hop = Hop(types, direction, kinds)

    def resolve(root: NodeInterface, info: Info, first: int | None = None) -> Any:
        return follow(info, root.record.id, hop, first)

    HOPS[resolve] = hop
    return strawberry.field(resolver=resolve, description=description)


def _one(types: tuple[str, ...], direction: TieDirection, description: str) -> Any:
    """A to-one neighbour field (the smallest id, should there be several ties)."""
    hop = Hop(types, direction, to_one=True)

    def resolve(root: NodeInterface, info: Info) -> Any:
        return follow(info, root.record.id, hop, None)

    HOPS[resolve] = hop
    return strawberry.field(resolver=resolve, description=description)


def _text(key: str) -> Any:
    def resolve(root: NodeInterface) -> str | None:
        value = root.record.properties.get(key)
        return None if value is None else str(value)

    return strawberry.field(resolver=resolve, description=_describe(key))


def _float(key: str) -> Any:
    def resolve(root: NodeInterface) -> float | None:
        value = root.record.properties.get(key)
        return float(value) if isinstance(value, int | float) else None

    return strawberry.field(resolver=resolve, description=_describe(key))


def _int(key: str) -> Any:
    def resolve(root: NodeInterface) -> int | None:
        value = root.record.properties.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return strawberry.field(resolver=resolve, description=_describe(key))


def _date(key: str) -> Any:
    def resolve(root: NodeInterface) -> date | None:
        return _as_date(root.record.properties.get(key))

    return strawberry.field(resolver=resolve, description=_describe(key))


def _describe(key: str) -> str | None:
    for spec in MODEL.kinds.values():
        prop = spec.properties.get(key)
        if prop is not None and prop.description:
            return prop.description
    return None


# -- evidence -----------------------------------------------------------------------------------


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
        return _as_date(self._prop("published"))

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
        return [wrap(_bare(node_id)) for node_id in ids]
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
    async def from_node(self, info: Info) -> NodeInterface | None:
        found = await load_nodes(info, [self.record.source])
        return found[0] if found else None

    @strawberry.field
    async def to_node(self, info: Info) -> NodeInterface | None:
        found = await load_nodes(info, [self.record.target])
        return found[0] if found else None


def edge_type(edge: Edge) -> EdgeType:
    return EdgeType(record=edge, type=edge.type, from_=strawberry.ID(edge.source),
                    to=strawberry.ID(edge.target), status=edge.status)


@strawberry.type(description="A tie of a node and the node at its other end")
class Neighbour:
    edge: EdgeType
    node: NodeInterface


@strawberry.type(name="Path", description="nodes[i] and nodes[i+1] are joined by edges[i]")
class PathType:
    record: strawberry.Private[Path]

    @strawberry.field
    def nodes(self, info: Info) -> list[NodeInterface]:
        return known_nodes(info, self.record.nodes)

    @strawberry.field
    def edges(self) -> list[EdgeType]:
        return [edge_type(e) for e in self.record.edges]

    @strawberry.field
    def length(self) -> int:
        return len(self.record.edges)


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

    @strawberry.field
    def first_seen(self) -> date | None:
        return _as_date(self.record.first_seen)

    @strawberry.field
    def last_seen(self) -> date | None:
        return _as_date(self.record.last_seen)

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


@strawberry.type(description=MODEL.kinds["Company"].description)
class Company(NodeInterface):
    uei: str | None = _text("uei")
    duns: str | None = _text("duns")
    cage: str | None = _text("cage")
    city: str | None = _text("city")
    state: str | None = _text("state")
    country: str | None = _text("country")
    website: str | None = _text("website")

    contracts: list[Contract] = _many(
        ("AWARDED_TO",), "in", "Contracts awarded to this company (AWARDED_TO)")
    products: list[Product] = _many(("OFFERS",), "out", "Products it offers (OFFERS)")
    @strawberry.field(description="Its parent (SUBSIDIARY_OF) in force on asOf (the one most "
                      "recently stated by then), else the latest stated")
    async def parent(self, info: Info, as_of: date | None = None) -> Company | None:
        ties = await _parent_ties(info, self.record.id)
        chosen = choose_parent(ties, as_of.isoformat() if as_of else None)
        found = await load_nodes(info, [chosen.target]) if chosen else []
        return cast(Company, found[0]) if found else None

    @strawberry.field(description="Every parent any source states, with dates and sources")
    async def parents(self, info: Info) -> list[ParentTie]:
        ties = await _parent_ties(info, self.record.id)
        found = {n.record.id: n for n in await load_nodes(info, [t.target for t in ties])}
        return [ParentTie(company=cast(Company, found[t.target]), tie=edge_type(t))
                for t in sorted(ties, key=latest_first) if t.target in found]

    subsidiaries: list[Company] = _many(
        ("SUBSIDIARY_OF",), "in", "Its subsidiaries (SUBSIDIARY_OF)")
    supplies: list[Agency] = _many(
        ("SUPPLIES",), "out", "Agencies it is reported to supply (SUPPLIES)")


@strawberry.type(description="A parent company as the awards or files state it")
class ParentTie:
    company: Company
    tie: EdgeType

    @strawberry.field(description="Earliest date a source states it")
    def valid_from(self) -> date | None:
        return _as_date(self.tie.record.properties.get("valid_from"))

    @strawberry.field(description="Latest date a source states it")
    def valid_to(self) -> date | None:
        return _as_date(self.tie.record.properties.get("valid_to"))

    @strawberry.field
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.tie.record.sources)


async def _parent_ties(info: Info, company: str) -> list[Edge]:
    store = context_of(info).store
    return await asyncio.to_thread(store.edges, [company], ["SUBSIDIARY_OF"], "out")


@strawberry.type(description=MODEL.kinds["Product"].description)
class Product(NodeInterface):
    description: str | None = _text("description")
    website: str | None = _text("website")

    companies: list[Company] = _many(("OFFERS",), "in", "Companies offering it (OFFERS)")
    contracts: list[Contract] = _many(("COVERS",), "in", "Contracts covering it (COVERS)")
    technologies: list[Technology] = _many(
        ("OF_TECHNOLOGY",), "out", "Its technology categories (OF_TECHNOLOGY)")
    used_by: list[Agency] = _many(("USED_BY",), "out", "Agencies reported to use it (USED_BY)")
    affects: list[Community] = _many(("AFFECTS",), "out", "Communities it affects (AFFECTS)")


@strawberry.type(description=MODEL.kinds["Technology"].description)
class Technology(NodeInterface):
    description: str | None = _text("description")
    atlas_name: str | None = _text("atlas_name")

    products: list[Product] = _many(
        ("OF_TECHNOLOGY",), "in", "Products of this technology (OF_TECHNOLOGY)", kinds=("Product",))
    contracts: list[Contract] = _many(
        ("OF_TECHNOLOGY",), "in", "Contracts of this technology (OF_TECHNOLOGY)",
        kinds=("Contract",))
    used_by: list[Agency] = _many(("USED_BY",), "out", "Agencies reported to use it (USED_BY)")


@strawberry.type(description=MODEL.kinds["Agency"].description)
class Agency(NodeInterface):
    code: str | None = _text("code")
    acronym: str | None = _text("acronym")
    level: str | None = _text("level")
    agency_type: str | None = _text("agency_type")
    city: str | None = _text("city")
    county: str | None = _text("county")
    state: str | None = _text("state")

    parent: Agency | None = _one(("PART_OF",), "out", "The agency it is part of (PART_OF)")
    children: list[Agency] = _many(("PART_OF",), "in", "Agencies part of it (PART_OF)")
    contracts: list[Contract] = _many(
        ("AWARDED_BY", "FUNDED_BY"), "in", "Contracts it awarded or funded (AWARDED_BY, FUNDED_BY)")
    domains: list[Domain] = _many(
        ("OPERATES_IN",), "out", "Mission areas it operates in (OPERATES_IN)")
    products_used: list[Product] = _many(
        ("USED_BY",), "in", "Products reported in use there (USED_BY)", kinds=("Product",))
    suppliers: list[Company] = _many(
        ("SUPPLIES",), "in", "Companies reported to supply it (SUPPLIES)")
    shares_data_with: list[Agency] = _many(
        ("SHARES_DATA_WITH",), "both", "Agencies it shares data with (SHARES_DATA_WITH)")
    affects: list[Community] = _many(("AFFECTS",), "out", "Communities it affects (AFFECTS)")


@strawberry.type(description=MODEL.kinds["Domain"].description)
class Domain(NodeInterface):
    description: str | None = _text("description")

    agencies: list[Agency] = _many(("OPERATES_IN",), "in", "Agencies operating in it (OPERATES_IN)")
    affects: list[Community] = _many(("AFFECTS",), "out", "Communities it affects (AFFECTS)")


@strawberry.type(description=MODEL.kinds["Contract"].description)
class Contract(NodeInterface):
    piid: str | None = _text("piid")
    award_key: str | None = _text("award_key")
    parent_piid: str | None = _text("parent_piid")
    permalink: str | None = _text("permalink")
    description: str | None = _text("description")
    obligated: float | None = _float("obligated")
    potential: float | None = _float("potential")
    start_date: date | None = _date("start_date")
    end_date: date | None = _date("end_date")
    fiscal_year: int | None = _int("fiscal_year")
    psc: str | None = _text("psc")
    psc_description: str | None = _text("psc_description")
    naics: str | None = _text("naics")
    naics_description: str | None = _text("naics_description")
    award_type: str | None = _text("award_type")

    recipient: Company | None = _one(
        ("AWARDED_TO",), "out", "The company it was awarded to (AWARDED_TO)")
    awarding_agency: Agency | None = _one(
        ("AWARDED_BY",), "out", "The agency that awarded it (AWARDED_BY)")
    funding_agency: Agency | None = _one(
        ("FUNDED_BY",), "out", "The agency that funded it (FUNDED_BY)")
    products: list[Product] = _many(("COVERS",), "out", "Products it covers (COVERS)")
    technologies: list[Technology] = _many(
        ("OF_TECHNOLOGY",), "out", "Its technology categories (OF_TECHNOLOGY)")
    parent_award: Contract | None = _one(
        ("CHILD_OF",), "out", "The IDV it is an order of (CHILD_OF)")
    orders: list[Contract] = _many(("CHILD_OF",), "in", "Orders under this IDV (CHILD_OF)")
    prime_contract: Contract | None = _one(
        ("SUBCONTRACT_OF",), "out", "The prime award of this subaward (SUBCONTRACT_OF)")
    subcontracts: list[Contract] = _many(
        ("SUBCONTRACT_OF",), "in", "Subawards under it (SUBCONTRACT_OF)")
    actions: list[ContractAction] = _many(
        ("ACTION_OF",), "in", "Its known actions, e.g. modifications (ACTION_OF)")
    actions_obligated: float | None = _float("actions_obligated")
    actions_count: int | None = _int("actions_count")
    first_action_date: date | None = _date("first_action_date")
    last_action_date: date | None = _date("last_action_date")
    obligated_basis: str | None = _text("obligated_basis")


@strawberry.type(description=MODEL.kinds["ContractAction"].description)
class ContractAction(NodeInterface):
    transaction_key: str | None = _text("transaction_key")
    action_date: date | None = _date("action_date")
    fiscal_year: int | None = _int("fiscal_year")
    modification_number: str | None = _text("modification_number")
    transaction_number: str | None = _text("transaction_number")
    obligation: float | None = _float("obligation")
    action_type: str | None = _text("action_type")
    description: str | None = _text("description")
    permalink: str | None = _text("permalink")

    award: Contract | None = _one(("ACTION_OF",), "out", "The award it acts on (ACTION_OF)")


@strawberry.type(description=MODEL.kinds["Community"].description)
class Community(NodeInterface):
    description: str | None = _text("description")
    place: str | None = _text("place")

    affected_by: list[NodeInterface] = _many(
        ("AFFECTS",), "in", "Domains, agencies and products that affect it (AFFECTS)")
    advocates: list[NodeInterface] = _many(
        ("ADVOCATES_FOR",), "in", "Who advocates for it (ADVOCATES_FOR)")


@strawberry.type(description=MODEL.kinds["Organization"].description)
class Organization(NodeInterface):
    org_type: str | None = _text("org_type")
    website: str | None = _text("website")

    reviews: list[NodeInterface] = _many(("REVIEWS",), "out", "What it reviews (REVIEWS)")
    pressures: list[NodeInterface] = _many(("PRESSURES",), "out", "Whom it pressures (PRESSURES)")
    advocates_for: list[Community] = _many(
        ("ADVOCATES_FOR",), "out", "Communities it advocates for (ADVOCATES_FOR)")
    spokespeople: list[Person] = _many(
        ("SPEAKS_FOR",), "in", "People who speak for it (SPEAKS_FOR)")


@strawberry.type(description=MODEL.kinds["Person"].description)
class Person(NodeInterface):
    role: str | None = _text("role")

    speaks_for: list[NodeInterface] = _many(
        ("SPEAKS_FOR",), "out", "Whom they speak for (SPEAKS_FOR)")
    reviews: list[NodeInterface] = _many(("REVIEWS",), "out", "What they review (REVIEWS)")
    pressures: list[NodeInterface] = _many(("PRESSURES",), "out", "Whom they pressure (PRESSURES)")


@strawberry.type(
    name="SourceNode",
    description="A Source as a node of the graph (as evidence it is the `Source` type)",
)
class SourceNode(NodeInterface):
    url: str | None = _text("url")
    title: str | None = _text("title")
    publisher: str | None = _text("publisher")
    published: date | None = _date("published")
    source_kind: str | None = _text("source_kind")
    retrieved_at: str | None = _text("retrieved_at")
    excerpt: str | None = _text("excerpt")
    archive_url: str | None = _text("archive_url")
    sha256: str | None = _text("sha256")
    format: str | None = _text("format")
    loaded_at: str | None = _text("loaded_at")

    @strawberry.field(description="Nodes this source supports are listed by the stores' ties")
    def as_source(self) -> Source:
        return Source(id=strawberry.ID(self.record.id), record=self.record)


TYPES: dict[str, type[NodeInterface]] = {
    "Company": Company,
    "Product": Product,
    "Technology": Technology,
    "Agency": Agency,
    "Domain": Domain,
    "Contract": Contract,
    "ContractAction": ContractAction,
    "Community": Community,
    "Organization": Organization,
    "Person": Person,
    "Source": SourceNode,
}


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
        return wrap(node)

    @strawberry.field(description="The shortest evidence paths, subject first, target last")
    def paths(self) -> list[PathType]:
        return [PathType(record=p) for p in self.answer.paths]

    @strawberry.field(description="Every contract on a reaching chain")
    def contracts(self, info: Info) -> list[Contract]:
        return known_nodes(info, self.answer.contracts)

    @strawberry.field(description="Obligated total of those contracts, each counted once")
    def total_obligated(self) -> float | None:
        return self.answer.total_obligated

    @strawberry.field(description="Sources of every tie and contract on the chains")
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.answer.sources)

    @strawberry.field(description="The reach rules of schema/model.yaml that matched")
    def rules(self) -> list[str]:
        return list(self.answer.rules)


T = TypeVar("T")


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
