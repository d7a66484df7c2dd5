"""GraphQL over HTTP (the spec at graphql.github.io/graphql-over-http): which media type to
answer in, which request bodies to accept, the request parameters and the status codes.

POST bodies are JSON only (`application/json`, or `application/graphql-response+json`):
a page on another site can post `text/plain` without a CORS preflight, so other types get
415. Requests are checked before any GraphQL work: parameters of the wrong type are 400.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from graph_service.api.execute import is_request_error

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ACCEPTED_BODIES = (JSON, GRAPHQL_RESPONSE)
MAX_JSON_DEPTH = 64  # variables nest far less; deeper is an attack on the parser


class BadRequest(Exception):
    """A request refused before GraphQL sees it: status, message and code for the caller."""

    def __init__(self, status: int, message: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@dataclass(frozen=True)
class Params:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def response_type(accept: str | None) -> str | None:
    """The media type to answer in: graphql-response+json when asked for, JSON for JSON,
    `*/*` or no Accept header; None when the caller accepts neither (406)."""
    if not accept:
        return JSON
    offered = [media_type(part) for part in accept.split(",")]
    if GRAPHQL_RESPONSE in offered:
        return GRAPHQL_RESPONSE
    if JSON in offered or "*/*" in offered or "application/*" in offered:
        return JSON
    return None


def wants_json(accept: str | None) -> bool:
    """The caller named a JSON type (a browser asks for text/html: it gets GraphiQL)."""
    return any(media_type(part) in ACCEPTED_BODIES for part in (accept or "").split(","))


def check_body_type(content_type: str | None) -> None:
    kind = media_type(content_type)
    if kind not in ACCEPTED_BODIES:
        raise BadRequest(415, f"unsupported content type {kind or '(none)'!r}: POST a JSON "
                         f"body with Content-Type: {JSON}", "UNSUPPORTED_MEDIA_TYPE")
    charset = content_type.partition("charset=")[2].strip().strip('"').lower() \
        if content_type else ""
    if charset and charset not in ("utf-8", "utf8"):
        raise BadRequest(415, f"unsupported charset {charset!r}: send UTF-8",
                         "UNSUPPORTED_MEDIA_TYPE")


def parse_json(text: str | bytes, what: str) -> Any:
    """JSON from the caller, refused (not crashed on) when malformed or nested absurdly deep:
    the standard parser recurses and a 100,000-deep array exhausts the stack."""
    if _nesting(text) > MAX_JSON_DEPTH:
        raise BadRequest(400, f"{what} is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(400, f"{what} must be JSON (UTF-8): {exc}") from exc
    check_text(value, what)
    return value


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _nesting(text: str | bytes) -> int:
    """How deep the JSON's arrays and objects nest (strings, a query's braces among them,
    taken out first by a regular expression, which runs in C)."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    structure = _STRING.sub(b"", raw)
    if structure.count(b"[") + structure.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    steps = (_DEPTH_STEP.get(byte, 0) for byte in structure)
    return max(itertools.accumulate(steps), default=0)


def check_text(value: Any, what: str) -> None:
    """Every string valid Unicode: JSON's \\ud800 escapes decode to lone surrogates, which no
    store can encode (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise BadRequest(400, f"{what} holds text that is not valid Unicode (a lone "
                                 "surrogate such as \\ud800)") from exc
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def params(raw: Any) -> Params:
    """The request parameters, each of the type the spec says, else 400."""
    if not isinstance(raw, dict):
        raise BadRequest(400, 'the body must be a JSON object: {"query": "...", '
                         '"variables": {...}}')
    query = raw.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest(400, 'no query: send {"query": "...", "variables": {...}}')
    variables, name, extensions = raw.get("variables"), raw.get("operationName"), \
        raw.get("extensions")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest(400, "variables must be a JSON object")
    if name is not None and not isinstance(name, str):
        raise BadRequest(400, "operationName must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest(400, "extensions must be a JSON object")
    return Params(query, variables, name)


def get_params(query_params: Any) -> Params:
    """GET parameters: variables and extensions as URL-encoded JSON text."""
    raw: dict[str, Any] = {"query": query_params.get("query"),
                           "operationName": query_params.get("operationName")}
    for key in ("variables", "extensions"):
        text = query_params.get(key)
        if text:
            raw[key] = parse_json(text, key)
    check_text(raw, "the request")
    return params(raw)


def status_for(response: dict[str, Any], media: str) -> int:
    """200 for JSON answers (the spec's legacy rule); with graphql-response+json a request
    error (nothing executed, no `data`) is 400, a timeout 504."""
    if media != GRAPHQL_RESPONSE or not is_request_error(response):
        return 200
    codes = {e.get("extensions", {}).get("code") for e in response.get("errors", [])}
    return 504 if "TIMEOUT" in codes else 400
