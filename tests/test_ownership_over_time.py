"""Ownership over time: a company's parent as each award states it, dated by those awards, and
the parent in force on a date, whatever order the files were loaded in."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.stores.base import GraphStore
from loaders.usaspending import open_usaspending
from tests.loader_helpers import load, shared_data
from tests.test_api_graphql import data, gql, settings

QUERY = """{ node(id: "contract:70cdcr18p00000017") { ... on Contract { startDate
    recipient { name parent(asOf: "%s") { name } latest: parent { name }
                parents { company { name } validFrom validTo } } } } }"""


@pytest.mark.parametrize("reverse", [False, True])
def test_the_award_states_the_parent_in_force(store: GraphStore, tmp_path: Path,
                                              reverse: bool) -> None:
    bulk = shared_data() / "usaspending" / "bulk"
    files = [bulk / "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv",
             bulk / "Contracts_Subawards_2025-03-28_H03M23S17_1.csv"]
    load(store, [open_usaspending(f) for f in (files[::-1] if reverse else files)], tmp_path)
    with TestClient(create_app(settings(), store=store)) as client:
        award = data(gql(client, QUERY % "2018-06-01"))["node"]
    assert award["startDate"] == "2017-12-22"
    recipient = award["recipient"]
    assert recipient["name"] == "WEST PUBLISHING CORPORATION"
    assert recipient["parent"] == {"name": "THOMSON REUTERS (MARKETS) LLC"}
    assert recipient["latest"] == {"name": "THOMSON COMPANY INC, THE"}
    spans = {p["company"]["name"]: (p["validFrom"], p["validTo"]) for p in recipient["parents"]}
    assert spans["THOMSON REUTERS (MARKETS) LLC"] == ("2017-12-22", "2021-10-31")
    assert spans["REUTERS NEWS & MEDIA INC"][0] == "2004-10-01"
