"""Guards in front of every route (ASGI middleware): the Host header, and the read key.

Host: a DNS-rebinding page (evil.example resolving to 127.0.0.1) reaches a loopback server
with its own name in the Host header. When the request came in on a loopback address (the
socket's, from the ASGI scope) only loopback names are answered; Settings.allowed_hosts
names the accepted hosts explicitly instead ("*": any).

Read key: with Settings.read_requires_key every route needs the key except the few that
serve no data (OPEN_PATHS, the GraphiQL page and its static assets): a route added later is
guarded by default.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from graph_service.api.auth import key_matches
from graph_service.config import Settings

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
OPEN_PATHS = frozenset({"/healthz", "/readyz"})


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a Host header: `[::1]:8000` -> `::1`, `Localhost:80` -> `localhost`."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _refuse(send: Any, status: int, message: str, code: str, graphql: bool,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    error = {"message": message, "extensions": {"code": code}}
    body = json.dumps({"errors": [error]} if graphql else {"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class HostCheck:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in settings.allowed_hosts}

    def accepts(self, scope: Scope) -> bool:
        host = host_name(_header(scope, b"host") or "")
        if self.allowed:
            return "*" in self.allowed or host in self.allowed
        server = scope.get("server") or ("", 0)
        if not _is_loopback(str(server[0])):
            return True  # served on a public address: the operator decides (allowed_hosts)
        return host in LOOPBACK_NAMES

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not self.accepts(scope):
            await _refuse(send, 421, "misdirected request: this server answers only to the "
                          "host names it serves (see SURVGRAPH_ALLOWED_HOSTS)", "BAD_HOST",
                          scope["path"] == "/graphql")
            return
        await self.app(scope, receive, send)


class ReadKey:
    def __init__(self, app: ASGIApp, settings: Settings, open_prefixes: tuple[str, ...]) -> None:
        self.app, self.settings, self.open_prefixes = app, settings, open_prefixes

    def is_open(self, scope: Scope) -> bool:
        path = scope["path"]
        if path in OPEN_PATHS or path.startswith(self.open_prefixes):
            return True
        # The GraphiQL page itself (GET without a query) holds no data.
        return (path == "/graphql" and scope.get("method") == "GET"
                and b"query=" not in scope.get("query_string", b""))

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and self.settings.read_requires_key
                and scope.get("method") != "OPTIONS" and not self.is_open(scope)
                and not key_matches(_header(scope, b"authorization"), self.settings.api_keys)):
            await _refuse(send, 401, "unauthorized: this server needs an API key for every "
                          "request (header 'Authorization: Bearer <key>')", "UNAUTHORIZED",
                          scope["path"] == "/graphql", [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)
