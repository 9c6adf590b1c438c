"""The resolved form of a library: plain dataclasses and numpy arrays, ready to rate and to pickle.

:func:`build_rules` turns the validated files (:class:`~tariffsim.schedule.loader.LibrarySpec`) and
the data (:mod:`tariffsim.schedule.sources`) into :class:`Rules`: measures in evaluation order with
origin groups expanded, references to other measures as indices, dates as day numbers (days since
1970-01-01), product lists as (prefix, start, end) arrays, MFN editions as sorted HS10 arrays. No
pydantic here, so a cached Rules loads fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.core.dates import to_day_number
from tariffsim.core.errors import DataNotFoundError, InputError

if TYPE_CHECKING:  # pydantic models are only needed when building, not when rating from cache
    from tariffsim.schedule import schema as S

DAY_MIN = -(2**31)
DAY_MAX = 2**31 - 1

DECLARED_PREFIX = "declared:"
"""``share: declared:<name>``: a share the user declares per entry (``shares={<name>: x}``)."""

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


@dataclass(slots=True)
class ValueRule:
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

    def covers(self, iso3: str) -> bool:
        return (self.origins is None or iso3 in self.origins) and iso3 not in self.except_origins


def prefixes_by_length(prefixes: Any) -> dict[int, np.ndarray]:
    """Digit-string prefixes → {length: sorted unique int64 values}."""
    out: dict[int, list[int]] = {}
    for p in np.asarray(prefixes, dtype=str).tolist():
        out.setdefault(len(p), []).append(int(p))
    return {n: np.unique(np.asarray(v, dtype=np.int64)) for n, v in out.items()}


@dataclass(slots=True)
class ProductSet:
    """Union of static HS prefixes (``all_products`` for ``*``) and named lists."""

    all_products: bool
    prefixes: tuple[str, ...]
    lists: tuple[str, ...]
    by_length: dict[int, np.ndarray] | None = None  # prefixes as ints per length, built on use

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

    def covers_origin(self, iso3: str) -> bool:
        return (self.origins is None or iso3 in self.origins) and iso3 not in self.exclude_origins

    def excluded_by_on(self, vi: int) -> tuple[int, ...]:
        """The measures that exclude this one while value ``vi`` holds (value's, else measure's)."""
        ex = self.values[vi].excluded_by if vi >= 0 else None
        return self.excluded_by if ex is None else ex

    def value_index(self, day: int) -> int:
        """Index of the value in force on ``day`` (-1 before the first)."""
        return int(np.searchsorted(self.starts, day, side="right")) - 1


@dataclass(slots=True)
class ListRule:
    """Items of a product list: prefix digit strings with membership ``[start, end)`` day numbers."""

    name: str
    prefixes: np.ndarray  # (m,) str
    start: np.ndarray  # (m,) int64
    end: np.ndarray  # (m,) int64
    reference: str
    except_prefixes: tuple[str, ...] = ()  # prefixes taken out of the list whatever its items say
    index: dict[str, list[tuple[int, int]]] | None = None  # prefix -> [(start, end)], built on use
    lengths: tuple[int, ...] = ()
    grouped: Any = None  # see groups(), built on use

    def member_on(self, hs10: str, day: int) -> bool:
        """Is ``hs10`` covered by an item whose membership ``[start, end)`` contains ``day``?"""
        if self.index is None:
            idx: dict[str, list[tuple[int, int]]] = {}
            for p, s, e in zip(
                self.prefixes.tolist(), self.start.tolist(), self.end.tolist(), strict=True
            ):
                idx.setdefault(p, []).append((s, e))
            self.index = idx
            self.lengths = tuple(sorted({len(p) for p in idx}))
        if any(hs10.startswith(p) for p in self.except_prefixes):
            return False
        for n in self.lengths:
            for s, e in self.index.get(hs10[:n], ()):
                if s <= day < e:
                    return True
        return False

    def groups(self) -> tuple[np.ndarray, np.ndarray, list[dict[int, np.ndarray]]]:
        """Items grouped by membership: (starts (P,), ends (P,), per group {length: sorted int prefixes})."""
        if self.grouped is None:
            pairs = (
                np.stack([self.start, self.end], axis=1)
                if len(self.start)
                else np.zeros((0, 2), dtype=np.int64)
            )
            uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
            inv = np.asarray(inv).ravel()
            per = [prefixes_by_length(self.prefixes[inv == p]) for p in range(len(uniq))]
            self.grouped = (uniq[:, 0].copy(), uniq[:, 1].copy(), per)
        return self.grouped

    def change_days(self) -> set[int]:
        out = {int(x) for x in self.start if x != DAY_MIN}
        out |= {int(x) for x in self.end if x != DAY_MAX}
        return out


def lookup(keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index, found) of ``queries`` in the sorted array ``keys`` (vectorised exact match)."""
    if not len(keys):
        return np.zeros(len(queries), dtype=np.int64), np.zeros(len(queries), dtype=bool)
    i = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return i, keys[i] == queries


def hs_int(hs10: str) -> int:
    return int(hs10) if hs10.isdigit() else -1


@dataclass(slots=True)
class Edition:
    """One HTS edition's MFN (column 1) rates, as sorted arrays, and its special rates.

    HS10 codes are stored as int64 (``8703230190``; ten digits, so the order equals the string order).
    """

    name: str
    codes: np.ndarray  # (m,) sorted int64 HS10
    rate: np.ndarray  # (m,) float64 (ad valorem or AVE; 0 where none)
    flag: np.ndarray  # (m,) int8: 0 ad valorem/free, 1 AVE of a specific/compound rate, 2 no AVE
    texts_z: bytes  # zlib of "description\tgeneral_text" lines (unpacked on first use)
    special: dict[str, tuple[np.ndarray, np.ndarray]]  # program -> (sorted int64 HS10, ave)
    other: np.ndarray | None = None  # (m,) column 2 AVE (nan where the data give none)
    other_flag: np.ndarray | None = None  # (m,) int8: 0 exact, 1 scaled AVE, 2 no AVE
    # Fallbacks for HTS10 codes the edition lacks (rates sit on the 8-digit line): per level
    # (divisor 100 = HTS8, 10_000 = HS6), sorted keys, a representative line (its first), the
    # rate, its flag, the column 2 rate and flag. HS6 keys only where the family's rate is unique.
    fallback: tuple[
        tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...
    ] = ()
    texts: list[tuple[str, str]] | None = None

    def _texts(self) -> list[tuple[str, str]]:
        if self.texts is None:
            import zlib

            lines = zlib.decompress(self.texts_z).decode("utf-8").split("\n")
            self.texts = [tuple(ln.split("\t", 1)) if "\t" in ln else (ln, "") for ln in lines]  # type: ignore[misc]
        return self.texts  # type: ignore[return-value]

    def description(self, i: int) -> str:
        return self._texts()[i][0]

    def general_text(self, i: int) -> str:
        return self._texts()[i][1]

    @property
    def hts10(self) -> np.ndarray:
        """The HS10 codes as 10-digit strings."""
        return np.char.zfill(self.codes.astype(str), 10)

    def find(self, hs10: str) -> int:
        c = hs_int(hs10)
        i = int(np.searchsorted(self.codes, c))
        return i if i < len(self.codes) and self.codes[i] == c else -1

    def locate(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(line index, level) of int64 HS10 ``codes``: level 0 = the line itself, 1 = a line of its
        HTS8 (the legal rate sits on the 8-digit subheading), 2 = a line of its HS6 family whose
        lines all carry one rate, -1 = unknown (index 0, unused)."""
        codes = np.asarray(codes, dtype=np.int64)
        idx, found = lookup(self.codes, codes)
        level = np.where(found, 0, -1).astype(np.int8)
        idx = np.where(found, idx, 0)
        for lv, (div, keys, rep, *_rest) in enumerate(self.fallback, start=1):
            rest = np.flatnonzero(level < 0)
            if not len(rest):
                break
            j, hit = lookup(keys, codes[rest] // div)
            idx[rest[hit]] = rep[j[hit]]
            level[rest[hit]] = lv
        return idx, level

    def rates_for(
        self, codes: np.ndarray, *, column2: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(rate, flag, line index, level) of int64 HS10 ``codes`` (see :meth:`locate`); unknown
        codes get rate 0. ``column2``: the column 2 AVE (flag 0 exact, 1 scaled, 2 none → the
        column 1 rate is used)."""
        idx, level = self.locate(codes)
        if column2:
            base_r, base_f = self.column2_arrays()
        else:
            base_r, base_f = self.rate, self.flag
        rate = np.where(level == 0, base_r[idx] if len(base_r) else 0.0, 0.0)
        flag = np.where(level == 0, base_f[idx] if len(base_f) else 0, 0).astype(np.int8)
        for lv, (div, keys, _rep, r, f, o, of) in enumerate(self.fallback, start=1):
            sel = np.flatnonzero(level == lv)
            if not len(sel):
                continue
            j, _hit = lookup(keys, np.asarray(codes, dtype=np.int64)[sel] // div)
            if column2:
                rate[sel], flag[sel] = o[j], of[j]
            else:
                rate[sel], flag[sel] = r[j], f[j]
        return rate, flag, idx, level

    def column2_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Column 2 rate and flag per line; where no AVE exists the column 1 rate, flag 2."""
        if self.other is None or self.other_flag is None:
            return self.rate, np.full(len(self.rate), 2, dtype=np.int8)
        return self.other, self.other_flag

    def special_rate(self, program: str, hs10: str) -> float | None:
        tab = self.special.get(program)
        if tab is None:
            return None
        codes, ave = tab
        c = hs_int(hs10)
        i = int(np.searchsorted(codes, c))
        if i < len(codes) and codes[i] == c:
            return float(ave[i])
        return None


@dataclass(slots=True)
class Shares:
    """Per-row shares from the data: USMCA share by (hs10, iso3), metal contents by hs10."""

    usmca: dict[str, tuple[np.ndarray, np.ndarray]]  # iso3 -> (sorted int64 HS10, share)
    metal_codes: np.ndarray  # sorted int64 HS10
    steel: np.ndarray
    aluminum: np.ndarray
    copper: np.ndarray
    metal: np.ndarray
    # Fallbacks for HTS10 lines the content table lacks (it is keyed by older statistical
    # suffixes): the mean over the line's HS8, then HS6 family — (divisor, sorted keys, {col: mean}).
    fallback: tuple[tuple[int, np.ndarray, dict[str, np.ndarray]], ...] = ()

    def usmca_share(self, hs10: str, iso3: str) -> float:
        tab = self.usmca.get(iso3)
        if tab is None:
            return 0.0
        c = hs_int(hs10)
        i = int(np.searchsorted(tab[0], c))
        return float(tab[1][i]) if i < len(tab[0]) and tab[0][i] == c else 0.0

    def metal_values(self, name: str, codes: np.ndarray) -> np.ndarray:
        """Content share ``name`` for int64 HS10 ``codes``: exact line, else the HS8 then HS6
        family mean, else 1 (the whole value, as a line with no data is taxed in full)."""
        codes = np.asarray(codes, dtype=np.int64)
        out = np.ones(len(codes))
        i, found = lookup(self.metal_codes, codes)
        out[found] = self.column(name)[i[found]]
        for div, keys, cols in self.fallback:
            rest = np.flatnonzero(~found)
            if not len(rest):
                break
            j, hit = lookup(keys, codes[rest] // div)
            out[rest[hit]] = cols[name][j[hit]]
            found[rest[hit]] = True
        return out

    def metal_share(self, name: str, hs10: str) -> float:
        return float(self.metal_values(name, np.array([hs_int(hs10)]))[0])

    def non_steel_aluminum(self, codes: np.ndarray) -> np.ndarray:
        """``1 − steel − aluminum`` content, clipped to [0, 1]: the value on which Proclamation
        10947 (90 FR 24199) and the BIS inclusions (90 FR 40326) leave the other duties to apply."""
        return np.clip(
            1.0
            - self.metal_values("steel_content", codes)
            - self.metal_values("aluminum_content", codes),
            0.0,
            1.0,
        )

    def column(self, name: str) -> np.ndarray:
        return {
            "steel_content": self.steel,
            "aluminum_content": self.aluminum,
            "copper_content": self.copper,
            "metal_content": self.metal,
        }[name]


@dataclass
class Rules:
    measures: list[MeasureRule]
    lists: dict[str, ListRule]
    editions: dict[str, Edition]
    shares: Shares
    coverage: tuple[dt.date, dt.date]
    ids: dict[str, int]
    _change_days: list[int] | None = None

    @property
    def authorities(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.measures:
            seen.setdefault(m.authority, None)
        return list(seen)

    def change_days(self) -> list[int]:
        """Every day on which something may change (value starts, suspension bounds, list dates)."""
        if self._change_days is None:
            self._change_days = self._collect_change_days()
        return self._change_days

    def _collect_change_days(self) -> list[int]:
        days: set[int] = set()
        for m in self.measures:
            days.update(int(x) for x in m.starts)
            for s in m.suspensions:
                days.add(s.start)
                if s.end != DAY_MAX:
                    days.add(s.end)
            for name in (*m.products.lists, *m.exclude_products.lists):
                days |= self.lists[name].change_days()
        return sorted(days)


# --- building -----------------------------------------------------------------------------------


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
    lists = tuple(sorted({p.list for p in items if isinstance(p, S.ListRef)}))
    return ProductSet(all_products="*" in items, prefixes=prefixes, lists=lists)


def _day(d: dt.date | None, default: int) -> int:
    return default if d is None else to_day_number(d)


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
            if isinstance(p, S.ProgramSpec):
                codes, share = tuple(p.codes), p.share
            else:
                codes = tuple(p)
                share = next((pshares[c] for c in codes if c in pshares), None)
            from tariffsim.core import countries

            for mem in countries.expand(o):
                programs[mem] = (codes, share)
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
            )
        )
    susp = [
        SuspensionRule(
            start=to_day_number(s.start),
            end=_day(s.end, DAY_MAX),
            start_date=s.start,
            end_date=s.end,
            origins=_expand_origins(s.origins),
            except_origins=_expand_origins(s.except_origins) or frozenset(),
            rule=_origin_rule(s.rate_during, s.reference, None),
            reference=s.reference,
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
        share=m.share,
        values=values,
        suspensions=susp,
        starts=np.array([v.start for v in values], dtype=np.int64),
        share_default=m.share_default,
    )


def _int_col(df: Any, col: str) -> np.ndarray:
    import polars as pl

    return (
        df.get_column(col)
        .cast(pl.Utf8)
        .cast(pl.Int64, strict=False)
        .fill_null(-1)
        .to_numpy()
        .astype(np.int64)
    )


def _str_col(df: Any, col: str) -> np.ndarray:
    return np.asarray(df.get_column(col).cast(str).to_list(), dtype=str)


def list_rule(name: str, d: S.ListDef, source: Any, where: str) -> ListRule:
    """Resolve a list: the source table filtered by ``where`` plus inline items, with dates."""
    import polars as pl

    prefixes: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    default_start = _day(d.start, DAY_MIN)
    default_end = _day(d.end, DAY_MAX)
    if d.source is not None:
        try:
            df = source.product_list(d.source)
        except (DataNotFoundError, InputError, KeyError, ValueError) as exc:
            raise InputError(
                f"lists.{name}.source: {exc}",
                where=where,
                hint=getattr(exc, "hint", None) or "name a table of tariffsim.data.lists",
            ) from None
        for col, want in (d.where or {}).items():
            if col not in df.columns:
                raise InputError(
                    f"lists.{name}.where: table {d.source!r} has no column {col!r} (columns: {', '.join(df.columns)})",
                    where=where,
                )
            vals = [want] if isinstance(want, str) else list(want)
            df = df.filter(pl.col(col).cast(pl.Utf8).is_in(vals))
        pcol = (
            "prefix"
            if "prefix" in df.columns
            else next((c for c in ("hts10", "hts8", "hts_prefix", "hs10") if c in df.columns), None)
        )
        if pcol is None:
            raise InputError(
                f"lists.{name}.source: table {d.source!r} has no prefix column", where=where
            )
        df = df.filter(pl.col(pcol).is_not_null())
        p = [str(x).replace(".", "").strip() for x in df.get_column(pcol).to_list()]
        prefixes += p
        if "start" in df.columns or "effective_date" in df.columns:
            scol = df.get_column("start" if "start" in df.columns else "effective_date")
            starts += [
                default_start if x is None else _day(_as_date(x), default_start)
                for x in scol.to_list()
            ]
        else:
            starts += [default_start] * len(p)
        if "end" in df.columns:
            ends += [
                default_end if x is None else _day(_as_date(x), default_end)
                for x in df.get_column("end").to_list()
            ]
        else:
            ends += [default_end] * len(p)
    for it in d.items or []:
        prefixes.append(it.prefix)
        starts.append(_day(it.start, default_start))
        ends.append(_day(it.end, default_end))
    bad = [x for x in prefixes if not (x.isdigit() and 2 <= len(x) <= 10)]
    if bad:
        raise InputError(
            f"lists.{name}: {len(bad)} items are not HS prefixes, e.g. {bad[0]!r}", where=where
        )
    return ListRule(
        name=name,
        prefixes=np.asarray(prefixes, dtype=str) if prefixes else np.zeros(0, dtype="<U10"),
        start=np.asarray(starts, dtype=np.int64),
        end=np.asarray(ends, dtype=np.int64),
        reference=d.reference,
        except_prefixes=tuple(sorted({e.prefix for e in d.except_ or []})),
    )


def _as_date(x: Any) -> dt.date | None:
    if x is None:
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    s = str(x).strip()
    if not s or s.upper() in {"NA", "NAN", "NONE"}:
        return None
    return dt.date.fromisoformat(s[:10])


_AD_VALOREM_KINDS = {"ad_valorem", "free", "advalorem", "av"}


def _pack_texts(desc: list[Any], gen: list[Any]) -> bytes:
    import zlib

    def clean(x: Any) -> str:
        return "" if x is None else str(x).replace("\t", " ").replace("\n", " ")

    return zlib.compress(
        "\n".join(f"{clean(d)}\t{clean(g)}" for d, g in zip(desc, gen, strict=True)).encode(
            "utf-8"
        ),
        6,
    )


def edition_rule(name: str, source: Any, programs: set[str] | None = None) -> Edition:
    import polars as pl

    try:
        df = source.mfn_table(name)
    except DataNotFoundError:
        raise
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise DataNotFoundError(f"HTS edition {name!r}: {exc}") from None
    cols = df.columns
    rate_col = "ave" if "ave" in cols else "ad_valorem"
    df = (
        df.filter(pl.col("hts10").cast(pl.Utf8).str.contains(r"^\d{10}$"))
        .unique("hts10", keep="first")
        .sort("hts10")
    )
    rate = df.get_column(rate_col).cast(pl.Float64)
    flag = np.zeros(df.height, dtype=np.int8)
    if "kind" in cols:
        kind = np.asarray(df.get_column("kind").cast(pl.Utf8).fill_null("").to_list(), dtype=object)
        flag[~np.isin(kind, list(_AD_VALOREM_KINDS))] = 1
    rate_np = rate.to_numpy().astype(np.float64)
    flag[np.isnan(rate_np)] = 2
    rate_np = np.nan_to_num(rate_np, nan=0.0)
    dcol = "description_full" if "description_full" in cols else "description"
    desc = df.get_column(dcol).to_list() if dcol in cols else [""] * df.height
    gen = df.get_column("general_text").to_list() if "general_text" in cols else [""] * df.height
    special: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    sp = source.special_rates(name)
    if sp is not None and sp.height:
        sp = sp.filter(pl.col("ave").is_not_null())
        if programs is not None:
            sp = sp.filter(pl.col("program").is_in(sorted(programs)))
        for (prog,), g in sp.group_by(["program"]):
            g = g.sort("hts10").unique("hts10", keep="first", maintain_order=True)
            special[str(prog)] = (
                _int_col(g, "hts10"),
                g.get_column("ave").cast(pl.Float64).to_numpy(),
            )
    codes = _int_col(df, "hts10")
    if "other_ave" in cols:
        other = df.get_column("other_ave").cast(pl.Float64).to_numpy().astype(np.float64)
        ometh = np.asarray(
            df.get_column("other_method").cast(pl.Utf8).fill_null("").to_list(), dtype=object
        )
        other_flag = np.where(ometh == "exact", 0, 1).astype(np.int8)
        none = np.isnan(other)
        other_flag[none] = 2
        other = np.where(none, rate_np, other)
    else:  # an older bundle without column 2: column 1, flagged
        other, other_flag = rate_np.copy(), np.full(len(rate_np), 2, dtype=np.int8)
    return Edition(
        name=name,
        codes=codes,
        rate=rate_np,
        flag=flag,
        texts_z=_pack_texts(desc, gen),
        special=special,
        other=other,
        other_flag=other_flag,
        fallback=_edition_fallback(codes, rate_np, flag, other, other_flag),
    )


def _edition_fallback(
    codes: np.ndarray, rate: np.ndarray, flag: np.ndarray, other: np.ndarray, oflag: np.ndarray
) -> tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]:
    """Per-HTS8 and per-HS6 rates for codes an edition lacks (see :meth:`Edition.locate`).

    HTS8: the legal rate is that of the 8-digit subheading, shared by its statistical lines; where
    their AVEs differ (specific rates converted per line) the mean is taken. HS6: only families
    whose lines all carry the same rate (otherwise the code stays unknown).
    """
    out = []
    for div in (100, 10_000):
        keys, first, inv = np.unique(codes // div, return_index=True, return_inverse=True)
        inv = np.asarray(inv).ravel()
        cnt = np.bincount(inv, minlength=len(keys))
        mean = np.bincount(inv, weights=rate, minlength=len(keys)) / cnt
        omean = np.bincount(inv, weights=other, minlength=len(keys)) / cnt
        fmax = np.zeros(len(keys), dtype=np.int8)
        np.maximum.at(fmax, inv, flag)
        ofmax = np.zeros(len(keys), dtype=np.int8)
        np.maximum.at(ofmax, inv, oflag)
        if div == 10_000:
            lo = np.full(len(keys), np.inf)
            hi = np.full(len(keys), -np.inf)
            np.minimum.at(lo, inv, rate)
            np.maximum.at(hi, inv, rate)
            olo = np.full(len(keys), np.inf)
            ohi = np.full(len(keys), -np.inf)
            np.minimum.at(olo, inv, other)
            np.maximum.at(ohi, inv, other)
            keep = hi - lo == 0.0
            ofmax = np.where(ohi - olo == 0.0, ofmax, 2).astype(np.int8)
            omean = np.where(ohi - olo == 0.0, omean, mean)
            keys, first, mean, fmax, omean, ofmax = (
                a[keep] for a in (keys, first, mean, fmax, omean, ofmax)
            )
        out.append((div, keys, first.astype(np.int64), mean, fmax, omean, ofmax))
    return tuple(out)


def shares_rule(source: Any) -> Shares:
    import polars as pl

    u = source.usmca_shares()
    if "iso3" not in u.columns and "cty_code" in u.columns:
        from tariffsim.core.countries import census_to_iso3

        u = u.with_columns(census_to_iso3(u.get_column("cty_code")).alias("iso3"))
    hcol = "hs10" if "hs10" in u.columns else "hts10"
    u = u.filter(
        pl.col("iso3").is_not_null() & pl.col(hcol).cast(pl.Utf8).str.contains(r"^\d{10}$")
    )
    usmca: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for (iso,), g in u.group_by(["iso3"]):
        g = g.unique(hcol, keep="first").sort(hcol)
        usmca[str(iso)] = (
            _int_col(g, hcol),
            g.get_column("usmca_share").cast(pl.Float64).fill_null(0.0).to_numpy(),
        )
    mt = source.metal_content_shares()
    mcol = "hs10" if "hs10" in mt.columns else "hts10"
    mt = (
        mt.filter(pl.col(mcol).cast(pl.Utf8).str.contains(r"^\d{10}$"))
        .unique(mcol, keep="first")
        .sort(mcol)
    )

    def col(name: str) -> np.ndarray:
        # The BEA table gives input cost shares, a few of which exceed 1 (e.g. 1.08 for some steel
        # lines); a share of value cannot, so clip to [0, 1].
        if name in mt.columns:
            return np.clip(mt.get_column(name).cast(pl.Float64).fill_null(1.0).to_numpy(), 0, 1)
        return np.ones(mt.height)

    metal = (
        col("metal_share")
        if "metal_share" in mt.columns
        else np.clip(col("steel_share") + col("aluminum_share") + col("copper_share"), 0, 1)
    )
    codes = _int_col(mt, mcol)
    columns = {
        "steel_content": col("steel_share"),
        "aluminum_content": col("aluminum_share"),
        "copper_content": col("copper_share"),
        "metal_content": metal,
    }
    fallback = []
    for div in (100, 10_000):  # HS8, then HS6 family means
        keys, inv = np.unique(codes // div, return_inverse=True)
        count = np.bincount(inv, minlength=len(keys))
        means = {
            k: np.bincount(inv, weights=v, minlength=len(keys)) / count for k, v in columns.items()
        }
        fallback.append((div, keys, means))
    return Shares(
        usmca=usmca,
        metal_codes=codes,
        steel=columns["steel_content"],
        aluminum=columns["aluminum_content"],
        copper=columns["copper_content"],
        metal=metal,
        fallback=tuple(fallback),
    )


def build_rules(spec: Any, source: Any, *, reuse: Rules | None = None) -> Rules:
    """Resolve a validated library against the data (see module docstring).

    ``reuse``: rules of the same library whose lists, editions and shares can be shared (reforms
    change measures, never lists or data).
    """
    resolved = spec.resolved()
    ids = {r.measure.id: i for i, r in enumerate(resolved)}
    measures = [measure_rule(r, i, ids) for i, r in enumerate(resolved)]
    used_lists = {n for m in measures for n in (*m.products.lists, *m.exclude_products.lists)}
    old_lists = reuse.lists if reuse is not None else {}
    lists = {
        n: old_lists[n]
        if n in old_lists
        else list_rule(n, spec.lists[n], source, spec.files.get("list:" + n, "lists.yaml"))
        for n in sorted(used_lists)
    }
    editions: dict[str, Edition] = {}
    programs: dict[str, set[str]] = {}
    for m in measures:
        for v in m.values:
            if v.edition:
                programs.setdefault(v.edition, set()).update(
                    c for codes, _ in v.programs.values() for c in codes
                )
    for ed, progs in programs.items():
        old = reuse.editions.get(ed) if reuse is not None else None
        if old is not None and progs <= set(old.special):
            editions[ed] = old
        else:
            editions[ed] = edition_rule(ed, source, progs)
    return Rules(
        measures=measures,
        lists=lists,
        editions=editions,
        shares=reuse.shares if reuse is not None else shares_rule(source),
        coverage=spec.coverage,
        ids=ids,
    )
