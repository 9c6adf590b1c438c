"""What the web app keeps warm: the schedule, the 2024 flows and the ETR aggregates per segment.

The schedule's rates are piecewise constant in time: between two consecutive change days
``b_s ≤ t < b_{s+1}`` every row's rate is the same (``Schedule.compile``). So the effective tariff
rate of any group G on any day t is known once, for every segment s, we hold

    D_{s,G} = Σ_{r∈G} τ_{r,s} v_r        and        M_G = Σ_{r∈G} v_r,

(ETR_G(t) = D_{s(t),G} / M_G — the static, pre-substitution rate of ``tariffsim.duties.etr``) and,
for the split by authority, D_{s,a} = Σ_r τ_{r,a,s} v_r. At start-up the default flows (2024 imports,
~335k rows) are compiled over the schedule's whole coverage in row chunks (to bound memory: the
(k, n) by-authority arrays of one chunk are freed before the next) and reduced to these (k, g)
tables with sparse one-hot products, so an ETR request is an index into a small array.

Start-up also loads the HTS descriptions, opens the HS search index (``duties.search``) and warms the engine's per-edition caches
with one rate lookup, so the first user request is as fast as the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tariffsim.core.bounded import Bounded
from tariffsim.core.dates import Period
from tariffsim.core.errors import InputError

GROUPINGS = ("partner", "group", "chapter", "section")
CHUNK_ROWS = 60_000


@dataclass(frozen=True, eq=False)
class GroupTable:
    """Aggregates of one grouping: ``keys`` (g,), ``imports_usd`` (g,), ``duty_usd`` (k, g)."""

    keys: np.ndarray
    imports_usd: np.ndarray
    duty_usd: np.ndarray


@dataclass(frozen=True, eq=False)
class EtrCache:
    """ETR aggregates of the default flows for every segment of the schedule's coverage.

    ``starts`` (k,) segment start dates (``datetime64[D]``), the last segment ends at ``end``
    (exclusive). ``duty_usd`` (k,), ``duty_by_authority`` (k, A), ``groups`` per grouping,
    ``partner_by_authority`` (A, k, g_partner) for a country's timeline stacked by authority.
    """

    starts: np.ndarray
    end: dt.date
    authorities: tuple[str, ...]
    imports_usd: float
    duty_usd: np.ndarray
    duty_by_authority: np.ndarray
    groups: dict[str, GroupTable]
    partner_by_authority: np.ndarray
    approx_rows: np.ndarray
    approx_imports_usd: np.ndarray
    flows_source: str
    seconds: float

    @property
    def start(self) -> dt.date:
        return self.starts[0].astype(dt.date)

    def segment(self, on: dt.date) -> int:
        """Index of the segment holding ``on``; :class:`InputError` outside the coverage."""
        d = np.datetime64(on, "D")
        if d < self.starts[0] or on >= self.end:
            last = Period(self.start, self.end).last_day
            raise InputError(
                f"date {on} is outside the schedule's coverage ({self.start} to {last})",
                hint=f"give a date from {self.start} to {last}",
            )
        return int(np.searchsorted(self.starts, d, side="right") - 1)

    def segment_dates(self) -> list[tuple[dt.date, dt.date]]:
        """``[start, end)`` of every segment."""
        s = [x.astype(dt.date) for x in self.starts]
        return list(zip(s, [*s[1:], self.end], strict=True))

    # ---- answers ---------------------------------------------------------------------------

    def by(self, key: str, seg: int) -> list[dict[str, Any]]:
        """Rows ``{key, etr, duty_usd, imports_usd}`` of a grouping on segment ``seg``, largest
        duty first (ties by key), like :meth:`tariffsim.duties.etr.DutyResult.by`."""
        if key == "authority":
            m = self.imports_usd
            rows: list[dict[str, Any]] = [
                {
                    "key": a,
                    "etr": float(self.duty_by_authority[seg, j]) / m if m > 0 else 0.0,
                    "duty_usd": float(self.duty_by_authority[seg, j]),
                    "imports_usd": m,
                }
                for j, a in enumerate(self.authorities)
            ]
            rows.sort(key=lambda r: -r["duty_usd"])
            return rows
        g = self.groups.get(key)
        if g is None:
            raise InputError(
                f"by={key!r} is not a grouping",
                hint=f"use one of: {', '.join((*GROUPINGS, 'authority'))}",
            )
        d = g.duty_usd[seg]
        order = np.lexsort((g.keys, -d))
        out = []
        for i in order.tolist():
            imp = float(g.imports_usd[i])
            out.append(
                {
                    "key": str(g.keys[i]),
                    "etr": float(d[i]) / imp if imp > 0 else 0.0,
                    "duty_usd": float(d[i]),
                    "imports_usd": imp,
                }
            )
        return out

    def etr_json(self, on: dt.date, by: str | None = None, *, top: int | None = None) -> dict:
        """The ``tariffsim etr --on DATE --json`` answer from the cache."""
        seg = self.segment(on)
        duty = float(self.duty_usd[seg])
        m = self.imports_usd
        out: dict[str, Any] = {
            "date": on.isoformat(),
            "etr": duty / m if m > 0 else 0.0,
            "duty_usd": duty,
            "imports_usd": m,
        }
        if by:
            rows = self.by(by, seg)
            out["by"] = rows[:top] if top else rows
        a_usd = float(self.approx_imports_usd[seg])
        out["approx_ave"] = {
            "rows": int(self.approx_rows[seg]),
            "imports_usd": a_usd,
            "value_share": a_usd / m if m > 0 else 0.0,
        }
        out["provenance"] = {
            "date": on.isoformat(),
            "flows": self.flows_source,
            "schedule": "tariffsim.schedule (US measure library)",
            "segment": [str(x) for x in self.segment_dates()[seg]],
        }
        return out

    def series_json(self, span: Period) -> list[dict[str, Any]]:
        """Daily ``[{date, etr, duty_usd, by_authority}]`` over ``span`` = ``[start, end)`` (the
        CLI's ``tariffsim etr --from --to --json``)."""
        start, end = span.start, span.end
        self.segment(start)
        self.segment(span.last_day)
        days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
        seg = np.searchsorted(self.starts, days, side="right") - 1
        m = self.imports_usd
        etr = self.duty_usd / m
        pts = self.duty_by_authority / m
        out = []
        for d, s in zip(days.astype(dt.date).tolist(), seg.tolist(), strict=True):
            out.append(
                {
                    "date": d.isoformat(),
                    "etr": float(etr[s]),
                    "duty_usd": float(self.duty_usd[s]),
                    "by_authority": {a: float(pts[s, j]) for j, a in enumerate(self.authorities)},
                }
            )
        return out

    def partner_segments(self, iso3: str) -> list[dict[str, Any]]:
        """A partner's ETR per segment, by authority: ``[{start, end, etr, by_authority}]``."""
        g = self.groups["partner"]
        hit = np.flatnonzero(g.keys == iso3)
        if not len(hit):
            return []
        j = int(hit[0])
        imp = float(g.imports_usd[j])
        out = []
        for s, (a, b) in enumerate(self.segment_dates()):
            out.append(
                {
                    "start": a.isoformat(),
                    "end": b.isoformat(),
                    "etr": float(g.duty_usd[s, j]) / imp if imp > 0 else 0.0,
                    "by_authority": {
                        au: float(self.partner_by_authority[i, s, j]) / imp if imp > 0 else 0.0
                        for i, au in enumerate(self.authorities)
                    },
                }
            )
        return out


def build_etr_cache(
    schedule: Any,
    flows: Any,
    *,
    chunk_rows: int = CHUNK_ROWS,
    eu_members: Sequence[str] | None = None,
) -> EtrCache:
    """Compile ``flows`` over the schedule's coverage and reduce to :class:`EtrCache`.

    The reduction is :func:`tariffsim.duties.etr.segment_totals`, applied to chunks of
    ``chunk_rows`` rows (to bound the memory of the (k, n) rate arrays) and summed: the totals are
    linear in the rows, and every chunk is given the full sorted key set of each grouping.
    """
    from tariffsim.duties.etr import ave_approx_flags, row_keys, segment_totals

    t0 = time.perf_counter()
    lo, end = schedule.coverage.start, schedule.coverage.end
    starts = np.array([lo, *schedule.change_days(lo, end)], dtype="datetime64[D]")
    v_all = np.asarray(flows.value_usd, dtype=np.float64)
    keys = {b: np.unique(row_keys(flows, b, eu_members=eu_members).astype(str)) for b in GROUPINGS}
    totals = None
    for lo_i in range(0, flows.n, chunk_rows):
        part = flows.subset(np.arange(lo_i, min(flows.n, lo_i + chunk_rows)))
        c = schedule.compile(
            hs10=part.hs10, origin=part.origin, start=lo, end=end, shares=dict(part.shares)
        )
        t = segment_totals(
            c,
            part,
            starts,
            by=GROUPINGS,
            by_authority=("partner",),
            keys=keys,
            eu_members=eu_members,
        )
        totals = t if totals is None else totals + t
        del c
    assert totals is not None, "no flows"
    approx_rows, approx_usd = _approx(schedule, flows, starts, v_all, ave_approx_flags)
    groups = {
        b: GroupTable(keys=g.keys, imports_usd=g.imports_usd, duty_usd=g.duty_usd)
        for b, g in totals.groups.items()
    }
    pba = totals.groups["partner"].by_authority
    assert pba is not None
    return EtrCache(
        starts=starts,
        end=end,
        authorities=totals.authorities,
        imports_usd=totals.imports_usd,
        duty_usd=totals.duty_usd,
        duty_by_authority=totals.duty_by_authority,
        groups=groups,
        partner_by_authority=pba,
        approx_rows=approx_rows,
        approx_imports_usd=approx_usd,
        flows_source=flows.source,
        seconds=time.perf_counter() - t0,
    )


def _approx(
    schedule: Any, flows: Any, starts: np.ndarray, v: np.ndarray, flags_of: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Rows (and their value) whose MFN rate is an approximate AVE, per segment. The flags depend
    only on the MFN edition in force, so they are computed once per edition."""
    from tariffsim.core.dates import to_day_number

    mfn = next(
        (
            m
            for m in getattr(getattr(schedule, "rules", None), "measures", ())
            if getattr(m, "is_mfn", False)
        ),
        None,
    )
    rows = np.zeros(len(starts), dtype=np.int64)
    usd = np.zeros(len(starts))
    memo: dict[Any, tuple[int, float]] = {}
    for s, d in enumerate(starts.astype(dt.date).tolist()):
        key = (
            mfn.value_index(to_day_number(d))
            if mfn is not None and hasattr(mfn, "value_index")
            else d
        )
        if key not in memo:
            f = np.asarray(flags_of(schedule, flows, d), dtype=bool)
            memo[key] = (int(f.sum()), float(v[f].sum()))
        rows[s], usd[s] = memo[key]
    return rows, usd


@dataclass(eq=False)
class AppState:
    """The warm objects shared by every request (read-only after :func:`warm_up`)."""

    schedule: Any = None
    flows: Any = None
    etr: EtrCache | None = None
    hs: pl.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    memo: Bounded[Any, Any] = field(default_factory=lambda: Bounded(64))

    def warm_up(self) -> AppState:
        """Load and cache everything a request needs (idempotent)."""
        with self.lock:
            if self.etr is not None:
                return self
            from tariffsim.duties.flows import default_flows
            from tariffsim.schedule import load_schedule

            t = time.perf_counter()
            self.schedule = load_schedule()
            # the validated YAML (read lazily by the engine when the rules come from its cache) is
            # what reforms patch: read it now, with the rules, so both describe the same files
            _ = self.schedule.spec
            self.timings["schedule_s"] = time.perf_counter() - t
            t = time.perf_counter()
            self.flows = default_flows()
            self.timings["flows_s"] = time.perf_counter() - t
            self.etr = build_etr_cache(self.schedule, self.flows)
            self.timings["etr_cache_s"] = self.etr.seconds
            t = time.perf_counter()
            self.hs = _hs_table()
            _warm_search()
            self.timings["hs_s"] = time.perf_counter() - t
            t = time.perf_counter()
            lo, hi = self.schedule.coverage.start, self.schedule.coverage.last_day
            for d in (lo, dt.date(2025, 6, 1), hi):
                if lo <= d <= hi:
                    with contextlib.suppress(InputError):
                        self.schedule.rate("JPN", "8703230190", d)
            self.timings["rate_warm_s"] = time.perf_counter() - t
            return self

    def cached(self, key: Any, compute: Any) -> Any:
        """``memo[key]``, computed once (results of models are deterministic in their inputs);
        the 64 most recently used results are kept."""
        with self.lock:
            if key in self.memo:
                return self.memo.get(key)
        value = compute()
        with self.lock:
            return self.memo.put(key, value)


def _hs_table() -> pl.DataFrame:
    """The HTS descriptions (``hts10``, ``description``, ``description_full``) the pages show."""
    from tariffsim.data.hts import descriptions

    return descriptions()


def _warm_search() -> None:
    """Open (or build, once per data version) the HS search index, so the first search is fast."""
    from tariffsim.duties.search import search_hs

    search_hs("wine", limit=1)


STATE = AppState()
