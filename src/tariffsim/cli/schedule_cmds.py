"""``tariffsim rate | timeline | measures | demo``: the schedule engine on the command line.

Heavy modules (numpy, polars, pydantic, the engine) are imported inside the commands so that the
CLI starts fast. Rates are fractions in JSON and percentages in tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def register(app: typer.Typer) -> None:
    app.command("rate")(rate)
    app.command("timeline")(timeline)
    app.command("measures")(measures)
    app.command("demo")(demo)


def _schedule(reform: Path | None) -> Any:
    from tariffsim.schedule import load_schedule

    return load_schedule(reform=reform)


def _pct(x: float) -> str:
    from tariffsim.cli.render import pct

    return pct(x, 2)


def _parts_text(parts: Any) -> str:
    bits = [f"{p.id} {_pct(p.rate)}" for p in parts if p.rate != 0.0]
    return ", ".join(bits) or "—"


# --- rate ---------------------------------------------------------------------------------------


def _parse_shares(items: list[str], schedule: Any) -> dict[str, float] | None:
    """``--share NAME=VALUE`` options → shares of the entry: a declared share of a measure (e.g.
    ``advanced_semiconductor``), a metal content (``steel_content``, the share of the value that
    is steel) or ``usmca`` (a blended entry)."""
    from tariffsim.core.errors import InputError
    from tariffsim.core.inputs import parse_share
    from tariffsim.schedule.engine import METAL_SHARES

    if not items:
        return None
    known = [*schedule.declared_shares(), *METAL_SHARES, "usmca"]
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(
                f"--share {item!r}: expected NAME=VALUE with VALUE in [0, 1]",
                hint="e.g. --share advanced_semiconductor=1 or --share steel_content=0.4",
            )
        if name not in known:
            raise InputError(
                f"--share {name!r} is not a share an entry can declare",
                hint=f"shares: {', '.join(known)}",
            )
        out[name] = parse_share(value, field=f"--share {name}")
    return out


CLAIM_HELP = (
    "the preference claimed: a special program indicator (S, KR, JP, P, IL, …) or name (usmca, "
    "korus, japan, civil_aircraft …); default: no claim"
)


def rate(
    origin: str = typer.Argument(None, help="origin: ISO3 code (JPN), name (Japan) or group (EU)"),
    hs: str = typer.Argument(None, help="HTS code, 10 or 8 digits (8703.23.01.90)"),
    on: str = typer.Option(None, "--on", help="date of entry (YYYY-MM-DD)"),
    claim: str = typer.Option(None, "--claim", help=CLAIM_HELP),
    input_file: Path = typer.Option(
        None,
        "--input",
        help="CSV of entries: origin, hs, date[, value_usd, claim, usmca_share, declared shares "
        "such as advanced_semiconductor] (claim as --claim, blank = none; shares 0-1, blank = "
        "the measure default)",
    ),
    usmca_share: str = typer.Option(
        None,
        "--usmca-share",
        help="with --input: 'data' prices the rows as trade flows, a blank usmca_share taking "
        "the 2024 share of the line × origin that claimed USMCA (default: each row an entry)",
    ),
    output: Path = typer.Option(None, "--output", help="CSV to write (default: standard output)"),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="rate the good rows, list the bad ones on stderr"
    ),
    reform: Path = typer.Option(
        None, "--reform", help="reform (patch) YAML applied to the schedule"
    ),
    share: list[str] = typer.Option(
        None,
        "--share",
        help="declare a share of the entry, NAME=VALUE in [0,1]: advanced_semiconductor=1, "
        "steel_content=0.4 (the steel value; default: the whole value) … (repeatable)",
    ),
    as_known_on: str = typer.Option(
        None, "--as-known-on", help="rate with the law as published by this day (YYYY-MM-DD)"
    ),
    assume_unchanged: bool = typer.Option(
        False,
        "--assume-unchanged",
        help="rate a day after the library's end with the law of its last day (flagged)",
    ),
    loaded_on: str = typer.Option(
        None, "--loaded-on", help="day the goods were loaded (for the in-transit exceptions)"
    ),
    landed: bool = typer.Option(
        False, "--landed", help="add the customs fees (MPF, HMF) and de minimis; needs --value"
    ),
    value: float = typer.Option(None, "--value", help="customs value of the entry, US$"),
    mode: str = typer.Option(
        "ocean", "--mode", help="transport: ocean, air, truck, rail, mail, other (HMF: ocean)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON (rates as fractions)"),
    full: bool = typer.Option(
        False,
        "--full",
        help="with --json: add headings, notes, the description and each group member's total",
    ),
    csv: Path = typer.Option(
        None, "--csv", help="write the parts (one row per measure) as CSV ('-' = standard output)"
    ),
) -> None:
    """The duty rate of an entry (each measure with its reference, and the total), or of a CSV file.

    An entry states its preference claim (default: none) and shows the total under each claim that
    could apply; ``--landed`` adds the customs fees. AD/CVD duties are not included.
    """
    from tariffsim.core.errors import InputError

    if input_file is not None:
        if origin is not None or hs is not None:
            raise InputError("give either ORIGIN HS --on DATE or --input FILE.csv, not both")
        _rate_file(
            input_file,
            output,
            skip_invalid=skip_invalid,
            reform=reform,
            as_json=as_json,
            usmca_share=usmca_share,
        )
        return
    if usmca_share is not None:
        raise InputError(
            "--usmca-share goes with --input FILE.csv",
            hint="for one entry give --claim S (or --share usmca=0.6 for a blended entry)",
        )
    if origin is None or hs is None or on is None:
        missing = [n for n, v in (("ORIGIN", origin), ("HS", hs), ("--on DATE", on)) if v is None]
        raise InputError(
            f"missing {', '.join(missing)}: give ORIGIN HS --on DATE (or --input FILE.csv)",
            hint="e.g. tariffsim rate JPN 8703.23.01.90 --on 2025-04-05",
        )
    if landed and value is None:
        raise InputError(
            "--landed needs --value (the customs value in US$)", hint="e.g. --value 25000"
        )
    from tariffsim.cli.render import check_output_path, csv_to_stdout, write_csv

    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    s = _schedule(reform)
    if as_known_on is not None:
        s = s.as_known_on(as_known_on)
    r = s.rate(
        origin,
        hs,
        on,
        claim=claim,
        shares=_parse_shares(share or [], s),
        loaded_on=loaded_on,
        assume_unchanged=assume_unchanged,
    )
    lc = None
    duty_usd: float | None = None
    v = 0.0
    if value is not None:
        from tariffsim.core.inputs import parse_number

        v = parse_number(value, field="--value", minimum=0.0)
        duty_usd = r.total_rate * v
        if landed:
            from tariffsim.duties.landed import landed_cost

            lc = landed_cost(r, v, mode=mode)
    if csv is not None:
        write_csv(csv, _rate_csv(r))
        if csv_to_stdout(csv):
            return
    if as_json:
        from tariffsim.cli.render import print_json

        out = rate_json(r, full=full)
        if lc is not None:
            out["landed"] = lc.to_dict()
        elif duty_usd is not None:
            out["value_usd"], out["duty_usd"] = v, round(duty_usd, 2)
        print_json(out)
        return
    _print_rate(r, lc, value_duty=duty_usd)


def _rate_csv(r: Any) -> list[dict[str, Any]]:
    """``tariffsim rate --csv``: one row per measure and a ``total`` row (rates as fractions),
    each with the entry's origin, HTS code, date and claim (blank = none)."""
    head = {"origin": r.origin, "hs": r.hs, "date": r.date, "claim": r.claim or ""}
    rows: list[dict[str, Any]] = [
        {
            **head,
            "measure": p.id,
            "authority": p.authority,
            "rate": p.rate,
            "heading": p.heading or "",
            "reference": p.reference,
        }
        for p in r.parts
    ]
    rows.append(
        {
            **head,
            "measure": "total",
            "authority": "",
            "rate": r.total_rate,
            "heading": "",
            "reference": "",
        }
    )
    return rows


def _print_rate(r: Any, lc: Any, *, value_duty: float | None) -> None:
    from rich.console import Console

    from tariffsim.cli.render import print_table
    from tariffsim.core.countries import name
    from tariffsim.core.hs import format_hs
    from tariffsim.schedule.claims import program

    claim = "no claim" if r.claim is None else f"claim {r.claim} ({program(r.claim).title})"
    title = f"{name(r.origin)} ({r.origin}) · {format_hs(r.hs)} · {r.date} · {claim}"
    if r.as_known_on is not None:
        title += f" · law as known on {r.as_known_on}"
    if r.description:
        title += "\n" + _short_description(r.description)
    rows = [
        [
            p.id,
            p.authority,
            _pct(p.rate),
            p.reference
            + (f" [{p.heading}]" if p.heading else "")
            + (f"\n  ↳ {p.note}" if p.note else ""),
        ]
        for p in r.parts
    ]
    rows.append(["total", "", _pct(r.total_rate), ""])
    print_table(title, ["measure", "authority", "rate", "reference"], rows, right={2})
    con = Console(highlight=False)
    if len(r.claims) > 1:
        print_table(
            "The same entry under each claim that could apply",
            ["claim", "program", "total"],
            [
                [
                    o.claim or "none",
                    o.title + (f" ({o.note})" if o.note else ""),
                    _pct(o.total_rate),
                ]
                for o in r.claims
            ],
            right={2},
        )
    for f in r.flags:
        con.print(f"flag: {f}")
    for n in r.notes:
        con.print(f"note: {n}")
    if lc is not None:
        print_table(
            f"Landed cost ({lc.mode})",
            ["item", "US$"],
            [
                ["customs value", f"{lc.value_usd:,.2f}"],
                [f"duties ({_pct(lc.duty_rate)})", f"{lc.duty_usd:,.2f}"],
                ["merchandise processing fee", f"{lc.mpf_usd:,.2f}"],
                ["harbor maintenance fee", f"{lc.hmf_usd:,.2f}"],
                ["landed", f"{lc.landed_usd:,.2f}"],
            ],
            right={1},
        )
        for n in lc.notes:
            con.print(f"note: {n}")
    elif value_duty is not None:
        con.print(f"duty: US$ {value_duty:,.2f} (fees: add --landed)")
    from tariffsim.duties.landed import NOT_INCLUDED

    con.print(f"not included: {NOT_INCLUDED[0].removesuffix(' are not included')}")


def _short_description(text: str, width: int = 96) -> str:
    """The HTS description's last levels that fit in ``width`` ('… › Other › Used'), whole levels."""
    parts = text.split(" › ")
    keep: list[str] = []
    for part in reversed(parts):
        if keep and len(" › ".join([part, *keep])) + 4 > width:
            break
        keep.insert(0, part)
    out = " › ".join(keep)
    if len(keep) < len(parts):
        out = "… › " + out
    return out if len(out) <= width else out[: width - 1] + "…"


RATE_KEYS = ("origin", "hs", "date", "total_rate", "claim", "claims", "measures")
OPTIONAL_KEYS = ("flags", "as_known_on", "assumed_unchanged", "loaded_on")
MEASURE_KEYS = ("id", "authority", "rate", "reference")


def rate_json(r: Any, *, full: bool = False) -> dict[str, Any]:
    """The JSON of ``tariffsim rate``: ``{"origin", "hs", "date", "total_rate", "claim",
    "claims": [{"claim", "total_rate"}], "measures": [{"id", "authority", "rate", "reference"}],
    "not_included"}`` (rates as fractions), plus ``flags``, ``as_known_on``,
    ``assumed_unchanged`` and ``loaded_on`` when they apply.

    ``full`` keeps everything :meth:`EntryRate.to_dict` gives (chapter-99 heading, note, legal
    start and publication date of each measure, the HTS description, notes, each group member's
    total, each claim's program title).
    """
    from tariffsim.duties.landed import NOT_INCLUDED

    d = r.to_dict()
    d["not_included"] = [NOT_INCLUDED[0]]
    if full:
        return d
    out = {k: d.get(k, []) for k in RATE_KEYS}
    out["claims"] = [
        {"claim": c["claim"], "total_rate": c["total_rate"]} for c in d.get("claims", [])
    ]
    out["measures"] = [{k: m[k] for k in MEASURE_KEYS} for m in d["measures"]]
    for k in OPTIONAL_KEYS:
        if k in d:
            out[k] = d[k]
    out["not_included"] = d["not_included"]
    return out


def _rate_file(
    path: Path,
    output: Path | None,
    *,
    skip_invalid: bool,
    reform: Path | None,
    as_json: bool,
    usmca_share: str | None = None,
) -> None:
    """Rate a CSV of entries; every bad row is reported (``file:line: problem``). Each row is an
    entry (its ``claim``; blank = none); ``usmca_share="data"`` prices the rows as trade flows.
    The assumptions are printed as ``flag: …`` lines on stderr; ``--json`` prints ``{"basis",
    "flags", "rows"}``."""
    import sys

    from tariffsim.core.errors import InputError

    if usmca_share is not None and usmca_share.strip().lower() != "data":
        raise InputError(
            f"--usmca-share {usmca_share!r}: the only value is data",
            hint="--usmca-share data prices the rows as trade flows with the 2024 USMCA claim "
            "shares; without it each row is an entry (a claim column, blank = no claim)",
        )
    name = str(path)
    if output is not None:
        from tariffsim.cli.render import check_output_path

        check_output_path(output, option="--output", stdout_ok=True)
    from tariffsim.schedule.batch import rate_table, read_entries, rounded

    table, _ = read_entries(path, name=name)
    s = _schedule(reform)

    r = rate_table(s, table, usmca_share="data" if usmca_share else "declared")
    out, errors = rounded(r.frame), r.errors
    from tariffsim.cli.render import note, report_bad_rows

    report_bad_rows(name, errors, skip=skip_invalid)
    note(table.blank_note())
    for f in r.flags:
        sys.stderr.write(f"flag: {f}\n")
    doc = {"basis": r.basis, "flags": list(r.flags), "rows": out.to_dicts()}
    if output is None:
        if as_json:
            from tariffsim.cli.render import print_json

            print_json(doc)
        else:
            sys.stdout.write(out.write_csv())
        return
    from tariffsim.cli.render import write_output
    from tariffsim.core.outputs import describe_written

    write_output(output, out.write_csv(), option="--output", stdout_ok=True)
    sys.stderr.write(
        describe_written(output, out.height, "row")
        + (f" ({len(errors)} skipped)" if errors else "")
        + "\n"
    )
    if as_json:  # --output and --json: the file is written, and the rows printed as JSON
        from tariffsim.cli.render import print_json

        print_json(doc)


# --- timeline -----------------------------------------------------------------------------------


def timeline(
    origin: str = typer.Argument(..., help="origin: ISO3 code, name or group"),
    hs: str = typer.Argument(..., help="HTS code (10 or 8 digits)"),
    start: str = typer.Option(None, "--from", help="first day (default: the library's first)"),
    end: str = typer.Option(None, "--to", help="last day, inclusive (default: the library's last)"),
    claim: str = typer.Option(None, "--claim", help=CLAIM_HELP),
    as_known_on: str = typer.Option(
        None, "--as-known-on", help="the law as published by this day (YYYY-MM-DD)"
    ),
    plot: Path = typer.Option(None, "--plot", help="write a PNG step chart stacked by authority"),
    reform: Path = typer.Option(
        None, "--reform", help="reform (patch) YAML applied to the schedule"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON (rates as fractions)"),
    csv: Path = typer.Option(
        None,
        "--csv",
        help="write the timeline as CSV: one row per period, a rate column per authority "
        "('-' = standard output)",
    ),
) -> None:
    """How an entry's rate changed: one row per change, with its parts, each with the day its
    value took legal effect and the day it was published."""
    from tariffsim.core.countries import name
    from tariffsim.core.dates import Period
    from tariffsim.core.hs import format_hs, normalize_hs

    if plot is not None:
        from tariffsim.cli.render import check_output_path

        check_output_path(plot, option="--plot", suffix=".png")
    if csv is not None:
        from tariffsim.cli.render import check_output_path

        check_output_path(csv, option="--csv", stdout_ok=True)
    s = _schedule(reform)
    if as_known_on is not None:
        s = s.as_known_on(as_known_on)
    cov = s.coverage
    defaults: list[str] = []
    d1 = s.check_date(start, field="--from") if start else cov.start
    if not start:
        defaults.append(f"--from not given: from the library's first day {cov.start}")
    d2 = s.check_date(end, field="--to") if end else cov.last_day
    if not end:
        defaults.append(f"--to not given: to the library's last day {cov.last_day}")
    period = Period.from_inclusive(d1, d2)
    iso, _ = s.resolve_origin(origin)
    code = normalize_hs(hs)
    rows = s.timeline(origin, hs, period.start, period.end, claim=claim)
    if csv is not None:
        from tariffsim.cli.render import csv_to_stdout, write_csv

        write_csv(csv, _timeline_csv(rows, iso, code))
        if csv_to_stdout(csv):
            return
    if plot is not None:
        _plot_timeline(rows, plot, title=f"{name(iso)} ({iso}) · HTS {format_hs(code)}")
        import sys

        sys.stderr.write(f"plot: {plot}\n")
    if as_json:
        from tariffsim.cli.render import print_json
        from tariffsim.schedule.claims import normalize_claim

        print_json(
            {
                "origin": iso,
                "hs": code,
                "from": d1,
                "to": d2,
                "claim": normalize_claim(claim),
                **({"as_known_on": s.known_on} if s.known_on else {}),
                **({"defaults": defaults} if defaults else {}),
                "rows": [r.to_dict() for r in rows],
            }
        )
        return
    title = f"{name(iso)} ({iso}) · {format_hs(code)} · {d1} to {d2}"
    if claim:
        title += f" · claim {claim}"
    if s.known_on:
        title += f" · law as known on {s.known_on}"
    _print_timeline(rows, title)
    if defaults:
        from rich.console import Console

        for line in defaults:
            Console(highlight=False).print(f"note: {line}")


def _timeline_csv(rows: Any, iso: str, code: str) -> list[dict[str, Any]]:
    """One row per period: ``origin, hs, from, to`` (inclusive), ``total_rate``, ``rate_<authority>``
    for every authority that charges in some period, and the measures charging."""
    import datetime as dt

    auths = list(dict.fromkeys(p.authority for r in rows for p in r.parts if p.rate != 0.0))
    out = []
    for r in rows:
        d: dict[str, Any] = {
            "origin": iso,
            "hs": code,
            "from": r.start,
            "to": r.end - dt.timedelta(days=1),
            "total_rate": r.total_rate,
        }
        for a in auths:
            d[f"rate_{a}"] = sum(p.rate for p in r.parts if p.authority == a)
        d["measures"] = r.note or _parts_text(r.parts)
        out.append(d)
    return out


def short_ref(p: Any, width: int = 44) -> str:
    """A short citation: the reference's first clause, with the chapter-99 heading if any."""
    return _short_text(p.reference, width) + (
        f" [{p.heading}]" if getattr(p, "heading", None) else ""
    )


def _short_text(text: str, width: int) -> str:
    import re

    text = re.split(r"[;:]", text, maxsplit=1)[0].strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _print_timeline(rows: Any, title: str, *, refs: bool = True) -> None:
    import datetime as dt

    from tariffsim.cli.render import print_table

    def cite(parts: Any) -> str:
        return "\n".join(
            f"{p.id}: {short_ref(p)} (in force {p.effective}"
            + (f", published {p.published})" if p.published else ")")
            for p in parts
            if p.rate != 0.0
        )

    cols = ["from", "to (incl.)", "total", "measures"] + (["references"] if refs else [])
    print_table(
        title,
        cols,
        [
            [
                r.start,
                r.end - dt.timedelta(days=1),
                "—" if r.total_rate is None else _pct(r.total_rate),
                r.note or _parts_text(r.parts),
            ]
            + ([cite(r.parts)] if refs else [])
            for r in rows
        ],
        right={2},
    )


def _plot_timeline(rows: Any, path: Path, *, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")

    import matplotlib.pyplot as plt
    import numpy as np

    from tariffsim.core.palette import authority_color, authority_label, order_authorities, role

    auths: list[str] = []
    for r in rows:
        for p in r.parts:
            if p.authority not in auths and p.rate != 0.0:
                auths.append(p.authority)
    auths = order_authorities(auths)
    # a day's rate holds over [day, day + 1): the last step ends at the exclusive end
    x = [r.start for r in rows] + [rows[-1].end]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bottom = np.array([0.0 if r.total_rate is not None else np.nan for r in rows] + [0.0])
    bottom[-1] = bottom[-2]
    for a in auths:
        vals = [
            100 * sum(p.rate for p in r.parts if p.authority == a)
            if r.total_rate is not None
            else np.nan
            for r in rows
        ]
        vals.append(vals[-1])
        top = bottom + np.array(vals)
        ax.fill_between(
            x,
            bottom,
            top,
            step="post",
            label=authority_label(a),
            color=authority_color(a),
            alpha=0.85,
            linewidth=0,
        )
        bottom = top
    ax.step(x, bottom, where="post", color=role("total"), linewidth=1.2, label="total")
    ax.set_ylabel("duty rate (%)")
    top_pct = float(np.nanmax(bottom)) if np.isfinite(bottom).any() else 0.0
    ax.set_ylim(0.0, max(1.0, 1.12 * top_pct))
    ax.set_xlim(x[0], x[-1])
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    from tariffsim.cli.render import write_output

    try:
        write_output(
            path, lambda p: fig.savefig(p, dpi=120, format="png"), option="--plot", suffix=".png"
        )
    finally:
        plt.close(fig)


# --- measures -----------------------------------------------------------------------------------


def measures(
    on: str = typer.Option(
        None, "--on", help="list the measures in force on this date (default: all)"
    ),
    as_known_on: str = typer.Option(
        None, "--as-known-on", help="the law as published by this day (YYYY-MM-DD)"
    ),
    reform: Path = typer.Option(
        None, "--reform", help="reform (patch) YAML applied to the schedule"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    csv: Path = typer.Option(None, "--csv", help="write the table as CSV ('-' = standard output)"),
) -> None:
    """The measures of the schedule (or those in force on a date) with their references."""
    from tariffsim.cli.render import (
        check_output_path,
        csv_to_stdout,
        print_json,
        print_table,
        write_csv,
    )

    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    s = _schedule(reform)
    if as_known_on is not None:
        s = s.as_known_on(as_known_on)
    known = f" (law as known on {s.known_on})" if s.known_on else ""
    if on is not None:
        rows = s.in_force(on)
        if csv is not None:
            write_csv(
                csv,
                [
                    {
                        "id": r.id,
                        "since": r.since,
                        "rates": r.summary,
                        "suspended": "; ".join(r.suspensions),
                        "reference": r.reference,
                    }
                    for r in rows
                ],
            )
            if csv_to_stdout(csv):
                return
        if as_json:
            print_json(
                {
                    "date": s.check_date(on, field="--on"),
                    **({"as_known_on": s.known_on} if s.known_on else {}),
                    "measures": [r.to_dict() for r in rows],
                }
            )
            return
        print_table(
            f"Measures in force on {on} ({len(rows)}){known}",
            ["id", "since", "rates", "reference"],
            [
                [
                    r.id,
                    f"{r.since}" + (f"\npubl. {r.published}" if r.published else ""),
                    r.summary
                    + ("\n  suspended: " + "; ".join(r.suspensions) if r.suspensions else ""),
                    _short_text(r.reference, 60),
                ]
                for r in rows
            ],
            nowrap={0, 1},
        )
        return
    out = []
    for m in s.rules.measures:
        if not m.values:
            continue
        first, last = m.values[0], m.values[-1]
        out.append(
            {
                "id": m.id,
                "authority": m.authority,
                "order": m.order,
                "title": m.title,
                "from": first.start_date,
                "last_change": last.start_date,
                "values": len(m.values),
                "suspensions": len(m.suspensions),
            }
        )
    if csv is not None:
        write_csv(csv, out)
        if csv_to_stdout(csv):
            return
    cov = s.coverage
    if as_json:
        print_json(
            {
                "coverage": {"start": cov.start, "end": cov.end, "last_day": cov.last_day},
                **({"as_known_on": s.known_on} if s.known_on else {}),
                "measures": out,
            }
        )
        return
    print_table(
        f"{len(out)} measures (coverage {cov.start} to {cov.last_day}){known}",
        ["id", "from", "last change", "title"],
        [[o["id"], o["from"], o["last_change"], o["title"]] for o in out],
        nowrap={0, 1, 2},
    )


# --- demo ---------------------------------------------------------------------------------------

DEMO_CAR = "8703230190"
DEMO_MACHINE_HTS8 = "84295210"
DEMO_DATES = (
    "2025-03-01",
    "2025-04-05",
    "2025-04-10",
    "2025-08-07",
    "2025-09-16",
    "2025-09-20",
    "2026-02-24",
    "2026-06-30",
)


def demo(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="print JSON")
) -> None:
    """A short tour: a Japanese car and a Japanese machine across 2025–26."""
    import datetime as dt

    from rich.console import Console

    from tariffsim.cli.render import print_json, print_table
    from tariffsim.core.dates import parse_date
    from tariffsim.core.errors import InputError
    from tariffsim.core.hs import format_hs
    from tariffsim.schedule import load_schedule

    con = Console(highlight=False)
    s = load_schedule()
    lo, hi = s.coverage.start, s.coverage.last_day
    dates = [d for d in (parse_date(x) for x in DEMO_DATES) if lo <= d <= hi]
    start = max(dt.date(2025, 1, 1), lo)
    machines = s.statistical_lines(DEMO_MACHINE_HTS8, (start - dt.date(1970, 1, 1)).days)
    goods = [("Japanese passenger car", DEMO_CAR)]
    if machines:
        goods.append(("Japanese excavator/backhoe (chapter 84)", machines[0]))
    result: dict[str, Any] = {"coverage": [lo, hi], "claim": None, "goods": []}
    for label, code in goods:
        entry: dict[str, Any] = {"label": label, "hs": code, "rates": [], "timeline": []}
        rows = []
        for d in dates:
            try:
                r = s.rate("JPN", code, d)
            except InputError as exc:  # e.g. a line missing from an edition
                rows.append([d, "—", str(exc)[:70]])
                continue
            entry["rates"].append(r.to_dict())
            rows.append(
                [
                    d,
                    _pct(r.total_rate),
                    "\n".join(
                        f"{p.id} {_pct(p.rate)}: {short_ref(p)}" for p in r.parts if p.rate != 0.0
                    )
                    or "duty-free",
                ]
            )
        tl = s.timeline("JPN", code, start, hi + dt.timedelta(days=1))
        entry["timeline"] = [t.to_dict() for t in tl]
        result["goods"].append(entry)
        if not as_json:
            con.rule(f"[bold]{label}[/] · HTS {format_hs(code)} · origin Japan")
            print_table(
                "Rate on key dates", ["date", "total", "measures (reference)"], rows, right={1}
            )
            _print_timeline(tl, f"Timeline {start} to {hi}", refs=False)
    commands = _registered_commands(ctx)
    others = [c for c in ("etr", "duties", "pe", "ge", "negotiate", "serve") if c in commands]
    result["next"] = others
    if as_json:
        print_json(result)
        return

    tips = [
        (
            "tariffsim rate JPN 8703.23.01.90 --on 2025-04-05",
            "one entry, each part with its reference",
        ),
        ("tariffsim rate EU 8703.23.01.90 --on 2025-09-20 --json", "a group origin, as JSON"),
        (
            "tariffsim rate --input docs/examples/shipments.csv --output rated.csv",
            "a shipment list (origin,hs,date,value_usd)",
        ),
        ("tariffsim timeline JPN 8703230190 --plot car.png", "every change, as a chart"),
        ("tariffsim measures --on 2025-08-07", "the measures in force on a day"),
    ]
    hints = {
        "etr": ("tariffsim etr --on 2025-05-15 --by partner", "effective tariff rates, 2024 trade"),
        "duties": (
            "tariffsim duties docs/examples/shipments.csv",
            "duties on an import table, row by row, and the totals",
        ),
        "pe": ("tariffsim pe --from 2025-01-01 --to 2025-08-07", "partial equilibrium by product"),
        "ge": ("tariffsim ge --help", "194-country general equilibrium"),
        "negotiate": (
            "tariffsim negotiate JPN --as-of 2025-07-19",
            "a forecast of the deal with a partner as of a date",
        ),
        "serve": ("tariffsim serve", "the web dashboard"),
    }
    tips += [hints[c] for c in others]
    # One tip per two lines (what it shows, then the command): a two-column table squeezes the
    # descriptions into a few characters on an 80-column terminal.
    con.print("[bold]Try next[/]")
    for cmd, what in tips:
        con.print(f"  [dim]# {what}[/]")
        con.print(f"  {cmd}", style="bold", soft_wrap=True)


def _registered_commands(ctx: typer.Context) -> set[str]:
    """Names of the commands of the running CLI: those registered in the click context, and those
    the root callback of ``cli.main`` puts in ``ctx.meta`` (a run registers only the module of the
    command it names, so the context alone would hold the demo's own module)."""
    root = ctx.find_root().command
    cmds = getattr(root, "commands", None)
    names = set(cmds) if isinstance(cmds, dict) else set()
    return names | set(ctx.meta.get("tariffsim.commands", ()))
