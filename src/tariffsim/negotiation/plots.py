"""Charts of a negotiation analysis (matplotlib, Agg backend): the Pareto frontier and the global
sensitivity of the forecast to the priors."""

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
            label="forecast deals (one per draw of the priors)",
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


#: The bars a tornado row can have: a parameter at its low/high value (one-at-a-time sensitivity:
#: the change in the first party's share of the Nash gains), or a forecast output (global
#: sensitivity: the rank correlation of the prior with that output over the joint draws).
TORNADO_BARS = {
    "low": "parameter at its low value",
    "high": "parameter at its high value",
    "headline": "headline rate",
    "auto": "car rate",
    "p_deal": "P(deal)",
}


def tornado_rows(sensitivity: Sequence[dict[str, Any]], *, top: int = 12) -> list[dict[str, Any]]:
    """The rows of a tornado chart, longest first: ``{parameter, bars: {kind: value}, length,
    moves}``.

    Two kinds of sensitivity rows are read. One at a time (``share_low``/``share_high``/``share_base``,
    :func:`tariffsim.negotiation.analysis.sensitivity`): bars ``low`` and ``high`` = the change in
    the first party's share of the Nash gains with the parameter at that value; ``moves`` = the
    headline issues whose Nash level differs between low and high. Global (``<output>_spearman``
    over the joint draws): one bar per output, its Spearman rank correlation with the prior.
    ``length`` is what the eye reads: for low/high, the span max(bars, 0) − min(bars, 0) they
    draw together; for the outputs, the longest bar max |ρ|. Ties keep the input order.
    """
    rows = []
    for r in sensitivity:
        bars: dict[str, float] = {}
        moves: list[str] = []
        if any(str(k).endswith("_spearman") for k in r):
            for out in ("headline", "auto", "p_deal"):
                v = r.get(f"{out}_spearman")
                if v is not None:
                    bars[out] = float(v)
        elif r.get("share_low") is not None and r.get("share_high") is not None:
            base = float(r["share_base"])
            bars = {"low": float(r["share_low"]) - base, "high": float(r["share_high"]) - base}
            nb, nl, nh = r.get("nash_base") or {}, r.get("nash_low") or {}, r.get("nash_high") or {}
            moves = [h for h in nb if nl.get(h) != nh.get(h)]
        if not bars:
            continue
        vals = list(bars.values())
        # one at a time: low and high make one span; global: the longest single bar, |ρ|
        length = max(*vals, 0.0) - min(*vals, 0.0) if "low" in bars else max(abs(v) for v in vals)
        rows.append(
            {
                "parameter": r["parameter"],
                "bars": bars,
                "length": length,
                "value_low": r.get("low"),
                "value_high": r.get("high"),
                "moves": moves,
            }
        )
    rows.sort(key=lambda r: -r["length"])  # stable: ties keep the input order
    return rows[:top]


def tornado_chart(result: Any, path: Path, *, top: int = 12) -> Path:
    """What moves the forecast: the rows of :func:`tornado_rows` (longest at the top), the bars of
    a row side by side (each a share of the row's height) so that they stay legible when they fall
    on the same side of zero; colours from :mod:`tariffsim.core.palette`."""
    plt = _plt()
    rows = tornado_rows(result.sensitivity, top=top)
    kinds = [k for k in TORNADO_BARS if any(k in r["bars"] for r in rows)]
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * max(len(rows), 1) + 1.6), dpi=120)
    h = 0.8 / max(len(kinds), 1)
    labels = []
    for i, r in enumerate(reversed(rows)):
        for k, kind in enumerate(kinds):
            if kind not in r["bars"]:
                continue
            y = i + ((len(kinds) - 1) / 2 - k) * h  # the first kind on top
            ax.barh(y, r["bars"][kind], height=h, color=role(kind), label=TORNADO_BARS[kind])
        moved = r["moves"]
        labels.append(r["parameter"] + (f"\n(moves {', '.join(moved)})" if moved else ""))
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.axvline(0, color=role("axis"), lw=0.8)
    if kinds and kinds[0] in ("low", "high"):
        ax.set_xlabel(f"change in {result.parties[0]}'s share of the Nash gains")
    else:
        ax.set_xlabel("Spearman rank correlation with the forecast over the joint draws")
    handles, names = ax.get_legend_handles_labels()
    if handles:
        seen = dict(zip(names, handles, strict=True))  # one legend entry per kind
        ax.legend(seen.values(), seen.keys(), fontsize=7, loc="lower right")
    ax.set_title(f"{result.case_id}: what moves the forecast (longest bar first)")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
