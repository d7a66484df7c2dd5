"""The two-ended reach search answers exactly like the backward-only search it replaced.

Random small graphs over every kind a reach rule walks (with PART_OF cycles and self-ties,
ties valid for a while, contracts with periods) go into a real embedded store; every strategy
("auto", "forward", "backward") must give the same ReachAnswers as the reference (the old
traversal, kept verbatim in tests/reach_reference.py), for every subject kind, date and hop
bound drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.domain_model import load_model
from graph_service.records import Batch, Edge, Node
from graph_service.stores import traversal
from graph_service.stores.embedded import EmbeddedStore
from tests import reach_reference

MODEL = load_model()
POOL = {"Product": 3, "Company": 3, "Technology": 2, "Contract": 5, "Agency": 5, "Domain": 2}
IDS = {kind: [f"{MODEL.kinds[kind].prefix}:n{i}" for i in range(n)] for kind, n in POOL.items()}
CANDIDATES = sorted(
    (rel_type, source, target)
    for rel_type, rel in MODEL.relationships.items()
    for from_kind in rel.from_kinds if from_kind in POOL
    for to_kind in rel.to_kinds if to_kind in POOL
    for source in IDS[from_kind]
    for target in IDS[to_kind]
)
DATES = [None, "2018-01-01", "2020-06-30", "2022-12-31"]
SUBJECT_KINDS = [["Product"], ["Company"], ["Technology"], ["Product", "Company", "Technology"]]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(FilePath(tmp_path_factory.mktemp("reach")) / "g.db") as opened:
        yield opened  # type: ignore[misc]


def _window(draw: st.DrawFn) -> dict[str, str]:
    start, end = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
    return {key: value for key, value in (("from", start), ("to", end)) if value is not None}


@st.composite
def graphs(draw: st.DrawFn) -> Batch:
    nodes = []
    for kind, ids in IDS.items():
        for node_id in ids:
            props: dict[str, Any] = {}
            if kind == "Contract":
                names = {"from": "start_date", "to": "end_date"}
                props = {names[k]: v for k, v in _window(draw).items()}
                props["obligated"] = float(draw(st.integers(1, 1000)))
            nodes.append(Node(node_id, kind, node_id, [], props, [f"source:s-{node_id[-1]}"]))
    picked = draw(st.lists(st.sampled_from(CANDIDATES), min_size=5, max_size=40, unique=True))
    edges: list[Edge] = []
    for rel_type, source, target in picked:
        window = _window(draw) if draw(st.booleans()) else {}
        props = {f"valid_{k}": v for k, v in window.items()}
        edges.append(Edge(rel_type, source, target, "reported", props,
                          [f"source:e-{len(edges) % 3}"]))
    return Batch(nodes, edges)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(graph=graphs(), as_of=st.sampled_from(DATES),
       max_hops=st.sampled_from([None, 1, 2, 3, 4, 6]), paths=st.sampled_from([1, 3]))
def test_every_strategy_matches_the_backward_reference(
    store: EmbeddedStore, graph: Batch, as_of: str | None, max_hops: int | None, paths: int
) -> None:
    store.clear()
    store.upsert(graph)
    for target in IDS["Domain"]:
        for kinds in SUBJECT_KINDS:
            expected = reach_reference.reach(store, MODEL, kinds, target, as_of, max_hops, paths)
            for strategy in ("auto", "forward", "backward"):
                got = traversal.reach(store, MODEL, kinds, target, as_of, max_hops, paths,
                                      strategy=strategy)
                assert got == expected, (strategy, kinds, target)


def test_the_forward_end_is_taken_when_it_is_cheaper(store: EmbeddedStore) -> None:
    """Many contracts under the domain's agency, one covering a product: the auto search must
    read the covering contract's ties, not all of the agency's (it would fail if it went back)."""
    store.clear()
    nodes = [Node("domain:d", "Domain", "D"), Node("agency:a", "Agency", "A"),
             Node("product:p", "Product", "P")]
    edges = [Edge("OPERATES_IN", "agency:a", "domain:d", "reported", {}, ["source:x"])]
    for k in range(300):
        nodes.append(Node(f"contract:k{k}", "Contract", f"K{k}", [], {"obligated": 1.0}, []))
        edges.append(Edge("AWARDED_BY", f"contract:k{k}", "agency:a", "reported", {}, []))
    edges.append(Edge("COVERS", "contract:k7", "product:p", "reported", {}, ["source:y"]))
    store.upsert(Batch(nodes, edges))
    read: list[int] = []
    original = store.edges

    def counted(*args: object, **kwargs: object) -> list[Edge]:
        found = original(*args, **kwargs)  # type: ignore[arg-type]
        read.append(len(found))
        return found

    store.edges = counted  # type: ignore[method-assign]
    try:
        answers = traversal.reach(store, MODEL, ["Product"], "domain:d")
    finally:
        del store.edges
    assert [a.subject for a in answers] == ["product:p"]
    assert answers[0].contracts == ["contract:k7"]
    assert sum(read) < 20, read


def test_many_equally_short_paths_keep_the_reference_order(store: EmbeddedStore) -> None:
    """Products with many equally short chains whose ids interleave: contracts awarded and
    funded by the same agency, agencies under two departments, a department also reached
    through a sub-agency. The best-paths pass stops early once the first `k` are settled and
    must still give the reference's first k (it fails if it stops inside a run of ties to
    one node, or before the candidates found so far are known to come first)."""
    store.clear()
    nodes = [Node("domain:d", "Domain", "D")]
    edges = []

    def tie(rel: str, source: str, target: str) -> None:
        edges.append(Edge(rel, source, target, "reported", {}, []))

    for dept in range(2):
        nodes.append(Node(f"agency:dept{dept}", "Agency", "Dept"))
        tie("OPERATES_IN", f"agency:dept{dept}", "domain:d")
    for a in range(4):
        nodes += [Node(f"agency:a{a}", "Agency", "A"), Node(f"agency:sub{a}", "Agency", "S")]
        tie("PART_OF", f"agency:a{a}", "agency:dept0")
        tie("PART_OF", f"agency:a{a}", "agency:dept1")
        tie("PART_OF", f"agency:sub{a}", f"agency:a{(a + 1) % 4}")
    for p in range(3):
        nodes.append(Node(f"product:p{p}", "Product", "P"))
    for k in range(12):
        cid = f"contract:k{(k * 7) % 12:02d}"
        nodes.append(Node(cid, "Contract", "K", [], {"obligated": 1.0}, []))
        tie("COVERS", cid, f"product:p{k % 3}")
        tie("AWARDED_BY", cid, f"agency:a{k % 4}")
        tie("FUNDED_BY", cid, f"agency:a{k % 4}")
        tie("FUNDED_BY", cid, f"agency:a{(k + 1) % 4}")
        tie("AWARDED_BY", cid, f"agency:sub{k % 4}")
    store.upsert(Batch(nodes, edges))
    for paths in (1, 2, 3, 4, 5, 7, 20):
        for max_hops in (None, 5, 4):
            expected = reach_reference.reach(store, MODEL, ["Product"], "domain:d", None,
                                             max_hops, paths)
            assert len(expected) == 3
            got = traversal.reach(store, MODEL, ["Product"], "domain:d", None, max_hops, paths)
            assert got == expected, (paths, max_hops)


def test_the_garbage_collector_is_back_on_after_a_search(store: EmbeddedStore) -> None:
    import gc

    assert gc.isenabled()
    traversal.reach(store, MODEL, ["Product"], "domain:n0")
    assert gc.isenabled()
    with pytest.raises(RuntimeError), traversal.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a search that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        traversal.reach(store, MODEL, ["Product"], "domain:n0")
        assert not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()
