"""What a row becomes: claims (nodes and ties that one source record states), built through
RowOutput with the load's shared context (schema, catalogs, resolvers, tagger, the current
file's Source, origin and record). Nothing here reads the store: a claim depends on its row."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from graph_service.domain_model import DomainModel, load_model
from graph_service.records import (
    ClaimChecks,
    Edge,
    Node,
    ValidationError,
    Value,
    validate_edge,
    validate_node,
)
from graph_service.statements import (
    Fragment,
    IdentityRow,
    edge_fragment,
    edge_statement,
    identity_rows,
    node_fragment,
    node_statement,
)
from loaders.catalogs import Catalogs, load_catalogs
from loaders.resolution import AgencyResolver, CompanyResolver, ContractResolver
from loaders.tagging import Tagger
from loaders.values import RowError

CATALOG_SOURCE = "source:survgraph-catalogs"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# -- what a row becomes ---------------------------------------------------------------------------


def _stated(properties: dict[str, Value] | None) -> dict[str, Value]:
    """The values a claim states (blanks say nothing): the dict itself when it has no blank (it
    is read, never kept: the statement's body is made from it at once)."""
    if not properties:
        return {}
    values = properties.values()
    if None in values or "" in values:
        return {k: v for k, v in properties.items() if v is not None and v != ""}
    return properties


def _catalog_only(sources: list[str]) -> bool:
    return len(sources) == 1 and sources[0] == CATALOG_SOURCE


class RowOutput:
    """Collects the claims one input record (or one key of a chunk) becomes, as statement rows
    (graph_service/statements.py) with the identifier values they state, each claim checked
    against the schema as it is made so a bad one rejects its row alone."""

    __slots__ = ("_ctx", "edges", "identity", "nodes")

    def __init__(self, ctx: LoadContext) -> None:
        self._ctx = ctx
        self.nodes: list[Fragment] = []
        self.edges: list[Fragment] = []
        self.identity: list[IdentityRow] = []

    def node(
        self,
        node_id: str,
        kind: str,
        name: str,
        properties: dict[str, Value] | None = None,
        aliases: Sequence[str] = (),
        sources: Sequence[str] = (),
        field_name: str = "",
    ) -> str:
        props = _stated(properties)
        ctx = self._ctx
        cited = list(sources) or [ctx.file_source]
        named = list(aliases)
        origin = "catalog" if _catalog_only(cited) else ctx.origin
        if not ctx.checks.node_ok(node_id, kind, name, named, props, cited, ctx.seen, ctx.seen):
            try:  # the full checks, for the precise error
                validate_node(ctx.model, Node(node_id, kind, name, named, props, cited,
                                              ctx.seen, ctx.seen))
            except ValidationError as exc:
                raise RowError(field_name or exc.field or kind,
                               f"{kind} {node_id}: {exc}") from exc
        self.nodes.append(node_statement(ctx.model, node_id, kind, name, named, props, cited,
                                         ctx.seen, ctx.seen, ctx.record, origin))
        self.identity += identity_rows(ctx.model, node_id, kind, props)
        return node_id

    def edge(
        self,
        rel_type: str,
        source: str,
        target: str,
        properties: dict[str, Value] | None = None,
        status: str = "reported",
        sources: Sequence[str] = (),
        field_name: str = "",
    ) -> None:
        if source == target:
            return  # a company that is its own parent, an agency part of itself: no tie
        props = _stated(properties)
        ctx = self._ctx
        cited = list(sources) or [ctx.file_source]
        # A rule's guess ranks as inference, below what any source states (schema policy).
        origin = ("catalog" if _catalog_only(cited) else
                  ctx.origin if status == "reported" else "inference")
        if not ctx.checks.edge_ok(rel_type, source, target, status, props, cited):
            try:
                validate_edge(ctx.model, Edge(rel_type, source, target, status, props, cited))
            except ValidationError as exc:
                raise RowError(field_name or exc.field or rel_type,
                               f"{rel_type}: {exc}") from exc
        self.edges.append(edge_statement(ctx.model, rel_type, source, target, status, props,
                                         cited, ctx.seen, ctx.seen, ctx.record, origin))

    def stated(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
        """Claims a record gives whole (a graph export's lines), already checked by its
        reader: their own sources, days and origin."""
        model = self._ctx.model
        for node in nodes:
            self.nodes.append(node_fragment(model, node))
            self.identity += identity_rows(model, node.id, node.kind, node.properties)
        self.edges += (edge_fragment(model, edge) for edge in edges)

    # -- shared entities ----------------------------------------------------------------------

    def company(
        self,
        name: str | None,
        uei: str | None = None,
        duns: str | None = None,
        properties: dict[str, Value] | None = None,
        field_name: str = "",
    ) -> tuple[str, str] | None:
        """Resolve and emit a company; returns (id, basis) or None when it has no name or id."""
        if not name and not uei and not duns:
            return None
        display = name or f"UEI {uei}" if uei else name or f"DUNS {duns}"
        resolved = self._ctx.companies.resolve(display or "", uei, duns)
        props: dict[str, Value] = dict(properties or {})
        # The identifiers the resolver kept: an entity's UEI/DUNS are never overwritten.
        props.update(uei=resolved.uei, duns=resolved.duns)
        self.node(resolved.id, "Company", display or resolved.id, props, field_name=field_name)
        return resolved.id, resolved.basis

    def agency(
        self, name: str | None, code: str | None = None, field_name: str = "",
        state: str | None = None,
    ) -> tuple[str, str] | None:
        """Resolve and emit an agency (with its catalog parents and domains)."""
        resolved = self._ctx.agencies.resolve(name, code, state)
        if resolved is None:
            return None
        entry = self._ctx.catalogs.agencies.get(resolved.id)
        if entry is not None:
            self.catalog_agency(resolved.id)
            if name and name != entry.name:
                self.node(resolved.id, "Agency", entry.name, aliases=[name], field_name=field_name)
        else:
            self.node(resolved.id, "Agency", name or resolved.id, {"code": code, "state": state},
                      field_name=field_name)
        return resolved.id, resolved.basis

    def catalog_agency(self, agency_id: str) -> None:
        """An agency from the catalog, its PART_OF chain and its domains (emitted once a batch,
        into the batch's shared records)."""
        ctx = self._ctx
        static = ctx.static
        while agency_id and agency_id not in ctx.emitted:
            ctx.emitted.add(agency_id)
            entry = ctx.catalogs.agencies[agency_id]
            props: dict[str, Value] = {
                "acronym": entry.acronym, "code": entry.codes[0] if entry.codes else None,
                "level": entry.level,
            }
            static.node(entry.id, "Agency", entry.name, props,
                      aliases=[a for a in (entry.acronym, *entry.aliases) if a],
                      sources=[ctx.file_source])
            for domain in entry.domains:
                self.domain(domain)
                static.edge("OPERATES_IN", entry.id, domain, {"rule": "agency-catalog"},
                          status="inferred", sources=[CATALOG_SOURCE])
            if entry.parent:
                self.catalog_agency(entry.parent)
                static.edge("PART_OF", entry.id, entry.parent, {"rule": "agency-catalog"},
                          status="inferred", sources=[CATALOG_SOURCE])
            agency_id = ""

    def domain(self, domain_id: str) -> None:
        ctx = self._ctx
        if domain_id in ctx.emitted:
            return
        ctx.emitted.add(domain_id)
        entry = ctx.catalogs.domains[domain_id]
        ctx.static.node(entry.id, "Domain", entry.name, sources=[CATALOG_SOURCE])

    def technology(self, tech_id: str) -> None:
        ctx = self._ctx
        if tech_id in ctx.emitted:
            return
        ctx.emitted.add(tech_id)
        entry = ctx.catalogs.technologies[tech_id]
        ctx.static.node(entry.id, "Technology", entry.name, {"atlas_name": entry.atlas_name},
                  aliases=list(entry.aliases), sources=[CATALOG_SOURCE])

    def product(self, product_id: str) -> None:
        ctx = self._ctx
        if product_id in ctx.emitted:
            return
        ctx.emitted.add(product_id)
        entry = ctx.catalogs.products[product_id]
        static = ctx.static
        static.node(entry.id, "Product", entry.name, sources=[CATALOG_SOURCE])
        self.technology(entry.technology)
        static.edge("OF_TECHNOLOGY", entry.id, entry.technology, {"rule": "product-catalog"},
                    status="inferred", sources=[CATALOG_SOURCE])
        maker = ctx.companies.resolve(entry.maker)
        static.node(maker.id, "Company", entry.maker, sources=[CATALOG_SOURCE])
        static.edge("OFFERS", maker.id, entry.id, {"rule": "product-catalog"}, status="inferred",
                  sources=[CATALOG_SOURCE])

    def tags(
        self,
        contract: str,
        description: str | None,
        psc: str | None = None,
        psc_description: str | None = None,
        naics: str | None = None,
        naics_description: str | None = None,
        vendors: tuple[str | None, ...] = (),
        sources: Sequence[str] = (),
    ) -> None:
        """Technology (OF_TECHNOLOGY) and product (COVERS) tags from the catalog rules."""
        for tag in self._ctx.tagger.tag(description, psc, psc_description, naics,
                                        naics_description, vendors):
            props: dict[str, Value] = {"rule": tag.rule, "matched": tag.matched[:300]}
            if tag.target.startswith("technology:"):
                self.technology(tag.target)
                self.edge("OF_TECHNOLOGY", contract, tag.target, props, "inferred", sources)
            else:
                self.product(tag.target)
                self.edge("COVERS", contract, tag.target, props, "inferred", sources)


def record_source(
    out: RowOutput, url: str, name: str, publisher: str | None = None,
    source_kind: str | None = None, published: str | None = None, key: str | None = None,
) -> str:
    """A per-record Source (a permalink, an article link): id from `key` or the url."""
    node_id = "source:" + (key or "url-" + hashlib.sha1(url.encode()).hexdigest()[:16])
    out.node(node_id, "Source", name, {"url": url, "publisher": publisher,
                                       "source_kind": source_kind, "published": published})
    return node_id


class LoadContext:
    """What builders share during one load: the schema, the catalogs, the resolvers and tagger,
    the current file's Source id, origin and record, and the load's day. Nothing here reads
    the store: what a row says depends on the row alone."""

    def __init__(self, model: DomainModel | None = None, catalogs: Catalogs | None = None,
                 seen: str | None = None) -> None:
        self.model = model or load_model()
        self.catalogs = catalogs or load_catalogs()
        self.companies = CompanyResolver()
        self.agencies = AgencyResolver(self.catalogs)
        self.contracts = ContractResolver()
        self.tagger = Tagger(self.catalogs)
        self.seen = seen or today()
        self.file_source = ""
        self.origin: str | None = None  # the policy's class of the current file's source
        self.record: str | None = None  # "<file name>:<row>" of the row being built
        self.checks = ClaimChecks(self.model)
        # Catalog entities (agencies, domains, technologies, products) shared by the rows of the
        # current batch, and their ids.
        self.static = RowOutput(self)
        self.emitted: set[str] = set()

    def new_batch(self) -> None:
        self.static = RowOutput(self)
        self.emitted = set()
