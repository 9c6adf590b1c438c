"""Duties and effective tariff rates (ETR) on trade flows.

For a row r (HTS10 × origin) with customs value v_r and schedule rate τ_r(t) on day t (the sum of
the parts of every measure in force, ``Schedule.compile``), the duty is d_r(t) = τ_r(t) · v_r. For a
set of rows G (a partner, a chapter, a section, everything):

    ETR_G(t) = Σ_{r∈G} τ_r(t) v_r / Σ_{r∈G} v_r,

with v the 2024 values — the static, "pre-substitution" rate of the trackers (Yale Budget Lab,
Tax Foundation, PIIE): no change in volumes or sourcing. The points of ETR from authority a are
Σ_r τ_{r,a}(t) v_r / Σ_r v_r, so they add up to the ETR. Because v is a year of imports, Σ_r d_r(t)
is also the static annual revenue at the rates of day t; revenue over a period is Σ_t d(t)/365.

The daily series never loops over days: the schedule is compiled once over the range into k
piecewise-constant segments (k ≪ days), every aggregate is computed per segment — a (k, n) by
(n, g) product with a sparse one-hot grouping matrix — and the days are mapped to segments with
``segment_index``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import polars as pl

from tariffsim.core.errors import InputError
from tariffsim.duties.flows import Flows
from tariffsim.duties.sections import sections_of_chapters

BY_KEYS = ("partner", "group", "chapter", "section", "hs4", "hs6", "authority")


class CompiledLike(Protocol):
    """What :mod:`tariffsim.schedule` returns from ``Schedule.compile`` (see docs/measure-format.md)."""

    breaks: Any
    total: np.ndarray
    by_authority: Mapping[str, np.ndarray]

    def segment_index(self, dates: Any) -> np.ndarray: ...


# ---------------------------------------------------------------------------------------------
# grouping


def group_matrix(keys: np.ndarray) -> tuple[np.ndarray, Any]:
    """Unique keys (g,) and the (n, g) one-hot matrix S with S[r, j] = 1 if row r has key j
    (``scipy.sparse.csr_matrix``)."""
    import scipy.sparse as sp

    uniq, inv = np.unique(np.asarray(keys).astype(str), return_inverse=True)
    n = len(inv)
    s = sp.csr_matrix((np.ones(n), (np.arange(n), inv)), shape=(n, len(uniq)))
    return uniq, s


def row_keys(flows: Flows, by: str, *, eu_members: Sequence[str] | None = None) -> np.ndarray:
    """The grouping key of every row: partner ISO3, group (EU members → "EU"), chapter, section,
    heading (``hs4``, first 4 digits) or subheading (``hs6``)."""
    if by == "partner":
        return flows.origin.astype(str)
    if by == "group":
        eu = set(eu_members if eu_members is not None else _eu_members())
        o = flows.origin.astype(str)
        return np.where(np.isin(o, list(eu)), "EU", o)
    if by in ("hs4", "hs6"):
        width = int(by[2])
        return np.asarray(flows.hs10).astype(f"<U{width}")
    ch = np.array([h[:2] for h in flows.hs10.astype(str)], dtype=object)
    if by == "chapter":
        return ch
    if by == "section":
        return sections_of_chapters(ch.astype(np.int64))
    raise InputError(f"--by {by!r} is not a grouping", hint=f"use one of: {', '.join(BY_KEYS)}")


def partner_flows(flows: Flows, partner: str) -> tuple[Flows, str]:
    """The rows of ``flows`` from ``partner`` (an ISO3 code, a name, or a group such as EU, whose
    members' rows are kept) and the partner's code. InputError when it has no rows."""
    from tariffsim.core import countries

    code = countries.resolve(partner)
    members = list(countries.expand(code))
    rows = np.flatnonzero(np.isin(flows.origin.astype(str), members))
    if not len(rows):
        raise InputError(
            f"--partner {code}: no imports from {code} in {flows.source}",
            hint="check the partner (tariffsim etr --on DATE --by partner lists them)",
        )
    sub = flows.subset(rows)
    return replace(sub, source=f"{flows.source}, partner {code}"), code


def _eu_members() -> list[str]:
    from tariffsim.core import countries

    return list(countries.expand("EU"))


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, eq=False)
class DutyResult:
    """Duties on every row on one date, and the ETR by any grouping.

    ``rows``: ``hs10, origin, imports_usd, rate, duty_usd, ave_approx`` and one ``rate_<authority>``
    column per authority (fractions). ``provenance``: data and schedule version, date, timings.
    """

    date: dt.date
    rows: pl.DataFrame
    authorities: tuple[str, ...]
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def duty_usd(self) -> float:
        return float(self.rows["duty_usd"].sum())

    @property
    def imports_usd(self) -> float:
        return float(self.rows["imports_usd"].sum())

    @property
    def etr(self) -> float:
        m = self.imports_usd
        return self.duty_usd / m if m > 0 else 0.0

    @property
    def approx(self) -> dict[str, float]:
        """Rows whose rate uses an approximate ad valorem equivalent: count and share of value."""
        a = self.rows.filter(pl.col("ave_approx"))
        m = self.imports_usd
        return {
            "rows": int(a.height),
            "imports_usd": float(a["imports_usd"].sum()),
            "value_share": float(a["imports_usd"].sum()) / m if m > 0 else 0.0,
        }

    def by(self, key: str, *, eu_members: Sequence[str] | None = None) -> pl.DataFrame:
        """ETR by ``partner | group | chapter | section | authority``, largest duty first.

        Columns ``key, duty_usd, imports_usd, etr``; for ``authority``, ``etr`` is the points of
        the overall ETR from that authority (they sum to :attr:`etr`) and ``imports_usd`` the total.
        """
        if key == "authority":
            m = self.imports_usd
            rows = [
                (a, float((self.rows[f"rate_{a}"] * self.rows["imports_usd"]).sum()))
                for a in self.authorities
            ]
            return pl.DataFrame(
                {
                    "key": [a for a, _ in rows],
                    "duty_usd": [d for _, d in rows],
                    "imports_usd": [m] * len(rows),
                    "etr": [d / m if m > 0 else 0.0 for _, d in rows],
                },
                schema={
                    "key": pl.Utf8,
                    "duty_usd": pl.Float64,
                    "imports_usd": pl.Float64,
                    "etr": pl.Float64,
                },
            ).sort("duty_usd", descending=True)
        flows_like = Flows(
            hs10=self.rows["hs10"].to_numpy(),
            origin=self.rows["origin"].to_numpy(),
            value_usd=self.rows["imports_usd"].to_numpy(),
        )
        keys = row_keys(flows_like, key, eu_members=eu_members)
        return (
            self.rows.select("duty_usd", "imports_usd")
            .with_columns(pl.Series("key", keys.astype(str)))
            .group_by("key")
            .agg(pl.col("duty_usd").sum(), pl.col("imports_usd").sum())
            .with_columns(
                pl.when(pl.col("imports_usd") > 0)
                .then(pl.col("duty_usd") / pl.col("imports_usd"))
                .otherwise(0.0)
                .alias("etr")
            )
            .sort(["duty_usd", "key"], descending=[True, False])
        )

    def to_json(self, by: str | None = None, *, top: int | None = None) -> dict[str, Any]:
        """``{"date", "etr", "duty_usd", "imports_usd", "by": [{"key", "etr", "duty_usd", "imports_usd"}]}``."""
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "etr": self.etr,
            "duty_usd": self.duty_usd,
            "imports_usd": self.imports_usd,
        }
        if by:
            frame = self.by(by)
            if top:
                frame = frame.head(top)
            out["by"] = [
                {
                    "key": r["key"],
                    "etr": r["etr"],
                    "duty_usd": r["duty_usd"],
                    "imports_usd": r["imports_usd"],
                }
                for r in frame.iter_rows(named=True)
            ]
        out["approx_ave"] = self.approx
        out["provenance"] = dict(self.provenance)
        return out


@dataclass(frozen=True, eq=False)
class EtrSeries:
    """The daily ETR over ``[start, end)``.

    ``daily``: one row per day — ``date, etr, duty_usd, imports_usd`` and ``etr_<authority>`` (points;
    they sum to ``etr``). ``by_group``: long frame ``date, by, key, etr, duty_usd, imports_usd`` for
    the groupings asked for (per day). ``segments``: the compiled segment starts.
    """

    start: dt.date
    end: dt.date
    daily: pl.DataFrame
    by_group: pl.DataFrame
    authorities: tuple[str, ...]
    segments: tuple[dt.date, ...]
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def last_day(self) -> dt.date:
        """The last day of the series (``end`` is exclusive): what human-facing titles show."""
        return self.end - dt.timedelta(days=1)

    def revenue_usd(self) -> float:
        """Static revenue collected over the range at 2024 volumes: Σ_days annual duty / 365."""
        return float(self.daily["duty_usd"].sum()) / 365.0

    def to_json(self) -> list[dict[str, Any]]:
        """``[{"date", "etr", "duty_usd", "by_authority": {authority: points}}]``."""
        out = []
        for r in self.daily.iter_rows(named=True):
            out.append(
                {
                    "date": r["date"].isoformat(),
                    "etr": r["etr"],
                    "duty_usd": r["duty_usd"],
                    "by_authority": {a: r[f"etr_{a}"] for a in self.authorities},
                }
            )
        return out


# ---------------------------------------------------------------------------------------------
# computing


def _to_dates(c: CompiledLike) -> list[dt.date]:
    out = []
    for b in np.asarray(c.breaks).tolist():
        if isinstance(b, dt.datetime):
            b = b.date()
        elif isinstance(b, (int, np.integer)):
            b = dt.date(1970, 1, 1) + dt.timedelta(days=int(b))
        out.append(b)
    return out


def _segment_of(c: CompiledLike, days: list[dt.date]) -> np.ndarray:
    idx = np.asarray(c.segment_index(np.array(days, dtype="datetime64[D]")), dtype=np.int64)
    return idx


def _authorities(c: CompiledLike) -> tuple[str, ...]:
    auths = getattr(c, "authorities", None)  # a real Compiled names them without summing
    return tuple(auths) if auths is not None else tuple(c.by_authority.keys())


def _authority_points(c: CompiledLike, v: np.ndarray) -> dict[str, np.ndarray]:
    """{authority: (k,) duty Σ_r A_a[s, r] v_r} (without dense (k, n) arrays when the compiled
    schedule can dot its parts directly)."""
    dot = getattr(c, "authority_dot", None)
    if dot is not None:
        return dict(dot(v))
    return {a: np.asarray(c.by_authority[a], dtype=np.float64) @ v for a in _authorities(c)}


def _compile(schedule: Any, flows: Flows, start: dt.date, end: dt.date) -> CompiledLike:
    c: CompiledLike = schedule.compile(
        flows.hs10, flows.origin, start, end, shares=dict(flows.shares) or None
    )
    return c


def _schedule(schedule: Any | None) -> Any:
    if schedule is not None:
        return schedule
    from tariffsim.schedule import load_schedule

    return load_schedule()


def _data_version() -> str:
    """Where the data came from: the reference data folder, or the package bundle."""
    from tariffsim.data import paths

    root = paths.shared_data_dir()
    return f"reference data {root}" if root else f"bundle {paths.bundle_dir()}"


def _schedule_version(schedule: Any) -> str:
    """Provenance of a schedule: name, measure count, coverage, reform (if any)."""
    try:
        a, b = schedule.coverage.start, schedule.coverage.last_day
        text = f"{schedule.name} library, {len(schedule.measure_ids)} measures, coverage {a}..{b}"
        if getattr(schedule, "reform", None):
            text += f", reform {schedule.reform}"
        return text
    except AttributeError:
        return type(schedule).__name__


def _mfn_edition(schedule: Any, on: dt.date) -> Any | None:
    """The MFN edition (rules ``Edition``: sorted ``hts10``, ``flag``) in force on ``on``, if any."""
    from tariffsim.core.dates import to_day_number

    rules = getattr(schedule, "rules", None)
    if rules is None:
        return None
    day = to_day_number(on)
    for m in rules.measures:
        if not getattr(m, "is_mfn", False):
            continue
        vi = m.value_index(day)
        if vi >= 0 and m.values[vi].edition:
            return rules.editions[m.values[vi].edition]
    return None


def _locate(edition: Any, hs10: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(line index, level) of each row in the edition, as the schedule rates it: level 0 = the
    HTS10 line, 1 = its HTS8's rate, 2 = its HS6 family's single rate, -1 = unknown."""
    out: tuple[np.ndarray, np.ndarray] = edition.locate(np.asarray(hs10).astype(np.int64))
    return out


def unknown_hs10(schedule: Any, flows: Flows, on: dt.date) -> np.ndarray:
    """Rows the MFN edition in force on ``on`` cannot rate, even through the line's HTS8 or HS6
    family (True = unknown)."""
    ed = _mfn_edition(schedule, on)
    if ed is None:
        return np.zeros(flows.n, dtype=bool)
    return _locate(ed, flows.hs10)[1] < 0


def ave_approx_flags(schedule: Any, flows: Flows, on: dt.date) -> np.ndarray:
    """Rows whose MFN rate is an approximate ad valorem equivalent (specific/compound or no AVE).

    Reads the MFN edition in force on ``on`` from the schedule's rules (``Edition.flag``: 0 ad
    valorem or free, 1 AVE of a specific/compound rate, 2 no AVE) and looks every row's HTS10 up in
    it (through its HTS8 or HS6 family when the edition lacks the line, as the schedule does). Rows
    the edition cannot rate are not flagged (their MFN part is 0 — see ``Compiled.missing_mfn``).
    All False for a schedule without such rules.
    """
    out = np.zeros(flows.n, dtype=bool)
    ed = _mfn_edition(schedule, on)
    if ed is None:
        return out
    i, level = _locate(ed, flows.hs10)
    hit = level >= 0
    out[hit] = np.asarray(ed.flag)[i[hit]] > 0
    return out


def duties_from_compiled(
    c: CompiledLike,
    flows: Flows,
    on: dt.date,
    *,
    ave_approx: np.ndarray | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> DutyResult:
    """Duty per row on ``on`` from a compiled schedule (pure aggregation; no I/O)."""
    seg = int(_segment_of(c, [on])[0])
    v = np.asarray(flows.value_usd, dtype=np.float64)
    total = np.asarray(c.total[seg], dtype=np.float64)
    auth = _authorities(c)
    cols: dict[str, Any] = {
        "hs10": flows.hs10.astype(str),
        "origin": flows.origin.astype(str),
        "imports_usd": v,
        "rate": total,
        "duty_usd": total * v,
        "ave_approx": ave_approx if ave_approx is not None else np.zeros(flows.n, dtype=bool),
    }
    at = getattr(c, "authority_at", None)  # a real Compiled: one segment, no (k, n) arrays
    seg_rates = at(seg) if at is not None else {a: c.by_authority[a][seg] for a in auth}
    for a in auth:
        cols[f"rate_{a}"] = np.asarray(seg_rates[a], dtype=np.float64)
    prov = {"date": on.isoformat(), "flows": flows.source, **(provenance or {})}
    return DutyResult(date=on, rows=pl.DataFrame(cols), authorities=auth, provenance=prov)


def duties_on(
    on: dt.date | str, *, flows: Flows | None = None, schedule: Any | None = None
) -> DutyResult:
    """Duties and ETR on one date (default flows: 2024 imports; default schedule: the US library)."""
    from tariffsim.core.dates import parse_date
    from tariffsim.duties.flows import default_flows

    on = parse_date(on, field="on")
    t0 = time.perf_counter()
    sched = _schedule(schedule)
    flows = flows if flows is not None else default_flows()
    if flows.lines is not None:  # a user's table: every HTS10 must be a line of the edition
        bad = np.flatnonzero(unknown_hs10(sched, flows, on))
        if len(bad):
            where = flows.source.removeprefix("user table ").split(" (")[0]
            msgs = [
                f"{where}:{flows.lines[i]}: hs: {flows.hs10[i]} is not an HTS10 line in force on {on}"
                for i in bad
            ]
            raise InputError(
                f"{len(bad)} unknown HTS10 code(s):\n  " + "\n  ".join(msgs),
                hint="check the codes against the HTS (tariffsim rate shows the lines of a heading)",
            )
    t1 = time.perf_counter()
    c = _compile(sched, flows, on, on + dt.timedelta(days=1))
    t2 = time.perf_counter()
    res = duties_from_compiled(
        c,
        flows,
        on,
        ave_approx=ave_approx_flags(sched, flows, on),
        provenance={
            "schedule": _schedule_version(sched),
            "data": _data_version(),
            "assumptions": list(getattr(c, "flags", ())),
            "seconds_load": round(t1 - t0, 3),
            "seconds_compile": round(t2 - t1, 3),
        },
    )
    return res


def series_from_compiled(
    c: CompiledLike,
    flows: Flows,
    start: dt.date,
    end: dt.date,
    *,
    by: Sequence[str] = ("partner",),
    eu_members: Sequence[str] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> EtrSeries:
    """The daily ETR over [start, end) from one compiled schedule (no per-day loop).

    The sums per segment are :func:`segment_totals` (duty_s = T[s] · v, points of authority
    a = A_a[s] · v / Σv, group duties D = (T ∘ v) S with S the (n, g) one-hot matrix), computed
    once for each segment the days touch; days map to segments by ``segment_index``.
    """
    if end <= start:
        raise InputError(f"empty range [{start}, {end})", hint="--to must be after --from")
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    seg = _segment_of(c, days)
    _, first, pos = np.unique(seg, return_index=True, return_inverse=True)
    starts = np.array(days, dtype="datetime64[D]")[first]
    groupings = [b for b in by if b != "authority"]
    tot = segment_totals(c, flows, starts, by=groupings, eu_members=eu_members)
    m = tot.imports_usd
    auth = tot.authorities
    daily: dict[str, Any] = {
        "date": days,
        "etr": tot.duty_usd[pos] / m if m > 0 else np.zeros(len(days)),
        "duty_usd": tot.duty_usd[pos],
        "imports_usd": np.full(len(days), m),
    }
    for j, a in enumerate(auth):
        daily[f"etr_{a}"] = tot.duty_by_authority[pos, j] / (m if m > 0 else 1.0)
    frames = []
    for b in groupings:
        g = tot.groups[b]
        keys, g_imp = g.keys, g.imports_usd
        d_days = g.duty_usd[pos]  # (days, g)
        with np.errstate(invalid="ignore", divide="ignore"):
            e_days = np.where(g_imp > 0, d_days / np.where(g_imp > 0, g_imp, 1.0), 0.0)
        nd, ng = d_days.shape
        frames.append(
            pl.DataFrame(
                {
                    "date": np.repeat(np.array(days, dtype="datetime64[D]"), ng),
                    "by": [b] * (nd * ng),
                    "key": np.tile(keys, nd),
                    "etr": e_days.ravel(),
                    "duty_usd": d_days.ravel(),
                    "imports_usd": np.tile(g_imp, nd),
                }
            ).with_columns(pl.col("date").cast(pl.Date))
        )
    by_group = (
        pl.concat(frames)
        if frames
        else pl.DataFrame(
            schema={
                "date": pl.Date,
                "by": pl.Utf8,
                "key": pl.Utf8,
                "etr": pl.Float64,
                "duty_usd": pl.Float64,
                "imports_usd": pl.Float64,
            }
        )
    )
    breaks = _to_dates(c)
    return EtrSeries(
        start=start,
        end=end,
        daily=pl.DataFrame(daily).with_columns(pl.col("date").cast(pl.Date)),
        by_group=by_group,
        authorities=auth,
        segments=tuple(breaks),
        provenance={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "flows": flows.source,
            **(provenance or {}),
        },
    )


def etr_series(
    start: dt.date | str,
    end: dt.date | str,
    *,
    flows: Flows | None = None,
    schedule: Any | None = None,
    by: Sequence[str] = ("partner",),
) -> EtrSeries:
    """The daily ETR over ``[start, end)`` by authority and by the groupings in ``by``."""
    from tariffsim.core.dates import parse_date
    from tariffsim.duties.flows import default_flows

    start = parse_date(start, field="from")
    end = parse_date(end, field="to")
    if end <= start:
        raise InputError(f"empty range [{start}, {end})", hint="--to must be after --from")
    t0 = time.perf_counter()
    sched = _schedule(schedule)
    flows = flows if flows is not None else default_flows()
    t1 = time.perf_counter()
    c = _compile(sched, flows, start, end)
    t2 = time.perf_counter()
    res = series_from_compiled(
        c,
        flows,
        start,
        end,
        by=by,
        provenance={
            "schedule": _schedule_version(sched),
            "data": _data_version(),
            "assumptions": list(getattr(c, "flags", ())),
            "seconds_load": round(t1 - t0, 3),
            "seconds_compile": round(t2 - t1, 3),
        },
    )
    t3 = time.perf_counter()
    return replace(res, provenance={**res.provenance, "seconds_aggregate": round(t3 - t2, 3)})


def rate_user_table(flows: Flows, on: Any = None, *, schedule: Any | None = None) -> DutyResult:
    """Duties on a user's table (:func:`tariffsim.duties.flows.read_user_table`).

    Without dates (``flows.dates is None``) every row is rated on ``on`` (:func:`duties_on`). With a
    date column each row is rated on its own date: rows are grouped by segment of the schedule
    (rows between the same two change days share every rule; ``schedule.batch.segment_groups``, as
    ``tariffsim rate --input`` does) and each group is rated once, on its first day. The rows keep
    the table's order and gain a ``date`` column; ``DutyResult.date`` is the earliest date and the
    totals (duty, imports, ETR) add up over all rows. Unknown HTS10 codes of every group are
    reported together (InputError naming file:line).
    """
    if flows.dates is None:
        if on is None:
            raise InputError("no date to rate the table on", hint="give --on YYYY-MM-DD")
        return duties_on(on, flows=flows, schedule=schedule)
    if on is not None:
        raise InputError(
            "the table has a date column (each row is rated on its own date); --on is not used",
            hint="drop --on, or remove the date column to rate every row on --on",
        )
    from tariffsim.schedule.batch import segment_groups

    sched = _schedule(schedule)
    groups = segment_groups(sched, flows.dates.astype(np.int64))
    where = flows.source.removeprefix("user table ").split(" (")[0]
    msgs: list[tuple[int, str]] = []
    for day, rows in groups:
        sub = flows.subset(rows)
        for i in np.flatnonzero(unknown_hs10(sched, sub, day)).tolist():
            line = int(sub.lines[i]) if sub.lines is not None else int(rows[i]) + 2
            d = str(sub.dates[i]) if sub.dates is not None else day.isoformat()
            msgs.append(
                (line, f"{where}:{line}: hs: {sub.hs10[i]} is not an HTS10 line in force on {d}")
            )
    if msgs:
        raise InputError(
            f"{len(msgs)} unknown HTS10 code(s):\n  " + "\n  ".join(m for _, m in sorted(msgs)),
            hint="check the codes against the HTS (tariffsim search WORDS finds a code)",
        )
    parts: list[pl.DataFrame] = []
    order: list[np.ndarray] = []
    first = None
    assumptions: dict[str, None] = {}  # the assumptions of every group, in order, once each
    for day, rows in groups:
        sub = flows.subset(rows)
        r = duties_on(day, flows=sub, schedule=sched)
        first = first or r
        assumptions.update(dict.fromkeys(r.provenance.get("assumptions", ())))
        assert sub.dates is not None
        parts.append(r.rows.with_columns(pl.Series("date", sub.dates).cast(pl.Date)))
        order.append(rows)
    pos = np.argsort(np.concatenate(order), kind="stable")
    rows_df = pl.concat(parts, how="diagonal_relaxed")[pos.tolist()]
    auth = tuple(dict.fromkeys(a for p in parts for a in p.columns if a.startswith("rate_")))
    rows_df = rows_df.with_columns(pl.col(list(auth)).fill_null(0.0))
    days = [d for d, _ in groups]
    assert first is not None
    prov = {
        **dict(first.provenance),
        "assumptions": list(assumptions),
        "date": f"per row, {min(days)} to {flows.dates.max()} ({len(groups)} schedule segment(s))",
    }
    return DutyResult(
        date=min(days),
        rows=rows_df,
        authorities=tuple(a.removeprefix("rate_") for a in auth),
        provenance=prov,
    )


# ---------------------------------------------------------------------------------------------
# per-segment totals (the tables the web app keeps warm; chunks of rows add up)


@dataclass(frozen=True, eq=False)
class GroupTotals:
    """One grouping of :class:`SegmentTotals`: ``keys`` (g,) sorted, ``imports_usd`` (g,),
    ``duty_usd`` (k, g) and, when asked for, ``by_authority`` (A, k, g)."""

    keys: np.ndarray
    imports_usd: np.ndarray
    duty_usd: np.ndarray
    by_authority: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class SegmentTotals:
    """Duties of a set of rows on each segment of a compiled schedule.

    Rates are piecewise constant between change days, so for segment s, rows r with 2024 value v_r,
    total rate τ_{r,s} and the part τ_{r,a,s} of authority a:

        duty_usd[s] = Σ_r τ_{r,s} v_r,     duty_by_authority[s, a] = Σ_r τ_{r,a,s} v_r,
        groups[b].duty_usd[s, j] = Σ_{r ∈ j} τ_{r,s} v_r,   groups[b].imports_usd[j] = Σ_{r ∈ j} v_r,

    and ETR_G(t) = D_{s(t),G} / M_G (the static rate of this module). The sums are linear in the
    rows: the totals of disjoint row sets with the same segments and group keys add up (``a + b``),
    which lets a caller compile a large table in chunks to bound memory.
    """

    starts: np.ndarray  # (k,) datetime64[D], the first day of each segment
    authorities: tuple[str, ...]
    imports_usd: float
    duty_usd: np.ndarray  # (k,)
    duty_by_authority: np.ndarray  # (k, A)
    groups: Mapping[str, GroupTotals]

    def __add__(self, other: SegmentTotals) -> SegmentTotals:
        if not np.array_equal(self.starts, other.starts):
            raise ValueError("segment totals over different segments do not add up")
        auths = tuple(dict.fromkeys((*self.authorities, *other.authorities)))

        def widen(t: SegmentTotals, arr: np.ndarray, axis: int) -> np.ndarray:
            shape = list(arr.shape)
            shape[axis] = len(auths)
            out = np.zeros(shape)
            for j, a in enumerate(t.authorities):
                idx: list[slice | int] = [slice(None)] * arr.ndim
                src = list(idx)
                idx[axis], src[axis] = auths.index(a), j
                out[tuple(idx)] = arr[tuple(src)]
            return out

        groups = {}
        for b, g in self.groups.items():
            h = other.groups[b]
            if not np.array_equal(g.keys, h.keys):
                raise ValueError(f"grouping {b!r}: different keys; pass the same keys= to both")
            ba = None
            if g.by_authority is not None and h.by_authority is not None:
                ba = widen(self, g.by_authority, 0) + widen(other, h.by_authority, 0)
            groups[b] = GroupTotals(
                keys=g.keys,
                imports_usd=g.imports_usd + h.imports_usd,
                duty_usd=g.duty_usd + h.duty_usd,
                by_authority=ba,
            )
        return SegmentTotals(
            starts=self.starts,
            authorities=auths,
            imports_usd=self.imports_usd + other.imports_usd,
            duty_usd=self.duty_usd + other.duty_usd,
            duty_by_authority=widen(self, self.duty_by_authority, 1)
            + widen(other, other.duty_by_authority, 1),
            groups=groups,
        )


def _group_sums(rates: np.ndarray, v: np.ndarray, inv: np.ndarray, g: int) -> np.ndarray:
    """(k, g) Σ_{r: inv_r = j} rates[s, r] v_r — one ``bincount`` per segment (no (k, n) temporary
    and no transposed copies)."""
    out = np.empty((rates.shape[0], g))
    for i in range(rates.shape[0]):
        out[i] = np.bincount(inv, weights=rates[i] * v, minlength=g)
    return out


def segment_totals(
    c: CompiledLike,
    flows: Flows,
    starts: Sequence[dt.date] | np.ndarray,
    *,
    by: Sequence[str] = (),
    by_authority: Sequence[str] = (),
    keys: Mapping[str, np.ndarray] | None = None,
    eu_members: Sequence[str] | None = None,
) -> SegmentTotals:
    """:class:`SegmentTotals` of ``flows`` on the segments starting on ``starts`` (any days inside
    the compiled range; each is mapped to its compiled segment with ``segment_index``).

    ``by``: groupings (``partner``, ``group``, ``chapter``, ``section``); ``by_authority``: those of
    them also split by authority; ``keys``: the full, sorted key set of a grouping (so that chunks
    of one table give aligned totals; a row whose key is missing raises ``ValueError``). Group
    sums are sparse one-hot products, (S^T (T ∘ v)^T)^T with S the (n, g) indicator matrix.
    """
    import scipy.sparse as sp

    st = np.asarray(starts, dtype="datetime64[D]")
    idx = np.asarray(c.segment_index(st), dtype=np.int64)
    v = np.asarray(flows.value_usd, dtype=np.float64)
    total_all = np.asarray(c.total, dtype=np.float64)
    # the (k, n) rates of the segments asked for (a view when they are all the compiled ones)
    total = total_all if np.array_equal(idx, np.arange(len(total_all))) else total_all[idx]
    auth = _authorities(c)
    k = len(st)
    points = _authority_points(c, v)  # (k_all,) per authority, without dense (k, n) arrays
    dba = np.stack([points[a][idx] for a in auth], axis=1) if auth else np.zeros((k, 0))
    group_dot = getattr(c, "authority_group_dot", None)  # without dense (k, n) arrays
    parts: dict[str, np.ndarray] = {}
    if group_dot is None and any(b in by_authority for b in by):
        parts = {a: np.asarray(c.by_authority[a], dtype=np.float64)[idx] for a in auth}
    groups: dict[str, GroupTotals] = {}
    for b in by:
        rk = row_keys(flows, b, eu_members=eu_members).astype(str)
        if keys is not None and b in keys:
            uk = np.asarray(keys[b]).astype(str)
            inv = np.searchsorted(uk, rk)
            inv_ok = np.minimum(inv, len(uk) - 1) if len(uk) else inv
            if len(rk) and (not len(uk) or np.any(uk[inv_ok] != rk)):
                raise ValueError(f"grouping {b!r}: a row's key is not in keys[{b!r}]")
        else:
            uk, inv = np.unique(rk, return_inverse=True)
        g = len(uk)
        s = sp.csr_matrix((np.ones(len(inv)), (np.arange(len(inv)), inv)), shape=(len(inv), g))
        ba = None
        if b in by_authority and not auth:
            ba = np.zeros((0, k, g))
        elif b in by_authority and group_dot is not None:
            per = group_dot(v, inv, g)
            ba = np.stack([per[a][idx] for a in auth], axis=0)
        elif b in by_authority:
            ba = np.stack([np.asarray((s.T @ (parts[a] * v).T).T) for a in auth], axis=0)
        groups[b] = GroupTotals(
            keys=uk,
            imports_usd=np.bincount(inv, weights=v, minlength=g).astype(np.float64),
            duty_usd=_group_sums(total, v, inv, g),
            by_authority=ba,
        )
    return SegmentTotals(
        starts=st,
        authorities=auth,
        imports_usd=float(v.sum()),
        duty_usd=total @ v,
        duty_by_authority=dba,
        groups=groups,
    )
