"""Cached reach answers never outlive a write, on both stores.

`reach` answers a repeated question from a cache keyed by the store's generation, which every
upsert and clear changes in its own transaction. These tests fail if a write (through this
store object or another one on the same data) leaves an old answer in use, or if a caller
editing an answer changes what the next caller gets.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from graph_service.stores.reach_cache import CachedReach, ReachCache, question_key
from tests.conftest import connect_test_neo4j

DOMAIN = "domain:d"


def _tie(rel: str, a: str, b: str, source: str = "source:x") -> Edge:
    return Edge(rel, a, b, "reported", {}, [source])


def _graph() -> Batch:
    """Product p covered by contract k of agency a, which operates in domain d."""
    return Batch(
        [Node(DOMAIN, "Domain", "D"), Node("agency:a", "Agency", "A"),
         Node("product:p", "Product", "P"), Node("product:q", "Product", "Q"),
         Node("contract:k", "Contract", "K", [], {"obligated": 10.0}, ["source:k"])],
        [_tie("OPERATES_IN", "agency:a", DOMAIN), _tie("AWARDED_BY", "contract:k", "agency:a"),
         _tie("COVERS", "contract:k", "product:p")],
    )


def _products(store: GraphStore) -> list[tuple[str, float | None, list[str]]]:
    return [(a.subject, a.total_obligated, a.sources)
            for a in store.reach(["Product"], DOMAIN)]


def _cache(store: GraphStore) -> ReachCache:
    assert isinstance(store, CachedReach)
    return store.reach_cache


@pytest.fixture
def other(store: GraphStore) -> Iterator[GraphStore]:
    """A second store object on the same data (another process would see it this way)."""
    second = EmbeddedStore(store.path) if isinstance(store, EmbeddedStore) \
        else connect_test_neo4j()
    try:
        yield second
    finally:
        second.close()


def test_a_repeated_question_is_answered_from_the_cache(store: GraphStore) -> None:
    store.upsert(_graph())
    first = _products(store)
    hits = _cache(store).hits
    assert _products(store) == first == [("product:p", 10.0, ["source:k", "source:x"])]
    assert _cache(store).hits == hits + 1


def test_a_write_between_two_calls_changes_the_answer(store: GraphStore) -> None:
    store.upsert(_graph())
    assert [s for s, _, _ in _products(store)] == ["product:p"]
    assert [s for s, _, _ in _products(store)] == ["product:p"]  # now cached
    store.upsert(Batch([Node("contract:k2", "Contract", "K2", [], {"obligated": 5.0})],
                       [_tie("AWARDED_BY", "contract:k2", "agency:a"),
                        _tie("COVERS", "contract:k2", "product:q", "source:y")]))
    assert _products(store) == [("product:p", 10.0, ["source:k", "source:x"]),
                                ("product:q", 5.0, ["source:x", "source:y"])]
    # A changed property only (same ties), from a better-ranked source: the money changes.
    store.upsert(Batch([Node("contract:k2", "Contract", "K2", [], {"obligated": 7.0},
                             origin="analyst")], []))
    assert _products(store)[1] == ("product:q", 7.0, ["source:x", "source:y"])
    store.clear()
    assert _products(store) == []


def test_a_write_through_another_store_object_changes_the_answer(
    store: GraphStore, other: GraphStore
) -> None:
    store.upsert(_graph())
    assert [s for s, _, _ in _products(store)] == ["product:p"]
    assert [s for s, _, _ in _products(store)] == ["product:p"]
    other.upsert(Batch([], [_tie("COVERS", "contract:k", "product:q")]))
    assert [s for s, _, _ in _products(store)] == ["product:p", "product:q"]
    other.clear()
    assert _products(store) == []


def test_callers_get_copies(store: GraphStore) -> None:
    store.upsert(_graph())
    answers = store.reach(["Product"], DOMAIN)
    expected = store.reach(["Product"], DOMAIN)
    answers[0].sources.append("source:forged")
    answers[0].paths[0].edges[0].sources.append("source:forged")
    answers[0].contracts.clear()
    answers.clear()
    again = store.reach(["Product"], DOMAIN)
    assert again == expected
    again[0].paths[0].edges[0].properties["note"] = "edited"
    assert store.reach(["Product"], DOMAIN) == expected


def test_the_cache_is_bounded_and_holds_one_generation() -> None:
    cache = ReachCache(max_entries=2)
    questions = [question_key(["Product"], f"domain:{i}", None, None, 3) for i in range(3)]
    for question in questions:
        cache.put(1, question, [])
    assert cache.get(1, questions[0]) is None  # the least recently used went out
    assert cache.get(1, questions[2]) == []
    assert cache.get(2, questions[2]) is None  # another generation never matches
    cache.put(2, questions[1], [])
    assert cache.get(1, questions[2]) is None  # a newer generation dropped the older
