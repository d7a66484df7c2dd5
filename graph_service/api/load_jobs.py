"""Loads that may outlive their request: each runs as a job in a thread of its own.

The pipeline writes in batches and cannot be stopped half-way without leaving some of them,
so a load is never abandoned: the `load` mutation waits for its job up to a part of the
query timeout, answers the summary when it is done, and otherwise answers the job (id,
status RUNNING) for the caller to poll with `loadJob(id:)`. A load that fails answers
FAILED with its error. Jobs are kept in this process's memory (the last MAX_JOBS).
"""

from __future__ import annotations

import asyncio
import enum
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

MAX_JOBS = 200


class JobStatus(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: str
    future: Future[Any] = field(repr=False)

    @property
    def status(self) -> JobStatus:
        if not self.future.done():
            return JobStatus.RUNNING
        return JobStatus.FAILED if self.future.exception() is not None else JobStatus.DONE


class LoadJobs:
    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, work: Callable[[], Any]) -> Job:
        """Run `work` in a new thread (not a pool's: a long load must not take a worker the
        API's own reads need)."""
        future: Future[Any] = Future()

        def run() -> None:
            future.set_running_or_notify_cancel()
            try:
                future.set_result(work())
            except BaseException as exc:  # reported through the job, never lost
                future.set_exception(exc)

        job = Job(uuid.uuid4().hex, future)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                self._jobs.popitem(last=False)
        threading.Thread(target=run, name=f"survgraph-load-{job.id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)


async def wait_for(job: Job, seconds: float) -> bool:
    """Whether the job finished within `seconds` (the job runs on either way)."""
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job.future)), seconds)
    except TimeoutError:
        return False
    except Exception:  # a failed job is finished: its error is read from it
        return True
    return True


JOBS = LoadJobs()
