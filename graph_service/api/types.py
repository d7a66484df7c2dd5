"""GraphQL types written against schema/model.yaml: the `Kind` enum is built from it, every kind
has a type carrying its schema properties (tests/test_api_schema.py checks they stay in step),
and neighbour fields follow the schema's relationship types through the request's loaders.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from graph_service.api.context import ApiError, context_of, page_size
from graph_service.domain_model import load_model
from graph_service.records import Edge, Node
from graph_service.stores.base import Path, ReachAnswer

MODEL = load_model()

_KindEnum = enum.Enum(  # type: ignore[misc]
    "Kind", {name.upper(): name for name in MODEL.kinds}
)
Kind = strawberry.enum(_KindEnum, name="Kind", description="Node kinds of schema/model.yaml")
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
        record=node, id=strawberry.ID(node.id), kind=Kind(node.kind), name=node.name,
        aliases=list(node.aliases),
    )


def _as_date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _other(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


_ID_FIELDS = frozenset({"id", "kind", "__typename"})


def asks_only_ids(info: Info) -> bool:
    """True when the field's selection is only id/kind/__typename (no fragments), so nodes
    known to exist need not be read: their kind follows from their id's prefix."""
    return all(
        isinstance(selection, SelectedField) and selection.name in _ID_FIELDS
        for field in info.selected_fields
        for selection in field.selections
    )


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
    pairs = sorted(
        ((tie, _other(tie, node_id)) for tie in ties
         if kinds is None or MODEL.kind_for_id(_other(tie, node_id)) in kinds),
        key=lambda pair: (pair[1], pair[0].type, pair[0].source),
    )[:first]
    nodes = await ctx.loaders.nodes.load_many([other for _, other in pairs])
    return [(tie, node) for (tie, _), node in zip(pairs, nodes, strict=True) if node is not None]


async def neighbours(
    info: Info,
    node_id: str,
    types: tuple[str, ...],
    direction: str,
    first: int | None = None,
    kinds: Sequence[str] | None = None,
) -> list[Any]:
    pairs = await neighbour_pairs(info, node_id, types, direction, kinds, page_size(info, first))
    seen: set[str] = set()
    out = []
    for _, node in pairs:
        if node.id not in seen:
            seen.add(node.id)
            out.append(wrap(node))
    return out


async def neighbour(
    info: Info, node_id: str, types: tuple[str, ...], direction: str
) -> Any | None:
    """The one node a to-one tie leads to (the smallest id, should there be several)."""
    loaders = context_of(info).loaders
    ties = await loaders.edges.load((node_id, types, direction))  # type: ignore[arg-type]
    if not ties:
        return None
    other = min(_other(tie, node_id) for tie in ties)
    found = await loaders.nodes.load(other)
    return wrap(found) if found is not None else None


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

    @strawberry.field
    def type(self) -> str:
        return self.record.type

    @strawberry.field(name="from")
    def from_(self) -> strawberry.ID:
        return strawberry.ID(self.record.source)

    @strawberry.field
    def to(self) -> strawberry.ID:
        return strawberry.ID(self.record.target)

    @strawberry.field(description="reported (a source states it) or inferred (a rule derived it)")
    def status(self) -> str:
        return self.record.status

    @strawberry.field(description="rule, matched, amount, valid_from, valid_to, role, note ...")
    def properties(self) -> JSON:
        return cast(JSON, dict(sorted(self.record.properties.items())))

    @strawberry.field
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.record.sources)

    @strawberry.field
    async def from_node(self, info: Info) -> NodeInterface | None:
        found = await load_nodes(info, [self.record.source])
        return found[0] if found else None

    @strawberry.field
    async def to_node(self, info: Info) -> NodeInterface | None:
        found = await load_nodes(info, [self.record.target])
        return found[0] if found else None


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
        return [EdgeType(record=e) for e in self.record.edges]

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
        return [Neighbour(edge=EdgeType(record=e), node=wrap(n)) for e, n in pairs]


@strawberry.type(description=MODEL.kinds["Company"].description)
class Company(NodeInterface):
    uei: str | None = _text("uei")
    duns: str | None = _text("duns")
    cage: str | None = _text("cage")
    city: str | None = _text("city")
    state: str | None = _text("state")
    country: str | None = _text("country")
    website: str | None = _text("website")

    @strawberry.field(description="Contracts awarded to this company (AWARDED_TO)")
    async def contracts(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(info, self.record.id, ("AWARDED_TO",), "in", first)

    @strawberry.field(description="Products it offers (OFFERS)")
    async def products(self, info: Info, first: int | None = None) -> list[Product]:
        return await neighbours(info, self.record.id, ("OFFERS",), "out", first)

    @strawberry.field(description="Its parent company (SUBSIDIARY_OF)")
    async def parent(self, info: Info) -> Company | None:
        return await neighbour(info, self.record.id, ("SUBSIDIARY_OF",), "out")

    @strawberry.field(description="Its subsidiaries (SUBSIDIARY_OF)")
    async def subsidiaries(self, info: Info, first: int | None = None) -> list[Company]:
        return await neighbours(info, self.record.id, ("SUBSIDIARY_OF",), "in", first)

    @strawberry.field(description="Agencies it is reported to supply (SUPPLIES)")
    async def supplies(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("SUPPLIES",), "out", first)


@strawberry.type(description=MODEL.kinds["Product"].description)
class Product(NodeInterface):
    description: str | None = _text("description")
    website: str | None = _text("website")

    @strawberry.field(description="Companies offering it (OFFERS)")
    async def companies(self, info: Info, first: int | None = None) -> list[Company]:
        return await neighbours(info, self.record.id, ("OFFERS",), "in", first)

    @strawberry.field(description="Contracts covering it (COVERS)")
    async def contracts(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(info, self.record.id, ("COVERS",), "in", first)

    @strawberry.field(description="Its technology categories (OF_TECHNOLOGY)")
    async def technologies(self, info: Info, first: int | None = None) -> list[Technology]:
        return await neighbours(info, self.record.id, ("OF_TECHNOLOGY",), "out", first)

    @strawberry.field(description="Agencies reported to use it (USED_BY)")
    async def used_by(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("USED_BY",), "out", first)

    @strawberry.field(description="Communities it affects (AFFECTS)")
    async def affects(self, info: Info, first: int | None = None) -> list[Community]:
        return await neighbours(info, self.record.id, ("AFFECTS",), "out", first)


@strawberry.type(description=MODEL.kinds["Technology"].description)
class Technology(NodeInterface):
    description: str | None = _text("description")
    atlas_name: str | None = _text("atlas_name")

    @strawberry.field(description="Products of this technology (OF_TECHNOLOGY)")
    async def products(self, info: Info, first: int | None = None) -> list[Product]:
        return await neighbours(info, self.record.id, ("OF_TECHNOLOGY",), "in", first, ["Product"])

    @strawberry.field(description="Contracts of this technology (OF_TECHNOLOGY)")
    async def contracts(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(
            info, self.record.id, ("OF_TECHNOLOGY",), "in", first, ["Contract"]
        )

    @strawberry.field(description="Agencies reported to use it (USED_BY)")
    async def used_by(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("USED_BY",), "out", first)


@strawberry.type(description=MODEL.kinds["Agency"].description)
class Agency(NodeInterface):
    code: str | None = _text("code")
    acronym: str | None = _text("acronym")
    level: str | None = _text("level")
    agency_type: str | None = _text("agency_type")
    city: str | None = _text("city")
    county: str | None = _text("county")
    state: str | None = _text("state")

    @strawberry.field(description="The agency it is part of (PART_OF)")
    async def parent(self, info: Info) -> Agency | None:
        return await neighbour(info, self.record.id, ("PART_OF",), "out")

    @strawberry.field(description="Agencies part of it (PART_OF)")
    async def children(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("PART_OF",), "in", first)

    @strawberry.field(description="Contracts it awarded or funded (AWARDED_BY, FUNDED_BY)")
    async def contracts(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(info, self.record.id, ("AWARDED_BY", "FUNDED_BY"), "in", first)

    @strawberry.field(description="Mission areas it operates in (OPERATES_IN)")
    async def domains(self, info: Info, first: int | None = None) -> list[Domain]:
        return await neighbours(info, self.record.id, ("OPERATES_IN",), "out", first)

    @strawberry.field(description="Products reported in use there (USED_BY)")
    async def products_used(self, info: Info, first: int | None = None) -> list[Product]:
        return await neighbours(info, self.record.id, ("USED_BY",), "in", first, ["Product"])

    @strawberry.field(description="Companies reported to supply it (SUPPLIES)")
    async def suppliers(self, info: Info, first: int | None = None) -> list[Company]:
        return await neighbours(info, self.record.id, ("SUPPLIES",), "in", first)

    @strawberry.field(description="Agencies it shares data with (SHARES_DATA_WITH)")
    async def shares_data_with(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("SHARES_DATA_WITH",), "both", first)

    @strawberry.field(description="Communities it affects (AFFECTS)")
    async def affects(self, info: Info, first: int | None = None) -> list[Community]:
        return await neighbours(info, self.record.id, ("AFFECTS",), "out", first)


@strawberry.type(description=MODEL.kinds["Domain"].description)
class Domain(NodeInterface):
    description: str | None = _text("description")

    @strawberry.field(description="Agencies operating in it (OPERATES_IN)")
    async def agencies(self, info: Info, first: int | None = None) -> list[Agency]:
        return await neighbours(info, self.record.id, ("OPERATES_IN",), "in", first)

    @strawberry.field(description="Communities it affects (AFFECTS)")
    async def affects(self, info: Info, first: int | None = None) -> list[Community]:
        return await neighbours(info, self.record.id, ("AFFECTS",), "out", first)


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

    @strawberry.field(description="The company it was awarded to (AWARDED_TO)")
    async def recipient(self, info: Info) -> Company | None:
        return await neighbour(info, self.record.id, ("AWARDED_TO",), "out")

    @strawberry.field(description="The agency that awarded it (AWARDED_BY)")
    async def awarding_agency(self, info: Info) -> Agency | None:
        return await neighbour(info, self.record.id, ("AWARDED_BY",), "out")

    @strawberry.field(description="The agency that funded it (FUNDED_BY)")
    async def funding_agency(self, info: Info) -> Agency | None:
        return await neighbour(info, self.record.id, ("FUNDED_BY",), "out")

    @strawberry.field(description="Products it covers (COVERS)")
    async def products(self, info: Info, first: int | None = None) -> list[Product]:
        return await neighbours(info, self.record.id, ("COVERS",), "out", first)

    @strawberry.field(description="Its technology categories (OF_TECHNOLOGY)")
    async def technologies(self, info: Info, first: int | None = None) -> list[Technology]:
        return await neighbours(info, self.record.id, ("OF_TECHNOLOGY",), "out", first)

    @strawberry.field(description="The IDV it is an order of (CHILD_OF)")
    async def parent_award(self, info: Info) -> Contract | None:
        return await neighbour(info, self.record.id, ("CHILD_OF",), "out")

    @strawberry.field(description="Orders under this IDV (CHILD_OF)")
    async def orders(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(info, self.record.id, ("CHILD_OF",), "in", first)

    @strawberry.field(description="The prime award of this subaward (SUBCONTRACT_OF)")
    async def prime_contract(self, info: Info) -> Contract | None:
        return await neighbour(info, self.record.id, ("SUBCONTRACT_OF",), "out")

    @strawberry.field(description="Subawards under it (SUBCONTRACT_OF)")
    async def subcontracts(self, info: Info, first: int | None = None) -> list[Contract]:
        return await neighbours(info, self.record.id, ("SUBCONTRACT_OF",), "in", first)


@strawberry.type(description=MODEL.kinds["Community"].description)
class Community(NodeInterface):
    description: str | None = _text("description")
    place: str | None = _text("place")

    @strawberry.field(description="Domains, agencies and products that affect it (AFFECTS)")
    async def affected_by(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("AFFECTS",), "in", first)

    @strawberry.field(description="Who advocates for it (ADVOCATES_FOR)")
    async def advocates(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("ADVOCATES_FOR",), "in", first)


@strawberry.type(description=MODEL.kinds["Organization"].description)
class Organization(NodeInterface):
    org_type: str | None = _text("org_type")
    website: str | None = _text("website")

    @strawberry.field(description="What it reviews (REVIEWS)")
    async def reviews(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("REVIEWS",), "out", first)

    @strawberry.field(description="Whom it pressures (PRESSURES)")
    async def pressures(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("PRESSURES",), "out", first)

    @strawberry.field(description="Communities it advocates for (ADVOCATES_FOR)")
    async def advocates_for(self, info: Info, first: int | None = None) -> list[Community]:
        return await neighbours(info, self.record.id, ("ADVOCATES_FOR",), "out", first)

    @strawberry.field(description="People who speak for it (SPEAKS_FOR)")
    async def spokespeople(self, info: Info, first: int | None = None) -> list[Person]:
        return await neighbours(info, self.record.id, ("SPEAKS_FOR",), "in", first)


@strawberry.type(description=MODEL.kinds["Person"].description)
class Person(NodeInterface):
    role: str | None = _text("role")

    @strawberry.field(description="Whom they speak for (SPEAKS_FOR)")
    async def speaks_for(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("SPEAKS_FOR",), "out", first)

    @strawberry.field(description="What they review (REVIEWS)")
    async def reviews(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("REVIEWS",), "out", first)

    @strawberry.field(description="Whom they pressure (PRESSURES)")
    async def pressures(self, info: Info, first: int | None = None) -> list[NodeInterface]:
        return await neighbours(info, self.record.id, ("PRESSURES",), "out", first)


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
    async def subject(self, info: Info) -> NodeInterface:
        found = await load_nodes(info, [self.answer.subject])
        if not found:
            raise ApiError(f"node {self.answer.subject} disappeared while answering")
        return found[0]

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
