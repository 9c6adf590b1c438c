"""``tariffsim ge``: the 194-country general-equilibrium model (Ignatenko et al. 2025).

Commands: ``ge run``, ``ge reproduce-ilms2025``, ``ge optimal``, ``ge nash``, ``ge montecarlo``.
Heavy imports (numpy, scipy, the model) happen inside the command functions.
"""

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from tariffsim.core.errors import InputError

ge_app = typer.Typer(
    name="ge",
    help="General-equilibrium model of the 2025 tariffs (194 countries; Ignatenko et al., JIE 2025).",
    no_args_is_help=True,
)

_OUTCOMES_SHORT = {
    "welfare_pct": "welfare",
    "deficit_pct": "deficit",
    "exports_gdp_pct": "exports/GDP",
    "imports_gdp_pct": "imports/GDP",
    "employment_pct": "employment",
    "prices_pct": "prices",
    "revenue_gdp_pct": "revenue/GDP",
}


def register(app: typer.Typer) -> None:
    """Add the ``ge`` command group to the main app."""
    app.add_typer(ge_app, name="ge")


def _fmt(x: float) -> str:
    return f"{x:+.2f}"


def _csv_option(what: str) -> Any:
    """``--csv FILE`` of a ``ge`` command; ``what`` names the table it writes."""
    from tariffsim.cli.render import csv_option

    return csv_option(
        f"write {what} as CSV, the same rows and numbers as --json; "
        "'-' = standard output, instead of the table"
    )


def _check_csv(csv: Path | None) -> None:
    """Refuse an unwritable ``--csv`` target before anything is solved."""
    if csv is not None:
        from tariffsim.cli.render import check_output_path

        check_output_path(csv, option="--csv", stdout_ok=True)


def _write_csv(csv: Path | None, table: Any) -> bool:
    """Write ``table`` to ``--csv`` when given; True when it went to standard output (then the
    command prints nothing else)."""
    if csv is None:
        return False
    from tariffsim.cli.render import csv_to_stdout, write_csv

    write_csv(csv, table)
    return csv_to_stdout(csv)


def _region_table(title: str, rows: list[dict[str, Any]], with_scenario: bool = False) -> None:
    from tariffsim.cli.render import print_table

    cols = (
        (["scenario"] if with_scenario else [])
        + ["region"]
        + [f"{v} %" for v in _OUTCOMES_SHORT.values()]
    )
    body = [
        ([r["scenario"]] if with_scenario else [])
        + [r["region"]]
        + [_fmt(r[c]) for c in _OUTCOMES_SHORT]
        for r in rows
    ]
    offset = 2 if with_scenario else 1
    print_table(title, cols, body, right=set(range(offset, offset + len(_OUTCOMES_SHORT))))


def _plot(result: Any, path: Path, top: int = 30) -> None:
    """Bar charts of welfare and price changes for the ``top`` largest economies (by baseline E)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tariffsim.core.palette import role
    from tariffsim.models.ge_data import load_model

    if path.suffix.lower() != ".png":
        raise InputError(
            f"--plot wants a .png file, got {path.name!r}", hint="e.g. --plot welfare.png"
        )
    df = result.frame("countries")
    model = load_model(result.provenance.get("variant", "baseline"))
    order = sorted(range(model.n), key=lambda k: -float(model.E[k]))[:top]
    sub = df[order].sort("welfare_pct")
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.28 * top + 1.5), sharey=True)
    for ax, col, label in (
        (axes[0], "welfare_pct", "welfare change, %"),
        (axes[1], "prices_pct", "price index change, %"),
    ):
        vals = sub[col].to_list()
        colors = (
            [role("gain") if v >= 0 else role("loss") for v in vals]
            if col == "welfare_pct"
            else role("neutral")
        )
        ax.barh(sub["iso3"].to_list(), vals, color=colors)
        ax.axvline(0, color=role("axis"), lw=0.6)
        ax.set_xlabel(label)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"GE model: {result.scenario} ({top} largest economies)")
    fig.tight_layout()
    from tariffsim.cli.render import write_output

    try:
        write_output(
            path, lambda p: fig.savefig(p, dpi=110, format="png"), option="--plot", suffix=".png"
        )
    finally:
        plt.close(fig)


@ge_app.command("run")
def run_cmd(
    scenario: Annotated[
        str | None,
        typer.Option(help="paper scenario (default ustr_income_tax unless --on/--reform)"),
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="US tariffs from the schedule on this date (YYYY-MM-DD)")
    ] = None,
    reform: Annotated[
        Path | None, typer.Option(help="reform file applied to the schedule (needs --on)")
    ] = None,
    retaliation: Annotated[str | None, typer.Option(help="none | reciprocal | optimal")] = None,
    revenue: Annotated[str | None, typer.Option(help="income_tax | lump_sum")] = None,
    horizon: Annotated[
        str,
        typer.Option(
            help="long-run (ε = 4) or short-run (ε = 4 × 0.38, Boehm et al. 2023); with --on only"
        ),
    ] = "long-run",
    countries: Annotated[bool, typer.Option("--countries", help="also list every country")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="write welfare and price bar charts to this PNG")
    ] = None,
    csv: Path | None = _csv_option(
        "the regions table (frames.regions), or with --countries the countries table "
        "(frames.countries, every country and column, in the model's order)"
    ),
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Solve the GE model for a paper scenario or for the US tariffs the law sets on a date."""
    from tariffsim.models import ge
    from tariffsim.models.ge_data import load_model
    from tariffsim.models.ge_scenarios import RETALIATIONS, apply_retaliation, get_scenario
    from tariffsim.models.horizons import check_horizon

    check_horizon(horizon)
    _check_csv(csv)

    if retaliation is not None and retaliation not in RETALIATIONS:
        raise InputError(
            f"--retaliation {retaliation!r} is not known", hint="use none, reciprocal or optimal"
        )
    if revenue is not None and revenue not in ge.REVENUE_USES:
        raise InputError(f"--revenue {revenue!r} is not known", hint="use income_tax or lump_sum")
    law = on is not None or reform is not None
    if law and scenario is not None:
        raise InputError(
            "--scenario cannot be combined with --on/--reform", hint="use one or the other"
        )
    if law:
        if on is None:
            raise InputError("--reform needs --on DATE (the day the reformed schedule is read)")
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise InputError(
                f"--on {on!r} is not a date", hint="use YYYY-MM-DD, e.g. 2025-04-09"
            ) from None
        if reform is not None and not reform.is_file():
            raise InputError(f"reform file {str(reform)!r} not found")
        from tariffsim.models.ge_scenarios import law_scenario
        from tariffsim.schedule import load_schedule

        load_schedule().check_date(day, field="--on")
        result = law_scenario(
            day,
            reform,
            horizon=horizon,
            retaliation=retaliation or "none",  # type: ignore[arg-type]
            revenue=revenue or "income_tax",
        )
        _show_run(result, countries=countries, plot=plot, csv=csv, json=json)
        return
    if horizon != "long-run":
        raise InputError(
            "--horizon applies to the law's tariffs (--on DATE)",
            hint="the paper's scenarios are long-run; use --on DATE --horizon short-run",
        )
    sc = get_scenario(scenario or "ustr_income_tax")
    model = load_model(sc.variant)
    t = sc.build(model)
    name = sc.name
    rev = revenue or sc.revenue
    if retaliation is not None and retaliation != "none":
        t = apply_retaliation(model, t, retaliation)  # type: ignore[arg-type]
        name += f"+{retaliation}_retaliation"
    eq = ge.solve(model, t, revenue=rev)  # type: ignore[arg-type]
    _show_run(
        ge.make_result(model, eq, scenario=name),
        countries=countries,
        plot=plot,
        csv=csv,
        json=json,
    )


def _show_run(
    result: Any, *, countries: bool, plot: Path | None, csv: Path | None, json: bool
) -> None:
    """Print (or plot) a solved GE run: region table, optional country table, or JSON; ``--csv``
    gets the regions frame, or the countries frame with ``--countries``."""
    from tariffsim.cli.render import print_json, print_table

    if plot is not None:
        _plot(result, plot)
    if _write_csv(csv, result.frame("countries" if countries else "regions")):
        return
    if json:
        out = result.to_dict()
        if not countries:
            out["frames"].pop("countries")
        print_json(out)
        return
    d = result.diagnostics
    rev = result.provenance.get("revenue_use", "income_tax")
    horizon = result.provenance.get("horizon")
    _region_table(
        f"{result.scenario} — revenue: {rev}"
        + (f"; {horizon} (ε = {result.provenance['trade_elasticity']:.2f})" if horizon else "")
        + f"; Newton {d.iterations} iterations, residual {d.residual_norm:.1e}",
        result.frame("regions").to_dicts(),
    )
    if countries:
        df = result.frame("countries").sort("welfare_pct")
        print_table(
            "countries",
            ["iso3", "welfare %", "prices %", "employment %", "US tariff"],
            [
                [
                    r["iso3"],
                    _fmt(r["welfare_pct"]),
                    _fmt(r["prices_pct"]),
                    _fmt(r["employment_pct"]),
                    f"{100 * r['us_tariff_rate']:.1f}%",
                ]
                for r in df.to_dicts()
            ],
            right={1, 2, 3, 4},
        )
    if plot is not None:
        typer.echo(f"wrote {plot}")


@ge_app.command("reproduce-ilms2025")
def reproduce_cmd(
    csv: Path | None = _csv_option("the 36 rows (scenario, region)"),
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The paper's 9 scenarios x 4 regions (USA, CHN, EU, non-US)."""
    from tariffsim.cli.render import print_json
    from tariffsim.models.ge_scenarios import reproduce_ilms2025

    _check_csv(csv)
    rows = reproduce_ilms2025()
    if _write_csv(csv, rows):
        return
    if json:
        print_json(rows)
        return
    _region_table(
        "Ignatenko, Lashkaripour, Macedoni & Simonovska (2025): percent changes (revenue: % of GDP)",
        rows,
        with_scenario=True,
    )


#: What ``ge optimal`` says about each method (docs/ge.md, "Optimal and Nash tariffs").
_OPTIMAL_NOTES = {
    "formula": "spec/paper formula 1/((1+δε)φ-1) with δ from BASELINE shares (the paper's scenario rate)",
    "fixed_point": "first-order condition of the optimum with shares AT THE OPTIMUM, incl. deficit "
    "terms; exact with fixed labour in two regions, approximate on 194 countries",
    "direct": "maximises the spec's US welfare over a uniform tariff on the solved model",
}


@ge_app.command("optimal")
def optimal_cmd(
    method: Annotated[
        str, typer.Option(help="formula | fixed-point | direct | all (default: all three)")
    ] = "all",
    revenue: Annotated[str, typer.Option(help="income_tax | lump_sum")] = "income_tax",
    fixed_labour: Annotated[
        bool,
        typer.Option(
            "--fixed-labour",
            help="κ = 0 (no labour-supply response): the case in which the formula is exact",
        ),
    ] = False,
    two_region: Annotated[
        bool, typer.Option("--two-region", help="the model aggregated to US vs rest of world")
    ] = False,
    csv: Path | None = _csv_option(
        "one row per method (the fixed point's terms as terms_<name> columns, empty for "
        "the other methods)"
    ),
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The US's unilaterally optimal uniform tariff: formula on baseline data, formula at the
    optimum (fixed point) and direct maximisation of US welfare."""
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.models.ge_data import load_model
    from tariffsim.models.optimal import aggregate_model, optimal_us_tariff

    methods = {
        "formula": ["formula"],
        "fixed-point": ["fixed_point"],
        "fixed_point": ["fixed_point"],
        "direct": ["direct"],
        "all": ["formula", "fixed_point", "direct"],
        "both": ["formula", "fixed_point", "direct"],
    }
    if method not in methods:
        raise InputError(
            f"--method {method!r} is not known", hint="use formula, fixed-point, direct or all"
        )
    if revenue not in ("income_tax", "lump_sum"):
        raise InputError(f"--revenue {revenue!r} is not known", hint="use income_tax or lump_sum")
    _check_csv(csv)
    model = load_model("baseline")
    if two_region:
        model = aggregate_model(model, {"USA": ("USA",)})
    if fixed_labour:
        model = model.with_params(kappa=0.0)
    res = [optimal_us_tariff(model, method=m, revenue=revenue) for m in methods[method]]  # type: ignore[arg-type]
    setting = {
        "revenue": revenue,
        "kappa": model.kappa,
        "regions": model.n,
    }
    rows = [
        {
            "method": r.method,
            "rate": r.rate,
            "us_welfare_pct": r.welfare_pct,
            "evaluations": r.evaluations,
            **setting,
            "note": _OPTIMAL_NOTES[r.method],
            **({"terms": r.details} if r.details else {}),
        }
        for r in res
    ]
    if _write_csv(csv, _optimal_csv(rows)):
        return
    if json:
        print_json(rows)
        return
    print_table(
        f"optimal uniform US tariff ({model.n} regions, revenue: {revenue}, κ = {model.kappa:g})",
        ["method", "tariff", "US welfare %", "model solves"],
        [
            [
                r["method"],
                f"{100 * float(r['rate']):.2f}%",  # type: ignore[arg-type]
                _fmt(float(r["us_welfare_pct"])),  # type: ignore[arg-type]
                r["evaluations"],
            ]
            for r in rows
        ],
        right={1, 2, 3},
    )
    for r in rows:
        say(f"{r['method']}: {r['note']}.")
    say(
        "The formula is exact when labour is fixed (κ = 0; the revenue use then does not matter) and "
        "the rest of the world moves as one region (--fixed-labour --two-region: fixed point = "
        "direct maximum). With κ > 0 the tariff also moves employment, which the formula leaves "
        "out (income-tax relief raises the direct optimum, a lump-sum rebate lowers it); on 194 "
        "countries third-country wages move differently (0.4 points). See docs/ge.md."
    )


@ge_app.command("nash")
def nash_cmd(
    players: Annotated[
        str,
        typer.Option(
            help="two-region (US vs rest, aggregated) | blocs (US, CHN, EU, rest, aggregated) | "
            "members (US, CHN, EU, rest as groups of the full 194-country model; slower)"
        ),
    ] = "two-region",
    revenue: Annotated[str, typer.Option(help="income_tax | lump_sum")] = "income_tax",
    csv: Path | None = _csv_option(
        "one row per player (player, tariff on the others, welfare_pct)"
    ),
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Nash equilibrium in uniform tariffs by best-response iteration."""
    from tariffsim.cli.render import print_json, print_table
    from tariffsim.models.ge_data import EU_MEMBERS, load_model
    from tariffsim.models.optimal import DEFAULT_BLOCS, aggregate_model, nash_tariffs

    if players not in ("two-region", "blocs", "members"):
        raise InputError(
            f"--players {players!r} is not known", hint="use two-region, blocs or members"
        )
    if revenue not in ("income_tax", "lump_sum"):
        raise InputError(f"--revenue {revenue!r} is not known", hint="use income_tax or lump_sum")
    _check_csv(csv)
    model = load_model("baseline")
    if players == "members":
        inside = {"USA", "CHN", *EU_MEMBERS}
        groups = {
            "USA": ("USA",),
            "CHN": ("CHN",),
            "EU": EU_MEMBERS,
            "ROW": tuple(c for c in model.iso3 if c not in inside),
        }
        res = nash_tariffs(model, players=groups, revenue=revenue)  # type: ignore[arg-type]
    else:
        blocs = {"USA": ("USA",)} if players == "two-region" else DEFAULT_BLOCS
        res = nash_tariffs(aggregate_model(model, blocs), revenue=revenue)  # type: ignore[arg-type]
    d = res.to_dict()
    nash_rows = [
        {"player": p, "tariff": d["tariffs"][p], "welfare_pct": d["welfare_pct"][p]}
        for p in res.players
    ]
    if _write_csv(csv, nash_rows):
        return
    if json:
        print_json(d)
        return
    print_table(
        f"Nash tariffs ({players}, revenue: {revenue}); {res.rounds} rounds, "
        f"max change {res.diagnostics.residual_norm:.1e}",
        ["player", "tariff on others", "welfare %"],
        [[p, f"{100 * d['tariffs'][p]:.2f}%", _fmt(d["welfare_pct"][p])] for p in res.players],
        right={1, 2},
    )
    if d["diagnostics"]["at_upper_bound"]:
        typer.echo(
            f"note: at the 100% search bound: {', '.join(d['diagnostics']['at_upper_bound'])}"
        )


@ge_app.command("montecarlo")
def montecarlo_cmd(
    draws: Annotated[int, typer.Option(help="number of parameter draws")] = 1000,
    scenario: Annotated[str, typer.Option(help="paper scenario")] = "ustr_income_tax",
    eps: Annotated[
        str, typer.Option(help="trade elasticity: e.g. lognormal:4,0.25 | uniform:3,6 | 4")
    ] = "lognormal:4,0.25",
    kappa: Annotated[
        str, typer.Option(help="labour-supply elasticity distribution")
    ] = "uniform:0.25,0.75",
    passthrough: Annotated[
        str, typer.Option(help="φ constant (1 complete, 0.25 incomplete)")
    ] = "1",
    percentiles: Annotated[str, typer.Option(help="comma-separated percentiles")] = "5,50,95",
    seed: Annotated[int, typer.Option(help="random seed")] = 20250402,
    executor: Annotated[str, typer.Option(help="serial | local | ray")] = "local",
    workers: Annotated[int | None, typer.Option(help="processes (default: CPUs available)")] = None,
    csv: Path | None = _csv_option("the bands (one row per region and outcome; --json's bands)"),
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Percentile bands of the outcomes per region over parameter uncertainty."""
    from tariffsim.cli.render import print_json, print_table
    from tariffsim.models.montecarlo import Dist, run_montecarlo

    try:
        qs = [float(q) for q in percentiles.split(",")]
    except ValueError:
        raise InputError(
            f"--percentiles {percentiles!r} is not a list of numbers", hint="e.g. 5,50,95"
        ) from None
    _check_csv(csv)
    res = run_montecarlo(
        scenario=scenario,
        draws=draws,
        dists={
            "eps": Dist.parse(eps),
            "kappa": Dist.parse(kappa),
            "passthrough": Dist.parse(passthrough),
        },
        percentiles=qs,
        seed=seed,
        executor=executor,
        workers=workers,
        progress=not json,
    )
    df = res.frame("bands")
    if _write_csv(csv, df):
        return
    if json:
        print_json(
            {
                "scenario": scenario,
                "draws": draws,
                "failed": res.diagnostics.details["failed"] if res.diagnostics else 0,
                "bands": df.to_dicts(),
                "provenance": dict(res.provenance),
            }
        )
        return
    pcols = [c for c in df.columns if c.startswith("p")]
    print_table(
        f"Monte Carlo, {scenario}: {draws} draws (ε {eps}, κ {kappa}, φ constant {passthrough})",
        ["region", "outcome", "mean", *pcols],
        [
            [
                r["region"],
                _OUTCOMES_SHORT[r["outcome"]],
                _fmt(r["mean"]),
                *[_fmt(r[c]) for c in pcols],
            ]
            for r in df.to_dicts()
        ],
        right=set(range(2, 3 + len(pcols))),
    )


def _optimal_csv(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ge optimal --csv``: the JSON rows with the nested ``terms`` as ``terms_<name>`` columns
    (every row has every column; empty where a method has no such term)."""
    terms = list(dict.fromkeys(k for r in rows for k in r.get("terms", {})))
    return [
        {
            **{k: v for k, v in r.items() if k != "terms"},
            **{f"terms_{k}": r.get("terms", {}).get(k) for k in terms},
        }
        for r in rows
    ]
