"""``tariffsim backtest wave``: the 2025–26 wave forecasts scored on the real deals."""

from __future__ import annotations

from typing import Any

import typer

backtest_app = typer.Typer(
    help="Score forecasts on what happened (the 2025–26 deals and impasses).",
    no_args_is_help=True,
)


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f}%"


def _num(x: Any, nd: int = 3) -> str:
    return "–" if x is None else f"{float(x):.{nd}f}"


@backtest_app.command("wave")
def wave(
    json_: bool = typer.Option(False, "--json", help="print the full results as JSON"),
    draws: int = typer.Option(2000, "--draws", help="draws per forecast"),
    seed: int = typer.Option(0, "--seed", help="random seed (forecasts and bootstrap)"),
    executor: str = typer.Option("local", "--executor", help="serial, local (process pool) or ray"),
    workers: int | None = typer.Option(None, "--workers", help="parallel workers (default: CPUs)"),
    baselines_only: bool = typer.Option(
        False, "--baselines-only", help="score the baselines alone (no forecasting model)"
    ),
    n_boot: int = typer.Option(2000, "--bootstrap", help="bootstrap resamples for skill intervals"),
) -> None:
    """Forecast every deal 3 days before it and on 15 Apr 2025; score rates (CRPS, interval
    score) and P(deal within 60 days) (Brier) against the baselines."""
    from tariffsim.cli.render import print_json
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.backtest import run_backtest

    if draws < 1:
        raise InputError(f"--draws must be at least 1 (got {draws})")
    if n_boot < 1:
        raise InputError(f"--bootstrap must be at least 1 (got {n_boot})")
    res = run_backtest(
        baselines_only=baselines_only,
        draws=draws,
        seed=seed,
        executor=executor,
        workers=workers,
        n_boot=n_boot,
        progress=not json_,
    )
    if json_:
        print_json(res.to_json())
        return
    _print_report(res)


def _print_report(res: Any) -> None:
    from tariffsim.cli.render import print_table

    rows = []
    for r in res.rows:
        t = r.target
        fc = r.forecast or {}
        h = fc.get("headline") or {}
        hb = r.baselines["headline"]
        model = f"{_pct(h['median'])} [{_pct(h['p10'])}–{_pct(h['p90'])}]" if h else "–"
        rh = (r.recalibrated or {}).get("headline") or {}
        recal = f"{_pct(rh['median'])} [{_pct(rh['p10'])}–{_pct(rh['p90'])}]" if rh else "–"
        rows.append(
            (
                f"{t.partner} {t.origin}",
                t.as_of.isoformat(),
                _pct(t.headline) + (" fl" if t.form == "floor" else ""),
                model,
                recal,
                f"{_pct(hb['status_quo'])} / {_pct(hb['split_difference'])} / {_pct(hb['last_deal'])}",
                "yes" if t.deal_within else "no",
                f"{_num(fc.get('p_deal_within'), 2)} / {_num(r.baselines['p_deal']['hazard'], 2)}",
            )
        )
    print_table(
        "Targets: headline as the deal names it (fl = MFN-inclusive floor)",
        [
            "target",
            "as of",
            "outcome",
            "model [10–90]",
            "recalibrated [10–90]",
            "sq / split / last deal",
            "deal ≤60d",
            "P model / hazard",
        ],
        rows,
        right={2, 3, 4, 5, 7},
    )
    s = res.summary
    for metric, title in (
        ("headline_crps", "Headline rate: mean CRPS (rate points)"),
        ("headline_is", "Headline rate: mean 10–90 interval score"),
        ("auto_crps", "Car rate: mean CRPS"),
        ("brier", "P(deal within 60 days): mean Brier score"),
    ):
        block = s.get(metric)
        if not block or not block["mean"]:
            continue
        sk = block.get("skill", {})
        table = [
            (
                who,
                _num(m, 4),
                str(block["n"][who]),
                (
                    f"{sk[who]['skill']:+.2f} [{sk[who]['lo']:+.2f}, {sk[who]['hi']:+.2f}]"
                    if who in sk
                    else ""
                ),
            )
            for who, m in sorted(block["mean"].items(), key=lambda kv: kv[1])
        ]
        print_table(
            title, ["forecaster", "mean", "n", "model skill vs it [90% CI]"], table, right={1, 2}
        )
    for what in ("headline_band", "auto_band"):
        for key, who in (("", "model"), ("_recalibrated", "recalibrated")):
            if what + key in s:
                b = s[what + key]
                print(
                    f"{who} {what.split('_')[0]} 10–90 bands: coverage {b['coverage']:.0%}, mean "
                    f"width {100 * b['mean_width']:.1f} points (n = {b['n']})"
                )
    if s.get("model_without_headline_draws"):
        print(
            "no model headline draws (no package in any draw) for: "
            + ", ".join(s["model_without_headline_draws"])
        )
    print(
        f"{res.settings['targets']} targets, {res.settings['forecasts']} forecasts; "
        f"forecasting {res.timings['forecasts_s']:.1f} s, total {res.timings['total_s']:.1f} s"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(backtest_app, name="backtest")
