"""The backtest page (``docs/backtest.md``) and its chart, generated from a :class:`BacktestResult`.

Everything on the page comes from the run and the outcome files: nothing is typed by hand, so the
page shows whatever the scores are. ``scripts/backtest_report.py`` writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tariffsim.negotiation import wave_baselines as WB
from tariffsim.negotiation.outcomes import OutcomeFile, all_outcomes

_NAMES = {
    "model": "model",
    "recalibrated": "model, recalibrated (rolling)",
    "status_quo": "status quo",
    "split_difference": "split the difference",
    "last_deal": "last deal",
    "capability": "capability-weighted",
    "fitted_fraction": "fitted fraction (rolling)",
    "hazard": "hazard (rolling)",
    "coin": "coin (½)",
}

_PARTNER_NAMES = {"CHN": "China"}


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f}%"


def _f(x: Any, nd: int = 3) -> str:
    return "–" if x is None else f"{float(x):.{nd}f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def outcomes_table(outs: Sequence[OutcomeFile] | None = None) -> list[str]:
    """The outcome files: partner, headline, form, date, sources (and the impasses)."""
    outs = list(outs) if outs is not None else all_outcomes()
    rows = []
    for o in outs:
        if o.kind != "deal" or o.headline is None:
            continue
        car = o.auto_rate()
        rows.append(
            (
                o.name,
                o.dates.announced.isoformat(),
                _pct(o.headline.rate),
                o.headline.form.replace("_", "-"),
                _pct(car) if car is not None else "–",
                ", ".join(f"`{s}`" for s in o.headline.source),
                f"`{o.id}`",
            )
        )
    lines = _table(
        ["partner", "announced", "headline", "form", "cars (incl. MFN)", "sources", "file"], rows
    )
    imp = []
    for o in outs:
        if o.impasse is None:
            continue
        i = o.impasse
        inf = "; ".join(f"{r.measure} {_pct(r.rate)}" for r in i.in_force)
        imp.append(
            (
                o.name,
                i.status.replace("_", " "),
                i.reference_deadline.isoformat(),
                inf,
                i.last_checked.isoformat(),
                f"`{o.id}`",
            )
        )
    lines += [
        "",
        *_table(["impasse", "status", "deadline missed", "in force", "checked to", "file"], imp),
    ]
    return lines


def _target_rows(res: Any) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for r in res.rows:
        t = r.target
        fc = r.forecast or {}
        h = fc.get("headline") or {}
        rh = (getattr(r, "recalibrated", None) or {}).get("headline") or {}
        hb = r.baselines["headline"]
        rows.append(
            (
                f"{t.partner} {t.origin}",
                t.as_of.isoformat(),
                (_pct(t.headline) + (" floor" if t.form == "floor" else ""))
                if t.is_deal
                else "no deal",
                f"{_pct(h.get('median'))} [{_pct(h.get('p10'))}–{_pct(h.get('p90'))}]"
                if h
                else "–",
                f"{_pct(rh.get('median'))} [{_pct(rh.get('p10'))}–{_pct(rh.get('p90'))}]"
                if rh
                else "–",
                _pct(hb["status_quo"]),
                _pct(hb["split_difference"]),
                _pct(hb["last_deal"]),
                _pct(hb["capability"]),
                _pct(hb["fitted_fraction"]),
                "yes" if t.deal_within else "no",
                _f(fc.get("p_deal_within"), 2) if fc else "–",
                _f(r.baselines["p_deal"]["hazard"], 2),
            )
        )
    return rows


def _skill(s: dict[str, Any] | None) -> str:
    return f"{s['skill']:+.2f} [{s['lo']:+.2f}, {s['hi']:+.2f}]" if s else ""


def _band_lines(s: dict[str, Any], key: str, label: str, suffix: str = "") -> list[str]:
    """'coverage, mean width' sentences of the raw and the recalibrated model."""
    out = []
    for who, name in (("", "Model"), ("_recalibrated", "Recalibrated model")):
        b = s.get(key + who)
        if b:
            out += [
                f"{name} {label} 10–90 bands{suffix}: coverage **{b['coverage']:.0%}** of "
                f"{b['n']} outcomes, mean width **{100 * b['mean_width']:.1f} points**.",
                "",
            ]
    return out


def _h2h_lines(s: dict[str, Any], suffix: str = "") -> list[str]:
    out = []
    for who, name in (("", "Model"), ("_recalibrated", "Recalibrated model")):
        h2h = s.get("median_vs_split" + who)
        if h2h:
            out += [
                f"{name} median against split the difference{suffix}, target by target: closer "
                f"to the deal on **{h2h['closer']}**, farther on **{h2h['farther']}**, tied on "
                f"{h2h['tied']} (of {sum(h2h.values())}).",
                "",
            ]
    return out


def _recal_summary(res: Any) -> list[str]:
    """Raw against recalibrated, side by side, from the summary (no judgement typed by hand)."""
    from tariffsim.negotiation.backtest import SET_APART

    s = res.summary
    if "recalibrated" not in (s.get("headline_crps") or {}).get("mean", {}):
        return []
    scored = [r for r in res.rows if "headline_crps" in r.scores.get("recalibrated", {})]
    applied = [
        r
        for r in scored
        if ((r.recalibrated or {}).get("fit") or {}).get("headline", {}).get("applied")
    ]
    rest = s.get(f"without_{SET_APART}") or {}
    name = _PARTNER_NAMES.get(SET_APART, SET_APART)

    def row(label: str, blk: dict[str, Any], key: str, fmt: Any) -> tuple[str, ...]:
        b = blk.get(key) or {}
        m = b.get("mean", {})
        paired = b.get("mean_on_model_targets") or m  # split on the model's targets
        return (
            label,
            fmt(m.get("model")),
            fmt(m.get("recalibrated")),
            fmt(paired.get("split_difference")),
        )

    def band(blk: dict[str, Any], key: str) -> tuple[str, str]:
        a, b = blk.get(key), blk.get(key + "_recalibrated")

        def f(x: dict[str, Any]) -> str:
            return f"{x['coverage']:.0%} / {100 * x['mean_width']:.1f} pts"

        return (f(a) if a else "–", f(b) if b else "–")

    def h2h(blk: dict[str, Any], key: str) -> str:
        h = blk.get(key)
        return f"{h['closer']} / {h['farther']} / {h['tied']}" if h else "–"

    rows = [
        row("headline CRPS, all targets", s, "headline_crps", lambda x: _f(x, 4)),
        row(f"headline CRPS without {name}", rest, "headline_crps", lambda x: _f(x, 4)),
        row("headline interval score, all", s, "headline_is", lambda x: _f(x, 4)),
        row(f"headline interval score without {name}", rest, "headline_is", lambda x: _f(x, 4)),
        row("median abs. error, all", s, "headline_median_ae", lambda x: _f(x, 4)),
        row(f"median abs. error without {name}", rest, "headline_median_ae", lambda x: _f(x, 4)),
        row("car CRPS", s, "auto_crps", lambda x: _f(x, 4)),
        ("10–90 coverage / mean width, all", *band(s, "headline_band"), "–"),
        (f"10–90 coverage / mean width without {name}", *band(rest, "headline_band"), "–"),
        ("car 10–90 coverage / mean width", *band(s, "auto_band"), "–"),
        (
            "median vs split: closer / farther / tied, all",
            h2h(s, "median_vs_split"),
            h2h(s, "median_vs_split_recalibrated"),
            "–",
        ),
        (
            f"median vs split: closer / farther / tied without {name}",
            h2h(rest, "median_vs_split"),
            h2h(rest, "median_vs_split_recalibrated"),
            "–",
        ),
    ]
    return [
        "### Raw against recalibrated",
        "",
        f"The recalibration changed {len(applied)} of the {len(scored)} scored headline forecasts "
        "(the others had fewer than 3 earlier deals of their class with a model forecast, so they "
        "are the raw model's); every 15 April 2025 forecast is unchanged.",
        "",
        *_table(
            [
                "",
                "model (raw)",
                "model, recalibrated (rolling)",
                "split the difference (on the model's targets)",
            ],
            rows,
        ),
        "",
        *_changed_only(applied),
    ]


def _changed_only(rows: Sequence[Any]) -> list[str]:
    """The same comparison on the forecasts the recalibration changed."""
    if not rows:
        return []

    def mean(who: str, key: str) -> float:
        return sum(r.scores[who][key] for r in rows) / len(rows)

    def cov(get: Any) -> str:
        bs = [get(r)["headline"] for r in rows]
        c = sum(bool(b["in_band"]) for b in bs)
        w = 100 * sum(b["width"] for b in bs) / len(bs)
        return f"{c} of {len(bs)}, mean width {w:.1f} points"

    worse = [
        r.target.key
        for r in rows
        if r.scores["recalibrated"]["headline_crps"] > r.scores["model"]["headline_crps"]
    ]
    return [
        f"On the {len(rows)} forecasts it changed: mean headline CRPS raw "
        f"{mean('model', 'headline_crps'):.4f}, recalibrated "
        f"{mean('recalibrated', 'headline_crps'):.4f}, split the difference "
        f"{mean('split_difference', 'headline_crps'):.4f}; absolute error of the median "
        f"{mean('model', 'headline_median_ae'):.4f} / "
        f"{mean('recalibrated', 'headline_median_ae'):.4f} / "
        f"{mean('split_difference', 'headline_median_ae'):.4f}; outcomes inside the 10–90 band "
        f"raw {cov(lambda r: r.forecast)}, recalibrated {cov(lambda r: r.recalibrated)}. "
        "Recalibrated CRPS worse than raw on: "
        + (", ".join(f"`{k}`" for k in worse) if worse else "none")
        + ".",
        "",
    ]


def _recal_fit_table(res: Any) -> list[str]:
    """Per target: what the recalibration was fitted on (deals), the weight, shift and added s.d."""
    rows = []
    for r in res.rows:
        rc = getattr(r, "recalibrated", None)
        if not rc:
            continue
        for what, label in (("headline", "headline"), ("auto", "cars")):
            f = (rc.get("fit") or {}).get(what)
            if not f or not f["n"]:
                continue
            rows.append(
                (
                    f"{r.target.partner} {r.target.origin}",
                    r.target.as_of.isoformat(),
                    label,
                    str(f["n"]),
                    ", ".join(f"`{d}`" for d in f["deals"]) or "–",
                    _f(f["weight"], 2) if f["applied"] else "not applied",
                    f"{100 * f['shift']:+.1f}" if f["applied"] else "–",
                    f"{100 * f['sd']:.1f}" if f["applied"] else "–",
                )
            )
    if not rows:
        return []
    return [
        "### Recalibration per target: fitted on what",
        "",
        "Training deals are those concluded before the forecast date, each with the model's "
        "own forecast made 3 days before it (shift and added s.d. in rate points). Forecasts "
        "not listed had no such deal (every 15 April 2025 forecast among them) and are the raw "
        "model's; car fits are listed also where the deal set no car rate to score them on:",
        "",
        *_table(
            ["target", "as of", "rate", "deals", "training deals", "weight", "shift", "added s.d."],
            rows,
        ),
        "",
    ]


def _metric_table(block: dict[str, Any]) -> list[str]:
    """Mean score per forecaster; where the model scores fewer targets than the baselines, also
    each baseline's mean on the model's targets (what the skill compares)."""
    sk = block.get("skill", {})
    skr = block.get("skill_recalibrated")
    paired = block.get("mean_on_model_targets") or {}
    n_model = block["n"].get("model")
    show_paired = n_model is not None and any(n != n_model for n in block["n"].values())
    rows = []
    for who, m in sorted(block["mean"].items(), key=lambda kv: kv[1]):
        s = sk.get(who)
        row = [_NAMES.get(who, who), _f(m, 4), str(block["n"][who])]
        if show_paired:
            row.append(_f(paired.get(who), 4))
        row.append(_skill(s))
        if skr is not None:
            row.append(_skill(skr.get(who)))
        rows.append(tuple(row))
    headers = ["forecaster", "mean score", "targets"]
    if show_paired:
        headers.append(f"mean on the model's {n_model} targets")
    headers.append("model skill vs it [90% interval]")
    if skr is not None:
        headers.append("recalibrated skill vs it [90% interval]")
    return _table(headers, rows)


def _set_apart_section(s: dict[str, Any]) -> list[str]:
    """The headline scores again without the set-apart partner (China)."""
    from tariffsim.negotiation.backtest import SET_APART

    rest = s.get(f"without_{SET_APART}") or {}
    name = _PARTNER_NAMES.get(SET_APART, SET_APART)
    if not (rest.get("headline_crps") or {}).get("mean"):
        return []
    L = [
        f"### Headline rate without {name}",
        "",
        "China's headline is the IEEPA total: 145% in force and threatened in April and May 2025, "
        "so every baseline but the capability-weighted one said 145% where Geneva set 30%. Errors "
        "of that size on a few targets can decide a mean over all of them; the same scores over the "
        "other partners' targets:",
        "",
    ]
    for metric, title in (
        ("headline_crps", "mean CRPS"),
        ("headline_median_ae", "mean absolute error of the median"),
    ):
        block = rest.get(metric)
        if block and block["mean"]:
            L += [f"*{title}*", "", *_metric_table(block), ""]
    L += _band_lines(rest, "headline_band", "headline", f" without {name}")
    L += _h2h_lines(rest, f" without {name}")
    return L


PREREGISTRATION = (
    "commit `af6fe7d` (af6fe7da957ca207d6ac74515437f5eb3246f5be) on branch `research`, "
    "2026-12-03 21:08:53 UTC, which holds the specification below and no implementation; the "
    "recalibration was first run on the backtest targets after it, as implemented in commit "
    "`93147f5` (2026-12-03 21:14:02 UTC), and neither the specification nor its code was changed "
    "after any score was seen (only this page's presentation was)"
)
"""Where and when the recalibration was pre-registered (commit hash and UTC time)."""


def recalibration_section(res: Any) -> list[str]:
    """The pre-registered specification of the recalibrated forecaster (from the module's
    docstring, so the page and the code say the same)."""
    from tariffsim.negotiation import recalibration as RC

    doc = (RC.__doc__ or "").split("**Specification.**", 1)[-1].strip()
    doc = doc.replace("``", "`").replace(":data:", "").replace(":func:", "")
    return [
        "### Recalibrated forecaster: model, recalibrated (rolling) — pre-registered",
        "",
        "The raw model's headline draws are biased and its bands too narrow. A post-processing "
        "fitted only on the model's errors on earlier deals (rolling origin) is scored as a "
        "forecaster of its own (`src/tariffsim/negotiation/recalibration.py`, which gives the "
        "sources: Wang & Bishop 2005 dressing; Reifschneider & Tulip 2017; Gneiting et al. 2005). "
        f"Pre-registration: {PREREGISTRATION}. When it was written, the raw model's per-target "
        "results of the previous run were already on this page: the method was chosen as the "
        "textbook remedy for a biased, under-dispersed ensemble, its constants (3 deals, a "
        "shrinkage worth 3 deals) were set without computing what they would give, and no "
        "alternative was run.",
        "",
        doc,
        "",
    ]


def render(res: Any, *, chart: str | None, generated: dt.date, command: str) -> str:
    """The markdown page."""
    s = res.summary
    has_model = not res.settings["baselines_only"]
    L: list[str] = [
        "# Backtest: the 2025–26 wave forecasts against the real deals",
        "",
        f"*Generated by `{command}` on {generated.isoformat()} — do not edit by hand.*",
        "",
        "## What is forecast, and how it is scored",
        "",
        "For every deal of 2025–26 in `src/tariffsim/negotiation/outcomes/`, the forecast made "
        "**3 days before** its announcement (origin T3), and for every partner the forecast made on "
        "**15 April 2025** (origin T1), scored against that partner's first outcome after it (China: "
        "Geneva). For the impasses (Canada, Mexico, Brazil) the T3 forecast is made 3 days before the "
        "1 August 2025 deadline they missed. Scores (lower is better, all proper; Gneiting & Raftery "
        "2007):",
        "",
        "* **headline rate as the deal names it** (Japan's MFN-inclusive 15% is 0.15, Vietnam's add-on "
        "20% is 0.20; China's is the IEEPA total): CRPS of the forecast draws, and the interval score "
        "of the 10–90 band (a miss costs 10× its distance, so whole-scale bands do not pay);",
        "* **car rate** (total incl. MFN) where the deal set one (UK, Japan, EU, Korea);",
        "* **P(deal within 60 days)** of the forecast date: Brier score; an impasse counts as no deal.",
        "",
        "Skill = 1 − mean(model)/mean(baseline), with a 90% paired bootstrap interval over targets.",
        "",
        "### Baselines (defined before scoring)",
        "",
        "From dated facts only (`src/tariffsim/negotiation/facts/`): what was public on the forecast "
        "date and the deals concluded before it.",
        "",
    ]
    doc = (WB.__doc__ or "").split("Headline rate", 1)[-1].replace("``", "`")
    L += ["Headline rate" + doc.rstrip(), ""]
    L += [
        "### Fitted on what",
        "",
        "Two baseline quantities are fitted, each only on deals concluded before the forecast date "
        "(rolling origin): the fraction of the way from status quo to threat, and the deal hazard. "
        "Nothing is fitted on the deal being scored. The model's own fitting is documented with the "
        "model (`docs/negotiation.md`); its forecasts are read through "
        "`tariffsim.negotiation.outcomes.known_outcomes(as_of)`, which returns only deals concluded "
        "strictly before the forecast date.",
        "",
    ]
    L += recalibration_section(res)
    L += [
        "## Results",
        "",
    ]
    if not has_model:
        L += [
            "**The wave forecaster (`tariffsim.negotiation.forecast.forecast_partner`) was not available "
            "when this page was generated; only the baselines are scored.**",
            "",
        ]
    st = res.settings
    L += [
        f"{st['targets']} targets ({st['forecasts']} model forecasts of {st['draws']} draws, seed "
        f"{st['seed']}, executor `{st['executor']}`); forecasting took "
        f"{res.timings['forecasts_s']:.1f} s, the whole run {res.timings['total_s']:.1f} s.",
        "",
    ]
    if has_model:
        L += [
            "`docs/negotiation.md` §First scores discusses the first run of this backtest, made on "
            "the `neg` branch (1889ede) before the law and PE-calibration merges of 3 December "
            "2026: the forecaster, its priors and its case template are the same code now, but the "
            "stakes they are computed from moved with the law and the calibration, so its figures "
            "differ a little from this page's (e.g. headline CRPS 0.062 there).",
            "",
        ]
    for metric, title in (
        ("headline_crps", "Headline rate — mean CRPS (rate points as fractions)"),
        ("headline_is", "Headline rate — mean 10–90 interval score"),
        (
            "headline_median_ae",
            "Headline rate — mean absolute error of the median (point forecasts)",
        ),
        ("auto_crps", "Car rate — mean CRPS"),
        ("auto_is", "Car rate — mean 10–90 interval score"),
        ("brier", "P(deal within 60 days) — mean Brier score"),
    ):
        block = s.get(metric)
        if block and block["mean"]:
            L += [f"### {title}", "", *_metric_table(block), ""]
    if "brier" in s and any(getattr(r, "recalibrated", None) for r in res.rows):
        L += [
            "P(deal) is not recalibrated (specification, point 6): the recalibrated model's "
            "Brier score is the raw model's.",
            "",
        ]
    for what, label in (("headline_band", "headline"), ("auto_band", "car")):
        L += _band_lines(s, what, label)
    if s.get("model_without_headline_draws"):
        keys = ", ".join(f"`{k}`" for k in s["model_without_headline_draws"])
        L += [
            "The model gave no headline draws (no package both sides prefer to no deal in any draw) "
            f"for {keys}, though a deal was made: those targets have no model headline score, and "
            "the skill compares the model with each baseline on the model's targets only.",
            "",
        ]
    L += _h2h_lines(s)
    L += _set_apart_section(s)
    L += _recal_summary(res)
    if s.get("status_quo_or_threat_differ_from_facts"):
        keys = ", ".join(f"`{k}`" for k in s["status_quo_or_threat_differ_from_facts"])
        L += [
            "The model's status quo or threat differs from the dated facts' for: " + keys + ".",
            "",
        ]
    if "reliability" in s:
        L += ["### Reliability of P(deal within 60 days)", ""]
        L += _table(
            ["forecast bin", "mean forecast", "observed frequency", "targets"],
            [
                (
                    f"{r['lo']:.1f}–{r['hi']:.1f}",
                    _f(r["mean_forecast"], 2),
                    _f(r["observed"], 2),
                    str(r["n"]),
                )
                for r in s["reliability"]
            ],
        )
        L += [""]
    if chart:
        L += [f"![Bands against outcomes, and reliability]({chart})", ""]
    L += [
        "### Per target",
        "",
        *_table(
            [
                "target",
                "as of",
                "outcome",
                "model median [10–90]",
                "recalibrated median [10–90]",
                "status quo",
                "split",
                "last deal",
                "capability",
                "fitted",
                "deal ≤ 60 d",
                "P model",
                "P hazard",
            ],
            _target_rows(res),
        ),
        "",
        *_recal_fit_table(res),
        "## The outcome files",
        "",
        "One dated, sourced YAML file per deal and per impasse (sources are ids of "
        "`src/tariffsim/negotiation/facts/sources.yaml`; every number in a file carries its own). "
        "Terms no stored source confirms are listed under `unverified` in each file.",
        "",
        *outcomes_table(),
        "",
        "## File formats",
        "",
        "* **Facts** (`negotiation/facts/*.yaml`, models in `facts/schema.py`): every entry has `date` "
        "(the day it became public) and `source` (ids of `sources.yaml`); loaders take `as_of` and "
        "return only entries with `date <= as_of`, dropping later parts (a withdrawal, an election "
        "result, a proclamation).",
        "* **Outcomes** (`negotiation/outcomes/<id>.yaml`, models in `outcomes/schema.py`): partner, "
        "dates (announced, signed, legal instruments with their effective dates), the headline rate "
        'and its form (`add_on` on top of MFN, `floor` = MFN-inclusive "X% or MFN if higher"), '
        "sectoral rates with quotas, pledges (investment with its terms, purchases with their "
        "horizon), partner concessions, other rates (e.g. transshipment), and for impasses the "
        "status, dated events and what stayed in force. Items dated after the announcement carry "
        "their own `date`.",
        "* Unknown fields are errors; a bad file is refused with `file:line: field: problem`.",
        "",
        "Reproduce: `python scripts/backtest_report.py` (this page and its chart), or "
        "`tariffsim backtest wave [--json]`.",
        "",
    ]
    return "\n".join(L)


def plot(res: Any, path: Path) -> None:
    """Two panels: each deal's outcome against the model's 10–90 band and the baselines; and the
    reliability of P(deal within 60 days)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = _colours()
    rows = [r for r in res.rows if r.target.is_deal and r.target.headline is not None]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 0.32 * len(rows) + 2), width_ratios=[2.2, 1])
    for k, r in enumerate(rows):
        y = len(rows) - 1 - k
        h = (r.forecast or {}).get("headline")
        if h:
            ax.plot(
                [h["p10"], h["p90"]],
                [y, y],
                color=colours["model"],
                lw=5,
                alpha=0.45,
                solid_capstyle="butt",
            )
            ax.plot(h["median"], y, "|", color=colours["model"], ms=12, mew=2)
        rh = (getattr(r, "recalibrated", None) or {}).get("headline")
        if rh:
            yr = y - 0.3
            ax.plot([rh["p10"], rh["p90"]], [yr, yr], color=colours["model"], lw=1.5)
            ax.plot(rh["median"], yr, "|", color=colours["model"], ms=6, mew=1.5)
        hb = r.baselines["headline"]
        ax.plot(hb["split_difference"], y, "d", color=colours["split"], ms=5)
        ax.plot(hb["last_deal"], y, "s", color=colours["last"], ms=4)
        ax.plot(r.target.headline, y, "o", color=colours["outcome"], ms=6)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(
        [f"{r.target.partner} {r.target.origin} {r.target.as_of:%d %b %y}" for r in rows][::-1],
        fontsize=7,
    )
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("headline rate as the deal names it")
    top = [r.target.headline or 0.0 for r in rows]
    for r in rows:
        hb = r.baselines["headline"]
        top += [hb["split_difference"], hb["last_deal"]]
        for h in (
            (r.forecast or {}).get("headline"),
            (getattr(r, "recalibrated", None) or {}).get("headline"),
        ):
            if h:
                top.append(h["p90"])
    ax.set_xlim(0, min(1.6, max(top) + 0.05))
    handles = [
        matplotlib.lines.Line2D(
            [], [], color=colours["model"], lw=5, alpha=0.45, label="model 10–90"
        ),
        matplotlib.lines.Line2D(
            [], [], color=colours["model"], lw=1.5, label="recalibrated 10–90 (below)"
        ),
        matplotlib.lines.Line2D(
            [], [], color=colours["split"], marker="d", ls="", label="split the difference"
        ),
        matplotlib.lines.Line2D(
            [], [], color=colours["last"], marker="s", ls="", label="last deal"
        ),
        matplotlib.lines.Line2D(
            [], [], color=colours["outcome"], marker="o", ls="", label="outcome"
        ),
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    ax.set_title("Deals: outcome against forecasts", fontsize=9)
    ax2.plot([0, 1], [0, 1], color=colours["reference"], lw=1, ls="--")
    rel = res.summary.get("reliability") or []
    if rel:
        ax2.plot(
            [b["mean_forecast"] for b in rel],
            [b["observed"] for b in rel],
            "o-",
            color=colours["model"],
            label="model",
        )
    from tariffsim.negotiation.scoring import reliability

    hz = reliability(
        [r.baselines["p_deal"]["hazard"] for r in res.rows],
        [r.target.deal_within for r in res.rows],
    )
    ax2.plot(
        [b["mean_forecast"] for b in hz],
        [b["observed"] for b in hz],
        "s--",
        color=colours["hazard"],
        label="hazard baseline",
    )
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("forecast P(deal within 60 days)")
    ax2.set_ylabel("observed frequency")
    ax2.legend(fontsize=7)
    ax2.set_title("Reliability", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _colours() -> dict[str, str]:
    """Chart colours: roles of the project palette (``tariffsim.core.palette``)."""
    from tariffsim.core.palette import role

    return {
        "model": role("forecast"),
        "split": role("split"),
        "last": role("last_deal"),
        "outcome": role("actual"),
        "hazard": role("p_deal"),
        "reference": role("reference"),
    }
