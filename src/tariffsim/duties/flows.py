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

    ``shares`` maps schedule share names (``usmca``, ``steel_content`` …) to arrays of length n
    (NaN = not given: the schedule rates that row with its own default, as without the array).
    ``source`` says where the flows come from (kept as provenance in every result).
    """

    hs10: np.ndarray
    origin: np.ndarray
    value_usd: np.ndarray
    shares: Mapping[str, np.ndarray] = field(default_factory=dict)
    source: str = "user table"
    lines: np.ndarray | None = None  # line number of each row in the user's file, for errors
    dates: np.ndarray | None = None  # datetime64[D] per row when the table has a date column
    notes: tuple[str, ...] = ()  # what reading the table skipped (empty rows), for the user

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
            notes=self.notes,
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

    The table is read and checked by the project's one reader of user tables
    (:mod:`tariffsim.schedule.batch`, as ``tariffsim rate --input`` and the web upload): the same
    columns and aliases, the same rules for every value, every bad row reported at once (an
    :class:`~tariffsim.schedule.batch.TableError` naming ``file:line`` and the column), nothing
    computed if any row is bad, fully blank rows skipped (said in :attr:`Flows.notes`).
    ``origin``: ISO3 code, country name or Census code; ``hs``: an HTS10 code (dots allowed);
    ``value_usd``: customs value. Optional columns:

    - ``usmca_share`` (0–1): the share of the line's value entered under USMCA; a blank cell, like
      an absent column, means the schedule's data default (the 2024 claim share of the HTS10 ×
      origin for Canada and Mexico, else 0);
    - a declared share of the schedule (``share: declared:<name>`` in a measure, e.g.
      ``advanced_semiconductor``), 0–1, blank = the measure's default;
    - ``date`` (YYYY-MM-DD or YYYYMMDD, inside the schedule's coverage): the day each row is rated on
      (:func:`tariffsim.duties.etr.rate_user_table`).

    ``schedule``: whose declared shares, coverage and USMCA data apply (default: the US library).
    """
    from tariffsim.schedule.batch import read_table

    return flows_from_table(read_table(path, name=str(path)), schedule=schedule)


def parse_user_table(text: str, *, name: str = "<table>", schedule: Any | None = None) -> Flows:
    """Parse CSV text (see :func:`read_user_table`)."""
    from tariffsim.schedule.batch import read_table

    return flows_from_table(read_table(text.encode("utf-8"), name=name), schedule=schedule)


def flows_from_table(table: Any, *, schedule: Any | None = None) -> Flows:
    """The :class:`Flows` of a user's table read by :func:`tariffsim.schedule.batch.read_table`."""
    from tariffsim.schedule.batch import TableError, check_entries, fill_usmca

    if schedule is None:
        from tariffsim.schedule import load_schedule

        schedule = load_schedule()
    e = check_entries(schedule, table, need=("origin", "hs", "value_usd"))
    errors = e.errors()
    if errors:
        raise TableError(table.name, errors)
    if not table.height:
        raise InputError(
            f"{table.name}: no data rows", hint="add lines origin,hs,value_usd below the header"
        )
    rows = np.arange(table.height)
    fill_usmca(schedule, e, rows)
    n = table.height
    assert e.value is not None
    has_date = table.has("date")
    note = table.blank_note()
    return Flows(
        hs10=e.hs10,
        origin=e.iso3,
        value_usd=e.value,
        shares=e.shares,
        lines=table.lines,
        dates=e.day.astype("datetime64[D]") if has_date else None,
        source=f"user table {table.name} ({n} rows)",
        notes=(note,) if note else (),
    )
