"""Run many independent draws (Monte Carlo, sweeps) serially, on a local process pool or on Ray.

One entry point, :func:`run_draws`, shared by every area::

    results = run_draws(fn, items, executor="local", workers=2)

- ``"serial"`` runs in this process (tests, debugging);
- ``"local"`` uses :class:`concurrent.futures.ProcessPoolExecutor` with chunked submission
  (``fn`` and the items must be picklable: a module-level function or a ``functools.partial``);
- ``"ray"`` uses Ray (optional extra ``pip install 'tariffsim[ray]'``): a local Ray instance is started
  unless one is running or ``RAY_ADDRESS`` names a cluster.

Results come back in the order of ``items``. Local workers run BLAS single-threaded (the pool already
uses every core; nested BLAS threads only oversubscribe). A rich progress bar shows draws done (on stderr), unless
``progress=False``. An exception in any draw is re-raised after the pool shuts down.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

from tariffsim.core.errors import InputError

T = TypeVar("T")

EXECUTORS: tuple[str, ...] = ("serial", "local", "ray")


def default_workers() -> int:
    """Worker count: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _chunks(n: int, size: int) -> list[range]:
    return [range(k, min(k + size, n)) for k in range(0, n, size)]


def _single_threaded_blas() -> None:
    """Pool-worker initializer: one BLAS thread per process (workers already use every core)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    threadpool_limits(limits=1, user_api="blas")


def _run_chunk(fn: Callable[[Any], T], chunk: list[Any]) -> list[T]:
    return [fn(x) for x in chunk]


@contextmanager
def _progress(total: int, enabled: bool, label: str) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda k: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k: bar.advance(task, k)


def run_draws(
    fn: Callable[[Any], T],
    items: Sequence[Any],
    *,
    executor: str = "local",
    workers: int | None = None,
    progress: bool = True,
    chunksize: int | None = None,
) -> list[T]:
    """Apply ``fn`` to every item and return the results in item order.

    Args:
        fn: a picklable callable of one argument (for ``local``/``ray``).
        items: the inputs, e.g. parameter draws.
        executor: ``"serial"``, ``"local"`` (process pool) or ``"ray"``.
        workers: number of processes / Ray tasks in flight (default: CPUs available).
        progress: show a rich progress bar on stderr.
        chunksize: items per task (default: about 4 chunks per worker).

    Raises:
        InputError: unknown executor, bad worker count, or Ray not installed.
    """
    if executor not in EXECUTORS:
        raise InputError(
            f"unknown executor {executor!r}", hint=f"choose from {', '.join(EXECUTORS)}"
        )
    n = len(items)
    if n == 0:
        return []
    nw = default_workers() if workers is None else int(workers)
    if nw < 1:
        raise InputError(f"workers must be at least 1 (got {workers})")
    size = chunksize or max(1, -(-n // (4 * nw)))
    if size < 1:
        raise InputError(f"chunksize must be at least 1 (got {chunksize})")
    label = f"{n} draws ({executor})"
    if executor == "serial" or (executor == "local" and nw == 1):
        out: list[T] = []
        with _progress(n, progress, label) as advance:
            for x in items:
                out.append(fn(x))
                advance(1)
        return out
    if executor == "local":
        return _run_local(fn, items, nw, size, progress, label)
    return _run_ray(fn, items, nw, size, progress, label)


def _run_local(
    fn: Callable[[Any], T], items: Sequence[Any], nw: int, size: int, progress: bool, label: str
) -> list[T]:
    chunks = _chunks(len(items), size)
    results: list[list[T] | None] = [None] * len(chunks)
    with (
        ProcessPoolExecutor(max_workers=nw) as pool,
        _progress(len(items), progress, label) as advance,
    ):
        futures = {
            pool.submit(_run_chunk, fn, [items[k] for k in c]): idx for idx, c in enumerate(chunks)
        }
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    idx = futures[fut]
                    results[idx] = fut.result()
                    advance(len(chunks[idx]))
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
    return [r for chunk in results for r in (chunk or [])]


def _run_ray(
    fn: Callable[[Any], T], items: Sequence[Any], nw: int, size: int, progress: bool, label: str
) -> list[T]:
    try:
        import ray
    except ImportError:
        raise InputError(
            "the ray executor needs Ray, which is not installed",
            hint="pip install 'tariffsim[ray]'",
        ) from None
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        if address:
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        else:
            ray.init(
                num_cpus=nw, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False
            )
    remote_chunk: Any = ray.remote(_run_chunk)  # ray.remote types its result loosely
    fn_ref = ray.put(fn)
    chunks = _chunks(len(items), size)
    results: list[list[T] | None] = [None] * len(chunks)
    refs = {remote_chunk.remote(fn_ref, [items[k] for k in c]): idx for idx, c in enumerate(chunks)}
    pending = list(refs)
    with _progress(len(items), progress, label) as advance:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                idx = refs[ref]
                results[idx] = ray.get(ref)
                advance(len(chunks[idx]))
    return [r for chunk in results for r in (chunk or [])]
