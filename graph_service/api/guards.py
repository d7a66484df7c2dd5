"""Guards of the GraphQL endpoint: bounded depth, aliases and tokens, optional introspection,
and errors that are clear to the caller and never carry a traceback or internals.

`first` is capped in context.page_size; the query timeout and the body size limit are applied
where a request is executed (execute.py, app.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from graph_service.api.context import ApiError
from graph_service.api.limits import OperationLimits, limits_rule
from graph_service.config import Settings
from graph_service.records import ValidationError
from graph_service.stores.base import StoreUnavailable
from graph_service.stores.query_types import QueryError

log = logging.getLogger("survgraph.api")

STORE_UNAVAILABLE = "store unavailable: the graph store cannot be reached right now; try again"
INTERNAL = "internal error: the server could not answer this request (details are in its log)"


def guard_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extensions per request (the parse and validation
    caches are shared at module level by strawberry itself).

    The depth and alias rule (limits.py) is built once here: the validation cache is keyed by
    the rule classes, so a class built per request would make every request validate again.
    OperationLimits checks the cost, which needs the variables, just before execution."""
    rules: list[type[ASTValidationRule]] = [limits_rule(settings.max_depth, settings.max_aliases)]
    extensions: list[Callable[[], SchemaExtension]] = [
        # Parsing and validating the same query text again is wasted work: cache both.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        OperationLimits,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return "GRAPHQL_VALIDATION_FAILED"
    if isinstance(original, ApiError):
        return original.code
    if isinstance(original, StoreUnavailable):
        return "STORE_UNAVAILABLE"
    if isinstance(original, QueryError | ValidationError):
        return "BAD_REQUEST"
    return "INTERNAL_SERVER_ERROR"


def format_errors(errors: Sequence[GraphQLError]) -> list[dict[str, Any]]:
    """Errors as the caller sees them: safe messages kept, everything else replaced."""
    formatted = []
    for error in errors:
        code = error_code(error)
        message = {"STORE_UNAVAILABLE": STORE_UNAVAILABLE, "INTERNAL_SERVER_ERROR": INTERNAL}.get(
            code, error.message
        )
        item: dict[str, Any] = {"message": message, "extensions": {"code": code}}
        if error.locations:
            item["locations"] = [{"line": loc.line, "column": loc.column}
                                 for loc in error.locations]
        if error.path:
            item["path"] = list(error.path)
        formatted.append(item)
    return formatted


def log_errors(errors: Sequence[GraphQLError]) -> None:
    """Unexpected failures go to the server log with their traceback; expected ones do not."""
    for error in errors:
        code = error_code(error)
        if code == "INTERNAL_SERVER_ERROR":
            log.error("GraphQL resolver failed: %s", error.message, exc_info=error.original_error)
        elif code == "STORE_UNAVAILABLE":
            log.warning("store unavailable: %s", error.original_error)
