"""Run one GraphQL operation with the guards that wrap execution: a deadline and safe errors.
The HTTP endpoint and `survgraph query` both come through here, so they answer alike.

A request error (nothing executed: unparsable, invalid, too costly, bad variables) answers
without a `data` entry, as the GraphQL-over-HTTP spec asks; field errors keep `data`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graph_service.api.context import Context
from graph_service.api.guards import format_errors, log_errors


class GuardedSchema(strawberry.Schema):
    """A schema whose error log keeps expected failures (bad input, no key) out of it."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        log_errors(errors)


def _problem(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def is_request_error(response: dict[str, Any]) -> bool:
    """Nothing was executed (the spec's request error): no `data` entry."""
    return "data" not in response


async def run_operation(
    schema: strawberry.Schema,
    context: Context,
    query: object,
    variables: object = None,
    operation_name: object = None,
    allowed: Iterable[OperationType] | None = None,
) -> dict[str, Any]:
    """The response document ({"data": ..., "errors": [...]}) of one operation."""
    if not isinstance(query, str) or not query.strip():
        return _problem('no query: send {"query": "...", "variables": {...}}', "BAD_REQUEST")
    if variables is not None and not isinstance(variables, dict):
        return _problem("variables must be a JSON object", "BAD_REQUEST")
    if operation_name is not None and not isinstance(operation_name, str):
        return _problem("operationName must be a string", "BAD_REQUEST")
    timeout = context.settings.query_timeout_seconds
    # The execution loop checks the deadline (Context.check_deadline); wait_for only covers
    # awaiting, and gets a little longer so the loop's own clean stop comes first.
    context.deadline = time.monotonic() + timeout
    try:
        result = await asyncio.wait_for(
            schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=allowed,
            ),
            timeout + 1,
        )
    except InvalidOperationTypeError as exc:
        return _problem(f"{exc.operation_type.value} operations are not allowed here (mutations "
                        "need POST)", "BAD_REQUEST")
    except CannotGetOperationTypeError:
        return _problem("cannot tell which operation to run: name one with operationName",
                        "BAD_REQUEST")
    except TimeoutError:
        context.timed_out = True
    if context.timed_out:  # whatever was built is dropped: a partial answer would mislead
        return _problem(
            f"query timed out after {timeout:g} s: ask for less (smaller first, fewer hops)",
            "TIMEOUT",
        )
    errors = format_errors(result.errors or [])
    if result.data is None and errors and all("path" not in e for e in errors):
        return {"errors": errors}
    response: dict[str, Any] = {"data": result.data}
    if errors:
        response["errors"] = errors
    return response
