"""What a query would cost, measured from its document before anything runs: depth, aliases
and a cost that multiplies by the page sizes asked for.

Each fragment is measured once and its measure reused at every spread, so the walk is linear
in the document's size however often fragments spread each other (the fan-out `F1 { ...F0
...F0 } F2 { ...F1 ...F1 } ...` doubles the *measure* at each level, not the time).

Cost: a field costs 1 plus its multiplier times the cost of its selection. The multiplier is
the field's `first` (as given, from a variable, or its default page), the length of a list
argument (`nodes(ids: [...])`), 1 for a connection's own `nodes` / `edges` (the connection's
`first` already counted them), and LIST_WEIGHT for any other list of objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    Undefined,
    VariableNode,
    get_named_type,
    is_composite_type,
)

DEFAULT_PAGE = 100  # context.page_size's default when a field's `first` is left out
LIST_WEIGHT = 10  # a list of objects with no page size (a path's nodes, a reach's sources)
# Fields whose `first` defaults to null and which then answer a smaller page: `paths` without
# `first` keeps its old answer, the shortest paths (at most 10).
UNSET_FIRST = {"paths": 10}


@dataclass(frozen=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def beside(self, other: Measure) -> Measure:
        """Two selections side by side: the deeper depth, aliases and costs added."""
        return Measure(max(self.depth, other.depth), self.aliases + other.aliases,
                       self.cost + other.cost)


_NOTHING = Measure()
_META = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class DocumentMeter:
    """Measures the operations of one document (for one set of variable values)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode,
                 variables: Mapping[str, Any] | None = None) -> None:
        self.schema, self.variables = schema, dict(variables or {})
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.operations = [d for d in document.definitions
                           if isinstance(d, OperationDefinitionNode)]
        self._memo: dict[str, Measure] = {}
        self._busy: set[str] = set()  # fragments being measured: a cycle counts nothing
        self._defaults: dict[str, Any] = {}

    def measure(self, operation: OperationDefinitionNode) -> Measure:
        self._defaults = {v.variable.name.value: v.default_value
                          for v in operation.variable_definitions or ()}
        root = self.schema.get_root_type(operation.operation)
        return self._selection_set(root, operation.selection_set)

    def _selection_set(self, parent: GraphQLNamedType | None,
                       selection_set: SelectionSetNode) -> Measure:
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                part = self._field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                part = self._selection_set(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                part = self._fragment(selection.name.value)
            else:
                continue
            total = total.beside(part)
        return total

    def _fragment(self, name: str) -> Measure:
        known = self._memo.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self._busy:
            return _NOTHING  # unknown or cyclic: validation reports it
        self._busy.add(name)
        try:
            parent = self.schema.get_type(definition.type_condition.name.value)
            found = self._selection_set(parent, definition.selection_set)
        finally:
            self._busy.discard(name)
        self._memo[name] = found
        return found

    def _field(self, parent: GraphQLNamedType | None, node: FieldNode) -> Measure:
        aliases = 1 if node.alias is not None else 0
        field = _field_of(parent, node.name.value)
        if node.selection_set is None:
            return Measure(0, aliases, 1)
        child = get_named_type(field.type) if field is not None else None
        inner = self._selection_set(child, node.selection_set)
        times = self._multiplier(parent, field, node)
        # Introspection (`__schema`, `__type`) is not counted in depth, as strawberry's
        # limiter did not (GraphiQL's own query is 14 deep), but its cost is.
        depth = 0 if node.name.value.startswith("__") else inner.depth + 1
        return Measure(depth, aliases + inner.aliases, 1 + times * inner.cost)

    def _multiplier(self, parent: GraphQLNamedType | None, field: GraphQLField | None,
                    node: FieldNode) -> int:
        if field is None:
            return 1
        given = {a.name.value: a.value for a in node.arguments or ()}
        if "first" in field.args:
            first = self._value(given.get("first"))
            if first is Undefined or first is None:
                default = field.args["first"].default_value
                first = default if isinstance(default, int) else UNSET_FIRST.get(
                    node.name.value, DEFAULT_PAGE)
            return max(int(first), 0) if isinstance(first, int) else DEFAULT_PAGE
        lengths = [len(v) for name in given
                   if isinstance(v := self._value(given[name]), list | tuple)]
        if lengths:
            return max(max(lengths), 1)
        if not _lists_objects(field):
            return 1
        if isinstance(parent, GraphQLObjectType) and "pageInfo" in parent.fields:
            return 1  # a connection's nodes / edges: its `first` counted them
        return LIST_WEIGHT

    def _value(self, node: Any) -> Any:
        """An argument's value as far as the document and the variables tell."""
        if node is None:
            return Undefined
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            return self._value(self._defaults.get(name))
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return Undefined


def _field_of(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if name in _META:
        return _META[name]
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _lists_objects(field: GraphQLField) -> bool:
    kind: Any = field.type
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList) and is_composite_type(get_named_type(kind))
