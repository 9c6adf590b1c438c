"""Values of the non-tariff issues: purchases, investment pledges, quotas, per-unit and direct values.

Each model maps an issue's levels ``x`` (shape ``(L,)``) and its arguments (arrays of shape ``(D, 1)``,
one row per parameter draw, or scalars) to money flows on named outputs, shape ``(D, L)``, in US$ bn
per year. Tariff issues are not valued here (:mod:`tariffsim.negotiation.tariff_stakes`).

``purchases`` — ``q`` US$ bn/yr of extra purchases of US goods, bounded by the market and discounted
  by enforceability: what is actually bought is ``q_eff = c · min(q, M)`` where ``M`` is the market
  (``market``: the partner's imports of the goods from non-US suppliers, which the purchases would
  divert) and ``c`` the share of pledged purchases that happens (``credibility``; private buyers and
  non-binding pledges). Outputs: ``sellers = a q_eff`` (US sellers' margin ``a``), ``balance = q_eff``
  (the bilateral balance, which the US President weighs), ``buyer = −b q_eff`` (the premium ``b`` the
  partner's buyers pay over their next-best supplier), ``domestic = −d q_eff`` (the partner's
  producers displaced, share ``d``).
``pledge`` — ``I`` US$ bn of investment pledged over ``years`` (``pledge_years``), with terms given by a
  linked qualifier issue: per terms level, ``credibility`` (share realised), ``us_value`` (the US
  value per realised dollar and year: jobs, projects it selects) and ``partner_cost`` (the partner's
  cost per pledged dollar and year: below-market returns of equity it does not control, expected losses
  on loans and guarantees). A pledge larger than the partner's capacity ``capacity`` (US$ bn) costs more:
  ``host = v c I / years``; ``investor = −k c I (1 + I / S) / years``.
``quota_access`` — tonnes ``T`` of US product in a market with a quota ``Q`` and a reference US share
  ``r0``: US farm ``+a p (T − T0)``; the partner's farm income ``−W (d_in ΔT_in + d_out ΔT_out)``,
  ``W`` the out-of-quota duty (yen per kg → US$ per t), and an optional symbolic cost per 100,000 t.
``tonnage_purchase`` — as ``purchases`` with ``q = p T / 10^9``.
``linear`` — ``us = +a x``; ``partner = −b x``.
``direct`` — per-level values given in the case file.

:func:`weigh` turns money flows on channels into a constituency's utility (its stakes times the
flows); the issue tables and the value of no deal (:mod:`tariffsim.negotiation.nodeal`) both use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

Args = Mapping[str, Any]
Flows = dict[str, np.ndarray]


def _a(args: Args, name: str, default: float | None = None) -> np.ndarray:
    if name not in args:
        if default is None:
            raise KeyError(name)
        return np.asarray(default, dtype=float)
    return np.asarray(args[name], dtype=float)


def _buy(q: np.ndarray, args: Args) -> Flows:
    market = _a(args, "market", np.inf)
    q_eff = _a(args, "credibility", 1.0) * np.minimum(q, market)
    return {
        "sellers": _a(args, "seller_margin") * q_eff,
        "balance": q_eff * 1.0,
        "buyer": -_a(args, "buyer_premium") * q_eff,
        "domestic": -_a(args, "domestic_displacement", 0.0) * q_eff,
    }


def purchases(x: np.ndarray, args: Args) -> Flows:
    return _buy(np.asarray(x, dtype=float)[None, :], args)


def tonnage_purchase(x: np.ndarray, args: Args) -> Flows:
    return _buy(np.asarray(x, dtype=float)[None, :] * _a(args, "price_usd_per_t") / 1e9, args)


def pledge(x: np.ndarray, args: Args) -> Flows:
    inv = np.asarray(x, dtype=float)[None, :]
    years = _a(args, "pledge_years", 1.0)
    c = _a(args, "credibility", 1.0)
    cap = _a(args, "capacity", np.inf)
    realised = c * inv / years
    return {
        "host": _a(args, "us_value") * realised,
        "investor": -_a(args, "partner_cost") * realised * (1.0 + inv / cap),
    }


def quota_access(x: np.ndarray, args: Args) -> Flows:
    T = np.asarray(x, dtype=float)[None, :]
    Q = _a(args, "quota_t")
    T0 = _a(args, "reference_share") * Q
    d_in = np.minimum(T, Q) - np.minimum(T0, Q)
    d_out = np.maximum(T - Q, 0.0) - np.maximum(T0 - Q, 0.0)
    wedge = _a(args, "tariff_yen_per_kg") * 1000.0 / _a(args, "yen_per_usd")
    out = {
        "sellers": _a(args, "seller_margin") * _a(args, "price_usd_per_t") * (T - T0) / 1e9,
        "farm_loss": -wedge
        * (_a(args, "displacement_in") * d_in + _a(args, "displacement_out") * d_out)
        / 1e9,
    }
    if "symbolic_per_100k_t" in args:
        out["symbolic"] = _a(args, "symbolic_per_100k_t") * (T - T0) / 1e5
    return out


def linear(x: np.ndarray, args: Args) -> Flows:
    v = np.asarray(x, dtype=float)[None, :]
    return {"us": _a(args, "us_value") * v, "partner": -_a(args, "partner_cost") * v}


@dataclass(frozen=True)
class Model:
    name: str
    required: tuple[str, ...]
    fn: Callable[[np.ndarray, Args], Flows]


MODELS: dict[str, Model] = {
    "purchases": Model("purchases", ("seller_margin", "buyer_premium"), purchases),
    "tonnage_purchase": Model(
        "tonnage_purchase", ("price_usd_per_t", "seller_margin", "buyer_premium"), tonnage_purchase
    ),
    "pledge": Model("pledge", ("us_value", "partner_cost"), pledge),
    "quota_access": Model(
        "quota_access",
        (
            "quota_t",
            "reference_share",
            "price_usd_per_t",
            "seller_margin",
            "tariff_yen_per_kg",
            "yen_per_usd",
            "displacement_in",
            "displacement_out",
        ),
        quota_access,
    ),
    "linear": Model("linear", ("us_value", "partner_cost"), linear),
}


def weigh(
    stakes: Mapping[str, np.ndarray], channels: Mapping[str, np.ndarray], shape: tuple[int, int]
) -> np.ndarray:
    """Σ_ch stake[ch] · V_ch — a constituency's money-metric utility, ``(n, L)``.

    ``stakes[ch]`` is the constituency's weight on channel ``ch`` (``(n, 1)``), ``channels[ch]`` the
    channel's flow per draw and level (``(n, L)``); channels the constituency has no stake in add 0.
    """
    tot = np.zeros(shape)
    for ch, v in channels.items():
        s = stakes.get(ch)
        if s is not None:
            tot = tot + s * v
    return tot
