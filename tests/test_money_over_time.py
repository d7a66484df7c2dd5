"""Money over time: spending by fiscal year sums actions by their dates (the award's start
year only when no action is known, and the row says which), and answers on a date leave
undated contracts and ties out, saying how many."""

from __future__ import annotations

import csv
from pathlib import Path

from graph_service.stores.base import GraphStore
from graph_service.stores.query_types import ListFilter
from loaders.demo import demo_items
from loaders.usaspending import open_usaspending
from tests.loader_helpers import load

HEADER = ["contract_transaction_unique_key", "contract_award_unique_key", "award_id_piid",
          "modification_number", "federal_action_obligation", "action_date", "recipient_name",
          "awarding_sub_agency_code", "awarding_sub_agency_name"]
# (modification, amount, action date): FY2019 (Oct 2018) 100 - 30, FY2020 (Oct 2019) 500.
ACTIONS = (("0", "100", "2018-10-01"), ("P00001", "-30", "2019-09-30"),
           ("P00002", "500", "2019-10-01"))


def test_fiscal_year_spending_sums_actions_by_their_dates(store: GraphStore, tmp_path: Path
                                                          ) -> None:
    actions = tmp_path / "Contracts_PrimeTransactions_1.csv"
    with actions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for mod, amount, day in ACTIONS:
            writer.writerow([f"CONT_TX_7012_-NONE-_70CX_{mod}_-NONE-_0",
                             "CONT_AWD_70CX_7012_-NONE-_-NONE-", "70CX", mod, amount, day,
                             "VENDOR INC", "7012", "U.S. Immigration and Customs Enforcement"])
    summaries = tmp_path / "Contracts_PrimeAwardSummaries_1.csv"
    with summaries.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contract_award_unique_key", "award_id_piid", "recipient_name",
                         "total_obligated_amount", "period_of_performance_start_date"])
        writer.writerow(["CONT_AWD_70CY_7012_-NONE-_-NONE-", "70CY", "OTHER INC", "42",
                         "2016-11-02"])
    load(store, [open_usaspending(actions), open_usaspending(summaries)], tmp_path)
    rows = {(r.keys["fiscal_year"], r.basis): (r.count, r.obligated)
            for r in store.spending(["fiscal_year"], ListFilter())}
    assert rows == {(2019, "actions"): (1, 70.0), (2020, "actions"): (1, 500.0),
                    (2017, "award start"): (1, 42.0)}
    # Without a fiscal-year grouping the award counts once with its whole sum.
    (total,) = store.spending([], ListFilter())
    assert (total.count, total.obligated, total.basis) == (2, 612.0, None)


def test_a_date_before_everything_answers_nothing_and_counts_the_undated(
        store: GraphStore, tmp_path: Path) -> None:
    load(store, demo_items(), tmp_path)
    target = "domain:immigration-enforcement"
    assert store.reach(["Product"], target)  # products reach it when no date is asked
    answers, undated = store.reach_dated(["Product"], target, "1990-01-01")
    assert answers == []
    assert undated and undated > 0
    included, none_left = store.reach_dated(["Product"], target, "1990-01-01",
                                            include_undated=True)
    assert included and none_left == 0


def test_graphql_shows_actions_bases_and_both_totals(store: GraphStore, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from graph_service.api.app import create_app
    from tests.test_api_graphql import data, gql, settings

    test_fiscal_year_spending_sums_actions_by_their_dates(store, tmp_path)
    with TestClient(create_app(settings(), store=store)) as client:
        rows = data(gql(client, "{ spending(groupBy: [FISCAL_YEAR]) { fiscalYear basis "
                                "obligated } }"))["spending"]
        award = data(gql(client, """{ node(id: "contract:70cx") { ... on Contract {
            obligated obligatedBasis actions { obligation actionDate fiscalYear }
            provenance(property: "obligated") { rule derived } } } }"""))["node"]
        dated = data(gql(client, """{ reach(fromKinds: [COMPANY], to: "agency:ice",
            asOf: "1990-01-01") { totalCount undatedExcluded } }"""))["reach"]
    assert {(r["fiscalYear"], r["basis"]): r["obligated"] for r in rows}[(2019, "actions")] == 70
    assert award["obligated"] == 570.0 and award["obligatedBasis"] == "sum of 3 actions"
    assert sorted(a["obligation"] for a in award["actions"]) == [-30.0, 100.0, 500.0]
    assert award["provenance"] == [{"rule": "derived", "derived": "sum of 3 actions: 570.0"}]
    assert dated["totalCount"] == 0 and dated["undatedExcluded"] is not None
