"""GraphQL execution off the server's event loop: a few threads, each running an event loop
of its own, take the requests in turn.

graphql-core completes an answer synchronously; on the server's loop a heavy answer stalled
every other request, /healthz included, for as long as it ran. On a worker loop it holds
only that worker (the GIL still switches threads every few milliseconds), and its deadline
(Context.deadline) ends it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopWorkers:
    """`run(coro)` awaits `coro` run on one of `count` worker event loops."""

    def __init__(self, count: int = 4) -> None:
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()
        self._count = count
        self._turn = itertools.count()

    def _start(self) -> None:
        for index in range(self._count):
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, daemon=True,
                                      name=f"survgraph-graphql-{index}")
            thread.start()
            self._loops.append(loop)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        with self._lock:
            if not self._loops:
                self._start()
            loop = self._loops[next(self._turn) % len(self._loops)]
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        with self._lock:
            for loop in self._loops:
                loop.call_soon_threadsafe(loop.stop)
            self._loops = []
