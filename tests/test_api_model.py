"""A property and a tie added to schema/model.yaml reach the API, the loaders' validation, the
Neo4j indexes and the map legend with no other edit."""

from __future__ import annotations

from pathlib import Path

import pytest
import strawberry
import yaml

from graph_service.api.generated_types import build_types
from graph_service.api.types import NodeInterface
from graph_service.domain_model import load_model, schema_dir
from graph_service.neo4j_schema import schema_statements
from graph_service.records import Edge, Node, ValidationError, validate_edge, validate_node
from visualizations.payload import MapView, build_payload


@pytest.fixture
def grown_model(tmp_path: Path) -> Path:
    raw = yaml.safe_load((schema_dir() / "model.yaml").read_text(encoding="utf-8"))
    raw["kinds"]["Company"]["properties"]["ticker"] = {
        "type": "string", "indexed": True, "description": "Stock ticker"}
    raw["relationships"]["INVESTS_IN"] = {
        "from": ["Organization"], "to": ["Company"], "description": "Holds shares in",
        "forward": "investsIn", "reverse": "investors"}
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def _sdl(model_path: Path) -> str:
    types = build_types(load_model(model_path))

    @strawberry.type
    class Query:
        @strawberry.field
        def node(self) -> NodeInterface | None:
            return None

    return str(strawberry.Schema(query=Query, types=list(types.values())))


def test_a_new_property_and_tie_reach_all_four(grown_model: Path) -> None:
    model = load_model(grown_model)
    sdl = _sdl(grown_model)
    company = sdl[sdl.index("type Company implements"):].split("\n}\n")[0]
    organization = sdl[sdl.index("type Organization implements"):].split("\n}\n")[0]
    assert "ticker: String" in company
    assert "investors(first: Int = null): [Organization!]!" in company
    assert "investorsConnection(first: Int = null, after: String = null): " \
           "OrganizationConnection!" in company
    assert "investsIn(first: Int = null): [Company!]!" in organization

    node = Node("company:acme", "Company", "Acme", properties={"ticker": "ACME"})
    validate_node(model, node)
    with pytest.raises(ValidationError):
        validate_node(load_model(), node)  # the shipped model has no ticker
    tie = Edge("INVESTS_IN", "organization:fund", "company:acme")
    validate_edge(model, tie)
    with pytest.raises(ValidationError):
        validate_edge(load_model(), tie)

    statements = schema_statements(model)
    assert "CREATE INDEX company_ticker IF NOT EXISTS FOR (n:Company) ON (n.ticker)" in statements
    assert not any("ticker" in s for s in schema_statements(load_model()))

    view = MapView(mode="ego", title="t", subtitle="", layout="force",
                   nodes=[node, Node("organization:fund", "Organization", "Fund")], edges=[tie])
    legend = build_payload(view, model, "/maps/ego/{id}")["meta"]
    assert legend["relationships"]["INVESTS_IN"] == {"description": "Holds shares in", "count": 1}
    assert set(legend["kinds"]) == {"Company", "Organization"}


def test_the_shipped_types_follow_the_model() -> None:
    """Every declared neighbour field is in the served schema, and nothing else is invented."""
    model = load_model()
    sdl = _sdl(schema_dir() / "model.yaml")
    for kind, spec in model.kinds.items():
        block = sdl[sdl.index(f"type {spec.api_name or kind} implements"):].split("\n}\n")[0]
        for field in model.neighbour_fields(kind):
            assert f"\n  {field.name}" in block, (kind, field.name)
            if not field.one:
                assert f"\n  {field.name}Connection(" in block, (kind, field.name)


def test_clashing_field_names_are_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load((schema_dir() / "model.yaml").read_text(encoding="utf-8"))
    raw["relationships"]["INVESTS_IN"] = {"from": ["Company"], "to": ["Company"],
                                          "forward": "state"}  # a Company property
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="shadows a property"):
        load_model(path)
