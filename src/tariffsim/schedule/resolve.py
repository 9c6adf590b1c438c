"""From measures as written to plain step functions: sets, shared rate tables, per-origin histories,
and the evaluation order derived from the stacking relations.

A measure file may say *who excludes it* by joining a set (``member_of``), *where its rates come
from* (``rates_from``: other measures) and *how single origins differ over time*
(``rates_by_origin``). This module turns those into what the engine evaluates — a measure with a
concrete list of values and suspensions and its references to other measures as ids — and orders
the measures so that every measure comes after the ones it refers to.

**References.** An entry of ``excluded_by`` (or ``floor_base``) is a measure id, an authority
(every *other* measure of it) or ``{set: NAME, except: [ids]}`` (every member of the set but those
ids and the measure itself).

**Order.** Measure ``m`` depends on ``d`` when ``d`` is in ``m``'s ``floor_base`` or in any of
its ``excluded_by`` lists (the measure's or a value's): ``d``'s part (for floors) or whether ``d``
applies (for exclusions) must be known before ``m`` is evaluated. The order is a topological sort
of this graph (Kahn's algorithm); among the measures that are ready at a step, the one first in
:data:`DISPLAY_ORDER` of authorities, then by id, goes first — the tie-break changes no rate, only
the order in which parts are listed. A cycle is an error that names the measures on it.

**Shared tables** (``rates_from: [A, B, …]``). Each source *owns* the origins its
``scope.origins`` covers (less its ``exclude_origins``) that no earlier source owns. On every day
the measure charges each origin what its owner charges it that day (the owner's value and
suspensions); the sources' product scopes and stacking rules are not used (the measure's own
apply). The measure's own ``values`` may only stop it (from the first stop on it charges nothing).

**Per-origin histories** (``rates_by_origin: {O: {date: rate, …}}``). From each date the origin
``O`` (ISO3 or group) pays the entry's rate instead of what the values give it, until its next
entry; ``null`` means it pays nothing, ``inherit`` that it pays what the values say again. The
histories apply while the measure is in force (a stop value stops every origin), and the
measure's suspensions apply to them as to the values (a suspension replaces whatever rate the
origin has).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tariffsim.schedule import schema as S


class LibrarySpec(Protocol):
    """What resolving needs of a library's validated files
    (:class:`tariffsim.schedule.loader.LibrarySpec` has it)."""

    @property
    def measures(self) -> Mapping[str, S.Measure]: ...

    @property
    def sets(self) -> Mapping[str, S.SetDef]: ...


DISPLAY_ORDER: tuple[str, ...] = (
    "mfn",
    "s201",
    "s232",
    "s301",
    "ieepa_fentanyl",
    "ieepa_reciprocal",
    "ieepa_other",
    "s122",
)
"""Tie-break of the evaluation order: the authorities in the order parts are listed."""


class ResolveError(Exception):
    """A problem found while resolving measure ``measure`` at ``path`` inside it (for ``file:line``)."""

    def __init__(
        self, measure: str, path: tuple[object, ...], message: str, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.measure = measure
        self.path = path
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Resolved:
    """A measure ready to build: concrete values and suspensions, references as measure ids."""

    measure: S.Measure
    values: tuple[S.MeasureValue, ...]
    suspensions: tuple[S.Suspension, ...]
    excluded_by: tuple[str, ...]
    value_excluded_by: tuple[tuple[str, ...] | None, ...]  # per value (None: the measure's)
    floor_base: tuple[str, ...]


# --- references ---------------------------------------------------------------------------------


def set_members(measures: Mapping[str, S.Measure], sets: Iterable[str]) -> dict[str, list[str]]:
    """Set name → ids of the measures declaring ``member_of`` it (sorted)."""
    out: dict[str, list[str]] = {name: [] for name in sets}
    for m in measures.values():
        for name in m.member_of:
            out.setdefault(name, []).append(m.id)
    return {k: sorted(v) for k, v in out.items()}


def authorities_of(measures: Mapping[str, S.Measure]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in measures.values():
        out.setdefault(m.authority, []).append(m.id)
    return out


def expand_refs(
    refs: Sequence[str | S.SetRef],
    *,
    self_id: str,
    measures: Mapping[str, S.Measure],
    authorities: Mapping[str, list[str]],
    members: Mapping[str, list[str]],
    path: tuple[object, ...],
) -> tuple[str, ...]:
    """Measure ids named by ``refs`` (ids, authorities, sets), in order, without repeats or self."""
    out: dict[str, None] = {}
    for i, ref in enumerate(refs):
        if isinstance(ref, S.SetRef):
            if ref.set not in members:
                raise ResolveError(
                    self_id,
                    (*path, i, "set"),
                    f"unknown measure set {ref.set!r}",
                    hint=f"sets of library.yaml: {', '.join(sorted(members)) or 'none'}",
                )
            mem = members[ref.set]
            for j, x in enumerate(ref.except_):
                if x not in mem:
                    raise ResolveError(
                        self_id,
                        (*path, i, "except", j),
                        f"{x!r} is not a member of set {ref.set!r}",
                        hint=f"members: {', '.join(mem) or 'none'}",
                    )
            targets = [t for t in mem if t not in ref.except_]
        elif ref in measures:
            if ref == self_id:
                raise ResolveError(self_id, (*path, i), "a measure cannot refer to itself")
            targets = [ref]
        elif ref in authorities:
            targets = list(authorities[ref])
            if targets == [self_id]:
                raise ResolveError(self_id, (*path, i), f"authority {ref!r} has no other measure")
        else:
            raise ResolveError(
                self_id,
                (*path, i),
                f"unknown measure or authority {ref!r}",
                hint="name a measure id (file stem), an authority such as mfn, or {set: NAME}",
            )
        for t in targets:
            if t != self_id:
                out[t] = None
    return tuple(out)


@dataclass(frozen=True)
class _Refs:
    excluded_by: tuple[str, ...]
    value_excluded_by: tuple[tuple[str, ...] | None, ...]
    floor_base: tuple[str, ...]

    def all(self) -> set[str]:
        out = set(self.excluded_by) | set(self.floor_base)
        for v in self.value_excluded_by:
            out |= set(v or ())
        return out


def _refs(
    m: S.Measure,
    measures: Mapping[str, S.Measure],
    authorities: Mapping[str, list[str]],
    members: Mapping[str, list[str]],
) -> _Refs:
    kw = {"self_id": m.id, "measures": measures, "authorities": authorities, "members": members}
    return _Refs(
        excluded_by=expand_refs(m.excluded_by, path=("excluded_by",), **kw),  # type: ignore[arg-type]
        value_excluded_by=tuple(
            None
            if v.excluded_by is None
            else expand_refs(v.excluded_by, path=("values", j, "excluded_by"), **kw)  # type: ignore[arg-type]
            for j, v in enumerate(m.values)
        ),
        floor_base=() if m.is_mfn else expand_refs(m.floor_base, path=("floor_base",), **kw),  # type: ignore[arg-type]
    )


def evaluation_order(measures: Mapping[str, S.Measure], deps: Mapping[str, set[str]]) -> list[str]:
    """Measure ids sorted so that each comes after its dependencies (see the module docstring)."""
    rank = {a: i for i, a in enumerate(DISPLAY_ORDER)}

    def key(mid: str) -> tuple[int, str]:
        return (rank.get(measures[mid].authority, len(rank)), mid)

    waiting = {mid: set(deps.get(mid, ())) for mid in measures}
    users: dict[str, list[str]] = {}
    for mid, ds in waiting.items():
        for d in ds:
            users.setdefault(d, []).append(mid)
    ready = [key(mid) for mid, ds in waiting.items() if not ds]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, mid = heapq.heappop(ready)
        out.append(mid)
        for u in users.get(mid, ()):
            waiting[u].discard(mid)
            if not waiting[u]:
                heapq.heappush(ready, key(u))
    if len(out) < len(measures):
        left = {mid for mid in measures if mid not in set(out)}
        cycle = _find_cycle(left, waiting)
        raise ResolveError(
            cycle[0],
            ("excluded_by",),
            "the stacking relations form a cycle: "
            + " → ".join([*cycle, cycle[0]])
            + " (each names the next in excluded_by or floor_base)",
            hint="a measure can only be evaluated after those it names; remove one of the names",
        )
    return out


def _find_cycle(nodes: set[str], deps: Mapping[str, set[str]]) -> list[str]:
    """One cycle of the dependency graph restricted to ``nodes`` (measure → a dependency)."""
    start = min(nodes)
    seen: dict[str, int] = {}
    path: list[str] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(d for d in deps[node] if d in nodes)
    cycle = path[seen[node] :]
    # list it in reading order: each names the next (the measure depends on the next one)
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


# --- shared tables and histories ------------------------------------------------------------------


def _expand(codes: Iterable[str]) -> set[str]:
    from tariffsim.core import countries

    out: set[str] = set()
    for c in codes:
        out.update(countries.expand(c))
    return out


@dataclass(frozen=True)
class _Owned:
    """Origins a source owns: ``everyone`` minus ``minus``, or exactly ``only``."""

    everyone: bool
    only: frozenset[str]
    minus: frozenset[str]

    def __contains__(self, iso3: object) -> bool:
        return iso3 not in self.minus if self.everyone else iso3 in self.only


def _ownership(sources: Sequence[S.Measure]) -> list[_Owned]:
    owned: list[_Owned] = []
    taken: set[str] = set()  # owned by an earlier source with a finite scope
    star: frozenset[str] | None = None  # set when an earlier source covers everyone: who it leaves
    for src in sources:
        exclude = _expand(src.scope.exclude_origins)
        if "*" in src.scope.origins:
            if star is None:
                o = _Owned(True, frozenset(), frozenset(exclude | taken))
                star = o.minus
            else:  # only what the earlier "everyone" source left
                o = _Owned(False, frozenset(star - exclude - taken), frozenset())
        else:
            cover = _expand(src.scope.origins) - exclude - taken
            if star is not None:
                cover &= set(star)
            o = _Owned(False, frozenset(cover), frozenset())
        owned.append(o)
        if not o.everyone:
            taken |= o.only
    return owned


def _value_at(values: Sequence[S.MeasureValue], t: dt.date) -> S.MeasureValue | None:
    cur = None
    for v in values:
        if v.start <= t:
            cur = v
        else:
            break
    return cur


def _baked(spec: S.RateSpec | None, v: S.MeasureValue) -> S.RateSpec | None:
    """An origin's rule with its value's heading and reference written in."""
    if spec is None:
        return None
    return spec.model_copy(
        update={"heading": spec.heading or v.heading, "reference": spec.reference or v.reference}
    )


def _rules_of(v: S.MeasureValue) -> tuple[S.RateSpec | None, dict[str, S.RateSpec | None], bool]:
    """(default "*", {ISO3: rule}, has_default) of a value; ISO3 keys beat group keys."""
    from tariffsim.core import countries

    if v.stops:
        return None, {}, False
    if v.rate is not None:
        return S.RateSpec(rate=v.rate, heading=v.heading, reference=v.reference), {}, True
    rates = v.rates or {}
    by: dict[str, S.RateSpec | None] = {}
    for k, spec in rates.items():
        if k != "*" and countries.is_group(k):
            for mem in countries.expand(k):
                by[mem] = _baked(spec, v)
    for k, spec in rates.items():
        if k != "*" and not countries.is_group(k):
            by[k] = _baked(spec, v)
    has_default = "*" in rates
    return (_baked(rates["*"], v) if has_default else None), by, has_default


def _merge_sources(
    m: S.Measure, spec: LibrarySpec, stack: tuple[str, ...]
) -> tuple[list[S.MeasureValue], list[S.Suspension]]:
    assert m.rates_from is not None
    sources: list[S.Measure] = []
    for i, sid in enumerate(m.rates_from):
        src = spec.measures.get(sid)
        if src is None:
            raise ResolveError(
                m.id,
                ("rates_from", i),
                f"unknown measure {sid!r}",
                hint=f"known: {', '.join(sorted(spec.measures))}",
            )
        if sid in stack or sid == m.id:
            raise ResolveError(
                m.id, ("rates_from", i), f"rates_from cycle: {' → '.join([*stack, m.id, sid])}"
            )
        if src.is_mfn:
            raise ResolveError(m.id, ("rates_from", i), "rates cannot come from the MFN measure")
        sources.append(src)
    eff = [effective(src, spec, (*stack, m.id)) for src in sources]
    owned = _ownership(sources)
    stop = m.values[0] if m.values else None
    starts = sorted({v.start for vals, _ in eff for v in vals})
    out: list[S.MeasureValue] = []
    for t in starts:
        if stop is not None and t >= stop.start:
            break
        rates: dict[str, S.RateSpec | None] = {}
        refs: list[str] = []
        notes: list[str] = []
        published: list[dt.date] = []
        for (vals, _), own in zip(eff, owned, strict=True):
            v = _value_at(vals, t)
            if v is not None and v.start == t:
                if v.reference not in refs:
                    refs.append(v.reference)
                if v.note and v.note not in notes:
                    notes.append(v.note)
                if v.published is not None:
                    published.append(v.published)
            default, by, has_default = (None, {}, False) if v is None else _rules_of(v)
            if own.everyone:
                if has_default:
                    rates["*"] = default
                for o, r in by.items():
                    if o in own and o not in rates:
                        rates[o] = r
                for o in own.minus:  # not covered by this source: nothing unless another owns it
                    rates.setdefault(o, None)
            else:
                for o in sorted(own.only):
                    rates[o] = by.get(o, default if has_default else None)
        live = any(r is not None for r in rates.values())
        out.append(
            S.MeasureValue(
                start=t,
                rates=dict(sorted(rates.items())) if live else None,
                reference="; ".join(refs),
                published=max(published) if published else None,
                note=" ".join(notes) or None,
            )
        )
    if stop is not None:
        out = [v for v in out if v.start < stop.start] + [stop]
    susp: list[S.Suspension] = []
    for (_, sus), own in zip(eff, owned, strict=True):
        for s in sus:
            if own.everyone:
                ex = sorted(set(s.except_origins) | own.minus)
                susp.append(s.model_copy(update={"except_origins": ex}))
            else:
                who = (own.only if "*" in s.origins else _expand(s.origins) & own.only) - _expand(
                    s.except_origins
                )
                if who:
                    susp.append(s.model_copy(update={"origins": sorted(who), "except_origins": []}))
    return _dedupe(out), susp


def _dedupe(values: list[S.MeasureValue]) -> list[S.MeasureValue]:
    """Drop a value that repeats the previous one exactly (a source changed only for others)."""
    out: list[S.MeasureValue] = []
    for v in values:
        if out and out[-1].stops and v.stops:
            continue
        out.append(v)
    return out


def _overlay(
    m: S.Measure,
    values: list[S.MeasureValue],
    hist: Mapping[str, Mapping[dt.date, S.RateSpec | str | None]],
) -> list[S.MeasureValue]:
    from tariffsim.core import countries

    if not values:
        return values
    first = values[0].start
    for o, h in hist.items():
        for d in h:
            if d < first:
                raise ResolveError(
                    m.id,
                    ("rates_by_origin", o, d),
                    f"{d} is before the measure's first value ({first})",
                )
    breaks = sorted({v.start for v in values} | {d for h in hist.values() for d in h})
    out: list[S.MeasureValue] = []
    for t in breaks:
        v = _value_at(values, t)
        assert v is not None
        if v.stops:
            if v.start == t:
                out.append(v)
            continue
        rates: dict[str, S.RateSpec | None] = (
            {k: _baked(r, v) for k, r in v.rates.items()}
            if v.rates is not None
            else {"*": _rules_of(v)[0]}
        )
        published: list[dt.date] = []
        for o, h in hist.items():
            dates = [d for d in h if d <= t]
            if not dates:
                continue
            d = max(dates)
            e = h[d]
            if d == t and isinstance(e, S.RateSpec) and e.published is not None:
                published.append(e.published)
            if e == S.INHERIT:
                continue
            if countries.is_group(o):
                for mem in countries.expand(o):
                    rates.pop(mem, None)
            rates[o] = e if isinstance(e, S.RateSpec) or e is None else None
        if v.start == t:
            out.append(v.model_copy(update={"rate": None, "rates": rates}))
        else:
            out.append(
                v.model_copy(
                    update={
                        "start": t,
                        "rate": None,
                        "rates": rates,
                        "published": max(published) if published else None,
                        "note": None,
                    }
                )
            )
    return out


def effective(
    m: S.Measure, spec: LibrarySpec, stack: tuple[str, ...] = ()
) -> tuple[list[S.MeasureValue], list[S.Suspension]]:
    """The concrete values and suspensions of ``m`` (``rates_from`` and ``rates_by_origin`` applied)."""
    if m.rates_from is not None:
        values, susp = _merge_sources(m, spec, stack)
        susp += list(m.suspensions)
    else:
        values, susp = list(m.values), list(m.suspensions)
    if m.rates_by_origin:
        values = _overlay(m, values, m.rates_by_origin)
    return values, susp


def dependencies(spec: LibrarySpec) -> dict[str, _Refs]:
    """Each measure's references as ids (raises :class:`ResolveError` on unknown names)."""
    members = set_members(spec.measures, spec.sets)
    authorities = authorities_of(spec.measures)
    return {mid: _refs(m, spec.measures, authorities, members) for mid, m in spec.measures.items()}


def resolve(spec: LibrarySpec) -> list[Resolved]:
    """Every measure of ``spec`` resolved, in evaluation order."""
    refs = dependencies(spec)
    order = evaluation_order(spec.measures, {mid: r.all() for mid, r in refs.items()})
    out: list[Resolved] = []
    for mid in order:
        m = spec.measures[mid]
        values, susp = effective(m, spec)
        r = refs[mid]
        vex: tuple[tuple[str, ...] | None, ...]
        if m.rates_from is None and not m.rates_by_origin:
            vex = r.value_excluded_by
        else:  # values were rebuilt: each carries the excluded_by of the own value in force
            vex = tuple(_carry(values, m.values, r.value_excluded_by))
        out.append(
            Resolved(
                measure=m,
                values=tuple(values),
                suspensions=tuple(susp),
                excluded_by=r.excluded_by,
                value_excluded_by=vex,
                floor_base=r.floor_base,
            )
        )
    return out


def _carry(
    values: Sequence[S.MeasureValue],
    own: Sequence[S.MeasureValue],
    own_ex: Sequence[tuple[str, ...] | None],
) -> list[tuple[str, ...] | None]:
    """Value-level excluded_by of rebuilt values: that of the own value in force at each start."""
    out: list[tuple[str, ...] | None] = []
    for v in values:
        cur: tuple[str, ...] | None = None
        for ov, ex in zip(own, own_ex, strict=True):
            if ov.start <= v.start:
                cur = ex
        out.append(cur)
    return out
