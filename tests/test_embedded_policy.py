"""The embedded store's view policy in Python (graph_service/stores/embedded_policy.py), and the
shortcut for ids new to the store (embedded_fresh): both must derive the view the rules say, and
the same view whichever path an id takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from graph_service.export import jsonl_lines
from graph_service.statements import StatementBatch
from graph_service.stores import embedded as embedded_module
from graph_service.stores import embedded_bulk
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.embedded_policy import Row, edge_view, node_view
from graph_service.stores.embedded_view import append_statements, refresh
from tests.test_store_statements import conflicting_batches

RULES = {("Contract", "obligated"): "max", ("Contract", "start_date"): "min",
         ("Contract", "piid"): "precedence", ("Company", "tags"): "union"}


def _row(rank: int, name: str, properties: dict[str, Any], aliases: list[str] | None = None,
         sources: list[str] | None = None, seen: str | None = "2024-01-01") -> Row:
    return (rank, {"name": name, "aliases": aliases or [], "properties": properties,
                   "sources": sources or ["source:a"]}, seen, seen)


def _body(kind: str, rows: list[Row]) -> tuple[str, dict[str, Any]]:
    name, body = node_view(kind, rows, RULES)
    return name, orjson.loads(body)


def test_min_max_and_precedence_follow_the_rules_not_the_rank() -> None:
    _, body = _body("Contract", [
        _row(9, "A", {"obligated": 10.5, "start_date": "2021-03-01", "piid": "P-2"}),
        _row(3, "B", {"obligated": 99.25, "start_date": "2020-01-01", "piid": "P-1"}),
    ])
    # max and min take the extreme value whatever its rank; precedence the best rank.
    assert body["properties"] == {"obligated": 99.25, "piid": "P-2", "start_date": "2020-01-01"}


def test_equal_rank_breaks_on_the_smallest_value_as_sqlite_orders_it() -> None:
    # SQLite's order: numbers before text, text by code point ("Z" < "a").
    _, body = _body("Contract", [_row(5, "A", {"piid": "a"}), _row(5, "B", {"piid": "Z"})])
    assert body["properties"]["piid"] == "Z"
    _, body = _body("Contract", [_row(5, "A", {"piid": "10"}), _row(5, "B", {"piid": 7})])
    assert body["properties"]["piid"] == 7


def test_a_union_is_every_text_element_sorted_and_an_empty_one_states_nothing() -> None:
    _, body = _body("Company", [_row(1, "A", {"tags": ["b", "a"]}),
                                _row(9, "B", {"tags": ["c", "a", 3]})])
    assert body["properties"] == {"tags": ["a", "b", "c"]}
    _, body = _body("Company", [_row(1, "A", {"tags": [1]}), _row(2, "B", {})])
    assert body["properties"] == {}


def test_names_aliases_sources_and_days_are_unions() -> None:
    name, body = _body("Company", [
        _row(2, "Acme", {}, aliases=["ACME"], sources=["source:b"], seen="2024-02-01"),
        _row(7, "Acme Corp", {}, aliases=["Acme"], sources=["source:a"], seen="2023-05-01"),
    ])
    assert name == "Acme Corp"  # the best rank names it
    assert body == {"aliases": ["ACME", "Acme"], "properties": {},
                    "sources": ["source:a", "source:b"], "first_seen": "2023-05-01",
                    "last_seen": "2024-02-01"}


def test_one_statement_keeps_its_values_as_stated() -> None:
    name, body = node_view("Company", [_row(1, "X", {"b": 1.10, "a": "y"}, aliases=["X", "Y"])],
                           RULES)
    assert name == "X"
    assert body == ('{"aliases":["Y"],"properties":{"b":1.1,"a":"y"},"sources":["source:a"],'
                    '"first_seen":"2024-01-01","last_seen":"2024-01-01"}')


def test_a_tie_is_reported_when_any_statement_reports_it() -> None:
    rows: list[Row] = [(1, {"status": "inferred", "properties": {}, "sources": ["s:1"]}, None,
                        None),
                       (5, {"status": "reported", "properties": {}, "sources": ["s:2"]}, None,
                        "2024-01-01")]
    assert orjson.loads(edge_view("AWARDED_TO", rows, RULES)) == {
        "status": "reported", "properties": {}, "sources": ["s:1", "s:2"], "first_seen": None,
        "last_seen": "2024-01-01"}


def _read_path_append(db: Any, model: Any, statements: StatementBatch) -> Any:
    """An append whose refresh reads every statement back from the store (no shortcut)."""
    append_statements(db, statements)
    return refresh(db, model, statements.entities, statements.edges)


def _read_path_refresh(db: Any, model: Any, entities: dict[str, str], edges: Any,
                       nodes: Any = None) -> Any:
    return refresh(db, model, entities, edges)


@pytest.mark.parametrize("bulk", [False, True])
def test_the_shortcut_and_the_read_path_derive_the_same_view(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool) -> None:
    exports = []
    for name in ("shortcut", "read"):
        if name == "read":
            monkeypatch.setattr(embedded_module, "append_and_refresh", _read_path_append)
            monkeypatch.setattr(embedded_bulk, "refresh", _read_path_refresh)
        store = EmbeddedStore(tmp_path / f"{name}.db")
        if bulk:
            with store.bulk(flush_every=10_000):
                for batch in conflicting_batches():
                    store.upsert(batch)
        else:
            for batch in conflicting_batches():
                store.upsert(batch)
        exports.append(list(jsonl_lines(store)))
        store.close()
    assert exports[0] == exports[1]
    assert len(exports[0]) > 5


def test_equal_numbers_of_two_types_show_the_integer_in_any_order() -> None:
    # SQLite holds 1 and 1.0 equal: the order of the statements must not pick the one shown.
    for rule_key in ("obligated", "potential"):  # max, and precedence
        rows = [_row(5, "A", {rule_key: 1.0}), _row(5, "B", {rule_key: 1})]
        shown = {orjson.dumps(_body("Contract", order)[1]["properties"][rule_key])
                 for order in (rows, rows[::-1])}
        assert shown == {b"1"}
