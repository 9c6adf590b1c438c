"""Vectorised rating: arrays of rows × a date range → piecewise-constant segments.

For rows ``(hs10_r, origin_r)`` and a period ``[start, end)``, the breaks are ``start`` plus every
day in the period on which a rule may change (value starts, suspension bounds, list membership
dates). On each segment ``[breaks[i], breaks[i+1])`` every rate is constant, so the daily series is
``total[segment_index(days)]``.

Each measure's part on a segment depends only on its *state* there — the value in force, the
suspensions in force, the list items in force (and, for rows loaded before an in-transit date, the
state of the day before the value started) — and on the parts of the measures it refers to
(``excluded_by``, ``floor_base``). Parts are computed once per distinct (measure, state, referred
parts) and reused across segments. Product matching works on the distinct HS10 codes: a code
matches an ``L``-digit prefix when ``code // 10**(10-L)`` equals it (numpy ``isin`` per prefix
length); origin rules work on the distinct origins and are gathered to rows by index. A measure is computed
on the rows of its scope (codes × origins with a rule in force) only — found from the rows of its
codes when they are under a quarter of the rows, else from the rows of its origins when they are
under half, else from one pass over the rows when the scope holds under a quarter — with the same
element-wise operations in the same order as on whole arrays, so the same numbers. Its part before
exclusions is kept while only the measures that exclude it change (then only the excluded rows are
zeroed), and the rows excluded by a set of measures are found once per set. No loop runs over rows or days; loops run over
segments × measures (tens × tens) and distinct states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.dates import from_day_number, parse_date, to_day_number
from tariffsim.core.errors import InputError
from tariffsim.schedule import claims as C
from tariffsim.schedule.products import ProductMasks
from tariffsim.schedule.rules import (
    DAY_MAX,
    DECLARED_PREFIX,
    MeasureRule,
    OriginRule,
    Rules,
    lookup,
)

_EPOCH = np.datetime64("1970-01-01", "D")
_NO_ROWS = np.zeros(0, dtype=bool)


class _Part:
    """One measure's part on all rows: dense array or sparse (rows, values); all-zero is None."""

    __slots__ = ("dense", "rows", "vals")

    dense: np.ndarray | None
    rows: np.ndarray | None
    vals: np.ndarray | None

    def __init__(self, arr: np.ndarray) -> None:
        nzm = arr != 0.0  # as np.nonzero counts (NaN in, -0.0 out); counted before any index
        if np.count_nonzero(nzm) * 4 < len(arr):
            nz = np.flatnonzero(nzm)
            self.dense = None
            self.rows = nz
            self.vals = arr[nz]
        else:
            self.dense = arr
            self.rows = None
            self.vals = None

    @classmethod
    def sparse(cls, rows: np.ndarray, vals: np.ndarray) -> _Part:
        """A part given by its non-zero rows (sorted) and values."""
        p = cls.__new__(cls)
        p.dense, p.rows, p.vals = None, rows, vals
        return p

    def add_to(self, out: np.ndarray) -> None:
        if self.dense is not None:
            out += self.dense
        else:
            out[self.rows] += self.vals

    def dot(self, w: np.ndarray) -> float:
        """Σ_r part_r · w_r."""
        if self.dense is not None:
            return float(self.dense @ w)
        assert self.rows is not None and self.vals is not None
        return float(self.vals @ w[self.rows])

    def gather(self, rows: np.ndarray) -> np.ndarray:
        """The part's values at the sorted ``rows`` (0 where it has none)."""
        if self.dense is not None:
            got: np.ndarray = self.dense[rows]
            return got
        assert self.rows is not None and self.vals is not None
        out = np.zeros(len(rows))
        if not len(self.rows):
            return out
        pos = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
        hit = self.rows[pos] == rows
        out[hit] = self.vals[pos[hit]]
        return out

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
    HTS8 is there take its rate. ``basis`` is ``"flows"`` (data shares) or ``"entry"`` (claims and
    declared shares per row); ``flags`` name the assumptions made (data shares used, the whole value
    taken as metal content, a period past the library's end rated as unchanged).
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
    basis: str = "flows"
    assumed_unchanged_from: dt.date | None = None  # first day rated with the last day's law
    flags: tuple[str, ...] = ()  # assumptions behind the numbers (say them in every output)

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

    def authority_at(self, segment: int) -> dict[str, np.ndarray]:
        """{authority: (n,) rates on one segment} — the row ``segment`` of each
        :attr:`by_authority` array (same sums in the same order, so the same numbers) without
        building the (k, n) arrays of every segment."""
        if self._by_auth is not None:
            return {a: arr[segment] for a, arr in self._by_auth.items()}
        out: dict[str, np.ndarray] = {}
        buf = np.zeros(self.n)
        for a in self.authorities:
            buf[:] = 0.0
            for m, x in enumerate(self.measure_authorities):
                pid = int(self.part_ids[m, segment])
                if x == a and pid >= 0:
                    self._store[pid].add_to(buf)
            out[a] = buf.astype(self.dtype)
        return out

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
                assert p.rows is not None and p.vals is not None
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
        idx: np.ndarray = np.searchsorted(self.breaks, d, side="right") - 1
        return idx

    def at(self, date: Any) -> np.ndarray:
        """(n,) total rates on one day."""
        i = int(self.segment_index(np.array([parse_date(date)], dtype="datetime64[D]"))[0])
        row: np.ndarray = self.total[i]
        return row

    def daily(self) -> tuple[np.ndarray, np.ndarray]:
        """(days (d,), totals (d, n)) for every day of the period — a view built by indexing."""
        days = np.arange(self.breaks[0], self.end, dtype="datetime64[D]")
        return days, self.total[self.segment_index(days)]


# --- shares -----------------------------------------------------------------------------------

_METALS = ("steel_content", "aluminum_content", "copper_content", "metal_content")


def _claims_array(claims: Any, n: int) -> np.ndarray:
    """Per-row program keys (``""`` = no claim) from None, one claim, or one per row."""
    if claims is None:
        return np.full(n, "", dtype=object)
    if isinstance(claims, str):
        key = C.normalize_claim(claims)
        return np.full(n, key or "", dtype=object)
    arr = np.asarray(claims, dtype=object)
    if arr.shape != (n,):
        raise InputError(f"claims: expected {n} values (one per row), got shape {arr.shape}")
    out = np.empty(n, dtype=object)
    for raw in {x if isinstance(x, str) or x is None else str(x) for x in arr.tolist()}:
        key = C.normalize_claim(raw) or ""
        out[np.array([(x if isinstance(x, str) or x is None else str(x)) == raw for x in arr])] = (
            key
        )
    return out


class _RowShares:
    """Shares per row: given arrays, else by basis (claims and whole-value metal on the entry
    basis; the data's USMCA and metal shares on the flows basis)."""

    def __init__(
        self,
        rules: Rules,
        codes: np.ndarray,
        hinv: np.ndarray,
        uo: np.ndarray,
        oinv: np.ndarray,
        given: Mapping[str, Any] | None,
        n: int,
        claims: np.ndarray,
        basis: str,
    ) -> None:
        self.rules, self.codes, self.hinv, self.uo, self.oinv, self.n = (
            rules,
            codes,
            hinv,
            uo,
            oinv,
            n,
        )
        self.given = {
            k: np.broadcast_to(np.asarray(v, dtype=np.float64), (n,))
            for k, v in (given or {}).items()
        }
        self.claims = claims
        self.basis = basis
        self.used: set[str] = set()  # data or default shares the rows were rated with
        self._memo: dict[str, np.ndarray] = {}

    def claimed(self, key: str) -> np.ndarray:
        return np.asarray(self.claims == key, dtype=bool)

    def get(self, name: str, default: float | None = None) -> np.ndarray:
        """The share ``name`` per row; a given array's NaN rows (not declared) take the default."""
        key = name[len(DECLARED_PREFIX) :] if name.startswith(DECLARED_PREFIX) else name
        if key in self.given:
            arr = self.given[key]
            nan = np.isnan(arr)
            if not nan.any():
                return arr
            return np.where(nan, self._default(name, default), arr)
        return self._default(name, default)

    def _default(self, name: str, default: float | None) -> np.ndarray:
        if name.startswith(DECLARED_PREFIX):  # declared per entry, else the measure's default
            return np.full(self.n, float(default or 0.0))
        if name in C.BY_KEY and name != "usmca":  # a program's claimed share
            if self.basis == "entry":
                return self.claimed(name).astype(np.float64)
            return np.full(self.n, float(default or 0.0))
        if name in self._memo:
            return self._memo[name]
        sh = self.rules.shares
        entry = self.basis == "entry"
        if name == "usmca":
            if entry:
                out = self.claimed("usmca").astype(np.float64)
            else:
                out = np.zeros(self.n)
                for j, o in enumerate(self.uo.tolist()):
                    tab = sh.usmca.get(o)
                    if tab is None:
                        continue
                    rows = np.flatnonzero(self.oinv == j)
                    i, hit = lookup(tab[0], self.codes[self.hinv[rows]])
                    out[rows[hit]] = tab[1][i[hit]]
                if out.any():  # flagged only where a row took a data share (not for JPN-only rows)
                    self.used.add("usmca")
        elif name == "non_usmca":
            out = 1.0 - self.get("usmca")
        elif name == "non_metal_content":
            out = 1.0 - self.get("metal_content")
        elif name == "non_steel_aluminum_content":
            out = np.clip(1.0 - self.get("steel_content") - self.get("aluminum_content"), 0.0, 1.0)
        elif name in _METALS:
            if entry:  # articles of the metal: the whole value (flagged); other goods: none
                out = self._articles(name)[self.hinv].astype(np.float64)
                if out.any():
                    self.used.add(name)
            else:
                out = sh.metal_values(name, self.codes)[self.hinv]
                self.used.add(name)
        else:
            raise InputError(f"unknown share {name!r}")
        self._memo[name] = out
        return out

    def _articles(self, name: str) -> np.ndarray:
        """Mask over the distinct codes of the articles of the metal of share ``name``."""
        from tariffsim.schedule.rules import prefixes_by_length

        prefixes, lists = self.rules.metal_articles(name)
        allp = list(prefixes)
        for ln in lists:
            allp += self.rules.lists[ln].prefixes.tolist()
        mask = np.zeros(len(self.codes), dtype=bool)
        for length, vals in prefixes_by_length(allp).items():
            mask |= np.isin(self.codes // (10 ** (10 - length)), vals)
        return mask

    def flags(self) -> tuple[str, ...]:
        out = []
        metals = sorted(x for x in self.used if x in _METALS)
        if self.basis == "flows":
            if "usmca" in self.used:
                out.append(
                    "USMCA: the share of each HS10 × partner value that claimed USMCA in 2024 "
                    "(data), MFN and the non-USMCA duties on the rest"
                )
            if metals:
                out.append(
                    f"metal content ({', '.join(metals)}): BEA input-output cost shares of the "
                    "producing industry (an estimate of the declared metal value)"
                )
        elif metals:
            out.append(
                f"metal content ({', '.join(metals)}) not declared: the whole value is taken as "
                "metal content (declare it per row for goods partly of metal)"
            )
        return tuple(out)


def data_share(rules: Rules, name: str, hs10: Any, origin: Any) -> np.ndarray:
    """The data's share ``name`` (``usmca``, ``non_usmca`` or a metal content) per row."""
    hs = np.asarray(hs10).astype(str)
    org = np.asarray(origin).astype(str)
    codes = hs10_codes(hs)
    uniq, hinv = np.unique(codes, return_inverse=True)
    uo, oinv = _factorize_origins(org)
    rs = _RowShares(
        rules,
        uniq,
        hinv.ravel(),
        uo,
        oinv,
        None,
        len(hs),
        np.full(len(hs), "", dtype=object),
        "flows",
    )
    return np.array(rs.get(name), dtype=np.float64)


# --- compile ----------------------------------------------------------------------------------


def hs10_codes(hs10: np.ndarray) -> np.ndarray:
    """HS10 strings → int64 codes; InputError naming the first bad row if any is not 10 digits.

    For ``<U10`` arrays the digits are checked and combined on the raw UCS-4 code points (no
    per-row Python work, no copy of the strings): when every code point lies in ``'0'..'9'``
    (two reductions over the strings' own memory), the digits are taken as one byte each and
    combined by Horner's rule (c ← 10·c + d_i, i = 1..10) in place. The work arrays are then
    ``n`` bytes per digit and one int64 per row (about 6 MB for the 334,728 flows instead of
    about 40 MB of int64 temporaries): 0.069 s → 0.006 s for the first call of a process.
    """
    if hs10.dtype == np.dtype("<U10"):
        if not len(hs10):
            return np.zeros(0, dtype=np.int64)
        u = np.ascontiguousarray(hs10).view(np.uint32).reshape(-1, 10)
        if int(u.min()) >= 48 and int(u.max()) <= 57:  # every character is an ASCII digit
            d = u.astype(np.uint8)
            d -= np.uint8(48)
            code = np.zeros(len(d), dtype=np.int64)
            for i in range(10):
                code *= 10
                code += d[:, i]
            return code
        ok = ((u >= 48) & (u <= 57)).all(axis=1)
    else:
        ok = (
            (np.char.str_len(hs10) == 10) & np.char.isdigit(hs10)
            if len(hs10)
            else np.ones(0, dtype=bool)
        )
        if ok.all():
            return hs10_codes(hs10.astype("<U10")) if len(hs10) else np.zeros(0, dtype=np.int64)
    bad = np.flatnonzero(~ok)
    raise InputError(
        f"hs10: {len(bad)} rows are not 10-digit HS codes, e.g. row {bad[0]}: {hs10[bad[0]]!r}",
        hint="pass HS10 codes as 10-digit strings with leading zeros",
    )


def _factorize_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct codes ascending, inverse), as ``np.unique(codes, return_inverse=True)``; one pass
    without a sort when the codes are already in order (trade tables usually are sorted by HS)."""
    if len(codes) and bool((codes[1:] >= codes[:-1]).all()):
        new = np.empty(len(codes), dtype=bool)
        new[0] = True
        np.not_equal(codes[1:], codes[:-1], out=new[1:])
        inv: np.ndarray = np.cumsum(new) - 1
        return codes[new], inv
    uniq, inv = np.unique(codes, return_inverse=True)
    return uniq, inv.ravel()


def _factorize_origins(origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct origins ascending, inverse), as ``np.unique(origin, return_inverse=True)``.

    Codes of three letters A–Z (ISO3) are numbered ``q = 676·(c₀−65) + 26·(c₁−65) + (c₂−65)``
    (the same order as the strings): a count over the 26³ numbers gives the distinct codes and a
    cumulative sum their ranks, without a sort. Other arrays: ``np.unique``.
    """
    if origin.dtype == np.dtype("<U3") and len(origin):
        d = np.ascontiguousarray(origin).view(np.uint32).reshape(-1, 3) - np.uint32(65)
        if bool((d < 26).all()):
            q = ((d[:, 0] * 26 + d[:, 1]) * 26 + d[:, 2]).astype(np.intp)
            present = np.bincount(q, minlength=26**3) > 0
            rank = np.cumsum(present) - 1
            uq = np.flatnonzero(present)
            letters = np.stack([uq // 676, uq // 26 % 26, uq % 26], axis=1) + 65
            uo = np.ascontiguousarray(letters.astype(np.uint32)).view("<U3").ravel()
            return uo, rank[q]
    uo, inv = np.unique(origin, return_inverse=True)
    return uo, inv.ravel()


def _stable_order(inv: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(inv, kind="stable")`` for labels ``0 <= inv < k``: the identity when they are
    already in order; a radix sort on 16-bit labels when ``k <= 2**16``."""
    if not len(inv) or bool((inv[1:] >= inv[:-1]).all()):
        return np.arange(len(inv))
    if k <= 2**16:
        return np.argsort(inv.astype(np.uint16), kind="stable")
    return np.argsort(inv, kind="stable")


def _loaded_days(loaded_on: Any, n: int) -> np.ndarray | None:
    """Per-row loading day numbers (``DAY_MAX`` where not declared), or None when none is."""
    if loaded_on is None:
        return None
    arr = np.asarray(loaded_on)
    if arr.dtype.kind != "M":
        arr = np.array(
            [
                np.datetime64("NaT") if x is None or x == "" else np.datetime64(parse_date(x), "D")
                for x in np.atleast_1d(arr).tolist()
            ],
            dtype="datetime64[D]",
        )
    arr = np.broadcast_to(arr.astype("datetime64[D]"), (n,))
    days = arr.astype(np.int64)
    nat = np.isnat(arr)
    if nat.all():
        return None
    return np.where(nat, DAY_MAX, days)


class _Compiler:
    """One compilation: rows, period, terms; measures evaluated per segment (see module doc)."""

    def __init__(
        self,
        rules: Rules,
        codes: np.ndarray,
        origin: np.ndarray,
        shares: Mapping[str, Any] | None,
        claims: np.ndarray,
        basis: str,
        loaded: np.ndarray | None,
    ) -> None:
        self.rules = rules
        self.n = len(codes)
        uniq, self.hinv = _factorize_codes(codes)
        self.uo, self.oinv = _factorize_origins(origin)
        self.o_list: list[str] = self.uo.tolist()
        self.prods = ProductMasks(uniq, rules)
        self.claims = claims
        self.basis = basis
        self.rshares = _RowShares(
            rules, uniq, self.hinv, self.uo, self.oinv, shares, self.n, claims, basis
        )
        self.loaded = loaded
        # rows grouped by HS code: the rows of a set of codes without a pass over every row
        self.code_order = _stable_order(self.hinv, len(uniq))
        self.code_bounds = np.searchsorted(self.hinv[self.code_order], np.arange(len(uniq) + 1))
        # rows grouped by origin, for per-origin MFN programs
        self.order = _stable_order(self.oinv, len(self.uo))
        self.bounds = np.searchsorted(self.oinv[self.order], np.arange(len(self.uo) + 1))
        self.store: list[_Part] = []
        # where each distinct evaluation applies: a mask over the rows, or (evaluated on few
        # rows) the sorted rows where it applies
        self.applies_store: list[np.ndarray] = []
        self.missing = np.zeros(self.n, dtype=bool)
        self.o_index = {o: j for j, o in enumerate(self.o_list)}
        self.omask_memo: dict[tuple[frozenset[str] | None, frozenset[str]], np.ndarray] = {}
        self.rule_memo: dict[tuple[int, int], tuple[np.ndarray, list[OriginRule | None]]] = {}
        self.origin_scope = [
            self._origins_mask(m.origins, m.exclude_origins) for m in rules.measures
        ]
        self.mfn_memo: dict[tuple[str, int], np.ndarray] = {}
        # per measure: (key, result) of its last :meth:`scoped` call
        self.scoped_memo: dict[
            int, tuple[Any, tuple[np.ndarray | None, np.ndarray, np.ndarray] | None]
        ] = {}
        self.blocked_memo: dict[tuple[int, ...], np.ndarray] = {}
        self.origin_rows_memo: dict[bytes, np.ndarray | None] = {}
        self.origin_memo: dict[
            tuple[int, int, tuple[int, ...]],
            tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[int]]],
        ] = {}

    # --- MFN ---------------------------------------------------------------------------------
    def _program_weight(
        self, r: np.ndarray, codes: tuple[str, ...], share_name: str | None
    ) -> tuple[np.ndarray | None, bool]:
        """(weight per row of ``r``, or None for 1; True if the weight is a blend share)."""
        key = C.program_key(codes)
        given = self.rshares.given
        if share_name and share_name in given:
            return given[share_name][r], True
        if key in given:
            return given[key][r], True
        if self.basis == "entry":
            ok = C.program(key).lapsed is None if key in C.BY_KEY else False
            w = (self.claims[r] == key) & ok
            return np.asarray(w, dtype=np.float64), False
        if share_name:
            return self.rshares.get(share_name)[r], True
        return None, False

    def mfn_rows(self, m: MeasureRule, vi: int) -> np.ndarray:
        key = (m.id, vi)
        if key in self.mfn_memo:
            return self.mfn_memo[key]
        v = m.values[vi]
        ed = self.rules.editions[v.edition]  # type: ignore[index]
        codes_h = self.prods.codes
        hinv = self.hinv
        # codes the edition lacks take the rate of their HTS8 (or unique HS6 family rate)
        mfn_h, _flag, rep, level = ed.rates_for(codes_h)
        self.missing[level[hinv] < 0] = True
        qcodes = np.where(level > 0, ed.codes[rep] if len(ed.codes) else 0, codes_h)
        rows: np.ndarray = mfn_h[hinv]
        if v.column2:
            col2_h = ed.rates_for(codes_h, column2=True)[0]

        bests: dict[tuple[str, ...], np.ndarray] = {}
        specials: dict[str, np.ndarray | None] = {}
        prefs: dict[tuple[str, ...], np.ndarray | None] = {}

        def best_of(codes: tuple[str, ...]) -> np.ndarray:
            """Lowest special rate of the programs ``codes`` per distinct code (inf: none); once
            per program set (origins of one program share it; callers do not modify it)."""
            got = bests.get(codes)
            if got is not None:
                return got
            best = np.full(len(codes_h), np.inf)
            for c in codes:
                if c not in specials:  # program c's rate per distinct code (inf: none)
                    tab = ed.special.get(c)
                    if tab is None or not len(tab[0]):
                        specials[c] = None
                    else:
                        ci, hit = lookup(tab[0], qcodes)
                        specials[c] = np.where(hit, tab[1][ci], np.inf)
                sp = specials[c]
                if sp is not None:
                    best = np.minimum(best, sp)
            bests[codes] = best
            return best

        any_origin = (
            [p for p in C.PROGRAMS if p.any_origin and (self.claims == p.key).any()]
            if self.basis == "entry"
            else []
        )
        for j, o in enumerate(self.o_list):
            r = self.order[self.bounds[j] : self.bounds[j + 1]]
            if o in v.column2:
                rows[r] = col2_h[hinv[r]]
                continue
            prog = v.programs.get(o)
            if prog is not None and len(r):
                codes, share_name = prog
                if codes not in prefs:  # the preferential rate per distinct code, once per set
                    best = best_of(codes)
                    use = best < mfn_h
                    prefs[codes] = np.where(use, best, mfn_h) if use.any() else None
                pref_h = prefs[codes]
                if pref_h is not None:
                    pref = pref_h[hinv[r]]
                    w, blend = self._program_weight(r, codes, share_name)
                    if w is None:
                        rows[r] = pref
                    elif blend:
                        rows[r] = w * pref + (1.0 - w) * rows[r]
                    else:
                        rows[r] = np.where(w == 1.0, pref, rows[r])
            for p in any_origin:  # end-use programs claimed by rows of any origin
                if prog is not None and C.program_key(prog[0]) == p.key:
                    continue
                sel = r[self.claims[r] == p.key]
                if not len(sel):
                    continue
                best = best_of(p.codes)
                cur = rows[sel]
                cand = best[hinv[sel]]
                rows[sel] = np.where(cand < cur, cand, cur)
        self.mfn_memo[key] = rows
        return rows

    # --- other measures ----------------------------------------------------------------------
    def rows_of_codes(self, pm: np.ndarray) -> np.ndarray | None:
        """The sorted rows whose HS code is in the mask ``pm`` over distinct codes, or None when
        they are a quarter of the rows or more (then whole-array arithmetic is as fast)."""
        idx = np.flatnonzero(pm)
        starts = self.code_bounds[idx]
        lens = self.code_bounds[idx + 1] - starts
        total = int(lens.sum())
        if total * 4 >= self.n:
            return None
        offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
        return np.sort(self.code_order[offs], kind="stable")  # sorted runs: merged in O(m log runs)

    def scope_rows(self, pm: np.ndarray, eff: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """(sorted rows in scope, or None for whole arrays; the row mask when it was built, else
        an empty mask) for the codes ``pm`` and origins ``eff``: from the rows of the codes when
        they are under a quarter of the rows, else from the rows of the origins when they are
        under half, else from one pass over the rows (whole arrays when a quarter or more are in
        scope)."""
        cand = self.rows_of_codes(pm)
        if cand is not None:
            return cand[eff[self.oinv[cand]]], _NO_ROWS
        cand = self.rows_of_origins(eff)
        if cand is not None:
            return cand[pm[self.hinv[cand]]], _NO_ROWS
        rowmask: np.ndarray = pm[self.hinv] & eff[self.oinv]
        if int(np.count_nonzero(rowmask)) * 4 < self.n:
            return np.flatnonzero(rowmask), rowmask
        return None, rowmask

    def rows_of_origins(self, eff: np.ndarray) -> np.ndarray | None:
        """The sorted rows whose origin is in the mask ``eff`` over distinct origins, or None when
        they are half the rows or more (then one pass over the rows is as fast); once per distinct
        mask. Few rows: gathered from the rows grouped by origin; more: one pass over the rows."""
        key = eff.tobytes()
        if key in self.origin_rows_memo:
            return self.origin_rows_memo[key]
        idx = np.flatnonzero(eff)
        starts = self.bounds[idx]
        lens = self.bounds[idx + 1] - starts
        total = int(lens.sum())
        got: np.ndarray | None = None
        if total * 16 < self.n:
            offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
            got = np.sort(self.order[offs], kind="stable")
        elif total * 2 < self.n:
            got = np.flatnonzero(eff[self.oinv])
        self.origin_rows_memo[key] = got
        return got

    def origin_arrays(
        self, m: MeasureRule, vi: int, susp: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[int]]]:
        """Per distinct origin: additive rate, floor (nan = none), kind (0 none, 1 add, 2 floor),
        and {share name: origins whose rule multiplies by it} (computed once per value and
        suspensions in force; callers do not modify them)."""
        key = (m.index, vi, susp)
        got = self.origin_memo.get(key)
        if got is None:
            got = self.origin_memo[key] = self._origin_arrays(m, vi, susp)
        return got

    def _origins_mask(self, origins: frozenset[str] | None, but: frozenset[str]) -> np.ndarray:
        """Mask over the distinct origins: in ``origins`` (None = every origin) and not in ``but``
        (one per distinct pair)."""
        key = (origins, but)
        got = self.omask_memo.get(key)
        if got is None:
            idx = self.o_index
            got = np.zeros(len(self.o_list), dtype=bool)
            if origins is None:
                got[:] = True
            else:
                got[[idx[o] for o in origins if o in idx]] = True
            got[[idx[o] for o in but if o in idx]] = False
            self.omask_memo[key] = got
        return got

    def _rule_codes(self, m: MeasureRule, vi: int) -> tuple[np.ndarray, list[OriginRule | None]]:
        """(code per distinct origin, rules): origin ``j`` pays ``rules[code[j]]`` under value
        ``vi`` (its own rule, else the value's default); code 0 = none (``rules[0]`` is None)."""
        key = (m.index, vi)
        got = self.rule_memo.get(key)
        if got is None:
            v = m.values[vi]
            rules: list[OriginRule | None] = [None]
            ids: dict[int, int] = {}

            def code(r: OriginRule | None) -> int:
                if r is None:
                    return 0
                c = ids.get(id(r))
                if c is None:
                    c = ids[id(r)] = len(rules)
                    rules.append(r)
                return c

            ci = np.full(len(self.o_list), code(v.default), dtype=np.int64)
            idx = self.o_index
            js = [idx.get(o, -1) for o in v.by_origin]
            cs = [code(r) for j, r in zip(js, v.by_origin.values(), strict=True) if j >= 0]
            ci[[j for j in js if j >= 0]] = cs
            got = self.rule_memo[key] = (ci, rules)
        return got

    def _origin_arrays(
        self, m: MeasureRule, vi: int, susp: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[int]]]:
        """Origin ``j`` with a rule under the value takes the rule of the last suspension in force
        that covers it, else its own; a rule adds ``add`` (kind 1) or sets the all-in ``floor``
        (kind 2); no rule: kind 0. Gathered from a table of the distinct rules by code."""
        ci, rules = self._rule_codes(m, vi)
        if susp:
            base = ci != 0
            ci = ci.copy()
            rules = list(rules)
            for si in susp:  # in order: a later suspension overrides an earlier one
                sr = m.suspensions[si]
                cov = base & self._origins_mask(sr.origins, sr.except_origins)
                if sr.rule is None:
                    ci[cov] = 0
                else:
                    rules.append(sr.rule)
                    ci[cov] = len(rules) - 1
        add_r = np.zeros(len(rules))
        flo_r = np.full(len(rules), np.nan)
        kind_r = np.zeros(len(rules), dtype=np.int8)
        share_r: dict[str, list[int]] = {}
        for c, r in enumerate(rules):
            if r is None:
                continue
            if r.floor is not None:
                flo_r[c], kind_r[c] = r.floor, 2
            else:
                add_r[c], kind_r[c] = float(r.add or 0.0), 1
            if r.share:
                share_r.setdefault(r.share, []).append(c)
        oshare = {name: np.flatnonzero(np.isin(ci, cs)).tolist() for name, cs in share_r.items()}
        oshare = {name: js for name, js in oshare.items() if js}
        return add_r[ci], flo_r[ci], kind_r[ci], oshare

    def compute(
        self,
        m: MeasureRule,
        vi: int,
        susp: tuple[int, ...],
        pstate: Any,
        xstate: Any,
        deps: dict[int, int],
        xdeps: dict[int, int],
    ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """(rows, part, applies): ``rows`` None for whole arrays, else the sorted rows the two
        arrays give (all other rows 0 / not applying); (None, None, None) when nothing applies.

        Two stages: the part and applies before exclusions (:meth:`scoped`, which depends on the
        state and the floor bases only, and is kept for the measure's next state), then the rows
        where a measure of ``excluded_by`` applies set to 0 / not applying (``xdeps``: those
        measures' applies ids). A change of an excluding measure alone thus redoes only the
        second stage."""
        key = (vi, susp, pstate, xstate, tuple(deps.items()))
        last = self.scoped_memo.get(m.index)
        if last is not None and last[0] == key:
            pre = last[1]
        else:
            pre = self.scoped(m, vi, susp, pstate, xstate, deps)
            self.scoped_memo[m.index] = (key, pre)
        if pre is None:
            return None, None, None
        r, part, applies = pre
        blocked = self.blocked_by(tuple(xdeps[j] for j in m.excluded_by_on(vi)))
        if blocked is None:
            return r, part, applies
        b = blocked if r is None else blocked[r]
        if not b.any():
            return r, part, applies
        # new arrays: ``part`` and ``applies`` stay as kept for the next state
        return r, np.where(b, 0.0, part), applies & ~b

    def blocked_by(self, aids: tuple[int, ...]) -> np.ndarray | None:
        """Rows where any of the applies ids ``aids`` (-1 = applies nowhere) applies: the OR of
        their masks, computed once per distinct set (measures excluded by the same set share it);
        None when none applies anywhere. Callers do not modify it."""
        ids = tuple(sorted({a for a in aids if a >= 0}))
        if not ids:
            return None
        got = self.blocked_memo.get(ids)
        if got is None:
            first = self.applies_store[ids[0]]
            if len(ids) == 1 and first.dtype == np.bool_:
                got = first
            else:
                got = np.zeros(self.n, dtype=bool)
                for a in ids:
                    x = self.applies_store[a]
                    if x.dtype == np.bool_:
                        got |= x
                    else:
                        got[x] = True
            self.blocked_memo[ids] = got
        return got

    def scoped(
        self,
        m: MeasureRule,
        vi: int,
        susp: tuple[int, ...],
        pstate: Any,
        xstate: Any,
        deps: dict[int, int],
    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray] | None:
        """(rows or None, part, applies) of :meth:`compute` before exclusions; None when nothing
        applies. Callers do not modify the arrays."""
        prods, n = self.prods, self.n
        hinv, oinv = self.hinv, self.oinv
        pm = prods.mask(m.products, pstate)
        ex = m.exclude_products
        if ex.lists or ex.prefixes or ex.all_products:
            pm = pm & ~prods.mask(ex, xstate)
        if not pm.any():
            return None
        om = self.origin_scope[m.index]
        if m.is_mfn:
            rowmask = pm[hinv] & om[oinv]
            part = np.where(rowmask, self.mfn_rows(m, vi), 0.0)
        else:
            add, flo, kind, oshare = self.origin_arrays(m, vi, susp)
            eff = om & (kind > 0)
            if not eff.any():
                return None
            r, rowmask = self.scope_rows(pm, eff)
            if r is not None:  # few rows: the same arithmetic on them only
                if not len(r):
                    return None
                return self._sparse(m, r, add, flo, kind, eff, oshare, xstate, deps)
            part = np.where(rowmask, add[oinv], 0.0)
            if (kind[eff] == 2).any():
                base = np.zeros(n)
                for j in m.floor_base:
                    if deps[j] >= 0:
                        self.store[deps[j]].add_to(base)
                fl = flo[oinv]
                is_floor = rowmask & (kind[oinv] == 2)
                part = np.where(is_floor, np.maximum(fl - base, 0.0), part)
            for sname, js in oshare.items():  # per-origin shares
                sel = np.isin(oinv, js)
                part = np.where(sel, part * self.rshares.get(sname), part)
        applies = rowmask.copy()
        for sname in m.shares:
            sh = self.rshares.get(sname, m.declared_default(self.basis))
            part = part * sh
            if sname.startswith(DECLARED_PREFIX):  # declared 0: not subject to the measure
                applies &= sh != 0.0
        if ex.claims:  # exclusions that depend on a claim: the claimed share is out
            for c, cm in zip(ex.claims, prods.claim_masks(ex, xstate), strict=True):
                inlist = cm[hinv]
                if not inlist.any():
                    continue
                s = self.rshares.get(c.claim, c.default)
                keep = np.where(inlist, 1.0 - s, 1.0)
                part = np.where(keep != 1.0, part * keep, part)
                applies &= keep != 0.0
        return None, part, applies

    def _sparse(
        self,
        m: MeasureRule,
        r: np.ndarray,
        add: np.ndarray,
        flo: np.ndarray,
        kind: np.ndarray,
        eff: np.ndarray,
        oshare: dict[str, list[int]],
        xstate: Any,
        deps: dict[int, int],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`scoped` on the rows ``r`` (in scope, a rule in force) only: element by element
        the same operations in the same order, so the same numbers."""
        oi = self.oinv[r]
        part = add[oi]
        if (kind[eff] == 2).any():
            base = np.zeros(len(r))
            for j in m.floor_base:
                if deps[j] >= 0:
                    base += self.store[deps[j]].gather(r)
            is_floor = kind[oi] == 2
            part = np.where(is_floor, np.maximum(flo[oi] - base, 0.0), part)
        for sname, js in oshare.items():  # per-origin shares
            sel = np.isin(oi, js)
            part = np.where(sel, part * self.rshares.get(sname)[r], part)
        applies = np.ones(len(r), dtype=bool)
        for sname in m.shares:
            sh = self.rshares.get(sname, m.declared_default(self.basis))[r]
            part = part * sh
            if sname.startswith(DECLARED_PREFIX):  # declared 0: not subject to the measure
                applies &= sh != 0.0
        ex = m.exclude_products
        if ex.claims:
            for c, cm in zip(ex.claims, self.prods.claim_masks(ex, xstate), strict=True):
                inlist = cm[self.hinv[r]]
                if not inlist.any():
                    continue
                s = self.rshares.get(c.claim, c.default)[r]
                keep = np.where(inlist, 1.0 - s, 1.0)
                part = np.where(keep != 1.0, part * keep, part)
                applies &= keep != 0.0
        return r, part, applies

    def state(self, m: MeasureRule, day: int, vi: int) -> tuple[Any, ...]:
        susp = tuple(si for si, s in enumerate(m.suspensions) if s.start <= day < s.end)
        return (
            vi,
            susp,
            self.prods.state(m.products, day),
            self.prods.state(m.exclude_products, day),
        )

    def run(self, days: list[int], law_days: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(part_ids (M, k), applies_ids (M, k)) over the segments starting on ``days``, each
        rated with the law of the matching ``law_days`` entry."""
        M, k = len(self.rules.measures), len(days)
        memo: dict[Any, tuple[int, int]] = {}
        part_ids = np.full((M, k), -1, dtype=np.int32)
        # Where each measure *applies* (in scope, a rate in force for the origin, not itself
        # excluded), whatever its amount: "does not stack with" is about being subject to a
        # measure, so an all-in floor that adds 0 (MFN already above it) still excludes the
        # measures that name it.
        applies_ids = np.full((M, k), -1, dtype=np.int32)
        self.prods.prime(law_days)
        law = np.asarray(law_days, dtype=np.int64)
        # the value in force on each day, per measure (one search per measure)
        vis = [
            (np.searchsorted(m.starts, law, side="right") - 1).tolist() for m in self.rules.measures
        ]
        # whether a measure's own state (value, suspensions, list items in force) may differ from
        # the segment before: one of its change days c lies in (law[i-1], law[i]]. With loading
        # days the in-transit state depends on more: always rebuilt then.
        moved = [self._moved(m, law) for m in self.rules.measures]
        prevp, preva = [-1] * M, [-1] * M
        for i, day in enumerate(law_days):
            pcol, acol = [-1] * M, [-1] * M  # this segment's ids so far (measures in order)
            for m in self.rules.measures:
                vi = vis[m.index][i]
                if vi < 0 or m.values[vi].stop:
                    continue
                if (
                    not moved[m.index][i]
                    and all(pcol[j] == prevp[j] for j in m.floor_base)
                    and all(acol[j] == preva[j] for j in m.excluded_by_on(vi))
                ):  # same state and same referred parts: the key, hence the ids, of the segment before
                    pcol[m.index], acol[m.index] = prevp[m.index], preva[m.index]
                    continue
                main = self.state(m, day, vi)
                alt: tuple[Any, ...] | None = None
                v = m.values[vi]
                transit = None if m.is_mfn else v.in_transit
                if transit is not None and self.loaded is not None and day < transit.entered_before:
                    before = v.start - 1
                    pv = m.value_index(before)
                    alt = ("none",) if pv < 0 or m.values[pv].stop else self.state(m, before, pv)
                xrefs = m.excluded_by_on(vi)
                if alt is not None and alt[0] != "none":
                    xrefs = tuple(sorted(set(xrefs) | set(m.excluded_by_on(alt[0]))))
                elif len(xrefs) > 1:
                    xrefs = tuple(sorted(set(xrefs)))
                pdeps = tuple((j, pcol[j]) for j in m.floor_base)
                adeps = tuple((j, acol[j]) for j in xrefs)
                key = (m.index, main, alt, pdeps, adeps)
                ids = memo.get(key)
                if ids is None:
                    ids = memo[key] = self._evaluate(
                        m, main, alt, dict(pdeps), dict(adeps), transit
                    )
                pcol[m.index], acol[m.index] = ids
            part_ids[:, i] = pcol
            applies_ids[:, i] = acol
            prevp, preva = pcol, acol
        return part_ids, applies_ids

    def _moved(self, m: MeasureRule, law: np.ndarray) -> list[bool]:
        """Per segment: may ``m``'s own state differ from the segment before's? (True on the
        first segment and always when loading days are given.)"""
        if self.loaded is not None:
            return [True] * len(law)
        ch = [m.starts]
        for sp in m.suspensions:
            ch.append(np.array([sp.start, sp.end], dtype=np.int64))
        ps, xs = m.products, m.exclude_products
        for name in (*ps.lists, *xs.lists, *(c.name for c in (*ps.claims, *xs.claims))):
            lr = self.rules.lists[name]
            ch += [lr.groups()[0], lr.groups()[1]]
            if len(lr.except_prefixes):
                ch += [lr.except_groups()[0], lr.except_groups()[1]]
        days = np.sort(np.concatenate(ch).astype(np.int64))
        pos = np.searchsorted(days, law, side="right")
        out = np.ones(len(law), dtype=bool)
        out[1:] = pos[1:] != pos[:-1]
        moved: list[bool] = out.tolist()
        return moved

    def _evaluate(
        self,
        m: MeasureRule,
        main: tuple[Any, ...],
        alt: tuple[Any, ...] | None,
        pdeps: dict[int, int],
        adeps: dict[int, int],
        transit: Any,
    ) -> tuple[int, int]:
        def one(st: tuple[Any, ...]) -> tuple[np.ndarray | None, np.ndarray | None]:
            """(part, applies) as whole arrays."""
            vi, susp, pstate, xstate = st
            xd = {j: adeps[j] for j in m.excluded_by_on(vi)}
            fd = {j: pdeps[j] for j in m.floor_base}
            r, part, app = self.compute(m, vi, susp, pstate, xstate, fd, xd)
            if r is None or part is None or app is None:
                return part, app
            full, fapp = np.zeros(self.n), np.zeros(self.n, dtype=bool)
            full[r], fapp[r] = part, app
            return full, fapp

        if alt is None:  # the usual case: keep a sparse result sparse
            vi, susp, pstate, xstate = main
            xd = {j: adeps[j] for j in m.excluded_by_on(vi)}
            fd = {j: pdeps[j] for j in m.floor_base}
            r, part, app = self.compute(m, vi, susp, pstate, xstate, fd, xd)
            if r is not None and part is not None and app is not None:
                pid = aid = -1
                nz = part != 0.0
                cnt = int(np.count_nonzero(nz))
                if cnt * 4 >= self.n:  # stored as _Part stores it: by its values, not its path
                    full = np.zeros(self.n)
                    full[r] = part
                    self.store.append(_Part(full))
                    pid = len(self.store) - 1
                elif cnt:
                    self.store.append(_Part.sparse(r[nz], part[nz]))
                    pid = len(self.store) - 1
                if app.any():
                    self.applies_store.append(r[app])  # the sorted rows where it applies
                    aid = len(self.applies_store) - 1
                return pid, aid
            arr, app = part, app
        else:
            arr, app = one(main)
        if alt is not None:
            assert self.loaded is not None
            rows = self.loaded < transit.loaded_before
            if rows.any():
                if alt[0] == "none":
                    a_arr, a_app = None, None
                else:
                    a_arr, a_app = one(alt)
                base = arr if arr is not None else np.zeros(self.n)
                arr = np.where(rows, a_arr if a_arr is not None else 0.0, base)
                bapp = app if app is not None else np.zeros(self.n, dtype=bool)
                app = np.where(rows, a_app if a_app is not None else False, bapp)
        pid = aid = -1
        if arr is not None and arr.any():
            self.store.append(_Part(arr))
            pid = len(self.store) - 1
        if app is not None and app.any():
            self.applies_store.append(app)
            aid = len(self.applies_store) - 1
        return pid, aid


def compile_rows(
    rules: Rules,
    hs10: Any,
    origin: Any,
    start: dt.date,
    end: dt.date,
    *,
    shares: Mapping[str, Any] | None = None,
    claims: Any = None,
    basis: str = "flows",
    loaded_on: Any = None,
    parts: bool = False,
    dtype: Any = None,
) -> Compiled:
    """See the module docstring and :class:`Compiled`. ``origin`` holds ISO3 codes (not groups).

    ``[start, end)`` is the period, already checked against the coverage by the caller
    (:meth:`Schedule.compile <tariffsim.schedule.engine.Schedule.compile>`); days from the
    coverage's end on are rated with the law of its last day (flagged).
    """
    out_dtype = np.dtype(dtype or np.float64)
    hs_arr = np.asarray(hs10).astype(str, copy=False)  # no copy when already strings
    org = np.asarray(origin).astype(str, copy=False)
    if hs_arr.shape != org.shape or hs_arr.ndim != 1:
        raise InputError(
            f"hs10 and origin must be 1-d arrays of equal length (got {hs_arr.shape} and {org.shape})"
        )
    if basis not in ("flows", "entry"):
        raise InputError(f"basis: {basis!r} is not flows or entry")
    codes = hs10_codes(hs_arr)
    a, b = to_day_number(start), to_day_number(end)
    cov_end = to_day_number(rules.coverage[1])
    last_law = cov_end - 1
    days = [a, *[x for x in rules.change_days() if a < x < b and x < cov_end]]
    law_days = [min(x, last_law) for x in days]
    k, n = len(days), len(hs_arr)
    claim_keys = _claims_array(claims, n)
    comp = _Compiler(rules, codes, org, shares, claim_keys, basis, _loaded_days(loaded_on, n))
    part_ids, _applies = comp.run(days, law_days)
    store = comp.store

    # totals: each distinct combination of parts summed once
    total = np.zeros((k, n), dtype=out_dtype)
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

    flags = list(comp.rshares.flags())
    unchanged = rules.coverage[1] if b > cov_end else None
    if unchanged is not None:
        flags.insert(
            0,
            f"assumed unchanged: days from {unchanged} (after the library's last day "
            f"{from_day_number(last_law)}) are rated with the law of {from_day_number(last_law)}",
        )
    c = Compiled(
        breaks=np.array(days, dtype=np.int64).astype("datetime64[D]"),
        end=np.datetime64(from_day_number(b), "D"),
        total=total,
        measure_ids=[m.id for m in rules.measures],
        measure_authorities=[m.authority for m in rules.measures],
        part_ids=part_ids,
        _store=store,
        n=n,
        dtype=out_dtype,
        missing_mfn=int(comp.missing.sum()),
        basis=basis,
        assumed_unchanged_from=unchanged,
        flags=tuple(flags),
    )
    if parts:
        c.by_authority  # noqa: B018 - build now
    return c


__all__ = ["DAY_MAX", "Compiled", "compile_rows", "data_share"]
