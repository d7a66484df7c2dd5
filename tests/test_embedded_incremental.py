"""The embedded store's incremental view (graph_service/stores/embedded_incremental.py): a view
row combined with new statements must be the row derived from all of its statements, whatever
the groups the statements came in, and a store written before rows kept their ranks must still
derive the same view."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.export import jsonl_lines
from graph_service.records import Edge, Node
from graph_service.statements import StatementBatch, statements_of
from graph_service.stores import embedded_incremental
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.embedded_policy import (
    EMPTY_EDGE,
    EMPTY_NODE,
    Row,
    combine_edge,
    combine_node,
    ranked_edge_view,
    ranked_node_view,
)
from graph_service.stores.embedded_view import refresh
from tests.test_store_statements import conflicting_batches

# Values of every JSON type, and pairs SQL holds equal (1 and 1.0, an object and its text).
VALUES = st.sampled_from([0, 1, 1.0, 2.5, -3, "1", "a", "B", "b", {"k": 1}, '{"k":1}',
                          {"k": [2]}, ["x"], [1], True, False])
TEXTS = st.sampled_from(["Acme", "ACME", "Acme Corp", "acme", "Béta", "Zed"])
RULES = {("Contract", "low"): "min", ("Contract", "high"): "max",
         ("Contract", "tags"): "union", ("Contract", "note"): "precedence",
         ("AWARDED_TO", "tags"): "union", ("AWARDED_TO", "high"): "max"}
KEYS = ("low", "high", "tags", "note", "other")
DAYS = st.one_of(st.none(), st.sampled_from(["2020-01-01", "2021-06-01", "2024-12-31"]))


@st.composite
def rows(draw: Callable[..., Any], edge: bool = False) -> Row:
    properties = {key: draw(st.one_of(VALUES, st.lists(VALUES, max_size=3)))
                  for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4))}
    data: dict[str, Any] = {"properties": properties,
                            "sources": draw(st.lists(st.sampled_from("abc"), max_size=2))}
    if edge:
        data["status"] = draw(st.sampled_from([None, "inferred", "reported"]))
    else:
        data["name"] = draw(TEXTS)
        data["aliases"] = draw(st.lists(TEXTS, max_size=2))
    first, last = draw(DAYS), draw(DAYS)
    return (draw(st.integers(0, 3)), data, first, last)


def _ranks(ranks: Any) -> Any:
    return None if ranks is None else orjson.loads(orjson.dumps(ranks))


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=5), st.lists(rows(), max_size=4))
def test_a_node_combined_from_its_view_is_the_node_of_all_statements(
        old: list[Row], new: list[Row]) -> None:
    name, body, ranks = ranked_node_view("Contract", old, RULES)
    whole = ranked_node_view("Contract", old + new, RULES)
    if ranks is None:  # a row taken as stated keeps no ranks: it is re-derived in full
        return
    combined = combine_node("Contract", name, ranks[0], orjson.loads(body), ranks[1], new,
                            RULES)
    assert combined[:2] == whole[:2]
    assert _ranks(combined[2]) == _ranks(whole[2])


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(edge=True), min_size=1, max_size=5), st.lists(rows(edge=True), max_size=4))
def test_a_tie_combined_from_its_view_is_the_tie_of_all_statements(
        old: list[Row], new: list[Row]) -> None:
    body, ranks = ranked_edge_view("AWARDED_TO", old, RULES)
    whole = ranked_edge_view("AWARDED_TO", old + new, RULES)
    if ranks is None:
        return
    combined = combine_edge("AWARDED_TO", orjson.loads(body), ranks[1], new, RULES)
    assert combined[0] == whole[0]
    assert _ranks(combined[1]) == _ranks(whole[1])


def test_an_empty_view_combined_with_statements_is_their_view() -> None:
    rows_: list[Row] = [(2, {"name": "A", "aliases": [], "properties": {"low": 3},
                             "sources": ["s"]}, None, None),
                        (1, {"name": "B", "aliases": ["C"], "properties": {"low": 1},
                             "sources": ["t"]}, "2020-01-01", None)]
    assert combine_node("Contract", "A", 2, EMPTY_NODE, {}, rows_, RULES)[:2] == \
        ranked_node_view("Contract", rows_, RULES)[:2]
    assert combine_edge("AWARDED_TO", EMPTY_EDGE, {}, [(1, {**r[1], "status": None}, *r[2:])
                                                       for r in rows_], RULES)[0]


# The store: random claims (in the real model: precedence, unions of ties' `technologies`,
# min and max of their `valid_from` and `valid_to`, identifier values that join companies) cut
# into random groups; each group appended as a load appends it.
ORIGINS = st.sampled_from(["analyst", "procurement-record", "dataset", "news", "inference"])
STORE_VALUES = st.sampled_from([1, 1.0, 2.5, "1", "x", "Y", {"k": 1}, ["x", "y"]])
DAY = st.sampled_from(["2020-01-01", "2022-03-04", "2024-12-31"])


@st.composite
def claims(draw: Callable[..., Any]) -> tuple[list[Node], list[Edge]]:
    nodes: list[Node] = []
    for _ in range(draw(st.integers(1, 12))):
        kind, prefix = draw(st.sampled_from([("Company", "company"), ("Contract", "contract")]))
        properties: dict[str, Any] = {
            key: draw(STORE_VALUES) for key in draw(st.lists(
                st.sampled_from(["city", "state", "piid", "note"]), unique=True, max_size=3))}
        if kind == "Company" and draw(st.booleans()):
            properties["duns"] = draw(st.sampled_from(["111111111", "222222222"]))
        first = draw(DAY)
        nodes.append(Node(f"{prefix}:{draw(st.sampled_from('abc'))}", kind, draw(TEXTS),
                          draw(st.lists(TEXTS, max_size=2)), properties,
                          [draw(st.sampled_from(["source:a", "source:b"]))], first,
                          max(first, draw(DAY)), record="r:1", origin=draw(ORIGINS)))
    companies = [n.id for n in nodes if n.kind == "Company"]
    contracts = [n.id for n in nodes if n.kind == "Contract"]
    edges: list[Edge] = []
    if companies and contracts:
        for _ in range(draw(st.integers(0, 12))):
            properties = {key: draw(st.one_of(DAY, STORE_VALUES)) for key in draw(st.lists(
                st.sampled_from(["note", "valid_from", "valid_to"]), unique=True, max_size=2))}
            if draw(st.booleans()):
                properties["technologies"] = draw(st.lists(st.sampled_from("pqr"), max_size=2))
            edges.append(Edge("AWARDED_TO", draw(st.sampled_from(contracts)),
                              draw(st.sampled_from(companies)),
                              draw(st.sampled_from(["reported", "inferred"])), properties,
                              ["source:a"], draw(DAY), None, record="r:1",
                              origin=draw(ORIGINS)))
    return nodes, edges


def _view(db: sqlite3.Connection) -> list[list[tuple[Any, ...]]]:
    return [sorted(db.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608
            for table in ("nodes", "edges", "terms", "lookup")]


def _rederive(store: EmbeddedStore, statements: StatementBatch) -> None:
    """Every id's view derived again from its stored statements (the SQL path alone)."""
    db = store._db
    db.execute("BEGIN IMMEDIATE")
    refresh(db, store.model, statements.entities, statements.edges)
    db.execute("COMMIT")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(claims(), st.lists(st.integers(0, 3), min_size=20, max_size=20), st.booleans())
def test_views_combined_group_by_group_are_the_views_derived_from_all_statements(
        tmp_path_factory: pytest.TempPathFactory, claimed: tuple[list[Node], list[Edge]],
        cuts: list[int], bulk: bool) -> None:
    nodes, edges = claimed
    store = EmbeddedStore(tmp_path_factory.mktemp("incremental") / "store.db")
    # Each claim goes to one of four groups; a tie with its start's group or a later one.
    groups: list[tuple[list[Node], list[Edge]]] = [([], []) for _ in range(4)]
    first_group: dict[str, int] = {}
    for i, node in enumerate(nodes):
        group = cuts[i % len(cuts)]
        groups[group][0].append(node)
        first_group[node.id] = min(first_group.get(node.id, 4), group)
    for i, edge in enumerate(edges):
        group = max(cuts[-1 - i % len(cuts)], first_group[edge.source], first_group[edge.target])
        groups[group][1].append(edge)
    if bulk:
        with store.bulk(flush_every=1):
            for group_nodes, group_edges in groups:
                store.append(statements_of(store.model, group_nodes, group_edges))
    else:
        for group_nodes, group_edges in groups:
            store.append(statements_of(store.model, group_nodes, group_edges))
    loaded = _view(store._db)
    _rederive(store, statements_of(store.model, nodes, edges))
    assert _view(store._db) == loaded
    store.close()


def test_a_company_named_again_is_combined_not_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    combined: list[int] = []
    original = embedded_incremental.nodes

    def counting(*args: Any) -> Any:
        view = original(*args)
        combined.append(len(view.node_ids))
        return view

    monkeypatch.setattr(embedded_incremental, "nodes", counting)
    store = EmbeddedStore(tmp_path / "store.db")
    for day in ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"):
        store.append(statements_of(store.model, [
            Node("company:acme", "Company", f"Acme {day}", [], {"city": day}, ["source:a"],
                 day, day, record=f"r:{day}", origin="dataset")], []))
    # The first load is new to the store, the second meets a row taken as stated (no ranks),
    # the third and fourth combine the row of two and three statements.
    assert combined == [0, 0, 1, 1]
    node = store.get_nodes(["company:acme"])["company:acme"]
    assert node.name == "Acme 2024-01-01"  # same rank: the smallest name
    assert node.aliases == ["Acme 2024-02-01", "Acme 2024-03-01", "Acme 2024-04-01"]
    assert node.properties == {"city": "2024-01-01"}  # same rank: the smallest value
    assert (node.first_seen, node.last_seen) == ("2024-01-01", "2024-04-01")
    store.close()


def test_a_tie_stated_again_is_combined_not_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    combined: list[int] = []
    original = embedded_incremental.edges

    def counting(*args: Any) -> Any:
        view = original(*args)
        combined.append(len(view.edges))
        return view

    monkeypatch.setattr(embedded_incremental, "edges", counting)
    store = EmbeddedStore(tmp_path / "store.db")
    days = ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01")
    ends = [Node(node_id, kind, "X", [], {}, ["source:a"], days[0], days[0], record="r:1",
                 origin="dataset") for node_id, kind in
            (("contract:a", "Contract"), ("company:b", "Company"))]
    for i, day in enumerate(days):
        store.append(statements_of(store.model, ends if i == 0 else [], [
            Edge("AWARDED_TO", "contract:a", "company:b", "inferred" if i < 2 else "reported",
                 {"note": day, "technologies": [day[5:7]]}, [f"source:{i}"], day, day,
                 record=f"r:{day}", origin="dataset")]))
    # A tie of one statement with a list is not taken as stated: it keeps its ranks at once.
    assert combined == [0, 1, 1, 1]
    ((edge,),) = [store.edges(["contract:a"], direction="out")]
    assert (edge.status, edge.properties) == ("reported", {
        "note": "2024-01-01", "technologies": ["01", "02", "03", "04"]})
    assert edge.sources == ["source:0", "source:1", "source:2", "source:3"]
    store.close()


def _without_ranks(path: Path) -> None:
    """Make a store of the layout before ranks were kept (nodes and edges without the column)."""
    db = sqlite3.connect(path)
    for table in ("nodes", "edges"):
        db.execute(f"ALTER TABLE {table} DROP COLUMN ranks")
    db.commit()
    db.close()


@pytest.mark.parametrize("bulk", [False, True])
def test_a_store_written_before_ranks_gains_them_and_derives_the_same_view(
        tmp_path: Path, bulk: bool) -> None:
    batches = conflicting_batches()
    whole = EmbeddedStore(tmp_path / "whole.db")
    for batch in batches + batches[:2]:
        whole.upsert(batch)
    expected = list(jsonl_lines(whole))
    whole.close()

    old = tmp_path / "old.db"
    store = EmbeddedStore(old)
    for batch in batches[:2]:
        store.upsert(batch)
    store.close()
    _without_ranks(old)
    store = EmbeddedStore(old)
    db = store._db
    assert db.execute("SELECT COUNT(*) FROM nodes WHERE ranks IS NOT NULL").fetchone() == (0,)
    if bulk:
        with store.bulk(flush_every=1):
            for batch in batches[2:] + batches[:2]:
                store.upsert(batch)
    else:
        for batch in batches[2:] + batches[:2]:
            store.upsert(batch)
    assert list(jsonl_lines(store)) == expected
    # Rows derived again keep their ranks (those of several statements).
    assert db.execute("SELECT COUNT(*) FROM nodes WHERE ranks IS NOT NULL").fetchone()[0] > 0
    store.close()


def test_other_rules_drop_every_rank(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.db")
    for batch in conflicting_batches():
        store.upsert(batch)
    db = store._db
    assert db.execute("SELECT COUNT(*) FROM nodes WHERE ranks IS NOT NULL").fetchone()[0] > 0
    db.execute("UPDATE rules SET rule = 'max' WHERE owner = 'Company' AND key = 'city'")
    store.close()
    store = EmbeddedStore(tmp_path / "store.db")  # the model's rules again: ranks are stale
    assert store._db.execute(
        "SELECT COUNT(*) FROM nodes WHERE ranks IS NOT NULL").fetchone() == (0,)
    store.close()
