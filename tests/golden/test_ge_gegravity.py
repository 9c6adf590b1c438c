"""Cross-check with USITC's gegravity (v0.3) on its 30-country sample (Yotov et al. 2016 data).

Reference implementation: gegravity's documentation example (OneSectorGE docstring): σ = 5, reference
importer DEU, cost coefficients lndist -0.3764, contiguity 0.8850, pta 0.4823, common_language 0.0392,
international -3.4224, and the counterfactual of a Canada–Japan PTA (pta = 1 both ways). Our solver in
gegravity's closure (tariffsim.models.ge_gravity) must reproduce its factory-gate price, inward and
outward resistance and foreign trade changes to 1e-4 relative.
"""

from __future__ import annotations

import csv
import warnings

import gegravity  # a dev dependency (pyproject [dev]): missing, the test errors
import numpy as np
import pandas as pd
import pytest

from tariffsim.models import ge_gravity as G

COEFFS = {
    "lndist": -0.3764,
    "contiguity": 0.8850,
    "pta": 0.4823,
    "common_language": 0.0392,
    "international": -3.4224,
}


@pytest.fixture(scope="module")
def sample(shared_data):
    return shared_data / "gravity" / "gravity_sample_30countries_2006.csv"


def _gegravity_run(path, pairs):
    d = pd.read_csv(path)
    base = gegravity.BaselineData(
        d, imp_var_name="importer", exp_var_name="exporter", year_var_name="year",
        trade_var_name="trade", expend_var_name="E", output_var_name="Y",
    )  # fmt: skip
    cc = gegravity.CostCoeffs(
        estimates=pd.DataFrame([{"var": k, "coeff": v, "ste": 0.1} for k, v in COEFFS.items()]),
        identifier_col="var", coeff_col="coeff", stderr_col="ste",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gegravity.OneSectorGE(
            base, year="2006", expend_var_name="E", output_var_name="Y", cost_coeff_values=cc,
            cost_variables=list(COEFFS), reference_importer="DEU", sigma=5, quiet=True,
        )  # fmt: skip
        m.build_baseline(omr_rescale=100)
        exp = d.copy()
        for a, b in pairs:
            exp.loc[(exp.importer == a) & (exp.exporter == b), "pta"] = 1
            exp.loc[(exp.importer == b) & (exp.exporter == a), "pta"] = 1
        m.define_experiment(exp)
        m.simulate()
    return m


@pytest.fixture(scope="module")
def both(sample):
    pairs = [("CAN", "JPN")]
    gg = _gegravity_run(sample, pairs)
    with sample.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    data = G.gravity_data_from_records(rows, cost_variables=list(COEFFS), sigma=5, reference="DEU")
    pta = np.array(data.costs["pta"])
    for a, b in pairs:
        i, j = data.countries.index(a), data.countries.index(b)
        pta[i, j] = pta[j, i] = 1.0
    tb, tn = data.tau(COEFFS), data.tau(COEFFS, {"pta": pta})
    base = G.solve_resistances(data, tb)
    cf = G.solve_gegravity_closure(data, tb, tn, baseline=base)
    return gg, data, base, cf, (tb, tn)


def _rel(mine, ref, floor=1e-12):
    return float(np.max(np.abs(mine - ref) / np.maximum(np.abs(ref), floor)))


def test_baseline_resistances_match(both):
    gg, data, base, _, _ = both
    bm = gg.baseline_mr.loc[list(data.countries)]
    assert _rel(base.omr(5.0), bm["baseline omr"].to_numpy()) < 1e-6
    assert _rel(base.imr(5.0), bm["baseline imr"].to_numpy()) < 1e-6


@pytest.mark.parametrize(
    ("column", "attr"),
    [
        ("factory gate price change (percent)", "p_hat"),
        ("imr change (percent)", "imr_hat"),
        ("omr change (percent)", "omr_hat"),
    ],
)
def test_price_changes_match(both, column, attr):
    gg, data, _, cf, _ = both
    ref = gg.country_results.loc[list(data.countries), column].to_numpy()
    mine = 100.0 * (getattr(cf, attr) - 1.0)
    # 1e-4 relative on the percent changes themselves (changes are as small as 1e-4 %).
    assert _rel(mine, ref) < 1e-4


def test_trade_changes_match(both):
    gg, data, _, cf, _ = both
    res = gg.country_results.loc[list(data.countries)]
    assert (
        _rel(cf.foreign_exports_change_pct(), res["foreign exports change (percent)"].to_numpy())
        < 1e-4
    )
    assert (
        _rel(cf.foreign_imports_change_pct(), res["foreign imports change (percent)"].to_numpy())
        < 1e-4
    )


def test_full_endowment_ge_is_close_but_not_equal(both):
    # The paper's solver configured as the endowment economy (ν=0, φ=1, ψ=0, κ=0, iceberg, no
    # revenue) solves the full GE, in which incomes move with prices; gegravity keeps baseline
    # shares. Price changes agree in sign pattern and to within 0.03 points on this small shock.
    _, data, base, cf, (tb, tn) = both
    model, eq = G.solve_full_endowment(data, tb, tn, baseline=base)
    assert eq.diagnostics.residual_norm <= 1e-10
    p = eq.w_hat / eq.P_hat[data.ref]  # gegravity's normalisation: P_ref unchanged
    diff = np.abs(100 * (p - 1) - 100 * (cf.p_hat - 1))
    assert diff.max() < 0.03
    i, j = data.countries.index("CAN"), data.countries.index("JPN")
    assert eq.X_new[i, j] > model.X[i, j]  # the PTA raises CAN->JPN trade
