"""Drive a running server with concurrent GraphQL clients on loopback and measure it.

Each client loops over a fixed mix of read questions until the time is up; every non-200
answer, GraphQL error or transport failure counts as an error. Loopback only: the URL must
name 127.0.0.0/8, localhost or ::1, so this can never load someone else's server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

from graph_service.bench.stats import summary_ms

# The read mix: lookups, search, a headline reach question and a path question.
QUERY_MIX: list[dict[str, Any]] = [
    {"query": 'query { node(id: "agency:ice") { id name kind } }'},
    {"query": 'query { search(text: "micro", first: 5) { id name kind } }'},
    {"query": "query($d: ID!) { productsReaching(domain: $d, first: 20) { totalCount } }",
     "variables": {"d": "domain:immigration-enforcement"}},
    {"query": "query($d: ID!) { companiesReaching(domain: $d, first: 20) { totalCount } }",
     "variables": {"d": "domain:immigration-enforcement"}},
    {"query": 'query { paths(from: "company:microsoft", to: "agency:dhs") { nodes { id } } }'},
]


def require_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"refusing to load {url}: only loopback servers (127.0.0.1, ::1) are allowed")


@dataclass
class LoadReport:
    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    first_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "errors": self.errors,
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            **summary_ms(self.latencies),
            "first_errors": self.first_errors[:5],
        }


async def _client(http: httpx.AsyncClient, url: str, offset: int, deadline: float,
                  report: LoadReport) -> None:
    turn = offset
    while time.perf_counter() < deadline:
        body = QUERY_MIX[turn % len(QUERY_MIX)]
        turn += 1
        started = time.perf_counter()
        problem = None
        try:
            answer = await http.post(url, json=body)
            if answer.status_code != 200:
                problem = f"HTTP {answer.status_code}: {answer.text[:200]}"
            elif answer.json().get("errors"):
                problem = f"GraphQL error: {answer.json()['errors'][0].get('message')}"
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        report.latencies.append(time.perf_counter() - started)
        report.requests += 1
        if problem:
            report.errors += 1
            report.first_errors.append(problem)


async def drive(url: str, clients: int, seconds: float, timeout: float = 30.0) -> LoadReport:
    require_loopback(url)
    report = LoadReport(clients=clients, seconds=seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_client(http, url, i, deadline, report) for i in range(clients)))
        report.seconds = time.perf_counter() - started
    return report


def run_load(url: str, clients: int, seconds: float) -> LoadReport:
    return asyncio.run(drive(url, clients, seconds))
