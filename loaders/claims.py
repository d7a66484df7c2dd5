"""What a row becomes: claims (nodes and ties that one source record states), built through
RowOutput with the load's shared context (schema, catalogs, resolvers, tagger, the current
file's Source, origin and record). Nothing here reads the store: a claim depends on its row."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from graph_service.domain_model import DomainModel, load_model
from graph_service.records import (
    Edge,
    Node,
    ValidationError,
    Value,
    validate_edge,
    validate_node,
)
from loaders.catalogs import Catalogs, load_catalogs
from loaders.resolution import AgencyResolver, CompanyResolver, ContractResolver
from loaders.tagging import Tagger
from loaders.values import RowError

CATALOG_SOURCE = "source:survgraph-catalogs"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# -- what a row becomes ---------------------------------------------------------------------------


class RowOutput:
    """Collects the nodes and ties one input record becomes, checking each against the schema."""

    __slots__ = ("_ctx", "edges", "nodes")

    def __init__(self, ctx: LoadContext) -> None:
        self._ctx = ctx
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []

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
        props: dict[str, Value] = {
            k: v for k, v in (properties or {}).items() if v is not None and v != ""
        }
        ctx = self._ctx
        cited = list(sources) or [ctx.file_source]
        node = Node(node_id, kind, name, list(aliases), props, cited, ctx.seen, ctx.seen,
                    ctx.record, "catalog" if cited == [CATALOG_SOURCE] else ctx.origin)
        if self._ctx.validate_rows:
            try:
                validate_node(self._ctx.model, node)
            except ValidationError as exc:
                raise RowError(field_name or exc.field or kind,
                               f"{kind} {node_id}: {exc}") from exc
        self.nodes.append(node)
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
        props: dict[str, Value] = {
            k: v for k, v in (properties or {}).items() if v is not None and v != ""
        }
        ctx = self._ctx
        cited = list(sources) or [ctx.file_source]
        # A rule's guess ranks as inference, below what any source states (schema policy).
        origin = ("catalog" if cited == [CATALOG_SOURCE] else
                  ctx.origin if status == "reported" else "inference")
        edge = Edge(rel_type, source, target, status, props, cited, ctx.seen, ctx.seen,
                    ctx.record, origin)
        if self._ctx.validate_rows:
            try:
                validate_edge(self._ctx.model, edge)
            except ValidationError as exc:
                raise RowError(field_name or exc.field or rel_type,
                               f"{rel_type}: {exc}") from exc
        self.edges.append(edge)

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
        self.validate_rows = True
        # Catalog entities (agencies, domains, technologies, products) shared by the rows of the
        # current batch, and their ids.
        self.static = RowOutput(self)
        self.emitted: set[str] = set()

    def new_batch(self) -> None:
        self.static = RowOutput(self)
        self.emitted = set()
