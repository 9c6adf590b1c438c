"""Benchmarks of the GE model: ``python benchmarks/run.py ge [--quick] [--json]``.

1. One solve of the paper's model at N = 194 (USTR tariffs, income-tax relief), cold start.
2. Side by side with USITC's gegravity (v0.3) at N = 30, 60, 120, 200 on the same problem: its
   documentation example (σ = 5, gravity cost coefficients, reference importer DEU) with a Canada–Japan
   PTA as the counterfactual. Larger samples replicate gegravity's 30-country sample
   (``gravity/gravity_sample_30countries_2006.csv``): country c in replica r is ``c_r``; a pair takes
   the cost variables of its base pair (a replica of the same base country uses the base country's
   internal distance with ``international = 1``), ln-distances get N(0, 0.05) noise and Y, E a
   U(0.8, 1.2) factor (seed 0); the first N countries are kept. Both sides are timed from the long
   data frame to the finished counterfactual: gegravity's ``OneSectorGE`` → ``build_baseline`` →
   ``define_experiment`` → ``simulate``; ours ``gravity_data_from_records`` → baseline resistances →
   counterfactual in gegravity's closure (and, separately, the full endowment GE with the paper's solver).
3. A 1,000-draw Monte Carlo at N = 194 on 2 worker processes (200 draws with ``--quick``).
"""

from __future__ import annotations

import csv
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

COEFFS = {
    "lndist": -0.3764,
    "contiguity": 0.8850,
    "pta": 0.4823,
    "common_language": 0.0392,
    "international": -3.4224,
}


def _timeit(fn, repeat: int) -> tuple[float, float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), out


def _sample_rows(path: Path, n: int, seed: int = 0) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        base = list(csv.DictReader(fh))
    countries = sorted({r["exporter"] for r in base})
    by_pair = {(r["exporter"], r["importer"]): r for r in base}
    reps = -(-n // len(countries))
    names = [(c, r) for r in range(reps) for c in countries][:n]
    rng = np.random.default_rng(seed)
    fy = {nm: rng.uniform(0.8, 1.2) for nm in names}
    fe = {nm: rng.uniform(0.8, 1.2) for nm in names}
    rows = []
    for ci, ri in names:
        for cj, rj in names:
            src = by_pair[(ci, cj)]
            same = (ci, ri) == (cj, rj)
            rows.append(
                {
                    "exporter": f"{ci}{ri}",
                    "importer": f"{cj}{rj}",
                    "year": "2006",
                    "trade": float(src["trade"]),
                    "Y": float(by_pair[(ci, ci)]["Y"]) * fy[(ci, ri)],
                    "E": float(by_pair[(cj, cj)]["E"]) * fe[(cj, rj)],
                    "pta": 0.0 if ci == cj and not same else float(src["pta"]),
                    "contiguity": float(src["contiguity"]),
                    "common_language": float(src["common_language"]),
                    "lndist": float(src["lndist"]) + (0.0 if same else float(rng.normal(0, 0.05))),
                    "international": 0.0 if same else 1.0,
                }
            )
    return rows


def _ours(rows: list[dict[str, Any]]) -> dict[str, float]:
    from tariffsim.models import ge_gravity as G

    t0 = time.perf_counter()
    data = G.gravity_data_from_records(rows, cost_variables=list(COEFFS), sigma=5, reference="DEU0")
    t1 = time.perf_counter()
    pta = np.array(data.costs["pta"])
    i, j = data.countries.index("CAN0"), data.countries.index("JPN0")
    pta[i, j] = pta[j, i] = 1.0
    tb, tn = data.tau(COEFFS), data.tau(COEFFS, {"pta": pta})
    base = G.solve_resistances(data, tb)
    G.solve_gegravity_closure(data, tb, tn, baseline=base)
    t2 = time.perf_counter()
    G.solve_full_endowment(data, tb, tn, baseline=base)
    t3 = time.perf_counter()
    return {"build_s": t1 - t0, "solve_s": t2 - t1, "total_s": t2 - t0, "full_ge_solve_s": t3 - t2}


def _gegravity(rows: list[dict[str, Any]]) -> float:
    import gegravity
    import pandas as pd

    d = pd.DataFrame(rows)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = gegravity.BaselineData(
            d, imp_var_name="importer", exp_var_name="exporter", year_var_name="year",
            trade_var_name="trade", expend_var_name="E", output_var_name="Y",
        )  # fmt: skip
        cc = gegravity.CostCoeffs(
            estimates=pd.DataFrame([{"var": k, "coeff": v, "ste": 0.1} for k, v in COEFFS.items()]),
            identifier_col="var", coeff_col="coeff", stderr_col="ste",
        )  # fmt: skip
        m = gegravity.OneSectorGE(
            base, year="2006", expend_var_name="E", output_var_name="Y", cost_coeff_values=cc,
            cost_variables=list(COEFFS), reference_importer="DEU0", sigma=5, quiet=True,
        )  # fmt: skip
        m.build_baseline(omr_rescale=100)
        exp = d.copy()
        mask = ((exp.importer == "CAN0") & (exp.exporter == "JPN0")) | (
            (exp.importer == "JPN0") & (exp.exporter == "CAN0")
        )
        exp.loc[mask, "pta"] = 1.0
        m.define_experiment(exp)
        m.simulate()
    return time.perf_counter() - t0


def run(*, quick: bool) -> dict:
    from tariffsim.models import ge
    from tariffsim.models.ge_data import default_data_dir, load_model
    from tariffsim.models.ge_scenarios import get_scenario
    from tariffsim.models.montecarlo import run_montecarlo

    out: dict[str, Any] = {}
    model = load_model("baseline")
    t = get_scenario("ustr_income_tax").build(model)
    best, med, eq = _timeit(lambda: ge.solve(model, t), 5 if quick else 20)
    out["solve_n194_s_min"] = round(best, 4)
    out["solve_n194_s_median"] = round(med, 4)
    out["solve_n194_iterations"] = eq.diagnostics.iterations
    out["solve_n194_residual"] = eq.diagnostics.residual_norm

    sample = default_data_dir() / "gravity" / "gravity_sample_30countries_2006.csv"
    try:
        import gegravity  # noqa: F401

        have_gg = True
    except ImportError:
        have_gg = False
    sizes = (30, 60) if quick else (30, 60, 120, 200)
    for n in sizes:
        rows = _sample_rows(sample, n)
        ours = min((_ours(rows) for _ in range(3)), key=lambda r: r["total_s"])
        out[f"gravity_n{n}_ours_total_s"] = round(ours["total_s"], 4)
        out[f"gravity_n{n}_ours_solve_s"] = round(ours["solve_s"], 4)
        out[f"gravity_n{n}_ours_full_ge_s"] = round(ours["full_ge_solve_s"], 4)
        if have_gg:
            g = _gegravity(rows)
            out[f"gravity_n{n}_gegravity_s"] = round(g, 3)
            out[f"gravity_n{n}_speedup_total"] = round(g / ours["total_s"], 1)
            out[f"gravity_n{n}_speedup_solve"] = round(g / ours["solve_s"], 1)

    draws = 200 if quick else 1000
    t0 = time.perf_counter()
    res = run_montecarlo(draws=draws, executor="local", workers=2, progress=False)
    out[f"montecarlo_{draws}_draws_2_workers_s"] = round(time.perf_counter() - t0, 2)
    out["montecarlo_failed_draws"] = res.diagnostics.details["failed"] if res.diagnostics else None
    return out
