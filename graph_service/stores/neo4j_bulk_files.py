"""The `neo4j-admin database import` files of an embedded store, written in three parts at once.

The two halves of the statements (neo4j_bulk_import.PARTS) are written by two child processes
while this one writes the rest, each from a read-only snapshot of its own; the snapshots must
hold the same count of writes (a load meanwhile makes the files refused, not mixed). The
`:Origin` nodes are written last, once, from the pairs the halves met. On any failure no file
of any part is left, so a retry with another array delimiter starts clean.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from graph_service.domain_model import DomainModel
from graph_service.stores.neo4j_bulk_csv import DelimiterClash
from graph_service.stores.neo4j_bulk_import import (
    ARRAY_DELIMITERS,
    STATEMENT_HALVES,
    ImportFiles,
    PartFiles,
    open_staging,
    write_origins,
    write_part,
)


def write_import_files(store: Path, model: DomainModel, workdir: Path,
                       force: bool = False) -> ImportFiles:
    """Write every file, trying the next array delimiter when an element holds one."""
    for delimiter in ARRAY_DELIMITERS:
        try:
            return _attempt(store, model, workdir, force, delimiter)
        except DelimiterClash:
            continue  # the attempt removed its own files
    raise ValueError("every array delimiter tried occurs in some value; cannot write the files")


def _part(store: Path, part: str, model: DomainModel, workdir: Path, force: bool,
          delimiter: str) -> PartFiles:
    db = open_staging(store)
    try:
        return write_part(db, part, model, workdir, store, force, delimiter)
    finally:
        db.close()


def _remove(*parts: PartFiles) -> None:
    for part in parts:
        for table in part.tables:
            for path in table.paths:
                path.unlink(missing_ok=True)


def _settle(child: Future[PartFiles]) -> None:
    """Wait for the child after this process failed, and remove what it wrote."""
    try:
        _remove(child.result())
    except Exception:  # it failed too, and removed its own files
        return


def _attempt(store: Path, model: DomainModel, workdir: Path, force: bool,
             delimiter: str) -> ImportFiles:
    # spawn, not fork: the caller may hold threads (a driver, a server) a fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(STATEMENT_HALVES), mp_context=context) as pool:
        children = [pool.submit(_part, store, half, model, workdir, force, delimiter)
                    for half in STATEMENT_HALVES]
        try:
            rest = _part(store, "rest", model, workdir, force, delimiter)
        except BaseException:
            for child in children:
                _settle(child)
            raise
        halves: list[PartFiles] = []
        failure: BaseException | None = None
        for child in children:
            try:
                halves.append(child.result())
            except BaseException as exc:  # its own files are gone; the others' go too
                failure = failure or exc
        if failure is not None:
            _remove(rest, *halves)
            raise failure
    parts = [*halves, rest]
    try:
        check_one_snapshot(store, parts)
        pairs = [pair for half in halves for pair in half.origins]
        parts.append(write_origins(pairs, model, workdir, store, force, delimiter))
    except BaseException:
        _remove(*parts)
        raise
    return import_files(workdir, delimiter, parts)


def check_one_snapshot(store: Path, parts: list[PartFiles]) -> None:
    """Refuse parts read from different states of the store (a load wrote between them)."""
    generations = sorted({str(part.generation) for part in parts})
    if len(generations) > 1:
        raise ValueError(f"{store} was written to while its import files were made (writes "
                         f"{' and '.join(generations)}): run again once no load writes to it")


def import_files(workdir: Path, delimiter: str, parts: list[PartFiles]) -> ImportFiles:
    """The parts' files as one import: `--nodes` / `--relationships` groups by table name,
    the empty lists to set afterwards, the counts."""
    files = ImportFiles(workdir, delimiter)
    for part in parts:  # the statement halves count their statements each
        for key, count in part.counts.items():
            files.counts[key] = files.counts.get(key, 0) + count
    for table in sorted((t for part in parts for t in part.tables), key=lambda t: t.name):
        for header, data, multiline in table.groups:
            if table.rel_type is not None:
                files.relationships.append((table.rel_type, header, data, multiline))
            else:
                files.nodes.append((table.labels or [], header, data, multiline))
        for key, ids in sorted(table.empties.items()):
            label = table.rel_type or (table.labels or [""])[-1]
            entry: dict[str, Any] = {"match": table.match, "label": label, "key": key,
                                     "ids": ids}
            if key in table.counted:  # absent means [] here: one pass sets them all
                entry["ids"] = None
                if entry in files.empty_lists:
                    continue
            files.empty_lists.append(entry)
    return files
