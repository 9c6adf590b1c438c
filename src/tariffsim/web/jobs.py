"""Long computations off the event loop: a small job registry with progress.

A job runs a function in a worker thread (a bounded ``ThreadPoolExecutor``; the numeric libraries
release the GIL in their kernels). The function receives ``progress(fraction, message)``; clients poll
``GET /api/jobs/{id}`` (or the HTMX partial ``/ui/jobs/{id}``) until ``status`` is ``done`` or
``error``. Errors a user caused (:class:`~tariffsim.core.errors.InputError`) are kept with their
message and hint; any other exception is kept as ``internal error`` (logged, not leaked). Finished
jobs are forgotten after ``ttl`` seconds and the registry holds at most ``max_jobs``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tariffsim.core.errors import TariffsimError

log = logging.getLogger("tariffsim.web")


@dataclass
class Job:
    id: str
    kind: str
    status: str = "queued"  # queued | running | done | error
    progress: float = 0.0
    message: str = "queued"
    result: Any = None
    error: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    url: str | None = None  # the page that shows this result on reload (pushed when done)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 3),
            "message": self.message,
            "result": self.result if self.status == "done" else None,
            "error": self.error,
            "seconds": round((self.finished or time.time()) - self.created, 3),
        }


class JobRegistry:
    def __init__(self, *, workers: int = 2, max_jobs: int = 200, ttl: float = 3600.0) -> None:
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.max_jobs = max_jobs
        self.ttl = ttl

    def submit(
        self,
        kind: str,
        fn: Callable[[Callable[[float, str], None]], Any],
        *,
        url: str | None = None,
    ) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], kind=kind, url=url)
        with self._lock:
            self._gc()
            self._jobs[job.id] = job

        def progress(fraction: float, message: str) -> None:
            job.progress = max(0.0, min(1.0, float(fraction)))
            job.message = message

        def run() -> None:
            job.status = "running"
            job.message = "running"
            try:
                job.result = fn(progress)
                job.progress = 1.0
                job.message = "done"
                job.status = "done"
            except TariffsimError as exc:
                job.error = {"detail": str(exc), "hint": getattr(exc, "hint", None)}
                job.status = "error"
                job.message = "error"
            except Exception:  # keep the server alive; details go to the log only
                log.exception("job %s (%s) failed", job.id, kind)
                job.error = {"detail": "internal error", "hint": "see the server log"}
                job.status = "error"
                job.message = "error"
            finally:
                job.finished = time.time()

        with self._lock:
            if self._pool is None:  # first job, or the app was restarted (lifespan)
                self._pool = ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="tariffsim-job"
                )
            self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def _gc(self) -> None:
        now = time.time()
        for k in [k for k, j in self._jobs.items() if j.finished and now - j.finished > self.ttl]:
            del self._jobs[k]
        while len(self._jobs) >= self.max_jobs:
            del self._jobs[next(iter(self._jobs))]

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def wait(job: Job, timeout: float = 60.0) -> Job:
    """Block until ``job`` finishes (tests and synchronous API calls)."""
    t = time.time()
    while job.status in ("queued", "running") and time.time() - t < timeout:
        time.sleep(0.02)
    return job
