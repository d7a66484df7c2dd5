"""The place for Neo4j's bulk import (`neo4j-admin database import full`) in `bench load`.

The import (graph_service/stores/neo4j_bulk_*.py, `survgraph neo4j-import`) writes neo4j-admin's
node and relationship files from the embedded store the bench loaded and runs the import; it
runs in a child process like every other phase, so its peak memory is its own, and the bench
reports it beside the incremental Neo4j load. The embedded load is its own phase: the import's
end-to-end time is that phase plus this one.
"""

from __future__ import annotations

from typing import Any

from graph_service.bench.bulk_import import import_for_bench


def admin_import_phase(store_path: str, neo4j_home: str, rows: int) -> dict[str, Any]:
    """The bulk import of the embedded store at `store_path` into the Neo4j at `neo4j_home`."""
    result = import_for_bench(store_path, neo4j_home)
    seconds = float(result["seconds"])
    result.update(rows=rows, rows_per_s=round(rows / seconds) if seconds else None)
    return result
