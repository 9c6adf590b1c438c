r"""Short run and long run: the parameters of the PE and GE models at two horizons, with sources.

The **long run** is the models as they were first built: the PE uses the Broda–Weinstein (2006)
elasticity of substitution σ of every HTS10 product, a unit-elastic product demand (η = 1) and
fixed foreign prices (complete pass-through); the GE uses the trade elasticity ε = 4 of Ignatenko,
Lashkaripour, Macedoni & Simonovska (2025).

The **short run** (about one year after a tariff change) changes three things, each from the
literature on the 2018–19 and 2025 tariffs (every value below is a :class:`LiteratureValue` with its
paper, the place in it, its range and the date it became public):

1. **Substitution between sources is slower.** Boehm, Levchenko & Pandalai-Nayar (2023) estimate the
   elasticity of tariff-exclusive trade flows to tariffs at −0.76 one year after a change and
   −1.75 to −2.25 in the long run. In the PE's CES nest that elasticity is −σ (with complete
   pass-through and the product's price index held fixed: :math:`\hat V_s = \hat\tau_s^{-\sigma}`),
   so the short-run σ of every product is the long-run (Broda–Weinstein) σ times their ratio
   ``sigma_scale`` ∈ [0.76/2.25, 0.76/1.75] = [0.34, 0.43] (0.38 at the central long-run value 2.0;
   the calibration below puts it at 0.43). On the 2024 import basket the import-weighted median σ
   is then 1.35–1.54, beside the 12-month import-quantity elasticity of 1.3 that Amiti, Redding &
   Weinstein (2019) estimate for the 2018 tariffs.
2. **Who pays the duty.** A pass-through ρ: the duty-inclusive price rises by :math:`\hat\tau^{\rho}`
   and the exporter's price falls by :math:`\hat\tau^{\rho-1}`. For 2025, ρ = 0.94 (Gopinath &
   Neiman 2026; range 0.86–0.96 across the 2025 studies). Passenger cars (HS 8703) are the exception the
   2025 data show: Japanese carmakers cut their dollar export prices to North America by about as
   much as the 25-point duty (Bank of Japan export price index, −19.4% y/y in June 2025 against
   ln(1.275/1.025)), so ρ = 0 for HS 8703.
3. **Product demand.** η, the elasticity of a product's total imports to its import price index, is
   the one parameter calibrated on 2025 data (:mod:`tariffsim.models.pe_calibration`): on Germany's
   imports in June–November 2025, whose tariff rise was close to the average and so identifies η
   rather than σ. China's moment identifies ``sigma_scale``; the value China alone would need lies
   outside the range of Boehm et al. (above 1: the short run *more* elastic than the long run), so
   ``sigma_scale`` is held at the edge of their range and China's remaining gap is
   reported as what the tariff model does not explain (docs/pe.md).

For the GE, the short run is the central ratio applied to the trade elasticity: ε = 4 × 0.38 = 1.52 in
the equilibrium, with ψ and φ kept at their ε = 4 calibration (as the paper's ε = 8 variant does).
It changes how much trade shares, and hence imports, the terms of trade and revenue respond; it
cannot represent adjustment over time (inventories, front-loading, capacity), it keeps the long-run
labour-supply response κ, and it has no product detail (so no car-specific pass-through).

**Dates.** Every value records when it became public. :func:`pe_params` and :func:`ge_trade_elasticity`
take ``as_of``: a value published after that date is replaced by its ``fallback`` (the value a
modeller could have used then) and the provenance says so, so forecasts dated before the 2025
evidence do not use it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tariffsim.core.errors import InputError

Horizon = Literal["short-run", "long-run"]
HORIZONS: tuple[str, ...] = ("short-run", "long-run")

#: Products whose pass-through differs in the short run (HS prefix → literature key).
CAR_PREFIX = "8703"


@dataclass(frozen=True)
class LiteratureValue:
    """One parameter value taken from a paper or an official statistic.

    ``value`` is what the model uses; ``low``/``high`` the range the source supports; ``where`` the
    table, section or release it comes from; ``published`` the date it became public;
    ``fallback`` the value used for forecasts dated before ``published`` (``None``: no fallback,
    the value is then refused for earlier dates).
    """

    key: str
    value: float
    low: float
    high: float
    source: str
    where: str
    published: dt.date
    note: str = ""
    fallback: float | None = None
    fallback_source: str = ""

    def at(self, as_of: dt.date | None) -> tuple[float, str]:
        """The value usable on ``as_of`` and a one-line provenance."""
        if as_of is None or as_of >= self.published:
            return self.value, f"{self.source}, {self.where}"
        if self.fallback is None:
            raise InputError(
                f"{self.key} ({self.source}) was not public on {as_of}",
                hint=f"use an as-of date on or after {self.published}",
            )
        return self.fallback, f"{self.fallback_source} (as of {as_of}; {self.source} is later)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "range": [self.low, self.high],
            "source": self.source,
            "where": self.where,
            "published": self.published.isoformat(),
            "note": self.note,
            "fallback": self.fallback,
            "fallback_source": self.fallback_source,
        }


BLP = (
    "Boehm, Levchenko & Pandalai-Nayar (2023), 'The Long and Short (Run) of Trade Elasticities', "
    "American Economic Review 113(4): 861-905"
)
ARW = (
    "Amiti, Redding & Weinstein (2019), 'The Impact of the 2018 Trade War on U.S. Prices and "
    "Welfare', NBER WP 25672 (published as 'The Impact of the 2018 Tariffs on Prices and Welfare', "
    "Journal of Economic Perspectives 33(4): 187-210)"
)
FGKK = (
    "Fajgelbaum, Goldberg, Kennedy & Khandelwal (2020), 'The Return to Protectionism', "
    "Quarterly Journal of Economics 135(1): 1-55"
)
CGNT = (
    "Cavallo, Gopinath, Neiman & Tang (2021), 'Tariff Pass-Through at the Border and at the Store', "
    "American Economic Review: Insights 3(1): 19-34"
)
GN = (
    "Gopinath & Neiman (2026), 'The Incidence of Tariffs: Rates and Reality', working paper "
    "(reported by UChicago News, 29 Jan 2026)"
)
AFHW = (
    "Amiti, Flanagan, Heise & Weinstein (12 Feb 2026), 'Who Is Paying for the 2025 U.S. Tariffs?', "
    "Federal Reserve Bank of New York, Liberty Street Economics"
)
KIEL = (
    "Kiel Institute for the World Economy (Jan 2026), 'America's Own Goal: Who Pays the Tariffs?'"
)
BOJ = "Bank of Japan, Corporate Goods Price Index: export price index, passenger cars to North America"

LITERATURE: dict[str, LiteratureValue] = {
    v.key: v
    for v in (
        LiteratureValue(
            key="trade_elasticity_1y",
            value=0.76,
            low=0.7,
            high=0.76,
            source=BLP,
            where="abstract and the local-projection estimates at a one-year horizon (NBER WP 27064 / CEPR DP 14645 abstracts: -0.76; the 2020 draft: about -0.7)",
            published=dt.date(2020, 4, 1),
            note="elasticity of tariff-exclusive imports from a partner to its tariff, relative to partners whose tariff did not change",
        ),
        LiteratureValue(
            key="trade_elasticity_long_run",
            value=2.0,
            low=1.75,
            high=2.25,
            source=BLP,
            where="abstract ('-1.75 to -2.25'; AER abstract: 'approximately -2 in the long run', reached after 7-10 years)",
            published=dt.date(2020, 4, 1),
        ),
        LiteratureValue(
            key="import_quantity_elasticity_12m",
            value=1.3,
            low=1.3,
            high=6.0,
            source=ARW,
            where="NBER WP 25672, Table 1, column 2 (12-month change in import quantities, positive flows: 1.3); column 3 (flows that went to zero kept, inverse hyperbolic sine: about 6)",
            published=dt.date(2019, 3, 1),
            note="a check on the short-run sigma, not an input",
        ),
        LiteratureValue(
            key="passthrough_2018",
            value=0.995,
            low=0.95,
            high=1.0,
            source=ARW,
            where="NBER WP 25672, Table 4 (a 10% tariff raises the duty-inclusive price of common goods by 9.95%); FGKK (2020) abstract and CGNT (2021) abstract: complete or nearly complete pass-through at the border",
            published=dt.date(2019, 3, 1),
        ),
        LiteratureValue(
            key="passthrough_2025",
            value=0.94,
            low=0.86,
            high=0.96,
            source=GN,
            where="preferred estimate on Census trade data for 2025 (94% passed to US importers); range: AFHW (2026) 94% through August, 86% by November 2025; Kiel (2026) 96% (export-price coefficient -0.039)",
            published=dt.date(2026, 1, 29),
            fallback=0.95,
            fallback_source="CGNT (2021): about 95% pass-through of the 2018-19 tariffs on Chinese "
            "goods (the authors' summary: a 20% tariff raised importers' costs by nearly 19%)",
        ),
        LiteratureValue(
            key="passthrough_cars_2025",
            value=0.0,
            low=0.0,
            high=0.05,
            source=BOJ,
            where="contract-currency basis, y/y: June 2025 -19.4% (record since 2016), August -20.5%, September -18.8%, against a duty of 2.5% -> 27.5%: rho = 1 + ln(1-0.194)/ln(1.275/1.025) = 0.01 (June), -0.05 (August), 0.05 (September); October -13.0% after the duty fell to 15% (16 Sep) is over-absorption; clipped to [0, 1]",
            published=dt.date(2025, 7, 10),
            note="Japan's carmakers; applied to HS 8703 from every origin (no stored evidence for other origins)",
            fallback=0.95,
            fallback_source="no car-specific evidence before July 2025: the general 2018-19 "
            "pass-through (CGNT 2021, about 95%)",
        ),
    )
}

#: Short-run σ / long-run σ: the ratio of Boehm et al.'s one-year to long-run elasticity.
SIGMA_SCALE_RANGE: tuple[float, float] = (
    LITERATURE["trade_elasticity_1y"].value / LITERATURE["trade_elasticity_long_run"].high,
    LITERATURE["trade_elasticity_1y"].value / LITERATURE["trade_elasticity_long_run"].low,
)

#: The calibration on the Census monthly file, written by
#: ``scripts/model_figures.py --recalibrate`` (:func:`tariffsim.models.pe_calibration.recalibrate`)
#: with the measure-library version it used; ``tests/golden/test_pe_calibration_2025.py`` fails when
#: the library has changed since. ``sigma_scale`` sits at the upper edge of
#: :data:`SIGMA_SCALE_RANGE` because China alone would need a far larger value.
CALIBRATION_FILE = Path(__file__).with_name("calibration_short_run.json")
_CAL = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
CALIBRATED_SIGMA_SCALE: float = float(_CAL["sigma_scale"])
CALIBRATED_ETA: float = float(_CAL["eta"])
#: Census release of the November 2025 trade data (JEC Monthly Trade Update: "Released January 30, 2026").
CALIBRATION_PUBLISHED = dt.date(2026, 1, 30)
CALIBRATION_SOURCE = (
    "calibrated on US imports from Germany and China, June-November 2025 vs 2024 "
    "(census/us_goods_trade_monthly_CHN_DEU_2024-2025.csv; tariffsim.models.pe_calibration; "
    f"measure library {_CAL['law_version']})"
)


def check_horizon(horizon: str) -> Horizon:
    """``horizon`` if it is ``short-run`` or ``long-run``; :class:`InputError` otherwise."""
    if horizon not in HORIZONS:
        raise InputError(
            f"unknown horizon {horizon!r}", hint="use --horizon short-run or --horizon long-run"
        )
    return horizon  # type: ignore[return-value]


def pe_params(horizon: str = "long-run", *, as_of: dt.date | None = None, **override: Any) -> Any:
    """The :class:`~tariffsim.models.pe.PEParams` of a horizon (values usable on ``as_of``).

    ``override`` replaces any field (e.g. ``eta=1.2``); the provenance then records the override.
    """
    from tariffsim.models.pe_params import PEParams

    h = check_horizon(horizon)
    if h == "long-run":
        return PEParams(horizon="long-run", **override)
    rho, rho_src = LITERATURE["passthrough_2025"].at(as_of)
    rho_car, car_src = LITERATURE["passthrough_cars_2025"].at(as_of)
    if as_of is None or as_of >= CALIBRATION_PUBLISHED:
        scale, eta = CALIBRATED_SIGMA_SCALE, CALIBRATED_ETA
        cal = CALIBRATION_SOURCE
    else:
        scale = (
            LITERATURE["trade_elasticity_1y"].value / LITERATURE["trade_elasticity_long_run"].value
        )
        eta = 1.0
        cal = (
            f"as of {as_of}: sigma_scale = 0.76/2.0 (Boehm et al.), eta = 1 (unit-elastic); "
            "the 2025 calibration is later"
        )
    fields: dict[str, Any] = {
        "horizon": "short-run",
        "eta": eta,
        "sigma_scale": scale,
        "passthrough": rho,
        "passthrough_products": ((CAR_PREFIX, rho_car),),
        "sources": (
            f"sigma_scale {scale:g}: {BLP}, one-year / long-run elasticity; {cal}",
            f"eta {eta:g}: {cal}",
            f"passthrough {rho:g}: {rho_src}",
            f"passthrough HS {CAR_PREFIX} {rho_car:g}: {car_src}",
        ),
    }
    fields.update(override)
    if override:
        fields["sources"] = (*fields["sources"], f"overridden: {sorted(override)}")
    return PEParams(**fields)


#: GE trade elasticity of the paper (long run).
GE_EPS_LONG_RUN = 4.0


def ge_trade_elasticity(horizon: str = "long-run") -> tuple[float, str]:
    """ε used in the GE equilibrium at a horizon, and where it comes from."""
    if check_horizon(horizon) == "long-run":
        return GE_EPS_LONG_RUN, "Ignatenko, Lashkaripour, Macedoni & Simonovska (2025): epsilon = 4"
    ratio = LITERATURE["trade_elasticity_1y"].value / LITERATURE["trade_elasticity_long_run"].value
    return (
        GE_EPS_LONG_RUN * ratio,
        f"epsilon = 4 x {ratio:.2f} (one-year / long-run elasticity of {BLP}); psi and phi kept at "
        "their epsilon = 4 calibration",
    )


def literature_table() -> list[dict[str, Any]]:
    """Every literature value as a record (for docs and ``--explain``)."""
    return [v.to_dict() for v in LITERATURE.values()]
