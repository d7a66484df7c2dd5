"""Every loader against the bad-input corpus (tests/fixtures/bad/corpus.py), on both stores.

Each damaged file is refused whole, or has its damaged rows listed in the rejects file (row and
field) while the rest loads, or turns out loadable (other encodings, duplicates merged). In
every case nothing stored before is lost (the seed and everything earlier files loaded are still
there, aliases and sources included) and no damaged value reaches the store.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.bad.corpus import FREEZER_MAPPING, BadInput, build_corpus

from graph_service.export import jsonl_lines
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from loaders.atlas import AtlasCsv
from loaders.graph_jsonl import GraphJsonl
from loaders.input_files import InputFile, WrongShape
from loaders.mapping import MappedCsv, read_mapping
from loaders.pipeline import Pipeline
from loaders.seed import seed_batch
from loaders.usaspending import open_usaspending

LOADERS = ("usaspending-csv", "usaspending-json", "atlas", "mapping", "graph")


def opener(loader: str) -> Callable[[Path], InputFile]:
    if loader == "atlas":
        return AtlasCsv
    if loader == "mapping":
        spec = read_mapping(FREEZER_MAPPING)
        return lambda path: MappedCsv(path, spec)
    if loader == "graph":
        return GraphJsonl
    return open_usaspending


Snapshot = dict[str, tuple[set[str], set[str]]]


def snapshot(store: GraphStore) -> Snapshot:
    """What must never be lost: every node and tie, with its aliases and sources."""
    held: Snapshot = {}
    for node in store.iter_nodes():
        held[node.id] = (set(node.aliases), set(node.sources))
    for edge in store.iter_edges():
        held["|".join(edge.key)] = (set(), set(edge.sources))
    return held


def lost(before: Snapshot, after: Snapshot) -> list[str]:
    return [key for key, (aliases, sources) in before.items()
            if key not in after or not aliases <= after[key][0] or not sources <= after[key][1]]


def run_case(store: GraphStore, case: BadInput, tmp: Path) -> list[str]:
    """Load one bad file; return what went wrong (empty when the case held)."""
    problems: list[str] = []
    before = snapshot(store)
    rejects_path = tmp / f"{case.loader}-{case.case}.rejects.csv"
    try:
        item = opener(case.loader)(case.path)
    except WrongShape as exc:
        if case.outcome != "refused":
            return [f"refused: {exc}"]
        if str(case.path) not in str(exc) or case.expect_text not in str(exc):
            problems.append(f"refusal does not name the file and {case.expect_text!r}: {exc}")
        if snapshot(store) != before:
            problems.append("the store changed although the file was refused")
        return problems
    if case.outcome == "refused":
        return ["was not refused"]
    summary = Pipeline(store, rejects_path=rejects_path).run([item])
    rows: list[list[str]] = []
    if rejects_path.exists():
        with rejects_path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
    if len(rows) != summary.rejected:
        problems.append(f"{summary.rejected} rejected but {len(rows)} in the rejects file")
    for row in rows:
        if row[0] != str(case.path) or not row[1].isdigit() or not row[2] or not row[3]:
            problems.append(f"reject without file, row, field and reason: {row}")
    got = {(int(r[1]), r[2]) for r in rows}
    for number, fields in case.rejects:
        if not any((number, name) in got for name in fields.split("|")):
            problems.append(f"row {number} [{fields}] not rejected; rejects: {rows}")
    if case.outcome == "loaded" and rows:
        problems.append(f"rejected rows of a loadable file: {rows}")
    if case.outcome == "rejected" and not rows:
        problems.append("nothing rejected")
    if case.outcome == "rejected" and summary.loaded == 0:
        problems.append("the good rows were not loaded")
    if case.expect_text and not any(case.expect_text in " ".join(r) for r in rows):
        text = "\n".join(jsonl_lines(store))
        if case.expect_text not in text:
            problems.append(f"{case.expect_text!r} is not in the store")
    if case.marker:
        escaped = json.dumps(case.marker, ensure_ascii=False)[1:-1]
        if any(escaped in line for line in jsonl_lines(store)):
            problems.append(f"the damaged value {case.marker[:30]!r} reached the store")
    # An entity the resolver joined to another lives on under the other's id.
    moved = store.canonical_ids([key for key in before if "|" not in key])
    renamed = {moved.get(key, key): value for key, value in before.items() if "|" not in key}
    renamed.update({"|".join((moved.get(key.split("|")[0], key.split("|")[0]), key.split("|")[1],
                              moved.get(key.split("|")[2], key.split("|")[2]))): value
                    for key, value in before.items() if "|" in key})
    missing = lost(renamed, snapshot(store))
    if missing:
        problems.append(f"lost what was stored before: {missing[:5]}")
    return problems


def check_loader(store: GraphStore, loader: str, tmp_path: Path) -> int:
    cases = [c for c in build_corpus(tmp_path / "bad") if c.loader == loader]
    assert len(cases) >= 14
    store.upsert(seed_batch())
    failures = {c.name: p for c in cases if (p := run_case(store, c, tmp_path))}
    assert not failures, json.dumps(failures, indent=1)
    return len(cases)


@pytest.mark.parametrize("loader", LOADERS)
def test_bad_inputs_embedded(embedded_store: GraphStore, loader: str, tmp_path: Path) -> None:
    check_loader(embedded_store, loader, tmp_path)


@pytest.mark.neo4j
@pytest.mark.parametrize("loader", LOADERS)
def test_bad_inputs_neo4j(neo4j_store: GraphStore, loader: str, tmp_path: Path) -> None:
    check_loader(neo4j_store, loader, tmp_path)


def test_duplicate_ids_in_a_file_become_one_entity(embedded_store: GraphStore,
                                                   tmp_path: Path) -> None:
    """The same award twice in one file: one Contract, both spellings of its recipient kept."""
    case = next(c for c in build_corpus(tmp_path / "bad") if c.name == "graph:duplicate-ids")
    Pipeline(embedded_store).run([GraphJsonl(case.path)])
    acme = embedded_store.get_node("company:acme-optics")
    assert acme is not None and acme.aliases == ["Second Spelling Of The Same"]
    assert [n.id for n in embedded_store.iter_nodes("Company")] == ["company:acme-optics"]


def test_a_failing_batch_writes_nothing(store: GraphStore) -> None:
    """One bad record (a tie to a missing node, a NUL in a name) and the whole batch stays out."""
    store.upsert(seed_batch())
    before = list(jsonl_lines(store))
    good = [Node(f"company:whole-{i}", "Company", f"Whole {i}") for i in range(50)]
    for bad_batch in (
        Batch(good, [Edge("OFFERS", "company:whole-1", "product:nowhere")]),
        Batch([*good, Node("company:evil", "Company", "Evil\x00Corp")], []),
        Batch([*good, Node("contract:big", "Contract", "Big", properties={"obligated": 1e300})],
              []),
    ):
        with pytest.raises(ValueError):
            store.upsert(bad_batch)
        assert list(jsonl_lines(store)) == before
