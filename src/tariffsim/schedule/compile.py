"""Vectorised rating: arrays of rows × a date range → piecewise-constant segments.

For rows ``(hs10_r, origin_r)`` and a period ``[start, end)``, the breaks are ``start`` plus every
day in the period on which a rule may change (value starts, suspension bounds, list membership
dates). On each segment ``[breaks[i], breaks[i+1])`` every rate is constant, so the daily series is
``total[segment_index(days)]``.

Each measure's part on a segment depends only on its *state* there — the value in force, the
suspensions in force, the list items in force — and on the parts of the measures it refers to
(``excluded_by``, ``floor_base``). Parts are computed once per distinct (measure, state, referred
parts) and reused across segments. Product matching works on the distinct HS10 codes: a code
matches an ``L``-digit prefix when ``code // 10**(10-L)`` equals it (numpy ``isin`` per prefix
length); origin rules work on the distinct origins and are gathered to rows by index. No loop runs
over rows or days; loops run over segments × measures (tens × tens) and distinct states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.dates import from_day_number, parse_date, to_day_number
from tariffsim.core.errors import InputError
from tariffsim.schedule.products import ProductMasks
from tariffsim.schedule.rules import DAY_MAX, DECLARED_PREFIX, MeasureRule, Rules, lookup

_EPOCH = np.datetime64("1970-01-01", "D")


class _Part:
    """One measure's part on all rows: dense array or sparse (rows, values); all-zero is None."""

    __slots__ = ("dense", "rows", "vals")

    def __init__(self, arr: np.ndarray) -> None:
        nz = np.flatnonzero(arr)
        if len(nz) * 4 < len(arr):
            self.dense = None
            self.rows = nz
            self.vals = arr[nz]
        else:
            self.dense = arr
            self.rows = None
            self.vals = None

    def add_to(self, out: np.ndarray) -> None:
        if self.dense is not None:
            out += self.dense
        else:
            out[self.rows] += self.vals

    def dot(self, w: np.ndarray) -> float:
        """Σ_r part_r · w_r."""
        if self.dense is not None:
            return float(self.dense @ w)
        return float(self.vals @ w[self.rows])

    def to_dense(self, n: int) -> np.ndarray:
        if self.dense is not None:
            return self.dense
        a = np.zeros(n)
        a[self.rows] = self.vals
        return a


@dataclass
class Compiled:
    """Rates of ``n`` rows on ``k`` segments.

    ``breaks`` (k,) ``datetime64[D]`` segment starts; segment i is ``[breaks[i], breaks[i+1])``, the
    last ends at ``end`` (exclusive). ``total`` (k, n). ``by_authority`` {authority: (k, n)} and
    ``part(id)`` / ``parts`` {measure id: (k, n)} are built on first use from the distinct parts.
    ``missing_mfn``: rows whose HS10 is absent from an MFN edition in force and whose HTS8 and
    HS6 family give no rate either (their MFN part is 0); lines missing from the edition whose
    HTS8 is there take its rate.
    """

    breaks: np.ndarray
    end: np.datetime64
    total: np.ndarray
    measure_ids: list[str]
    measure_authorities: list[str]
    part_ids: np.ndarray  # (M, k) index into _store, -1 = all zero
    _store: list[_Part]
    n: int
    dtype: Any
    missing_mfn: int = 0
    _by_auth: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def k(self) -> int:
        return len(self.breaks)

    @property
    def by_authority(self) -> dict[str, np.ndarray]:
        if self._by_auth is None:
            out: dict[str, np.ndarray] = {}
            for a in dict.fromkeys(self.measure_authorities):
                rows = [i for i, x in enumerate(self.measure_authorities) if x == a]
                out[a] = self._sum(rows)
            self._by_auth = out
        return self._by_auth

    @property
    def authorities(self) -> tuple[str, ...]:
        """The authorities, in the order of :attr:`by_authority` (without building it)."""
        return tuple(dict.fromkeys(self.measure_authorities))

    def authority_dot(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """{authority: (k,) Σ_r A_a[s, r] · w_r} — the weighted sums of :attr:`by_authority`
        without its dense (k, n) arrays: each distinct stored part is dotted with ``weights`` once
        and the parts of an authority's measures are added per segment."""
        w = np.asarray(weights, dtype=np.float64)
        dots = np.array([p.dot(w) for p in self._store] + [0.0])  # index -1 = all zero
        out: dict[str, np.ndarray] = {}
        for a in self.authorities:
            rows = [i for i, x in enumerate(self.measure_authorities) if x == a]
            out[a] = dots[self.part_ids[rows]].sum(axis=0)
        return out

    def authority_group_dot(
        self, weights: np.ndarray, groups: np.ndarray, n_groups: int
    ) -> dict[str, np.ndarray]:
        """{authority: (k, g) Σ_{r in group j} A_a[s, r] · w_r} for rows labelled ``groups``
        (integers 0 … n_groups − 1): each distinct stored part is summed by group once (a
        ``bincount`` over its non-zero rows), then the parts of an authority's measures are added per
        segment — no dense (k, n) array."""
        w = np.asarray(weights, dtype=np.float64)
        inv = np.asarray(groups, dtype=np.int64)
        sums = np.zeros((len(self._store) + 1, n_groups))  # last row: the all-zero part (-1)
        for i, p in enumerate(self._store):
            if p.dense is not None:
                sums[i] = np.bincount(inv, weights=p.dense * w, minlength=n_groups)
            else:
                sums[i] = np.bincount(inv[p.rows], weights=p.vals * w[p.rows], minlength=n_groups)
        out: dict[str, np.ndarray] = {}
        for a in self.authorities:
            rows = [i for i, x in enumerate(self.measure_authorities) if x == a]
            out[a] = sums[self.part_ids[rows]].sum(axis=0)
        return out

    def _sum(self, measure_rows: list[int]) -> np.ndarray:
        arr = np.zeros((self.k, self.n), dtype=self.dtype)
        memo: dict[tuple[int, ...], int] = {}
        buf = np.zeros(self.n)
        for i in range(self.k):
            key = tuple(int(self.part_ids[m, i]) for m in measure_rows)
            if key in memo:
                arr[i] = arr[memo[key]]
                continue
            memo[key] = i
            buf[:] = 0.0
            for pid in key:
                if pid >= 0:
                    self._store[pid].add_to(buf)
            arr[i] = buf
        return arr

    def part(self, measure_id: str) -> np.ndarray:
        """(k, n) part of one measure."""
        if measure_id not in self.measure_ids:
            raise InputError(
                f"unknown measure {measure_id!r}", hint=f"known: {', '.join(self.measure_ids)}"
            )
        return self._sum([self.measure_ids.index(measure_id)])

    @property
    def parts(self) -> dict[str, np.ndarray]:
        return {mid: self.part(mid) for mid in self.measure_ids}

    def segment_index(self, dates: Any) -> np.ndarray:
        """Segment of each date (``datetime64[D]``, ``date`` or ISO strings); dates must be in range."""
        d = np.asarray(dates)
        if d.dtype.kind != "M":
            d = np.array(
                [parse_date(x) for x in np.atleast_1d(d).ravel()], dtype="datetime64[D]"
            ).reshape(d.shape)
        d = d.astype("datetime64[D]")
        if d.size and (d.min() < self.breaks[0] or d.max() >= self.end):
            raise InputError(
                f"dates must lie in [{self.breaks[0]}, {self.end}) (the compiled period)",
                hint="compile the schedule over a period that contains them",
            )
        return np.searchsorted(self.breaks, d, side="right") - 1

    def at(self, date: Any) -> np.ndarray:
        """(n,) total rates on one day."""
        return self.total[
            int(self.segment_index(np.array([parse_date(date)], dtype="datetime64[D]"))[0])
        ]

    def daily(self) -> tuple[np.ndarray, np.ndarray]:
        """(days (d,), totals (d, n)) for every day of the period — a view built by indexing."""
        days = np.arange(self.breaks[0], self.end, dtype="datetime64[D]")
        return days, self.total[self.segment_index(days)]


# --- shares -----------------------------------------------------------------------------------


class _RowShares:
    def __init__(
        self,
        rules: Rules,
        Hint: np.ndarray,
        hinv: np.ndarray,
        uo: np.ndarray,
        oinv: np.ndarray,
        given: dict[str, Any] | None,
        n: int,
    ) -> None:
        self.rules, self.Hint, self.hinv, self.uo, self.oinv, self.n = (
            rules,
            Hint,
            hinv,
            uo,
            oinv,
            n,
        )
        self.given = {
            k: np.broadcast_to(np.asarray(v, dtype=np.float64), (n,))
            for k, v in (given or {}).items()
        }
        self._memo: dict[str, np.ndarray] = {}

    def get(self, name: str, default: float | None = None) -> np.ndarray:
        if name.startswith(DECLARED_PREFIX):  # declared per entry, else the measure's default
            key = name[len(DECLARED_PREFIX) :]
            if key in self.given:
                return self.given[key]
            return np.full(self.n, float(default or 0.0))
        if name in self.given:
            return self.given[name]
        if name in self._memo:
            return self._memo[name]
        sh = self.rules.shares
        if name == "usmca":
            out = np.zeros(self.n)
            for j, o in enumerate(self.uo.tolist()):
                tab = sh.usmca.get(o)
                if tab is None:
                    continue
                rows = np.flatnonzero(self.oinv == j)
                i, hit = lookup(tab[0], self.Hint[self.hinv[rows]])
                out[rows[hit]] = tab[1][i[hit]]
        elif name == "non_usmca":
            out = 1.0 - self.get("usmca")
        elif name == "non_metal_content":
            out = 1.0 - self.get("metal_content")
        elif name == "non_steel_aluminum_content":
            out = np.clip(1.0 - self.get("steel_content") - self.get("aluminum_content"), 0.0, 1.0)
        else:
            out = sh.metal_values(name, self.Hint)[self.hinv]
        self._memo[name] = out
        return out


# --- compile ----------------------------------------------------------------------------------


def _hs_codes(hs10: np.ndarray) -> np.ndarray:
    """HS10 strings → int64 codes; InputError naming the first bad row if any is not 10 digits.

    For ``<U10`` arrays the digits are checked and combined on the raw UCS-4 code points (no
    per-row Python work).
    """
    if hs10.dtype == np.dtype("<U10"):
        chars = np.frombuffer(hs10.tobytes(), dtype=np.uint32).reshape(-1, 10).astype(np.int64) - 48
        ok = ((chars >= 0) & (chars <= 9)).all(axis=1)
        if ok.all():
            return chars @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
    else:
        ok = (
            (np.char.str_len(hs10) == 10) & np.char.isdigit(hs10)
            if len(hs10)
            else np.ones(0, dtype=bool)
        )
        if ok.all():
            return _hs_codes(hs10.astype("<U10")) if len(hs10) else np.zeros(0, dtype=np.int64)
    bad = np.flatnonzero(~ok)
    raise InputError(
        f"hs10: {len(bad)} rows are not 10-digit HS codes, e.g. row {bad[0]}: {hs10[bad[0]]!r}",
        hint="pass HS10 codes as 10-digit strings with leading zeros",
    )


def _factorize_origins(origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct origins, inverse) — via int64 keys for 3-letter codes (much faster than string sort)."""
    if origin.dtype == np.dtype("<U3") and len(origin):
        chars = np.frombuffer(origin.tobytes(), dtype=np.uint32).reshape(-1, 3).astype(np.int64)
        key = (chars[:, 0] << 42) | (chars[:, 1] << 21) | chars[:, 2]
        _uk, first, inv = np.unique(key, return_index=True, return_inverse=True)
        return origin[first], inv.ravel()
    uo, inv = np.unique(origin, return_inverse=True)
    return uo, inv.ravel()


def compile_rows(
    schedule: Any,
    hs10: Any,
    origin: Any,
    start: Any,
    end: Any | None = None,
    *,
    shares: dict[str, Any] | None = None,
    parts: bool = False,
    dtype: Any = None,
) -> Compiled:
    """See the module docstring and :class:`Compiled`. ``origin`` holds ISO3 codes (not groups)."""
    rules: Rules = schedule.rules
    dtype = np.dtype(dtype or np.float64)
    hs10 = np.asarray(hs10).astype(str)
    origin = np.asarray(origin).astype(str)
    if hs10.shape != origin.shape or hs10.ndim != 1:
        raise InputError(
            f"hs10 and origin must be 1-d arrays of equal length (got {hs10.shape} and {origin.shape})"
        )
    codes = _hs_codes(hs10)
    d1 = schedule.check_date(start, field="start")
    d2 = parse_date(end, field="end") if end is not None else d1 + dt.timedelta(days=1)
    if d2 <= d1:
        raise InputError(f"end {d2} must be after start {d1}", hint="the period is [start, end)")
    schedule.check_date(d2 - dt.timedelta(days=1), field="end")
    a, b = to_day_number(d1), to_day_number(d2)
    days = [a, *[x for x in rules.change_days() if a < x < b]]
    k, n = len(days), len(hs10)

    Hint, hinv = np.unique(codes, return_inverse=True)
    hinv = hinv.ravel()
    uo, oinv = _factorize_origins(origin)
    prods = ProductMasks(Hint, rules)
    rshares = _RowShares(rules, prods.Hint, hinv, uo, oinv, shares, n)
    o_list = uo.tolist()
    # rows grouped by origin, for per-origin MFN programs
    order = np.argsort(oinv, kind="stable")
    bounds = np.searchsorted(oinv[order], np.arange(len(uo) + 1))

    M = len(rules.measures)
    store: list[_Part] = []
    memo: dict[Any, tuple[int, int]] = {}
    part_ids = np.full((M, k), -1, dtype=np.int32)
    # Where each measure *applies* (in scope, a rate in force for the origin, not itself excluded),
    # whatever its amount: "does not stack with" is about being subject to a measure, so an all-in
    # floor that adds 0 (MFN already above it) still excludes the measures that name it.
    applies_store: list[np.ndarray] = []
    applies_ids = np.full((M, k), -1, dtype=np.int32)
    missing = np.zeros(n, dtype=bool)
    origin_scope = [
        np.array([m.covers_origin(o) for o in o_list], dtype=bool) for m in rules.measures
    ]
    mfn_memo: dict[tuple[str, int], np.ndarray] = {}

    def dense(pid: int) -> np.ndarray:
        return np.zeros(n) if pid < 0 else store[pid].to_dense(n)

    def mfn_rows(m: MeasureRule, vi: int) -> np.ndarray:
        key = (m.id, vi)
        if key in mfn_memo:
            return mfn_memo[key]
        v = m.values[vi]
        ed = rules.editions[v.edition]  # type: ignore[index]
        # codes the edition lacks take the rate of their HTS8 (or unique HS6 family rate)
        mfn_h, _flag, rep, level = ed.rates_for(prods.Hint)
        missing[level[hinv] < 0] = True
        qcodes = np.where(level > 0, ed.codes[rep] if len(ed.codes) else 0, prods.Hint)
        rows = mfn_h[hinv]
        if v.column2:
            col2_h = ed.rates_for(prods.Hint, column2=True)[0]
        for j, o in enumerate(o_list):
            r = order[bounds[j] : bounds[j + 1]]
            if o in v.column2:
                rows[r] = col2_h[hinv[r]]
                continue
            prog = v.programs.get(o)
            if prog is None:
                continue
            codes, share_name = prog
            best = np.full(len(Hint), np.inf)
            for c in codes:
                tab = ed.special.get(c)
                if tab is None or not len(tab[0]):
                    continue
                ci, hit = lookup(tab[0], qcodes)
                best = np.where(hit, np.minimum(best, tab[1][ci]), best)
            use = best < mfn_h
            if not use.any() or not len(r):
                continue
            pref = np.where(use, best, mfn_h)[hinv[r]]
            if share_name:
                s = rshares.get(share_name)[r]
                rows[r] = s * pref + (1.0 - s) * rows[r]
            else:
                rows[r] = pref
        mfn_memo[key] = rows
        return rows

    def origin_arrays(
        m: MeasureRule, vi: int, susp: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[int]]]:
        """Per distinct origin: additive rate, floor (nan = none), kind (0 none, 1 add, 2 floor),
        and {share name: origins whose rule multiplies by it}."""
        v = m.values[vi]
        add = np.zeros(len(uo))
        flo = np.full(len(uo), np.nan)
        kind = np.zeros(len(uo), dtype=np.int8)
        oshare: dict[str, list[int]] = {}
        active = [m.suspensions[s] for s in susp]
        for j, o in enumerate(o_list):
            r = v.rule_for(o)
            if r is None:
                continue
            for s in reversed(active):
                if s.covers(o):
                    r = s.rule
                    break
            if r is None:
                continue
            if r.floor is not None:
                flo[j], kind[j] = r.floor, 2
            else:
                add[j], kind[j] = float(r.add or 0.0), 1
            if r.share:
                oshare.setdefault(r.share, []).append(j)
        return add, flo, kind, oshare

    def compute(
        m: MeasureRule,
        vi: int,
        susp: tuple[int, ...],
        pstate: Any,
        xstate: Any,
        deps: dict[int, int],
        xdeps: dict[int, int],
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        pm = prods.mask(m.products, pstate)
        if (
            m.exclude_products.lists
            or m.exclude_products.prefixes
            or m.exclude_products.all_products
        ):
            pm = pm & ~prods.mask(m.exclude_products, xstate)
        if not pm.any():
            return None, None
        om = origin_scope[m.index]
        if m.is_mfn:
            rowmask = pm[hinv] & om[oinv]
            part = np.where(rowmask, mfn_rows(m, vi), 0.0)
        else:
            add, flo, kind, oshare = origin_arrays(m, vi, susp)
            eff = om & (kind > 0)
            if not eff.any():
                return None, None
            rowmask = pm[hinv] & eff[oinv]
            part = np.where(rowmask, add[oinv], 0.0)
            if (kind[eff] == 2).any():
                base = np.zeros(n)
                for j in m.floor_base:
                    if deps[j] >= 0:
                        store[deps[j]].add_to(base)
                fl = flo[oinv]
                is_floor = rowmask & (kind[oinv] == 2)
                part = np.where(is_floor, np.maximum(fl - base, 0.0), part)
            for sname, js in oshare.items():  # per-origin shares
                sel = np.isin(oinv, js)
                part = np.where(sel, part * rshares.get(sname), part)
        applies = rowmask.copy()
        if m.share:
            sh = rshares.get(m.share, m.share_default)
            part = part * sh
            if m.share.startswith(DECLARED_PREFIX):  # declared 0: not subject to the measure
                applies &= sh != 0.0
        excl = m.excluded_by_on(vi)
        if excl:
            blocked = np.zeros(n, dtype=bool)
            for j in excl:
                aid = xdeps[j]
                if aid >= 0:
                    blocked |= applies_store[aid]
            part[blocked] = 0.0
            applies &= ~blocked
        return part, applies

    for i, day in enumerate(days):
        for m in rules.measures:
            vi = m.value_index(day)
            if vi < 0 or m.values[vi].stop:
                continue
            susp = tuple(si for si, s in enumerate(m.suspensions) if s.start <= day < s.end)
            pstate = prods.state(m.products, day)
            xstate = prods.state(m.exclude_products, day)
            deps = {j: int(part_ids[j, i]) for j in m.floor_base}
            xdeps = {j: int(applies_ids[j, i]) for j in m.excluded_by_on(vi)}
            key = (
                m.index,
                vi,
                susp,
                pstate,
                xstate,
                tuple(sorted(deps.items())),
                tuple(sorted(xdeps.items())),
            )
            ids = memo.get(key)
            if ids is None:
                arr, app = compute(m, vi, susp, pstate, xstate, deps, xdeps)
                pid = aid = -1
                if arr is not None and arr.any():
                    store.append(_Part(arr))
                    pid = len(store) - 1
                if app is not None and app.any():
                    applies_store.append(app)
                    aid = len(applies_store) - 1
                ids = memo[key] = (pid, aid)
            part_ids[m.index, i], applies_ids[m.index, i] = ids

    # totals: each distinct combination of parts summed once
    total = np.zeros((k, n), dtype=dtype)
    buf = np.zeros(n)
    seen: dict[tuple[int, ...], int] = {}
    for i in range(k):
        key = tuple(part_ids[:, i].tolist())
        if key in seen:
            total[i] = total[seen[key]]
            continue
        seen[key] = i
        buf[:] = 0.0
        for pid in key:
            if pid >= 0:
                store[pid].add_to(buf)
        total[i] = buf

    c = Compiled(
        breaks=np.array(days, dtype=np.int64).astype("datetime64[D]"),
        end=np.datetime64(from_day_number(b), "D"),
        total=total,
        measure_ids=[m.id for m in rules.measures],
        measure_authorities=[m.authority for m in rules.measures],
        part_ids=part_ids,
        _store=store,
        n=n,
        dtype=dtype,
        missing_mfn=int(missing.sum()),
    )
    if parts:
        c.by_authority  # noqa: B018 - build now
    return c


__all__ = ["DAY_MAX", "Compiled", "compile_rows"]
