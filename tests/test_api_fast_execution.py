"""The short paths of the GraphQL executor (reading ahead, direct resolver calls, the
synchronous completion loop) answer exactly as strawberry and graphql-core do without them:
same data, same errors at the same paths, on both stores."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from graph_service.api.context import Context
from graph_service.api.execute import GuardedSchema, run_operation
from graph_service.api.fast_execution import FastExecutionContext
from graph_service.api.guards import guard_extensions
from graph_service.api.schema import TYPES, Mutation, Query, build_schema
from graph_service.config import Settings
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore
from loaders.seed import seed_batch

# The cost limit is not under test here: its first query would cost 10^8 at the default
# pages (companies x supplies x domains x affects, 100 each), refused by the default budget.
SETTINGS = Settings(store="unused", max_first=1000, max_query_cost=10**9)

QUERIES: list[tuple[str, dict[str, Any] | None]] = [
    ("""{ companies { totalCount nodes { id name aliases kind sources { id title }
        contracts { id piid obligated startDate awardingAgency { id parent { id name } }
                    recipient { name } products { id } }
        products { id technologies { name } companies { id } } parent { id }
        supplies { id name domains { id affects { id } } } } } }""", None),
    ("""query($n: Int, $skip: Boolean!) { agencies(first: 50) { totalCount pageInfo {
          hasNextPage endCursor } edges { cursor node { id
          children(first: $n) { id } contracts(first: 1) { id } domains { id }
          parent @skip(if: $skip) { id } suppliers { ...Named } } } } }
        fragment Named on Company { id name }""", {"n": 1, "skip": True}),
    ("""{ search(text: "a", first: 50) { __typename id kind
          ... on Agency { parent { id } children { id } }
          ... on Company { contracts { id } }
          ... on Product { companies { id name } } } }""", None),
    ("""{ companiesReaching(domain: "domain:immigration-enforcement") { totalCount nodes {
          subject { id name ... on Company { products { id } } } rules totalObligated
          contracts { id } sources { id title url }
          paths { length nodes { id name } edges { type from to status properties
                                                  sources { id } fromNode { id } } } } } }""",
     None),
    ("""{ paths(from: "company:microsoft", to: "community:immigrants", maxHops: 4) {
          length nodes { id kind } edges { type status sources { id publisher } } } }""", None),
    ('{ x: node(id: "nope:nothing") { id } y: node(id: "agency:ice") { id name } }', None),
    ("""{ node(id: "agency:ice") { id ... on Agency { parent { id } contracts { id } }
          neighbours(direction: OUT) { edge { type to } node { id } } } }""", None),
    # errors inside nested objects: the short paths must give way and report them alike
    ("{ companies { nodes { id contracts(first: -1) { id } } } }", None),
    ("{ agencies { nodes { id children(first: 5000) { id } } } }", None),
]
ERRORS_FROM = 7  # the queries from this index on must fail


def reference_schema() -> GuardedSchema:
    """The same types, executed by strawberry and graphql-core alone."""
    return GuardedSchema(query=Query, mutation=Mutation, types=list(TYPES.values()),
                         extensions=guard_extensions(SETTINGS))


def contracts_graph() -> Batch:
    """Contracts with agencies and companies, so nested lists are not empty."""
    batch = seed_batch()
    for k in range(12):
        cid = f"contract:fast-{k:02d}"
        batch.nodes.append(Node(cid, "Contract", f"Award {k}",
                                properties={"piid": f"F{k:02d}", "obligated": 1000.0 * k,
                                            "start_date": "2020-01-01"}))
        batch.edges.append(Edge("AWARDED_TO", cid, "company:microsoft"))
        batch.edges.append(Edge("AWARDED_BY", cid, "agency:ice" if k % 2 else "agency:cbp"))
    return batch


def answer(schema: Any, store: GraphStore, query: str, variables: dict[str, Any] | None) -> str:
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(
            run_operation(schema, Context(store=store, settings=SETTINGS), query, variables))
    finally:
        loop.close()
    return json.dumps(result, sort_keys=True)


def test_the_served_schema_uses_the_short_paths() -> None:
    schema = build_schema(SETTINGS)
    assert schema.execution_context_class is FastExecutionContext
    contracts = schema._schema.type_map["Company"].fields["contracts"]  # type: ignore[union-attr]
    assert getattr(contracts.resolve, "_direct", False)


@pytest.mark.parametrize("index", range(len(QUERIES)))
def test_short_paths_answer_as_graphql_core_does(store: GraphStore, index: int) -> None:
    store.upsert(contracts_graph())
    query, variables = QUERIES[index]
    ours = answer(build_schema(SETTINGS), store, query, variables)
    assert ours == answer(reference_schema(), store, query, variables)
    if index < ERRORS_FROM:
        assert '"errors"' not in ours and ours.count('"id": "') >= 1, ours
    else:
        assert '"errors"' in ours, ours
