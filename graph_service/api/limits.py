"""Limits checked before execution, from the document (query_cost.py measures it): depth and
aliases as a validation rule, the cost (which needs the variables) and the one-operation rule
as a schema extension.

The rule replaces strawberry's QueryDepthLimiter and MaxAliasesLimiter, which expand every
fragment spread again and so take time doubling with each level of a fragment fan-out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, ValidationRule
from strawberry.extensions import SchemaExtension

from graph_service.api.context import ApiError, Context
from graph_service.api.query_cost import DocumentMeter


class QueryTooCostly(ApiError):
    code = "QUERY_TOO_COSTLY"


class OperationNotChosen(ApiError):
    """Several operations and no operationName: the spec says this is a request error."""


def limits_rule(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than max_depth or with more aliases than
    max_aliases (aliases counted at every use of the fragment holding them)."""

    class DepthAndAliases(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            meter = DocumentMeter(self.context.schema, node)
            for operation in meter.operations:
                measured = meter.measure(operation)
                name = operation.name.value if operation.name else "anonymous"
                if measured.depth > max_depth:
                    self.report_error(GraphQLError(
                        f"'{name}' exceeds maximum operation depth of {max_depth} (it is "
                        f"{measured.depth} deep)", operation))
                if measured.aliases > max_aliases:
                    self.report_error(GraphQLError(
                        f"{measured.aliases} aliases found. Allowed: {max_aliases}", operation))

    return DepthAndAliases


class OperationLimits(SchemaExtension):
    """One operation chosen without doubt, and its cost within Settings.max_query_cost."""

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is None or self.execution_context._provided_operation_name is not None:
            return
        count = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
        if count > 1:
            raise OperationNotChosen(f"the document holds {count} operations: name the one to "
                                     "run with operationName")

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        ctx = context.context
        document = context.graphql_document
        if isinstance(ctx, Context) and document is not None:
            budget = ctx.settings.max_query_cost
            meter = DocumentMeter(self.execution_context.schema._schema, document,
                                  context.variables)
            chosen = [op for op in meter.operations if context.operation_name is None
                      or (op.name is not None and op.name.value == context.operation_name)]
            for operation in chosen[:1]:
                cost = meter.measure(operation).cost
                if cost > budget:
                    shown = f"{cost:,}" if cost < 10**15 else f"about 10^{len(str(cost)) - 1}"
                    raise QueryTooCostly(
                        f"query too costly: its cost is {shown}, the budget is {budget:,} "
                        "(each field counts 1, times the `first` of every list around it): "
                        "ask for smaller pages or less nesting")
            ctx.executed = True
        yield
