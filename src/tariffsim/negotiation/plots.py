"""Charts of a negotiation analysis (matplotlib, Agg backend): the Pareto frontier and the tornado."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tariffsim.core.palette import role


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
        color=role("frontier"),
        lw=1,
        label=f"Pareto frontier ({len(pts):,} packages)",
    )
    if result.deal_utilities.shape[0]:
        ax.scatter(
            result.deal_utilities[:, 0],
            result.deal_utilities[:, 1],
            s=6,
            alpha=0.25,
            color=role("deals"),
            label="simulated ratified deals",
        )
    ra, rb = result.reservation[a], result.reservation[b]
    ax.axvline(ra, color=role("party_a"), ls="--", lw=1, label=f"{a} no deal")
    ax.axhline(rb, color=role("party_b"), ls="--", lw=1, label=f"{b} no deal")
    if result.nash_utilities is not None:
        ax.plot(*result.nash_utilities, "*", ms=14, color=role("nash"), label="Nash")
    if result.ks_utilities is not None:
        ax.plot(
            *result.ks_utilities,
            "D",
            ms=8,
            mfc="none",
            color=role("ks"),
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


def tornado_rows(sensitivity: Sequence[dict[str, Any]], *, top: int = 12) -> list[dict[str, Any]]:
    """The rows of the tornado chart, longest bar first.

    For each parameter of :func:`tariffsim.negotiation.analysis.sensitivity` with both shares:
    ``low`` = share(parameter low) − share(base) and ``high`` likewise (the change in the first
    party's share of the Nash gains), and the bar's length max(low, high, 0) − min(low, high, 0) —
    what the chart draws, so the order is the one the eye reads. Ties keep the sensitivity order.
    ``moves``: the headline issues whose Nash level differs between low and high.
    """
    rows = []
    for r in sensitivity:
        if r.get("share_low") is None or r.get("share_high") is None:
            continue
        lo = float(r["share_low"]) - float(r["share_base"])
        hi = float(r["share_high"]) - float(r["share_base"])
        moved = [h for h in r["nash_base"] if r["nash_low"].get(h) != r["nash_high"].get(h)]
        rows.append(
            {
                "parameter": r["parameter"],
                "low": lo,
                "high": hi,
                "length": max(lo, hi, 0.0) - min(lo, hi, 0.0),
                "value_low": r.get("low"),
                "value_high": r.get("high"),
                "moves": moved,
            }
        )
    rows.sort(key=lambda r: -r["length"])  # stable: ties keep the sensitivity order
    return rows[:top]


def tornado_chart(result: Any, path: Path, *, top: int = 12) -> Path:
    """For each parameter at low/high: the change of the first party's share of the Nash gains.

    Rows sorted by bar length, longest at the top. The low and high bars of a row are drawn side
    by side (each half the row's height), so they stay legible when both fall on the same side.
    """
    plt = _plt()
    rows = tornado_rows(result.sensitivity, top=top)
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * max(len(rows), 1) + 1.6), dpi=120)
    labels = []
    h = 0.36
    for i, r in enumerate(reversed(rows)):
        ax.barh(i + h / 2, r["low"], height=h, color=role("low"), label="low" if i == 0 else None)
        ax.barh(
            i - h / 2, r["high"], height=h, color=role("high"), label="high" if i == 0 else None
        )
        moved = r["moves"]
        labels.append(r["parameter"] + (f"\n(moves {', '.join(moved)})" if moved else ""))
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.axvline(0, color=role("axis"), lw=0.8)
    a = result.parties[0]
    ax.set_xlabel(f"change in {a}'s share of the Nash gains")
    if rows:
        ax.legend(title="parameter at its", fontsize=7, title_fontsize=7, loc="lower right")
    ax.set_title(f"{result.case_id}: what moves the Nash package (longest bar first)")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
