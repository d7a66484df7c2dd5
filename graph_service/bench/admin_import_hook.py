"""The place for Neo4j's bulk import (`neo4j-admin database import full`) in `bench load`.

Another part of issue 13 writes the import: a module that writes neo4j-admin's node and
relationship files from an embedded store and runs the import. Until it is merged, `bench
load --neo4j-admin-home` is refused with a clear message; once it is, wire its function in
`admin_import_phase` (it runs in a child process like every other phase, so its peak memory
is its own) and the bench reports it beside the incremental Neo4j load.
"""

from __future__ import annotations

import importlib
from typing import Any

MODULE = "graph_service.neo4j_import"
FUNCTION = "import_for_bench"  # (store_path, neo4j_home) -> {"seconds", "nodes", "ties", ...}


def unavailable() -> str | None:
    """Why the bulk import cannot be benched in this build, or None when it can."""
    try:
        module = importlib.import_module(MODULE)
    except ModuleNotFoundError:
        return (f"the Neo4j bulk import is not in this build ({MODULE} is missing): "
                "--neo4j-admin-home cannot be benched yet")
    if not callable(getattr(module, FUNCTION, None)):
        return f"{MODULE} has no {FUNCTION}(store_path, neo4j_home) for the bench yet"
    return None


def admin_import_phase(store_path: str, neo4j_home: str, rows: int) -> dict[str, Any]:
    """The bulk import of the embedded store at `store_path` into the Neo4j at `neo4j_home`."""
    run = getattr(importlib.import_module(MODULE), FUNCTION)
    result: dict[str, Any] = dict(run(store_path, neo4j_home))
    seconds = float(result["seconds"])
    result.update(rows=rows, rows_per_s=round(rows / seconds) if seconds else None)
    return result
