"""Charts of a negotiation analysis (matplotlib, Agg backend): the Pareto frontier and the global
sensitivity of the forecast to the priors."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def pareto_chart(result: Any, path: Path) -> Path:
    """Frontier points, reservation lines, Nash and KS packages and the negotiated deals."""
    plt = _plt()
    a, b = result.parties
    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=120)
    pts = result.pareto_points
    ax.plot(
        pts[:, 0],
        pts[:, 1],
        "-",
        color="0.3",
        lw=1,
        label=f"Pareto frontier ({len(pts):,} packages)",
    )
    if result.deal_utilities.shape[0]:
        ax.scatter(
            result.deal_utilities[:, 0],
            result.deal_utilities[:, 1],
            s=6,
            alpha=0.25,
            color="tab:blue",
            label="forecast deals (one per draw of the priors)",
        )
    ra, rb = result.reservation[a], result.reservation[b]
    ax.axvline(ra, color="tab:red", ls="--", lw=1, label=f"{a} no deal")
    ax.axhline(rb, color="tab:orange", ls="--", lw=1, label=f"{b} no deal")
    if result.nash_utilities is not None:
        ax.plot(*result.nash_utilities, "*", ms=14, color="tab:green", label="Nash")
    if result.ks_utilities is not None:
        ax.plot(
            *result.ks_utilities,
            "D",
            ms=8,
            mfc="none",
            color="tab:purple",
            label="Kalai–Smorodinsky",
        )
    ax.set_xlabel(f"{a} utility (US$ bn/yr equivalent)")
    ax.set_ylabel(f"{b} utility (US$ bn/yr equivalent)")
    ax.set_title(f"{result.case_id}: frontier and zone of agreement")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def tornado_chart(result: Any, path: Path, *, top: int = 12) -> Path:
    """Global sensitivity over the joint draws: for each prior, its rank correlation with the forecast
    headline rate, the car rate and P(deal) (bars), most important first."""
    plt = _plt()
    rows = result.sensitivity[:top]
    outs = [o for o in ("headline", "auto", "p_deal") if rows and f"{o}_spearman" in rows[0]]
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * max(len(rows), 1) + 1.6), dpi=120)
    h = 0.8 / max(len(outs), 1)
    colors = {"headline": "tab:blue", "auto": "tab:orange", "p_deal": "tab:green"}
    for k, o in enumerate(outs):
        vals = [r.get(f"{o}_spearman") or 0.0 for r in reversed(rows)]
        ax.barh(
            [i + (k - (len(outs) - 1) / 2) * h for i in range(len(rows))],
            vals,
            height=h,
            color=colors[o],
            label=o,
        )
    ax.set_yticks(range(len(rows)), [r["parameter"] for r in reversed(rows)], fontsize=7)
    ax.axvline(0, color="0.2", lw=0.8)
    ax.set_xlabel("Spearman rank correlation with the forecast over the joint draws")
    ax.set_title(f"{result.case_id}: which priors move the forecast")
    if outs:
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
