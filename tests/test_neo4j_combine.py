"""Neo4j: a view record combined with its new statements (neo4j_view_combine) is exactly the
record derived from all of its statements: values, ranks and all, whatever the statements and
however they are cut into loads."""

from __future__ import annotations

import json
from itertools import zip_longest
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graph_service.records import Batch, Edge, Node
from graph_service.stores import neo4j_view
from graph_service.stores.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j

COMPANY, CONTRACT = "company:acme", "contract:p-1"
ORIGINS = ("procurement-record", "dataset", "news")
DAYS = ("2024-01-01", "2024-03-01", "2024-06-01")
texts = st.sampled_from(["A", "B", "b", "Zed", "É"])


@st.composite
def company_claims(draw: st.DrawFn) -> Node:
    props = draw(st.fixed_dictionaries({}, optional={"city": texts, "state": texts,
                                                     "website": texts}))
    seen = draw(st.sampled_from(DAYS))
    return Node(COMPANY, "Company", draw(st.sampled_from(["Acme", "ACME", "Acme Inc"])),
                draw(st.lists(texts, max_size=2, unique=True)), props,
                [draw(st.sampled_from(["source:a", "source:b"]))], seen, seen,
                record="r:1", origin=draw(st.sampled_from(ORIGINS)))


@st.composite
def tie_claims(draw: st.DrawFn) -> Edge:
    props: dict[str, Any] = draw(st.fixed_dictionaries({}, optional={
        "amount": st.sampled_from([1, 1.0, 2.5, 7]), "note": texts,
        "valid_from": st.sampled_from(DAYS), "valid_to": st.sampled_from(DAYS),
        "technologies": st.lists(texts, min_size=1, max_size=2, unique=True)}))
    seen = draw(st.sampled_from(DAYS))
    return Edge("AWARDED_TO", CONTRACT, COMPANY,
                draw(st.sampled_from(["reported", "inferred"])), props,
                [draw(st.sampled_from(["source:a", "source:b"]))], seen, seen, record="r:1",
                origin=draw(st.sampled_from(ORIGINS)))


def _contract() -> Node:
    return Node(CONTRACT, "Contract", "P-1", [], {"piid": "P-1"}, ["source:a"], DAYS[0],
                DAYS[0], record="r:1", origin="procurement-record")


def _layout(store: Neo4jStore) -> list[str]:
    """Every view record as stored, internal properties (ranks, search terms) included."""
    rows = store._read("MATCH (n:Entity) RETURN [n.id, properties(n)] AS row UNION ALL "
                       "MATCH (a)-[r:AWARDED_TO]->(b) RETURN [a.id, properties(r)] AS row")
    return sorted(json.dumps(row, sort_keys=True) for (row,) in rows)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nodes=st.lists(company_claims(), min_size=2, max_size=6),
       ties=st.lists(tie_claims(), min_size=2, max_size=6),
       cuts=st.lists(st.integers(0, 5), min_size=1, max_size=3))
def test_combining_gives_what_all_the_statements_give(
        neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, nodes: list[Node],
        ties: list[Edge], cuts: list[int]) -> None:
    assume(nodes[1] != nodes[0] and ties[1] != ties[0])  # the second load meets both records
    combined: list[str] = []
    for name in ("combine_nodes_statement", "combine_edges_statement"):
        made = getattr(neo4j_view, name)
        monkeypatch.setattr(neo4j_view, name, lambda model, owner, made=made, name=name: (
            combined.append(name), made(model, owner))[1])
    neo4j_store.clear()
    neo4j_store.upsert(Batch([_contract(), *nodes], ties))
    whole = _layout(neo4j_store)
    neo4j_store.clear()
    # The first load makes both records; each later one meets them.
    neo4j_store.upsert(Batch([_contract(), nodes[0]], [ties[0]]))
    neo4j_store.upsert(Batch([nodes[1]], [ties[1]]))
    rest = list(zip_longest(nodes[2:], ties[2:]))
    start = 0
    for cut in sorted(set(cuts)) + [len(rest)]:
        part = rest[start:cut]
        if part:
            neo4j_store.upsert(Batch([n for n, _ in part if n], [t for _, t in part if t]))
            start = cut
    assert _layout(neo4j_store) == whole
    assert "combine_nodes_statement" in combined and "combine_edges_statement" in combined
