"""What `survgraph bench load` reports besides the phases: ratios, and the like-for-like check
of the Neo4j reference against our load (node and tie counts by kind and type)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

# (name, numerator phase, denominator phase[, its figure]): rows/s over rows/s, both from the
# same run. The LOAD CSV reference writes our view and its statements, the records our load
# writes; its view's part alone is the second Neo4j figure.
RATIOS: tuple[tuple[str, ...], ...] = (
    ("embedded / polars parse", "embedded", "polars_parse"),
    ("embedded / polars chunked typed", "embedded", "polars_typed"),
    ("embedded / SQLite ceiling", "embedded", "embedded_sqlite_ceiling"),
    ("SQLite ceiling / polars parse", "embedded_sqlite_ceiling", "polars_parse"),
    ("columnar ceiling / polars parse", "embedded_columnar_ceiling", "polars_parse"),
    ("Neo4j incremental / LOAD CSV", "neo4j", "neo4j_load_csv"),
    ("Neo4j incremental / LOAD CSV of the view alone", "neo4j", "neo4j_load_csv",
     "view_rows_per_s"),
    ("Neo4j admin import / incremental", "neo4j_admin_import", "neo4j"),
)
# (ours, the reference): pairs of phases that loaded the same file.
PAIRS = (("neo4j", "neo4j_load_csv"), ("embedded", "neo4j_load_csv_full"),
         ("embedded", "neo4j_load_csv"))
PHASES = ("generate", "polars_parse", "polars_typed", "embedded", "embedded_sqlite_ceiling",
          "embedded_columnar_ceiling", "neo4j", "neo4j_load_csv", "neo4j_load_csv_full",
          "neo4j_admin_import")


def ratios(report: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, top, bottom, *figure in RATIOS:
        a, b = report.get(top), report.get(bottom)
        field = figure[0] if figure else "rows_per_s"
        if a and b and a.get("rows_per_s") and b.get(field) and a["rows"] == b["rows"]:
            out[name] = round(a["rows_per_s"] / b[field], 4)
    return out


def like_for_like(report: dict[str, Any]) -> dict[str, Any]:
    """Per kind and type, our count beside the reference's, for each pair on the same file."""
    out: dict[str, Any] = {}
    for ours, reference in PAIRS:
        a, b = report.get(ours), report.get(reference)
        if not a or not b or "error" in a or "error" in b or a["rows"] != b["rows"]:
            continue
        rows = {}
        for group in ("nodes_by_kind", "ties_by_type"):
            for name in sorted(set(a[group]) | set(b[group])):
                rows[name] = [a[group].get(name, 0), b[group].get(name, 0)]
        # The statements behind the view, where both sides are Neo4j stores.
        for name in sorted(set(a.get("statement_nodes") or {}) & set(b.get("statement_nodes")
                                                                     or {})):
            rows[f":{name}"] = [a["statement_nodes"][name], b["statement_nodes"][name]]
        for name in sorted(set(a.get("fragments_by_kind") or {})
                           | set(b.get("fragments_by_kind") or {})):
            if "fragments_by_kind" in a and "fragments_by_kind" in b:
                rows[f":Fragment {name}"] = [a["fragments_by_kind"].get(name, 0),
                                             b["fragments_by_kind"].get(name, 0)]
        out[f"{ours} vs {reference}"] = {
            "rows": a["rows"], "counts": rows,
            "nodes": [a["nodes"], b["nodes"]], "ties": [a["ties"], b["ties"]],
            "different": sorted(name for name, (x, y) in rows.items() if x != y),
        }
    return out


def print_report(console: Console, report: dict[str, Any]) -> None:
    start, end = report["load_average_start"], report["load_average_end"]
    console.print(f"{report['rows']:,} rows, {report['vendors']:,} vendors, "
                  f"{report['generate']['file_mb']} MB file; {report['cpu_count']} CPUs; "
                  f"load average {start[0]:.2f} at start, {end[0]:.2f} at end")
    table = Table("phase", "rows", "seconds", "rows/s", "CPU s", "peak RSS MB", "nodes", "ties")
    for name in PHASES:
        part = report.get(name)
        if part and "error" in part:
            table.add_row(name, "failed", part["error"][:200], "", "", "", "", "")
        elif part and "skipped" in part:
            table.add_row(name, "skipped", part["skipped"], "", "", "", "", "")
        elif part:
            table.add_row(name, f"{part['rows']:,}", f"{part['seconds']}",
                          f"{part['rows_per_s'] or 0:,}", f"{part.get('cpu_seconds', '')}",
                          f"{part.get('peak_rss_mb', '')}",
                          f"{part['nodes']:,}" if "nodes" in part else "",
                          f"{part['ties']:,}" if "ties" in part else "")
    console.print(table)
    for name, value in report["ratios"].items():
        console.print(f"  {name}: {value:.3f}x")
    ceiling = report.get("embedded_sqlite_ceiling")
    if ceiling and "tables" in ceiling:
        console.print("  SQLite ceiling copied, per table: " + ", ".join(
            f"{t} {row['copied']:,}" for t, row in ceiling["tables"].items()))
    columnar = report.get("embedded_columnar_ceiling")
    if columnar and "parquet_mb" in columnar:
        console.print(f"  columnar ceiling: {columnar['sql_rows']:,} rows as "
                      f"{columnar['parquet_mb']:,} MB of Parquet (the store: "
                      f"{columnar['store_mb']:,} MB)")
    for pair, check in report["like_for_like"].items():
        counts = ", ".join(f"{name} {x:,}/{y:,}" for name, (x, y) in check["counts"].items())
        console.print(f"  {pair} ({check['rows']:,} rows), ours/reference: {counts}; "
                      f"differ: {', '.join(check['different']) or 'none'}")
    for name in ("neo4j_load_csv", "neo4j_load_csv_full"):
        part = report.get(name)
        if part and "view_seconds" in part:
            console.print(f"  {name}: the view {part['view_seconds']} s "
                          f"({part['view_rows_per_s'] or 0:,} rows/s), then its statements "
                          f"{round(part['seconds'] - part['view_seconds'], 2)} s")
