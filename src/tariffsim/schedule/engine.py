"""The Schedule: rate one entry, a timeline, the measures in force; compile arrays (``compile.py``).

Semantics (``docs/measure-format.md``, "Stacking, in one place"), for an entry (origin o, HS10 h,
day t), measures m in ascending ``order``::

    value     v_m = the value of m whose start ≤ t < next start (none before the first; a stop = none)
    applies   o ∈ origins_m \\ exclude_origins_m  and  h ∈ products_m(t) \\ exclude_products_m(t)
    rule      r = v_m.rates[o] (ISO3 > group > "*") — replaced by rate_during while a suspension of o
              is in force
    part_m    = r.rate                              (additive)
              = max(r.floor − Σ_{b ∈ floor_base_m} part_b, 0)      (all-in floor)
              = MFN: general rate of h in edition v_m.hts, or the lowest special rate of o's
                programs; a program with a share s applies to s of the value: s·special + (1−s)·mfn
    part_m   ×= share_m(h, o)                       (if ``share`` is set; × r.share(h, o) if the
                                                      origin's rule carries one)
    part_m    = 0 if any e ∈ excluded_by_m applies to (o, h, t) — whatever its amount: an all-in
                floor adding 0 still makes the good "subject to" that measure; a declared share of
                0 (``share: declared:<name>``) means the good is not subject to it
    total     = Σ_m part_m

This module evaluates it entry by entry in plain Python (one entry needs no arrays);
:mod:`tariffsim.schedule.compile` evaluates the same rules on arrays. The two are independent
implementations and the property tests check they agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.core.dates import from_day_number, parse_date, to_day_number
from tariffsim.core.errors import InputError

if TYPE_CHECKING:
    from tariffsim.schedule import schema as S
from tariffsim.schedule.rules import (
    DECLARED_PREFIX,
    MeasureRule,
    OriginRule,
    Rules,
    hs_int,
)


@dataclass(frozen=True, slots=True)
class MeasurePart:
    """One measure's part of an entry's rate (a fraction), with its legal reference."""

    id: str
    authority: str
    rate: float
    reference: str
    heading: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authority": self.authority,
            "rate": self.rate,
            "reference": self.reference,
            "heading": self.heading,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class EntryRate:
    """The rate of one entry: ``total_rate`` = Σ ``parts[i].rate`` (fractions)."""

    origin: str
    hs: str
    date: dt.date
    total_rate: float
    parts: tuple[MeasurePart, ...]
    description: str | None = None
    notes: tuple[str, ...] = ()
    members: dict[str, float] | None = None  # for a group origin: each member's total

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
            "measures": [p.to_dict() for p in self.parts],
        }
        if self.description:
            d["description"] = self.description
        if self.notes:
            d["notes"] = list(self.notes)
        if self.members is not None:
            d["members"] = self.members
        return d


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """A period ``[start, end)`` over which an entry's parts do not change."""

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
    """A measure in force on a day: its value's reference and a summary of its rates."""

    id: str
    authority: str
    title: str
    order: int
    since: dt.date
    reference: str
    summary: str
    suspensions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authority": self.authority,
            "title": self.title,
            "order": self.order,
            "since": self.since.isoformat(),
            "reference": self.reference,
            "summary": self.summary,
            "suspensions": list(self.suspensions),
        }


def _key(parts: tuple[MeasurePart, ...]) -> tuple[tuple[str, float, str | None], ...]:
    """What a timeline row changes on: each non-zero part's measure, rate and heading. A value whose
    only change for this entry is its reference text (it changed for other origins) is no change."""
    return tuple((p.id, p.rate, p.heading) for p in parts if p.rate != 0.0)


def _pct(x: float) -> str:
    s = f"{100 * x:.4f}".rstrip("0").rstrip(".")
    return f"{s}%"


def _rule_text(r: OriginRule | None) -> str:
    if r is None:
        return "nothing"
    if r.floor is not None:
        return f"floor {_pct(r.floor)}"
    return _pct(r.add or 0.0)


class HsNotInEdition(InputError):
    """An HS10 code that the HTS edition in force does not list."""


@dataclass
class _Eval:
    total: float
    parts: list[MeasurePart]
    values: list[float]
    description: str | None = None
    notes: list[str] = field(default_factory=list)


class Schedule:
    """A compiled measure library. Build with :func:`tariffsim.schedule.load_schedule`.

    Immutable from the outside: reforms return new Schedules (:meth:`apply_reform`).
    """

    def __init__(
        self,
        rules: Rules,
        *,
        root: Path | None = None,
        spec: Any = None,
        source: Any = None,
        name: str = "us",
        reform: str | None = None,
    ) -> None:
        self._rules = rules
        self._source = source
        self._root = root
        self._spec = spec
        self.name = name
        self.reform = reform

    # --- basic facts --------------------------------------------------------------------------
    @property
    def coverage(self) -> tuple[dt.date, dt.date]:
        """(first date, last date) the library supports, both inclusive."""
        return self._rules.coverage

    @property
    def rules(self) -> Rules:
        return self._rules

    @property
    def measure_ids(self) -> list[str]:
        return [m.id for m in self._rules.measures]

    @property
    def authorities(self) -> list[str]:
        return self._rules.authorities

    @property
    def spec(self) -> Any:
        """The validated files (pydantic models); read from YAML on first use if loaded from cache."""
        if self._spec is None:
            from tariffsim.schedule.loader import load_library

            self._spec = load_library(self._root)
        return self._spec

    def check_date(self, on: Any, *, field: str = "date") -> dt.date:
        d = parse_date(on, field=field)
        lo, hi = self.coverage
        if not (lo <= d <= hi):
            raise InputError(
                f"{field}: {d} is outside the schedule's coverage ({lo} to {hi})",
                hint=f"choose a date from {lo} to {hi}",
            )
        return d

    # --- origins and HS codes -----------------------------------------------------------------
    @staticmethod
    def resolve_origin(origin: str) -> tuple[str, tuple[str, ...]]:
        """(code, members): an ISO3 code gives itself; a group (EU) gives its members."""
        from tariffsim.core import countries

        code = countries.resolve(origin)
        return code, tuple(countries.expand(code))

    def _mfn_edition_on(self, day: int) -> Any:
        for m in self._rules.measures:
            if m.is_mfn:
                vi = m.value_index(day)
                if vi >= 0 and m.values[vi].edition:
                    return self._rules.editions[m.values[vi].edition]
        return None

    def nearest_codes(self, hs: str, day: int, n: int = 5) -> list[str]:
        import numpy as np

        ed = self._mfn_edition_on(day)
        if ed is None or not len(ed.codes):
            return []
        key = (hs + "0" * 10)[:10]
        i = int(np.searchsorted(ed.codes, int(key)))
        # codes sharing the longest prefix first, then neighbours
        lo, hi = max(0, i - n), min(len(ed.codes), i + n)
        cands = [f"{int(c):010d}" for c in ed.codes[lo:hi]]

        def common(c: str) -> int:
            k = 0
            while k < min(len(c), len(hs)) and c[k] == hs[k]:
                k += 1
            return k

        cands.sort(key=lambda c: (-common(c), abs(int(c) - int(key))))
        return cands[:n]

    def statistical_lines(self, hs: str, day: int) -> list[str]:
        """HS10 lines of the edition in force under an HS prefix (8-digit codes → their HS10 lines)."""
        import numpy as np

        ed = self._mfn_edition_on(day)
        if ed is None:
            return []
        scale = 10 ** (10 - len(hs))
        lo = int(np.searchsorted(ed.codes, int(hs) * scale))
        hi = int(np.searchsorted(ed.codes, (int(hs) + 1) * scale))
        return [f"{int(x):010d}" for x in ed.codes[lo:hi]]

    @staticmethod
    def _fallback_level(ed: Any, hs10: str) -> int:
        """How an edition rates ``hs10``: 0 its own line, 1 its HTS8, 2 its HS6 family, -1 unknown."""
        import numpy as np

        return int(ed.locate(np.array([hs_int(hs10)], dtype=np.int64))[1][0])

    def _hs_lines(self, hs: Any, day: int, *, allow_family: bool = False) -> tuple[str, list[str]]:
        from tariffsim.core.hs import format_hs as fmt_hs
        from tariffsim.core.hs import normalize_hs

        code = normalize_hs(hs)
        ed = self._mfn_edition_on(day)
        if len(code) == 10:
            # An entry's code must exist, or at least its HTS8 (the legal rate sits on the 8-digit
            # subheading; statistical suffixes change yearly). The HS6-family fallback serves only
            # the compiled arrays, for retired codes in historical trade data (``allow_family``).
            allowed = (1, 2) if allow_family else (1,)
            if (
                ed is not None
                and ed.find(code) < 0
                and self._fallback_level(ed, code) not in allowed
            ):
                near = self.nearest_codes(code, day)
                raise HsNotInEdition(
                    f"hs: {fmt_hs(code)} is not an HTS10 line of edition {ed.name} (in force on {from_day_number(day)})",
                    hint=("nearest lines: " + ", ".join(fmt_hs(c) for c in near))
                    if near
                    else "check the code",
                )
            return code, [code]
        if len(code) == 8:
            lines = self.statistical_lines(code, day) if ed is not None else []
            if not lines:
                near = self.nearest_codes(code, day)
                raise InputError(
                    f"hs: {fmt_hs(code)} has no HTS10 lines in edition {ed.name if ed else '?'}",
                    hint=("nearest lines: " + ", ".join(fmt_hs(c) for c in near))
                    if near
                    else "give a 10-digit HTS code",
                )
            return code, lines
        lines = self.statistical_lines(code, day)
        raise InputError(
            f"hs: {fmt_hs(code)} is a {len(code)}-digit "
            f"{ {2: 'chapter', 4: 'heading', 6: 'subheading'}.get(len(code), 'code') }; "
            "rates are set per HTS8/HTS10 line",
            hint=("give an 8- or 10-digit code, e.g. " + ", ".join(fmt_hs(c) for c in lines[:4]))
            if lines
            else "give an 8- or 10-digit code",
        )

    # --- scalar evaluation --------------------------------------------------------------------
    def _share(
        self,
        name: str,
        hs10: str,
        iso3: str,
        shares: dict[str, float] | None,
        default: float | None = None,
    ) -> float:
        """Per-row share (see docs/measure-format.md, "Shares"); ``declared:<name>`` shares come
        from ``shares[<name>]``, else ``default`` (the measure's ``share_default``)."""
        if name.startswith(DECLARED_PREFIX):
            key = name[len(DECLARED_PREFIX) :]
            if shares and key in shares:
                return float(shares[key])
            return float(default or 0.0)
        if shares and name in shares:
            return float(shares[name])
        sh = self._rules.shares
        if name in ("usmca", "non_usmca"):
            u = shares.get("usmca") if shares else None
            if u is None:
                u = sh.usmca_share(hs10, iso3)
            return float(u) if name == "usmca" else 1.0 - float(u)
        if name == "non_metal_content":
            return 1.0 - self._share("metal_content", hs10, iso3, shares)
        if name == "non_steel_aluminum_content":
            st = self._share("steel_content", hs10, iso3, shares)
            al = self._share("aluminum_content", hs10, iso3, shares)
            return min(max(1.0 - st - al, 0.0), 1.0)
        return sh.metal_share(name, hs10)

    def _in_products(self, m: MeasureRule, hs10: str, day: int) -> bool:
        def member(ps: Any) -> bool:
            if ps.all_products:
                return True
            if any(hs10.startswith(p) for p in ps.prefixes):
                return True
            return any(self._rules.lists[n].member_on(hs10, day) for n in ps.lists)

        return member(m.products) and not member(m.exclude_products)

    def _evaluate(
        self,
        iso3: str,
        hs10: str,
        day: int,
        shares: dict[str, float] | None = None,
        *,
        strict: bool = True,
    ) -> _Eval:
        rules = self._rules
        values = [0.0] * len(rules.measures)
        # whether each measure applies to the entry, whatever its amount (see compile.py)
        applies = [False] * len(rules.measures)
        parts: list[MeasurePart] = []
        description: str | None = None
        for m in rules.measures:
            if not m.covers_origin(iso3):
                continue
            vi = m.value_index(day)
            if vi < 0:
                continue
            v = m.values[vi]
            if v.stop or not self._in_products(m, hs10, day):
                continue
            notes: list[str] = []
            heading: str | None = v.heading
            reference = v.reference
            if m.is_mfn:
                ed = rules.editions[v.edition]  # type: ignore[index]
                import numpy as np

                col2 = iso3 in v.column2
                r_, f_, i_, lv_ = ed.rates_for(
                    np.array([hs_int(hs10)], dtype=np.int64), column2=col2
                )
                level, i = int(lv_[0]), int(i_[0])
                if level < 0:
                    if strict:
                        raise HsNotInEdition(
                            f"hs: {hs10} is not an HTS10 line of edition {ed.name}"
                        )
                    continue
                description = ed.description(i) or description
                rate = float(r_[0])
                flag = int(f_[0])
                gen = ed.general_text(i)
                if level > 0:
                    from tariffsim.core.hs import format_hs as fmt_hs

                    what = (
                        f"HTS8 {fmt_hs(hs10[:8])}"
                        if level == 1
                        else f"HS6 family {fmt_hs(hs10[:6])} (one rate on all its lines)"
                    )
                    notes.append(f"HTS10 not in {ed.name}; rate of {what}")
                if col2:
                    reference = v.column2_reference or reference
                    if flag == 2:
                        notes.append(
                            "column 2 rate: no ad valorem equivalent, column 1 rate used (flagged)"
                        )
                    else:
                        notes.append(
                            "column 2 (other) rate"
                            + (" (AVE scaled from column 1, flagged)" if flag == 1 else "")
                        )
                    flag = 0  # the note above says it all
                if flag == 1:
                    notes.append(
                        f"AVE of specific/compound rate {gen!r} (unit value, flagged)".replace(
                            " ''", ""
                        )
                    )
                elif flag == 2:
                    notes.append(f"no ad valorem equivalent for {gen!r}: counted as 0 (flagged)")
                rep = f"{int(ed.codes[i]):010d}"
                prog = None if col2 else v.programs.get(iso3)
                if prog is not None:
                    codes, share_name = prog
                    best: tuple[float, str] | None = None
                    for c in codes:
                        sr = ed.special_rate(c, rep)
                        if sr is not None and (best is None or sr < best[0]):
                            best = (sr, c)
                    if best is not None and best[0] < rate:
                        if share_name:
                            s = self._share(share_name, hs10, iso3, shares)
                            notes.append(
                                f"special rate {_pct(best[0])} ({best[1]}) on the {share_name} share {s:.3f}, MFN {_pct(rate)} on the rest"
                            )
                            rate = s * best[0] + (1.0 - s) * rate
                        else:
                            notes.append(
                                f"special rate {_pct(best[0])} (program {best[1]}) instead of MFN {_pct(rate)}"
                            )
                            rate = best[0]
            else:
                rule = v.rule_for(iso3)
                if rule is None:
                    continue
                active = [s for s in m.suspensions if s.start <= day < s.end and s.covers(iso3)]
                if active:
                    s = active[-1]
                    notes.append(
                        f"suspended {_rule_text(rule)} → {_rule_text(s.rule)} ({s.reference})"
                    )
                    rule = s.rule
                    reference = f"{rule.reference if rule and rule.reference else v.reference}"
                    if rule is None:
                        continue
                else:
                    reference = rule.reference or v.reference
                heading = rule.heading or heading
                if rule.note:
                    notes.append(rule.note)
                if rule.floor is not None:
                    base = sum(values[j] for j in m.floor_base)
                    rate = max(rule.floor - base, 0.0)
                    names = ", ".join(rules.measures[j].id for j in m.floor_base)
                    notes.append(f"floor {_pct(rule.floor)} incl. {names} ({_pct(base)})")
                else:
                    rate = float(rule.add or 0.0)
                if rule.share:
                    s_o = self._share(rule.share, hs10, iso3, shares)
                    notes.append(f"× {rule.share} share {s_o:.4g} ({iso3})")
                    rate *= s_o
            undeclared = False  # a declared share of 0: the entry is not subject to the measure
            if m.share:
                s = self._share(m.share, hs10, iso3, shares, m.share_default)
                if s != 1.0:
                    notes.append(f"× {m.share} share {s:.4g}")
                rate *= s
                undeclared = m.share.startswith(DECLARED_PREFIX) and s == 0.0
            blockers = [rules.measures[j].id for j in m.excluded_by_on(vi) if applies[j]]
            if blockers:
                notes = [f"does not stack with {', '.join(blockers)}"]
                rate = 0.0
            elif not undeclared:
                applies[m.index] = True
            values[m.index] = rate
            parts.append(
                MeasurePart(
                    id=m.id,
                    authority=m.authority,
                    rate=rate,
                    reference=reference,
                    heading=heading,
                    note="; ".join(notes) if notes else None,
                )
            )
        return _Eval(total=float(sum(values)), parts=parts, values=values, description=description)

    # --- public API ---------------------------------------------------------------------------
    def rate(
        self,
        origin: str,
        hs: Any,
        on: Any,
        *,
        shares: dict[str, float] | None = None,
        allow_family: bool = False,
    ) -> EntryRate:
        """The rate of an entry: ``origin`` (ISO3, name or group), ``hs`` (8 or 10 digits), day ``on``.

        8-digit codes are rated on each HTS10 line under them; if the lines differ, an InputError
        lists them. A group (EU) rates each member; ``members`` holds each total and ``notes``
        says whether they are equal. ``shares`` overrides the data's shares (e.g. ``{"usmca": 0.6}``).
        A 10-digit code the edition lacks is rated at its HTS8's rate (with a note); one whose HTS8
        is gone too is an error unless ``allow_family`` (then the single rate of its HS6 family, as
        the compiled arrays do for retired codes in historical trade data).
        """
        d = self.check_date(on)
        day = to_day_number(d)
        code, members = self.resolve_origin(origin)
        hs_code, lines = self._hs_lines(hs, day, allow_family=allow_family)
        notes: list[str] = []
        results: dict[tuple[str, str], _Eval] = {}
        for iso3 in members:
            for h in lines:
                results[(iso3, h)] = self._evaluate(iso3, h, day, shares)
        first = results[(members[0], lines[0])]
        if len(lines) > 1:
            per_line = {h: results[(members[0], h)].total for h in lines}
            if len(set(per_line.values())) > 1:
                from tariffsim.core.hs import format_hs as fmt_hs

                listing = ", ".join(f"{fmt_hs(h)}: {_pct(t)}" for h, t in per_line.items())
                raise InputError(
                    f"hs: the HTS10 lines of {fmt_hs(hs_code)} have different rates on {d} ({listing})",
                    hint="give the 10-digit statistical line",
                )
            notes.append(
                f"same rate on all {len(lines)} HTS10 lines of {hs_code}: {', '.join(lines)}"
            )
        member_totals: dict[str, float] | None = None
        if len(members) > 1 or code != members[0]:
            member_totals = {iso3: results[(iso3, lines[0])].total for iso3 in members}
            vals = set(member_totals.values())
            if len(vals) == 1:
                notes.append(f"equal for all {len(members)} members of {code}")
            else:
                lo = min(member_totals, key=member_totals.__getitem__)
                hi = max(member_totals, key=member_totals.__getitem__)
                notes.append(
                    f"rates differ across the members of {code}: {_pct(member_totals[lo])} ({lo}) to "
                    f"{_pct(member_totals[hi])} ({hi}); parts shown for {members[0]}"
                )
        return EntryRate(
            origin=code,
            hs=hs_code,
            date=d,
            total_rate=first.total,
            parts=tuple(first.parts),
            description=first.description,
            notes=tuple(notes),
            members=member_totals,
        )

    def change_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Days in ``(start, end)`` on which any rule may change (segment starts after ``start``)."""
        a, b = to_day_number(start), to_day_number(end)
        return [from_day_number(x) for x in self._rules.change_days() if a < x < b]

    def timeline(self, origin: str, hs: Any, start: Any, end: Any) -> list[TimelineRow]:
        """One row per change of an entry's parts over ``[start, end)`` (``end`` exclusive).

        A change is any change of a non-zero part (its rate or chapter-99 heading); days on which
        nothing changes for this entry are merged (each row shows the parts of its first day).
        Periods in which the HS code is not a line of the HTS edition in force (codes are added
        and retired between editions) are rows with ``total_rate=None`` and a note; a code that
        is valid on no day is an error.
        """
        d1 = self.check_date(start, field="start")
        d2 = parse_date(end, field="end")
        if d2 <= d1:
            raise InputError(
                f"end {d2} must be after start {d1}", hint="the period is [start, end)"
            )
        self.check_date(d2 - dt.timedelta(days=1), field="end")
        days = [d1, *self.change_days(d1, d2)]
        rows: list[TimelineRow] = []
        first_error: InputError | None = None
        for i, d in enumerate(days):
            nxt = days[i + 1] if i + 1 < len(days) else d2
            try:
                r = self.rate(origin, hs, d)
                total, parts, note = r.total_rate, r.parts, None
            except HsNotInEdition as exc:
                first_error = first_error or exc
                total, parts = None, ()
                note = re.sub(r" \(in force on [^)]*\)", "", exc.message.removeprefix("hs: "))
            if rows and _key(rows[-1].parts) == _key(parts) and rows[-1].note == note:
                prev = rows[-1]
                rows[-1] = TimelineRow(prev.start, nxt, prev.total_rate, prev.parts, prev.note)
            else:
                rows.append(TimelineRow(d, nxt, total, parts, note))
        if first_error is not None and all(r.total_rate is None for r in rows):
            raise first_error
        return rows

    def in_force(self, on: Any) -> list[InForce]:
        """The measures with a value in force on ``on`` (not stopped), in evaluation order."""
        d = self.check_date(on, field="on")
        day = to_day_number(d)
        out: list[InForce] = []
        for m in self._rules.measures:
            vi = m.value_index(day)
            if vi < 0 or m.values[vi].stop:
                continue
            v = m.values[vi]
            if m.is_mfn:
                summary = f"HTS {v.edition}" + (
                    f"; programs for {len(v.programs)} origins" if v.programs else ""
                )
            else:
                bits = []
                if v.default is not None:
                    bits.append(("" if not v.by_origin else "others ") + _rule_text(v.default))
                named: dict[str, list[str]] = {}
                for o, r in v.by_origin.items():
                    named.setdefault(_rule_text(r), []).append(o)
                for txt, os_ in sorted(named.items(), key=lambda kv: -len(kv[1])):
                    show = ", ".join(sorted(os_)[:6]) + (
                        f" +{len(os_) - 6}" if len(os_) > 6 else ""
                    )
                    bits.append(f"{show}: {txt}")
                summary = "; ".join(bits) or "nothing"
            susp = tuple(
                f"{_rule_text(s.rule)} during [{s.start_date}, {s.end_date or '…'}) ({s.reference})"
                for s in m.suspensions
                if s.start <= day < s.end
            )
            out.append(
                InForce(
                    id=m.id,
                    authority=m.authority,
                    title=m.title,
                    order=m.order,
                    since=v.start_date,
                    reference=v.reference,
                    summary=summary,
                    suspensions=susp,
                )
            )
        return out

    def compile(
        self,
        hs10: Any,
        origin: Any,
        start: Any,
        end: Any | None = None,
        *,
        shares: dict[str, Any] | None = None,
        parts: bool = False,
        dtype: Any = None,
    ) -> Any:
        """Rates of arrays of rows over ``[start, end)`` as piecewise-constant segments.

        See :class:`tariffsim.schedule.compile.Compiled`. ``end`` defaults to ``start`` + 1 day.
        """
        from tariffsim.schedule.compile import compile_rows

        return compile_rows(self, hs10, origin, start, end, shares=shares, parts=parts, dtype=dtype)

    def apply_reform(self, reform: S.Reform | str | Path) -> Schedule:
        """A new Schedule with a reform applied: a :class:`~tariffsim.schedule.schema.Reform`
        (e.g. ``Reform.from_yaml(text)``) or the path of a reform file. This schedule is unchanged."""
        from tariffsim.schedule import schema as S
        from tariffsim.schedule.reform import apply_to_spec, read_reform
        from tariffsim.schedule.rules import build_rules

        model = reform if isinstance(reform, S.Reform) else read_reform(reform)
        spec = apply_to_spec(self.spec, model)
        rules = build_rules(spec, self._source, reuse=self._rules)
        return Schedule(
            rules,
            root=self._root,
            spec=spec,
            source=self._source,
            name=self.name,
            reform=model.label,
        )

    def __repr__(self) -> str:
        return f"Schedule({self.name!r}, {len(self._rules.measures)} measures, coverage {self.coverage[0]}..{self.coverage[1]}{', reform ' + self.reform if self.reform else ''})"
