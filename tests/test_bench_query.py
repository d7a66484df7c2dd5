"""`survgraph bench query` compares like with like: the direct store calls of the nested list
query give the same answer as the GraphQL query, and the direct reach the same subjects."""

from __future__ import annotations

import asyncio
from typing import Any

from graph_service.api.context import Context
from graph_service.api.execute import run_operation
from graph_service.api.schema import build_schema
from graph_service.bench.query_bench import (
    DOMAIN,
    NESTED_QUERY,
    REACH_QUERY,
    direct_nested,
    direct_reach,
    load,
    nested_rows,
)
from graph_service.config import Settings
from graph_service.stores.base import GraphStore


def graphql(store: GraphStore, query: str, variables: dict[str, Any] | None) -> Any:
    settings = Settings(store="unused", max_first=1000)
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(run_operation(
            build_schema(settings), Context(store=store, settings=settings), query, variables))
    finally:
        loop.close()
    assert "errors" not in result, result
    return result["data"]


def test_direct_calls_answer_what_the_graphql_queries_ask(store: GraphStore) -> None:
    load(store, 600)
    nested = direct_nested(store)
    assert nested == graphql(store, NESTED_QUERY, None)["companies"]
    assert nested_rows(nested) > 100
    assert any(k["awardingAgency"]["parent"] for c in nested["nodes"] for k in c["contracts"])
    reach = graphql(store, REACH_QUERY, {"d": DOMAIN})["productsReaching"]
    assert direct_reach(store) == reach["totalCount"] > 0
