"""The store contract for statements (issue 10): every value has its statements, the view is a
function of the set of statements, so any load order gives a byte-identical export, on each
store and on both alike."""

from __future__ import annotations

import itertools

import pytest

from graph_service.export import jsonl_lines
from graph_service.records import Batch, Edge, Node
from graph_service.statements import EDGE_KEY_SEPARATOR
from graph_service.stores.base import GraphStore, WriteResult


def _company(node_id: str, name: str, origin: str, source: str, seen: str,
             **properties: str) -> Node:
    return Node(node_id, "Company", name, [], dict(properties), [source], seen, seen,
                record=f"{source}:1", origin=origin)


def _contract(node_id: str, name: str, origin: str, source: str, seen: str,
              **properties: str | float) -> Node:
    return Node(node_id, "Contract", name, [], dict(properties), [source], seen, seen,
                record=f"{source}:1", origin=origin)


def _agency(node_id: str, name: str, origin: str, source: str, seen: str) -> Node:
    return Node(node_id, "Agency", name, [], {"code": "7012"}, [source], seen, seen,
                record=f"{source}:1", origin=origin)


def _tie(rel_type: str, src: str, dst: str, origin: str, source: str, seen: str,
         status: str = "reported", **properties: str | float) -> Edge:
    return Edge(rel_type, src, dst, status, dict(properties), [source], seen, seen,
                record=f"{source}:1", origin=origin)


def conflicting_batches() -> list[Batch]:
    """Four loads that disagree: a DUNS-only spreadsheet company and a UEI+DUNS procurement
    record company of other names, a PIID-only contract and the same award under its parent
    IDV (and one under another IDV, which stays apart), values and ties stated differently."""
    sheet, record, news = "source:sheet", "source:record", "source:news"
    return [
        Batch([
            _company("company:acme-corp", "ACME CORP", "dataset", sheet, "2024-01-01",
                     duns="123456789", city="Boston"),
            _contract("contract:piid-p1", "P-1 award", "dataset", sheet, "2024-01-01",
                      piid="P-1", obligated=100.0, start_date="2021-02-01"),
            _agency("agency:ice", "ICE", "dataset", sheet, "2024-01-01"),
        ], [
            _tie("AWARDED_TO", "contract:piid-p1", "company:acme-corp", "dataset", sheet,
                 "2024-01-01", note="sheet"),
            _tie("AWARDED_BY", "contract:piid-p1", "agency:ice", "dataset", sheet, "2024-01-01"),
        ]),
        Batch([
            _company("company:acme-corporation", "Acme Corporation", "procurement-record",
                     record, "2024-03-01", uei="UEI-ACME", duns="123456789", city="Cambridge",
                     state="MA"),
            _contract("contract:idv-p1", "Order P-1 under IDV-9", "procurement-record", record,
                      "2024-03-01", piid="P-1", parent_piid="IDV-9", obligated=250.0,
                      start_date="2021-01-15"),
            _agency("agency:ice-office", "Immigration and Customs Enforcement",
                    "procurement-record", record, "2024-03-01"),
        ], [
            _tie("AWARDED_TO", "contract:idv-p1", "company:acme-corporation",
                 "procurement-record", record, "2024-03-01", note="record"),
            _tie("AWARDED_BY", "contract:idv-p1", "agency:ice-office", "procurement-record",
                 record, "2024-03-01", amount=250.0),
        ]),
        Batch([
            _company("company:acme", "Acme", "news", news, "2024-02-01", duns="123456789",
                     website="https://acme.example"),
            _company("company:other-uei", "Acme Other", "news", news, "2024-02-01",
                     uei="UEI-OTHER", duns="123456789"),
            _contract("contract:piid-p1", "P-1 award", "news", news, "2024-02-01", piid="P-1",
                      obligated=999.0),
            _contract("contract:other-p1", "Order P-1 under IDV-7", "news", news, "2024-02-01",
                      piid="P-1", parent_piid="IDV-7"),
        ], [
            _tie("AWARDED_TO", "contract:piid-p1", "company:acme", "news", news, "2024-02-01",
                 status="inferred", rule="name-match"),
            _tie("AWARDED_TO", "contract:other-p1", "company:other-uei", "news", news,
                 "2024-02-01"),
        ]),
        # The spreadsheet again, seen on a later day: the same statements, wider days.
        Batch([
            _company("company:acme-corp", "ACME CORP", "dataset", sheet, "2024-06-01",
                     duns="123456789", city="Boston"),
            _contract("contract:piid-p1", "P-1 award", "dataset", sheet, "2024-06-01",
                      piid="P-1", obligated=100.0, start_date="2021-02-01"),
        ], [
            _tie("AWARDED_TO", "contract:piid-p1", "company:acme-corp", "dataset", sheet,
                 "2024-06-01", note="sheet"),
        ]),
    ]


def _statement_count(store: GraphStore) -> int:
    from graph_service.stores.embedded import EmbeddedStore

    if isinstance(store, EmbeddedStore):
        return int(store._db.execute("SELECT COUNT(*) FROM fragments").fetchone()[0])
    ((count,),) = store._read("MATCH (f:Fragment) RETURN count(f)")  # type: ignore[attr-defined]
    return int(count)


def _load(store: GraphStore, batches: list[Batch]) -> list[str]:
    store.clear()
    for batch in batches:
        store.upsert(batch)
    return list(jsonl_lines(store))


def test_any_load_order_gives_the_same_export(store: GraphStore) -> None:
    batches = conflicting_batches()
    exports = {tuple(_load(store, list(order))) for order in itertools.permutations(batches)}
    assert len(exports) == 1
    companies = {n.id: n for n in store.iter_nodes("Company")}
    assert sorted(companies) == ["company:acme-corporation", "company:other-uei"]
    acme = companies["company:acme-corporation"]
    assert acme.name == "Acme Corporation"  # the procurement record's name
    assert acme.aliases == ["ACME CORP", "Acme"]
    assert acme.properties == {"uei": "UEI-ACME", "duns": "123456789", "city": "Cambridge",
                               "state": "MA", "website": "https://acme.example"}
    assert acme.sources == ["source:news", "source:record", "source:sheet"]
    assert (acme.first_seen, acme.last_seen) == ("2024-01-01", "2024-06-01")
    contracts = {n.id: n for n in store.iter_nodes("Contract")}
    assert sorted(contracts) == ["contract:idv-p1", "contract:other-p1"]
    award = contracts["contract:idv-p1"].properties
    assert award["obligated"] == 250.0  # procurement-record over dataset and news
    assert award["start_date"] == "2021-01-15"  # the procurement record's, not the smallest
    assert award["parent_piid"] == "IDV-9"
    assert [e.key for e in store.iter_edges()] == [
        ("contract:idv-p1", "AWARDED_BY", "agency:ice"),
        ("contract:idv-p1", "AWARDED_TO", "company:acme-corporation"),
        ("contract:other-p1", "AWARDED_TO", "company:other-uei"),
    ]
    (awarded,) = store.edges(["contract:idv-p1"], ["AWARDED_TO"], "out")
    assert awarded.status == "reported"
    assert awarded.properties == {"note": "record", "rule": "name-match"}
    assert awarded.sources == ["source:news", "source:record", "source:sheet"]
    assert store.search("acme corp")[0].id == "company:acme-corporation"


def test_rewriting_a_batch_changes_nothing(store: GraphStore) -> None:
    batches = conflicting_batches()
    exported = _load(store, batches)
    count = _statement_count(store)
    for batch in conflicting_batches():
        assert store.upsert(batch) == WriteResult()
    assert list(jsonl_lines(store)) == exported
    assert _statement_count(store) == count


def test_the_higher_ranked_origin_wins(store: GraphStore) -> None:
    for order in ((0, 1), (1, 0)):
        store.clear()
        claims = [
            _contract("contract:k", "K from a dataset", "dataset", "source:sheet",
                      "2024-01-01", piid="K-1", obligated=100.0),
            _contract("contract:k", "K from the record", "procurement-record", "source:record",
                      "2024-02-01", piid="K-1", obligated=500.0),
        ]
        for index in order:
            store.upsert(Batch([claims[index]]))
        node = store.get_node("contract:k")
        assert node is not None
        assert (node.name, node.properties["obligated"]) == ("K from the record", 500.0)
        assert node.aliases == ["K from a dataset"]


def test_statements_say_where_each_value_came_from(store: GraphStore) -> None:
    _load(store, conflicting_batches())
    behind = store.statements(["contract:idv-p1"])
    assert {(s.entity, s.origin, s.properties.get("obligated")) for s in behind} == {
        ("contract:idv-p1", "procurement-record", 250.0),
        ("contract:piid-p1", "dataset", 100.0),
        ("contract:piid-p1", "news", 999.0),
    }
    assert {s.canonical for s in behind} == {"contract:idv-p1"}
    sheet = [s for s in behind if s.origin == "dataset"]
    assert [(s.first_seen, s.last_seen, s.record) for s in sheet] == [
        ("2024-01-01", "2024-06-01", "source:sheet:1")]
    key = EDGE_KEY_SEPARATOR.join(("contract:idv-p1", "AWARDED_TO", "company:acme-corporation"))
    ties = store.statements([key])
    assert sorted((s.entity.split(EDGE_KEY_SEPARATOR)[0], s.status) for s in ties) == [
        ("contract:idv-p1", "reported"), ("contract:piid-p1", "inferred"),
        ("contract:piid-p1", "reported"),
    ]
    assert store.statements(["company:nowhere", "a\x1fb"]) == []


@pytest.mark.neo4j
def test_both_stores_derive_the_same_view(embedded_store: GraphStore,
                                          neo4j_store: GraphStore) -> None:
    batches = conflicting_batches()
    for order in (batches, batches[::-1]):
        exports = [_load(store, order) for store in (embedded_store, neo4j_store)]
        assert exports[0] == exports[1]
        ids = [n.id for n in embedded_store.iter_nodes()]
        keys = [EDGE_KEY_SEPARATOR.join(e.key) for e in embedded_store.iter_edges()]
        assert embedded_store.statements(ids + keys) == neo4j_store.statements(ids + keys)


def test_one_number_stated_as_integer_and_as_float_shows_one_way_in_any_order(
        store: GraphStore) -> None:
    """1 and 1.0 are one value in the policy's order (as SQLite and Cypher compare them); of
    two such statements of one rank the integer is shown, whichever was loaded first."""
    batches = [Batch([_contract("contract:k-1", "K-1", "dataset", source, "2024-01-01",
                                piid="K-1", obligated=value)], [])
               for source, value in (("source:a", 1), ("source:b", 1.0))]
    exports = {tuple(_load(store, list(order))) for order in itertools.permutations(batches)}
    assert len(exports) == 1
    (contract,) = store.iter_nodes("Contract")
    assert contract.properties["obligated"] == 1
    assert type(contract.properties["obligated"]) is int
