"""The load pipeline every format shares: read -> build claims (checked as built) -> reject or
batch -> append their statements, with a Source node per input file, a rejects file, a progress
bar and a summary.

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

import contextlib
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph_service.records import ValidationError
from graph_service.safe_csv import SafeWriter
from graph_service.statements import Fragment, IdentityRow, StatementBatch, statement_batch
from graph_service.stores.base import GraphStore, WriteResult
from loaders.chunks import ChunkOutput
from loaders.claims import CATALOG_SOURCE, LoadContext, RowOutput
from loaders.input_files import InputFile
from loaders.values import RowError

DEFAULT_BATCH_SIZE = 2000


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


class _BatchBuffer:
    """The claims of one batch, as statement rows (identical claims of many rows are folded into
    one statement as the batch is made)."""

    def __init__(self) -> None:
        self.nodes: list[Fragment] = []
        self.edges: list[Fragment] = []
        self.identity: list[IdentityRow] = []

    def add(self, out: RowOutput) -> None:
        self.nodes += out.nodes
        self.edges += out.edges
        self.identity += out.identity

    def batch(self) -> StatementBatch:
        return statement_batch(self.nodes, self.edges, self.identity)


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

    def _write(self, buffer: _BatchBuffer) -> None:
        self.summary.nodes += len(buffer.nodes)
        self.summary.edges += len(buffer.edges)
        if self.dry_run:
            return
        self.summary.written.add(self.store.append(buffer.batch()))

    def _flush(self, label: str, chunk: ChunkOutput, head: list[RowOutput],
               summary: FileSummary, per_row: bool) -> None:
        """Write a chunk's claims as one batch. When it fails as a whole, a chunk built a row at
        a time is retried row by row so only the culprits stay out; a chunk built per key (its
        claims are shared by rows) is refused as a whole, each row named."""
        buffer = _BatchBuffer()
        for out in (*chunk.outputs, *head):
            buffer.add(out)
        # Each claim was checked against the schema as it was built (so one could be rejected
        # alone): the statements go to the store as they are.
        try:
            self._write(buffer)
        except (ValueError, ValidationError) as exc:
            if not per_row:
                for number in chunk.loaded:
                    self._reject_row(summary, label, number, getattr(exc, "field", None)
                                     or "(row)", str(exc))
                return
            for number, out in zip(chunk.loaded, chunk.outputs, strict=True):
                single = _BatchBuffer()
                for extra in (*head, out):
                    single.add(extra)
                try:
                    self._write(single)
                except (ValueError, ValidationError) as row_exc:
                    self._reject_row(summary, label, number, getattr(row_exc, "field", None)
                                     or "(row)", str(row_exc) or str(exc))

    def _reject_row(self, summary: FileSummary, label: str, number: int, field_name: str,
                    reason: str) -> None:
        summary.loaded -= 1
        summary.rejected += 1
        self._reject(label, number, field_name, reason)

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
        # A load allocates millions of short-lived records and few cycles: full collections
        # every 700 allocations cost a quarter of the time, so collect far less often here
        # (the Neo4j store collects its driver's cycles after each batch itself).
        thresholds = gc.get_threshold()
        gc.set_threshold(200_000, 50, 100)
        try:
            # A bulk write: the store may derive its view once per group of batches rather than
            # per batch (each group one transaction; readers never see a half-derived view).
            with contextlib.ExitStack() as stack:
                derived = None if self.dry_run else stack.enter_context(self.store.bulk())
                for item in items:
                    self._run_file(item)
            if derived is not None:
                self.summary.written.add(derived)
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
        source = self._file_source(item)
        per_row = type(item).build_chunk is InputFile.build_chunk
        numbers: list[int] = []
        records: list[Any] = []
        unreadable: list[tuple[int, str, str]] = []  # listed with the chunk's, in row order
        last_report = 0.0
        wrote = False
        for number, record in item.records():
            file_summary.rows += 1
            if isinstance(record, RowError):
                unreadable.append((number, record.field, record.reason))
                continue
            numbers.append(number)
            records.append(record)
            if len(records) >= self.batch_size:
                self._chunk(item, numbers, records, unreadable, source, file_summary, per_row)
                wrote = True
                numbers, records, unreadable = [], [], []
                now = time.perf_counter()
                if self.progress is not None and now - last_report > 0.1:
                    last_report = now
                    self.progress(label, item.position(), item.size)
        if records or unreadable or not wrote:  # an empty file still writes its Source
            self._chunk(item, numbers, records, unreadable, source, file_summary, per_row)
        if self.progress is not None:
            self.progress(label, item.size, item.size)

    def _chunk(self, item: InputFile, numbers: list[int], records: list[Any],
               unreadable: list[tuple[int, str, str]], source: RowOutput, summary: FileSummary,
               per_row: bool) -> None:
        label = str(item.path)
        ctx = self.ctx
        ctx.new_batch()
        chunk = item.build_chunk(ctx, numbers, records)
        for number, field_name, reason in sorted([*unreadable, *chunk.rejects]):
            summary.rejected += 1
            self._reject(label, number, field_name, reason)
        summary.loaded += len(chunk.loaded)
        ctx.record = item.path.name
        self._flush(label, chunk, [source, ctx.static], summary, per_row)

