"""A graphql-core executor with a short path for plain scalar fields.

Most fields of an answer (ids, names, types, statuses) are strawberry "basic" fields: a plain
attribute of the Python object, no resolver, no argument, no extension. graphql-core still
builds a resolve-info object, a path, and runs the generic completion for each of them, which
costs about ten times the attribute read. Here such a field is read and coerced directly;
anything unusual (a null on a non-null field, a value the scalar refuses, an exception) goes
through graphql-core's own path so that errors stay exactly as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


class LeafPlan(NamedTuple):
    attribute: str
    leaf: GraphQLLeafType
    nullable: bool


# Keyed by id() of the GraphQLField (graphql-core fields are compared by value, not hashable by
# identity); the field is kept in the value so that its id cannot be reused.
_PLANS: dict[int, tuple[GraphQLField, LeafPlan | None]] = {}
_SKIP = object()


def leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    """How to read the field directly, or None when it needs graphql-core's full path."""
    cached = _PLANS.get(id(field_def))
    if cached is not None and cached[0] is field_def:
        return cached[1]
    plan = _make_plan(field_def)
    _PLANS[id(field_def)] = (field_def, plan)
    return plan


def _make_plan(field_def: GraphQLField) -> LeafPlan | None:
    strawberry_field = (field_def.extensions or {}).get(_DEFINITION)
    basic = getattr(field_def.resolve, "_is_default", False)
    if strawberry_field is None or not basic or field_def.args:
        return None
    if strawberry_field.default_resolver is not getattr:
        return None
    field_type = field_def.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not is_leaf_type(inner):
        return None
    return LeafPlan(strawberry_field.python_name, inner, nullable)


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        plan = leaf_plan(field_def) if field_def is not None else None
        if plan is not None:
            value = _read_leaf(plan, source)
            if value is not _SKIP:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _read_leaf(plan: LeafPlan, source: Any) -> Any:
    """The completed value, or _SKIP when graphql-core must handle (and report) it."""
    value = getattr(source, plan.attribute, _SKIP)
    if value is None:
        return None if plan.nullable else _SKIP
    if value is _SKIP or isinstance(value, Exception):
        return _SKIP
    try:
        coerced = plan.leaf.coerce_output_value(value)
    except Exception:  # graphql-core reports it, with its location
        return _SKIP
    return _SKIP if coerced is None or coerced is Undefined else coerced
