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

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple, cast

import strawberry
from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from graph_service.api.context import Context, checked_first
from graph_service.api.loaders import Hop
from graph_service.api.types import HOPS, UNKNOWN, follow_known

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


class _Bail(Exception):
    """This value needs graphql-core's full completion: an awaitable, an error, a null where
    none may be, a resolver we do not call directly."""


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with a synchronous completion loop for answers built from
    plain objects and direct resolvers.

    `complete_value` first tries `_complete`, a tight recursive walk over the same collected
    fields (graphql-core's own, memoized `collect_subfields`, so fragments, aliases and
    @skip/@include mean the same). Anything unusual raises `_Bail`; the field nodes on the
    way are then remembered as slow for this request and graphql-core completes the value
    itself, calling the resolvers again (queries' resolvers only read), so errors, nulls and
    awaitables are handled exactly as before.
    """

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        self._check_deadline()
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        plan = leaf_plan(field_def) if field_def is not None else None
        if plan is not None and not self._middleware():
            value = _read_leaf(plan, source)
            if value is not _SKIP:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        slow: set[int] = self.__dict__.setdefault("_slow_nodes", set())
        if not self._middleware() and id(field_details_list[0].node) not in slow:
            try:
                return self._complete(return_type, field_details_list, path, result)
            except _Bail:
                slow.add(id(field_details_list[0].node))
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _check_deadline(self) -> None:
        """Stop building an answer past the request's deadline (Context.deadline): the
        completion loop is synchronous, so a timeout around it could not interrupt it."""
        ctx = self.context_value
        if isinstance(ctx, Context) and ctx.deadline is not None:
            ctx.check_deadline()

    def _middleware(self) -> bool:
        """Whether a schema extension wraps resolvers (then every field takes the full path:
        the extension must see each resolver call)."""
        return bool(getattr(self.middleware_manager, "middlewares", None))

    def _complete(self, return_type: Any, details: Any, path: Path, result: Any) -> Any:
        if isinstance(return_type, GraphQLNonNull):
            value = self._complete(return_type.of_type, details, path, result)
            if value is None:
                raise _Bail
            return value
        if result is None:
            return None
        if isinstance(result, Exception) or self.is_awaitable(result):
            _close(result)
            raise _Bail
        if isinstance(return_type, GraphQLList):
            if not isinstance(result, list | tuple):
                raise _Bail
            item_type = return_type.of_type
            return [self._complete(item_type, details, Path(path, index, None), item)
                    for index, item in enumerate(result)]
        if is_leaf_type(return_type):
            return _coerce(return_type, result)
        if is_abstract_type(return_type):
            return_type = self._runtime_type(return_type, result)
        if not isinstance(return_type, GraphQLObjectType):
            raise _Bail
        # strawberry's is_type_of is an isinstance check that ignores its info argument
        if return_type.is_type_of is not None and (
                return_type.is_type_of(result, cast(Any, None)) is not True):
            raise _Bail
        return self._complete_object(return_type, details, path, result)

    def _runtime_type(self, abstract: Any, result: Any) -> GraphQLObjectType:
        definition = getattr(type(result), "__strawberry_definition__", None)
        runtime = self.schema.type_map.get(getattr(definition, "name", ""))
        if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
            abstract, runtime
        ):
            raise _Bail
        return runtime

    def _complete_object(
        self, parent_type: GraphQLObjectType, details: Any, path: Path, source: Any
    ) -> dict[str, Any]:
        self._check_deadline()
        grouped, defer_usages, _ = self.collect_subfields(parent_type, details)
        if defer_usages:
            raise _Bail
        slow: set[int] = self.__dict__["_slow_nodes"]
        out: dict[str, Any] = {}
        for response_name, field_details in grouped.items():
            node = field_details[0].node
            if id(node) in slow:
                raise _Bail
            try:
                value = self._field(parent_type, field_details, node, path, response_name,
                                    source)
            except _Bail:
                slow.add(id(node))
                raise
            if value is not Undefined:
                out[response_name] = value
        return out

    def _field(self, parent_type: GraphQLObjectType, details: Any, node: Any, parent: Path,
               response_name: str, source: Any) -> Any:
        name = node.name.value
        if name == "__typename":
            return parent_type.name
        field_def = parent_type.fields.get(name)
        if field_def is None:
            return Undefined
        plan = leaf_plan(field_def)
        if plan is not None:  # the most common case: no path, no info needed
            value = _read_leaf(plan, source)
            if value is _SKIP:
                raise _Bail
            return value
        path = Path(parent, response_name, parent_type.name)
        resolve = field_def.resolve
        if getattr(resolve, "_is_default", False):
            definition = field_def.extensions[_DEFINITION]
            value = getattr(source, definition.python_name, _SKIP)
        elif getattr(resolve, "_direct", False):
            hop = getattr(resolve, "hop", None)
            value = UNKNOWN if hop is None else self._follow(hop, field_def, details, source)
            if value is UNKNOWN:
                value = self._call(resolve, field_def, details, node, parent_type, path, source)
        else:
            raise _Bail
        return self._complete(field_def.type, details, path, value)

    def _follow(self, hop: Hop, field_def: GraphQLField, details: Any, source: Any) -> Any:
        """A neighbour field answered from what the request has read ahead (no resolve info,
        no Info object), else UNKNOWN; an invalid `first` is left to the resolver to report."""
        ctx = self.context_value
        record = getattr(source, "record", None)
        if not isinstance(ctx, Context) or record is None:
            return UNKNOWN
        size = 1
        if not hop.to_one:
            try:
                args = get_argument_values(field_def, details[0].node, self.variable_values,
                                           details[0].fragment_variable_values)
                size = checked_first(ctx.settings, args.get("first"))
            except Exception:  # the resolver raises it again, with its location
                return UNKNOWN
        return follow_known(ctx, record.id, hop, size)

    def _call(self, resolve: Callable[..., Any], field_def: GraphQLField, details: Any,
              node: Any, parent_type: GraphQLObjectType, path: Path, source: Any) -> Any:
        info = self.build_resolve_info(field_def, [d.node for d in details], parent_type, path)
        try:
            args = (get_argument_values(field_def, node, self.variable_values,
                                        details[0].fragment_variable_values,
                                        self.hide_suggestions)
                    if field_def.args or node.arguments else {})
            return resolve(source, info, **args)
        except Exception as exc:
            raise _Bail from exc


def _close(value: Any) -> None:
    """A coroutine left unawaited would warn: it is run again on graphql-core's path."""
    close = getattr(value, "close", None)
    if inspect.iscoroutine(value) and close is not None:
        close()


def _coerce(leaf: GraphQLLeafType, value: Any) -> Any:
    try:
        coerced = leaf.coerce_output_value(value)
    except Exception as exc:  # graphql-core reports it, with its location
        raise _Bail from exc
    if coerced is None or coerced is Undefined:
        raise _Bail
    return coerced


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

    resolve._direct = True  # type: ignore[attr-defined]  # FastExecutionContext calls it
    resolve.hop = HOPS.get(func)  # type: ignore[attr-defined]  # a neighbour field's ties
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
