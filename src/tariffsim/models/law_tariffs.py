r"""From the tariff law to the GE model's tariff vector.

The general-equilibrium model (:mod:`tariffsim.models.ge`) is solved in changes from a baseline with
zero tariffs, one aggregate good per country pair. To feed it the US schedule on a date we
aggregate the schedule over real trade:

.. math::
    t'_j = \frac{\sum_{h} V_{hj}\,(1+t^{1}_{hj})/(1+t^{0}_{hj})}{\sum_h V_{hj}} - 1,

the 2024 import-weighted mean of the change in the duty-inclusive price factor of every HTS10 line
h imported from exporter j between the ``baseline`` date (default 2025-01-01, the schedule before the
2025 measures) and the date ``on`` (or the reform). Using the ratio of gross factors (rather than
the level of ``t¹``) keeps pre-existing MFN duties, which the model's calibrated baseline already
contains in its trade shares, from being counted as a new shock.

Exporters with no recorded 2024 US imports are given the import-weighted change over the whole US
import basket had it come from them (every HTS10 line weighted by total US imports), so small
economies still face the rate the law sets for them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

BASELINE = dt.date(2025, 1, 1)


def ge_tariffs_from_schedule(
    *,
    on: dt.date,
    reform: str | Path | None = None,
    baseline: dt.date = BASELINE,
    iso3: tuple[str, ...] | None = None,
) -> np.ndarray:
    """US import tariff change on each exporter, in the GE data's country order (fractions).

    ``iso3`` defaults to the order of the GE data (:func:`tariffsim.models.ge_data.load_raw_cached`);
    the entry of the US itself is 0.
    """
    import polars as pl

    from tariffsim.duties.flows import Flows, default_flows
    from tariffsim.models.pe import tariffs_on

    if iso3 is None:
        from tariffsim.models.ge_data import load_raw_cached

        iso3 = load_raw_cached().iso3
    flows = default_flows()
    t0, t1 = tariffs_on(flows, start=baseline, end=on, reform=reform)
    df = pl.DataFrame(
        {
            "iso3": np.asarray(flows.origin).astype(str),
            "v": np.asarray(flows.value_usd, float),
            "g": (1.0 + t1) / (1.0 + t0),
        }
    )
    by = df.group_by("iso3").agg(((pl.col("g") * pl.col("v")).sum() / pl.col("v").sum()).alias("g"))
    known = dict(zip(by["iso3"].to_list(), by["g"].to_list(), strict=True))

    missing = [c for c in iso3 if c not in known and c != "USA"]
    if missing:
        # The whole US import basket (HTS10 lines weighted by total US imports) as if from each
        # missing exporter: rate it with the same schedule, one row per (line, exporter).
        basket = (
            df.with_columns(pl.Series("hs10", np.asarray(flows.hs10).astype(str)))
            .group_by("hs10")
            .agg(pl.col("v").sum())
        )
        hs = np.repeat(basket["hs10"].to_numpy(), len(missing))
        org = np.tile(np.array(missing), basket.height)
        w = np.repeat(basket["v"].to_numpy(), len(missing))
        # The schedule attaches the per-row shares (USMCA, metal content) itself.
        extra = Flows(hs10=hs, origin=org, value_usd=w, source="US import basket")
        e0, e1 = tariffs_on(extra, start=baseline, end=on, reform=reform)
        g = pl.DataFrame({"iso3": org, "v": w, "g": (1 + e1) / (1 + e0)})
        for row in (
            g.group_by("iso3")
            .agg(((pl.col("g") * pl.col("v")).sum() / pl.col("v").sum()).alias("g"))
            .iter_rows()
        ):
            known[row[0]] = row[1]
    return np.array([0.0 if c == "USA" else known.get(c, 1.0) - 1.0 for c in iso3])
