"""Cheaper field resolution: a graphql-core executor with a short path for plain scalar fields,
and direct calls of our own resolvers.

Most fields of an answer (ids, names, types, statuses) are strawberry "basic" fields: a plain
attribute of the Python object, no resolver, no argument, no extension. graphql-core still
builds a resolve-info object, a path, and runs the generic completion for each of them, which
costs about ten times the attribute read. Here such a field is read and coerced directly;
anything unusual (a null on a non-null field, a value the scalar refuses, an exception) goes
through graphql-core's own path so that errors stay exactly as before.

A field with a resolver costs, in strawberry, an argument conversion pass, an extension chain
and two wrapper calls around the function, even when it takes no argument. For resolvers
that need none of that (no field extension, no exception handler, synchronous, arguments that
are plain scalars passed through unchanged), `install_direct_resolvers` gives graphql-core a
resolve function that calls ours with the same parameters strawberry would pass; graphql-core
still handles its errors and completes its value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import strawberry
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
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

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


_PLAIN_ARGUMENTS = (int, float, str, bool)


def _plain(argument: Any) -> bool:
    """An argument strawberry passes through unchanged: a builtin scalar, same name."""
    kind = argument.type
    if isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    return kind in _PLAIN_ARGUMENTS and argument.graphql_name in (None, argument.python_name)


def _direct(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    """A resolve function calling the field's resolver as strawberry would, or None."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.is_async:
        return None
    if not all(_plain(argument) for argument in field.arguments):
        return None
    func = resolver.wrapped_func
    if not callable(func):  # a staticmethod or classmethod object: leave it to strawberry
        return None
    as_self = resolver.self_parameter is not None
    source_names = [p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def resolve(source: Any, info: Any, **kwargs: Any) -> Any:
        for name in source_names:
            kwargs[name] = source
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return func(source, **kwargs) if as_self else func(**kwargs)

    return resolve


def install_direct_resolvers(schema: strawberry.Schema) -> None:
    """Swap strawberry's resolver wrappers for direct calls where nothing is lost."""
    if schema.schema_converter.exception_handlers:
        return
    info_class = schema.config.info_class
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_def in graphql_type.fields.values():
            definition = (field_def.extensions or {}).get(_DEFINITION)
            if isinstance(definition, StrawberryField):
                direct = _direct(definition, info_class)
                if direct is not None:
                    field_def.resolve = direct
