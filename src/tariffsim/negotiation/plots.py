"""Charts of a negotiation analysis (matplotlib, Agg backend): the Pareto frontier and the tornado."""

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
            label="simulated ratified deals",
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
    """For each parameter at low/high: the change of the Nash package's imposer gain share."""
    plt = _plt()
    rows = [r for r in result.sensitivity if r.get("share_low") is not None][:top]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(rows), 1) + 1.6), dpi=120)
    base = rows[0]["share_base"] if rows else 0.0
    labels = []
    for i, r in enumerate(reversed(rows)):
        lo, hi = r["share_low"] - base, r["share_high"] - base
        # the longer bar first so that a shorter one on the same side stays visible
        for v, color in sorted(((lo, "tab:blue"), (hi, "tab:red")), key=lambda t: -abs(t[0])):
            ax.barh(i, v, color=color, alpha=0.75, height=0.6)
        moved = [h for h in r["nash_base"] if r["nash_low"].get(h) != r["nash_high"].get(h)]
        labels.append(r["parameter"] + (f"\n(moves {', '.join(moved)})" if moved else ""))
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.axvline(0, color="0.2", lw=0.8)
    a = result.parties[0]
    ax.set_xlabel(f"change in {a}'s share of the Nash gains (blue: parameter low, red: high)")
    ax.set_title(f"{result.case_id}: what moves the Nash package")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
