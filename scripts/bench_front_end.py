"""The loader's front end alone: CPU seconds to turn a file into the StatementBatches a store
receives (reading, building claims, checks, statement rows, folding), with the store replaced
by a sink that only keeps a digest of every batch (so two versions can be compared byte for
byte without a store's time in the figure).

usage: python scripts/bench_front_end.py FILE [--batch-size N] [--profile OUT.prof] [--digest]
(the file: `survgraph bench load`'s synthetic prime-award CSV, loaders/synthetic.py)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from graph_service.domain_model import load_model
from graph_service.statements import StatementBatch
from graph_service.stores.base import WriteResult
from loaders.pipeline import Pipeline
from loaders.usaspending import PrimeAwardsCsv


class DigestSink:
    """What Pipeline needs of a store: the model, bulk() and append(); keeps a digest only."""

    def __init__(self, digest: bool) -> None:
        self.model = load_model()
        self.keep = digest
        self.digest = hashlib.sha256()
        self.statements = 0

    @contextlib.contextmanager
    def bulk(self, flush_every: int | None = None) -> Iterator[WriteResult]:
        yield WriteResult()

    def append(self, batch: StatementBatch) -> WriteResult:
        self.statements += len(batch)
        if not self.keep:  # timed: the digest is a check, not the front end's work
            return WriteResult()
        update = self.digest.update
        for frag in (*batch.nodes, *batch.edges):
            update(repr((*frag.as_row(), frag.terms, frag.fold_name)).encode())
        update(repr(batch.identity).encode())
        update(repr(sorted(batch.entities.items())).encode())
        return WriteResult()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--digest", action="store_true", help="digest every statement row")
    args = parser.parse_args()
    sink = DigestSink(args.digest)
    item = PrimeAwardsCsv(args.file)
    pipeline = Pipeline(sink, batch_size=args.batch_size, seen="2026-12-01")  # type: ignore[arg-type]
    profile = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    summary = pipeline.run([item])
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rows = summary.rows
    print(f"rows {rows} rejected {summary.rejected} statements {sink.statements} "
          f"cpu_s {cpu:.2f} wall_s {wall:.2f} us_per_row {cpu / rows * 1e6:.0f} "
          f"rows_per_cpu_s {rows / cpu:.0f} digest {sink.digest.hexdigest()[:16]} "
          f"loadavg {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
