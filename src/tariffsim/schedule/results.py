"""What the schedule answers: the rate of an entry, a timeline row, a measure in force.

Frozen records with ``to_dict()`` (the JSON of the CLI and the web). Rates are fractions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tariffsim.schedule.rules import OriginRule


def pct(x: float) -> str:
    """``0.275`` → ``"27.5%"`` (up to four decimals of a percent)."""
    s = f"{100 * x:.4f}".rstrip("0").rstrip(".")
    return f"{s}%"


def rule_text(r: OriginRule | None) -> str:
    """An origin's rule in words: ``"25%"``, ``"floor 15%"`` or ``"nothing"``."""
    if r is None:
        return "nothing"
    if r.floor is not None:
        return f"floor {pct(r.floor)}"
    return pct(r.add or 0.0)


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclass(frozen=True, slots=True)
class MeasurePart:
    """One measure's part of an entry's rate (a fraction), with its legal reference.

    ``effective`` is the legal start of the value applied (the first day it holds) and
    ``published`` the day its instrument was published (``None`` when the library does not say;
    the library then treats it as known from ``effective``).
    """

    id: str
    authority: str
    rate: float
    reference: str
    heading: str | None = None
    note: str | None = None
    effective: dt.date | None = None
    published: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authority": self.authority,
            "rate": self.rate,
            "reference": self.reference,
            "heading": self.heading,
            "note": self.note,
            "effective": _iso(self.effective),
            "published": _iso(self.published),
        }


@dataclass(frozen=True, slots=True)
class ClaimOption:
    """The total rate of an entry under one preference claim (``claim=None``: no claim)."""

    claim: str | None
    total_rate: float
    title: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "title": self.title,
            "total_rate": self.total_rate,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class EntryRate:
    """The rate of one entry: ``total_rate`` = Σ ``parts[i].rate`` (fractions).

    ``claim`` is the preference claim the entry assumes (a program key of
    :mod:`tariffsim.schedule.claims`, ``None`` = no claim); ``claims`` lists the total under each
    claim that could apply (the first is always "no claim"). ``basis`` is ``"entry"`` (one shipment:
    a claim is made or not, metal content declared or the whole value) or ``"flows"`` (trade-flow
    shares from the data). ``as_known_on``: the law as published by that day; ``assumed_unchanged``:
    the day whose law was used for a date after the library's end. ``flags`` name the assumptions
    made (e.g. the whole value taken as steel content).
    """

    origin: str
    hs: str
    date: dt.date
    total_rate: float
    parts: tuple[MeasurePart, ...]
    description: str | None = None
    notes: tuple[str, ...] = ()
    members: dict[str, float] | None = None  # for a group origin: each member's total
    claim: str | None = None
    claims: tuple[ClaimOption, ...] = ()
    basis: str = "entry"
    as_known_on: dt.date | None = None
    assumed_unchanged: dt.date | None = None
    loaded_on: dt.date | None = None
    flags: tuple[str, ...] = ()

    @property
    def nonzero(self) -> dict[str, float]:
        return {p.id: p.rate for p in self.parts if p.rate != 0.0}

    def by_authority(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for p in self.parts:
            out[p.authority] = out.get(p.authority, 0.0) + p.rate
        return out

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "origin": self.origin,
            "hs": self.hs,
            "date": self.date.isoformat(),
            "total_rate": self.total_rate,
            "claim": self.claim,
            "basis": self.basis,
            "measures": [p.to_dict() for p in self.parts],
        }
        if self.claims:
            d["claims"] = [c.to_dict() for c in self.claims]
        if self.as_known_on is not None:
            d["as_known_on"] = self.as_known_on.isoformat()
        if self.assumed_unchanged is not None:
            d["assumed_unchanged"] = {
                "rated_with_law_of": self.assumed_unchanged.isoformat(),
                "note": f"{self.date} is after the library's last day "
                f"{self.assumed_unchanged}: rated with the law of that day, assumed unchanged",
            }
        if self.loaded_on is not None:
            d["loaded_on"] = self.loaded_on.isoformat()
        if self.flags:
            d["flags"] = list(self.flags)
        if self.description:
            d["description"] = self.description
        if self.notes:
            d["notes"] = list(self.notes)
        if self.members is not None:
            d["members"] = self.members
        return d


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """A period ``[start, end)`` over which an entry's parts do not change.

    Each part carries the legal start of its value (``effective``) and its publication date.
    """

    start: dt.date
    end: dt.date
    total_rate: float | None  # None: the code is not a line of the HTS edition in force then
    parts: tuple[MeasurePart, ...]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total_rate": self.total_rate,
            "measures": [p.to_dict() for p in self.parts],
        }
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True, slots=True)
class InForce:
    """A measure in force on a day: its value's reference and a summary of its rates.

    ``order`` is the measure's position in the evaluation order; ``since`` the legal start of the
    value in force, ``published`` its publication date.
    """

    id: str
    authority: str
    title: str
    order: int
    since: dt.date
    reference: str
    summary: str
    suspensions: tuple[str, ...] = ()
    published: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authority": self.authority,
            "title": self.title,
            "order": self.order,
            "since": self.since.isoformat(),
            "published": _iso(self.published),
            "reference": self.reference,
            "summary": self.summary,
            "suspensions": list(self.suspensions),
        }


def change_key(parts: tuple[MeasurePart, ...]) -> tuple[tuple[str, float, str | None], ...]:
    """What a timeline row changes on: each non-zero part's measure, rate and heading. A value whose
    only change for this entry is its reference text (it changed for other origins) is no change."""
    return tuple((p.id, p.rate, p.heading) for p in parts if p.rate != 0.0)
