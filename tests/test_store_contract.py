"""The store contract: every test runs on the embedded store and on a real Neo4j server and
asserts the same answers on the same data (seed graph + tests/store_graphs.py)."""

from __future__ import annotations

import pytest
from store_graphs import cyclic_batch, synthetic_batch

from graph_service.export import jsonl_lines
from graph_service.records import Batch, Edge, Node, ValidationError
from graph_service.stores.base import GraphStore, Path, WriteResult
from loaders.seed import seed_batch

IMMIGRATION = "domain:immigration"
SEEN = "2024-05-01"


def _load(store: GraphStore) -> Batch:
    batch = synthetic_batch()
    store.upsert(batch)
    return batch


def _summary(
    store: GraphStore, kinds: list[str], to: str, **options: object
) -> dict[str, tuple[object, ...]]:
    answers = store.reach(kinds, to, **options)  # type: ignore[arg-type]
    return {
        a.subject: (a.rules, [p.key for p in a.paths], a.contracts, a.total_obligated)
        for a in answers
    }


# -- writing ------------------------------------------------------------------------------------


def test_upsert_is_idempotent(store: GraphStore) -> None:
    batch = seed_batch(seen=SEEN)
    first = store.upsert(batch)
    assert first == WriteResult(nodes_created=len(batch.nodes), edges_created=len(batch.edges))
    exported = list(jsonl_lines(store))
    stats = store.stats()
    assert store.upsert(seed_batch(seen=SEEN)) == WriteResult()
    assert list(jsonl_lines(store)) == exported
    assert store.stats() == stats
    assert sum(stats.nodes.values()) == len(batch.nodes)
    assert sum(stats.relationships.values()) == len(batch.edges)


def test_a_later_load_moves_last_seen_only(store: GraphStore) -> None:
    store.upsert(seed_batch(seen="2024-01-01"))
    result = store.upsert(seed_batch(seen="2024-06-30"))
    batch = seed_batch()
    assert result == WriteResult(nodes_updated=len(batch.nodes), edges_updated=len(batch.edges))
    microsoft = store.get_node("company:microsoft")
    assert microsoft is not None
    assert (microsoft.first_seen, microsoft.last_seen) == ("2024-01-01", "2024-06-30")


def test_nodes_and_ties_merge(store: GraphStore) -> None:
    # The policy decides, not the order: the procurement record outranks the dataset for the
    # name and every value both state; names become aliases, sources and days are unions.
    first = Node("company:acme", "Company", "Acme Vision", ["AV"], {"uei": "U1", "city": "Boston"},
                 ["source:a"], "2024-02-01", "2024-02-01", origin="dataset")
    other = Node("company:other", "Company", "Other")
    tie = Edge("SUBSIDIARY_OF", "company:acme", "company:other", "inferred",
               {"rule": "name-match", "note": "first"}, ["source:a"], "2024-02-01", "2024-02-01")
    assert store.upsert(Batch([first, other], [tie])) == WriteResult(2, 0, 1, 0)
    again = Node("company:acme", "Company", "ACME VISION INC", ["AV", "Vision"],
                 {"city": "Cambridge", "state": "MA"}, ["source:b", "source:a"],
                 "2024-01-01", "2024-03-01", origin="procurement-record")
    tie_again = Edge("SUBSIDIARY_OF", "company:acme", "company:other", "reported",
                     {"note": "second"}, ["source:b"], "2024-03-01", "2024-03-01",
                     origin="procurement-record")
    assert store.upsert(Batch([again], [tie_again])) == WriteResult(0, 1, 0, 1)
    assert store.get_node("company:acme") == Node(
        "company:acme", "Company", "ACME VISION INC", ["AV", "Acme Vision", "Vision"],
        {"uei": "U1", "city": "Cambridge", "state": "MA"}, ["source:a", "source:b"],
        "2024-01-01", "2024-03-01",
    )
    assert store.edges(["company:acme"]) == [Edge(
        "SUBSIDIARY_OF", "company:acme", "company:other", "reported",
        {"rule": "name-match", "note": "second"}, ["source:a", "source:b"],
        "2024-02-01", "2024-03-01",
    )]
    # The outranked name is searchable as an alias.
    assert [n.id for n in store.search("acme vision")] == ["company:acme"]


def test_duplicates_inside_one_batch_collapse(store: GraphStore) -> None:
    a = Node("agency:x", "Agency", "X", sources=["source:1"])
    b = Node("agency:x", "Agency", "X Office", sources=["source:2"])
    assert store.upsert(Batch([a, b])) == WriteResult(nodes_created=1)
    node = store.get_node("agency:x")
    assert node is not None and node.aliases == ["X Office"]
    assert node.sources == ["source:1", "source:2"]


def test_a_tie_to_a_missing_node_writes_nothing(store: GraphStore) -> None:
    _load(store)
    before = list(jsonl_lines(store))
    changed = Node("company:acme-vision", "Company", "Acme Vision", ["Renamed"], {"city": "Paris"})
    new = Node("company:new", "Company", "New Co")
    ties = [
        Edge("SUBSIDIARY_OF", "company:new", "company:acme-vision"),
        Edge("SUBSIDIARY_OF", "company:new", "company:missing"),
    ]
    with pytest.raises(ValueError, match="company:missing"):
        store.upsert(Batch([changed, new], ties))
    assert list(jsonl_lines(store)) == before
    assert store.get_nodes(["company:new"]) == {}


def test_an_invalid_record_writes_nothing(store: GraphStore) -> None:
    good = Node("company:good", "Company", "Good")
    bad = Node("contract:bad", "Contract", "Bad", properties={"obligated": "a lot"})
    with pytest.raises(ValidationError) as caught:
        store.upsert(Batch([good, bad]))
    assert caught.value.field == "obligated"
    wrong_end = Edge("OFFERS", "company:good", "agency:x")
    with pytest.raises(ValidationError):
        store.upsert(Batch([good], [wrong_end]))
    assert store.stats().nodes == {}


def test_values_round_trip_with_their_types(store: GraphStore) -> None:
    _load(store)
    c1 = store.get_node("contract:c1")
    c2 = store.get_node("contract:c2")
    assert c1 is not None and c2 is not None
    assert c1.properties["obligated"] == 1000.5
    assert type(c1.properties["potential"]) is float and c1.properties["potential"] == 3.0
    assert type(c1.properties["fiscal_year"]) is int
    assert type(c2.properties["obligated"]) is int
    assert "end_date" not in c2.properties
    (funded,) = store.edges(["contract:c2"], ["FUNDED_BY"], "out")
    assert type(funded.properties["amount"]) is float
    assert funded.sources == ["source:doc-b"] and isinstance(funded.sources, list)


# -- reading ------------------------------------------------------------------------------------


def test_get_nodes_and_lookup(store: GraphStore) -> None:
    _load(store)
    found = store.get_nodes(["company:acme-vision", "agency:dept", "agency:nowhere"])
    assert sorted(found) == ["agency:dept", "company:acme-vision"]
    assert found["company:acme-vision"].aliases == ["AcmeVision Inc"]
    assert store.lookup("Company", "uei", ["UEI-VIS", "UEI-HOLD", "NOPE"]) == {
        "UEI-HOLD": ["company:acme-holdings"],
        "UEI-VIS": ["company:acme-vision"],
    }
    assert store.lookup("Contract", "piid", ["P-3"]) == {"P-3": ["contract:c3"]}
    assert store.lookup("Company", "city", ["Boston"]) == {}  # not an indexed property


def test_search_ignores_case_and_accents_and_ranks(store: GraphStore) -> None:
    _load(store)
    assert [n.id for n in store.search("securite")] == ["company:securite-plus"]
    assert [n.id for n in store.search("SÉCURITÉ plus sa")] == ["company:securite-plus"]
    # exact (an alias), then prefix, then substring
    assert [n.id for n in store.search("face")] == [
        "technology:face-rec", "product:facefind", "contract:c1",
    ]
    assert [n.id for n in store.search("acme")] == ["company:acme-holdings", "company:acme-vision"]
    assert [n.id for n in store.search("vision inc")] == ["company:acme-vision"]
    assert [n.id for n in store.search("office", kinds=["Agency"], limit=2)] == [
        "agency:field", "agency:sub",
    ]
    assert store.search("acme", kinds=["Product"]) == []
    assert store.search("   ") == []


def test_neighbours_and_edges(store: GraphStore) -> None:
    _load(store)
    pairs = store.neighbours("agency:sub")
    assert [(e.type, n.id) for e, n in pairs] == [
        ("AWARDED_BY", "contract:c2"), ("FUNDED_BY", "contract:c2"),
        ("PART_OF", "agency:dept"), ("PART_OF", "agency:field"),
    ]
    assert [n.id for _, n in store.neighbours("agency:sub", direction="out")] == ["agency:dept"]
    assert [n.id for _, n in store.neighbours("agency:sub", ["FUNDED_BY"])] == ["contract:c2"]
    ties = store.edges(["agency:sub", "agency:field"], ["PART_OF"], "in")
    assert [e.key for e in ties] == [("agency:field", "PART_OF", "agency:sub")]
    assert store.edges(["agency:sub"], ["NOT_A_TYPE"]) == []


def test_subgraph(store: GraphStore) -> None:
    _load(store)
    nodes, ties = store.subgraph(["agency:sub"], hops=1)
    assert [n.id for n in nodes] == ["agency:dept", "agency:field", "agency:sub", "contract:c2"]
    assert [e.key for e in ties] == [
        ("agency:field", "PART_OF", "agency:sub"),
        ("agency:sub", "PART_OF", "agency:dept"),
        ("contract:c2", "AWARDED_BY", "agency:sub"),
        ("contract:c2", "FUNDED_BY", "agency:sub"),
    ]
    nodes, _ = store.subgraph(["agency:sub"], hops=3, limit=6)
    assert len(nodes) == 6 and "agency:sub" in {n.id for n in nodes}


def test_stats(store: GraphStore) -> None:
    batch = _load(store)
    stats = store.stats()
    assert stats.nodes["Agency"] == sum(n.kind == "Agency" for n in batch.nodes) == 9
    assert stats.relationships["PART_OF"] == 7
    assert "Person" not in stats.nodes  # empty kinds are left out
    assert sum(stats.relationships.values()) == len(batch.edges)


# -- reach and paths ----------------------------------------------------------------------------


def test_reach_companies(store: GraphStore) -> None:
    _load(store)
    answers = {a.subject: a for a in store.reach(["Company"], IMMIGRATION)}
    assert sorted(answers) == [
        "company:acme-holdings", "company:acme-vision", "company:securite-plus",
    ]
    holdings = answers["company:acme-holdings"]
    assert holdings.rules == ["company-product-in-use", "company-under-contract"]
    assert [p.key for p in holdings.paths] == [
        ("company:acme-holdings", "contract:c2", "agency:sub", "agency:dept", IMMIGRATION,
         "AWARDED_TO", "AWARDED_BY", "PART_OF", "OPERATES_IN"),
        ("company:acme-holdings", "contract:c2", "agency:sub", "agency:dept", IMMIGRATION,
         "AWARDED_TO", "FUNDED_BY", "PART_OF", "OPERATES_IN"),
    ]
    # c2 is awarded AND funded by the office: counted once; c1 comes through the subsidiary.
    assert holdings.contracts == ["contract:c1", "contract:c2"]
    assert holdings.total_obligated == 1250.5
    assert holdings.sources == ["source:doc-a", "source:doc-b", "source:doc-c"]
    first = holdings.paths[0]
    assert [e.key for e in first.edges] == [
        ("contract:c2", "AWARDED_TO", "company:acme-holdings"),
        ("contract:c2", "AWARDED_BY", "agency:sub"),
        ("agency:sub", "PART_OF", "agency:dept"),
        ("agency:dept", "OPERATES_IN", IMMIGRATION),
    ]
    vision = answers["company:acme-vision"]
    assert [p.nodes[1] for p in vision.paths] == ["contract:c1", "product:facefind"]
    # c4's office sits 5 PART_OF below the department: beyond the rule's 4.
    securite = answers["company:securite-plus"]
    assert securite.contracts == ["contract:c3", "contract:c5"]
    assert securite.total_obligated == 99.25
    assert len(securite.paths[0].edges) == 3


def test_reach_as_of(store: GraphStore) -> None:
    _load(store)
    # Undated contracts (c5) and undated ownership (acme-vision SUBSIDIARY_OF acme-holdings)
    # hold on no date: left out of an answer on a date.
    in_2019 = _summary(store, ["Company"], IMMIGRATION, as_of="2019-06-01")
    assert {s: (v[2], v[3]) for s, v in in_2019.items()} == {
        "company:acme-vision": (["contract:c1"], 1000.5),
    }
    in_2022 = _summary(store, ["Product"], "domain:policing", as_of="2022-06-01")
    assert list(in_2022) == ["product:plate-reader"]
    assert _summary(store, ["Product"], "domain:policing", as_of="2021-06-01") == {}


def test_reach_max_hops(store: GraphStore) -> None:
    _load(store)
    within_5 = _summary(store, ["Company"], IMMIGRATION, max_hops=5)
    assert within_5["company:acme-holdings"][0] == ["company-under-contract"]
    assert within_5["company:acme-holdings"][2:] == (["contract:c2"], 250.0)
    assert within_5["company:securite-plus"][2:] == (["contract:c3"], 99.25)
    assert _summary(store, ["Company"], IMMIGRATION, max_hops=2) == {}


def test_reach_other_kinds_and_targets(store: GraphStore) -> None:
    _load(store)
    products = _summary(store, ["Product"], IMMIGRATION, paths_per_subject=1)
    facefind = products["product:facefind"]
    assert facefind[0] == ["product-in-use", "product-under-contract"]
    assert facefind[1] == [("product:facefind", "agency:field", "agency:sub", "agency:dept",
                            IMMIGRATION, "USED_BY", "PART_OF", "PART_OF", "OPERATES_IN")]
    assert facefind[2] == ["contract:c1"]
    agencies = _summary(store, ["Agency"], IMMIGRATION)
    assert sorted(agencies) == ["agency:dept", "agency:field", "agency:l1", "agency:l2",
                                "agency:l3", "agency:l4", "agency:sub"]
    communities = _summary(store, ["Domain", "Company"], "community:immigrants")
    assert sorted(communities) == [
        "company:acme-holdings", "company:acme-vision", "company:securite-plus",
        IMMIGRATION,
    ]
    assert store.reach(["Company"], "domain:nowhere") == []
    assert store.reach(["Community"], IMMIGRATION) == []


def test_reach_follows_chains_round_a_cycle(store: GraphStore) -> None:
    store.upsert(cyclic_batch())
    (answer,) = store.reach(["Product"], "domain:d")
    assert [p.key for p in answer.paths] == [(
        "product:p", "contract:k", "agency:a", "agency:b", "domain:d",
        "COVERS", "AWARDED_BY", "PART_OF", "OPERATES_IN",
    )]
    # a -> b -> c -> a -> b -> d is a chain too: its ties' sources count as evidence.
    assert answer.sources == ["source:ab", "source:bc", "source:bd", "source:ca", "source:doc-a"]
    assert (answer.contracts, answer.total_obligated) == (["contract:k"], 5.0)
    (short,) = store.reach(["Product"], "domain:d", max_hops=5)
    assert short.sources == ["source:ab", "source:bd", "source:doc-a"]


def test_shortest_paths(store: GraphStore) -> None:
    _load(store)
    paths = store.shortest_paths("company:acme-holdings", "agency:dept")
    assert [p.key for p in paths] == [
        ("company:acme-holdings", "contract:c2", "agency:sub", "agency:dept",
         "AWARDED_TO", "AWARDED_BY", "PART_OF"),
        ("company:acme-holdings", "contract:c2", "agency:sub", "agency:dept",
         "AWARDED_TO", "FUNDED_BY", "PART_OF"),
    ]
    assert paths[0].edges[0].key == ("contract:c2", "AWARDED_TO", "company:acme-holdings")
    assert len(store.shortest_paths("company:acme-holdings", "agency:dept", limit=1)) == 1
    assert store.shortest_paths("company:acme-holdings", "agency:dept", max_hops=2) == []
    assert store.shortest_paths("agency:dept", "agency:dept") == [Path(["agency:dept"], [])]
    assert store.shortest_paths("agency:dept", "agency:nowhere") == []
    far = store.shortest_paths("agency:l5", "community:immigrants", max_hops=8)
    assert [len(p.edges) for p in far] == [6]  # through c4, securite-plus and c3


# -- parity: the same questions on both stores, full answers compared ----------------------------


@pytest.mark.neo4j
@pytest.mark.parametrize("graph", ["seed", "synthetic", "cyclic"])
def test_both_stores_give_identical_answers(
    graph: str, embedded_store: GraphStore, neo4j_store: GraphStore
) -> None:
    batch = {"seed": lambda: seed_batch(seen=SEEN), "synthetic": synthetic_batch,
             "cyclic": cyclic_batch}[graph]()
    stores = (embedded_store, neo4j_store)
    for store in stores:
        store.upsert(batch)

    def same(question: str, ask: object) -> None:
        embedded, neo4j = (ask(s) for s in stores)  # type: ignore[operator]
        assert embedded == neo4j, question

    same("export", lambda s: list(jsonl_lines(s)))
    same("stats", lambda s: s.stats())
    targets = sorted(n.id for n in batch.nodes if n.kind in ("Domain", "Community"))
    kinds = ["Company", "Product", "Technology", "Agency", "Domain"]
    for target in targets:
        for as_of in (None, "2019-06-01", "2022-06-01"):
            for hops in (None, 3, 5):
                same(f"reach {target} {as_of} {hops}",
                     lambda s, t=target, a=as_of, h=hops: s.reach(kinds, t, a, h, 2))
    ids = sorted(n.id for n in batch.nodes if n.kind != "Source")
    for source in ids[::3]:
        for target in ids[1::4]:
            same(f"paths {source} {target}",
                 lambda s, a=source, b=target: s.shortest_paths(a, b, 6, 5))
        same(f"neighbours {source}", lambda s, a=source: s.neighbours(a))
        same(f"subgraph {source}", lambda s, a=source: s.subgraph([a], 2))
    for text in ("a", "mic", "securite", "ice", "office", "face", "é"):
        same(f"search {text}", lambda s, t=text: s.search(t, limit=50))
