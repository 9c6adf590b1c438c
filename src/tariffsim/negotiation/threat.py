"""The threat of no deal: reservation values from the threat path.

Without a deal each issue follows its *threat path*: the level in force on the as-of date (the
status quo) until a threatened change starts, then the threatened value. The threat may be
uncertain — a list of draws ``(value v_d, probability π_d, start s_d)`` — and the no-deal utility is
the expected utility over draws. Utilities are flows over a horizon of ``H`` years from ``as_of``;
the share of the horizon before the threat starts is ``f_d = clip((s_d − as_of) / H, 0, 1)``:

    u_c,i(no deal) = Σ_d π_d [ f_d · u_c,i(status quo) + (1 − f_d) · u_c,i(v_d) ]

Threatened values may lie off the negotiated grid (e.g. 30% when levels stop at 24%): the economic
model of :mod:`tariffsim.negotiation.preferences` is evaluated at the value itself.

Retaliation (if the case allows it): the partner imposes ``rate`` on 2024 US exports with
probability ``prob``; the US side loses ``prob · rate · X · (1 − ρ) + prob · μ · lost exports`` on the
channel ``us_exporters`` and the partner's buyers pay ``prob · ρ · rate · X`` on ``partner_buyers``
(the ``ad_valorem_duty`` model with the partner as the importer).

A party's reservation value is ``d_P = Σ_{c∈P} w_c Σ_i u_c,i(no deal)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.negotiation.preferences import MODELS, Preferences, issue_channels, weigh


@dataclass(frozen=True)
class NoDeal:
    """No-deal values: per constituency and issue (``by_constituency[c][i]``) and per party."""

    by_constituency: Mapping[str, np.ndarray]
    reservation: Mapping[str, float]
    expected_levels: Mapping[str, float | str]  # expected no-deal value per issue (numeric: mean)

    def pivot_value(self, constituency: str, issue_mask: np.ndarray) -> float:
        return float(self.by_constituency[constituency][issue_mask].sum())


def _start_fraction(case: Any, start: Any) -> float:
    days = (start - case.as_of).days
    return float(np.clip(days / (365.0 * case.horizon_years), 0.0, 1.0))


def no_deal(prefs: Preferences) -> NoDeal:
    """Expected no-deal utility of every constituency on every issue, and each party's reservation."""
    case = prefs.case
    k = len(case.issues)
    byc = {c: np.zeros(k) for c in case.constituencies}
    expected: dict[str, float | str] = {}
    for j, spec in enumerate(case.issues):
        sq = spec.status_quo if spec.status_quo is not None else spec.levels[0]
        if not spec.no_deal:
            sq_idx = spec.level_index(sq)
            for cname in case.constituencies:
                byc[cname][j] = prefs.constituency[cname][j][sq_idx]
            expected[spec.name] = sq
            continue
        values = [d.value for d in spec.no_deal]
        probs = np.asarray([d.prob for d in spec.no_deal])
        fpre = np.asarray([_start_fraction(case, d.start) for d in spec.no_deal])
        ch_draw = issue_channels(case, spec.name, values, trade=prefs.trade)
        ch_sq = issue_channels(case, spec.name, [sq], trade=prefs.trade)
        for cname in case.constituencies:
            u_draw = weigh(case.stakes_of(cname), ch_draw, len(values))
            u_sq = float(weigh(case.stakes_of(cname), ch_sq, 1)[0])
            byc[cname][j] = float(np.sum(probs * (fpre * u_sq + (1.0 - fpre) * u_draw)))
        if spec.kind == "numeric":
            expected[spec.name] = float(
                np.sum(probs * (fpre * float(sq) + (1 - fpre) * np.asarray(values, float)))
            )
        else:
            expected[spec.name] = str(values[int(np.argmax(probs))])
    reservation = {}
    for party in case.parties:
        reservation[party] = float(
            sum(
                c.weight * byc[cname].sum()
                for cname, c in case.constituencies.items()
                if c.party == party
            )
        )
    ret = case.retaliation
    if ret.get("allowed"):
        extra = retaliation_values(case, prefs)
        for cname, v in extra.items():
            c = case.constituencies[cname]
            reservation[c.party] += c.weight * v
            # book retaliation on the first issue so pivot sums include it
            byc[cname] = byc[cname].copy()
            byc[cname][0] += v
    return NoDeal(byc, reservation, expected)


def retaliation_values(case: Any, prefs: Preferences) -> dict[str, float]:
    """Expected money-metric effect of the partner's retaliation on each constituency (US$ bn/yr)."""
    ret = case.retaliation
    rate = float(ret["rate"].value)
    prob = float(ret["prob"].value)
    exports = float(prefs.trade[ret.get("base", "us_exports")][0])
    args = {
        "base": exports,
        "pass_through": float(case.value(ret.get("pass_through", "pass_through_general"))),
        "elasticity": float(case.value(ret.get("elasticity", "import_elasticity_general"))),
        "exporter_margin": float(case.value(ret.get("exporter_margin", "exporter_margin"))),
    }
    flows = MODELS["ad_valorem_duty"].fn(np.asarray([rate]), args)
    channels = {
        str(ret.get("exporters_channel", "us_exporters")): prob * flows["exporters"],
        str(ret.get("buyers_channel", "partner_buyers")): prob * flows["buyers"],
        str(ret.get("revenue_channel", "partner_revenue")): prob * flows["revenue"],
    }
    return {
        cname: float(weigh(case.stakes_of(cname), channels, 1)[0]) for cname in case.constituencies
    }
