"""The parallel map over independent draws (``tariffsim.parallel.run_draws``).

Ray is part of ``make test``'s install (``.[dev,ray]``), so the Ray test runs for real; the "Ray
missing" path is exercised by hiding the module, not by skipping.
"""

from __future__ import annotations

import sys
from functools import partial

import pytest

from tariffsim.core.errors import InputError
from tariffsim.parallel import default_workers, run_draws


def square(x: int) -> int:
    return x * x


def fail_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x


@pytest.mark.parametrize("executor", ["serial", "local"])
def test_results_in_item_order(executor):
    # Hand computation: squares of 0..49, in order, whatever the chunking.
    out = run_draws(
        square, list(range(50)), executor=executor, workers=2, chunksize=3, progress=False
    )
    assert out == [k * k for k in range(50)]


def test_progress_bar_and_default_chunks():
    assert run_draws(square, [1, 2, 3], executor="local", workers=2, progress=True) == [1, 4, 9]
    assert run_draws(square, [], executor="local") == []
    assert default_workers() >= 1


def test_errors_propagate():
    with pytest.raises(ValueError, match="seven"):
        run_draws(fail_on_seven, list(range(10)), executor="local", workers=2, progress=False)


def test_bad_arguments():
    with pytest.raises(InputError):
        run_draws(square, [1], executor="cluster")
    with pytest.raises(InputError):
        run_draws(square, [1], executor="local", workers=0)


def test_ray_missing_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import ray` raise ImportError, as on a machine without it.
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(InputError) as err:
        run_draws(square, [1, 2], executor="ray", progress=False)
    assert "tariffsim[ray]" in (err.value.hint or "")


@pytest.mark.ray
@pytest.mark.slow
def test_ray_local_instance():
    # Starting a local Ray instance takes about 10 s on two cores.
    # Ray workers import functions by module name: use a builtin (pow) rather than this test module.
    out = run_draws(
        partial(pow, exp=2), list(range(20)), executor="ray", workers=2, chunksize=4, progress=False
    )
    assert out == [k * k for k in range(20)]
