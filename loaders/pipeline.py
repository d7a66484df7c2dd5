"""The load pipeline every format shares: read -> build records -> validate -> reject or batch ->
upsert, with a Source node per input file, a rejects file, a progress bar and a summary.

Safety rules:
- every input file is checked before anything is written; a file of the wrong shape stops the
  whole load naming its missing columns (`WrongShape`);
- a row that cannot be loaded is listed in the rejects file (file, row, field, reason) and the
  rest goes on;
- writes are batches, each one transaction (wholly or not at all); `dry_run` writes nothing;
- what a row says is written as claims (statements of its source and row, never merged here);
  ids are derived from the data alone and the store's policy derives the graph from the
  statements, so re-loading a file adds nothing and load order changes nothing.
"""

from __future__ import annotations

import abc
import codecs
import csv
import gc
import hashlib
import io
import operator
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from graph_service.domain_model import DomainModel, load_model
from graph_service.records import (
    Batch,
    Edge,
    Node,
    ValidationError,
    Value,
    validate_edge,
    validate_node,
)
from graph_service.safe_csv import SafeWriter
from graph_service.stores.base import GraphStore, WriteResult
from loaders.catalogs import Catalogs, load_catalogs
from loaders.resolution import AgencyResolver, CompanyResolver, ContractResolver, entity_slug
from loaders.tagging import Tagger
from loaders.values import RowError, text

DEFAULT_BATCH_SIZE = 2000
_CLEAN_CACHE = 100_000  # distinct cell texts remembered by a picker
_MISS: Any = object()
CATALOG_SOURCE = "source:survgraph-catalogs"


class WrongShape(ValueError):
    """A file that is not what its loader reads: refused whole, before anything is written."""

    def __init__(self, path: Path, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.missing = list(missing)


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
        self, name: str | None, code: str | None = None, field_name: str = ""
    ) -> tuple[str, str] | None:
        """Resolve and emit an agency (with its catalog parents and domains)."""
        resolved = self._ctx.agencies.resolve(name, code)
        if resolved is None:
            return None
        entry = self._ctx.catalogs.agencies.get(resolved.id)
        if entry is not None:
            self.catalog_agency(resolved.id)
            if name and name != entry.name:
                self.node(resolved.id, "Agency", entry.name, aliases=[name], field_name=field_name)
        else:
            self.node(resolved.id, "Agency", name or resolved.id, {"code": code},
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


# -- input files ----------------------------------------------------------------------------------


class InputFile(abc.ABC):
    """One input file: its records, how a record becomes graph records, and its Source."""

    format_name: str = ""
    source_kind: str = "dataset"
    # Records cite a Source node for the file (False for re-loading exports, which carry theirs).
    cite_file: bool = True
    # Built-in formats build schema-valid records by construction (typed parsers, slug ids), so
    # their rows are checked once, by the store's upsert, with a row-by-row retry pinning any
    # failure on its row. User-defined mappings are checked row by row as they are built, and so
    # is everything in a dry run (which never reaches the store).
    trusted: bool = True
    publisher: str | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.sha256, self.encoding = _fingerprint(path)

    @abc.abstractmethod
    def records(self) -> Iterator[tuple[int, Any]]:
        """(row number, record) pairs, streamed."""

    @abc.abstractmethod
    def build(self, record: Any, out: RowOutput) -> None:
        """Turn one record into nodes and ties on `out`; raise RowError for a bad record."""

    def position(self) -> int:
        """Bytes consumed so far, for the progress bar."""
        return self.size

    def title(self) -> str:
        return self.path.name


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# A cell this long is read (and then refused by validation, naming its row and field) rather
# than stopping the csv module, whose default limit is 128 KiB.
csv.field_size_limit(64 * 1024 * 1024)


def _fingerprint(path: Path) -> tuple[str, str]:
    """sha256 of the bytes, and the encoding: UTF-16/32 when the file starts with their BOM (what
    Excel's "Unicode text" writes), UTF-8 (BOM or not) unless the bytes are not UTF-8, in which
    case cp1252 (what spreadsheets on Windows write; open it with errors="replace")."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    encoding = ""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if not encoding:
                encoding = next((name for bom, name in _BOMS if chunk.startswith(bom)), "-")
                utf8 = encoding == "-"
            digest.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if encoding not in ("", "-"):
        return digest.hexdigest(), encoding
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), ("utf-8-sig" if utf8 else "cp1252")


def read_text(path: Path) -> str:
    """A whole file as text, in the encoding `_fingerprint` finds (for JSON inputs)."""
    return path.read_text(encoding=_fingerprint(path)[1], errors="replace")


class CsvFile(InputFile):
    """A CSV file read as lists; `required` columns must all be in the header."""

    required: tuple[str, ...] = ()
    delimiter: str = ","  # a subclass or instance may read tab- or semicolon-separated files

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._raw: io.BufferedReader | None = None
        try:
            with self._open() as handle:
                header = next(csv.reader(handle, delimiter=self.delimiter), None)
        except csv.Error as exc:
            raise WrongShape(path, f"the header row is not readable CSV: {exc}") from exc
        if not header:
            raise WrongShape(path, "the file is empty (no header row)")
        self.header = [h.strip() for h in header]
        self.columns = {name: i for i, name in enumerate(self.header)}
        missing = [c for c in self.required if c not in self.columns]
        if missing:
            raise WrongShape(
                path, f"not a {self.format_name} file: missing columns {', '.join(missing)}",
                missing,
            )

    def _open(self) -> TextIO:
        raw = self.path.open("rb")
        self._raw = raw
        return io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")

    def records(self) -> Iterator[tuple[int, Any]]:
        width = len(self.header)
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            # Row numbers count records as a spreadsheet shows them: the header is row 1.
            number = 1
            while True:
                number += 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # the reader goes on with the next line
                    yield number, RowError("(row)", f"is not readable CSV: {exc}")
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) != width:
                    yield number, RowError(
                        "(row)", f"has {len(row)} fields where the header has {width}"
                    )
                    continue
                yield number, row

    def position(self) -> int:
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return self.size

    def picker(self, columns: Sequence[str]) -> Callable[[list[str]], dict[str, str | None]]:
        """A fast reader of several columns at once: row -> {column: text or None} (None for
        blanks and for columns the header lacks)."""
        present = [c for c in columns if c in self.columns]
        absent = dict.fromkeys(c for c in columns if c not in self.columns)
        fetch = operator.itemgetter(*(self.columns[c] for c in present)) if present else None

        # Most cells repeat (agency names, codes, cities, dates): clean each distinct text once.
        # Bounded so memory does not grow with the file.
        cleaned: dict[str, str | None] = {}

        def clean(value: str) -> str | None:
            if len(cleaned) >= _CLEAN_CACHE:
                cleaned.clear()
            result = cleaned[value] = text(value)
            return result

        def pick(row: list[str]) -> dict[str, str | None]:
            values = fetch(row) if fetch is not None else ()
            if len(present) == 1:
                values = (values,)
            get = cleaned.get
            picked = {
                c: v if (v := get(raw, _MISS)) is not _MISS else clean(raw)
                for c, raw in zip(present, values, strict=True)
            }
            picked.update(absent)
            return picked

        return pick

    def getter(self, column: str) -> Callable[[list[str]], str]:
        """A fast accessor for one column (stripped; '' when the column is absent)."""
        index = self.columns.get(column)
        if index is None:
            return lambda row: ""
        return lambda row: row[index].strip()


# -- running a load -------------------------------------------------------------------------------


@dataclass
class Reject:
    file: str
    row: int
    field: str
    reason: str


@dataclass
class FileSummary:
    path: str
    format: str
    rows: int = 0
    loaded: int = 0
    rejected: int = 0


@dataclass
class LoadSummary:
    files: list[FileSummary] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)  # the first few, for the summary
    rejected: int = 0
    merged: int = 0
    nodes: int = 0
    edges: int = 0
    written: WriteResult = field(default_factory=WriteResult)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)


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


class _BatchBuffer:
    """The claims of the rows of one batch, in row order (the store keeps each as a statement;
    identical claims of many rows are one statement there)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.rows: list[tuple[str, int, RowOutput]] = []

    def add(self, label: str, number: int, out: RowOutput) -> None:
        self.nodes += out.nodes
        self.edges += out.edges
        self.rows.append((label, number, out))

    def __len__(self) -> int:
        return len(self.rows)

    def batch(self, validated: bool = False) -> Batch:
        return Batch(self.nodes, self.edges, validated)


ProgressHook = Callable[[str, int, int], None]  # (file label, bytes done, bytes total)


class Pipeline:
    def __init__(
        self,
        store: GraphStore,
        dry_run: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        rejects_path: Path | None = None,
        progress: ProgressHook | None = None,
        seen: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch size must be at least 1")
        self.store = store
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.rejects_path = rejects_path
        self.progress = progress
        self.ctx = LoadContext(store.model, seen=seen)
        self.summary = LoadSummary(dry_run=dry_run)
        self._rejects_writer: Any = None
        self._rejects_handle: TextIO | None = None

    # -- rejects ---------------------------------------------------------------------------------

    def _reject(self, label: str, number: int, field_name: str, reason: str) -> None:
        self.summary.rejected += 1
        if len(reason) > 500:  # a reason quoting a megabyte cell stays readable
            reason = f"{reason[:500]}... ({len(reason):,} characters)"
        if len(self.summary.rejects) < 20:
            self.summary.rejects.append(Reject(label, number, field_name, reason))
        if self.rejects_path is None:
            return
        if self._rejects_writer is None:
            self._rejects_handle = self.rejects_path.open("w", encoding="utf-8", newline="")
            # Spreadsheet-safe: a rejected cell may carry a formula (=HYPERLINK(...)).
            self._rejects_writer = SafeWriter(self._rejects_handle)
            self._rejects_writer.writerow(["file", "row", "field", "reason"])
        self._rejects_writer.writerow([label, number, field_name, reason])

    # -- writing ---------------------------------------------------------------------------------

    def _write(self, batch: Batch) -> None:
        self.summary.nodes += len(batch.nodes)
        self.summary.edges += len(batch.edges)
        if self.dry_run:
            return
        result = self.store.upsert(batch)
        written = self.summary.written
        written.nodes_created += result.nodes_created
        written.nodes_updated += result.nodes_updated
        written.edges_created += result.edges_created
        written.edges_updated += result.edges_updated

    def _flush(self, buffer: _BatchBuffer, head: list[RowOutput], files: dict[str, FileSummary]
               ) -> None:
        if not buffer.rows:
            return
        for out in head:
            buffer.add("", 0, out)
        # Rows built with validation on were each checked as built (so one could be rejected
        # alone); the store need not check them again.
        validated = self.ctx.validate_rows
        try:
            self._write(buffer.batch(validated))
        except (ValueError, ValidationError) as exc:
            # One transaction failed as a whole: retry row by row so only the culprits stay out.
            for label, number, out in buffer.rows:
                if number == 0:
                    continue
                single = _BatchBuffer()
                for extra in (*head, out):
                    single.add(label, number, extra)
                try:
                    self._write(single.batch(validated))
                except (ValueError, ValidationError) as row_exc:
                    files[label].loaded -= 1
                    files[label].rejected += 1
                    self._reject(label, number, getattr(row_exc, "field", None) or "(row)",
                                 str(row_exc) or str(exc))

    # -- the load --------------------------------------------------------------------------------

    def _file_source(self, item: InputFile) -> RowOutput:
        """The Source node for a whole input file. loaded_at is the load's day (day precision,
        like first/last seen; the policy keeps the earliest), so re-loading changes nothing and
        two stores loaded from the same files export the same lines."""
        source_id = f"source:file-{item.sha256[:16]}"
        self.ctx.file_source = source_id
        self.ctx.origin = item.source_kind
        self.ctx.record = item.path.name
        if not item.cite_file:
            return RowOutput(self.ctx)
        loaded_at = f"{self.ctx.seen}T00:00:00+00:00"
        out = RowOutput(self.ctx)
        out.node(source_id, "Source", item.path.name, {
            "title": item.title(), "sha256": item.sha256, "format": item.format_name,
            "loaded_at": loaded_at, "source_kind": item.source_kind,
            "publisher": item.publisher,
        }, sources=[source_id])
        out.node(CATALOG_SOURCE, "Source", "survgraph curated catalogs (schema/catalogs/)", {
            "title": "Curated agency, technology and product catalogs", "source_kind": "dataset",
            "publisher": "survgraph",
        }, sources=[CATALOG_SOURCE])
        return out

    def run(self, items: Sequence[InputFile]) -> LoadSummary:
        started = time.perf_counter()
        # A load allocates millions of short-lived records and no cycles: full collections
        # every 700 allocations cost a quarter of the time, so collect far less often here.
        thresholds = gc.get_threshold()
        gc.set_threshold(200_000, 50, 100)
        try:
            for item in items:
                self._run_file(item)
        finally:
            gc.set_threshold(*thresholds)
            if self._rejects_handle is not None:
                self._rejects_handle.close()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _run_file(self, item: InputFile) -> None:
        label = str(item.path)
        file_summary = FileSummary(label, item.format_name)
        self.summary.files.append(file_summary)
        files = {label: file_summary}
        ctx = self.ctx
        ctx.validate_rows = self.dry_run or not item.trusted
        source = self._file_source(item)
        buffer = _BatchBuffer()
        ctx.new_batch()
        last_report = 0.0
        name = item.path.name
        for number, record in item.records():
            file_summary.rows += 1
            if isinstance(record, RowError):
                file_summary.rejected += 1
                self._reject(label, number, record.field, record.reason)
                continue
            out = RowOutput(ctx)
            ctx.record = f"{name}:{number}"
            try:
                item.build(record, out)
            except RowError as exc:
                file_summary.rejected += 1
                self._reject(label, number, exc.field, exc.reason)
                continue
            file_summary.loaded += 1
            buffer.add(label, number, out)
            if len(buffer) >= self.batch_size:
                ctx.record = name
                self._flush(buffer, [source, ctx.static], files)
                buffer = _BatchBuffer()
                ctx.new_batch()
                now = time.perf_counter()
                if self.progress is not None and now - last_report > 0.1:
                    last_report = now
                    self.progress(label, item.position(), item.size)
        if buffer.rows or file_summary.rows == 0:
            if not buffer.rows:
                buffer.rows.append(("", 0, RowOutput(ctx)))  # the file's Source alone
            self._flush(buffer, [source, ctx.static], files)
        if self.progress is not None:
            self.progress(label, item.size, item.size)


def slug_id(prefix: str, text: str) -> str:
    return f"{prefix}:{entity_slug(text)}"
