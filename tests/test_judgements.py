"""Identity over time and analyst judgements on the embedded store: records of one name join
unless their UEIs differ (whatever the load order), and a merge then its retraction gives back
the export it had, to the byte."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from graph_service.domain_model import load_model
from graph_service.export import jsonl_lines
from graph_service.judgements import make_judgement
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from loaders.resolution import CompanyResolver

MODEL = load_model()
DAY = "2026-01-02"
SRC = "source:usa"


def _company(name: str, uei: str | None = None, duns: str | None = None) -> tuple[Node, str]:
    resolved = CompanyResolver().resolve(name, uei, duns)
    props = {k: v for k, v in (("uei", resolved.uei), ("duns", resolved.duns)) if v}
    return Node(resolved.id, "Company", name, [], props, [SRC], DAY, DAY, "r", "dataset"), \
        resolved.basis


def _batches() -> list[Batch]:
    source = Node(SRC, "Source", "USAspending", [], {}, [SRC])
    out = []
    rows = [("DELOITTE CONSULTING LLP", None, "123456789"),  # DUNS only
            ("Deloitte Consulting, LLP", "UEIAAAA11111", None),  # UEI only: same company
            ("DELOITTE CONSULTING", "UEIBBBB22222", None),  # another UEI: another company
            ("Deloitte Consulting", None, None)]  # name only
    for index, (name, uei, duns) in enumerate(rows):
        node, basis = _company(name, uei, duns)
        contract = Node(f"contract:c{index}", "Contract", f"C{index}", [],
                        {"piid": f"C{index}", "obligated": 10.0 * (index + 1)}, [SRC], DAY, DAY,
                        "r", "dataset")
        out.append(Batch([source, node, contract], [
            Edge("AWARDED_TO", contract.id, node.id, "reported", {"basis": basis}, [SRC],
                 DAY, DAY, "r")]))
    return out


def _load(path: Path, order: tuple[int, ...]) -> EmbeddedStore:
    store = EmbeddedStore(path)
    batches = _batches()
    for index in order:
        store.upsert(batches[index])
    return store


def _recipients(store: EmbeddedStore) -> dict[str, str]:
    return {e.source: e.target for e in store.iter_edges() if e.type == "AWARDED_TO"}


def test_two_ueis_of_one_name_are_two_companies_in_any_load_order(tmp_path: Path) -> None:
    exports = set()
    for number, order in enumerate(itertools.permutations(range(4))):
        store = _load(tmp_path / f"s{number}.db", order)
        exports.add("\n".join(jsonl_lines(store)))
        recipients = _recipients(store)
        companies = sorted(n.id for n in store.iter_nodes("Company"))
        store.close()
        assert len(companies) == 2, companies
        # DUNS-only, UEI-only and name-only records of the name are one company, under the
        # readable name id; the record of the other UEI is another company.
        name_id = "company:deloitte-consulting"
        assert recipients["contract:c0"] == recipients["contract:c1"] == name_id
        assert recipients["contract:c3"] == "company:deloitte-consulting"
        assert recipients["contract:c2"] == "company:deloitte-consulting~uei-ueibbbb22222"
    assert len(exports) == 1


def test_the_basis_of_each_record_is_kept_on_its_tie(tmp_path: Path) -> None:
    store = _load(tmp_path / "s.db", (0, 1, 2, 3))
    basis = {e.source: e.properties.get("basis") for e in store.iter_edges()}
    assert basis["contract:c0"] == "duns:123456789"
    assert basis["contract:c1"] == "uei:UEIAAAA11111"
    node = store.get_node("company:deloitte-consulting")
    assert node is not None and node.properties["duns"] == "123456789"
    assert node.properties["uei"] == "UEIAAAA11111"


def test_merge_then_split_gives_back_the_export_to_the_byte(tmp_path: Path) -> None:
    store = _load(tmp_path / "s.db", (0, 1, 2, 3))
    before = "\n".join(jsonl_lines(store))
    other = "company:deloitte-consulting~uei-ueibbbb22222"
    j = make_judgement(MODEL, "same", "company:deloitte-consulting", other,
                       "one firm re-registered in SAM", "tester", "2026-01-03T00:00:00+00:00")
    store.judge(j)
    assert sorted(n.id for n in store.iter_nodes("Company")) == ["company:deloitte-consulting"]
    assert set(_recipients(store).values()) == {"company:deloitte-consulting"}
    assert store.judgements() == [j]
    assert store.retract_judgement(j.id) == j
    assert store.judgements() == []
    assert "\n".join(jsonl_lines(store)) == before


def test_a_different_judgement_keeps_apart_what_the_name_would_join(tmp_path: Path) -> None:
    store = _load(tmp_path / "s.db", (0, 1, 2, 3))
    j = make_judgement(MODEL, "different", "company:deloitte-consulting~duns-123456789",
                       "company:deloitte-consulting~uei-ueiaaaa11111", "two offices", "tester")
    store.judge(j)
    recipients = _recipients(store)
    assert recipients["contract:c0"] != recipients["contract:c1"]
    store.retract_judgement(j.id)
    recipients = _recipients(store)
    assert recipients["contract:c0"] == recipients["contract:c1"]


def test_a_judgement_needs_a_reason_and_one_kind() -> None:
    with pytest.raises(ValueError, match="reason"):
        make_judgement(MODEL, "same", "company:a", "company:b", " ")
    with pytest.raises(ValueError, match="one kind"):
        make_judgement(MODEL, "same", "company:a", "agency:b", "why")


def test_a_judgement_may_name_the_name_id_of_companies_that_all_carry_ueis(
        tmp_path: Path) -> None:
    """'company:deloitte-consulting' names the company of that name even when every record of
    it has a UEI (no record has that id), before or after the records are loaded."""
    exports = []
    for number, judge_first in enumerate((True, False)):
        store = EmbeddedStore(tmp_path / f"s{number}.db")
        j = make_judgement(MODEL, "same", "company:deloitte-consulting",
                           "company:deloitte-consulting~uei-ueibbbb22222", "one firm", "t",
                           "2026-01-03T00:00:00+00:00")
        if judge_first:
            store.judge(j)
        for batch in _batches()[1:3]:  # the two UEI records only
            store.upsert(batch)
        if not judge_first:
            store.judge(j)
        assert [n.id for n in store.iter_nodes("Company")] == ["company:deloitte-consulting"]
        exports.append("\n".join(jsonl_lines(store)))
        store.retract_judgement(j.id)
        assert len(list(store.iter_nodes("Company"))) == 2
        store.close()
    assert exports[0] == exports[1]


def test_judgements_are_exported_and_read_back(tmp_path: Path) -> None:
    from loaders.graph_jsonl import GraphJsonl

    store = _load(tmp_path / "s.db", (0, 1, 2, 3))
    j = make_judgement(MODEL, "same", "company:deloitte-consulting",
                       "company:deloitte-consulting~uei-ueibbbb22222", "one firm", "t",
                       "2026-01-03T00:00:00+00:00")
    store.judge(j)
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(jsonl_lines(store)) + "\n", encoding="utf-8")
    assert path.read_text(encoding="utf-8").splitlines()[-1].startswith('{"a": ')
    reader = GraphJsonl(path)
    for _number, record in reader.records():
        if isinstance(record, dict) and record.get("record") == "judgement":
            reader.build(record, None)  # type: ignore[arg-type]
    assert reader.judgements == [j]


def test_merge_and_split_over_graphql_need_the_key_and_show_in_identity(
        tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from graph_service.api.app import create_app
    from tests.test_api_graphql import KEY, data, gql, settings

    store = _load(tmp_path / "s.db", (0, 1, 2, 3))
    before = "\n".join(jsonl_lines(store))
    other = "company:deloitte-consulting~uei-ueibbbb22222"
    merge = ('mutation($a: ID!, $b: ID!) { merge(a: $a, b: $b, why: "one firm") '
             '{ id verdict why } }')
    variables = {"a": "company:deloitte-consulting", "b": other}
    with TestClient(create_app(settings(), store=store)) as client:
        assert "errors" in gql(client, merge, variables)  # no key: refused
        made = data(gql(client, merge, variables, key=KEY))["merge"]
        assert made["verdict"] == "same"
        node = data(gql(client, '{ node(id: "company:deloitte-consulting") { identity } }'))
        assert node["node"]["identity"][0].startswith("merged because one firm")
        listed = data(gql(client, "{ judgements { id } }"))["judgements"]
        assert listed == [{"id": made["id"]}]
        split = data(gql(client, f'mutation {{ split(id: "{made["id"]}") {{ id }} }}',
                         key=KEY))["split"]
        assert split == [{"id": made["id"]}]
    assert "\n".join(jsonl_lines(store)) == before


@pytest.mark.neo4j
def test_judgements_give_the_same_view_on_neo4j(neo4j_store: GraphStore, tmp_path: Path
                                                 ) -> None:
    """Each judgement, and its retraction, gives byte-identical exports and the same canonical
    ids on both stores, whether it comes before or after the records it names."""
    base, other = "company:deloitte-consulting", "company:deloitte-consulting~uei-ueibbbb22222"
    ids = [base, other, "company:deloitte-consulting~duns-123456789",
           "company:deloitte-consulting~uei-ueiaaaa11111", "company:nowhere"]
    verdicts = [
        make_judgement(MODEL, "same", base, other, "one firm", "t", "2026-01-03T00:00:00+00:00"),
        make_judgement(MODEL, "different", ids[2], ids[3], "two offices", "t",
                       "2026-01-03T00:00:00+00:00"),
    ]

    def same(stores: list[GraphStore]) -> None:
        first, second = ("\n".join(jsonl_lines(s)) for s in stores)
        assert first == second
        assert stores[0].canonical_ids(ids) == stores[1].canonical_ids(ids)
        assert stores[0].judgements() == stores[1].judgements()

    for number, judge_first in enumerate((False, True)):
        embedded = EmbeddedStore(tmp_path / f"j{number}.db")
        neo4j_store.clear()
        stores: list[GraphStore] = [embedded, neo4j_store]
        for j in verdicts:
            if judge_first:
                for s in stores:
                    s.judge(j)
                same(stores)
            for s in stores:
                for batch in _batches():
                    s.upsert(batch)
                if not judge_first:
                    s.judge(j)
            same(stores)
            for s in stores:
                assert s.retract_judgement(j.id) == j
                assert s.retract_judgement(j.id) is None
            same(stores)
        embedded.close()
