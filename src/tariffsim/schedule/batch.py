"""Users' tables of entries: the one validator behind ``rate --input``, ``duties`` and the web
upload, and the rating of a table.

**Reading**: :func:`tariffsim.core.tables.read_table` (the same columns and aliases everywhere;
blank rows skipped and counted; whole-file problems refused with a fix-it hint).

**Validation** (:func:`check_entries`): every value is read by :mod:`tariffsim.core.inputs`, so a
code or number typed in a table is accepted or refused exactly as on the command line: ``origin``
(ISO3 code, name or Census code; not a group), ``hs`` (a 10-digit HTS code in any digit script;
hints for a dropped leading zero, ``.0`` or ``8.70323E+09``), ``date`` (``2025-04-05`` or
``20250405``, inside the schedule's coverage), ``value_usd`` (finite and ≥ 0; ``12,500`` accepted,
NaN/inf/``1e309`` refused), ``usmca_share`` and the declared shares of the schedule's measures
(``share: declared:<name>``, e.g. ``advanced_semiconductor``) as fractions in [0, 1], blank = the
data or measure default. Every problem of every row is reported as ``file:line: column: problem``.

A ``claim`` column (aliases ``spi``, ``program``) names the preference each entry claims, as
``rate --claim`` does (:func:`tariffsim.schedule.claims.normalize_claim`: a special program
indicator such as ``S``, ``KR``, ``A+`` or a program name such as ``usmca``, any case; blank = no
claim); a claim the row's origin cannot make is refused as ``rate`` refuses it.

**Rating** (:func:`rate_table`): each row is an entry (``basis="entry"``): it pays the preference
it claims and nothing else; a ``usmca_share`` value is the declared share of the entry's value
claiming USMCA (blank = the ``claim`` column decides: 1 for a USMCA claim, else 0). With
``usmca_share="data"`` the rows are priced as trade flows instead (``basis="flows"``): a blank
``usmca_share`` takes the share of the row's HTS10 × origin value that claimed USMCA in 2024 — a
blend no single entry pays, so the result says so in its flags. Rows are grouped by segment of the
schedule (rows whose dates fall between the same two change days share every rule) and each group
is compiled once, on one of its dates. The HS code must be a line of the HTS edition in force on
the row's date (its HTS8 or HS6 family counts, as the schedule rates it); otherwise the nearest
lines are suggested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.core.dates import to_day_number
from tariffsim.core.errors import show
from tariffsim.core.inputs import date_column, hs_column, number_column
from tariffsim.core.tables import (
    TableError,
    UserTable,
    read_table,
    require_columns,
    table_from_frame,
)

__all__ = [
    "DATA_SHARES_FLAG",
    "Entries",
    "RatedTable",
    "TableError",
    "UserTable",
    "check_entries",
    "declared_shares",
    "fill_usmca",
    "rate_frame",
    "rate_table",
    "read_entries",
    "read_table",
    "rounded",
    "segment_groups",
    "usmca_defaults",
]

# --- validation ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Entries:
    """A validated table: per row the parsed values and the problems (``ok`` = none).

    ``iso3``, ``hs10`` (``<U10``), ``day`` (days since 1970-01-01; -1 when absent or bad),
    ``value`` (NaN when absent or bad), ``shares`` (schedule share name → fractions, NaN = blank:
    ``usmca`` for ``usmca_share`` (blanks filled by :func:`fill_usmca`), and each declared share;
    a blank declared share stays NaN and the schedule rates it with the measure's default on the
    basis it rates on, as when the column is absent), ``claims`` (the program key of the ``claim``
    column per row, ``""`` = no claim; None unless asked for and present).
    """

    table: UserTable
    ok: np.ndarray
    problems: dict[int, list[str]]
    iso3: np.ndarray
    hs10: np.ndarray
    day: np.ndarray
    value: np.ndarray | None
    shares: dict[str, np.ndarray]
    claims: np.ndarray | None = None  # program key per row ("" = no claim), with ``claims=True``

    def errors(self) -> list[str]:
        """``file:line: column: problem; …`` for each bad row, in file order."""
        name = self.table.name
        return [
            f"{name}:{int(self.table.lines[i])}: {'; '.join(self.problems[i])}"
            for i in sorted(self.problems)
        ]


def _resolve_origins(values: list[str | None]) -> dict[str | None, tuple[str | None, str | None]]:
    """Distinct origin texts → (ISO3, None) or (None, problem)."""
    from tariffsim.core import countries
    from tariffsim.core.errors import UnknownCountryError

    out: dict[str | None, tuple[str | None, str | None]] = {}
    for v in values:
        if v is None or not v.strip():
            out[v] = (None, "origin: blank")
            continue
        try:
            code = countries.resolve(v)
        except UnknownCountryError as exc:
            hint = f" (did you mean {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            out[v] = (None, f"origin: unknown country {show(v)}{hint}")
            continue
        if countries.is_group(code):
            out[v] = (None, f"origin: {show(v)} is a group; give the member country of origin")
        else:
            out[v] = (code, None)
    return out


def check_entries(
    schedule: Any,
    table: UserTable,
    *,
    need: tuple[str, ...] = ("origin", "hs", "date"),
    check_codes: bool = True,
    claims: bool = False,
) -> Entries:
    """Validate every row of ``table`` against ``schedule`` (see the module doc).

    ``need``: the standard columns that must be present (``date`` and ``value_usd`` are read when
    present either way). ``check_codes``: also check each HS code against the edition in force on
    the row's date (needs a date column). ``claims``: read the ``claim`` column (when present):
    each cell a program (:func:`~tariffsim.schedule.claims.normalize_claim`) the row's origin may
    claim on its date, and no ``usmca_share`` above 0 on a row claiming another program.
    """
    import polars as pl

    hint = (
        "the header must name "
        + ", ".join(need)
        + " (and optionally "
        + ", ".join(c for c in ("date", "value_usd", "usmca_share") if c not in need)
        + ")"
    )
    require_columns(table, need, hint=hint)
    n = table.height
    problems: dict[int, list[str]] = {i: list(p) for i, p in table.row_problems.items()}

    def add(col_problems: dict[int, str]) -> None:
        for i, p in col_problems.items():
            problems.setdefault(i, []).append(p)

    # origins
    o_cells = table.column("origin")
    resolved = _resolve_origins(o_cells.unique().to_list())
    codes = {k: v[0] for k, v in resolved.items() if k is not None and v[0] is not None}
    iso3 = (
        o_cells.replace_strict(codes, default="", return_dtype=pl.Utf8)
        .fill_null("")
        .to_numpy()
        .astype("<U3")
    )
    bad_values = [k for k, v in resolved.items() if v[1] is not None]
    if bad_values:
        bad_rows = o_cells.is_in([b for b in bad_values if b is not None]).fill_null(False)
        if None in bad_values:
            bad_rows = bad_rows | o_cells.is_null()
        add(
            {
                i: resolved[o_cells[i]][1] or "origin: invalid"
                for i in np.flatnonzero(bad_rows.to_numpy()).tolist()
            }
        )
    # HS codes
    hs10, hs_problems = hs_column(table.column("hs"), length=10, field="hs")
    add(hs_problems)
    # dates
    day = np.full(n, -1, dtype=np.int64)
    if table.has("date"):
        days, d_problems = date_column(table.column("date"), field="date")
        add(d_problems)
        good = ~np.isnat(days)
        day[good] = days[good].astype(np.int64)
        lo, hi = schedule.coverage.start, schedule.coverage.last_day
        out = good & ((day < to_day_number(lo)) | (day > to_day_number(hi)))
        raw = table.column("date")
        for i in np.flatnonzero(out).tolist():
            problems.setdefault(i, []).append(
                f"date: {raw[i]} is outside the schedule's coverage ({lo} to {hi})"
            )
        day[out] = -1
    # value
    value = None
    if table.has("value_usd"):
        value, v_problems = number_column(table.column("value_usd"), field="value_usd", minimum=0.0)
        add(v_problems)
    # shares: usmca_share (the schedule's ``usmca`` share; blank = the data default, filled in by
    # :func:`fill_usmca`) and the declared shares (blank = NaN: the schedule rates it with the
    # measure's default on its basis, as if the column were absent)
    shares: dict[str, np.ndarray] = {}
    for dname in [*schedule.declared_shares(), "usmca_share"]:
        if not table.has(dname):
            continue
        vals, s_problems = number_column(
            table.column(dname), field=dname, minimum=0.0, maximum=1.0, blank_ok=True
        )
        add(
            {
                i: f"{dname}: {_cell(table, dname, i)} is not a share between 0 and 1"
                for i in s_problems
            }
        )
        shares["usmca" if dname == "usmca_share" else dname] = vals
    claim = None
    if claims and table.has("claim"):
        claim, c_problems = _claim_column(table.column("claim"), shares.get("usmca"))
        add(c_problems)
    ok = np.ones(n, dtype=bool)
    ok[list(problems)] = False
    if claim is not None and table.has("date"):
        _check_claims_available(schedule, claim, iso3, day, ok, problems)
        ok[list(problems)] = False
    if check_codes and table.has("date") and ok.any():
        _check_codes_in_edition(schedule, hs10, day, ok, problems)
        ok[list(problems)] = False
    return Entries(table, ok, problems, iso3, hs10, day, value, shares, claim)


def _claim_column(cells: Any, usmca: np.ndarray | None) -> tuple[np.ndarray, dict[int, str]]:
    """The ``claim`` cells → (program key per row, ``""`` = no claim; problems by row)."""
    from tariffsim.core.errors import InputError
    from tariffsim.schedule.claims import accepted_names, normalize_claim

    keys: dict[str | None, str] = {}
    bad: dict[str | None, str] = {}
    for v in cells.unique().to_list():
        try:
            keys[v] = normalize_claim(v) or ""
        except InputError:
            bad[v] = (
                f"claim: {show(v)} is not a special tariff program (give an indicator or name: "
                f"{accepted_names()}; blank for no claim)"
            )
    vals = cells.to_list()
    out = np.array([keys.get(v, "") for v in vals], dtype=object)
    problems = {i: bad[v] for i, v in enumerate(vals) if v in bad}
    if usmca is not None:  # an entry claims one program: no USMCA share on another's claim
        other = (out != "") & (out != "usmca") & ~np.isnan(usmca) & (usmca > 0)
        for i in np.flatnonzero(other).tolist():
            problems.setdefault(
                i,
                f"usmca_share: {usmca[i]:g} on a row claiming {out[i]} (an entry claims one "
                "program: leave usmca_share blank or the claim usmca)",
            )
    return out, problems


def _check_claims_available(
    schedule: Any,
    claim: np.ndarray,
    iso3: np.ndarray,
    day: np.ndarray,
    ok: np.ndarray,
    problems: dict[int, list[str]],
) -> None:
    """Each good row's claim must be one its origin may make on its date (as ``rate --claim``
    checks it: :meth:`tariffsim.schedule.engine.Schedule.check_claim`)."""
    from tariffsim.core.errors import InputError

    rows = np.flatnonzero(ok & (claim != ""))
    seen: dict[tuple[str, str, int], str | None] = {}
    for i in rows.tolist():
        k = (str(claim[i]), str(iso3[i]), int(day[i]))
        if k not in seen:
            try:
                schedule.check_claim(k[0], (k[1],), k[2])
                seen[k] = None
            except InputError as exc:
                seen[k] = f"{exc} ({exc.hint})" if exc.hint else str(exc)
        if seen[k] is not None:
            problems.setdefault(i, []).append(str(seen[k]))


def _cell(table: UserTable, key: str, i: int) -> str:
    return show(table.column(key)[i])


def _check_codes_in_edition(
    schedule: Any, hs10: np.ndarray, day: np.ndarray, ok: np.ndarray, problems: dict[int, list[str]]
) -> None:
    """Each good row's HS code must be a line of the MFN edition in force on its date (its HTS8 or
    HS6 family counts, as the schedule rates it); otherwise a problem with the nearest lines."""
    mfn = next((m for m in schedule.rules.measures if m.is_mfn), None)
    if mfn is None:
        return
    vi = np.searchsorted(mfn.starts, day, side="right") - 1
    for j in np.unique(vi[ok]).tolist():
        rows = np.flatnonzero(ok & (vi == j))
        v = mfn.values[j] if j >= 0 else None
        if v is None or not v.edition:
            continue
        ed = schedule.rules.editions[v.edition]
        known = ed.locate(hs10[rows].astype(np.int64))[1] >= 0
        for i in rows[~known].tolist():
            near = schedule.nearest_codes(str(hs10[i]), int(day[i]), n=3)
            problems.setdefault(i, []).append(
                f"hs: {hs10[i]} is not an HTS10 line of edition {ed.name}"
                + (f" (nearest: {', '.join(near)})" if near else "")
            )


# --- declared and USMCA shares ---------------------------------------------------------------------


def declared_shares(schedule: Any) -> list[str]:
    """Names of the shares the schedule's measures take per entry (``share: declared:<name>``), as
    :meth:`tariffsim.schedule.engine.Schedule.declared_shares` gives them."""
    return list(schedule.declared_shares())


def usmca_defaults(schedule: Any, hs10: np.ndarray, iso3: np.ndarray) -> np.ndarray:
    """The data's USMCA claim share of each row (HTS10 × origin; 0 for other origins or lines the
    2024 table lacks) — what the schedule uses when no ``usmca`` share is given
    (:meth:`tariffsim.schedule.engine.Schedule.data_share`)."""
    if not len(hs10):
        return np.zeros(0)
    out: np.ndarray = schedule.data_share("usmca", hs10, iso3)
    return out


def fill_usmca(schedule: Any, entries: Entries, rows: np.ndarray) -> None:
    """Blank ``usmca_share`` cells of ``rows`` → the data's claim share of the row (in place)."""
    u = entries.shares.get("usmca")
    if u is None:
        return
    blank = rows[np.isnan(u[rows])]
    u[blank] = usmca_defaults(schedule, entries.hs10[blank], entries.iso3[blank])


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


# --- rating ----------------------------------------------------------------------------------------


def read_entries(source: Any, *, name: str) -> tuple[UserTable, dict[str, int]]:
    """Read a table of entries (``origin, hs, date[, value_usd, shares]``): ``(table, columns)``.

    The whole-file problems (missing columns included) are :class:`InputError`; row problems are
    found by :func:`rate_frame`.
    """
    table = read_table(source, name=name)
    require_columns(
        table,
        ("origin", "hs", "date"),
        hint="the header must name origin, hs, date (and optionally value_usd)",
    )
    return table, table.columns


DATA_SHARES_FLAG = (
    "basis: trade flows (--usmca-share data): a row without a usmca_share takes the share of its "
    "HTS10 × origin value that claimed USMCA in 2024 (data) — a blend, not what one entry pays"
)
"""The flag of a table rated with the data's USMCA shares (``usmca_share="data"``)."""


@dataclass(frozen=True, eq=False)
class RatedTable:
    """A rated table: ``frame`` (the good rows), ``errors`` (``"file:line: …"`` of the bad rows, in
    line order), ``basis`` (``"entry"`` or ``"flows"``) and ``flags`` (the assumptions behind the
    numbers: the schedule's ``Compiled.flags`` and, on the flows basis, :data:`DATA_SHARES_FLAG`)."""

    frame: Any
    errors: list[str]
    basis: str
    flags: tuple[str, ...]


def rate_table(
    schedule: Any, table: Any, *, usmca_share: str = "declared", name: str | None = None
) -> RatedTable:
    """Rate a table of entries (see the module doc).

    ``table``: a :class:`UserTable` (:func:`read_table`) or a polars frame (named ``name`` in the
    problems). ``usmca_share``: ``"declared"`` (default) rates each row as an entry
    (``basis="entry"``: its ``claim`` and declared shares; no claim = none); ``"data"`` prices the
    rows as trade flows (``basis="flows"``; a blank ``usmca_share`` = the 2024 claim share; a
    ``claim`` column is refused, since flows claim nothing). The frame keeps the table's columns as
    read (text; on the entry basis the ``claim`` column holds the program key, ``usmca`` for a row
    declaring a USMCA share, blank for none) and adds ``total_rate``, ``duty_usd`` (with a
    ``value_usd`` column) and one ``rate_<authority>`` column per authority of the schedule.
    """
    import polars as pl

    from tariffsim.core.errors import InputError

    if usmca_share not in ("declared", "data"):
        raise InputError(
            f"usmca_share: {show(usmca_share)} is not declared or data",
            hint="data prices rows as trade flows with the 2024 USMCA claim shares",
        )
    if not isinstance(table, UserTable):  # a polars frame
        table = table_from_frame(table, name=name or "<frame>")
    flows = usmca_share == "data"
    if flows and table.has("claim"):
        raise InputError(
            f"column {show(table.header_of('claim'))}: claims are made by entries, and "
            "--usmca-share data prices the rows as trade flows (the 2024 claim shares)",
            where=table.name,
            hint="drop the claim column, or drop --usmca-share data to rate each row as an entry",
        )
    e = check_entries(schedule, table, claims=not flows)
    idx = np.flatnonzero(e.ok)
    claim = e.claims if e.claims is not None else np.full(table.height, "", dtype=object)
    u = e.shares.get("usmca")
    if u is not None and not flows:  # declared share; blank = the claim column decides
        u[:] = np.where(np.isnan(u), (claim == "usmca").astype(np.float64), u)
        claim = np.where((claim == "") & (u > 0), "usmca", claim)
    auths = schedule.authorities
    total = np.zeros(len(idx))
    by_auth = {a: np.zeros(len(idx)) for a in auths}
    flags: list[str] = [DATA_SHARES_FLAG] if flows else []
    if len(idx):
        if flows:
            fill_usmca(schedule, e, idx)
        for on, sel in segment_groups(schedule, e.day[idx]):
            rows = idx[sel]
            c = schedule.compile(
                e.hs10[rows],
                e.iso3[rows],
                on,
                shares={k: v[rows] for k, v in e.shares.items()} or None,
                claims=None
                if flows or not (claim[rows] != "").any()
                else [x or None for x in claim[rows].tolist()],
                basis="flows" if flows else "entry",
            )
            total[sel] = c.total[0]
            for a, arr in c.by_authority.items():
                by_auth[a][sel] = arr[0]
            flags += [f for f in c.flags if f not in flags]
    out = table.frame(idx)
    extra = []
    if not flows:
        head = table.header_of("claim") if table.has("claim") else "claim"
        extra.append(pl.Series(head, [x or None for x in claim[idx].tolist()], dtype=pl.Utf8))
    extra.append(pl.Series("total_rate", total))
    if e.value is not None:
        extra.append(pl.Series("duty_usd", e.value[idx] * total))
    extra += [pl.Series(f"rate_{a}", by_auth[a]) for a in auths]
    return RatedTable(
        out.with_columns(extra), e.errors(), "flows" if flows else "entry", tuple(flags)
    )


def rate_frame(
    schedule: Any,
    table: Any,
    *,
    cols: Any = None,
    name: str | None = None,
    usmca_share: str = "declared",
) -> tuple[Any, list[str]]:
    """(rated frame of the good rows, problems of the bad rows): :func:`rate_table` without the
    basis and flags. ``cols`` is accepted for older callers and not used."""
    r = rate_table(schedule, table, usmca_share=usmca_share, name=name)
    return r.frame, r.errors


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
