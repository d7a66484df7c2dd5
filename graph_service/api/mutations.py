"""Writes through GraphQL: upsert nodes, upsert relationships, load a document. Each needs an
API key; each batch is validated whole before anything is written, then written in one
transaction, so a refused request changes nothing."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph_service.api.context import ApiError, context_of, require_writer
from graph_service.api.judgement_mutations import JudgementMutation
from graph_service.api.load_jobs import JOBS, Job, JobStatus, wait_for
from graph_service.api.types import MODEL, Info, KindValue
from graph_service.records import (
    Batch,
    Edge,
    Node,
    ValidationError,
    validate_edge,
    validate_node,
)
from graph_service.stores.base import GraphStore, WriteResult
from loaders.claims import today

strawberry.enum(JobStatus, description="A load job's state")

MAX_RECORDS = 10_000
# An analyst's write, citing the source it names, outranks what files say (schema policy).
WRITER_ORIGIN = "analyst"
# seed: YAML like loaders/seed/seed_graph.yaml; the others run the bulk-load pipeline
# (loaders/pipeline.py: validation, a Source per file, rejected rows reported, batches);
# csv needs a mapping (YAML, docs/loading.md), as `survgraph load csv --mapping` does.
LOAD_FORMATS = ("graph", "usaspending", "atlas", "csv", "seed")
LOAD_WAIT_SHARE = 0.75  # of the query timeout: the load mutation's wait before it answers its job


@strawberry.input(description="A node to create or merge into (by id)")
class NodeInput:
    id: strawberry.ID
    name: str
    kind: KindValue | None = strawberry.field(
        default=None, description="Defaults to the kind the id's prefix names")
    aliases: list[str] | None = None
    sources: list[strawberry.ID] | None = None
    properties: JSON | None = None


@strawberry.input(description="A tie to create or merge into (by from, type, to)")
class RelationshipInput:
    type: str
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    status: str = "reported"
    sources: list[strawberry.ID] | None = None
    properties: JSON | None = None


@strawberry.type
class WriteSummary:
    nodes_created: int
    nodes_updated: int
    relationships_created: int
    relationships_updated: int

    @staticmethod
    def of(result: WriteResult) -> WriteSummary:
        return WriteSummary(
            nodes_created=result.nodes_created,
            nodes_updated=result.nodes_updated,
            relationships_created=result.edges_created,
            relationships_updated=result.edges_updated,
        )


@strawberry.type(description="A row the load left out, and why")
class RejectedRow:
    file: str
    row: int
    field: str
    reason: str


@strawberry.type(description="A load: its job, and its summary once done (null while the job "
                  "runs: poll loadJob(id:))")
class LoadResult:
    format: str
    rows: int | None
    loaded: int | None
    rejected: int | None
    rejects: list[RejectedRow] | None = strawberry.field(description="The first rejected rows")
    nodes: int | None
    relationships: int | None
    written: WriteSummary | None
    job: LoadJob | None = None


@strawberry.type(description="A load running in the background (load_jobs.py)")
class LoadJob:
    id: strawberry.ID
    status: JobStatus
    error: str | None = None
    result: LoadResult | None = None


def job_view(job: Job) -> LoadJob:
    """The job as the caller sees it: its summary when done, a coded message when failed."""
    view = LoadJob(id=strawberry.ID(job.id), status=job.status)
    if job.status is JobStatus.DONE:
        view.result = job.future.result()
    elif job.status is JobStatus.FAILED:
        exc = job.future.exception()
        view.error = str(exc) if isinstance(exc, ApiError) else (
            "the load failed (details are in the server log)")
    return view


def _finished(job: Job) -> LoadResult:
    exc = job.future.exception()
    if exc is not None:
        raise exc
    result: LoadResult = job.future.result()
    result.job = LoadJob(id=strawberry.ID(job.id), status=JobStatus.DONE)
    return result


def _properties(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(f"{where}: properties must be a JSON object")
    return dict(value)


def _node(item: NodeInput, index: int) -> Node:
    kind = item.kind.value if item.kind is not None else MODEL.kind_for_id(str(item.id))
    if kind is None:
        raise ApiError(f"nodes[{index}] ({item.id}): field id: no kind has this id's prefix")
    return Node(
        id=str(item.id), kind=kind, name=item.name, aliases=list(item.aliases or []),
        properties=_properties(item.properties, f"nodes[{index}] ({item.id})"),
        sources=[str(s) for s in item.sources or []], first_seen=today(), last_seen=today(),
        record=f"graphql upsertNodes nodes[{index}]", origin=WRITER_ORIGIN,
    )


def _edge(item: RelationshipInput, index: int) -> Edge:
    where = f"relationships[{index}] ({item.from_} {item.type} {item.to})"
    return Edge(
        type=item.type, source=str(item.from_), target=str(item.to), status=item.status,
        properties=_properties(item.properties, where),
        sources=[str(s) for s in item.sources or []], first_seen=today(), last_seen=today(),
        record=f"graphql upsertRelationships relationships[{index}]", origin=WRITER_ORIGIN,
    )


def _check_size(count: int) -> None:
    if count > MAX_RECORDS:
        raise ApiError(f"at most {MAX_RECORDS} records per request (got {count}); "
                       "use `survgraph load` for bulk files")


def _validate(batch: Batch) -> None:
    """Check every record before writing, naming the first bad one and its field."""
    kinds = {n.id: n.kind for n in batch.nodes}
    for index, node in enumerate(batch.nodes):
        try:
            validate_node(MODEL, node)
        except ValidationError as exc:
            raise ApiError(f"nodes[{index}] ({node.id}): field {exc.field}: {exc}") from exc
    for index, edge in enumerate(batch.edges):
        try:
            validate_edge(MODEL, edge, kinds)
        except ValidationError as exc:
            raise ApiError(
                f"relationships[{index}] ({edge.source} {edge.type} {edge.target}): "
                f"field {exc.field}: {exc}"
            ) from exc


async def _write(store: GraphStore, batch: Batch) -> WriteResult:
    _validate(batch)
    try:
        return await asyncio.to_thread(store.upsert, batch)
    except ValueError as exc:  # ties to nodes that exist nowhere; nothing was written
        raise ApiError(str(exc)) from exc


def _safe_name(filename: str | None, fmt: str, content: str) -> str:
    """A plain file name for the uploaded content (it names the file's Source node)."""
    # Control characters (a NUL above all) cannot be in a file name: drop them.
    name = "".join(ch for ch in Path(filename or "").name if ch.isprintable()).strip()
    if not name or name.startswith("."):
        suffix = {"graph": ".jsonl", "atlas": ".csv"}.get(fmt)
        if suffix is None:
            suffix = ".json" if content.lstrip()[:1] in ("{", "[") else ".csv"
        name = f"graphql-upload{suffix}"
    return name


def _pipeline_load(store: GraphStore, fmt: str, content: str, filename: str | None,
                   mapping: str | None = None) -> LoadResult:
    from loaders.input_files import WrongShape
    from loaders.mapping import MappedCsv, MappingError, read_mapping
    from loaders.pipeline import Pipeline

    with tempfile.TemporaryDirectory(prefix="survgraph-load-") as folder:
        path = Path(folder) / _safe_name(filename, fmt, content)
        try:
            path.write_text(content, encoding="utf-8")
            if fmt == "csv":
                if not mapping:
                    raise ApiError("format 'csv' needs a mapping: the YAML text that maps "
                                   "its columns to nodes and ties (docs/loading.md)")
                mapping_path = Path(folder) / "mapping.yaml"
                mapping_path.write_text(mapping, encoding="utf-8")
                try:
                    item: Any = MappedCsv(path, read_mapping(mapping_path))
                except (TypeError, AttributeError, KeyError) as exc:
                    # A value of the wrong type in the mapping (`kind: [Company]`).
                    raise ApiError(f"mapping: a value has the wrong type ({exc})") from exc
                except MappingError as exc:
                    # Name the argument, not the temporary file the text was put in.
                    raise ApiError(str(exc).replace(str(mapping_path), "mapping")) from exc
            elif fmt == "graph":
                from loaders.graph_jsonl import GraphJsonl

                item = GraphJsonl(path)
            elif fmt == "usaspending":
                from loaders.usaspending import open_usaspending

                item = open_usaspending(path)
            else:
                from loaders.atlas import AtlasCsv

                item = AtlasCsv(path)
            summary = Pipeline(store).run([item])
        except ApiError:
            raise
        except WrongShape as exc:
            raise ApiError(f"{path.name}: {exc}") from exc
        except UnicodeError as exc:  # a lone surrogate in the content
            raise ApiError(f"{path.name}: the content is not valid Unicode text") from exc
        except ValueError as exc:  # any loader's own error (MappingError, ...) is a ValueError
            raise ApiError(f"{path.name}: load stopped: {exc}") from exc
    return LoadResult(
        format=fmt, rows=summary.rows, loaded=summary.loaded, rejected=summary.rejected,
        rejects=[RejectedRow(file=Path(r.file).name, row=r.row, field=r.field, reason=r.reason)
                 for r in summary.rejects],
        nodes=summary.nodes, relationships=summary.edges, written=WriteSummary.of(summary.written),
    )


def _seed(content: str) -> Batch:
    """A document in the shape of loaders/seed/seed_graph.yaml."""
    from loaders.seed import seed_batch

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.yaml"
        path.write_text(content, encoding="utf-8")
        try:
            return seed_batch(path)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ApiError(f"seed document: missing or malformed field {exc}") from exc


def load_job(info: Info, id: strawberry.ID) -> LoadJob | None:
    """The `loadJob(id:)` query (needs the key, as the load did)."""
    require_writer(info)
    job = JOBS.get(str(id))
    return None if job is None else job_view(job)


@strawberry.type
class Mutation(JudgementMutation):
    @strawberry.mutation(description="Create nodes or merge into them (needs an API key)")
    async def upsert_nodes(self, info: Info, nodes: list[NodeInput]) -> WriteSummary:
        require_writer(info)
        _check_size(len(nodes))
        batch = Batch([_node(item, i) for i, item in enumerate(nodes)], [])
        return WriteSummary.of(await _write(context_of(info).store, batch))

    @strawberry.mutation(description="Create ties or merge into them (needs an API key)")
    async def upsert_relationships(
        self, info: Info, relationships: list[RelationshipInput]
    ) -> WriteSummary:
        require_writer(info)
        _check_size(len(relationships))
        edges = [_edge(item, i) for i, item in enumerate(relationships)]
        return WriteSummary.of(await _write(context_of(info).store, Batch([], edges)))

    @strawberry.mutation(description="Load a document (needs an API key). Formats: 'graph' "
                         "(JSON lines of `survgraph export`), 'usaspending' (bulk CSV or API "
                         "JSON), 'atlas' (Atlas of Surveillance CSV), 'csv' (any spreadsheet, "
                         "with `mapping`: the YAML text mapping its columns, docs/loading.md), "
                         "'seed' (YAML like loaders/seed/seed_graph.yaml). Bad rows are "
                         "reported, not written.")
    async def load(
        self, info: Info, format: str, content: str, filename: str | None = None,
        mapping: str | None = None,
    ) -> LoadResult:
        require_writer(info)
        if format not in LOAD_FORMATS:
            raise ApiError(f"unknown format {format!r}: use one of {', '.join(LOAD_FORMATS)}")
        if mapping is not None and format != "csv":
            raise ApiError(f"a mapping applies to format 'csv' only, not {format!r}")
        ctx = context_of(info)
        store = ctx.store
        if format != "seed":
            job = JOBS.start(lambda: _pipeline_load(store, format, content, filename, mapping))
            # Answer within the request's time, whatever the load takes: the job goes on.
            if await wait_for(job, ctx.settings.query_timeout_seconds * LOAD_WAIT_SHARE):
                return _finished(job)
            return LoadResult(format=format, rows=None, loaded=None, rejected=None, rejects=None,
                              nodes=None, relationships=None, written=None,
                              job=LoadJob(id=strawberry.ID(job.id), status=JobStatus.RUNNING))
        batch = _seed(content)
        _check_size(len(batch))
        result = await _write(store, batch)
        return LoadResult(format=format, rows=len(batch), loaded=len(batch), rejected=0,
                          rejects=[], nodes=len(batch.nodes), relationships=len(batch.edges),
                          written=WriteSummary.of(result))
