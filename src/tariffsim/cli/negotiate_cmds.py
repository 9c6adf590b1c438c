"""``tariffsim negotiate``: a negotiation case, any partner on any date, or the whole wave.

* ``tariffsim negotiate us-japan-2025-04`` — a shipped case (or a path to a case YAML file);
* ``tariffsim negotiate JPN --as-of 2025-04-15`` — the generated case of a partner (ISO3, a name or
  EU) on a date;
* ``tariffsim negotiate wave --as-of 2025-07-01`` — every open partner's forecast, with the claims
  between them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer


def _fmt(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v.replace("_", " ")
    if unit == "fraction":
        return f"{100 * float(v):.1f}%"
    if unit == "t/yr":
        return f"{float(v) / 1000:,.1f} kt"
    if unit.startswith("USD bn"):
        return f"${float(v):,.4g}bn{unit[6:]}"
    return f"{float(v):,.4g} {unit}"


def _range(lo: Any, hi: Any, unit: str) -> str:
    """A p10–p90 band, the unit written once: '10.0–12.5%', '$0–4bn/yr', 'none–partial'."""
    a, b = _fmt(lo, unit), _fmt(hi, unit)
    if a == b:
        return a
    if isinstance(lo, str) or isinstance(hi, str) or lo is None or hi is None:
        return f"{a}–{b}"
    if unit == "fraction":
        return f"{100 * float(lo):.1f}–{b}"
    if unit.startswith("USD bn"):
        return f"${float(lo):,.4g}–{b.lstrip('$')}"
    return f"{float(lo):,.4g}–{b}"


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from tariffsim.core.dates import parse_date

    return parse_date(text, field="--as-of")


def _load(case: str, as_of: dt.date | None) -> Any:
    """A shipped case id, a case file, or a partner with --as-of."""
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.case import CASES_DIR, case_path, list_cases, load_case

    p = Path(case)
    if p.suffix in (".yaml", ".yml") or (CASES_DIR / f"{case}.yaml").is_file() or p.exists():
        if as_of is not None:
            raise InputError(
                "--as-of goes with a partner, not with a case file",
                hint=f"tariffsim negotiate JPN --as-of {as_of.isoformat()}",
            )
        return load_case(case_path(case))
    from tariffsim.negotiation.generate import generate_case_file, resolve_partner

    try:
        partner = resolve_partner(case)
    except InputError:
        raise InputError(
            f"unknown case {case!r}",
            hint=f"shipped cases: {', '.join(list_cases())}; a path to a case YAML file; or a partner "
            "with --as-of (tariffsim negotiate JPN --as-of 2025-04-15)",
        ) from None
    if as_of is None:
        raise InputError(
            f"{case!r} is a partner: give the date with --as-of",
            hint=f"tariffsim negotiate {case} --as-of 2025-04-15",
        )
    return load_case(generate_case_file(partner, as_of))


def negotiate(
    case: str | None = typer.Argument(
        None,
        help="a case id (us-japan-2025-04), a case YAML file, a partner (JPN, Japan, EU) with --as-of, or 'wave'",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="forecast date YYYY-MM-DD (with a partner or 'wave')"
    ),
    draws: int = typer.Option(2000, "--draws", help="joint draws of the priors"),
    seed: int = typer.Option(0, "--seed", help="random seed"),
    json_: bool = typer.Option(False, "--json", help="print JSON"),
    full: bool = typer.Option(
        False,
        "--full",
        help="with --json: add a 'details' block (benchmarks, stakes, sensitivity …)",
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="folder for the Pareto and sensitivity charts (PNG)"
    ),
    explain: bool = typer.Option(
        False, "--explain", help="each stake with the model and data behind it"
    ),
    check: Path | None = typer.Option(
        None,
        "--check",
        help="a package YAML (issue: level): its utilities, odds and what dominates it",
    ),
    best_for: str | None = typer.Option(
        None, "--best-for", help="party code: its best package the other side accepts"
    ),
    min_acceptance: float = typer.Option(
        0.8, "--min-acceptance", help="with --best-for: minimum acceptance probability"
    ),
    score_: Path | None = typer.Option(
        None, "--score", help="outcome YAML file: score the forecast and the baselines"
    ),
    executor: str = typer.Option("serial", "--executor", help="wave: serial, local or ray"),
    list_: bool = typer.Option(False, "--list", help="list the shipped cases and exit"),
) -> None:
    """Negotiation analysis and forecast: benchmarks (Nash, KS) at the stated priors, the forecast over
    joint draws of every prior, P(deal by date), ratification odds."""
    from tariffsim.cli.render import print_json, say
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.case import list_cases

    if list_:
        print("\n".join(list_cases()))
        return
    if case is None:
        raise InputError(
            "give a case",
            hint=f"tariffsim negotiate us-japan-2025-04 (shipped: {', '.join(list_cases())}), "
            "tariffsim negotiate JPN --as-of 2025-04-15, or tariffsim negotiate wave --as-of 2025-07-01",
        )
    if draws < 1:
        raise InputError(f"--draws must be at least 1, got {draws}", hint="e.g. --draws 2000")
    day = _date(as_of)
    if case.lower() == "wave":
        if day is None:
            raise InputError(
                "the wave needs --as-of", hint="tariffsim negotiate wave --as-of 2025-07-01"
            )
        _wave(day, draws, seed, executor, json_)
        return
    c = _load(case, day)
    outcome = None
    if score_ is not None:
        outcome = _load_outcome(score_)
    if explain:
        _explain(c, json_)
        return
    if check is not None:
        _check(c, check, json_)
        return
    if best_for is not None:
        _best_for(c, best_for, min_acceptance, json_)
        return
    from tariffsim.negotiation.analysis import analyze

    if plot is not None and plot.exists() and not plot.is_dir():
        raise InputError(
            f"--plot {str(plot)!r} is a file; it names the folder the charts are written to",
            hint="e.g. --plot charts/",
        )
    # the plain --json leaves out the tied-hands ladder and the sensitivity table: not computed
    shown = not json_ or full or plot is not None or outcome is not None
    r = analyze(
        c,
        draws=draws,
        seed=seed,
        with_sensitivity=shown,
        with_tied_hands=shown,
        with_explain=full and json_,
    )
    if outcome is not None:
        _score(c, r, outcome, json_)
        return
    paths = []
    if plot is not None:
        from tariffsim.negotiation.plots import pareto_chart, tornado_chart

        paths.append(pareto_chart(r, plot / f"{c.id}-pareto.png"))
        paths.append(tornado_chart(r, plot / f"{c.id}-tornado.png"))
    if json_:
        print_json(r.to_json(full=full))
        return
    _print_result(c, r)
    for p in paths:
        say(f"wrote {p}")


def _print_result(c: Any, r: Any) -> None:
    from tariffsim.cli.render import print_table, say

    a, b = r.parties
    say(
        f"{c.title}  (as of {r.as_of}; {r.draws:,} joint draws of the priors, {r.timings['total_s']:.1f} s)"
    )
    say(
        f"No deal (expected, US$ bn/yr equivalent): {a} {r.reservation[a]:.2f}, {b} {r.reservation[b]:.2f}; "
        "threat levels: "
        + ", ".join(
            f"{k} {_fmt(v, c.issue(k).unit)}"
            for k, v in r.no_deal_levels.items()
            if k in ("reciprocal_rate", "auto_rate")
        )
    )
    z = r.zopa
    zsize = "empty" if z["empty"] else f"~{z['size']:,.0f} packages"
    say(
        f"ZOPA: {zsize}; Pareto frontier {r.pareto_size:,} points; US bargaining power α = {r.bargaining_power:.2f}"
    )
    pdb = ", ".join(f"{k} {v:.2f}" for k, v in r.p_deal_by.items())
    say(f"P(deal, ratified) = {r.agreement_probability:.2f}; P(deal by): {pdb}")
    rows = []
    for spec in c.issues:
        d = r.deal[spec.name]
        rows.append(
            (
                spec.name,
                _fmt(None if r.nash is None else r.nash[spec.name], spec.unit),
                _fmt(
                    None if r.kalai_smorodinsky is None else r.kalai_smorodinsky[spec.name],
                    spec.unit,
                ),
                _fmt(d["median"], spec.unit),
                _range(d["p10"], d["p90"], spec.unit),
            )
        )
    print_table(
        "Benchmarks at the stated priors (not forecasts) and the forecast over the draws",
        ["issue", "Nash", "KS", "forecast median", "forecast p10–p90"],
        rows,
        nowrap={0},
    )
    rat = r.ratification.get("nash")
    if rat:
        piv = ", ".join(f"{k} {v['probability']:.2f}" for k, v in rat["pivots"].items())
        say(f"Ratification of the Nash package: joint {rat['joint']:.2f} ({piv})")
    if r.tied_hands:
        first = next((s for s in r.tied_hands["ladder"] if s["moved"]), None)
        if first:
            mv = ", ".join(f"{k} {v['before']} → {v['after']}" for k, v in first["moved"].items())
            say(
                f"Tied hands: with the partner's approval line raised by {first['threshold_shift']:g}× its cost of no deal, {mv}"
            )
        else:
            say(
                "Tied hands: raising the partner's approval line (up to 1× its cost of no deal) moves nothing"
            )
    if r.sensitivity:
        top = r.sensitivity[:5]
        say(
            "Most influential priors: "
            + ", ".join(f"{t['parameter']} ({t['importance']:.2f})" for t in top)
        )


def _explain(c: Any, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.negotiation.explain import JUDGEMENT_LIMIT, explain

    e = explain(c)
    if json_:
        print_json(e)
        return
    a, b = c.parties
    for iss in e["issues"]:
        say(f"[{iss['issue']}] model: {iss.get('model_doc') or iss.get('model')}")
        if "data" in iss:
            parts = [iss["data"], iss.get("elasticities", "")]
            parts.append(f"scope US$ {iss.get('scope_usd_bn', 0):,.1f} bn")
            say("    data: " + "; ".join(x for x in parts if x))
        for prm in iss["parameters"]:
            say(
                f"    {prm['parameter']} = {prm['value']} {prm['unit']} ({prm['kind']}; {prm['source_title'][:90]})"
            )
    out = []
    for row in e["levels"]:
        lv = ", ".join(_fmt(v, c.issue(k).unit) for k, v in row["level"].items())
        chans = ", ".join(f"{k} {v:+.2f}" for k, v in row["channels"].items() if abs(v) > 5e-3)
        out.append((row["issue"], lv, f"{row[a]:+.2f}", f"{row[b]:+.2f}", chans))
    print_table(
        f"{c.id}: utility of each issue level (US$ bn/yr, relative to the law in force on {c.as_of})",
        ["issue", "level", a, b, "channels"],
        out,
        right={2, 3},
    )
    say(f"No deal: {a} {e['reservation'][a]:.2f}, {b} {e['reservation'][b]:.2f}")
    for p, j in e["judgement"].items():
        flag = "within" if j["within_limit"] else "ABOVE"
        say(
            f"Typed judgement share of {p}'s utility span: {100 * j['judgement_share']:.0f}% ({flag} the {100 * JUDGEMENT_LIMIT:.0f}% limit)"
        )


def _check(c: Any, path: Path, json_: bool) -> None:
    from tariffsim.cli.render import print_json, say
    from tariffsim.negotiation.analysis import check
    from tariffsim.negotiation.explain import read_package

    res = check(c, read_package(path, c))
    if json_:
        print_json(res)
        return
    a, b = c.parties
    u, g = res["utilities"], res["gains_over_no_deal"]
    say(f"{c.id}: {a} {u[a]:+.2f} (gain {g[a]:+.2f}), {b} {u[b]:+.2f} (gain {g[b]:+.2f}) US$ bn/yr")
    say(
        f"Ratification: joint {res['ratification']['joint']:.2f}; individually rational: {res['individually_rational']}"
    )
    if res["pareto_optimal"]:
        say("On the Pareto frontier: no package is better for both.")
    else:
        say(f"Dominated by {res['dominated_by']:,} frontier packages; the closest:")
        for ex in res["dominating_examples"][:3]:
            say(
                f"  {ex['utilities']}: "
                + ", ".join(f"{k} {_fmt(v, c.issue(k).unit)}" for k, v in ex["package"].items())
            )


def _party(c: Any, text: str) -> str:
    from tariffsim.core.errors import InputError

    if text.upper() in c.parties:
        return text.upper()
    try:
        from tariffsim.core.countries import resolve

        code = resolve(text)
    except InputError:
        code = None
    if code is not None and code in c.parties:
        return str(code)
    raise InputError(f"unknown party {text!r}", hint=f"parties of {c.id}: {', '.join(c.parties)}")


def _best_for(c: Any, party: str, min_acceptance: float, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.analysis import case_levels, solve_central
    from tariffsim.negotiation.solutions import best_for

    party = _party(c, party)
    if not 0.0 <= min_acceptance <= 1.0:
        raise InputError(f"--min-acceptance must be in [0, 1], got {min_acceptance}")
    s = solve_central(c)
    other = c.parties[1 - c.parties.index(party)]
    rat = s.ratification

    def accept(pk: Any) -> Any:
        return rat.party(other, pk)

    sol = best_for(
        party,
        s.problem,
        accept,
        min_acceptance,
        acceptance_utilities=rat.utilities_of(other) or None,
    )
    levels = None if sol is None else case_levels(c, s.tables.blocks, sol.package)
    if json_:
        print_json(
            {
                "party": party,
                "min_acceptance": min_acceptance,
                "package": levels,
                "utilities": None
                if sol is None
                else dict(zip(c.parties, sol.utilities, strict=True)),
                "acceptance_probability": None
                if sol is None
                else sol.details.get("acceptance_probability"),
                "reservation": dict(zip(c.parties, s.problem.reservation, strict=True)),
            }
        )
        return
    if sol is None or levels is None:
        say(f"No package is accepted by {other} with probability ≥ {min_acceptance:.2f}.")
        return
    say(
        f"Best package for {party} that {other} ratifies with P ≥ {min_acceptance:.2f} "
        f"(P = {sol.details.get('acceptance_probability'):.3f}):"
    )
    print_table(
        None, ["issue", "level"], [(k, _fmt(v, c.issue(k).unit)) for k, v in levels.items()]
    )


def _wave(day: dt.date, draws: int, seed: int, executor: str, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.negotiation.forecast import forecast_wave

    errors: dict[str, str] = {}
    fcs = forecast_wave(day, draws=draws, seed=seed, executor=executor, errors=errors)
    if json_:
        print_json(
            {"as_of": day.isoformat(), "forecasts": [f.summary() for f in fcs], "errors": errors}
        )
        return
    rows: list[tuple[str, ...]] = []
    for f in fcs:
        s = f.summary()
        h = s["headline"]
        au = s["auto"]
        p = list(s["p_deal_by"].values())
        rows.append(
            (
                f.partner,
                _fmt(f.status_quo_rate, "fraction"),
                _fmt(f.threat_rate, "fraction"),
                "–"
                if h is None
                else f"{_fmt(h['median'], 'fraction')} [{_range(h['p10'], h['p90'], 'fraction')}]",
                "–"
                if au is None
                else f"{_fmt(au['median'], 'fraction')} [{_range(au['p10'], au['p90'], 'fraction')}]",
                " / ".join(f"{x:.2f}" for x in p),
            )
        )
    print_table(
        f"The wave as of {day.isoformat()} ({draws:,} draws; headline as the deal names it)",
        [
            "partner",
            "in force",
            "threat",
            "headline median [p10–p90]",
            "cars",
            "P(deal) 30/60/90 d",
        ],
        rows,
    )
    for who, msg in errors.items():
        say(f"{who}: no forecast ({msg})")
    say("Benchmarks and forecasts follow from the stated priors (docs/negotiation.md).")


def _load_outcome(path: Path) -> Any:
    from tariffsim.negotiation.case_scoring import load_outcome

    return load_outcome(path)


def _score(c: Any, r: Any, outcome: Any, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table
    from tariffsim.negotiation.case_scoring import score

    s = score(c, r.deal, outcome)
    if json_:
        print_json(s)
        return
    rows = [
        (who, f"{v['mean_norm_error']:.3f}", f"{v['coverage']:.0%}", v["n"])
        for who, v in s["summary"].items()
    ]
    print_table(
        f"{c.id} against {Path(str(outcome.path)).name} ({s['outcome_kind']})",
        ["forecaster", "mean normalised error", "in 10–90 band", "issues"],
        rows,
        right={1, 2, 3},
    )


def register(app: typer.Typer) -> None:
    app.command("negotiate")(negotiate)
