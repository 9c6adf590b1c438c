"""Commands of the duties area: ``etr``, ``duties``, ``reciprocal``, ``report etr|validation``."""

from __future__ import annotations

from pathlib import Path

import typer

from tariffsim.cli.render import pct, print_json, print_table, say

BY_HELP = "partner | group (EU as one) | chapter | section | authority"


def _usd(x: float) -> str:
    return f"{x / 1e9:,.2f} bn"


ETR_KEYS = ("date", "etr", "duty_usd", "imports_usd", "by")


def etr_json(r, by: str, *, top: int | None = None, full: bool = False) -> dict:  # type: ignore[no-untyped-def]
    """The JSON of ``tariffsim etr --on D`` (issue 3), exactly: ``{"date", "etr", "duty_usd",
    "imports_usd", "by": [{"key", "etr", "duty_usd", "imports_usd"}]}`` (rates as fractions).

    ``full`` adds ``approx_ave`` (the share of value whose specific/compound duties are
    approximate ad valorem equivalents) and ``provenance``.
    """
    d = r.to_json(by, top=top)
    return d if full else {k: d[k] for k in ETR_KEYS}


def _check_on(on: str):  # type: ignore[no-untyped-def]
    """``--on`` parsed and inside the schedule's coverage (errors name ``--on``)."""
    from tariffsim.schedule import load_schedule

    return load_schedule().check_date(on, field="--on")


def _check_range(from_: str, to: str):  # type: ignore[no-untyped-def]
    """``--from`` and ``--to`` (first and last day, both included, as in ``tariffsim timeline``)
    checked against the coverage → the half-open period ``[from, to + 1 day)`` the library uses."""
    import datetime as dt

    from tariffsim.core.dates import parse_date
    from tariffsim.core.errors import InputError
    from tariffsim.schedule import load_schedule

    sched = load_schedule()
    lo, hi = sched.coverage
    d1 = sched.check_date(from_, field="--from")
    d2 = parse_date(to, field="--to")
    if d2 < d1:
        raise InputError(
            f"--to {d2} is before --from {d1}",
            hint="--to is the last day of the series (included), on or after --from",
        )
    if d2 > hi:
        raise InputError(
            f"--to: {d2} is past the schedule's coverage ({lo} to {hi})",
            hint=f"--to is the last day of the series (included): at most {hi}",
        )
    return d1, d2 + dt.timedelta(days=1)


def etr(
    on: str | None = typer.Option(None, "--on", help="one date (YYYY-MM-DD)"),
    from_: str | None = typer.Option(None, "--from", help="start of a daily series (YYYY-MM-DD)"),
    to: str | None = typer.Option(
        None, "--to", help="last day of the series, included (YYYY-MM-DD)"
    ),
    by: str | None = typer.Option(None, "--by", help=BY_HELP + " (JSON: partner unless given)"),
    top: int | None = typer.Option(
        None, "--top", help="rows of the --by breakdown (default: 20 in the table, all in JSON)"
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="PNG file: the series stacked by authority"
    ),
    json_: bool = typer.Option(False, "--json", help="print JSON (rates as fractions)"),
    full: bool = typer.Option(
        False, "--full", help="with --on --json: add the approximate-AVE flag and provenance"
    ),
) -> None:
    """Effective tariff rate on 2024 US imports (pre-substitution): on a date, or a daily series."""
    from tariffsim.core.errors import InputError

    if on and (from_ or to):
        raise InputError("give either --on or --from/--to", hint="tariffsim etr --on 2025-05-15")
    if top is not None and top < 1:
        raise InputError(f"--top must be at least 1, got {top}", hint="e.g. --top 20")
    if on:
        from tariffsim.duties.etr import BY_KEYS, duties_on

        if by is not None and by not in BY_KEYS:
            raise InputError(
                f"--by {by!r} is not a grouping", hint=f"use one of: {', '.join(BY_KEYS)}"
            )
        r = duties_on(_check_on(on))
        if json_:
            print_json(etr_json(r, by or "partner", top=top, full=full))
            return
        top = 20 if top is None else top
        say(
            f"ETR on {r.date}: {pct(r.etr)}  (duty {_usd(r.duty_usd)} on imports {_usd(r.imports_usd)}; "
            f"approximate AVE on {pct(r.approx['value_share'], 1)} of value)"
        )
        if by:
            rows = [
                (k["key"], pct(k["etr"]), _usd(k["duty_usd"]), _usd(k["imports_usd"]))
                for k in r.by(by).head(top).iter_rows(named=True)
            ]
            print_table(f"ETR by {by}", [by, "etr", "duty", "imports"], rows, right={1, 2, 3})
        return
    if not (from_ and to):
        raise InputError(
            "give --on DATE, or --from D1 --to D2", hint="tariffsim etr --on 2025-05-15"
        )
    if plot:
        from tariffsim.cli.render import check_output_path

        check_output_path(plot, option="--plot", suffix=".png")
    from tariffsim.duties.etr import etr_series

    s = etr_series(*_check_range(from_, to), by=())
    if plot:
        from tariffsim.cli.render import write_output
        from tariffsim.duties.report import plot_series_png

        write_output(plot, plot_series_png(s), option="--plot", suffix=".png")
    if json_:
        print_json(s.to_json())
        return
    changes = []
    prev = None
    for row in s.daily.iter_rows(named=True):
        if prev is None or abs(row["etr"] - prev) > 1e-12:
            changes.append(
                (
                    row["date"].isoformat(),
                    pct(row["etr"]),
                    *(f"{100 * row[f'etr_{a}']:.2f}" for a in s.authorities),
                )
            )
            prev = row["etr"]
    short = {
        "mfn": "MFN",
        "s232": "232",
        "s301": "301",
        "ieepa_reciprocal": "recip",
        "ieepa_fentanyl": "fent",
        "ieepa_other": "IEEPA+",
        "s122": "122",
        "s201": "201",
    }
    print_table(
        f"ETR {s.start} → {s.last_day} (days when it changes; points by authority)",
        ["from", "ETR", *(short.get(a, a) for a in s.authorities)],
        changes,
        right=set(range(1, 2 + len(s.authorities))),
    )
    if plot:
        print(f"plot: {plot}")


def duties(
    file: Path = typer.Argument(
        ...,
        help="CSV with columns origin,hs,value_usd; optional usmca_share and declared shares "
        "(e.g. advanced_semiconductor; 0-1, blank = the data or measure default, as in "
        "rate --input) and date (each row rated on its own date; then no --on)",
    ),
    on: str | None = typer.Option(
        None,
        "--on",
        help="date (YYYY-MM-DD); default today, or the last day the schedule covers; "
        "not with a date column",
    ),
    output: Path | None = typer.Option(None, "--output", help="write the rows with duties (CSV)"),
    json_: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Duty and rate for each line of a user's import table, and the totals.

    A table with a date column is rated row by row on its dates (grouped by schedule segment).
    """
    import datetime as dt

    from tariffsim.duties.etr import rate_user_table
    from tariffsim.duties.flows import read_user_table
    from tariffsim.schedule import load_schedule

    day = _check_on(on) if on else None
    if output:
        from tariffsim.cli.render import check_output_path

        check_output_path(output, option="--output", stdout_ok=True)
    from tariffsim.cli.render import note, report_bad_rows
    from tariffsim.schedule.batch import TableError

    try:
        flows = read_user_table(file)
    except TableError as exc:
        report_bad_rows(
            str(file), exc.problems, skip=False, hint=exc.hint or "fix the rows listed above"
        )
        raise
    for n in flows.notes:
        note(n)
    dated = flows.dates is not None
    if not dated and day is None:
        day = min(dt.date.today(), load_schedule().coverage[1])
    r = rate_user_table(flows, day)
    cols = ["date"] if dated else []
    cols += ["origin", "hs10", "imports_usd", "rate", "duty_usd", "ave_approx"]
    cols += [f"rate_{a}" for a in r.authorities]
    rows = r.rows.select(cols)
    if output:
        from tariffsim.cli.render import write_output
        from tariffsim.core.outputs import is_stdout

        write_output(output, rows.write_csv(), option="--output", stdout_ok=True)
        if is_stdout(output):  # the CSV is the output: no table after it
            return
    if json_:
        print_json(
            {
                "date": None if dated else r.date,
                "etr": r.etr,
                "duty_usd": r.duty_usd,
                "imports_usd": r.imports_usd,
                "rows": rows.to_dicts(),
                "provenance": dict(r.provenance),
            }
        )
        return
    head = ["date"] if dated else []
    print_table(
        "Duties, each row on its date" if dated else f"Duties on {r.date}",
        [*head, "origin", "hs10", "value", "rate", "duty"],
        [
            (
                *([x["date"].isoformat()] if dated else []),
                x["origin"],
                x["hs10"],
                f"{x['imports_usd']:,.0f}",
                pct(x["rate"]),
                f"{x['duty_usd']:,.0f}",
            )
            for x in rows.iter_rows(named=True)
        ],
        right={k + len(head) for k in (2, 3, 4)},
    )
    print(f"total: duty {r.duty_usd:,.0f} USD on {r.imports_usd:,.0f} USD = {pct(r.etr)}")
    if output:
        print(f"written: {output}")


def reciprocal(json_: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The 'reciprocal' formula of 2 April 2025 for every partner (2024 Census totals)."""
    from tariffsim.duties.reciprocal import reciprocal_table

    rows = reciprocal_table()
    if json_:
        print_json([r.as_dict() for r in rows])
        return
    from tariffsim.data import census, hts
    from tariffsim.duties.reciprocal import implemented_rates

    totals = census.partner_totals()
    impl = implemented_rates(
        hts.load_revision("2025_rev_7").to_dicts(),
        dict(zip(totals["country"], totals["iso3"], strict=True)),
    )
    print_table(
        "Reciprocal formula: charged = (imports − exports)/imports; rate = max(10%, ⌈round(charged)/2⌉)",
        ["iso3", "country", "imports", "exports", "charged", "formula", "HTS rev 7"],
        [
            (
                r.iso3,
                r.country,
                _usd(r.imports_usd),
                _usd(r.exports_usd),
                "—" if r.rate_charged is None else pct(r.rate_charged, 1),
                pct(r.reciprocal_rate, 0),
                pct(impl[r.iso3][0], 0) if r.iso3 in impl else "",
            )
            for r in rows
        ],
        right={2, 3, 4, 5, 6},
    )
    same = sum(
        1 for r in rows if r.iso3 in impl and abs(impl[r.iso3][0] - r.reciprocal_rate) < 1e-9
    )
    say(
        f"formula = implemented rate for {same} of {len(impl)} partners listed in 9903.01.43–.76 "
        "(EU members pay the EU row's rate; USTR's own table gives Japan 24% and Vietnam 46%)"
    )


report_app = typer.Typer(
    help="Reports: ETR (HTML) and validation against customs.", no_args_is_help=True
)


@report_app.command("etr")
def report_etr(
    from_: str = typer.Option(..., "--from", help="start (YYYY-MM-DD)"),
    to: str = typer.Option(..., "--to", help="last day, included (YYYY-MM-DD)"),
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML file to write"),
    no_validation: bool = typer.Option(
        False, "--no-validation", help="leave out the customs check"
    ),
    json_: bool = typer.Option(False, "--json", help="print a JSON summary"),
) -> None:
    """One self-contained HTML file: ETR over time by authority, by partner, by chapter, validation."""
    from tariffsim.cli.render import check_output_path
    from tariffsim.duties.report import build_etr_report

    check_output_path(out, option="--out", suffix=".html")
    info = build_etr_report(
        *_check_range(from_, to),
        out=out,
        with_validation=not no_validation,
    )
    if json_:
        print_json(info)
    else:
        print(f"written: {out} ({info['bytes']:,} bytes)")


@report_app.command("validation")
def report_validation(
    top: int = typer.Option(15, "--top", help="chapters with the largest gaps"),
    json_: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Duties computed on 2024 trade (schedule of 2024-07-01) vs duty assessed by US customs."""
    from tariffsim.duties.validation import validate

    v = validate()
    if json_:
        print_json(v.to_json(top))
        return
    print_table(
        f"Computed vs assessed duty, 2024 trade, schedule of {v.date}",
        ["partner", "imports", "assessed", "computed", "gap", "tolerance", "ok"],
        [
            (
                p.partner,
                _usd(p.imports_usd),
                _usd(p.duty_assessed_usd),
                _usd(p.duty_computed_usd),
                pct(p.gap, 1),
                f"±{pct(p.tolerance, 0)}",
                "yes" if p.passed else "NO",
            )
            for p in v.partners
        ],
        right={1, 2, 3, 4},
    )
    print_table(
        "Largest gaps by HS chapter",
        ["partner", "ch", "assessed", "computed", "gap", "likely cause"],
        [
            (
                r["partner"],
                r["chapter"],
                _usd(r["duty_assessed_usd"]),
                _usd(r["duty_computed_usd"]),
                _usd(r["gap_usd"]),
                r["cause"],
            )
            for r in v.largest_gaps(top).iter_rows(named=True)
        ],
        right={2, 3, 4},
    )


def register(app: typer.Typer) -> None:
    app.command("etr")(etr)
    app.command("duties")(duties)
    app.command("reciprocal")(reciprocal)
    app.add_typer(report_app, name="report")
