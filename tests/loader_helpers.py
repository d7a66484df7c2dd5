"""Helpers for the loader tests: where the real data is, and running a load."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from graph_service.export import jsonl_lines
from graph_service.stores.base import GraphStore
from loaders.input_files import InputFile
from loaders.pipeline import LoadSummary, Pipeline

REPO = Path(__file__).resolve().parent.parent
SURVGRAPH = [sys.executable, "-m", "graph_service.cli"]


def shared_data() -> Path:
    """The real files: $SURVGRAPH_SHARED_DATA, else <repo>/../shared/data (CI has it there)."""
    folder = Path(os.environ.get("SURVGRAPH_SHARED_DATA") or REPO.parent / "shared" / "data")
    if not folder.is_dir():
        pytest.fail(f"the shared data folder {folder} is missing: set SURVGRAPH_SHARED_DATA",
                    pytrace=False)
    return folder


def load(store: GraphStore, items: Sequence[InputFile], tmp_path: Path, **options: object
         ) -> tuple[LoadSummary, list[list[str]]]:
    """Run the pipeline; return its summary and the rows of the rejects file (no header)."""
    rejects = tmp_path / f"rejects-{len(list(tmp_path.iterdir()))}.csv"
    summary = Pipeline(store, rejects_path=rejects, **options).run(items)  # type: ignore[arg-type]
    rows: list[list[str]] = []
    if rejects.exists():
        with rejects.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            assert next(reader) == ["file", "row", "field", "reason"]
            rows = list(reader)
    return summary, rows


def export_lines(store: GraphStore) -> list[str]:
    return list(jsonl_lines(store))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SURVGRAPH, *args], capture_output=True, text=True, check=False,
                          cwd=REPO)
