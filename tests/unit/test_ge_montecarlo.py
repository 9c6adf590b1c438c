"""Monte Carlo over GE parameters."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.models.ge_data import load_model
from tariffsim.models.montecarlo import Dist, draw_parameters, model_with, run_montecarlo


@pytest.fixture(scope="session")
def data_dir(shared_data) -> str:
    return str(shared_data / "ge_2023")


def test_dist_parse_and_sample():
    assert Dist.parse("4") == Dist("fixed", 4.0)
    assert Dist.parse("uniform:3,6") == Dist("uniform", 3.0, 6.0)
    assert Dist.parse("triangular:0.25,1,0.6") == Dist("triangular", 0.25, 1.0, 0.6)
    rng = np.random.default_rng(0)
    x = Dist("lognormal", 4.0, 0.25).sample(rng, 20000)
    assert np.median(x) == pytest.approx(4.0, rel=0.02)  # median of a log-normal = its scale
    u = Dist("uniform", 3.0, 6.0).sample(rng, 1000)
    assert u.min() >= 3 and u.max() <= 6
    for bad in ("gamma:1,2", "uniform:1", "uniform:x,2", "uniform:5,1"):
        with pytest.raises(InputError):
            Dist.parse(bad)


def test_draws_are_reproducible():
    a = draw_parameters({}, 10, seed=1)
    b = draw_parameters({}, 10, seed=1)
    assert np.array_equal(a, b) and a.shape == (10, 3)
    with pytest.raises(InputError):
        draw_parameters({"sigma": Dist("fixed", 1.0)}, 3, seed=1)


def test_model_with_reproduces_calibration(data_dir):
    # ε = 4, κ = 0.5, constant 1 is exactly the paper's baseline calibration.
    base = load_model("baseline", data_dir)
    m = model_with(base, eps=4.0, kappa=0.5, passthrough=1.0)
    assert np.asarray(m.phi) == pytest.approx(np.asarray(base.phi), rel=1e-14)
    assert m.psi == pytest.approx(base.psi)


def test_fixed_parameters_give_the_point_estimate(data_dir):
    # All distributions degenerate at the paper's values: every band equals the published-check value
    # (US welfare 1.1307%, tests/golden/test_ge_ilms2025.py).
    fixed = {
        "eps": Dist("fixed", 4.0),
        "kappa": Dist("fixed", 0.5),
        "passthrough": Dist("fixed", 1.0),
    }
    res = run_montecarlo(draws=3, dists=fixed, executor="serial", progress=False, data_dir=data_dir)
    row = res.frame("bands").filter(region="USA", outcome="welfare_pct").to_dicts()[0]
    for k in ("p5", "p50", "p95", "mean"):
        assert row[k] == pytest.approx(1.1307124, abs=1e-6)


def test_bands_are_ordered_and_local_pool_matches_serial(data_dir):
    kw = {"draws": 12, "seed": 3, "progress": False, "data_dir": data_dir}
    a = run_montecarlo(executor="serial", **kw).frame("bands")
    b = run_montecarlo(executor="local", workers=2, **kw).frame("bands")
    assert a.equals(b)
    assert (a["p5"] <= a["p50"]).all() and (a["p50"] <= a["p95"]).all()
    assert a.height == 4 * 7


def test_bad_arguments(data_dir):
    with pytest.raises(InputError):
        run_montecarlo(draws=0, data_dir=data_dir)
    with pytest.raises(InputError):
        run_montecarlo(draws=2, percentiles=(5, 150), data_dir=data_dir)
