"""Negotiation-engine benchmark: exact Pareto frontiers and simulated negotiations, vs NegMAS 0.16.

``python benchmarks/run.py negotiation [--json] [--quick]``

Figures:

* ``pareto_1e6_*``: frontier of 6 issues × 10 levels (10^6 packages) — tariffsim's issue-wise merge,
  tariffsim's sort-based filter on the enumerated 10^6 packages, and NegMAS ``pareto_frontier`` on the
  same tables (cross-checked: same frontier points);
* ``pareto_1e10_s``: 10 issues × 10 levels by the exact merge (target ≤ 2 s);
* ``sim_per_second``: simulated negotiations per second at 1.6×10^4 packages (8×8×16×16 levels),
  Conceder vs Conceder with Bayesian opponent models, drawn reservations and exponents (target
  ≥ 1,000/s), and NegMAS's ``SAOMechanism`` rate for Conceder vs Conceder on the same agenda.

NegMAS runs only in the separate env ``.venv-bench`` (AGPL; see ``benchmarks/negmas_reference.py``).
Without it the published figures from issue 5 are reported instead (10^6 packages in 4.2 s, 10^7 in
49 s, about 12 negotiations/s at 1.6×10^4 packages, on a 2-core machine).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from tariffsim.negotiation.domain import AdditiveUtility, Agenda, BargainingProblem, numeric_issue
from tariffsim.negotiation.pareto import additive_frontier, candidate_frontier
from tariffsim.negotiation.protocol import Mechanism
from tariffsim.negotiation.simulate import offer_space, simulate
from tariffsim.negotiation.strategies import Conceder

ROOT = Path(__file__).resolve().parent.parent
BENCH_PY = ROOT / ".venv-bench" / "bin" / "python"
PUBLISHED = {
    "source": "issue 5 (NegMAS 0.16 measured on a 2-core machine)",
    "pareto_1e6_s": 4.2,
    "pareto_1e7_s": 49.0,
    "negotiations_per_second_1.6e4": 12.0,
}


def opposed_tables(sizes, seed):
    """Value tables with mostly opposed interests (a non-trivial frontier): A's values rise with the
    level index, B's fall, with random curvature and issue weights."""
    rng = np.random.default_rng(seed)
    ta, tb = [], []
    for n in sizes:
        x = np.sort(rng.random(n))
        wa, wb = rng.uniform(0.2, 1.0, 2)
        ta.append(wa * x ** rng.uniform(0.5, 2.0))
        tb.append(wb * (1.0 - x) ** rng.uniform(0.5, 2.0))
    return ta, tb


def make_problem(sizes, seed=0):
    agenda = Agenda(
        tuple(numeric_issue(f"i{j}", list(range(n)), "level") for j, n in enumerate(sizes))
    )
    ta, tb = opposed_tables(sizes, seed)
    ua, ub = AdditiveUtility(agenda, tuple(ta)), AdditiveUtility(agenda, tuple(tb))
    return agenda, ua, ub, ta, tb


def _time(fn, reps):
    out, times = None, []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _negmas(tasks) -> dict | None:
    if not BENCH_PY.exists():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"tasks": tasks}, fh)
        path = fh.name
    try:
        proc = subprocess.run(
            [str(BENCH_PY), str(ROOT / "benchmarks" / "negmas_reference.py"), path],
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        Path(path).unlink(missing_ok=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(*, quick: bool) -> dict:
    reps = 1 if quick else 3
    res: dict = {}
    # --- 10^6 packages -----------------------------------------------------------------------
    sizes6 = [10] * 6
    agenda6, ua6, ub6, ta6, tb6 = make_problem(sizes6, seed=1)
    t_merge, f6 = _time(lambda: additive_frontier((ua6, ub6)), reps * 5)
    res["pareto_1e6_merge_s"] = t_merge
    res["pareto_1e6_size"] = len(f6)

    def explicit():
        pk = agenda6.all_packages(limit=2_000_000)
        return candidate_frontier(agenda6, pk, np.stack([ua6(pk), ub6(pk)], axis=1))

    t_explicit, f6e = _time(explicit, reps)
    res["pareto_1e6_enumerated_s"] = t_explicit
    res["pareto_1e6_enumerated_agrees"] = bool(
        len(f6e) == len(f6) and np.array_equal(np.sort(f6e.utilities, 0), np.sort(f6.utilities, 0))
    )
    # --- 10^7 and 10^10 ------------------------------------------------------------------------
    _, ua7, ub7, _, _ = make_problem([10] * 7, seed=2)
    res["pareto_1e7_merge_s"], f7 = _time(lambda: additive_frontier((ua7, ub7)), reps * 3)
    res["pareto_1e7_size"] = len(f7)
    _, ua10, ub10, _, _ = make_problem([10] * 10, seed=3)
    res["pareto_1e10_s"], f10 = _time(lambda: additive_frontier((ua10, ub10)), reps * 3)
    res["pareto_1e10_size"] = len(f10)
    # --- simulation at 1.6e4 packages ---------------------------------------------------------
    sizes_s = [8, 8, 16, 16]
    agenda_s, ua_s, ub_s, _, _ = make_problem(sizes_s, seed=4)
    ua_n, ub_n = ua_s.normalized(), ub_s.normalized()
    problem = BargainingProblem(agenda_s, (ua_n, ub_n), (0.3, 0.3), ("A", "B"))
    draws = 2000 if quick else 10000

    def sampler(rng, n):
        return {
            "reservation_a": rng.uniform(0.1, 0.5, n),
            "reservation_b": rng.uniform(0.1, 0.5, n),
            "a.e": rng.uniform(0.5, 3.0, n),
            "b.e": rng.uniform(0.5, 3.0, n),
        }

    space = offer_space(problem)
    sim_time, sim = _time(
        lambda: simulate(
            problem,
            (Conceder(), Conceder()),
            draws=draws,
            param_sampler=sampler,
            protocol=Mechanism(deadline=40),
            space=space,
        ),
        reps,
    )
    res["sim_packages"] = agenda_s.n_packages
    res["sim_offerable"] = int(space.packages.shape[0])
    res["sim_draws"] = draws
    res["sim_per_second"] = draws / sim_time
    res["sim_agreement_probability"] = sim.agreement_probability
    # --- NegMAS ---------------------------------------------------------------------------------
    tasks = [
        {
            "kind": "pareto",
            "sizes": sizes6,
            "tables_a": [t.tolist() for t in ta6],
            "tables_b": [t.tolist() for t in tb6],
        },
        {
            "kind": "negotiate",
            "sizes": sizes_s,
            "tables_a": [t.tolist() for t in ua_n.tables],
            "tables_b": [t.tolist() for t in ub_n.tables],
            "n": 10 if quick else 30,
            "n_steps": 40,
            "strategy": "conceder",
        },
    ]
    nm = _negmas(tasks)
    if nm is None:
        res["negmas"] = "not installed (create .venv-bench: see benchmarks/negmas_reference.py)"
        res["negmas_published"] = PUBLISHED
        res["pareto_1e6_speedup_vs_published"] = PUBLISHED["pareto_1e6_s"] / t_merge
        res["sim_speedup_vs_published"] = (
            res["sim_per_second"] / PUBLISHED["negotiations_per_second_1.6e4"]
        )
    elif "error" in nm:
        res["negmas"] = f"error: {nm['error']}"
        res["negmas_published"] = PUBLISHED
    else:
        par, neg = nm["results"]
        res["negmas"] = nm["negmas_version"]
        res["negmas_pareto_1e6_s"] = par["seconds"]
        res["negmas_pareto_1e6_size"] = par["frontier_size"]
        pts = np.asarray(par["points"], dtype=float)
        ours = np.asarray(f6.utilities)
        same = pts.shape == ours.shape and np.allclose(
            np.sort(pts, axis=0), np.sort(ours, axis=0), rtol=0, atol=1e-9
        )
        res["negmas_pareto_agrees"] = bool(same)
        res["pareto_1e6_speedup_merge"] = par["seconds"] / t_merge
        res["pareto_1e6_speedup_enumerated"] = par["seconds"] / t_explicit
        res["negmas_per_second"] = neg["per_second"]
        res["negmas_agreements"] = f"{neg['agreements']}/{neg['negotiations']}"
        res["sim_speedup"] = res["sim_per_second"] / neg["per_second"]
        res["negmas_published"] = PUBLISHED
    return res
