"""The statement store's policy on the embedded store: the view is a function of the set of
claims (any order gives the same export), the best-ranked origin wins, identifiers join ids that
sources named differently unless a conflicting identifier keeps them apart, and re-writing a
claim adds no statement. (The contract suite checks the same on Neo4j.)"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.domain_model import load_model
from graph_service.export import jsonl_lines
from graph_service.records import Batch, Edge, Node
from graph_service.statements import cluster
from graph_service.stores.embedded import EmbeddedStore

MODEL = load_model()
DAY = "2026-01-02"


def _node(node_id: str, kind: str, name: str, props: dict[str, object], source: str,
          origin: str, record: str) -> Node:
    return Node(node_id, kind, name, [], dict(props), [source], DAY, DAY, record, origin)  # type: ignore[arg-type]


def _batches() -> list[Batch]:
    usa, torn = "source:usa", "source:torn"
    sources = [Node(usa, "Source", "USAspending", [], {}, [usa]),
               Node(torn, "Source", "Torn Apart", [], {}, [torn])]
    return [
        Batch([*sources,
               _node("contract:x", "Contract", "X", {"obligated": 7391976.0, "piid": "X",
                     "parent_piid": "IDV1"}, usa, "procurement-record", "usa.csv:2"),
               _node("company:west-publishing", "Company", "WEST PUBLISHING CORPORATION",
                     {"duns": "148508286"}, usa, "procurement-record", "usa.csv:2")],
              [Edge("AWARDED_TO", "contract:x", "company:west-publishing", "reported",
                    {"basis": "duns:148508286"}, [usa], DAY, DAY, "usa.csv:2")]),
        Batch([*sources,
               _node("contract:x-short", "Contract", "X award", {"obligated": 2100000.0,
                     "piid": "X"}, torn, "dataset", "freezer.csv:9"),
               _node("company:west", "Company", "West Publishing Corp",
                     {"duns": "148508286", "uei": "L997DB4PEJL8"}, torn, "dataset",
                     "freezer.csv:9")],
              [Edge("AWARDED_TO", "contract:x-short", "company:west", "reported", {},
                    [torn], DAY, DAY, "freezer.csv:9")]),
        Batch([*sources,
               _node("company:west-2", "Company", "West Publishing", {"uei": "OTHERUEI0000"},
                     torn, "dataset", "freezer.csv:10")], []),
    ]


def _export(path: Path, order: tuple[int, ...]) -> str:
    store = EmbeddedStore(path)
    batches = _batches()
    for index in order:
        store.upsert(batches[index])
    text = "\n".join(jsonl_lines(store))
    store.close()
    return text


def test_every_order_gives_the_same_export(tmp_path: Path) -> None:
    exports = {_export(tmp_path / f"{n}.db", order)
               for n, order in enumerate(itertools.permutations(range(3)))}
    assert len(exports) == 1


def test_official_money_wins_and_the_other_value_stays_as_provenance(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.db")
    for batch in reversed(_batches()):
        store.upsert(batch)
    # The PIID-only award joined the award under its IDV; the company of DUNS and the company
    # of UEI+DUNS are one; the company of another UEI stays apart.
    contract = store.get_node("contract:x")
    assert contract is not None and contract.properties["obligated"] == 7391976.0
    assert store.get_node("contract:x-short") is None
    said = {(s.origin, s.properties.get("obligated")) for s in store.statements(["contract:x"])}
    assert said == {("procurement-record", 7391976.0), ("dataset", 2100000.0)}
    companies = {n.id: n for n in store.iter_nodes("Company")}
    assert set(companies) == {"company:west", "company:west-2"}
    assert companies["company:west"].properties == {"duns": "148508286", "uei": "L997DB4PEJL8"}
    ties = [(e.source, e.target) for e in store.iter_edges()]
    assert ties == [("contract:x", "company:west")]


def test_rewriting_a_batch_adds_no_statement(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = EmbeddedStore(path)
    for batch in _batches():
        store.upsert(batch)
    before = "\n".join(jsonl_lines(store))
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM fragments").fetchone()[0]
    result = store.upsert(_batches()[0])
    assert (result.nodes_created, result.nodes_updated, result.edges_created,
            result.edges_updated) == (0, 0, 0, 0)
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM fragments").fetchone()[0] == count
    assert "\n".join(jsonl_lines(store)) == before


_ROWS = st.lists(st.tuples(st.sampled_from(["company:a", "company:b", "company:c", "company:d"]),
                           st.sampled_from(["uei", "duns"]), st.sampled_from(["1", "2", "3"])),
                 max_size=10)


@settings(max_examples=200, deadline=None)
@given(_ROWS, st.randoms())
def test_cluster_depends_on_the_rows_not_their_order(rows: list[tuple[str, str, str]],
                                                     random: object) -> None:
    full = [(e, "Company", p, v, 1) for e, p, v in rows]
    shuffled = list(full)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    entities = sorted({e for e, *_ in rows})
    first = cluster(MODEL, full, entities)
    assert cluster(MODEL, shuffled, list(reversed(entities))) == first
    # Two ids of one UEI each are never joined (a single id stating two is its source's word).
    if any(len({v for e2, p, v in rows if e2 == e and p == "uei"}) > 1 for e in entities):
        return
    for canonical in set(first.values()):
        ueis = {v for e, p, v in rows if p == "uei" and first[e] == canonical}
        assert len(ueis) <= 1


def test_statement_order_is_a_function_of_the_statements_alone() -> None:
    """Two statements of one record that differ only in their name or days come back in the
    same order whatever order a store read them in (a bulk import writes several files)."""
    from graph_service.statements import Statement, statement_order

    def stated(name: str, last_seen: str) -> Statement:
        return Statement("company:x", "company:x", "Company", "source:f", "f.csv:2",
                         "procurement-record", 9, name, [], {"uei": "U1"}, ["source:f"], None,
                         "2026-01-01", last_seen)

    pool = [stated("X INC", "2026-01-02"), stated("X, INC.", "2026-01-02"),
            stated("X INC", "2026-01-01")]
    first, *others = [sorted(order, key=statement_order)
                      for order in (pool, pool[::-1], [pool[1], pool[2], pool[0]])]
    assert all(other == first for other in others)
