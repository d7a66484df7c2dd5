"""The generated Neo4j schema artifact, and that data can never become Cypher."""

from __future__ import annotations

import re

import pytest

from graph_service.domain_model import load_model
from graph_service.neo4j_schema import (
    artifact_path,
    identifier,
    render,
    schema_statements,
)
from graph_service.records import Batch, Edge, Node
from graph_service.stores.base import GraphStore

MODEL = load_model()
ATTACKS = [
    "'}) DETACH DELETE n //",
    "\"}) MATCH (m) DETACH DELETE m //",
    "`Entity`) DETACH DELETE n //",
    "x` {id: 'y'}) DETACH DELETE n RETURN 1 //",
    "$to } ) WITH 1 AS x MATCH (n) DETACH DELETE n //",
]


def test_the_committed_artifact_is_fresh() -> None:
    assert artifact_path().read_text(encoding="utf-8") == render(), (
        "schema/generated/neo4j.cypher is stale: run `survgraph schema generate`"
    )


def test_statements_cover_every_kind_and_indexed_property() -> None:
    text = "\n".join(schema_statements())
    for kind, spec in MODEL.kinds.items():
        assert f"FOR (n:{kind}) REQUIRE n.id IS UNIQUE" in text
        for key, prop in spec.properties.items():
            assert (f"FOR (n:{kind}) ON (n.{key})" in text) == prop.indexed
    assert "FOR (n:Entity) REQUIRE n.id IS UNIQUE" in text
    assert "CREATE TEXT INDEX" in text


@pytest.mark.parametrize("name", ["a b", "Company`", "x-y", "_terms", "", "1abc", "n) //"])
def test_only_plain_identifiers_name_anything(name: str) -> None:
    with pytest.raises(ValueError, match="plain identifier"):
        identifier(name)


@pytest.mark.neo4j
def test_the_server_holds_the_generated_constraints(neo4j_store: GraphStore) -> None:
    from graph_service.stores.neo4j_store import Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    rows = neo4j_store._read("SHOW CONSTRAINTS YIELD name RETURN collect(name)")
    constraints = set(rows[0][0])
    # Constraint names are the kind in snake case (ContractAction: contract_action_id).
    snake = [re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower() for k in MODEL.kinds]
    assert {"entity_id", *(f"{k}_id" for k in snake)} <= constraints
    rows = neo4j_store._read("SHOW INDEXES YIELD name, type, state RETURN name, type, state")
    indexes = {name: (kind, state) for name, kind, state in rows}
    assert indexes["entity_search"] == ("TEXT", "ONLINE")
    assert indexes["company_uei"] == ("RANGE", "ONLINE")


@pytest.mark.neo4j
def test_hostile_names_and_values_are_stored_as_plain_data(neo4j_store: GraphStore) -> None:
    nodes = [
        Node(f"company:attack-{i}", "Company", text, [text + " alias"], {"uei": text, "city": text},
             [f"source:{text}"])
        for i, text in enumerate(ATTACKS)
    ]
    victim = Node("agency:victim", "Agency", "Victim")
    ties = [
        Edge("SUPPLIES", node.id, victim.id, properties={"note": node.name, "role": node.name})
        for node in nodes
    ]
    assert neo4j_store.upsert(Batch([*nodes, victim], ties)).nodes_created == len(nodes) + 1
    assert neo4j_store.upsert(Batch(nodes, ties)).nodes_updated == 0
    assert neo4j_store.stats().nodes == {"Company": len(ATTACKS), "Agency": 1}
    stored = neo4j_store.get_nodes([n.id for n in nodes])
    assert [stored[n.id] for n in nodes] == nodes
    assert [e.properties["note"] for e in neo4j_store.edges([victim.id])] == [
        n.name for n in sorted(nodes, key=lambda n: n.id)
    ]
    for text in ATTACKS:
        assert neo4j_store.lookup("Company", "uei", [text]) == {
            text: [n.id for n in nodes if n.name == text]
        }
        assert [n.name for n in neo4j_store.search(text)][:1] == [text]
        assert neo4j_store.shortest_paths(text, victim.id) == []
        assert neo4j_store.reach(["Company"], text) == []
        # A hostile label, type or property key is unknown to the schema: nothing to match.
        assert neo4j_store.lookup(text, "uei", ["x"]) == {}
        assert neo4j_store.lookup("Company", text, ["x"]) == {}
        assert neo4j_store.edges([victim.id], [text]) == []
        assert list(neo4j_store.iter_nodes(text)) == []
        assert neo4j_store.search("victim", kinds=[text]) == []
    assert neo4j_store.reach(["Company"], "domain:x", as_of=ATTACKS[0]) == []
    assert sum(neo4j_store.stats().nodes.values()) == len(nodes) + 1
    assert len(list(neo4j_store.iter_edges())) == len(ties)
