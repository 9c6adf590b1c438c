"""Measures in resolved form: per value, each origin's rule; suspensions; product sets; and the
builder from a resolved measure (:class:`tariffsim.schedule.resolve.Resolved`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.core.dates import to_day_number
from tariffsim.schedule.rules.base import DAY_MAX, day, prefixes_by_length

if TYPE_CHECKING:
    from tariffsim.schedule import schema as S

DEFAULT_PROGRAM_SHARES = {"S": "usmca", "S+": "usmca"}
"""USMCA special-rate codes (HTS general note 11) apply to the USMCA share of a row only."""


@dataclass(frozen=True, slots=True)
class OriginRule:
    """What one origin pays under a value: additive ``add`` or all-in ``floor`` (one is None)."""

    add: float | None
    floor: float | None
    heading: str | None
    reference: str | None
    note: str | None = None
    share: str | None = None  # this origin's part is also multiplied by this share


@dataclass(frozen=True, slots=True)
class InTransitRule:
    """Entries loaded before ``loaded_before`` and entered before ``entered_before`` (day numbers)
    keep the rate of the day before the value started."""

    loaded_before: int
    entered_before: int
    loaded_before_date: dt.date
    entered_before_date: dt.date
    reference: str
    heading: str | None = None
    note: str | None = None

    def applies(self, day: int, loaded_on: int | None) -> bool:
        return (
            loaded_on is not None and loaded_on < self.loaded_before and day < self.entered_before
        )


@dataclass(slots=True)
class ValueRule:
    """One value of a measure: from ``start`` (day number) to the next value's start.

    ``published`` is the day number from which the value is known (its publication date, or its
    start when the library gives none: ``published_date`` is then None).
    """

    start: int
    start_date: dt.date
    stop: bool
    reference: str
    heading: str | None
    default: OriginRule | None  # "*" or the uniform rate
    by_origin: dict[str, OriginRule | None]  # ISO3 -> rule (groups expanded; None = pays nothing)
    note: str | None = None
    edition: str | None = None  # MFN
    programs: dict[str, tuple[tuple[str, ...], str | None]] = field(
        default_factory=dict
    )  # iso3 -> (codes, share)
    column2: frozenset[str] = frozenset()  # MFN: origins rated at the column 2 rate
    column2_reference: str | None = None
    excluded_by: tuple[int, ...] | None = None  # replaces the measure's while this value holds
    published: int = 0
    published_date: dt.date | None = None
    in_transit: InTransitRule | None = None

    def rule_for(self, iso3: str) -> OriginRule | None:
        if iso3 in self.by_origin:
            return self.by_origin[iso3]
        return self.default


@dataclass(slots=True)
class SuspensionRule:
    start: int
    end: int
    start_date: dt.date
    end_date: dt.date | None
    origins: frozenset[str] | None  # None = every origin
    except_origins: frozenset[str]
    rule: OriginRule | None
    reference: str
    published: int = 0  # day number from which it is known (its start when not given)
    published_date: dt.date | None = None

    def covers(self, iso3: str) -> bool:
        return (self.origins is None or iso3 in self.origins) and iso3 not in self.except_origins


@dataclass(frozen=True, slots=True)
class ClaimList:
    """An exclusion that depends on a claim: goods of list ``name`` claimed under program ``claim``
    are excluded; in trade flows the claimed share is the row's declared share ``claim`` or
    ``default``."""

    name: str
    claim: str
    default: float = 0.0


@dataclass(slots=True)
class ProductSet:
    """Union of static HS prefixes (``all_products`` for ``*``) and named lists; ``claims``: lists
    whose exclusion depends on a claim (only in ``exclude_products``)."""

    all_products: bool
    prefixes: tuple[str, ...]
    lists: tuple[str, ...]
    by_length: dict[int, np.ndarray] | None = None  # prefixes as ints per length, built on use
    claims: tuple[ClaimList, ...] = ()

    def prefix_ints(self) -> dict[int, np.ndarray]:
        if self.by_length is None:
            self.by_length = prefixes_by_length(list(self.prefixes))
        return self.by_length

    @property
    def empty(self) -> bool:
        return not self.all_products and not self.prefixes and not self.lists


@dataclass(slots=True)
class MeasureRule:
    index: int
    id: str
    title: str
    authority: str
    order: int
    is_mfn: bool
    origins: frozenset[str] | None  # None = every origin
    exclude_origins: frozenset[str]
    products: ProductSet
    exclude_products: ProductSet
    excluded_by: tuple[int, ...]
    floor_base: tuple[int, ...]
    share: str | None
    values: list[ValueRule]
    suspensions: list[SuspensionRule]
    starts: np.ndarray  # (len(values),) day numbers
    share_default: float | None = None  # for a declared share (share = "declared:<name>")
    share_more: tuple[str, ...] = ()  # further shares multiplying the part (product of shares)
    share_default_flows: float | None = None  # the declared share's default for trade flows

    def declared_default(self, basis: str) -> float | None:
        """The default of the measure's declared share on ``basis`` (``entry`` or ``flows``)."""
        if basis == "flows" and self.share_default_flows is not None:
            return self.share_default_flows
        return self.share_default

    @property
    def shares(self) -> tuple[str, ...]:
        """Every share multiplying the measure's part (``share`` then ``share_more``)."""
        return ((self.share,) if self.share else ()) + self.share_more

    def covers_origin(self, iso3: str) -> bool:
        return (self.origins is None or iso3 in self.origins) and iso3 not in self.exclude_origins

    def excluded_by_on(self, vi: int) -> tuple[int, ...]:
        """The measures that exclude this one while value ``vi`` holds (value's, else measure's)."""
        ex = self.values[vi].excluded_by if vi >= 0 else None
        return self.excluded_by if ex is None else ex

    def value_index(self, day: int) -> int:
        """Index of the value in force on ``day`` (-1 before the first)."""
        return int(np.searchsorted(self.starts, day, side="right")) - 1


def _expand_origins(codes: list[str]) -> frozenset[str] | None:
    from tariffsim.core import countries

    if "*" in codes:
        return None
    out: set[str] = set()
    for c in codes:
        out.update(countries.expand(c))
    return frozenset(out)


def _origin_rule(
    spec: S.RateSpec | None, value_ref: str, value_heading: str | None
) -> OriginRule | None:
    if spec is None:
        return None
    return OriginRule(
        add=spec.rate,
        floor=spec.floor,
        heading=spec.heading or value_heading,
        reference=spec.reference or value_ref,
        note=spec.note,
        share=spec.share,
    )


def _by_origin(
    rates: dict[str, S.RateSpec | None], ref: str, heading: str | None
) -> tuple[OriginRule | None, dict[str, OriginRule | None]]:
    """Expand a ``rates`` mapping: ISO3 keys beat group keys, which beat ``*``."""
    from tariffsim.core import countries

    default = _origin_rule(rates.get("*"), ref, heading) if "*" in rates else None
    by: dict[str, OriginRule | None] = {}
    for key, spec in rates.items():
        if key != "*" and countries.is_group(key):
            rule = _origin_rule(spec, ref, heading)
            for mem in countries.expand(key):
                by[mem] = rule
    for key, spec in rates.items():
        if key != "*" and not countries.is_group(key):
            by[key] = _origin_rule(spec, ref, heading)
    return default, by


def _product_set(items: list[Any] | None) -> ProductSet:
    from tariffsim.schedule import schema as S

    items = items or []
    prefixes = tuple(sorted({p for p in items if isinstance(p, str) and p != "*"}))
    refs = [p for p in items if isinstance(p, S.ListRef)]
    lists = tuple(sorted({p.list for p in refs if p.claim is None}))
    claims = tuple(
        sorted(
            {
                ClaimList(p.list, p.claim, float(p.claim_default or 0.0))
                for p in refs
                if p.claim is not None
            },
            key=lambda c: (c.name, c.claim),
        )
    )
    return ProductSet(all_products="*" in items, prefixes=prefixes, lists=lists, claims=claims)


def measure_rule(r: Any, index: int, ids: dict[str, int]) -> MeasureRule:
    """A resolved measure (:class:`tariffsim.schedule.resolve.Resolved`) → :class:`MeasureRule`."""
    from tariffsim.schedule import schema as S

    m = r.measure

    def refs(names: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(sorted(ids[n] for n in names))

    values: list[ValueRule] = []
    for v, vex in zip(r.values, r.value_excluded_by, strict=True):
        default: OriginRule | None = None
        by: dict[str, OriginRule | None] = {}
        if v.rate is not None:
            default = OriginRule(add=v.rate, floor=None, heading=v.heading, reference=v.reference)
        elif v.rates is not None:
            default, by = _by_origin(v.rates, v.reference, v.heading)
        programs: dict[str, tuple[tuple[str, ...], str | None]] = {}
        pshares = dict(DEFAULT_PROGRAM_SHARES)
        if v.program_shares is not None:
            pshares = dict(v.program_shares)
        for o, p in (v.programs or {}).items():
            share: str | None
            if isinstance(p, S.ProgramSpec):
                codes, share = tuple(p.codes), p.share
            else:
                codes = tuple(p)
                share = next((str(pshares[c]) for c in codes if c in pshares), None)
            from tariffsim.core import countries

            for mem in countries.expand(o):
                programs[mem] = (codes, share)
        it = v.in_transit
        values.append(
            ValueRule(
                start=to_day_number(v.start),
                start_date=v.start,
                stop=v.stops,
                reference=v.reference,
                heading=v.heading,
                default=default,
                by_origin=by,
                note=v.note,
                edition=v.hts,
                programs=programs,
                column2=_expand_origins(v.column2.origins) or frozenset()
                if v.column2
                else frozenset(),
                column2_reference=v.column2.reference if v.column2 else None,
                excluded_by=refs(vex) if vex is not None else None,
                published=to_day_number(v.published or v.start),
                published_date=v.published,
                in_transit=None
                if it is None
                else InTransitRule(
                    loaded_before=to_day_number(it.loaded_before),
                    entered_before=to_day_number(it.entered_before),
                    loaded_before_date=it.loaded_before,
                    entered_before_date=it.entered_before,
                    reference=it.reference,
                    heading=it.heading,
                    note=it.note,
                ),
            )
        )
    susp = [
        SuspensionRule(
            start=to_day_number(s.start),
            end=day(s.end, DAY_MAX),
            start_date=s.start,
            end_date=s.end,
            origins=_expand_origins(s.origins),
            except_origins=_expand_origins(s.except_origins) or frozenset(),
            rule=_origin_rule(s.rate_during, s.reference, None),
            reference=s.reference,
            published=to_day_number(s.published or s.start),
            published_date=s.published,
        )
        for s in r.suspensions
    ]
    return MeasureRule(
        index=index,
        id=m.id,
        title=m.title,
        authority=m.authority,
        order=index,
        is_mfn=m.is_mfn,
        origins=_expand_origins(m.scope.origins),
        exclude_origins=_expand_origins(m.scope.exclude_origins) or frozenset(),
        products=_product_set(m.scope.products if not m.is_mfn else (m.scope.products or ["*"])),
        exclude_products=_product_set(m.scope.exclude_products),
        excluded_by=refs(r.excluded_by),
        floor_base=refs(r.floor_base),
        share=m.share[0] if m.share else None,
        share_more=tuple(m.share[1:]) if m.share else (),
        values=values,
        suspensions=susp,
        starts=np.array([v.start for v in values], dtype=np.int64),
        share_default=m.share_default,
        share_default_flows=m.share_default_flows,
    )
