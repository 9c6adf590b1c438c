"""No deal beyond the threat paths of the issues: the partner's retaliation.

The threat path of each issue (status quo until a threatened value starts, over the case's horizon)
is valued with the issue's own model in :func:`tariffsim.negotiation.preferences.build_tables`.
Retaliation — the partner's duty ``τ`` on 2024 US exports ``X`` to it, imposed with probability
``π`` if there is no deal — is valued to first order (no volume response; the GE gives the full
answer): US exporters lose the share ``1 − ρ`` of the duty they absorb, the partner's buyers pay
``ρ τ X`` and the partner's treasury collects ``τ X``:

    us_exporters = −π (1 − ρ) τ X,    partner_buyers = −π ρ τ X,    partner_revenue = +π τ X

with ρ the case's ``passthrough_retaliation`` parameter (1 when absent).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tariffsim.core.errors import DataNotFoundError


def us_exports_usd(partner: str) -> float:
    """2024 US goods exports to ``partner`` (a group sums its members), US Census."""
    from tariffsim.data.census import partner_totals
    from tariffsim.negotiation.tariff_stakes import partner_codes

    t = partner_totals()
    codes = set(partner_codes(partner))
    rows = t.filter(t["iso3"].is_in(list(codes)))
    if rows.height == 0:
        raise DataNotFoundError(f"no 2024 US exports to {partner} in the Census partner table")
    return float(rows["exports_usd"].sum())


def retaliation_values(case: Any, env: Any) -> dict[str, np.ndarray]:
    """Expected first-order effect of the partner's retaliation on each constituency, ``(n,)``."""
    from tariffsim.negotiation.valuation import weigh

    ret = case.retaliation
    rate = env.num(ret["rate"])
    prob = env.num(ret["prob"])
    rho = (
        env.num("passthrough_retaliation")
        if "passthrough_retaliation" in case.parameters
        else np.ones_like(rate)
    )
    x = us_exports_usd(case.partner) / 1e9
    channels = {
        "us_exporters": -prob * (1.0 - rho) * rate * x,
        "partner_buyers": -prob * rho * rate * x,
        "partner_revenue": prob * rate * x,
    }
    out = {}
    for cname, c in case.constituencies.items():
        stakes = {ch: np.full((env.n, 1), case.number(v)) for ch, v in c.stakes.items()}
        out[cname] = weigh(stakes, channels, (env.n, 1))[:, 0]
    return out
