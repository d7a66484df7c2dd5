"""The `neo4j-admin database import` files of an embedded store, written in two parts at once.

The statements (neo4j_bulk_import.PARTS) are written by a child process while this one writes
the rest, each from a read-only snapshot of its own; the two snapshots must hold the same
count of writes (a load meanwhile makes the files refused, not mixed). On any failure no file
of either part is left, so a retry with another array delimiter starts clean.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from graph_service.domain_model import DomainModel
from graph_service.stores.neo4j_bulk_csv import DelimiterClash
from graph_service.stores.neo4j_bulk_import import (
    ARRAY_DELIMITERS,
    ImportFiles,
    PartFiles,
    import_files,
    open_staging,
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
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        child = pool.submit(_part, store, "statements", model, workdir, force, delimiter)
        try:
            rest = _part(store, "rest", model, workdir, force, delimiter)
        except BaseException:
            _settle(child)
            raise
        try:
            statements = child.result()
        except BaseException:
            _remove(rest)
            raise
    try:
        check_one_snapshot(store, [statements, rest])
    except ValueError:
        _remove(statements, rest)
        raise
    return import_files(workdir, delimiter, [statements, rest])


def check_one_snapshot(store: Path, parts: list[PartFiles]) -> None:
    """Refuse parts read from different states of the store (a load wrote between them)."""
    generations = sorted({str(part.generation) for part in parts})
    if len(generations) > 1:
        raise ValueError(f"{store} was written to while its import files were made (writes "
                         f"{' and '.join(generations)}): run again once no load writes to it")
