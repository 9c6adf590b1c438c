"""Dated public facts that a negotiation case may use, each with the day it became public.

The files (``sources.yaml``, ``rates.yaml``, ``calendar.yaml``, ``s232.yaml``, ``retaliation.yaml``,
``partners.yaml``, ``us_objectives.yaml``; models in :mod:`.schema`) hold what was announced, in
force, ruled or said, with the source of each entry. **Every loader takes ``as_of`` and returns only
entries with ``date <= as_of``**; parts of an entry that became public later (a threat's withdrawal,
an election's result, an investigation's proclamation) are removed from what it returns. A forecast
made on ``as_of`` can therefore not see the future through this module.

Partner codes are ISO 3166 alpha-3, or ``EU``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tariffsim.core.dates import parse_date
from tariffsim.core.errors import InputError
from tariffsim.negotiation.facts import schema as S
from tariffsim.negotiation.facts._io import FACTS_DIR, cached, read_model

__all__ = [
    "HEADLINE_MEASURES",
    "AllFacts",
    "calendar",
    "deadlines",
    "headline_measures",
    "load",
    "open_s232",
    "partner_facts",
    "partners",
    "rate_in_force",
    "rates_in_force",
    "retaliation",
    "s232_investigations",
    "same_headline_class",
    "sources",
    "threat_rate",
    "threats",
    "us_objectives",
]

HEADLINE_MEASURES: dict[str, tuple[str, ...]] = {
    "CHN": ("reciprocal", "fentanyl", "china_export_controls"),
    "CAN": ("fentanyl",),
    "MEX": ("fentanyl",),
    "BRA": ("reciprocal", "brazil"),
}
"""Which US measures a partner's headline rate adds up (default: the reciprocal duty alone).

China's deals (Geneva, Busan) changed the IEEPA total (reciprocal + fentanyl: 145% → 30% → 20%;
the additional 100% announced on 10 Oct 2025 and dropped at Busan counts as part of it);
Canada and Mexico had no reciprocal duty, only the fentanyl duty; Brazil's 50% was 10% reciprocal
plus 40% under EO 14323. This is the definition of the target, not an outcome."""


def headline_measures(partner: str) -> tuple[str, ...]:
    """The measures a partner's headline rate adds up (see :data:`HEADLINE_MEASURES`)."""
    return HEADLINE_MEASURES.get(partner, ("reciprocal",))


def same_headline_class(a: str, b: str) -> bool:
    """Whether two partners' headline rates add up the same measures, so that one can be read as
    the other's (China's IEEPA total of fentanyl and reciprocal duties is not a reciprocal rate)."""
    return set(headline_measures(a)) == set(headline_measures(b))


@dataclass(frozen=True)
class AllFacts:
    sources: dict[str, S.Source]
    rates: S.RatesFile
    calendar: S.CalendarFile
    s232: S.S232File
    retaliation: S.RetaliationFile
    partners: S.PartnersFile
    objectives: S.ObjectivesFile


FILES = (
    "sources.yaml", "rates.yaml", "calendar.yaml", "s232.yaml", "retaliation.yaml",
    "partners.yaml", "us_objectives.yaml",
)  # fmt: skip


@lru_cache(maxsize=1)
def load() -> AllFacts:
    """Read and validate every fact file (cached in memory and on disk); errors name ``file:line``."""
    return cached("facts", [FACTS_DIR / f for f in FILES], _read_all)


def _read_all() -> AllFacts:
    src = read_model(S.SourcesFile, FACTS_DIR / "sources.yaml", None).sources
    return AllFacts(
        sources=src,
        rates=read_model(S.RatesFile, FACTS_DIR / "rates.yaml", src),
        calendar=read_model(S.CalendarFile, FACTS_DIR / "calendar.yaml", src),
        s232=read_model(S.S232File, FACTS_DIR / "s232.yaml", src),
        retaliation=read_model(S.RetaliationFile, FACTS_DIR / "retaliation.yaml", src),
        partners=read_model(S.PartnersFile, FACTS_DIR / "partners.yaml", src),
        objectives=read_model(S.ObjectivesFile, FACTS_DIR / "us_objectives.yaml", src),
    )


def _day(as_of: Any) -> dt.date:
    return parse_date(as_of, field="as_of")


def _public(items: Iterable[Any], day: dt.date) -> list[Any]:
    return [x for x in items if x.date <= day]


def sources() -> dict[str, S.Source]:
    """Every source (id → title, url or data path, date, kind)."""
    return dict(load().sources)


# --------------------------------------------------------------------------------------------
# Rates in force and threats
# --------------------------------------------------------------------------------------------


def rates_in_force(partner: str, as_of: Any, *, known_on: Any = None) -> dict[str, S.InForce]:
    """Per measure, the rate applying to ``partner``'s goods on ``as_of``, as known on ``known_on``
    (default: ``as_of`` itself — what a forecaster on that day could know).

    Among entries public by ``known_on`` and started by ``as_of``, the latest ``start`` wins (ties:
    the later publication, so a retroactive correction replaces what it corrects). A measure whose
    latest entry has rate 0 is left out.
    """
    day = _day(as_of)
    known = day if known_on is None else _day(known_on)
    best: dict[str, S.InForce] = {}
    for e in _in_force_of(partner):
        if e.date > known or e.start > day:
            continue
        cur = best.get(e.measure)
        if cur is None or (e.start, e.date) >= (cur.start, cur.date):
            best[e.measure] = e
    return {m: e for m, e in best.items() if e.rate > 0}


@lru_cache(maxsize=64)
def _in_force_of(partner: str) -> tuple[S.InForce, ...]:
    return tuple(e for e in load().rates.in_force if e.partner == partner)


@lru_cache(maxsize=64)
def _threats_of(partner: str) -> tuple[S.Threat, ...]:
    return tuple(t for t in load().rates.threats if t.partner == partner)


def rate_in_force(
    partner: str, as_of: Any, measures: Iterable[str] | None = None, *, known_on: Any = None
) -> float:
    """Sum of the rates in force on ``as_of`` over ``measures`` (default: the headline measures),
    as known on ``known_on`` (default ``as_of``)."""
    ms = tuple(measures) if measures is not None else headline_measures(partner)
    cur = rates_in_force(partner, as_of, known_on=known_on)
    return round(float(sum(cur[m].rate for m in ms if m in cur)), 10)


def threats(partner: str, as_of: Any) -> list[S.Threat]:
    """Threats announced for ``partner`` by ``as_of``; a withdrawal after ``as_of`` is not shown."""
    day = _day(as_of)
    out = []
    for t in _threats_of(partner):
        if t.date > day:
            continue
        if t.withdrawn is not None and t.withdrawn > day:
            t = t.model_copy(update={"withdrawn": None})
        out.append(t)
    return sorted(out, key=lambda t: t.date)


def live_threats(partner: str, as_of: Any, measure: str) -> list[S.Threat]:
    """Threats of ``measure`` announced by ``as_of`` and not withdrawn by then."""
    return [t for t in threats(partner, as_of) if t.measure == measure and t.withdrawn is None]


def threat_rate(partner: str, as_of: Any, measures: Iterable[str] | None = None) -> float:
    """The threat on ``as_of``: per measure the highest of the rate in force and the live threats,
    summed over ``measures`` (default: the headline measures).

    This is the "highest rate announced for the partner and not withdrawn" of the forecast record,
    taken per measure so that a partner's reciprocal and penalty duties add up.
    """
    ms = tuple(measures) if measures is not None else headline_measures(partner)
    cur = rates_in_force(partner, as_of)
    total = 0.0
    for m in ms:
        cands = [t.rate for t in live_threats(partner, as_of, m)]
        if m in cur:
            cands.append(cur[m].rate)
        total += max(cands, default=0.0)
    return round(float(total), 10)


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


def calendar(as_of: Any, partner: str | None = None) -> list[S.CalendarEvent]:
    """Events public by ``as_of`` (concerning ``partner`` if given), oldest first."""
    day = _day(as_of)
    ev = _public(load().calendar.events, day)
    if partner is not None:
        ev = [e for e in ev if e.concerns(partner)]
    return sorted(ev, key=lambda e: (e.date, e.id))


def deadlines(partner: str, as_of: Any) -> list[S.CalendarEvent]:
    """Pauses, deadlines and truces for ``partner`` still ahead on ``as_of`` (``until > as_of``).

    An event replaced by a later one public by ``as_of`` (its ``supersedes``) is left out, so an
    extended deadline shows only as the extension.
    """
    day = _day(as_of)
    known = [
        e
        for e in calendar(day, partner)
        if e.kind in ("pause", "deadline", "extension", "truce") and e.until is not None
    ]
    gone = {e.supersedes for e in calendar(day, partner) if e.supersedes}
    return [e for e in known if e.id not in gone and e.until is not None and e.until > day]


# --------------------------------------------------------------------------------------------
# Section 232, retaliation
# --------------------------------------------------------------------------------------------


def s232_investigations(as_of: Any) -> list[S.S232Investigation]:
    """Investigations initiated by ``as_of``, with only the actions public by then."""
    day = _day(as_of)
    out = []
    for inv in _public(load().s232.investigations, day):
        acts = [a for a in inv.actions if a.date <= day]
        if len(acts) != len(inv.actions):
            inv = inv.model_copy(update={"actions": acts})
        out.append(inv)
    return out


def open_s232(as_of: Any) -> list[S.S232Investigation]:
    """Investigations initiated by ``as_of`` with no tariff action public by then."""
    return [i for i in s232_investigations(as_of) if not any(a.rate for a in i.actions)]


def retaliation(partner: str | None, as_of: Any) -> list[S.Retaliation]:
    """Counter-measures announced, in force, suspended or withdrawn by ``as_of``."""
    day = _day(as_of)
    return [r for r in _public(load().retaliation.measures, day) if partner in (None, r.partner)]


# --------------------------------------------------------------------------------------------
# Partners, US objectives
# --------------------------------------------------------------------------------------------


def partners() -> list[str]:
    """Partners with a profile in ``partners.yaml``."""
    return sorted(load().partners.partners)


def partner_facts(partner: str, as_of: Any) -> S.PartnerFacts:
    """FTA status, elections (results only once known), security and exposure, as of ``as_of``."""
    day = _day(as_of)
    p = load().partners.partners.get(partner)
    if p is None:
        raise InputError(
            f"no partner facts for {partner!r}",
            hint=f"partners with facts: {', '.join(partners())}",
        )
    elections = []
    for e in _public(p.elections, day):
        if e.result is not None and e.result.date > day:
            e = e.model_copy(update={"result": None})
        elections.append(e)
    sec = p.security
    sec = sec.model_copy(
        update={
            k: (v if v is not None and v.date <= day else None)
            for k, v in (
                ("treaty_ally", sec.treaty_ally),
                ("us_troops", sec.us_troops),
                ("us_share_arms_imports", sec.us_share_arms_imports),
            )
        }
    )
    fta = p.fta if p.fta.date <= day else S.Fta(date=day, source=p.fta.source, status="none")
    return p.model_copy(
        update={
            "fta": fta,
            "elections": elections,
            "security": sec,
            "exposure": _public(p.exposure, day),
        }
    )


def us_objectives(as_of: Any, kind: str | None = None) -> list[S.Objective]:
    """US statements of objectives public by ``as_of`` (of ``kind`` if given), oldest first."""
    day = _day(as_of)
    out = [o for o in _public(load().objectives.statements, day) if kind in (None, o.kind)]
    return sorted(out, key=lambda o: o.date)
