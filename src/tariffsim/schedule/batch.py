"""Rating a table of entries (``origin, hs, date[, value_usd]``) — the ``rate --input`` command.

A column named after a declared share (``share: declared:<name>`` in a measure, e.g.
``advanced_semiconductor``) gives that share per row (a fraction; blank = the measure's default).
A ``usmca_share`` column gives the share of the row's value entered under USMCA (the schedule's
``usmca`` share; blank = the data default, the 2024 claim share of the HTS10 × origin).

Validation is vectorised and reports every bad row as ``file:line: column: problem`` (line 1 is the
header). Rating groups rows by segment of the schedule (rows whose dates fall between the same two
change days share every rule) and compiles each group once on one of its dates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tariffsim.core.dates import to_day_number
from tariffsim.core.errors import InputError


def _resolve_origins(values: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Distinct origin texts → (ISO3, None) or (None, problem)."""
    from tariffsim.core import countries
    from tariffsim.core.errors import UnknownCountryError

    out: dict[str, tuple[str | None, str | None]] = {}
    for v in values:
        if v is None or not str(v).strip():
            out[v] = (None, "origin: empty")
            continue
        try:
            code = countries.resolve(v)
        except UnknownCountryError as exc:
            hint = f" (did you mean {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            out[v] = (None, f"origin: unknown country {v!r}{hint}")
            continue
        if countries.is_group(code):
            out[v] = (None, f"origin: {v!r} is a group; give the member country of origin")
        else:
            out[v] = (code, None)
    return out


ENTRY_HINT = "a header line origin,hs,date[,value_usd] then one entry per line"


def read_entries(source: Any, *, name: str) -> tuple[Any, dict[str, str]]:
    """Read a CSV of entries (a path, or the bytes of an upload) → (frame of strings, columns).

    ``columns`` maps the lower-cased names ``origin, hs, date[, value_usd, <declared shares>]`` to the
    file's own header names. A file that is missing, empty, not CSV or not UTF-8, or whose header
    lacks origin/hs/date, is one :class:`InputError` naming the file (and line 1 for the header).
    """
    import io
    from pathlib import Path

    import polars as pl

    if isinstance(source, bytes | bytearray):
        if not source.strip():
            raise InputError(f"{name}: empty file", hint=ENTRY_HINT)
        src: Any = io.BytesIO(source)
    else:
        if Path(source).is_dir():
            raise InputError(f"{name}: is a folder, not a file", hint="give the path of a CSV file")
        if not Path(source).exists():
            raise InputError(f"{name}: file not found", hint="check the path")
        src = source
    try:
        df = pl.read_csv(src, infer_schema_length=0, null_values=[""])
    except Exception as exc:  # polars parse errors
        why = (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:200]
        raise InputError(
            f"{name}: malformed CSV ({why})",
            hint="save the file as 'CSV UTF-8'" if "utf-8" in why.lower() else ENTRY_HINT,
        ) from None
    cols = {c.strip().lower(): c for c in df.columns}
    missing = [c for c in ("origin", "hs", "date") if c not in cols]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (found: {', '.join(df.columns) or 'none'})",
            where=f"{name}:1",
            hint="the header must name origin, hs, date (and optionally value_usd)",
        )
    return df, cols


def declared_shares(schedule: Any) -> list[str]:
    """Names of the shares the schedule's measures take per entry (``share: declared:<name>``)."""
    from tariffsim.schedule.rules import DECLARED_PREFIX

    out = {
        m.share[len(DECLARED_PREFIX) :]
        for m in schedule.rules.measures
        if m.share and m.share.startswith(DECLARED_PREFIX)
    }
    return sorted(out)


def declared_default(schedule: Any, name: str) -> float:
    """The ``share_default`` of the measure(s) declaring share ``name`` (0 if none gives one)."""
    from tariffsim.schedule.rules import DECLARED_PREFIX

    return next(
        (
            float(m.share_default or 0.0)
            for m in schedule.rules.measures
            if m.share == DECLARED_PREFIX + name
        ),
        0.0,
    )


def usmca_defaults(schedule: Any, hs10: np.ndarray, iso3: np.ndarray) -> np.ndarray:
    """The data's USMCA claim share of each row (HTS10 × origin; 0 for other origins or lines the
    2024 table lacks) — what the schedule uses when no ``usmca`` share is given.

    Vectorised form of ``schedule.rules.shares.usmca_share(hs10, iso3)``.
    """
    hs10 = np.asarray(hs10, dtype=str)
    iso3 = np.asarray(iso3, dtype=str)
    out = np.zeros(len(hs10))
    tabs = schedule.rules.shares.usmca
    for o in np.unique(iso3).tolist():
        tab = tabs.get(o)
        if tab is None or not len(tab[0]):
            continue
        rows = np.flatnonzero(iso3 == o)
        codes = hs10[rows].astype(np.int64)
        i = np.minimum(np.searchsorted(tab[0], codes), len(tab[0]) - 1)
        hit = tab[0][i] == codes
        out[rows[hit]] = tab[1][i[hit]]
    return out


def share_column(raw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Texts of a share column → (values, NaN where blank; mask of bad cells: not a number in [0, 1])."""
    import polars as pl

    sr = pl.Series(list(raw), dtype=pl.Utf8).str.strip_chars()
    blank = (sr.is_null() | (sr == "")).to_numpy()
    vals = sr.cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy().copy()
    with np.errstate(invalid="ignore"):
        ok = (vals >= 0.0) & (vals <= 1.0)  # NaN (not a number, or "nan") fails
    bad = ~blank & ~ok
    vals[~ok] = np.nan
    return vals, bad


def segment_groups(schedule: Any, day: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """Rows grouped by segment of the schedule: ``[(first day of the group, row indices)]``.

    Rows whose day numbers (days since 1970-01-01) fall between the same two change days share
    every rule, so each group is compiled once, on its earliest day.
    """
    from tariffsim.core.dates import from_day_number

    day = np.asarray(day, dtype=np.int64)
    change = np.asarray(schedule.rules.change_days(), dtype=np.int64)
    seg = np.searchsorted(change, day, side="right")
    out = []
    for sgm in np.unique(seg):
        sel = np.flatnonzero(seg == sgm)
        out.append((from_day_number(int(day[sel].min())), sel))
    return out


def rate_frame(schedule: Any, df: Any, *, cols: dict[str, str], name: str) -> tuple[Any, list[str]]:
    """(rated frame of the good rows, problems ``"file:line: …"`` of the bad rows, in line order)."""
    import polars as pl

    n = df.height
    origin_raw = df.get_column(cols["origin"]).cast(pl.Utf8).str.strip_chars()
    hs = df.get_column(cols["hs"]).cast(pl.Utf8).str.replace_all(r"[\s.\-]", "")
    date_col = df.get_column(cols["date"]).cast(pl.Utf8).str.strip_chars()
    dates = date_col.str.to_date("%Y-%m-%d", strict=False)
    date_raw = date_col.to_list()

    problems: list[list[str]] = [[] for _ in range(n)]

    def flag(mask: np.ndarray, text_of: Any) -> None:
        for i in np.flatnonzero(mask).tolist():
            problems[i].append(text_of(i))

    # origins
    uniq = origin_raw.unique().to_list()
    resolved = _resolve_origins(uniq)
    iso = origin_raw.replace_strict(
        {k: v[0] for k, v in resolved.items() if k is not None}, default=None, return_dtype=pl.Utf8
    )
    bad_o = iso.is_null().to_numpy()
    o_list = origin_raw.to_list()
    flag(bad_o, lambda i: resolved.get(o_list[i], (None, "origin: empty"))[1] or "origin: invalid")
    # HS codes
    hs_np = np.asarray(hs.fill_null("").to_list(), dtype=str)
    ok_hs = (np.char.str_len(hs_np) == 10) & np.char.isdigit(hs_np)
    raw_hs = df.get_column(cols["hs"]).cast(pl.Utf8).to_list()
    flag(
        ~ok_hs,
        lambda i: (
            f"hs: {raw_hs[i]!r} is not a 10-digit HTS code"
            + (" (8 digits: give the statistical line)" if len(hs_np[i]) == 8 else "")
        ),
    )
    # dates
    bad_d = dates.is_null().to_numpy()
    flag(bad_d, lambda i: f"date: {date_raw[i]!r} is not a date (YYYY-MM-DD)")
    lo, hi = schedule.coverage.start, schedule.coverage.last_day
    day = np.where(bad_d, 0, (dates.cast(pl.Int64).fill_null(0)).to_numpy())
    out_cov = ~bad_d & ((day < to_day_number(lo)) | (day > to_day_number(hi)))
    flag(
        out_cov, lambda i: f"date: {date_raw[i]} is outside the schedule's coverage ({lo} to {hi})"
    )
    # value
    value = None
    if "value_usd" in cols:
        vcol = df.get_column(cols["value_usd"]).cast(pl.Utf8).str.strip_chars()
        value_s = vcol.cast(pl.Float64, strict=False)
        vraw = vcol.to_list()
        bad_v = (value_s.is_null() | (value_s < 0).fill_null(True)).to_numpy()
        flag(bad_v, lambda i: f"value_usd: {vraw[i]!r} is not a non-negative number")
        value = value_s.fill_null(0.0).to_numpy()
    # declared shares (share: declared:<name>): an optional column <name> with a fraction per row;
    # usmca_share: the schedule's ``usmca`` share (blank = the data default, filled in below)
    declared: dict[str, np.ndarray] = {}
    for dname in [*declared_shares(schedule), "usmca_share"]:
        col = cols.get(dname) or (dname if dname in df.columns else None)
        if col is not None:
            draw = df.get_column(col).cast(pl.Utf8).to_list()
            vals, bad = share_column(draw)
            flag(bad, lambda i, d=dname, r=draw: f"{d}: {r[i]!r} is not a share between 0 and 1")
            if dname == "usmca_share":
                declared["usmca"] = vals
            else:
                declared[dname] = np.where(np.isnan(vals), declared_default(schedule, dname), vals)
    # HS code known in the edition in force on the row's date
    good = ~np.array([bool(p) for p in problems], dtype=bool)
    mfn = next((m for m in schedule.rules.measures if m.is_mfn), None)
    if mfn is not None and good.any():
        vi = np.searchsorted(mfn.starts, day, side="right") - 1
        for j in np.unique(vi[good]):
            rows = np.flatnonzero(good & (vi == j))
            v = mfn.values[j] if j >= 0 else None
            if v is None or not v.edition:
                continue
            ed = schedule.rules.editions[v.edition]
            known = ed.locate(hs_np[rows].astype(np.int64))[1] >= 0  # HTS8/HS6 fallbacks count
            for i in rows[~known].tolist():
                near = schedule.nearest_codes(hs_np[i], int(day[i]), n=3)
                problems[i].append(
                    f"hs: {hs_np[i]} is not an HTS10 line of edition {ed.name}"
                    + (f" (nearest: {', '.join(near)})" if near else "")
                )

    errors = [f"{name}:{i + 2}: {'; '.join(p)}" for i, p in enumerate(problems) if p]
    good = ~np.array([bool(p) for p in problems], dtype=bool)
    idx = np.flatnonzero(good)

    auths = schedule.authorities
    total = np.zeros(len(idx))
    by_auth = {a: np.zeros(len(idx)) for a in auths}
    if len(idx):
        iso_np = np.asarray(iso.fill_null("").to_list(), dtype=str)
        if "usmca" in declared:  # blank cells: the data's claim share of the row
            u = declared["usmca"]
            blank = idx[np.isnan(u[idx])]
            u[blank] = usmca_defaults(schedule, hs_np[blank], iso_np[blank])
        for on, sel in segment_groups(schedule, day[idx]):
            rows = idx[sel]
            c = schedule.compile(
                hs_np[rows],
                iso_np[rows],
                on,
                shares={k: v[rows] for k, v in declared.items()} or None,
            )
            total[sel] = c.total[0]
            for a, arr in c.by_authority.items():
                by_auth[a][sel] = arr[0]
    out = df[idx.tolist()] if len(idx) < n else df
    extra = [pl.Series("total_rate", total)]
    if value is not None:
        extra.append(pl.Series("duty_usd", value[idx] * total))
    extra += [pl.Series(f"rate_{a}", by_auth[a]) for a in auths]
    out = out.with_columns(extra)
    return out, errors


def rounded(frame: Any) -> Any:
    """The rated frame for output: rates rounded to 1e-10 (``total_rate``, ``rate_<authority>``;
    beyond that the digits are floating-point noise, e.g. 0.16025145501750002) and ``duty_usd`` to
    cents."""
    import polars as pl

    rate_cols = [c for c in frame.columns if c == "total_rate" or c.startswith("rate_")]
    exprs = [pl.col(c).round(10) for c in rate_cols if frame.schema[c].is_float()]
    if "duty_usd" in frame.columns:
        exprs.append(pl.col("duty_usd").round(2))
    return frame.with_columns(exprs) if exprs else frame
