"""Property-based (hypothesis): on both stores, `survgraph export` then `load graph` gives back
exactly the same graph, loading the same file again changes nothing, and entity-name
normalization resolves a name's spellings to one stable id across loads.

(tests/test_loaders_resolution.py already checks normalize_name on its own: idempotent, case,
punctuation and legal suffixes. Here: the resolver across separate loads.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.domain_model import load_model
from graph_service.export import jsonl_lines
from graph_service.records import MAX_AMOUNT, Batch, Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from loaders.graph_jsonl import GraphJsonl
from loaders.pipeline import Pipeline
from loaders.resolution import CompanyResolver


# Text as analysts' files carry it: any printable character, accents, quotes, emoji; not blank.
def texts(max_codepoint: int = 0x10FFFF) -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00", max_codepoint=
                                 max_codepoint, exclude_categories=("Cs", "Cc")),
                   min_size=1, max_size=30).filter(lambda s: s.strip() != "")


TEXT = texts()
# Neo4j orders strings above U+FFFF by UTF-16 units while they are parameters or new in a
# transaction, by code points once stored (docs/neo4j-store.md "Limits"): a union list of them
# (aliases) can come out in another order than the embedded store's. Its round trip keeps to
# the Basic Multilingual Plane.
TEXT_BMP = texts(0xFFFF)
# No "--": a qualified id's base (contract:a--b is an order under contract:a) would merge it.
SLUG = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,5})?", fullmatch=True)
DAY = st.dates().map(lambda d: d.isoformat())
MONEY = st.floats(min_value=-MAX_AMOUNT / 10, max_value=MAX_AMOUNT / 10, allow_nan=False)
SOURCES = st.lists(st.sampled_from(["source:a", "source:b", "source:c"]), unique=True,
                   max_size=3)
MODEL = load_model()
KINDS = {"Company": "company", "Agency": "agency", "Product": "product", "Contract": "contract"}
PROPS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "Company": {"uei": TEXT, "city": TEXT},
    "Agency": {"code": TEXT, "level": st.sampled_from(["federal", "county", "tribal"])},
    "Product": {"description": TEXT},
    "Contract": {"piid": TEXT, "obligated": MONEY, "start_date": DAY, "fiscal_year":
                 st.integers(1990, 2040)},
}
TIES = [("OFFERS", "Company", "Product"), ("SUBSIDIARY_OF", "Company", "Company"),
        ("AWARDED_TO", "Contract", "Company"), ("AWARDED_BY", "Contract", "Agency"),
        ("PART_OF", "Agency", "Agency"), ("COVERS", "Contract", "Product")]


@st.composite
def nodes(draw: Callable[..., Any], kind: str, text: st.SearchStrategy[str]) -> Node:
    props = draw(st.fixed_dictionaries({}, optional=PROPS[kind]))
    first, last = sorted([draw(DAY), draw(DAY)])
    return Node(f"{KINDS[kind]}:{draw(SLUG)}", kind, draw(text),
                aliases=draw(st.lists(text, unique=True, max_size=3)), properties=props,
                sources=draw(SOURCES), first_seen=first, last_seen=last)


@st.composite
def graphs(draw: Callable[..., Any], text: st.SearchStrategy[str] = TEXT) -> Batch:
    found: dict[str, Node] = {}
    for kind in KINDS:
        for node in draw(st.lists(nodes(kind, text), min_size=1, max_size=4)):
            found[node.id] = node
    # Two nodes stating one identifier (a UEI, a PIID, as the store compares them) are one
    # entity: the later one states none, so every id drawn stays an entity of its own.
    stated: set[tuple[str, str, str]] = set()
    for node in found.values():
        for prop, is_key in MODEL.identity_props[node.kind]:
            value = node.properties.get(prop)
            if is_key and value not in (None, ""):
                key = (node.kind, prop, str(value).upper())
                if key in stated:
                    del node.properties[prop]
                stated.add(key)
    by_kind = {k: [n.id for n in found.values() if n.kind == k] for k in KINDS}
    sources = [Node(s, "Source", s.upper()) for s in ("source:a", "source:b", "source:c")]
    edges: dict[tuple[str, str, str], Edge] = {}
    for rel, start, end in TIES:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.sampled_from(by_kind[start])), draw(st.sampled_from(by_kind[end]))
            if a == b:
                continue
            props = draw(st.fixed_dictionaries({}, optional={"note": TEXT, "amount": MONEY,
                                                             "valid_from": DAY}))
            edge = Edge(rel, a, b, draw(st.sampled_from(["reported", "inferred"])), props,
                        draw(SOURCES), *sorted([draw(DAY), draw(DAY)]))
            edges[edge.key] = edge
    return Batch([*found.values(), *sources], list(edges.values()))


def round_trip(first: GraphStore, second: GraphStore, batch: Batch, tmp: Path) -> None:
    first.clear()
    second.clear()
    first.upsert(batch)
    exported = list(jsonl_lines(first))
    path = tmp / "export.jsonl"
    path.write_text("\n".join(exported) + "\n", encoding="utf-8")
    summary = Pipeline(second).run([GraphJsonl(path)])
    assert summary.rejected == 0, summary.rejects
    assert list(jsonl_lines(second)) == exported
    again = Pipeline(second).run([GraphJsonl(path)])  # idempotent: nothing new, nothing changed
    w = again.written
    assert (w.nodes_created, w.nodes_updated, w.edges_created, w.edges_updated) == (0, 0, 0, 0)
    assert list(jsonl_lines(second)) == exported
    # The export holds the graph as it was upserted (merged duplicates aside).
    ids = {json.loads(line)["id"] for line in exported if '"record": "node"' in line}
    assert ids == {n.id for n in batch.nodes}


COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}


@settings(max_examples=40, **COMMON)
@given(batch=graphs())
def test_export_then_load_round_trips_on_embedded(batch: Batch, tmp_path_factory:
                                                  pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    with EmbeddedStore(tmp / "a.db") as first, EmbeddedStore(tmp / "b.db") as second:
        round_trip(first, second, batch, tmp)


@pytest.mark.neo4j
def test_export_then_load_round_trips_on_neo4j(neo4j_store: GraphStore, tmp_path: Path) -> None:
    """Neo4j to the embedded store and back to Neo4j: the same lines all the way."""

    @settings(max_examples=12, **COMMON)
    @given(batch=graphs(TEXT_BMP))
    def check(batch: Batch) -> None:
        with EmbeddedStore(tmp_path / "middle.db") as middle:
            round_trip(neo4j_store, middle, batch, tmp_path)
            middle_lines = list(jsonl_lines(middle))
            round_trip(middle, neo4j_store, batch, tmp_path)
            assert list(jsonl_lines(neo4j_store)) == middle_lines

    check()


SPACES = st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=1, max_size=3).map("".join)


@settings(max_examples=60, **COMMON)
@given(words=st.lists(st.from_regex(r"[A-Za-z][a-z]{2,8}", fullmatch=True), min_size=1,
                      max_size=4), gap=SPACES,
       suffix=st.sampled_from(["", " Inc", ", Inc.", " LLC", " Corporation", " CORP."]))
def test_spellings_of_a_name_resolve_to_one_id_across_loads(
        words: list[str], gap: str, suffix: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    name = " ".join(words)
    variant = gap + gap.join(w.upper() for w in words) + suffix + gap
    with EmbeddedStore(tmp_path_factory.mktemp("names") / "s.db") as store:
        first = CompanyResolver().resolve(name)
        store.upsert(Batch([Node(first.id, "Company", name)]))
        later = CompanyResolver().resolve(variant)  # a later load, a fresh resolver
        store.upsert(Batch([Node(later.id, "Company", variant.strip())]))
        assert later.id == first.id
        assert [n.id for n in store.iter_nodes("Company")] == [first.id]
