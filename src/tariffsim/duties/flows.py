"""Trade flows that duties are computed on: the 2024 HS10 × partner imports, or a user's table.

A :class:`Flows` holds parallel arrays — HTS10 code, origin (ISO3), customs value (USD) — plus the
per-row shares the schedule's measures multiply by (USMCA-qualifying share of Canadian and Mexican
imports, metal content of Section 232 derivatives). The default is US imports for consumption in
2024 by HTS10 × partner (Census, chapters 01–97; 334,728 rows, 3,123.8 bn USD), with:

- ``steel_content`` / ``aluminum_content`` / ``copper_content`` / ``metal_content``: the metal share of
  the product's value from BEA input–output tables (``product_lists/metal_content_shares_bea_hs10.csv``),
  with an HTS8/HS6 fallback for codes the table lacks (:func:`metal_content_shares`);
- ``usmca``: the share of each HTS10 × Canada/Mexico value that entered under USMCA in 2024
  (``product_lists/usmca_product_shares_2024.csv``), attached by the schedule itself; a user's table
  may override it row by row with a ``usmca_share`` column (a blank cell keeps the 2024 share).

The schedule derives ``non_usmca`` = 1 − usmca and ``non_metal_content`` = 1 − metal_content.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from tariffsim.core.errors import InputError


@dataclass(frozen=True, eq=False)
class Flows:
    """Import flows: ``hs10`` (str), ``origin`` (ISO3 str), ``value_usd`` (float), all of length n.

    ``shares`` maps schedule share names (``usmca``, ``steel_content`` …) to arrays of length n.
    ``source`` says where the flows come from (kept as provenance in every result).
    """

    hs10: np.ndarray
    origin: np.ndarray
    value_usd: np.ndarray
    shares: Mapping[str, np.ndarray] = field(default_factory=dict)
    source: str = "user table"
    lines: np.ndarray | None = None  # line number of each row in the user's file, for errors
    dates: np.ndarray | None = None  # datetime64[D] per row when the table has a date column

    def __post_init__(self) -> None:
        n = len(self.hs10)
        if len(self.origin) != n or len(self.value_usd) != n:
            raise ValueError("hs10, origin and value_usd must have the same length")
        for k, v in self.shares.items():
            if len(v) != n:
                raise ValueError(f"share {k!r} has length {len(v)}, expected {n}")
        if self.dates is not None and len(self.dates) != n:
            raise ValueError(f"dates has length {len(self.dates)}, expected {n}")

    def subset(self, rows: np.ndarray) -> Flows:
        """The flows of the given row indices (shares, line numbers and dates follow)."""
        return Flows(
            hs10=self.hs10[rows],
            origin=self.origin[rows],
            value_usd=self.value_usd[rows],
            shares={k: np.asarray(v)[rows] for k, v in self.shares.items()},
            source=self.source,
            lines=None if self.lines is None else self.lines[rows],
            dates=None if self.dates is None else self.dates[rows],
        )

    @property
    def n(self) -> int:
        return len(self.hs10)

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "hs10": self.hs10.astype(str),
                "origin": self.origin.astype(str),
                "imports_usd": self.value_usd.astype(np.float64),
            }
        )


_DEFAULT: Flows | None = None

_METALS = ("steel_content", "aluminum_content", "copper_content", "metal_content")


def metal_content_shares(hs10: np.ndarray | list[str]) -> dict[str, np.ndarray]:
    """Steel / aluminum / copper / total metal content (share of value) of each HTS10 code.

    The schedule's own shares (:meth:`tariffsim.schedule.rules.Shares.metal_values`): the BEA
    input–output shares by HTS10 (``lists.metal_content_shares``), clipped to [0, 1]; the table is
    keyed by the HTS10 codes of its vintage and statistical suffixes change every year (the 2024
    trade data have 3004.90.92.01, the table 3004.90.92.03), so a code absent from it takes the mean
    of its HTS8, else of its HS6 family; only a code unknown at HS6 gets 1.0 (the whole value).
    The schedule derives these itself when rating; this exposes them for reports and tests.
    """
    from tariffsim.schedule import load_schedule

    codes = np.asarray(hs10).astype(np.int64)
    sh = load_schedule().rules.shares
    return {name: sh.metal_values(name, codes) for name in _METALS}


def default_flows() -> Flows:
    """US imports for consumption 2024 by HTS10 × partner (cached; 334,728 rows).

    The schedule attaches the per-row shares itself: metal contents (:func:`metal_content_shares`)
    and the USMCA claim shares (by HTS10 × origin, ``lists.usmca_shares``).
    """
    global _DEFAULT
    if _DEFAULT is not None:
        return _DEFAULT
    from tariffsim.data import census

    imp = census.imports_2024().select("hs10", "iso3", "imports_usd")
    n = imp.height
    hs10 = imp["hs10"].to_numpy().astype("<U10")
    _DEFAULT = Flows(
        hs10=hs10,
        origin=imp["iso3"].fill_null("").to_numpy().astype("<U3"),
        value_usd=imp["imports_usd"].cast(pl.Float64).to_numpy(),
        source=f"Census imports for consumption 2024, HTS10 x partner ({n:,} rows)",
    )
    return _DEFAULT


# ---------------------------------------------------------------------------------------------
# A user's import table


def read_user_table(path: str | Path, *, schedule: Any | None = None) -> Flows:
    """Read a CSV import table with columns ``origin, hs, value_usd`` (one entry per line).

    ``origin``: ISO3 code, country name or Census code; ``hs``: an HTS10 code (dots allowed);
    ``value_usd``: customs value. Every bad row is reported at once (InputError naming file:line and
    field); nothing is computed if any row is bad. Optional columns:

    - ``usmca_share`` (0–1): the share of the line's value entered under USMCA; a blank cell, like
      an absent column, means the schedule's data default (the 2024 claim share of the HTS10 ×
      origin for Canada and Mexico, else 0);
    - a declared share of the schedule (``share: declared:<name>`` in a measure, e.g.
      ``advanced_semiconductor``; the same columns as ``tariffsim rate --input``), 0–1, blank = the
      measure's default;
    - ``date`` (YYYY-MM-DD, inside the schedule's coverage): the day each row is rated on
      (:func:`rate_user_table`).

    ``schedule``: whose declared shares, coverage and USMCA data apply (default: the US library).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(
            f"{p}: {'is a folder, not a file' if p.is_dir() else 'no such file'}",
            hint="give the path of a CSV with columns origin,hs,value_usd",
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
            hint="save the table as 'CSV UTF-8' (comma-separated, UTF-8 encoded)",
        ) from None
    return parse_user_table(text, name=str(p), schedule=schedule)


_BASIC = {"origin", "hs", "value_usd"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_user_table(text: str, *, name: str = "<table>", schedule: Any | None = None) -> Flows:
    """Parse CSV text (see :func:`read_user_table`)."""
    from tariffsim.core import countries
    from tariffsim.core.dates import to_day_number
    from tariffsim.core.hs import normalize_hs
    from tariffsim.schedule.batch import (
        declared_default,
        declared_shares,
        share_column,
        usmca_defaults,
    )

    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    aliases = {"hs10": "hs", "hts": "hs", "hts10": "hs", "value": "value_usd", "country": "origin"}
    cols = [aliases.get(c, c) for c in cols]
    need = {"origin", "hs", "value_usd"}
    if not need <= set(cols):
        raise InputError(
            f"missing column(s) {', '.join(sorted(need - set(cols)))} (found: {', '.join(cols) or 'none'})",
            where=f"{name}:1",
            hint="the first line must be a header: origin,hs,value_usd",
        )
    sched = schedule
    if sched is None and set(cols) - _BASIC:  # the schedule is needed only for the extra columns
        from tariffsim.schedule import load_schedule

        sched = load_schedule()
    share_cols = [c for c in ["usmca_share", *declared_shares(sched)] if c in cols] if sched else []
    has_date = "date" in cols
    if has_date:
        lo, hi = sched.coverage.start, sched.coverage.last_day
        lo_n, hi_n = to_day_number(lo), to_day_number(hi)
    errors: list[str] = []
    line_out: list[int] = []
    hs_out: list[str] = []
    org_out: list[str] = []
    val_out: list[float] = []
    share_raw: dict[str, list[str]] = {c: [] for c in share_cols}
    day_out: list[int] = []
    for lineno, raw in enumerate(reader, start=2):
        row = {
            aliases.get(k.strip().lower(), k.strip().lower()): (v or "").strip()
            for k, v in raw.items()
            if k
        }
        bad: list[str] = []
        try:
            hs = normalize_hs(row["hs"], field="hs")
            if len(hs) != 10:
                bad.append(f"hs: {row['hs']!r} has {len(hs)} digits; give the 10-digit HTS code")
        except InputError as e:
            bad.append(e.message)
            hs = ""
        try:
            iso = countries.resolve(row["origin"])
            if countries.is_group(iso):
                bad.append(f"origin: {row['origin']!r} is a group; give one country (ISO3)")
        except InputError as e:
            bad.append(f"origin: {e.message}" + (f" ({e.hint})" if e.hint else ""))
            iso = ""
        try:
            v = float(row["value_usd"].replace(",", "").replace("_", ""))
            if not np.isfinite(v) or v < 0:
                raise ValueError
        except ValueError:
            bad.append(f"value_usd: {row['value_usd']!r} is not a non-negative number")
            v = 0.0
        for c in share_cols:
            if share_column([row.get(c, "")])[1][0]:
                bad.append(f"{c}: {row.get(c, '')!r} is not a share between 0 and 1")
        day = 0
        if has_date:
            d = np.datetime64("NaT")
            text_d = row.get("date", "")
            if _ISO_DAY.fullmatch(text_d):
                with contextlib.suppress(ValueError):  # e.g. 2025-02-30
                    d = np.datetime64(text_d, "D")
            if np.isnat(d):
                bad.append(f"date: {text_d!r} is not a date (YYYY-MM-DD)")
            else:
                day = int(d.astype(np.int64))
                if not lo_n <= day <= hi_n:
                    bad.append(f"date: {text_d} is outside the schedule's coverage ({lo} to {hi})")
        if bad:
            errors.extend(f"{name}:{lineno}: {b}" for b in bad)
            continue
        line_out.append(lineno)
        hs_out.append(hs)
        org_out.append(iso)
        val_out.append(v)
        day_out.append(day)
        for c in share_cols:
            share_raw[c].append(row.get(c, ""))
    if errors:
        raise InputError(
            f"{len(errors)} bad field(s) in {name}:\n  " + "\n  ".join(errors),
            hint="fix the rows listed (origin: ISO3 code or country name; hs: 10-digit HTS; "
            "value_usd: number; shares: 0 to 1; date: YYYY-MM-DD)",
        )
    if not hs_out:
        raise InputError(
            f"{name}: no data rows", hint="add lines origin,hs,value_usd below the header"
        )
    n = len(hs_out)
    hs_a = np.array(hs_out, dtype="<U10")
    org_a = np.array(org_out, dtype="<U3")
    shares: dict[str, np.ndarray] = {}
    for c in share_cols:
        vals = share_column(share_raw[c])[0]
        blank = np.isnan(vals)
        if c == "usmca_share":  # blank = the data default of the row, as without the column
            vals[blank] = usmca_defaults(sched, hs_a[blank], org_a[blank])
            shares["usmca"] = vals
        else:
            vals[blank] = declared_default(sched, c)
            shares[c] = vals
    return Flows(
        hs10=hs_a,
        origin=org_a,
        value_usd=np.array(val_out, dtype=np.float64),
        shares=shares,
        lines=np.array(line_out, dtype=np.int64),
        dates=np.array(day_out, dtype="datetime64[D]") if has_date else None,
        source=f"user table {name} ({n} rows)",
    )


def rate_user_table(flows: Flows, on: Any = None, *, schedule: Any | None = None) -> Any:
    """Duties on a user's table (:class:`tariffsim.duties.etr.DutyResult`).

    Without dates (``flows.dates is None``) every row is rated on ``on`` (``duties_on``). With a
    date column each row is rated on its own date: rows are grouped by segment of the schedule
    (rows between the same two change days share every rule; ``schedule.batch.segment_groups``, as
    ``tariffsim rate --input`` does) and each group is rated once, on its first day. The rows keep
    the table's order and gain a ``date`` column; ``DutyResult.date`` is the earliest date and the
    totals (duty, imports, ETR) add up over all rows. Unknown HTS10 codes of every group are
    reported together (InputError naming file:line).
    """
    import datetime as dt

    from tariffsim.duties.etr import duties_on, unknown_hs10

    if flows.dates is None:
        if on is None:
            raise InputError("no date to rate the table on", hint="give --on YYYY-MM-DD")
        return duties_on(on, flows=flows, schedule=schedule)
    if on is not None:
        raise InputError(
            "the table has a date column (each row is rated on its own date); --on is not used",
            hint="drop --on, or remove the date column to rate every row on --on",
        )
    from tariffsim.duties.etr import DutyResult
    from tariffsim.schedule import load_schedule
    from tariffsim.schedule.batch import segment_groups

    sched = schedule if schedule is not None else load_schedule()
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
            hint="check the codes against the HTS (tariffsim rate shows the lines of a heading)",
        )
    parts: list[pl.DataFrame] = []
    order: list[np.ndarray] = []
    first = None
    for day, rows in groups:
        sub = flows.subset(rows)
        r = duties_on(day, flows=sub, schedule=sched)
        first = first or r
        parts.append(r.rows.with_columns(pl.Series("date", sub.dates.astype(dt.date))))
        order.append(rows)
    pos = np.argsort(np.concatenate(order), kind="stable")
    rows_df = pl.concat(parts, how="diagonal_relaxed")[pos.tolist()]
    auth = tuple(dict.fromkeys(a for p in parts for a in p.columns if a.startswith("rate_")))
    rows_df = rows_df.with_columns(pl.col(list(auth)).fill_null(0.0))
    days = [d for d, _ in groups]
    assert first is not None
    prov = {
        **dict(first.provenance),
        "date": f"per row, {min(days)} to {flows.dates.max()} ({len(groups)} schedule segment(s))",
    }
    return DutyResult(
        date=min(days),
        rows=rows_df,
        authorities=tuple(a.removeprefix("rate_") for a in auth),
        provenance=prov,
    )
