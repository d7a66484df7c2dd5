"""The GraphQL schema stays in step with schema/model.yaml."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLObjectType

from graph_service.api.schema import build_schema
from graph_service.api.types import TYPES
from graph_service.config import Settings
from graph_service.domain_model import load_model


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_kind_enum_and_a_type_per_kind_with_every_property() -> None:
    model = load_model()
    schema = build_schema(Settings(store="unused"))._schema
    kind = schema.type_map["Kind"]
    assert isinstance(kind, GraphQLEnumType)
    assert {v.value for v in kind.values.values()} == set(model.kinds)
    assert set(TYPES) == set(model.kinds)
    for name, spec in model.kinds.items():
        graphql_type = schema.type_map[TYPES[name].__strawberry_definition__.name]  # type: ignore[attr-defined]
        assert isinstance(graphql_type, GraphQLObjectType)
        assert "Node" in {i.name for i in graphql_type.interfaces}
        missing = {camel(p) for p in spec.properties} - set(graphql_type.fields)
        assert not missing, f"{name} lacks fields {missing}"
        assert {"id", "kind", "name", "aliases", "sources"} <= set(graphql_type.fields)


def test_headline_fields_have_their_fixed_names() -> None:
    schema = build_schema(Settings(store="unused"))._schema
    query = schema.query_type
    assert query is not None
    assert {"node", "search", "reach", "productsReaching", "companiesReaching", "paths",
            "contracts", "companies", "agencies", "products", "spending"} <= set(query.fields)
    mutation = schema.mutation_type
    assert mutation is not None
    assert {"upsertNodes", "upsertRelationships", "load"} <= set(mutation.fields)
    source = schema.type_map["Source"]
    assert isinstance(source, GraphQLObjectType)
    assert {"id", "title", "url", "publisher", "published", "kind", "excerpt"} <= set(
        source.fields)
    edge = schema.type_map["Edge"]
    assert isinstance(edge, GraphQLObjectType)
    assert {"type", "from", "to", "status", "properties", "sources"} <= set(edge.fields)
