"""The Schedule: rate one entry, a timeline, the measures in force; compile arrays (``compile.py``).

Semantics (``docs/measure-format.md``, "Stacking, in one place"), for an entry (origin o, HS10 h,
day t), measures m in evaluation order::

    value     v_m = the value of m whose start ≤ t < next start (none before the first; a stop = none)
              — for an entry loaded before, and entered before, the dates of v_m's in-transit
              exception: the value of the day before v_m's start
    applies   o ∈ origins_m \\ exclude_origins_m  and  h ∈ products_m(t) \\ exclude_products_m(t)
    rule      r = v_m.rates[o] (ISO3 > group > "*") — replaced by rate_during while a suspension of o
              is in force
    part_m    = r.rate                              (additive)
              = max(r.floor − Σ_{b ∈ floor_base_m} part_b, 0)      (all-in floor)
              = MFN: general rate of h in edition v_m.hts, or the special rate of the program the
                entry claims; with weights w_p (claims): general + Σ_p w_p (special_p − general)
    part_m   ×= Π share_m(h, o)                     (the measure's shares; × r.share(h, o) if the
                                                      origin's rule carries one)
    part_m   ×= Π (1 − claimed_c)                   (exclusions that depend on a claim c)
    part_m    = 0 if any e ∈ excluded_by_m applies to (o, h, t) — whatever its amount: an all-in
                floor adding 0 still makes the good "subject to" that measure; a declared share of
                0 (``share: declared:<name>``) means the good is not subject to it
    total     = Σ_m part_m

**Entries and flows.** A share or claim comes from the entry's terms (:class:`Terms`). On the
``entry`` basis (one shipment, the default of :meth:`Schedule.rate`) a program applies only if the
entry claims it (``usmca`` share = 1 with a USMCA claim, 0 without) and a metal content not declared
is the whole value (flagged); on the ``flows`` basis (trade flows, the default of
:meth:`Schedule.compile`) the data's shares apply: the USMCA share of 2024 trade, every other
program of the origin in full, the BEA metal cost shares.

This module evaluates it entry by entry in plain Python (one entry needs no arrays);
:mod:`tariffsim.schedule.compile` evaluates the same rules on arrays. The two are independent
implementations and the property tests check they agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from tariffsim.core.dates import Period, from_day_number, parse_date, to_day_number
from tariffsim.core.errors import InputError
from tariffsim.schedule import claims as C
from tariffsim.schedule.hs_lookup import (
    HsNotInEdition,
    hs_lines,
    mfn_edition_on,
    nearest_codes,
    statistical_lines,
)
from tariffsim.schedule.results import (
    ClaimOption,
    EntryRate,
    InForce,
    MeasurePart,
    TimelineRow,
    change_key,
    pct,
    rule_text,
)
from tariffsim.schedule.rules import (
    DAY_MIN,
    DECLARED_PREFIX,
    AveFlag,
    MeasureRule,
    OriginRule,
    Rules,
    ValueRule,
    hs_int,
)

if TYPE_CHECKING:
    from tariffsim.schedule import schema as S
    from tariffsim.schedule.compile import Compiled
    from tariffsim.schedule.loader import LibrarySpec
    from tariffsim.schedule.sources import Source

__all__ = [
    "METAL_SHARES",
    "Basis",
    "EntryRate",
    "HsNotInEdition",
    "InForce",
    "MeasurePart",
    "Schedule",
    "Terms",
    "TimelineRow",
]

Basis = Literal["entry", "flows"]
METAL_SHARES = ("steel_content", "aluminum_content", "copper_content", "metal_content")
"""Data shares of the BEA metal-content table; on the entry basis, the declared metal value share
(default: the whole value, flagged)."""


@dataclass(frozen=True)
class Terms:
    """What an entry (or a trade flow) declares: its claim, shares, basis and loading date."""

    claim: str | None = None
    shares: Mapping[str, float] | None = None
    basis: Basis = "entry"
    loaded_on: int | None = None  # day number


def _metal_flag(name: str) -> str:
    what = name.removesuffix("_content").replace("_", " ")
    return (
        f"assumption: the whole value is {what} content ({name} = 1); declare the {what} "
        f"share of the value (--share {name}=x) for goods partly of {what}"
    )


@dataclass
class _Eval:
    total: float
    parts: list[MeasurePart]
    values: list[float]
    description: str | None = None
    flags: list[str] = field(default_factory=list)


class Schedule:
    """A compiled measure library. Build with :func:`tariffsim.schedule.load_schedule`.

    Immutable from the outside: reforms return new Schedules (:meth:`apply_reform`), and so does
    :meth:`as_known_on` (the law as published by a day).
    """

    def __init__(
        self,
        rules: Rules,
        *,
        root: Path | None = None,
        spec: LibrarySpec | None = None,
        source: Source | None = None,
        name: str = "us",
        reform: str | None = None,
        known_on: dt.date | None = None,
        base: Schedule | None = None,
    ) -> None:
        self._rules = rules
        self._source = source
        self._root = root
        self._spec = spec
        self.name = name
        self.reform = reform
        self._known_on = known_on
        self._base = base  # the full schedule of an as-known-on view
        self._views: dict[int, Schedule] = {}

    # --- basic facts --------------------------------------------------------------------------
    @property
    def coverage(self) -> Period:
        """The days the library supports, half-open ``[start, end)`` (``.last_day`` is the last)."""
        lo, hi = self._rules.coverage
        return Period(lo, hi)

    @property
    def rules(self) -> Rules:
        return self._rules

    @property
    def known_on(self) -> dt.date | None:
        """The day whose published law this schedule holds (None: everything in the library)."""
        return self._known_on

    @property
    def measure_ids(self) -> list[str]:
        return [m.id for m in self._rules.measures]

    @property
    def authorities(self) -> list[str]:
        return self._rules.authorities

    @property
    def spec(self) -> LibrarySpec:
        """The validated files (pydantic models); read from YAML on first use if loaded from cache."""
        if self._base is not None:
            return self._base.spec
        if self._spec is None:
            from tariffsim.schedule.loader import load_library

            self._spec = load_library(self._root)
        return self._spec

    def declared_shares(self) -> dict[str, float]:
        """Shares declared per entry (``share: declared:<name>``) → their default."""
        out: dict[str, float] = {}
        for m in self._rules.measures:
            for s in m.shares:
                if s.startswith(DECLARED_PREFIX):
                    out.setdefault(s[len(DECLARED_PREFIX) :], float(m.share_default or 0.0))
        return dict(sorted(out.items()))

    def resolve_day(
        self, on: Any, *, field: str = "date", assume_unchanged: bool = False
    ) -> tuple[dt.date, dt.date | None]:
        """(day, None) for a day in coverage; (day, last day) for a later day when
        ``assume_unchanged`` (the law of the last day is used); else an InputError naming the
        last day covered and ``--assume-unchanged``."""
        d = parse_date(on, field=field)
        cov = self.coverage
        last = cov.last_day
        if d < cov.start:
            raise InputError(
                f"{field}: {d} is before the schedule's first day {cov.start}",
                hint=f"choose a day from {cov.start} to {last}",
            )
        if d > last:
            if assume_unchanged:
                return d, last
            raise InputError(
                f"{field}: {d} is after the last day the library covers ({last})",
                hint=f"choose a day up to {last}, or add --assume-unchanged to rate with the law "
                f"of {last} (flagged in the output)",
            )
        return d, None

    def check_date(self, on: Any, *, field: str = "date") -> dt.date:
        """A day inside coverage; an InputError otherwise (after the end: naming the last day
        covered and ``--assume-unchanged``)."""
        return self.resolve_day(on, field=field)[0]

    # --- origins and HS codes -----------------------------------------------------------------
    @staticmethod
    def resolve_origin(origin: str) -> tuple[str, tuple[str, ...]]:
        """(code, members): an ISO3 code gives itself; a group (EU) gives its members."""
        from tariffsim.core import countries

        code = countries.resolve(origin)
        return code, tuple(countries.expand(code))

    def nearest_codes(self, hs: str, day: int, n: int = 5) -> list[str]:
        return nearest_codes(self._rules, hs, day, n)

    def statistical_lines(self, hs: str, day: int) -> list[str]:
        """HS10 lines of the edition in force under an HS prefix."""
        return statistical_lines(self._rules, hs, day)

    # --- shares and claims --------------------------------------------------------------------
    def _share(
        self,
        name: str,
        hs10: str,
        iso3: str,
        terms: Terms,
        default: float | None = None,
        flags: list[str] | None = None,
    ) -> float:
        """Per-row share (see docs/measure-format.md, "Shares"): the terms' value, else by basis."""
        given = terms.shares or {}
        if name.startswith(DECLARED_PREFIX):
            key = name[len(DECLARED_PREFIX) :]
            return float(given[key]) if key in given else float(default or 0.0)
        if name in given:
            return float(given[name])
        entry = terms.basis == "entry"
        if name == "usmca":
            if entry:
                return 1.0 if terms.claim == "usmca" else 0.0
            return self._rules.shares.usmca_share(hs10, iso3)
        if name == "non_usmca":
            return 1.0 - self._share("usmca", hs10, iso3, terms)
        if name == "non_metal_content":
            return 1.0 - self._share("metal_content", hs10, iso3, terms, flags=flags)
        if name == "non_steel_aluminum_content":
            st = self._share("steel_content", hs10, iso3, terms, flags=flags)
            al = self._share("aluminum_content", hs10, iso3, terms, flags=flags)
            return min(max(1.0 - st - al, 0.0), 1.0)
        if name in METAL_SHARES:
            if entry:  # an article of the metal: the whole value, flagged; other goods: none
                if not self._rules.is_metal_article(name, hs10):
                    return 0.0
                if flags is not None and _metal_flag(name) not in flags:
                    flags.append(_metal_flag(name))
                return 1.0
            return self._rules.shares.metal_share(name, hs10)
        if name in C.BY_KEY:  # a program's claimed share
            if entry:
                return 1.0 if terms.claim == name else 0.0
            return float(default or 0.0)
        raise InputError(f"unknown share {name!r}")

    def _product_factor(
        self, m: MeasureRule, hs10: str, day: int, iso3: str, terms: Terms
    ) -> tuple[float, list[str]]:
        """(factor, notes): 0 when the product is out of the measure's scope on ``day``; below 1
        when an exclusion that depends on a claim takes the claimed share out."""
        lists = self._rules.lists

        def member(ps: Any) -> bool:
            if ps.all_products:
                return True
            if any(hs10.startswith(p) for p in ps.prefixes):
                return True
            return any(lists[n].member_on(hs10, day) for n in ps.lists)

        if not member(m.products) or member(m.exclude_products):
            return 0.0, []
        factor, notes = 1.0, []
        for c in m.exclude_products.claims:
            if lists[c.name].member_on(hs10, day):
                s = self._share(c.claim, hs10, iso3, terms, c.default)
                if s != 0.0:
                    factor *= 1.0 - s
                    notes.append(
                        f"exempt when claimed {c.claim} ({C.program(c.claim).title}, list "
                        f"{c.name}): claimed share {s:.4g}"
                    )
        return factor, notes

    # --- scalar evaluation --------------------------------------------------------------------
    def _mfn_part(
        self, v: ValueRule, iso3: str, hs10: str, terms: Terms, *, strict: bool
    ) -> tuple[float, list[str], str, str | None] | None:
        """(rate, notes, reference, description) of the MFN measure, or None (code unknown)."""
        ed = self._rules.editions[v.edition]  # type: ignore[index]
        col2 = iso3 in v.column2
        r_, f_, i_, lv_ = ed.rates_for(np.array([hs_int(hs10)], dtype=np.int64), column2=col2)
        level, i = int(lv_[0]), int(i_[0])
        if level < 0:
            if strict:
                raise HsNotInEdition(f"hs: {hs10} is not an HTS10 line of edition {ed.name}")
            return None
        notes: list[str] = []
        reference = v.reference
        rate = float(r_[0])
        flag = int(f_[0])
        gen = ed.general_text(i)
        if level > 0:
            from tariffsim.core.hs import format_hs

            what = (
                f"HTS8 {format_hs(hs10[:8])}"
                if level == 1
                else f"HS6 family {format_hs(hs10[:6])} (one rate on all its lines)"
            )
            notes.append(f"HTS10 not in {ed.name}; rate of {what}")
        if col2:
            reference = v.column2_reference or reference
            if flag == AveFlag.NONE:
                notes.append(
                    "column 2 rate: no ad valorem equivalent, column 1 rate used (flagged)"
                )
            else:
                notes.append(
                    "column 2 (other) rate"
                    + (" (AVE scaled from column 1, flagged)" if flag == AveFlag.ESTIMATED else "")
                )
            flag = AveFlag.EXACT  # the note above says it all
        if flag == AveFlag.ESTIMATED:
            notes.append(
                f"AVE of specific/compound rate {gen!r} (unit value, flagged)".replace(" ''", "")
            )
        elif flag == AveFlag.NONE:
            notes.append(f"no ad valorem equivalent for {gen!r}: counted as 0 (flagged)")
        if col2:
            return rate, notes, reference, ed.description(i)
        rep = f"{int(ed.codes[i]):010d}"
        for codes, weight, label in self._programs(v, iso3, hs10, terms):
            best: tuple[float, str] | None = None
            for c in codes:
                sr = ed.special_rate(c, rep)
                if sr is not None and (best is None or sr < best[0]):
                    best = (sr, c)
            if best is None or not best[0] < rate or weight == 0.0:
                continue
            if weight == 1.0 and label is None:
                notes.append(
                    f"special rate {pct(best[0])} (program {best[1]}) instead of MFN {pct(rate)}"
                )
                rate = best[0]
            else:
                notes.append(
                    f"special rate {pct(best[0])} ({best[1]}) on the {label} share {weight:.3f}, "
                    f"MFN {pct(rate)} on the rest"
                )
                rate = weight * best[0] + (1.0 - weight) * rate
        return rate, notes, reference, ed.description(i)

    def _programs(
        self, v: ValueRule, iso3: str, hs10: str, terms: Terms
    ) -> list[tuple[tuple[str, ...], float, str | None]]:
        """(codes, weight, share label or None) of the programs an entry's MFN may use."""
        out: list[tuple[tuple[str, ...], float, str | None]] = []
        prog = v.programs.get(iso3)
        given = terms.shares or {}
        if prog is not None:
            codes, share_name = prog
            key = C.program_key(codes)
            if share_name and share_name in given:
                out.append((codes, float(given[share_name]), share_name))
            elif key in given:
                out.append((codes, float(given[key]), key))
            elif terms.basis == "entry":
                if terms.claim == key and C.program(key).lapsed is None:
                    out.append((codes, 1.0, None))
            elif share_name:
                out.append((codes, self._share(share_name, hs10, iso3, terms), share_name))
            else:
                out.append((codes, 1.0, None))
        if terms.basis == "entry" and terms.claim is not None:
            p = C.program(terms.claim)
            if p.any_origin and (prog is None or C.program_key(prog[0]) != p.key):
                out.append((p.codes, 1.0, None))
        return out

    def _origin_rule(
        self, m: MeasureRule, v: ValueRule, iso3: str, day: int
    ) -> tuple[OriginRule | None, list[str], str, dt.date, dt.date | None]:
        """(rule, notes, reference, effective, published) of an origin under value ``v`` on ``day``
        (a suspension in force replaces the rule)."""
        rule = v.rule_for(iso3)
        if rule is None:
            return None, [], v.reference, v.start_date, v.published_date
        active = [s for s in m.suspensions if s.start <= day < s.end and s.covers(iso3)]
        if active:
            s = active[-1]
            notes = [f"suspended {rule_text(rule)} → {rule_text(s.rule)} ({s.reference})"]
            ref = s.rule.reference if s.rule and s.rule.reference else v.reference
            return s.rule, notes, ref, max(v.start_date, s.start_date), s.published_date
        return rule, [], rule.reference or v.reference, v.start_date, v.published_date

    def _evaluate(
        self, iso3: str, hs10: str, day: int, terms: Terms, *, strict: bool = True
    ) -> _Eval:
        rules = self._rules
        values = [0.0] * len(rules.measures)
        # whether each measure applies to the entry, whatever its amount (see compile.py)
        applies = [False] * len(rules.measures)
        parts: list[MeasurePart] = []
        flags: list[str] = []
        description: str | None = None
        for m in rules.measures:
            if not m.covers_origin(iso3):
                continue
            vi = m.value_index(day)
            if vi < 0 or m.values[vi].stop:
                continue
            v = m.values[vi]
            at = day  # the day whose state of the measure applies (in transit: the day before)
            notes: list[str] = []
            transit = None if m.is_mfn else v.in_transit
            if transit is not None and transit.applies(day, terms.loaded_on):
                at = v.start - 1
                vi -= 1
                if vi < 0 or m.values[vi].stop:
                    continue
                notes.append(
                    f"in transit: loaded before {transit.loaded_before_date} and entered before "
                    f"{transit.entered_before_date}, the rate of {from_day_number(at)} "
                    f"({transit.reference})"
                )
                v = m.values[vi]
            factor, pnotes = self._product_factor(m, hs10, at, iso3, terms)
            if factor == 0.0:
                continue
            heading = v.heading
            effective, published = v.start_date, v.published_date
            if m.is_mfn:
                got = self._mfn_part(v, iso3, hs10, terms, strict=strict)
                if got is None:
                    continue
                rate, mnotes, reference, desc = got
                notes += mnotes
                description = desc or description
            else:
                rule, rnotes, reference, effective, published = self._origin_rule(m, v, iso3, at)
                if rule is None:
                    continue
                notes += rnotes
                heading = rule.heading or heading
                if rule.note:
                    notes.append(rule.note)
                if rule.floor is not None:
                    base = sum(values[j] for j in m.floor_base)
                    rate = max(rule.floor - base, 0.0)
                    names = ", ".join(rules.measures[j].id for j in m.floor_base)
                    notes.append(f"floor {pct(rule.floor)} incl. {names} ({pct(base)})")
                else:
                    rate = float(rule.add or 0.0)
                if rule.share:
                    s_o = self._share(rule.share, hs10, iso3, terms, flags=flags)
                    notes.append(f"× {rule.share} share {s_o:.4g} ({iso3})")
                    rate *= s_o
            undeclared = False  # a declared share of 0: the entry is not subject to the measure
            for sname in m.shares:
                s = self._share(sname, hs10, iso3, terms, m.declared_default(terms.basis), flags)
                if s != 1.0:
                    notes.append(f"× {sname} share {s:.4g}")
                rate *= s
                undeclared = undeclared or (sname.startswith(DECLARED_PREFIX) and s == 0.0)
            if factor != 1.0:
                rate *= factor
            notes += pnotes
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
                    effective=effective,
                    published=published,
                )
            )
        return _Eval(
            total=float(sum(values)),
            parts=parts,
            values=values,
            description=description,
            flags=flags,
        )

    # --- public API ---------------------------------------------------------------------------
    def as_known_on(self, on: Any) -> Schedule:
        """The law as known on ``on``: only what was published by then (values, suspensions,
        list items and exceptions with a later publication date are left out — a retroactive
        exemption published later is not yet known). Rating any day with the returned schedule
        uses that knowledge. Views are cached per publication state.
        """
        d = parse_date(on, field="as_known_on")
        base = self._base if self._base is not None else self
        cutoff = to_day_number(d)
        pubs = base._rules.publication_days()
        i = bisect.bisect_right(pubs, cutoff)
        key = pubs[i - 1] if i else DAY_MIN
        view = base._views.get(key)
        if view is None:
            view = Schedule(
                base._rules.as_known_on(key),
                root=base._root,
                spec=None,
                source=base._source,
                name=base.name,
                reform=base.reform,
                known_on=d,
                base=base,
            )
            base._views[key] = view
        if view._known_on != d:  # same knowledge, another day: a light copy naming that day
            twin = Schedule(
                view._rules,
                root=base._root,
                source=base._source,
                name=base.name,
                reform=base.reform,
                known_on=d,
                base=base,
            )
            return twin
        return view

    def claims_for(self, origin: str, hs10: str, on: Any) -> list[str]:
        """The claims that could apply to an entry: the origin's programs in the MFN value in
        force, the end-use programs whose code the line lists, and the claims an exclusion of a
        measure in force depends on for this line."""
        d = self.check_date(on, field="on")
        day = to_day_number(d)
        iso3 = self.resolve_origin(origin)[1][0]
        out: list[str] = []
        ed = mfn_edition_on(self._rules, day)
        for m in self._rules.measures:
            vi = m.value_index(day)
            if vi < 0 or m.values[vi].stop:
                continue
            v = m.values[vi]
            if m.is_mfn:
                prog = v.programs.get(iso3)
                if prog is not None:
                    out.append(C.program_key(prog[0]))
            for c in m.exclude_products.claims:
                if m.covers_origin(iso3) and self._rules.lists[c.name].member_on(hs10, day):
                    out.append(c.claim)
        if ed is not None:
            idx, level = ed.locate(np.array([hs_int(hs10)], dtype=np.int64))
            if int(level[0]) >= 0:
                rep = f"{int(ed.codes[int(idx[0])]):010d}"
                for p in C.PROGRAMS:
                    if p.any_origin and any(ed.special_rate(c, rep) is not None for c in p.codes):
                        out.append(p.key)
        return list(dict.fromkeys(out))

    def _listed_programs(self, hs10: str, day: int) -> set[str]:
        """Programs whose special-column code the line lists in the edition in force."""
        ed = mfn_edition_on(self._rules, day)
        if ed is None:
            return set()
        idx, level = ed.locate(np.array([hs_int(hs10)], dtype=np.int64))
        if int(level[0]) < 0:
            return set()
        rep = f"{int(ed.codes[int(idx[0])]):010d}"
        return {
            p.key for p in C.PROGRAMS if any(ed.special_rate(c, rep) is not None for c in p.codes)
        }

    def check_claim(self, claim: str | None, members: tuple[str, ...], day: int) -> None:
        """Refuse (:class:`InputError`) a claim (program key) that goods of ``members`` cannot make
        on ``day`` (days since 1970-01-01): no MFN edition lists the program for them and no
        measure excludes goods claiming it. End-use programs (any origin) always pass."""
        if claim is None:
            return
        p = C.program(claim)
        if p.any_origin:
            return
        for m in self._rules.measures:
            if m.exclude_products.claims and any(
                c.claim == claim for c in m.exclude_products.claims
            ):
                return
        mfn = [m for m in self._rules.measures if m.is_mfn]
        keys: set[str] = set()
        for m in mfn:
            vi = m.value_index(day)
            if vi >= 0:
                keys |= {C.program_key(c) for c, _ in m.values[vi].programs.values()}
                ok = [
                    o
                    for o in members
                    if (pr := m.values[vi].programs.get(o)) is not None
                    and C.program_key(pr[0]) == claim
                ]
                if len(ok) == len(members):
                    return
        known = {
            C.program_key(c)
            for m in mfn
            for v in m.values[-1:]
            for o, (c, _) in v.programs.items()
            if o in members
        }
        raise InputError(
            f"claim: {claim} ({p.title}) is not available to goods of {', '.join(members[:3])}"
            + ("…" if len(members) > 3 else ""),
            hint=f"programs of this origin in the library: {', '.join(sorted(known)) or 'none'}; "
            "end-use programs any origin may claim: civil_aircraft, pharmaceutical, dyes",
        )

    def rate(
        self,
        origin: str,
        hs: Any,
        on: Any,
        *,
        claim: str | None = None,
        shares: Mapping[str, float] | None = None,
        basis: Basis = "entry",
        loaded_on: Any = None,
        as_known_on: Any = None,
        assume_unchanged: bool = False,
        allow_family: bool = False,
        alternatives: bool = True,
    ) -> EntryRate:
        """The rate of an entry: ``origin`` (ISO3, name or group), ``hs`` (8 or 10 digits), day ``on``.

        ``claim``: the preference program the entry claims (an indicator or name,
        :func:`~tariffsim.schedule.claims.normalize_claim`; default none). ``shares`` declares
        shares (e.g. ``{"steel_content": 0.4}``, a declared share such as
        ``{"advanced_semiconductor": 1}``, or ``{"usmca": 0.6}`` for a blended entry).
        ``basis="flows"`` rates a trade flow instead (the data's shares). ``loaded_on``: the day
        the goods were loaded (for the in-transit exceptions). ``as_known_on``: the law as
        published by that day. ``assume_unchanged``: a day after the library's end is rated with
        the law of its last day (flagged). With ``alternatives`` the result lists the total under
        each claim that could apply.

        8-digit codes are rated on each HTS10 line under them; if the lines differ, an InputError
        lists them. A group (EU) rates each member; ``members`` holds each total and ``notes``
        says whether they are equal. A 10-digit code the edition lacks is rated at its HTS8's
        rate (with a note); one whose HTS8 is gone too is an error unless ``allow_family``.
        """
        if as_known_on is not None:
            return self.as_known_on(as_known_on).rate(
                origin,
                hs,
                on,
                claim=claim,
                shares=shares,
                basis=basis,
                loaded_on=loaded_on,
                assume_unchanged=assume_unchanged,
                allow_family=allow_family,
                alternatives=alternatives,
            )
        d, law_day = self.resolve_day(on, assume_unchanged=assume_unchanged)
        day = to_day_number(law_day or d)
        claim_key = C.normalize_claim(claim)
        loaded = parse_date(loaded_on, field="loaded_on") if loaded_on is not None else None
        code, members = self.resolve_origin(origin)
        hs_code, lines = hs_lines(self._rules, hs, day, allow_family=allow_family)
        if basis == "entry":
            self.check_claim(claim_key, members, day)
        terms = Terms(
            claim=claim_key,
            shares=dict(shares) if shares else None,
            basis=basis,
            loaded_on=to_day_number(loaded) if loaded is not None else None,
        )
        notes: list[str] = []
        results: dict[tuple[str, str], _Eval] = {}
        for iso3 in members:
            for h in lines:
                results[(iso3, h)] = self._evaluate(iso3, h, day, terms)
        first = results[(members[0], lines[0])]
        if len(lines) > 1:
            per_line = {h: results[(members[0], h)].total for h in lines}
            if len(set(per_line.values())) > 1:
                from tariffsim.core.hs import format_hs

                listing = ", ".join(f"{format_hs(h)}: {pct(t)}" for h, t in per_line.items())
                raise InputError(
                    f"hs: the HTS10 lines of {format_hs(hs_code)} have different rates on {d} ({listing})",
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
                    f"rates differ across the members of {code}: {pct(member_totals[lo])} ({lo}) to "
                    f"{pct(member_totals[hi])} ({hi}); parts shown for {members[0]}"
                )
        flags = list(first.flags)
        if law_day is not None:
            flags.insert(
                0,
                f"assumed unchanged: {d} is after the library's last day {law_day}; rated with "
                f"the law of {law_day}",
            )
        if claim_key is not None and C.program(claim_key).lapsed:
            notes.append(f"claim {claim_key}: {C.program(claim_key).lapsed}")
        options: tuple[ClaimOption, ...] = ()
        if alternatives and basis == "entry":
            options = self._claim_options(members[0], lines[0], day, terms, first.total)
        return EntryRate(
            origin=code,
            hs=hs_code,
            date=d,
            total_rate=first.total,
            parts=tuple(first.parts),
            description=first.description,
            notes=tuple(notes),
            members=member_totals,
            claim=claim_key,
            claims=options,
            basis=basis,
            as_known_on=self._known_on,
            assumed_unchanged=law_day,
            loaded_on=loaded,
            flags=tuple(flags),
        )

    def _claim_options(
        self, iso3: str, hs10: str, day: int, terms: Terms, total: float
    ) -> tuple[ClaimOption, ...]:
        cands = self.claims_for(iso3, hs10, from_day_number(day))
        listed = self._listed_programs(hs10, day)
        out: list[ClaimOption] = []
        base: float | None = None
        for key in [None, *cands]:
            if key == terms.claim:
                t = total
            else:
                alt = Terms(
                    claim=key, shares=terms.shares, basis="entry", loaded_on=terms.loaded_on
                )
                t = self._evaluate(iso3, hs10, day, alt, strict=False).total
            if key is None:
                base = t
            elif key != terms.claim and key not in listed and t == base:
                continue  # the line lists no rate of the program and nothing depends on it
            p = C.program(key) if key else None
            out.append(
                ClaimOption(
                    claim=key,
                    total_rate=t,
                    title="no claim" if p is None else p.title,
                    note=None if p is None else p.lapsed,
                )
            )
        return tuple(out)

    def change_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Days in ``(start, end)`` on which any rule may change (segment starts after ``start``)."""
        a, b = to_day_number(start), to_day_number(end)
        return [from_day_number(x) for x in self._rules.change_days() if a < x < b]

    def timeline(
        self,
        origin: str,
        hs: Any,
        start: Any,
        end: Any,
        *,
        claim: str | None = None,
        shares: Mapping[str, float] | None = None,
        loaded_on: Any = None,
    ) -> list[TimelineRow]:
        """One row per change of an entry's parts over ``[start, end)`` (``end`` exclusive).

        A change is any change of a non-zero part (its rate or chapter-99 heading); days on which
        nothing changes for this entry are merged (each row shows the parts of its first day, each
        part with its legal start and publication date). Periods in which the HS code is not a
        line of the HTS edition in force are rows with ``total_rate=None`` and a note; a code
        that is valid on no day is an error.
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
                r = self.rate(
                    origin,
                    hs,
                    d,
                    claim=claim,
                    shares=shares,
                    loaded_on=loaded_on,
                    alternatives=False,
                )
                total, parts, note = r.total_rate, r.parts, None
            except HsNotInEdition as exc:
                first_error = first_error or exc
                total, parts = None, ()
                note = re.sub(r" \(in force on [^)]*\)", "", exc.message.removeprefix("hs: "))
            if rows and change_key(rows[-1].parts) == change_key(parts) and rows[-1].note == note:
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
                    bits.append(("" if not v.by_origin else "others ") + rule_text(v.default))
                named: dict[str, list[str]] = {}
                for o, r in v.by_origin.items():
                    named.setdefault(rule_text(r), []).append(o)
                for txt, os_ in sorted(named.items(), key=lambda kv: -len(kv[1])):
                    show = ", ".join(sorted(os_)[:6]) + (
                        f" +{len(os_) - 6}" if len(os_) > 6 else ""
                    )
                    bits.append(f"{show}: {txt}")
                summary = "; ".join(bits) or "nothing"
            susp = tuple(
                f"{rule_text(s.rule)} during [{s.start_date}, {s.end_date or '…'}) ({s.reference})"
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
                    published=v.published_date,
                )
            )
        return out

    def data_share(self, name: str, hs10: Any, origin: Any) -> np.ndarray:
        """The data's share ``name`` (``usmca`` or a metal content) for rows of HS10 × ISO3 — what
        ``rate --input F --usmca-share data`` passes as the rows' declared shares."""
        from tariffsim.schedule.compile import data_share

        return data_share(self._rules, name, hs10, origin)

    def compile(
        self,
        hs10: Any,
        origin: Any,
        start: Any,
        end: Any | None = None,
        *,
        shares: Mapping[str, Any] | None = None,
        claims: Any = None,
        basis: Basis = "flows",
        loaded_on: Any = None,
        assume_unchanged: bool = False,
        parts: bool = False,
        dtype: Any = None,
    ) -> Compiled:
        """Rates of arrays of rows over ``[start, end)`` as piecewise-constant segments.

        See :class:`tariffsim.schedule.compile.Compiled`. ``end`` defaults to ``start`` + 1 day.
        ``basis="flows"`` (default): the data's shares; ``"entry"``: each row an entry, with its
        claim in ``claims`` (one program key or None per row, or one for all) and its declared
        shares in ``shares``. ``loaded_on``: per-row loading days (``datetime64[D]``, NaT = not
        declared). ``assume_unchanged``: days after the library's end take the law of its last day.
        """
        from tariffsim.schedule.compile import compile_rows

        d1 = self.resolve_day(start, field="start", assume_unchanged=assume_unchanged)[0]
        d2 = parse_date(end, field="end") if end is not None else d1 + dt.timedelta(days=1)
        if d2 <= d1:
            raise InputError(
                f"end {d2} must be after start {d1}", hint="the period is [start, end)"
            )
        self.resolve_day(d2 - dt.timedelta(days=1), field="end", assume_unchanged=assume_unchanged)
        return compile_rows(
            self._rules,
            hs10,
            origin,
            d1,
            d2,
            shares=shares,
            claims=claims,
            basis=basis,
            loaded_on=loaded_on,
            parts=parts,
            dtype=dtype,
        )

    def apply_reform(self, reform: S.Reform | str | Path) -> Schedule:
        """A new Schedule with a reform applied: a :class:`~tariffsim.schedule.schema.Reform`
        (e.g. ``Reform.from_yaml(text)``) or the path of a reform file. This schedule is unchanged;
        a reform of a schedule as known on a day is known on that day too."""
        if self._base is not None and self._known_on is not None:
            return self._base.apply_reform(reform).as_known_on(self._known_on)
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
        cov = self.coverage
        return (
            f"Schedule({self.name!r}, {len(self._rules.measures)} measures, coverage "
            f"{cov.start}..{cov.last_day}"
            + (f", reform {self.reform}" if self.reform else "")
            + (f", as known on {self._known_on}" if self._known_on else "")
            + ")"
        )
