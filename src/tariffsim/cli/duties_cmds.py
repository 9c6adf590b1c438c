"""Commands of the duties area: ``etr``, ``duties``, ``reciprocal``, ``report etr|validation``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tariffsim.cli.render import pct, print_json, print_table, say

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from tariffsim.core.dates import Period
    from tariffsim.duties.etr import DutyResult, EtrSeries
    from tariffsim.duties.flows import Flows

BY_HELP = "partner | group (EU as one) | chapter | section | hs4 | hs6 | authority"


def _usd(x: float) -> str:
    return f"{x / 1e9:,.2f} bn"


ETR_KEYS = ("date", "etr", "duty_usd", "imports_usd", "by")


def etr_json(
    r: DutyResult, by: str, *, top: int | None = None, full: bool = False
) -> dict[str, Any]:
    """The JSON of ``tariffsim etr --on D`` (issue 3), exactly: ``{"date", "etr", "duty_usd",
    "imports_usd", "by": [{"key", "etr", "duty_usd", "imports_usd"}]}`` (rates as fractions).

    ``full`` adds ``approx_ave`` (the share of value whose specific/compound duties are
    approximate ad valorem equivalents) and ``provenance``.
    """
    d = r.to_json(by, top=top)
    return d if full else {k: d[k] for k in ETR_KEYS}


def _check_on(on: str) -> dt.date:
    """``--on`` parsed and inside the schedule's coverage (errors name ``--on``)."""
    from tariffsim.schedule import load_schedule

    return load_schedule().check_date(on, field="--on")


def _check_range(from_: str, to: str) -> Period:
    """``--from`` and ``--to`` (first and last day, both included, as in ``tariffsim timeline``)
    checked against the coverage → the half-open period ``[from, to + 1 day)`` the library uses."""
    from tariffsim.core.dates import Period, parse_date
    from tariffsim.core.errors import InputError
    from tariffsim.schedule import load_schedule

    sched = load_schedule()
    lo, hi = sched.coverage.start, sched.coverage.last_day
    d1 = sched.check_date(from_, field="--from")
    d2 = parse_date(to, field="--to")
    period = Period.from_inclusive(d1, d2)
    if d2 > hi:
        raise InputError(
            f"--to: {d2} is past the schedule's coverage ({lo} to {hi})",
            hint=f"--to is the last day of the series (included): at most {hi}",
        )
    return period


def _key_names(by: str, keys: list[str]) -> list[str]:
    """Names for the keys of a ``--by`` table: countries, section titles, HS headings (journalists
    read names, not codes)."""
    if by in ("partner", "group"):
        from tariffsim.core import countries

        def nm(k: str) -> str:
            try:
                return countries.name(k)
            except Exception:  # a group (EU) or an unknown code
                return k

        return [nm(k) for k in keys]
    if by == "section":
        from tariffsim.duties.sections import SECTION_TITLES

        return [SECTION_TITLES.get(k, "") for k in keys]
    if by == "chapter":
        from tariffsim.data.hts_chapters import chapter_title

        return [chapter_title(k) for k in keys]
    if by in ("hs4", "hs6"):
        names = heading_names()
        return [names.get(k, "") for k in keys]
    from tariffsim.core.palette import authority_label

    return [authority_label(k) for k in keys]


def _cut(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters (with "…")."""
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0].rstrip(",;(") + "…"


def heading_names() -> dict[str, str]:
    """HS heading (4 digits) and subheading (6) → its text, from the HTS descriptions (the first
    level of a line's heading path names its heading, the second its subheading)."""
    from tariffsim.duties.search import _index

    idx = _index()
    out: dict[str, str] = {}
    for code, full in zip(idx.codes, idx.full, strict=True):
        parts = full.split(" › ")
        out.setdefault(code[:4], parts[0])
        if len(parts) > 1:
            out.setdefault(code[:6], parts[1] if code[4:6] != "00" else parts[0])
    return out


def etr(
    on: str | None = typer.Option(None, "--on", help="one date (YYYY-MM-DD)"),
    from_: str | None = typer.Option(None, "--from", help="start of a daily series (YYYY-MM-DD)"),
    to: str | None = typer.Option(
        None, "--to", help="last day of the series, included (YYYY-MM-DD)"
    ),
    by: str | None = typer.Option(None, "--by", help=BY_HELP + " (JSON: partner unless given)"),
    partner: str | None = typer.Option(
        None, "--partner", help="only the imports from this partner (ISO3, name or group, e.g. EU)"
    ),
    top: int | None = typer.Option(
        None, "--top", help="rows of the --by breakdown (default: 20 in the table, all in JSON)"
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="PNG file: the series stacked by authority"
    ),
    csv: Path | None = typer.Option(
        None,
        "--csv",
        help="write the table as CSV ('-' = standard output): the --by table (all rows), the "
        "daily series, or with --from/--to --by one row per schedule segment and group",
    ),
    post: bool = typer.Option(
        False,
        "--post-substitution",
        help="with --from/--to: add the post-substitution ETR beside the pre-substitution one "
        "(imports after the PE model's substitution away from taxed goods; see docs/pe.md)",
    ),
    horizon: str = typer.Option(
        "short-run", "--horizon", help="with --post-substitution: short-run | long-run elasticities"
    ),
    json_: bool = typer.Option(False, "--json", help="print JSON (rates as fractions)"),
    full: bool = typer.Option(
        False, "--full", help="with --on --json: add the approximate-AVE flag and provenance"
    ),
) -> None:
    """Effective tariff rate on 2024 US imports (pre-substitution): on a date, or a daily series.

    With --post-substitution the series also shows the ETR on the imports the partial-equilibrium
    model expects after buyers substitute away from taxed goods (static 2024 weights vs. PE weights).
    """
    from tariffsim.cli.render import check_output_path, csv_to_stdout, write_csv
    from tariffsim.core.errors import InputError
    from tariffsim.duties.etr import BY_KEYS

    if on and (from_ or to):
        raise InputError("give either --on or --from/--to", hint="tariffsim etr --on 2025-05-15")
    if top is not None and top < 1:
        raise InputError(f"--top must be at least 1, got {top}", hint="e.g. --top 20")
    if by is not None and by not in BY_KEYS:
        raise InputError(f"--by {by!r} is not a grouping", hint=f"use one of: {', '.join(BY_KEYS)}")
    if not on and not (from_ and to):
        raise InputError(
            "give --on DATE, or --from D1 --to D2", hint="tariffsim etr --on 2025-05-15"
        )
    if post and on:
        raise InputError(
            "--post-substitution is for a series",
            hint="give --from D1 --to D2 (tariffsim pe --on … gives one date's PE)",
        )
    if post:
        from tariffsim.models.horizons import check_horizon

        check_horizon(horizon)
    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    if plot and not on:
        check_output_path(plot, option="--plot", suffix=".png")
    flows, label = _flows_for(partner)
    who = f" · imports from {label}" if label else ""
    if on:
        from tariffsim.duties.etr import duties_on

        r = duties_on(_check_on(on), flows=flows)
        if csv is not None:
            write_csv(csv, _on_csv(r, by))
            if csv_to_stdout(csv):
                return
        if json_:
            out = etr_json(r, by or "partner", top=top, full=full)
            if label:
                out["partner"] = label
            print_json(out)
            return
        top = 20 if top is None else top
        say(
            f"ETR on {r.date}{who}: {pct(r.etr)}  (duty {_usd(r.duty_usd)} on imports "
            f"{_usd(r.imports_usd)}; approximate AVE on {pct(r.approx['value_share'], 1)} of value)"
        )
        if by:
            head = r.by(by).head(top)
            keys = head["key"].to_list()
            names = _key_names(by, keys)
            rows = [
                (k["key"], _cut(nm, 60), pct(k["etr"]), _usd(k["duty_usd"]), _usd(k["imports_usd"]))
                for k, nm in zip(head.iter_rows(named=True), names, strict=True)
            ]
            print_table(
                f"ETR by {by}{who}", [by, "name", "etr", "duty", "imports"], rows, right={2, 3, 4}
            )
        _say_flags(r.provenance)
        return
    from tariffsim.duties.etr import etr_series

    assert from_ is not None and to is not None  # checked above
    period = _check_range(from_, to)
    s = etr_series(
        period.start, period.end, flows=flows, by=(by,) if by and by != "authority" else ()
    )
    if post:
        s = _with_post_substitution(s, flows, horizon)
    if plot:
        from tariffsim.cli.render import write_output
        from tariffsim.duties.report import plot_series_png

        write_output(plot, plot_series_png(s), option="--plot", suffix=".png")
    if csv is not None:
        write_csv(csv, _series_csv(s, by))
        if csv_to_stdout(csv):
            return
    if json_:
        days = s.to_json()
        if post:
            for d, row in zip(days, s.daily.iter_rows(named=True), strict=True):
                d["etr_post_substitution"] = row["etr_post_substitution"]
        print_json(days)
        return
    # authorities that charge nothing over the whole range are left out of the table (not the CSV)
    auths = [a for a in s.authorities if (s.daily[f"etr_{a}"] != 0).any()]
    changes = []
    prev = None
    for row in s.daily.iter_rows(named=True):
        if prev is None or abs(row["etr"] - prev) > 1e-12:
            changes.append(
                (
                    row["date"].isoformat(),
                    pct(row["etr"]),
                    *([pct(row["etr_post_substitution"])] if post else []),
                    *(f"{100 * row[f'etr_{a}']:.2f}" for a in auths),
                )
            )
            prev = row["etr"]
    width = 2 + int(post) + len(auths)
    print_table(
        f"ETR {s.start} → {s.last_day}{who} (days when it changes; points by authority)",
        ["from", "ETR", *(["post"] if post else []), *(AUTH_SHORT.get(a, a) for a in auths)],
        changes,
        right=set(range(1, width)),
        nowrap=set(range(width)),
    )
    if post:
        say(
            f"post = the ETR on the imports the PE model expects after substitution "
            f"({horizon} elasticities; docs/pe.md), beside the static ETR on 2024 imports"
        )
    _say_flags(s.provenance)
    if plot:
        print(f"plot: {plot}")


def _say_flags(provenance: Any) -> None:
    """``flag: …`` lines for the assumptions behind the numbers (the schedule's ``Compiled.flags``:
    data shares used for USMCA claims and metal content, …), as ``tariffsim rate`` prints them."""
    for f in dict(provenance).get("assumptions", ()):
        say(f"flag: {f}")


def _on_csv(r: DutyResult, by: str | None) -> pl.DataFrame:
    """The CSV table of one date: the whole ``--by`` table (``<by>, name, etr, duty_usd,
    imports_usd``), or the one-row total."""
    import polars as pl

    if not by:
        return pl.DataFrame(
            [{"date": r.date, "etr": r.etr, "duty_usd": r.duty_usd, "imports_usd": r.imports_usd}]
        )
    frame = r.by(by)
    names = _key_names(by, frame["key"].to_list())
    return frame.select(
        pl.col("key").alias(by),
        pl.Series("name", names, dtype=pl.Utf8),
        "etr",
        "duty_usd",
        "imports_usd",
    )


AUTH_SHORT = {
    "mfn": "MFN",
    "s232": "232",
    "s301": "301",
    "ieepa_reciprocal": "recip",
    "ieepa_fentanyl": "fent",
    "ieepa_other": "IEEPA+",
    "s122": "122",
    "s201": "201",
}


def _with_post_substitution(s: EtrSeries, flows: Flows | None, horizon: str) -> EtrSeries:
    """The series with ``etr_post_substitution`` (and ``imports_usd_after``) beside the static ETR:
    :func:`tariffsim.models.pe.post_substitution_etr_series` (one PE solve per law segment)."""
    import dataclasses

    from tariffsim.models.pe import post_substitution_etr_series

    days = s.daily["date"].to_list()
    post = post_substitution_etr_series(days, horizon=horizon, flows=flows)
    daily = s.daily.with_columns(
        post["etr_post_substitution"].alias("etr_post_substitution"),
        post["imports_usd_after"].alias("imports_usd_after"),
    )
    return dataclasses.replace(
        s, daily=daily, provenance={**s.provenance, "post_substitution": f"PE, {horizon}"}
    )


def _flows_for(partner: str | None) -> tuple[Flows | None, str]:
    """The 2024 flows, or only a partner's (with its code as the label)."""
    from tariffsim.duties.flows import default_flows

    if partner is None:
        return None, ""
    from tariffsim.duties.etr import partner_flows

    return partner_flows(default_flows(), partner)


def _series_csv(s: EtrSeries, by: str | None) -> pl.DataFrame:
    """The CSV table of a series: one row per day (``date, etr, duty_usd, imports_usd,
    etr_<authority>``); with a grouping, one row per schedule segment and group (``from, to``
    inclusive, ``<by>, name, etr, duty_usd, imports_usd``; rates are constant within a segment)."""
    import datetime as dt

    import polars as pl

    if not by or by == "authority":
        return s.daily
    starts = sorted({d for d in s.segments if s.start <= d < s.end} | {s.start})
    ends = [*starts[1:], s.end]
    g = s.by_group.filter(pl.col("date").is_in(starts))
    seg_end = dict(zip(starts, [e - dt.timedelta(days=1) for e in ends], strict=True))
    keys = g["key"].unique().to_list()
    names = dict(zip(keys, _key_names(by, keys), strict=True))
    return g.select(
        pl.col("date").alias("from"),
        pl.col("date").replace_strict(seg_end, return_dtype=pl.Date).alias("to"),
        pl.col("key").alias(by),
        pl.col("key").replace_strict(names, return_dtype=pl.Utf8).alias("name"),
        "etr",
        "duty_usd",
        "imports_usd",
    ).sort(["from", "duty_usd"], descending=[False, True])


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
    output: Path | None = typer.Option(
        None, "--output", help="write the rows with duties (CSV; '-' = standard output)"
    ),
    csv: Path | None = typer.Option(None, "--csv", help="the same as --output"),
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
    targets = [(p, o) for p, o in ((output, "--output"), (csv, "--csv")) if p is not None]
    from tariffsim.cli.render import (
        check_output_path,
        csv_to_stdout,
        note,
        report_bad_rows,
        write_csv,
    )

    for p, o in targets:
        check_output_path(p, option=o, stdout_ok=True)
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
        day = min(dt.date.today(), load_schedule().coverage.last_day)
        note(f"no --on and no date column: every row is rated on {day}")
    r = rate_user_table(flows, day)
    cols = ["date"] if dated else []
    cols += ["origin", "hs10", "imports_usd", "rate", "duty_usd", "ave_approx"]
    cols += [f"rate_{a}" for a in r.authorities]
    rows = r.rows.select(cols)
    for p, o in targets:
        write_csv(p, rows, option=o)
    if any(csv_to_stdout(p) for p, _ in targets):  # the CSV is the output: no table after it
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
    _say_flags(r.provenance)


def reciprocal(
    csv: Path | None = typer.Option(
        None, "--csv", help="write the table as CSV ('-' = standard output)"
    ),
    json_: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The 'reciprocal' formula of 2 April 2025 for every partner (2024 Census totals)."""
    from tariffsim.cli.render import check_output_path, csv_to_stdout, write_csv
    from tariffsim.duties.reciprocal import reciprocal_table

    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    rows = reciprocal_table()
    if csv is not None:
        write_csv(csv, [r.as_dict() for r in rows])
        if csv_to_stdout(csv):
            return
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
    period = _check_range(from_, to)
    info = build_etr_report(
        period.start,
        period.end,
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
