"""Scenarios of the web app: simple edits → a reform (patch) YAML → a new Schedule → comparison.

The three edits of the Scenario page are written as a reform in the format of
``docs/measure-format.md`` ("A reform (patch) file"), shown to the user, and applied with the
schedule library's own reader (``Schedule.apply_reform``: safe YAML, line-numbered validation):

* ``country_rate``: add a measure — an additional ad valorem duty on all goods of one country from a
  date (to an optional end date, exclusive);
* ``exempt``: add HS prefixes to a measure's ``scope.exclude_products``;
* ``move_date``: change the start date of one value of a measure (its step function shifts).

User YAML arrives as text in a request; it is written to a temporary file that this module creates
(never a path taken from the request) and removed afterwards. The comparison is static (2024 import
values, like ``tariffsim etr``): ETR_scenario − ETR_baseline on the chosen date, overall, by partner
and by authority; optionally the partial-equilibrium model of the change (``models.pe.run_pe`` with
the baseline rates as t0 and the scenario's as t1 on the same date).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import yaml

from tariffsim.core.errors import InputError

MAX_YAML_CHARS = 200_000


def edits_to_reform(
    schedule: Any, edits: Sequence[dict[str, Any]], *, title: str | None = None
) -> dict:
    """The reform (patch) mapping of a list of edits (see the module docstring)."""
    from tariffsim.core import countries

    add: list[dict[str, Any]] = []
    change: dict[str, dict[str, Any]] = {}
    measures = schedule.spec.measures
    known = ", ".join(sorted(measures))
    for i, e in enumerate(edits):
        kind = e.get("kind")
        where = f"edits[{i}]"
        if kind == "country_rate":
            iso = countries.resolve(str(e["origin"]))
            members = list(countries.expand(iso)) if countries.is_group(iso) else [iso]
            rate = float(e["rate"])
            if not 0.0 <= rate <= 10.0:
                raise InputError(
                    f"{where}.rate: {rate} is not in [0, 10]", hint="a fraction: 25% is 0.25"
                )
            start = _date(e["start"], f"{where}.start")
            mid = f"scenario_{iso.lower()}_{i}"
            values: list[dict[str, Any]] = [
                {
                    "start": start.isoformat(),
                    "rates": {m: rate for m in members},
                    "reference": "scenario (tariffsim web): additional ad valorem duty",
                }
            ]
            if e.get("end"):
                end = _date(e["end"], f"{where}.end")
                if end <= start:
                    raise InputError(
                        f"{where}.end: {end} is not after start {start}", hint="end is exclusive"
                    )
                values.append({"start": end.isoformat(), "rate": None, "reference": "scenario end"})
            add.append(
                {
                    "id": mid,
                    "title": f"Scenario: additional {rate:.1%} on goods of {countries.name(iso)}",
                    "authority": e.get("authority") or "ieepa_reciprocal",
                    "scope": {"origins": members, "products": ["*"]},
                    "values": values,
                }
            )
        elif kind == "exempt":
            mid = str(e["measure"])
            if mid not in measures:
                raise InputError(
                    f"{where}.measure: unknown measure {mid!r}", hint=f"known: {known}"
                )
            prefixes = [str(p).replace(".", "").strip() for p in e.get("products", [])]
            bad = [p for p in prefixes if not (p.isdigit() and 2 <= len(p) <= 10)]
            if not prefixes or bad:
                raise InputError(
                    f"{where}.products: {bad or prefixes!r} are not HS prefixes",
                    hint="give 2 to 10 digits each, e.g. 8703 or 2709",
                )
            base_scope = change.get(mid, {}).get("scope") or measures[mid].scope.model_dump(
                mode="json"
            )
            scope = dict(base_scope)
            scope["exclude_products"] = [*scope.get("exclude_products", []), *prefixes]
            change.setdefault(mid, {})["scope"] = scope
        elif kind == "move_date":
            mid = str(e["measure"])
            if mid not in measures:
                raise InputError(
                    f"{where}.measure: unknown measure {mid!r}", hint=f"known: {known}"
                )
            old = _date(e["from_date"], f"{where}.from_date")
            new = _date(e["to_date"], f"{where}.to_date")
            vals = change.get(mid, {}).get("values") or [
                v.model_dump(mode="json", exclude_none=True) for v in measures[mid].values
            ]
            starts = [v["start"] for v in vals]
            if old.isoformat() not in starts:
                raise InputError(
                    f"{where}.from_date: measure {mid} has no value starting on {old}",
                    hint=f"its values start on: {', '.join(starts)}",
                )
            vals = [dict(v) for v in vals]
            vals[starts.index(old.isoformat())]["start"] = new.isoformat()
            vals.sort(key=lambda v: v["start"])
            change.setdefault(mid, {})["values"] = vals
        else:
            raise InputError(
                f"{where}.kind: unknown edit {kind!r}", hint="use country_rate, exempt or move_date"
            )
    out: dict[str, Any] = {"title": title or "web scenario"}
    if add:
        out["add"] = add
    if change:
        out["change"] = change
    return out


def _date(v: Any, field: str) -> dt.date:
    from tariffsim.core.dates import parse_date

    return parse_date(v, field=field)


def reform_yaml(reform: dict) -> str:
    return yaml.safe_dump(reform, sort_keys=False, allow_unicode=True, width=100)


def check_reform_text(text: str) -> None:
    """Read a reform YAML as the schedule library does (``Reform.from_yaml``: the capped reader of
    ``core.yamlio`` — size, depth, alias expansion, no Python tags — and the reform schema) before
    anything else is done with it: cheap, so a job is refused at once rather than failing later.
    Any YAML error is an :class:`InputError`."""
    from tariffsim.schedule.schema import Reform

    if len(text) > MAX_YAML_CHARS:
        raise InputError(f"reform YAML is {len(text):,} characters (limit {MAX_YAML_CHARS:,})")
    try:
        Reform.from_yaml(text, name="reform.yaml")
    except yaml.YAMLError as exc:  # e.g. a control character, refused before parsing starts
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "position", None)
        where = f"position {mark}" if isinstance(mark, int) else "reform.yaml"
        raise InputError(
            f"reform.yaml: not YAML ({where}): {str(getattr(exc, 'problem', '') or exc)[:200]}",
            hint="a reform is a YAML text file (docs/measure-format.md); no control characters",
        ) from None


@contextmanager
def reform_file(text: str) -> Iterator[str]:
    """A temporary file holding the reform YAML ``text`` (created here, removed afterwards)."""
    if len(text) > MAX_YAML_CHARS:
        raise InputError(f"reform YAML is {len(text):,} characters (limit {MAX_YAML_CHARS:,})")
    if not text.strip():
        raise InputError(
            "empty reform", hint="give add:, change: or remove: (see docs/measure-format.md)"
        )
    check_reform_text(text)
    fd, path = tempfile.mkstemp(prefix="tariffsim-reform-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            yield path
        except InputError as exc:  # name the file as the user knows it, not the temporary path
            raise InputError(str(exc).replace(path, "reform.yaml"), hint=exc.hint) from None
    finally:
        os.unlink(path)


def apply_reform_text(schedule: Any, text: str) -> Any:
    """A new Schedule = ``schedule`` with the reform YAML ``text`` applied (read by the library's
    safe, line-numbered loader from a temporary file created here; errors name ``reform.yaml:LINE``)."""
    with reform_file(text) as path:
        return schedule.apply_reform(path)


def compare(
    state: Any,
    on: dt.date,
    text: str,
    *,
    with_pe: bool = False,
    with_ge: bool = False,
    top: int = 15,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Baseline vs scenario on ``on``: ETR, by partner, by authority (and PE when asked)."""
    say = progress or (lambda f, m: None)
    say(0.05, "reading the reform")
    with reform_file(text) as path:
        sched = state.schedule.apply_reform(path)
        sched.check_date(on, field="date")
        out = _compare(state, sched, on, top=top, with_pe=with_pe, say=say)
        if with_ge:
            say(0.9, "general-equilibrium model")
            out["ge"] = _ge_compare(state, on, path)
    say(1.0, "done")
    return out


def _ge_compare(state: Any, on: dt.date, path: str, top: int = 12) -> dict[str, Any]:
    """GE outcomes (law on ``on`` vs ``models.law_tariffs.BASELINE``) without and with the reform:
    the regions, and the
    countries whose US tariff changes (then those whose welfare changes most)."""
    from tariffsim.web.services import ge_law

    b = ge_law(state, on)
    s = ge_law(state, on, reform_path=path)
    cols = ("welfare_pct", "prices_pct", "employment_pct")
    regions = []
    for rb, rs in zip(b.frame("regions").to_dicts(), s.frame("regions").to_dicts(), strict=True):
        regions.append(
            {
                "region": rb["region"],
                **{f"{c}_baseline": rb[c] for c in cols},
                **{f"{c}_scenario": rs[c] for c in cols},
            }
        )
    cb = {r["iso3"]: r for r in b.frame("countries").to_dicts()}
    rows = []
    for r in s.frame("countries").to_dicts():
        o = cb[r["iso3"]]
        rows.append({"iso3": r["iso3"], "country": r["country"], **{f"{c}_baseline": o[c] for c in cols},
                     **{f"{c}_scenario": r[c] for c in cols},
                     "us_tariff_baseline": o["us_tariff_rate"], "us_tariff_scenario": r["us_tariff_rate"]})  # fmt: skip
    # the countries whose US tariff the reform changes first (largest change), then the largest
    # welfare changes elsewhere
    rows.sort(
        key=lambda r: (
            -abs(r["us_tariff_scenario"] - r["us_tariff_baseline"]),
            -abs(r["welfare_pct_scenario"] - r["welfare_pct_baseline"]),
        )
    )
    from tariffsim.models.law_tariffs import BASELINE

    return {"regions": regions, "countries": rows[:top], "vs": BASELINE.isoformat()}


def _compare(
    state: Any, sched: Any, on: dt.date, *, top: int, with_pe: bool, say: Any
) -> dict[str, Any]:
    from tariffsim.duties.etr import ave_approx_flags, duties_from_compiled

    base_sched = state.schedule
    flows = state.flows
    say(0.25, "compiling the scenario's rates on 2024 imports")
    nxt = on + dt.timedelta(days=1)
    c1 = sched.compile(
        hs10=flows.hs10, origin=flows.origin, start=on, end=nxt, shares=dict(flows.shares)
    )
    scen = duties_from_compiled(c1, flows, on, ave_approx=ave_approx_flags(sched, flows, on))
    base = state.etr.etr_json(on)
    say(0.6, "aggregating")
    seg = state.etr.segment(on)
    base_partner = {r["key"]: r for r in state.etr.by("partner", seg)}
    base_auth = {r["key"]: r for r in state.etr.by("authority", seg)}
    sp = scen.by("partner")
    partners = []
    for r in sp.iter_rows(named=True):
        b = base_partner.get(r["key"], {"etr": 0.0, "duty_usd": 0.0})
        partners.append(
            {
                "key": r["key"],
                "imports_usd": r["imports_usd"],
                "etr_baseline": b["etr"],
                "etr_scenario": r["etr"],
                "duty_usd_baseline": b["duty_usd"],
                "duty_usd_scenario": r["duty_usd"],
            }
        )
    partners.sort(key=lambda r: -abs(r["duty_usd_scenario"] - r["duty_usd_baseline"]))
    auth = []
    for r in scen.by("authority").iter_rows(named=True):
        b = base_auth.get(r["key"], {"etr": 0.0})
        auth.append({"key": r["key"], "etr_baseline": b["etr"], "etr_scenario": r["etr"]})
    for k, b in base_auth.items():
        if k not in {a["key"] for a in auth}:
            auth.append({"key": k, "etr_baseline": b["etr"], "etr_scenario": 0.0})
    out: dict[str, Any] = {
        "date": on.isoformat(),
        "reform_title": sched.reform,
        "baseline": {
            "etr": base["etr"],
            "duty_usd": base["duty_usd"],
            "imports_usd": base["imports_usd"],
        },
        "scenario": {"etr": scen.etr, "duty_usd": scen.duty_usd, "imports_usd": scen.imports_usd},
        "etr_change": scen.etr - base["etr"],
        "duty_change_usd": scen.duty_usd - base["duty_usd"],
        "by_partner": partners[:top],
        "by_authority": auth,
        "changed_rows": None,
        "pe": None,
        "ge": None,
    }
    say(0.7, "baseline rates of every row")
    c0 = base_sched.compile(
        hs10=flows.hs10, origin=flows.origin, start=on, end=nxt, shares=dict(flows.shares)
    )
    t0 = np.asarray(c0.at(on), float)
    t1 = np.asarray(c1.at(on), float)
    out["changed_rows"] = int(np.count_nonzero(np.abs(t1 - t0) > 1e-12))
    if with_pe:
        from tariffsim.models.pe import run_pe

        say(0.8, "partial-equilibrium model")
        res = run_pe(start=on, end=on, flows=flows, t0=t0, t1=t1)
        out["pe"] = res.frame("summary").to_dicts()[0]
    return out
