"""An embedded store as the files of `neo4j-admin database import full`: the Neo4j store's whole
layout, written from the embedded store's tables (the staging area of a large first load).

The Neo4j store (neo4j_store.py, neo4j_view.py, neo4j_judgements.py) keeps, and so the files
hold, exactly:
- `:Fragment` per statement (`fragments`): its columns but source and origin (an
  `origin_key` instead), the body's name, aliases (none when empty), sources, status and values
  (`v_<key>`), and for node statements the folded `terms` and `fold_name` where Cypher cannot
  derive them (neo4j_view.folded);
- `:Origin {key, source, origin}` per (source, origin) of the statements;
- `:Ident {entity, kind, prop, value, is_key}` (`identity`), `:Canon {entity, canonical, kind}`
  (`canon`, where the canonical id is not the entity's own), `:Judgement {id, verdict, a, b,
  kind, why, who, when}` (`judgements`);
- one `:SurvgraphMeta {key: 'generation', token}`;
- the view: `:Entity:<Kind>` per view node (`nodes`, `terms`) and a relationship of its type per
  view tie (`edges`), with the properties the generated Cypher gives them.
The embedded view and the Neo4j view are the same function of the statements (the contract
suite compares their exports), so the view is copied, not recomputed. Labels and types come from
the schema only (`identifier`); a kind or type the schema does not know is refused.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import (
    CANON,
    ENTITY,
    FRAGMENT,
    IDENT,
    JUDGEMENT,
    META,
    ORIGIN,
    SEARCH,
    SEARCH_SEPARATOR,
    SORT_NAME,
    TERMS,
    identifier,
)
from graph_service.stores.neo4j_bulk_csv import SCHEMA_TYPES, BulkTable
from graph_service.stores.neo4j_view import folded, origin_key
from graph_service.stores.neo4j_view_cypher import VALUE_PREFIX
from graph_service.text import fold

_EDGE_FIELDS = ("status", "sources", "first_seen", "last_seen")
_FRAGMENT_COLUMNS = [
    ("id", "string"), ("entity", "string"), ("kind", "string"),
    ("src", "string"), ("dst", "string"), ("record", "string"),
    ("origin_key", "string"), ("rank", "long"), ("first_seen", "string"),
    ("last_seen", "string"), ("name", "string"), ("aliases", "string[]"),
    ("sources", "string[]"), ("status", "string"),
]
_NODE_COLUMNS = [
    ("name", "string"), ("aliases", "string[]"), ("sources", "string[]"),
    ("first_seen", "string"), ("last_seen", "string"), (TERMS, "string[]"),
    (SEARCH, "string"), (SORT_NAME, "string"),
]
_EDGE_COLUMNS = [("status", "string"), ("sources", "string[]"), ("first_seen", "string"),
                 ("last_seen", "string")]
_JUDGEMENT_KEYS = ("id", "verdict", "a", "b", "kind", "why", "who", "when")
# Delimiters tried in turn: control and private-use characters no text is expected to hold.
ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "\ue000", "\ue001")
# Keys the incremental path always writes as a list (absent after the import means empty).
ALWAYS_LISTS = {("fragment", "sources"), ("node", "aliases"), ("node", "sources"),
                ("node", TERMS)}
ENTITY_ID = f"id:ID({ENTITY})"
START, END = f":START_ID({ENTITY})", f":END_ID({ENTITY})"


@dataclass
class ImportFiles:
    """What was written: the groups of files for `--nodes` / `--relationships`, the empty
    lists to set after the import (the importer cannot write them), and counts."""

    workdir: Path
    array_delimiter: str
    nodes: list[tuple[list[str], Path, Path, bool]] = field(default_factory=list)
    relationships: list[tuple[str, Path, Path, bool]] = field(default_factory=list)
    # {"match": "fragment" | "node" | "edge", "label": ..., "key": ..., "ids": [...]}
    empty_lists: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def manifest(self) -> dict[str, Any]:
        return {"array_delimiter": self.array_delimiter, "empty_lists": self.empty_lists,
                "counts": self.counts}


def open_staging(path: Path) -> sqlite3.Connection:
    """The embedded store, read-only, in one snapshot (a writer meanwhile changes nothing)."""
    if not path.is_file():
        raise ValueError(f"no embedded store at {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        tables = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:  # a CSV, a JSON file... given by mistake
        db.close()
        raise ValueError(f"{path} is not an embedded store: {exc}") from exc
    needed = {"fragments", "identity", "canon", "judgements", "nodes", "edges", "terms",
              "meta"}
    if not needed <= tables:
        db.close()
        raise ValueError(f"{path} is not an embedded store of this release (open it with "
                         "survgraph once: older stores are converted on open)")
    db.execute("BEGIN")
    return db


class _Writer:
    def __init__(self, model: DomainModel, workdir: Path, store: Path, force: bool,
                 delimiter: str) -> None:
        self.model, self.workdir, self.store, self.force = model, workdir, store, force
        self.delimiter = delimiter
        self.tables: dict[str, tuple[str, BulkTable]] = {}  # name -> (match, table)
        self.labels: dict[str, list[str]] = {}
        self.types: dict[str, str] = {}

    def table(self, name: str, match: str, lead: list[str], columns: list[tuple[str, str]],
              labels: list[str] | None = None, rel_type: str | None = None) -> BulkTable:
        found = self.tables.get(name)
        if found is not None:
            return found[1]
        counted = frozenset(key for m, key in ALWAYS_LISTS if m == match)
        table = BulkTable(self.workdir, name, lead, columns, self.delimiter, self.store,
                          self.force, counted=counted)
        self.tables[name] = (match, table)
        if labels is not None:
            self.labels[name] = labels
        if rel_type is not None:
            self.types[name] = rel_type
        return table

    def kind(self, kind: str) -> str:
        if kind not in self.model.kinds:
            raise ValueError(f"the store holds a node of kind {kind!r}, which the schema lacks")
        return identifier(kind)

    def rel(self, rel_type: str) -> str:
        if rel_type not in self.model.relationships:
            raise ValueError(f"the store holds a tie of type {rel_type!r}, which the schema lacks")
        return identifier(rel_type)

    def props(self, owner: str, is_edge: bool) -> list[tuple[str, str]]:
        specs = (self.model.relationship_properties if is_edge
                 else self.model.kinds[owner].properties)
        return [(key, SCHEMA_TYPES[spec.type]) for key, spec in sorted(specs.items())
                if not (is_edge and key in _EDGE_FIELDS)]


# The files in three parts, each written from a snapshot of its own (neo4j_bulk_files writes
# them at once): the statements, one :Fragment each (about 60% of the work), in two halves by
# the first digit of their id (a hash: the halves are even), and the rest.
STATEMENT_HALVES = {"statements-a": "substr(id, 1, 1) < '8'",
                    "statements-b": "substr(id, 1, 1) >= '8'"}
PARTS = (*STATEMENT_HALVES, "rest")


@dataclass(frozen=True)
class WrittenTable:
    """One table's files once closed (picklable: a part may be written by another process)."""

    name: str
    match: str
    labels: list[str] | None
    rel_type: str | None
    groups: list[tuple[Path, Path, bool]]  # (header, data, multi-line) of groups with rows
    paths: list[Path]  # every file written, for removal when another part fails
    empties: dict[str, list[Any]]
    counted: frozenset[str]


@dataclass(frozen=True)
class PartFiles:
    tables: list[WrittenTable]
    counts: dict[str, int]
    generation: str | None  # the store's count of writes, in the snapshot the part read
    origins: tuple[tuple[str, str], ...] = ()  # a statement half's (source, origin) pairs


def write_part(db: sqlite3.Connection, part: str, model: DomainModel, workdir: Path,
               store: Path, force: bool, delimiter: str) -> PartFiles:
    """Write the files of one of PARTS from `db`; on failure none of them is left."""
    workdir.mkdir(parents=True, exist_ok=True)
    w = _Writer(model, workdir, store, force, delimiter)
    counts: dict[str, int] = {}
    origins: dict[tuple[str, str], str] = {}
    ok = False
    try:
        if part in STATEMENT_HALVES:
            counts[FRAGMENT] = _fragments(db, w, part, origins)
        elif part == "rest":
            _rest(db, w, counts)
        else:
            raise ValueError(f"no part {part!r} of the import files")
        ok = True
    finally:
        tables = _close(w, ok)
    found = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return PartFiles(tables, counts, None if found is None else str(found[0]),
                     tuple(sorted(origins)))


def write_origins(pairs: list[tuple[str, str]], model: DomainModel, workdir: Path,
                  store: Path, force: bool, delimiter: str) -> PartFiles:
    """One :Origin per (source, origin) pair the statement halves named, once."""
    w = _Writer(model, workdir, store, force, delimiter)
    ok = False
    try:
        table = w.table("origin", "none", [], [("key", "string"), ("source", "string"),
                                                ("origin", "string")], [ORIGIN])
        for source, origin in sorted(set(pairs)):
            table.write((), [origin_key(source, origin), source, origin])
        ok = True
    finally:
        tables = _close(w, ok)
    return PartFiles(tables, {}, None)


def _close(w: _Writer, keep: bool) -> list[WrittenTable]:
    for _match, table in w.tables.values():
        table.close(keep=keep)
    return [WrittenTable(name, match, w.labels.get(name), w.types.get(name),
                         table.file_groups(), table.paths(), table.empties, table.counted)
            for name, (match, table) in w.tables.items()]


def _rest(db: sqlite3.Connection, w: _Writer, counts: dict[str, int]) -> None:
    counts[IDENT] = _simple(db, w, IDENT, "SELECT entity, kind, prop, value, is_key FROM "
                            "identity", [("entity", "string"), ("kind", "string"),
                                         ("prop", "string"), ("value", "string"),
                                         ("is_key", "long")])
    counts[CANON] = _simple(db, w, CANON, "SELECT entity, canonical, kind FROM canon "
                            "WHERE canonical <> entity",
                            [("entity", "string"), ("canonical", "string"),
                             ("kind", "string")])
    counts[JUDGEMENT] = _judgements(db, w)
    meta = w.table("meta", "none", [], [("key", "string"), ("token", "string")], [META])
    meta.write((), ["generation", str(uuid.uuid4())])
    counts[META] = 1
    counts[ENTITY] = _view_nodes(db, w)
    counts["ties"] = _view_edges(db, w)


def _rows(db: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    cursor = db.execute(sql)
    while rows := cursor.fetchmany(5000):
        yield from rows


class _Kinds:
    """Per kind or type: its table and the keys of its stated values (positional columns)."""

    def __init__(self, w: _Writer, suffix: str = "") -> None:
        self.w, self.suffix = w, suffix  # the suffix names a part's own files
        self.found: dict[tuple[str, str], tuple[BulkTable, list[str], set[str]]] = {}

    def get(self, what: str, kind: str) -> tuple[BulkTable, list[str], set[str]]:
        found = self.found.get((what, kind))
        if found is None:
            found = self.found[(what, kind)] = self._make(what, kind)
        return found

    def _make(self, what: str, kind: str) -> tuple[BulkTable, list[str], set[str]]:
        w = self.w
        is_edge = what in ("fragment-tie", "tie")
        label = w.rel(kind) if is_edge else w.kind(kind)
        props = w.props(kind, is_edge)
        keys = [key for key, _t in props]
        if what.startswith("fragment"):
            extra = [] if is_edge else [("terms", "string[]"), ("fold_name", "string")]
            columns = [*_FRAGMENT_COLUMNS, *extra, *((VALUE_PREFIX + k, t) for k, t in props)]
            table = w.table(f"{what}-{label}{self.suffix}", "fragment", [], columns,
                            [FRAGMENT])
        elif is_edge:
            table = w.table(f"tie-{label}", "edge", [START, END], [*_EDGE_COLUMNS, *props],
                            rel_type=label)
        else:
            table = w.table(f"entity-{label}", "node", [ENTITY_ID], [*_NODE_COLUMNS, *props],
                            [ENTITY, label])
        return table, keys, set(keys)


def _stated(owner: str, properties: dict[str, Any], keys: list[str], known: set[str]
            ) -> list[Any]:
    """The values in column order; a key the schema does not name is refused."""
    if not properties.keys() <= known:
        unknown = sorted(properties.keys() - known)[0]
        raise ValueError(f"{owner} states {unknown!r}, which the schema does not name")
    return [properties.get(key) for key in keys]


def _fragments(db: sqlite3.Connection, w: _Writer, half: str,
               origins: dict[tuple[str, str], str]) -> int:
    """The half's statements; `origins` gains their (source, origin) pairs and keys."""
    count = 0
    kinds = _Kinds(w, half.removeprefix("statements"))
    terms_of: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
    # The half's condition is one of two fixed texts, never input.
    sql = ("SELECT id, entity, is_edge, kind, src, dst, source, record, origin, rank, body, "  # noqa: S608
           f"first_seen, last_seen FROM fragments WHERE {STATEMENT_HALVES[half]}")
    for row in _rows(db, sql):
        (fid, entity, is_edge, kind, src, dst, source, record, origin, rank, body,
         first_seen, last_seen) = row
        is_edge = bool(is_edge)
        table, keys, known = kinds.get("fragment-tie" if is_edge else "fragment-node", kind)
        data = orjson.loads(body)
        # neo4j_view.fragment_props: a tie statement's entity is its ends and type.
        key_of = origins.get((source, origin))
        if key_of is None:
            key_of = origins[(source, origin)] = origin_key(source, origin)
        values = [fid, None if is_edge else entity, kind, src, dst, record, key_of,
                  rank, first_seen, last_seen, data.get("name"), data.get("aliases") or None,
                  data["sources"], data.get("status")]
        if not is_edge:
            # statements.node_statement: terms and fold_name, from the name and aliases
            name, aliases = data["name"], data.get("aliases", [])
            key = (name, tuple(aliases))
            found = terms_of.get(key)
            if found is None:
                if len(terms_of) > 100_000:
                    terms_of.clear()
                kept = folded(name, aliases, sorted({fold(t) for t in (name, *aliases) if t}),
                              fold(name))
                found = terms_of[key] = [kept.get("terms"), kept.get("fold_name")]
            values += found
        values += _stated(kind, data["properties"], keys, known)
        table.write((), values, fid)
        count += 1
    return count


def _simple(db: sqlite3.Connection, w: _Writer, label: str, sql: str,
            columns: list[tuple[str, str]]) -> int:
    table = w.table(label.lower(), "none", [], columns, [label])
    count = 0
    for row in _rows(db, sql):
        table.write((), row)
        count += 1
    return count


def _judgements(db: sqlite3.Connection, w: _Writer) -> int:
    # neo4j_judgements: SET j = to_dict() (every field a string)
    table = w.table("judgement", "none", [], [(k, "string") for k in _JUDGEMENT_KEYS],
                    [JUDGEMENT])
    count = 0
    for (body,) in _rows(db, "SELECT body FROM judgements"):
        data = orjson.loads(body)
        table.write((), [None if data.get(k) is None else str(data[k]) for k in _JUDGEMENT_KEYS])
        count += 1
    return count


def _view_nodes(db: sqlite3.Connection, w: _Writer) -> int:
    """neo4j_view_cypher.refresh_nodes_statement's properties, from `nodes` and `terms`."""
    count = 0
    kinds = _Kinds(w)
    sql = ("SELECT n.id, n.kind, n.name, n.body, (SELECT json_group_array(term) FROM "
           "(SELECT t.term FROM terms AS t WHERE t.id = n.id ORDER BY t.term)) FROM nodes AS n")
    for node_id, kind, name, body, terms in _rows(db, sql):
        table, keys, known = kinds.get("node", kind)
        data = orjson.loads(body)
        folded = sorted(orjson.loads(terms))
        values = [name, data["aliases"], data["sources"], data["first_seen"], data["last_seen"],
                  folded, _search(folded), fold(name),
                  *_stated(kind, data["properties"], keys, known)]
        table.write((node_id,), values, node_id)
        count += 1
    return count


def _search(terms: list[str]) -> str:
    """The Cypher's reduce(s = '', t IN terms | s + CASE WHEN s = '' THEN '' ELSE sep END + t):
    joined by SEARCH_SEPARATOR, except after a still-empty prefix."""
    text = ""
    for term in terms:
        text = term if text == "" else f"{text}{SEARCH_SEPARATOR}{term}"
    return text


def _view_edges(db: sqlite3.Connection, w: _Writer) -> int:
    count = 0
    kinds = _Kinds(w)
    for src, rel_type, dst, body in _rows(db, "SELECT src, type, dst, body FROM edges"):
        table, keys, known = kinds.get("tie", rel_type)
        data = orjson.loads(body)
        values = [data["status"], data["sources"], data["first_seen"], data["last_seen"],
                  *_stated(rel_type, data["properties"], keys, known)]
        table.write((src, dst), values, [src, dst])
        count += 1
    return count
