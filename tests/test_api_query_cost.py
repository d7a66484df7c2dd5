"""The document measure of query_cost.py: what counts, how much, and in linear time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import parse

from graph_service.api.query_cost import DEFAULT_PAGE, LIST_WEIGHT, DocumentMeter, Measure
from graph_service.api.schema import build_schema
from graph_service.config import Settings

SCHEMA = build_schema(Settings(store="unused"))._schema


def measure(query: str, variables: dict[str, Any] | None = None) -> Measure:
    meter = DocumentMeter(SCHEMA, parse(query), variables)
    return meter.measure(meter.operations[0])


@pytest.mark.parametrize("query, variables, cost", [
    ("{ stats }", None, 1),
    # agencies 1 + 10 x (nodes 1 + 1 x (id 1)) ... a connection's nodes count once per item
    ("{ agencies(first: 10) { nodes { id } } }", None, 1 + 10 * (1 + 1)),
    ("query($n: Int) { agencies(first: $n) { nodes { id } } }", {"n": 7}, 1 + 7 * 2),
    ("query($n: Int = 3) { agencies(first: $n) { nodes { id } } }", None, 1 + 3 * 2),
    ("{ agencies { nodes { id } } }", None, 1 + DEFAULT_PAGE * 2),
    ('{ nodes(ids: ["a:b", "c:d", "e:f"]) { id name } }', None, 1 + 3 * 2),
    ('{ paths(from: "a:b", to: "c:d") { nodes { id } } }', None, 1 + 10 * (1 + LIST_WEIGHT)),
    ("{ agencies(first: 5) { nodes { sharesDataWith(first: 4) { id } } } }", None,
     1 + 5 * (1 + (1 + 4 * 1))),
])
def test_cost_multiplies_by_page_sizes(query: str, variables: dict[str, Any] | None,
                                       cost: int) -> None:
    assert measure(query, variables).cost == cost


def test_fragments_count_at_every_use_but_are_measured_once() -> None:
    levels = 300
    parts = ["fragment F0 on Query { a: stats }"]
    parts += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels)]
    query = f"{{ ...F{levels - 1} }} " + " ".join(parts)
    started = time.perf_counter()
    found = measure(query)
    assert time.perf_counter() - started < 0.5
    assert found.cost == 2 ** (levels - 1) and found.aliases == 2 ** (levels - 1)


def test_depth_ignores_introspection_and_counts_nesting() -> None:
    assert measure("{ agencies { nodes { parent { id } } } }").depth == 3
    assert measure("{ __schema { types { fields { type { name } } } } }").depth == 0
    assert measure("{ __schema { types { fields { name } } } }").cost > LIST_WEIGHT ** 2


def test_cycles_do_not_hang() -> None:
    query = ('{ node(id: "a:b") { ...A } } fragment A on Agency { parent { ...B } } '
             "fragment B on Agency { parent { ...A } }")
    assert measure(query).depth >= 2
