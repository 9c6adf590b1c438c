"""``tariffsim negotiate CASE``: the negotiation analysis of a case file (issue 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _fmt(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v.replace("_", " ")  # categorical level, e.g. joint_statement -> joint statement
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
    if unit == "t/yr":
        return f"{float(lo) / 1000:,.1f}–{b}"
    if unit.startswith("USD bn"):
        return f"${float(lo):,.4g}–{b.lstrip('$')}"
    return f"{float(lo):,.4g}–{b}"


def negotiate(
    case: str | None = typer.Argument(
        None, help="case id (e.g. us-japan-2025-04) or a path to a case YAML file"
    ),
    draws: int = typer.Option(2000, "--draws", help="simulated negotiations"),
    seed: int = typer.Option(0, "--seed", help="random seed"),
    json_: bool = typer.Option(False, "--json", help="print JSON"),
    full: bool = typer.Option(
        False, "--full", help="with --json: add a 'details' block (ZOPA, sensitivity, tied hands …)"
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="folder for the Pareto and tornado charts (PNG)"
    ),
    explain: bool = typer.Option(
        False, "--explain", help="show each party's utility of every issue level"
    ),
    best_for: str | None = typer.Option(
        None, "--best-for", help="party code: its best package the other side accepts"
    ),
    min_acceptance: float = typer.Option(
        0.8, "--min-acceptance", help="with --best-for: minimum acceptance probability"
    ),
    then: list[str] = typer.Option(
        None, "--then", help="sequence: later case(s) negotiated after CASE (repeatable)"
    ),
    precedent: float = typer.Option(
        0.3,
        "--precedent",
        help="with --then: US$ bn/yr per pp below the precedent per $100bn imports",
    ),
    credibility: float = typer.Option(
        0.2,
        "--credibility",
        help="with --then: share of the previous US gain added to its reservation",
    ),
    score_: Path | None = typer.Option(
        None, "--score", help="outcome YAML file: score the forecast and the baselines against it"
    ),
    list_: bool = typer.Option(False, "--list", help="list the shipped cases and exit"),
) -> None:
    """Negotiation analysis: ZOPA, Pareto frontier, Nash/KS packages, simulated deals, ratification odds."""
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.case import list_cases, load_case

    if list_:
        print("\n".join(list_cases()))
        return
    if case is None:
        raise InputError(
            "give a case",
            hint=f"tariffsim negotiate us-japan-2025-04 (shipped: {', '.join(list_cases())})",
        )
    c = load_case(case)
    outcome = None
    if score_ is not None:
        from tariffsim.negotiation.backtest import load_outcome

        outcome = load_outcome(score_)  # read (and validate) before the analysis runs
    if explain:
        _explain(c, json_)
        return
    if best_for is not None:
        _best_for(c, best_for, min_acceptance, json_)
        return
    if then:
        _sequence(c, then, precedent, credibility, json_)
        return
    from tariffsim.negotiation.analysis import analyze

    if draws < 1:
        raise InputError(f"--draws must be at least 1, got {draws}", hint="e.g. --draws 2000")
    if plot is not None and plot.exists() and not plot.is_dir():
        raise InputError(
            f"--plot {str(plot)!r} is a file; it names the folder the charts are written to",
            hint="e.g. --plot charts/",
        )
    r = analyze(c, draws=draws, seed=seed)
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
    a, b = r.parties
    say(
        f"{c.title}  (as of {r.as_of}; {r.draws:,} simulated negotiations, {r.timings['total_s']:.1f} s)"
    )
    say(
        f"No deal (expected): {a} {r.reservation[a]:.2f}, {b} {r.reservation[b]:.2f} (US$ bn/yr equivalent); "
        f"threat levels: "
        + ", ".join(
            f"{k} {_fmt(v, c.issue(k).unit)}"
            for k, v in r.no_deal_levels.items()
            if k in ("reciprocal_rate", "auto_rate")
        )
    )
    z = r.zopa
    zsize = "empty" if z["empty"] else f"~{z['size']:,.0f} packages"
    say(
        f"ZOPA: {zsize} of {c.agenda().n_packages:,}; "
        f"Pareto frontier {r.pareto_size:,} packages ({z['pareto_points']:,} inside the ZOPA)"
    )
    say(
        f"P(agreement, ratified) = {r.agreement_probability:.2f}   (negotiated {r.negotiated_probability:.2f}; "
        f"{r.myopic_agreement_probability:.2f} if negotiators ignored ratification; "
        f"median {r.time_to_agreement['median']} rounds)"
    )
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
                _fmt(None if r.nash_ratified is None else r.nash_ratified[spec.name], spec.unit),
                _fmt(d["median"], spec.unit),
                _range(d["p10"], d["p90"], spec.unit),
            )
        )
    print_table(
        "Packages and the simulated deal distribution",
        [
            "issue",
            "Nash",
            "KS",
            "Nash, P≥½",
            "deal median",
            "deal p10–p90",
        ],
        rows,
        nowrap={0},
    )
    rat = r.ratification.get("nash")
    if rat:
        piv = ", ".join(f"{k} {v['probability']:.2f}" for k, v in rat["pivots"].items())
        say(
            f"Ratification of the Nash package: {a} {rat[a]:.2f}, {b} {rat[b]:.2f}, joint {rat['joint']:.2f}  ({piv})"
        )
    ws = r.ratification["win_sets_on_frontier"]
    say(
        f"Win-sets on the frontier (P ≥ ½): {a} {ws['win_set_' + a]:.0%}, {b} {ws['win_set_' + b]:.0%}, "
        f"both {ws['both']:.0%}"
    )
    if r.tied_hands:
        th = r.tied_hands
        moved = (
            ", ".join(f"{k} {v['before']} → {v['after']}" for k, v in th["moved"].items())
            or "nothing"
        )
        say(f"Tied hands ({th['constituency']} ×{th['factor']:g}): Nash moves {moved}")
        first = next((s for s in th.get("ladder", []) if s["moved"]), None)
        if first is not None and not th["moved"]:
            mv = ", ".join(f"{k} {v['before']} → {v['after']}" for k, v in first["moved"].items())
            say(f"  the Nash package first moves at ×{first['factor']:g}: {mv}")
    if r.sensitivity:
        top = r.sensitivity[:5]
        say(
            "Most influential parameters: "
            + ", ".join(f"{t['parameter']} ({t['swing']:.2f})" for t in top)
        )
    for p in paths:
        print(f"wrote {p}")


def _explain(c: Any, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.negotiation.preferences import build_preferences
    from tariffsim.negotiation.threat import no_deal

    prefs = build_preferences(c)
    nd = no_deal(prefs)
    rows = prefs.explain()
    if json_:
        print_json(
            {
                "case": c.id,
                "reservation": nd.reservation,
                "no_deal_levels": nd.expected_levels,
                "trade_usd": {k: v[0] for k, v in prefs.trade.items()},
                "levels": rows,
            }
        )
        return
    a, b = c.parties
    out = []
    for row in rows:
        chans = ", ".join(f"{k} {v:+.3f}" for k, v in row["channels"].items() if abs(v) > 5e-4)
        out.append(
            (
                row["issue"],
                _fmt(row["level"], row["unit"]),
                f"{row[a]:+.3f}",
                f"{row[b]:+.3f}",
                chans,
            )
        )
    print_table(
        f"{c.id}: utility of each issue level (US$ bn/yr equivalent)",
        ["issue", "level", a, b, "channels"],
        out,
        right={2, 3},
    )
    say(f"No deal: {a} {nd.reservation[a]:.3f}, {b} {nd.reservation[b]:.3f}")
    say(
        "2024 trade used: "
        + ", ".join(f"{k} {v[0] / 1e9:,.2f} bn ({v[1]})" for k, v in prefs.trade.items())
    )


def _party(c: Any, text: str) -> str:
    """A party code of the case from what the user typed: 'JPN', 'jpn' or 'Japan'."""
    from tariffsim.core.errors import InputError

    if text.upper() in c.parties:
        return text.upper()
    try:
        from tariffsim.core.countries import resolve

        code = resolve(text)
    except InputError:
        code = None
    if code in c.parties:
        return code
    raise InputError(f"unknown party {text!r}", hint=f"parties of {c.id}: {', '.join(c.parties)}")


def _best_for(c: Any, party: str, min_acceptance: float, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table, say
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.analysis import solve_case
    from tariffsim.negotiation.solutions import best_for

    party = _party(c, party)
    if not 0.0 <= min_acceptance <= 1.0:
        raise InputError(f"--min-acceptance must be in [0, 1], got {min_acceptance}")
    s = solve_case(c)
    other = c.parties[1 - c.parties.index(party)]
    rat = s.ratification

    def accept(pk: Any) -> Any:
        return rat.party(other, pk)

    sol = best_for(
        party, s.problem, accept, min_acceptance, acceptance_utilities=rat.utilities_of(other)
    )
    if json_:
        print_json(
            {
                "party": party,
                "min_acceptance": min_acceptance,
                "package": None if sol is None else sol.levels,
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
    if sol is None:
        say(f"No package is accepted by {other} with probability ≥ {min_acceptance:.2f}.")
        return
    say(
        f"Best package for {party} that {other} ratifies with P ≥ {min_acceptance:.2f} "
        f"(P = {sol.details.get('acceptance_probability'):.3f}):"
    )
    print_table(
        None, ["issue", "level"], [(k, _fmt(v, c.issue(k).unit)) for k, v in sol.levels.items()]
    )


def _sequence(c: Any, then: list[str], precedent: float, credibility: float, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table
    from tariffsim.negotiation.case import load_case
    from tariffsim.negotiation.sequence import run_sequence

    cases = [c, *[load_case(x) for x in then]]
    steps = run_sequence(cases, precedent_penalty=precedent, credibility=credibility)
    if json_:
        print_json(
            {
                "sequence": [s.as_dict() for s in steps],
                "precedent_penalty": precedent,
                "credibility": credibility,
            }
        )
        return
    for k, (case, s) in enumerate(zip(cases, steps, strict=True), start=1):
        rows = [
            (
                spec.name,
                _fmt(
                    None if s.nash_independent is None else s.nash_independent[spec.name], spec.unit
                ),
                _fmt(None if s.nash_sequenced is None else s.nash_sequenced[spec.name], spec.unit),
            )
            for spec in case.issues
        ]
        print_table(
            f"{k}. {case.id} (US reservation +{s.us_reservation_shift:.2f})",
            ["issue", "Nash alone", "Nash in sequence"],
            rows,
        )


def _score(c: Any, r: Any, outcome: Any, json_: bool) -> None:
    from tariffsim.cli.render import print_json, print_table
    from tariffsim.negotiation.backtest import score

    s = score(c, r.deal, outcome)
    path = outcome.path
    if json_:
        print_json(s)
        return
    rows = [
        (who, f"{v['mean_norm_error']:.3f}", f"{v['coverage']:.0%}", v["n"])
        for who, v in s["summary"].items()
    ]
    print_table(
        f"{c.id} against {path.name} ({s['outcome_kind']})",
        ["forecaster", "mean normalised error", "in 10–90 band", "issues"],
        rows,
        right={1, 2, 3},
    )


def register(app: typer.Typer) -> None:
    app.command("negotiate")(negotiate)
