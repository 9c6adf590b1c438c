"""Partial equilibrium of US imports, per product, driven by the tariff schedule.

:func:`run_pe` takes the tariff of every HTS10 × partner flow on two dates of the schedule (or the
baseline on one date against a reform), solves the Armington–CES import model of
:mod:`tariffsim.models.pe_core` for every product at once, and aggregates:

* ``summary``: imports, duties, pre- and post-substitution effective tariff rates, the change in the
  import price index, consumer-surplus change, revenue change, terms-of-trade gain, deadweight loss;
* ``partners`` and ``chapters``: imports before/after, trade creation and diversion, duties;
* ``products``: each product's price change, σ and its source, welfare pieces.

Elasticities: σ from Broda & Weinstein (2006) by HTS10 with the documented fallback chain of
:func:`tariffsim.data.elasticities.sigma_for`, times ``sigma_scale``; the import-demand elasticity η
(default 1.0, a neutral unit-elastic choice since no per-product estimate ships with the data;
override with ``eta``), the export-supply elasticity ω (default ∞, SMART's small-importer
assumption) or a pass-through ρ (one value, and optionally other values for named HS prefixes).

Horizons: :func:`tariffsim.models.horizons.pe_params` gives the parameters of the ``long-run`` (the
defaults here) and the ``short-run`` (slower substitution, incomplete pass-through, from the
literature on 2018–19 and 2025; see that module for every value and its source).

:data:`BASELINE_DATE` is the date whose law the 2024 trade flows are taken to reflect (the last day of
2024): the starting point of the PE everywhere (CLI default, stakes, the post-substitution ETR series).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from tariffsim.core.errors import InputError
from tariffsim.models.pe_core import solve_pe
from tariffsim.models.pe_params import PEParams
from tariffsim.models.results import ModelResult

__all__ = [
    "BASELINE_DATE",
    "PEParams",
    "PEProblem",
    "build_problem",
    "post_substitution_etr_series",
    "run_pe",
    "solve_problem",
    "tariffs_on",
]

Level = Literal["hts10", "hs6"]

#: The law the 2024 flows reflect: the schedule in force on the last day of 2024.
BASELINE_DATE = dt.date(2024, 12, 31)


def tariffs_on(
    flows, *, start: dt.date, end: dt.date, reform: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Total tariff of every flow on ``start`` (baseline schedule) and on ``end`` (the reform's
    schedule when a reform is given, else the baseline)."""
    from tariffsim.schedule import load_schedule

    base = load_schedule()
    day = dt.timedelta(days=1)
    if reform is None:
        lo, hi = min(start, end), max(start, end)
        c = base.compile(
            hs10=flows.hs10, origin=flows.origin, start=lo, end=hi + day, shares=flows.shares
        )
        return np.asarray(c.at(start), float), np.asarray(c.at(end), float)
    other = load_schedule(reform=reform)
    c0 = base.compile(
        hs10=flows.hs10, origin=flows.origin, start=start, end=start + day, shares=flows.shares
    )
    c1 = other.compile(
        hs10=flows.hs10, origin=flows.origin, start=end, end=end + day, shares=flows.shares
    )
    return np.asarray(c0.at(start), float), np.asarray(c1.at(end), float)


@dataclass(frozen=True)
class PEProblem:
    """The rows of a PE solve, sorted by product then origin, with each product's σ.

    Built once (:func:`build_problem`) and solved for any parameters or new tariffs
    (:func:`solve_problem`): calibration and stakes solve the same rows many times.
    ``sigma_raw`` is Broda–Weinstein's σ clipped to ``[sigma_min, sigma_max]`` (before any
    ``sigma_scale``); ``dropped_usd`` is the value of rows without an origin (not modelled).
    """

    product: np.ndarray
    origin: np.ndarray
    v0: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    groups: np.ndarray
    products: np.ndarray
    sigma_raw: np.ndarray
    sigma_source: np.ndarray
    level: str
    dropped_usd: float
    rows: np.ndarray | None = None  # index of each row in the flows given (HTS10 level only)

    @property
    def n_products(self) -> int:
        return len(self.products)


def build_problem(
    flows,
    t0: np.ndarray,
    t1: np.ndarray,
    *,
    level: Level = "hts10",
    sigma_min: float = 1.05,
    sigma_max: float = 20.0,
) -> PEProblem:
    """Sort the flows with a known origin and positive value by product and origin; attach σ.

    At ``level="hs6"`` rows are summed to HS6 × origin with value-weighted tariffs and each HS6
    takes the median σ of its HTS10 lines.
    """
    if level not in ("hts10", "hs6"):
        raise InputError(f"level must be hts10 or hs6, got {level!r}", hint="--level hts10")
    from tariffsim.data.elasticities import sigma_for

    origin = np.asarray(flows.origin).astype(str)
    value = np.asarray(flows.value_usd, float)
    known = origin != ""
    dropped_usd = float(value[~known].sum())
    if level == "hts10":
        # sorted by product then origin in numpy: the factor codes of np.unique follow the string
        # order, so lexsort on (product code, origin code) is the order of the strings
        rows = np.flatnonzero(known & (value > 0))
        hs, org = np.asarray(flows.hs10).astype(str)[rows], origin[rows]
        products, pcode = np.unique(hs, return_inverse=True)
        ocode = np.unique(org, return_inverse=True)[1]
        order = np.lexsort((ocode.ravel(), pcode.ravel()))
        rows = rows[order]
        sig = sigma_for(products, sigma_min=sigma_min, sigma_max=sigma_max)
        return PEProblem(
            product=hs[order],
            origin=org[order],
            v0=value[rows],
            t0=np.asarray(t0, float)[rows],
            t1=np.asarray(t1, float)[rows],
            groups=pcode.ravel()[order].astype(np.int64),
            products=products,
            sigma_raw=sig["sigma"].to_numpy(),
            sigma_source=sig["sigma_source"].to_numpy(),
            level=level,
            dropped_usd=dropped_usd,
            rows=rows,
        )
    frame = pl.DataFrame(
        {
            "hs10": np.asarray(flows.hs10).astype(str)[known],
            "origin": origin[known],
            "v0": value[known],
            "t0": np.asarray(t0, float)[known],
            "t1": np.asarray(t1, float)[known],
        }
    ).filter(pl.col("v0") > 0)
    sig10 = sigma_for(frame["hs10"].unique(), sigma_min=sigma_min, sigma_max=sigma_max)
    sig = sig10.group_by(pl.col("hs10").str.slice(0, 6).alias("product")).agg(
        pl.col("sigma").median(), pl.col("sigma_source").mode().first()
    )
    frame = (
        frame.with_columns(pl.col("hs10").str.slice(0, 6).alias("product"))
        .group_by("product", "origin")
        .agg(
            (pl.col("t0") * pl.col("v0")).sum() / pl.col("v0").sum(),
            (pl.col("t1") * pl.col("v0")).sum() / pl.col("v0").sum(),
            pl.col("v0").sum(),
        )
    )
    frame = frame.sort("product", "origin")
    hs6 = frame["product"].unique(maintain_order=True)
    sig = pl.DataFrame({"product": hs6}).join(sig, on="product", how="left")
    groups = frame.select(pl.col("product").rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    return PEProblem(
        product=frame["product"].to_numpy(),
        origin=frame["origin"].to_numpy(),
        v0=frame["v0"].to_numpy(),
        t0=frame["t0"].to_numpy(),
        t1=frame["t1"].to_numpy(),
        groups=groups,
        products=hs6.to_numpy(),
        sigma_raw=sig["sigma"].to_numpy(),
        sigma_source=sig["sigma_source"].to_numpy(),
        level=level,
        dropped_usd=dropped_usd,
    )


def solve_problem(
    problem: PEProblem,
    params: PEParams,
    *,
    t0: np.ndarray | None = None,
    t1: np.ndarray | None = None,
    v0: np.ndarray | None = None,
    passthrough: float | np.ndarray | None = None,
):
    """Solve the PE on the problem's rows (tariffs and baseline values may be replaced).

    ``passthrough`` (per row, already resolved) saves recomputing the parameters' product overrides.
    Returns :class:`tariffsim.models.pe_core.PEOutcome`.
    """
    return solve_pe(
        groups=problem.groups,
        v0=problem.v0 if v0 is None else v0,
        t0=problem.t0 if t0 is None else t0,
        t1=problem.t1 if t1 is None else t1,
        sigma=params.sigma(problem.sigma_raw),
        eta=params.eta,
        omega=params.omega,
        passthrough=params.row_passthrough(problem.product) if passthrough is None else passthrough,
    )


def run_pe(
    *,
    start: dt.date,
    end: dt.date,
    reform: str | Path | None = None,
    flows=None,
    level: Level = "hts10",
    params: PEParams | None = None,
    t0: np.ndarray | None = None,
    t1: np.ndarray | None = None,
) -> ModelResult:
    """Solve the PE model for the change from the schedule on ``start`` to that on ``end``.

    ``flows`` defaults to the 2024 HTS10 × partner imports (:func:`tariffsim.duties.flows.default_flows`).
    ``t0``/``t1`` may be given directly (arrays aligned with the flows) instead of the schedule.
    """
    params = params or PEParams()
    if level not in ("hts10", "hs6"):
        raise InputError(f"level must be hts10 or hs6, got {level!r}", hint="--level hts10")
    if flows is None:
        from tariffsim.duties.flows import default_flows

        flows = default_flows()
    if t0 is None or t1 is None:
        t0, t1 = tariffs_on(flows, start=start, end=end, reform=reform)
    problem = build_problem(
        flows, t0, t1, level=level, sigma_min=params.sigma_min, sigma_max=params.sigma_max
    )
    out = solve_problem(problem, params)
    frame = pl.DataFrame(
        {
            "product": problem.product,
            "origin": problem.origin,
            "v0": problem.v0,
            "t0": problem.t0,
            "t1": problem.t1,
        }
    )
    sig = pl.DataFrame(
        {
            "product": problem.products,
            "sigma": params.sigma(problem.sigma_raw),
            "sigma_source": problem.sigma_source,
        }
    )
    dropped_usd = problem.dropped_usd
    rows = frame.with_columns(
        v1=pl.Series(out.v1),
        creation=pl.Series(out.creation),
        diversion=pl.Series(out.diversion),
        chapter=pl.col("product").str.slice(0, 2),
    ).with_columns(duty0=pl.col("t0") * pl.col("v0"), duty1=pl.col("t1") * pl.col("v1"))

    def agg(by: str) -> pl.DataFrame:
        return (
            rows.group_by(by)
            .agg(
                pl.col("v0").sum().alias("imports_usd_before"),
                pl.col("v1").sum().alias("imports_usd_after"),
                pl.col("creation").sum().alias("creation_usd"),
                pl.col("diversion").sum().alias("diversion_usd"),
                pl.col("duty0").sum().alias("duty_usd_before"),
                pl.col("duty1").sum().alias("duty_usd_after"),
            )
            .with_columns(
                (pl.col("imports_usd_after") - pl.col("imports_usd_before")).alias("change_usd"),
                (pl.col("duty_usd_before") / pl.col("imports_usd_before")).alias("etr_before"),
                (pl.col("duty_usd_after") / pl.col("imports_usd_after")).alias("etr_after"),
            )
            .sort("imports_usd_before", descending=True)
        )

    e0 = rows.group_by("product", maintain_order=True).agg(
        ((1 + pl.col("t0")) * pl.col("v0")).sum()
    )
    prod = sig.with_columns(
        price_change_pct=pl.Series(100 * (out.price_index_hat - 1)),
        consumer_surplus_change_usd=pl.Series(out.consumer_surplus_change),
        revenue_change_usd=pl.Series(out.revenue_change),
        tot_gain_usd=pl.Series(out.tot_gain),
    ).with_columns(
        deadweight_loss_usd=pl.col("tot_gain_usd")
        - pl.col("consumer_surplus_change_usd")
        - pl.col("revenue_change_usd"),
        spending_usd_before=e0.to_series(1),
    )
    v0s, v1s = float(rows["v0"].sum()), float(rows["v1"].sum())
    d0s, d1s = float(rows["duty0"].sum()), float(rows["duty1"].sum())
    static = float((rows["t1"] * rows["v0"]).sum())
    spend = float(prod["spending_usd_before"].sum())
    summary = pl.DataFrame(
        {
            "imports_usd_before": [v0s],
            "imports_usd_after": [v1s],
            "duty_usd_before": [d0s],
            "duty_usd_after": [d1s],
            "etr_before": [d0s / v0s],
            "etr_after_pre_substitution": [static / v0s],
            "etr_after_post_substitution": [d1s / v1s],
            "import_price_change_pct": [
                float((prod["price_change_pct"] * prod["spending_usd_before"]).sum()) / spend
            ],
            "consumer_surplus_change_usd": [float(prod["consumer_surplus_change_usd"].sum())],
            "revenue_change_usd": [float(prod["revenue_change_usd"].sum())],
            "tot_gain_usd": [float(prod["tot_gain_usd"].sum())],
            "deadweight_loss_usd": [float(prod["deadweight_loss_usd"].sum())],
            "welfare_change_usd": [
                float(prod["consumer_surplus_change_usd"].sum())
                + float(prod["revenue_change_usd"].sum())
            ],
        }
    )
    fallback = prod.group_by("sigma_source").agg(pl.len().alias("products")).sort("sigma_source")
    return ModelResult(
        model="pe",
        scenario=f"{start.isoformat()} -> {end.isoformat()}"
        + (f" (reform {reform})" if reform else ""),
        frames={
            "summary": summary,
            "partners": agg("origin").rename({"origin": "iso3"}),
            "chapters": agg("chapter"),
            "products": prod.sort("spending_usd_before", descending=True),
            "sigma_sources": fallback,
        },
        diagnostics=out.diagnostics,
        provenance={
            "flows": getattr(flows, "source", "user table"),
            "rows": rows.height,
            "dropped_no_origin_usd": dropped_usd,
            "level": level,
            **params.describe(),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "reform": str(reform) if reform else None,
        },
    )


def post_substitution_etr_series(
    dates: Sequence[dt.date],
    *,
    horizon: str = "short-run",
    baseline: dt.date = BASELINE_DATE,
    flows=None,
    params: PEParams | None = None,
) -> pl.DataFrame:
    """Effective tariff rate on each date before and after substitution, from one compile.

    For every date d: ``etr_pre_substitution`` = Σ t_d V_0 / Σ V_0 (2024 flows at the law of d) and
    ``etr_post_substitution`` = Σ t_d V_d / Σ V_d, V_d the PE's imports when the law moves from
    ``baseline`` to that of d (``horizon`` parameters unless ``params`` is given). The schedule is
    compiled once over the period; the PE is solved once per distinct segment of the law.

    Returns columns ``date``, ``etr_pre_substitution``, ``etr_post_substitution``,
    ``imports_usd_after`` (one row per date, in the order given).
    """
    from tariffsim.models.horizons import pe_params
    from tariffsim.schedule import load_schedule

    if not dates:
        raise InputError("give at least one date")
    days = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in dates]
    params = params or pe_params(horizon)
    if flows is None:
        from tariffsim.duties.flows import default_flows

        flows = default_flows()
    sched = load_schedule()
    for d in days:
        sched.check_date(d, field="date")
    lo = min(min(days), baseline)
    hi = max(max(days), baseline) + dt.timedelta(days=1)
    c = sched.compile(hs10=flows.hs10, origin=flows.origin, start=lo, end=hi, shares=flows.shares)
    t0 = np.asarray(c.at(baseline), float)
    problem = build_problem(flows, t0, t0, sigma_min=params.sigma_min, sigma_max=params.sigma_max)
    rows = np.asarray(problem.rows)
    segs = c.segment_index(np.array(days, dtype="datetime64[D]"))
    rho = params.row_passthrough(problem.product)
    by_seg: dict[int, tuple[float, float, float]] = {}
    v0 = problem.v0
    for s in sorted(set(int(x) for x in segs)):
        t1 = np.asarray(c.total[s], float)[rows]
        out = solve_problem(problem, params, t1=t1, passthrough=rho)
        by_seg[s] = (
            float((t1 * v0).sum() / v0.sum()),
            float((t1 * out.v1).sum() / out.v1.sum()),
            float(out.v1.sum()),
        )
    return pl.DataFrame(
        {
            "date": days,
            "etr_pre_substitution": [by_seg[int(s)][0] for s in segs],
            "etr_post_substitution": [by_seg[int(s)][1] for s in segs],
            "imports_usd_after": [by_seg[int(s)][2] for s in segs],
        }
    )
