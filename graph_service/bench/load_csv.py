"""Neo4j's own `LOAD CSV` of the synthetic file: the bench's Neo4j reference.

The script is load_csv_reference.cypher beside this module; its labels and types are filled
from the schema here (each checked to be a kind or relationship type of schema/model.yaml), and
every value is a parameter. The parameters that are catalog data (agencies, technologies) come
from the catalogs; the tags come from our tagging rules run once per distinct award text of the
file, as a columnar load would, and that time is part of the reference's time.

The script writes the view first, then the statements behind it (`statements` and
`catalog_statements`): the reference's time is both, the records our load writes; the view's
part alone is reported beside it (`view_seconds`), as the earlier benches measured it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from neo4j.exceptions import Neo4jError

from graph_service.domain_model import DomainModel, load_model
from graph_service.neo4j_schema import CANON, ENTITY, FRAGMENT, IDENT, ORIGIN, identifier
from graph_service.stores.neo4j_view import origin_key

SCRIPT = Path(__file__).with_name("load_csv_reference.cypher")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_TEXT_COLUMNS = ("prime_award_base_transaction_description", "product_or_service_code",
                 "product_or_service_code_description", "naics_code", "naics_description")
# Rows per inner transaction: 1,000 keeps one transaction's memory well inside the default
# transaction pool of a 1 GB heap (2,000 ran out of it at 100k rows).
ROWS_PER_TX = 1000
# The script's blocks that write the statements behind the view (run after the view's).
STATEMENT_BLOCKS = ("statements", "catalog_statements")


def reference_statements(model: DomainModel | None = None) -> list[tuple[str, str]]:
    """(name, Cypher) of each `// ==` block, labels and types filled from the schema."""
    model = model or load_model()
    names = {ENTITY, FRAGMENT, IDENT, CANON, ORIGIN, *model.kinds, *model.relationships}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            raise ValueError(f"{SCRIPT.name}: {name!r} is no kind, tie type or statement label "
                             "of the schema")
        return identifier(name)

    blocks = re.split(r"^// == (\w+)\n", SCRIPT.read_text(encoding="utf-8"), flags=re.M)
    return [(blocks[i], _PLACEHOLDER.sub(fill, blocks[i + 1]))
            for i in range(1, len(blocks), 2)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def reference_parameters(path: Path, day: str) -> dict[str, Any]:
    """The script's parameters for `path` (its URL excepted)."""
    import polars as pl

    from loaders.catalogs import load_catalogs
    from loaders.claims import CATALOG_SOURCE
    from loaders.tagging import Tagger

    catalogs = load_catalogs()
    tagger = Tagger(catalogs)
    texts = pl.scan_csv(path, infer_schema=False).select(_TEXT_COLUMNS).unique().collect()
    tags: dict[str, list[dict[str, str]]] = {}
    for values in texts.iter_rows():
        found = [{"technology": t.target, "rule": t.rule, "matched": t.matched[:300]}
                 for t in tagger.tag(*values) if t.target.startswith("technology:")]
        if found:
            tags["|".join(v or "" for v in values)] = found
    agencies = {code: {"id": a.id, "name": a.name, "acronym": a.acronym, "code": a.codes[0],
                       "level": a.level, "aliases": [x for x in (a.acronym, *a.aliases) if x]}
                for a in catalogs.agencies.values() for code in a.codes}
    digest = _sha256(path)
    file_id = f"source:file-{digest[:16]}"
    ranks = load_model().ranks
    origins = {"file": (file_id, "procurement-record"), "inference": (file_id, "inference"),
               "catalog": (CATALOG_SOURCE, "catalog")}
    file_values = {"title": path.name, "sha256": digest, "format": "usaspending-prime-awards-csv",
                   "loaded_at": f"{day}T00:00:00+00:00", "source_kind": "procurement-record",
                   "publisher": "USAspending.gov"}
    catalog_values = {"title": "Curated agency, technology and product catalogs",
                      "source_kind": "dataset", "publisher": "survgraph"}
    return {
        "day": day, "rows_per_tx": ROWS_PER_TX, "file_name": path.name,
        "origins": {name: origin_key(*pair) for name, pair in origins.items()},
        "origin_nodes": [{"key": origin_key(*pair), "source": pair[0], "origin": pair[1]}
                         for pair in origins.values()],
        "ranks": {name: ranks.get(origin, 0) for name, (_, origin) in origins.items()},
        "source_statements": [
            {"id": file_id, "name": path.name, "origin_key": origin_key(*origins["file"]),
             "rank": ranks.get("procurement-record", 0),
             "values": {f"v_{k}": v for k, v in file_values.items()}},
            {"id": CATALOG_SOURCE, "name": "survgraph curated catalogs (schema/catalogs/)",
             "origin_key": origin_key(*origins["catalog"]), "rank": ranks.get("catalog", 0),
             "values": {f"v_{k}": v for k, v in catalog_values.items()}}],
        "file_source": {"id": file_id, "name": path.name,
                        "props": {"sha256": digest, "format": "usaspending-prime-awards-csv",
                                  "title": path.name, "publisher": "USAspending.gov",
                                  "source_kind": "procurement-record"}},
        "catalog_source": {"id": CATALOG_SOURCE, "name": "survgraph catalogs"},
        "agencies": agencies,
        "agency_list": [{"id": a.id, "parent": a.parent,
                         "domains": [{"id": d, "name": catalogs.domains[d].name}
                                     for d in a.domains]}
                        for a in catalogs.agencies.values()],
        "technologies": {t.id: {"name": t.name, "atlas_name": t.atlas_name,
                                "aliases": list(t.aliases)}
                         for t in catalogs.technologies.values()},
        "tags": tags,
    }


def graph_counts(store: Any) -> dict[str, Any]:
    """The view (nodes by kind, ties by type) and the statement nodes of a Neo4j store."""
    stats = store.stats()
    statements: dict[str, int] = {}
    with store._driver.session(database=store.database) as session:
        for label in (FRAGMENT, IDENT, CANON, ORIGIN):
            statements[label] = session.run(
                f"MATCH (n:{identifier(label)}) RETURN count(n) AS n").single()["n"]
        fragments = {row["kind"]: row["n"] for row in session.run(
            f"MATCH (f:{identifier(FRAGMENT)}) RETURN f.kind AS kind, count(*) AS n")}
    return {"nodes": sum(stats.nodes.values()), "ties": sum(stats.relationships.values()),
            "nodes_by_kind": dict(sorted(stats.nodes.items())),
            "ties_by_type": dict(sorted(stats.relationships.items())),
            "statement_nodes": statements, "fragments_by_kind": dict(sorted(fragments.items()))}


def server_import_dir(store: Any, url: str) -> Path | None:
    """The server's import folder, when the server runs on this machine (a loopback URL)."""
    if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    with store._driver.session(database=store.database) as session:
        record = session.run("SHOW SETTINGS YIELD name, value "
                             "WHERE name = 'server.directories.import' RETURN value").single()
    folder = Path(record["value"]) if record and record["value"] else None
    return folder if folder is not None and folder.is_dir() else None


def _file_url(session: Any, target: Path) -> str:
    """The URL under which the server reads `target`: relative to its import folder when it
    confines LOAD CSV there, else the absolute path (a server without that setting)."""
    for url in (f"file:///{target.name}", target.resolve().as_uri()):
        try:
            session.run("LOAD CSV FROM $url AS row RETURN row LIMIT 1", url=url).consume()
            return url
        except Neo4jError as exc:
            if "external resource" not in str(exc).lower():
                raise
    raise RuntimeError(f"the Neo4j server cannot read {target} (not its import folder?)")


def load_csv_phase(url: str, path: str, rows: int, import_dir: str | None, day: str
                   ) -> dict[str, Any]:
    """Empty the database, run the script on a copy of `path` in the server's import folder,
    count what it wrote, empty the database again."""
    from graph_service.bench.load_phases import connect_neo4j, empty_neo4j

    source = Path(path)
    store = connect_neo4j(url)
    target: Path | None = None
    try:
        folder = Path(import_dir) if import_dir else server_import_dir(store, url)
        if folder is None:
            raise RuntimeError("the Neo4j server's import folder is unknown: give "
                               "--neo4j-import-dir (LOAD CSV reads files from there)")
        target = folder / source.name
        shutil.copyfile(source, target)
        statements = reference_statements()
        with store._driver.session(database=store.database) as session:
            file_url = _file_url(session, target)
            started = time.perf_counter()
            parameters = {**reference_parameters(source, day), "url": file_url}
            prepare = time.perf_counter() - started
            view_seconds = 0.0
            for name, statement in statements:
                if name == STATEMENT_BLOCKS[0]:
                    view_seconds = time.perf_counter() - started
                session.run(statement, parameters).consume()
        seconds = time.perf_counter() - started
        counts = graph_counts(store)
    finally:
        store.close()
        empty_neo4j(url)
        if target is not None:
            target.unlink(missing_ok=True)
    return {"rows": rows, "seconds": round(seconds, 2), "prepare_seconds": round(prepare, 2),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "view_seconds": round(view_seconds, 2),
            "view_rows_per_s": round(rows / view_seconds) if view_seconds else None, **counts}
