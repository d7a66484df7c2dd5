"""Contract actions: transaction files load as ContractActions whose sums are the award's money
(unless a summary states it), re-loading or overlapping exports never double a sum, tags from
every action stay on the award, and the shipped 2018-era file's sums match its raw rows."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from graph_service.stores.base import GraphStore
from loaders.resolution import contract_id
from loaders.usaspending import open_usaspending
from loaders.values import day_first_order, duns9, parse_action_date
from tests.loader_helpers import load, shared_data

HEADER = [
    "contract_transaction_unique_key", "contract_award_unique_key", "award_id_piid",
    "modification_number", "transaction_number", "parent_award_id_piid",
    "federal_action_obligation", "action_date", "action_date_fiscal_year",
    "action_type_code", "action_type_description", "transaction_description",
    "recipient_uei", "recipient_duns", "recipient_name", "recipient_parent_uei",
    "recipient_parent_name", "awarding_agency_code", "awarding_agency_name",
    "awarding_sub_agency_code", "awarding_sub_agency_name", "product_or_service_code",
    "naics_code", "naics_description", "usaspending_permalink",
]
# Amounts with a de-obligation and a zero action: sums must come out exact.
AMOUNTS = (1000.25, -200.5, 0.0, 3333.33)


def _rows(awards: range, actions: range) -> list[dict[str, str]]:
    rows = []
    for a in awards:
        piid = f"70CMSD{a:02d}C0001"
        key = f"CONT_AWD_{piid}_7012_-NONE-_-NONE-"
        for m in actions:
            rows.append({
                "contract_transaction_unique_key": f"CONT_TX_7012_-NONE-_{piid}_P{m:05d}_-NONE-_0",
                "contract_award_unique_key": key, "award_id_piid": piid,
                "modification_number": f"P{m:05d}", "transaction_number": "0",
                "federal_action_obligation": str(AMOUNTS[m % len(AMOUNTS)] * (a + 1)),
                "action_date": f"20{18 + m}-{9 + m % 4:02d}-15",
                "transaction_description": "CLOSEOUT MODIFICATION" if m else
                "LICENSE PLATE READER DATA SUBSCRIPTION",
                "recipient_uei": f"UEI{a:09d}", "recipient_name": f"VENDOR {a} INC",
                "recipient_parent_uei": "PARENT000001", "recipient_parent_name": "PARENT CORP",
                "awarding_agency_code": "070", "awarding_agency_name":
                "Department of Homeland Security", "awarding_sub_agency_code": "7012",
                "awarding_sub_agency_name": "U.S. Immigration and Customs Enforcement",
                "usaspending_permalink": f"https://www.usaspending.gov/award/{key}/",
            })
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _expected(rows: list[dict[str, str]]) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    for row in rows:
        sums[contract_id(row["award_id_piid"])] += float(row["federal_action_obligation"])
    return {c: round(v, 2) for c, v in sums.items()}


def _obligated(store: GraphStore, ids: list[str]) -> dict[str, object]:
    nodes = store.get_nodes(ids)
    return {i: nodes[i].properties.get("obligated") for i in ids}


def test_synthetic_actions_sum_exactly_and_never_twice(store: GraphStore, tmp_path: Path
                                                        ) -> None:
    rows = _rows(range(5), range(4))
    first = _write(tmp_path / "Contracts_PrimeTransactions_1.csv", rows)
    summary, rejects = load(store, [open_usaspending(first)], tmp_path)
    assert (summary.loaded, rejects) == (20, [])
    expected = _expected(rows)
    assert _obligated(store, sorted(expected)) == expected
    node = store.get_nodes([contract_id("70CMSD00C0001")])[contract_id("70CMSD00C0001")]
    assert node.properties["actions_count"] == 4
    assert node.properties["obligated_basis"] == "sum of 4 actions"
    before = {n.id: n.properties for n in store.iter_nodes("ContractAction")}
    # The same file again, and a later export overlapping it (actions 2-3 again, none new).
    again, _ = load(store, [open_usaspending(first)], tmp_path)
    assert (again.written.nodes_updated, again.written.nodes_created) == (0, 0)
    overlap = _write(tmp_path / "Contracts_PrimeTransactions_2.csv", _rows(range(5), range(2, 4)))
    load(store, [open_usaspending(overlap)], tmp_path)
    assert _obligated(store, sorted(expected)) == expected
    assert store.stats().nodes["ContractAction"] == 20
    assert {n.id: n.properties for n in store.iter_nodes("ContractAction")} == before


def test_a_stated_total_wins_and_both_values_stay_in_view(store: GraphStore, tmp_path: Path
                                                          ) -> None:
    rows = _rows(range(1), range(3))
    actions = _write(tmp_path / "Contracts_PrimeTransactions_1.csv", rows)
    award = tmp_path / "Contracts_PrimeAwardSummaries_1.csv"
    with award.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contract_award_unique_key", "award_id_piid", "recipient_name",
                         "recipient_uei", "total_obligated_amount"])
        writer.writerow([rows[0]["contract_award_unique_key"], "70CMSD00C0001", "VENDOR 0 INC",
                         "UEI000000000", "5000"])
    cid = contract_id("70CMSD00C0001")
    # Either order: the summary's total, with the actions' sum beside it.
    load(store, [open_usaspending(award), open_usaspending(actions)], tmp_path)
    props = store.get_nodes([cid])[cid].properties
    assert props["obligated"] == 5000.0
    assert props["actions_obligated"] == _expected(rows)[cid] == round(1000.25 - 200.5, 2)
    assert props["obligated_basis"] == "stated"
    # Provenance shows both: the summary's statement chosen, the actions' sum beside it.
    from graph_service.api.provenance import provenance_of

    (shown,) = provenance_of("Contract", props, store.statements([cid]), "obligated")
    assert shown.chosen is not None and shown.chosen.record.startswith(award.name)
    assert shown.derived == "sum of 3 actions: 799.75" and shown.rule == "precedence"
    store.clear()
    load(store, [open_usaspending(actions)], tmp_path)
    assert store.get_nodes([cid])[cid].properties["obligated"] == _expected(rows)[cid]
    load(store, [open_usaspending(award)], tmp_path)
    assert store.get_nodes([cid])[cid].properties["obligated"] == 5000.0


def test_tags_from_every_action_stay_on_the_award(store: GraphStore, tmp_path: Path) -> None:
    # The plate-reader text is the first action's; the later closeout text must not remove it.
    path = _write(tmp_path / "Contracts_PrimeTransactions_1.csv", _rows(range(1), range(3)))
    load(store, [open_usaspending(path)], tmp_path)
    cid = contract_id("70CMSD00C0001")
    tags = {e.target for e in store.edges([cid], ["OF_TECHNOLOGY"], "out")}
    assert "technology:license-plate-readers" in tags, tags
    late = _write(tmp_path / "late.csv", _rows(range(1), range(1, 3)))
    load(store, [open_usaspending(late)], tmp_path)
    after = {e.target for e in store.edges([cid], ["OF_TECHNOLOGY"], "out")}
    assert "technology:license-plate-readers" in after


def test_dates_read_in_the_files_order_and_duns_get_their_zeros() -> None:
    assert day_first_order(["05/07/2013", "25/07/2013"]) is True
    assert day_first_order(["05/07/2013", "12/22/17"]) is False
    assert parse_action_date("05/07/2013", "d", True) == "2013-07-05"
    assert parse_action_date("05/07/2013", "d", False) == "2013-05-07"
    assert parse_action_date("25/07/13 00:00", "d", False) == "2013-07-25"
    assert duns9("74108176") == "074108176"
    assert duns9("618954465") == "618954465"


def test_shipped_transaction_file_sums_match_its_raw_rows(store: GraphStore, tmp_path: Path
                                                          ) -> None:
    path = (shared_data() / "usaspending" / "transactions"
            / "ice_fy2013_contract_transactions_torn_apart.csv")
    sums: dict[str, float] = defaultdict(float)
    dates: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            cid = contract_id(row["award_id_piid"], row["parent_award_id"] or None)
            sums[cid] += float(row["federal_action_obligation"] or 0)
            day, month, year = row["action_date"].split("/")
            dates[cid].append(f"{year}-{month}-{day}")
    summary, rejects = load(store, [open_usaspending(path)], tmp_path)
    assert (summary.loaded, rejects) == (157, [])
    nodes = store.get_nodes(sorted(sums))
    assert {c: nodes[c].properties.get("obligated") for c in sums} == {
        c: round(v, 2) for c, v in sums.items()}
    assert any(v < 0 for v in sums.values())  # de-obligations are in it
    assert {c: nodes[c].properties.get("first_action_date") for c in sums} == {
        c: min(d) for c, d in dates.items()}


def test_a_mapped_spreadsheet_of_actions_sums_once(tmp_path: Path) -> None:
    from tests.loader_helpers import REPO, cli

    rows = [("HSCE-1", "0", "25/10/2018", "1,000.50", "LICENSE PLATE READER ACCESS"),
            ("HSCE-1", "P01", "05/03/2019", "(200.25)", "DEOBLIGATION"),
            ("HSCE-2", "0", "01/12/2019", "0", "CLOSEOUT")]
    files = []
    for number, part in enumerate((rows[:2], rows[1:])):  # overlapping: P01 in both
        path = tmp_path / f"actions-{number}.tsv"
        lines = ["award_id\tmodification\taction_date\tamount\tdescription\tvendor\tagency"]
        lines += ["\t".join((*r, "ACME INC", "ICE")) for r in part]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(str(path))
    db = str(tmp_path / "store.db")
    mapping = str(REPO / "loaders" / "mappings" / "contract-actions.yaml")
    for _ in range(2):
        done = cli("--store", db, "load", "csv", *files, "--delimiter", "tab", "-m", mapping)
        assert done.returncode == 0, done.stderr
    from graph_service.stores.embedded import EmbeddedStore

    with EmbeddedStore(Path(db)) as store:
        nodes = store.get_nodes(["contract:hsce-1", "contract:hsce-2"])
        assert nodes["contract:hsce-1"].properties["obligated"] == 800.25
        assert nodes["contract:hsce-1"].properties["first_action_date"] == "2018-10-25"
        assert nodes["contract:hsce-2"].properties["obligated"] == 0.0
        assert store.stats().nodes["ContractAction"] == 3
        tags = {e.target for e in store.edges(["contract:hsce-1"], ["OF_TECHNOLOGY"], "out")}
        assert "technology:license-plate-readers" in tags
