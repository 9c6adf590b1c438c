"""Baseline forecasts for the 2025–26 wave, from dated facts only (no model).

Every baseline for a partner on a forecast date ``as_of`` uses only facts public by ``as_of``
(``negotiation.facts``) and deals concluded strictly before it
(``outcomes.known_outcomes``). Definitions, fixed before any scoring:

Headline rate (in the partner's headline measures, ``facts.headline_measures``):

* ``status_quo`` — the rate in force on ``as_of``;
* ``split_difference`` — the midpoint of the status quo and the threat (the highest rate announced
  and not withdrawn, per measure);
* ``last_deal`` — the headline of the last deal concluded before ``as_of`` whose headline adds up
  the same measures (China's deals are compared with China's); the status quo if there is none;
* ``capability`` — a Bueno de Mesquita-style compromise: the positions of the two sides weighted by
  their capabilities. The US's position is the threat, the partner's is no additional duty (0);
  capability is GDP (2023, the GE data: Ignatenko, Lashkaripour, Macedoni & Simonovska 2025, built
  from CEPII/World Bank; the EU as the sum of its members; Taiwan from ``partners.yaml`` ``macro``), salience
  equal on both sides. So the forecast is ``w·threat`` with ``w = GDP_US / (GDP_US + GDP_partner)``.
  With equal trade both ways this is also the weighting by trade dependence (exports to the other
  over own GDP), since ``(T/G_P)/(T/G_P + T/G_US) = G_US/(G_US + G_P)``;
* ``fitted_fraction`` — ``status quo + k̂·(threat − status quo)`` where ``k̂`` is the mean, over the
  deals concluded before ``as_of`` (same measures class), of ``(y − sq)/(threat − sq)`` with sq and
  threat as known three days before each of those deals; ``k̂ = ½`` (split the difference) before
  any usable deal. Fitted on earlier deals only (rolling origin).

Car rate (total incl. MFN; scored only where a deal set one): the same five with the Section 232
car rate (``s232_autos``) as status quo and threat, the partner's position the 2.5% MFN rate, and
``last_deal`` the car rate of the last deal that set one.

P(deal within 60 days):

* ``hazard`` — a constant hazard fitted on the deals concluded between 2 Apr 2025 and ``as_of``:
  ``λ = deals / partner-days at risk`` (each backtest partner at risk every day from 2 Apr),
  ``p = 1 − exp(−60λ)``; ``p = ½`` before any deal;
* ``coin`` — ``p = ½``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from tariffsim.core.dates import parse_date
from tariffsim.core.errors import InputError
from tariffsim.negotiation import facts as F
from tariffsim.negotiation.outcomes import OutcomeFile, known_outcomes

WAVE_START = dt.date(2025, 4, 2)
LEAD_DAYS = 3
"""Fitted fractions use sq and threat as known this many days before each earlier deal."""
MFN_CARS = 0.025
"""Column-1 rate of passenger cars (HTS 8703.23/.24: 2.5%)."""

HEADLINE_BASELINES = (
    "status_quo",
    "split_difference",
    "last_deal",
    "capability",
    "fitted_fraction",
)
EVENT_BASELINES = ("hazard", "coin")


@lru_cache(maxsize=1)
def _gdp_table() -> dict[str, float]:
    from tariffsim.models.ge_data import load_raw_cached

    raw = load_raw_cached()
    return {c: float(g) * 1000.0 for c, g in zip(raw.iso3, raw.gdp, strict=True)}  # US$


def gdp_usd(partner: str) -> float:
    """GDP (US$) used as capability: the GE data's 2023 GDP, the EU summed over its members,
    else the sourced value in ``partners.yaml``."""
    from tariffsim.core.countries import expand, is_group

    table = _gdp_table()
    if partner in table:
        return table[partner]
    if is_group(partner):
        members = [c for c in expand(partner) if c in table]
        if members:
            return sum(table[c] for c in members)
    pf = F.load().partners.partners.get(partner)
    if pf is not None and pf.macro is not None:
        return pf.macro.gdp_usd_bn * 1e9
    raise InputError(f"no GDP for {partner!r} (capability baseline)")


def us_weight(partner: str) -> float:
    """The US's capability weight against ``partner``: ``GDP_US / (GDP_US + GDP_partner)``."""
    us = gdp_usd("USA")
    return us / (us + gdp_usd(partner))


def _day(as_of: Any) -> dt.date:
    return parse_date(as_of, field="as_of")


def _same_class(o: OutcomeFile, partner: str) -> bool:
    return F.same_headline_class(o.partner, partner)


def _known_fraction(deals: Sequence[OutcomeFile], measures: Sequence[str] | None) -> float | None:
    ks = []
    for d in deals:
        y = (d.headline.rate if d.headline else None) if measures is None else d.auto_rate()
        if y is None or d.concluded is None:
            continue
        day = d.concluded - dt.timedelta(days=LEAD_DAYS)
        sq = F.rate_in_force(d.partner, day, measures)
        th = F.threat_rate(d.partner, day, measures)
        if th - sq > 1e-9:
            ks.append((y - sq) / (th - sq))
    return sum(ks) / len(ks) if ks else None


def headline_baselines(partner: str, as_of: Any) -> dict[str, Any]:
    """The five headline baselines (see the module docstring), with their inputs."""
    day = _day(as_of)
    sq = F.rate_in_force(partner, day)
    th = max(F.threat_rate(partner, day), sq)
    prior = [o for o in known_outcomes(day) if o.headline is not None and _same_class(o, partner)]
    last = prior[-1] if prior else None
    k = _known_fraction(prior, None)
    w = us_weight(partner)
    return {
        "status_quo": sq,
        "split_difference": 0.5 * (sq + th),
        "last_deal": last.headline.rate if last and last.headline else sq,
        "capability": w * th,
        "fitted_fraction": sq + (0.5 if k is None else k) * (th - sq),
        "inputs": {
            "status_quo": sq,
            "threat": th,
            "last_deal_id": last.id if last else None,
            "fraction": k,
            "us_weight": w,
        },
    }


def auto_baselines(partner: str, as_of: Any) -> dict[str, Any]:
    """The five car-rate baselines (total incl. MFN)."""
    day = _day(as_of)
    ms = ["s232_autos"]
    sq = F.rate_in_force(partner, day, ms)
    th = max(F.threat_rate(partner, day, ms), sq)
    prior = [o for o in known_outcomes(day) if o.auto_rate() is not None]
    last = prior[-1] if prior else None
    k = _known_fraction(prior, ms)
    w = us_weight(partner)
    return {
        "status_quo": sq,
        "split_difference": 0.5 * (sq + th),
        "last_deal": last.auto_rate() if last else sq,
        "capability": w * th + (1.0 - w) * MFN_CARS,
        "fitted_fraction": sq + (0.5 if k is None else k) * (th - sq),
        "inputs": {"status_quo": sq, "threat": th, "last_deal_id": last.id if last else None},
    }


def deal_baselines(as_of: Any, partners: Sequence[str], horizon_days: int = 60) -> dict[str, float]:
    """P(deal within ``horizon_days``) of the event baselines, fitted on deals before ``as_of``.

    A partner stays at risk of a (further) deal after a deal, so the exposure is
    ``len(partners) × (as_of − 2 Apr 2025)`` partner-days.
    """
    day = _day(as_of)
    deals = [
        o
        for o in known_outcomes(day)
        if o.partner in partners and o.concluded is not None and o.concluded >= WAVE_START
    ]
    exposure = len(partners) * max((day - WAVE_START).days, 0)
    p = 0.5 if not deals or exposure <= 0 else 1.0 - math.exp(-horizon_days * len(deals) / exposure)
    return {"hazard": p, "coin": 0.5}
