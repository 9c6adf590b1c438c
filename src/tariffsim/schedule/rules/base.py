"""Shared pieces of the resolved rules: day numbers, HS10 codes as integers, sorted-array lookups,
and column readers for the data frames the builders consume."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tariffsim.core.dates import to_day_number

DAY_MIN = -(2**31)
DAY_MAX = 2**31 - 1

DECLARED_PREFIX = "declared:"
"""``share: declared:<name>``: a share the user declares per entry (``shares={<name>: x}``)."""


def prefixes_by_length(prefixes: Any) -> dict[int, np.ndarray]:
    """Digit-string prefixes → {length: sorted unique int64 values}."""
    out: dict[int, list[int]] = {}
    for p in np.asarray(prefixes, dtype=str).tolist():
        out.setdefault(len(p), []).append(int(p))
    return {n: np.unique(np.asarray(v, dtype=np.int64)) for n, v in out.items()}


def lookup(keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index, found) of ``queries`` in the sorted array ``keys`` (vectorised exact match)."""
    if not len(keys):
        return np.zeros(len(queries), dtype=np.int64), np.zeros(len(queries), dtype=bool)
    i = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return i, keys[i] == queries


def hs_int(hs10: str) -> int:
    return int(hs10) if hs10.isdigit() else -1


def day(d: dt.date | None, default: int) -> int:
    return default if d is None else to_day_number(d)


def int_col(df: Any, col: str) -> np.ndarray:
    import polars as pl

    out: np.ndarray = (
        df.get_column(col)
        .cast(pl.Utf8)
        .cast(pl.Int64, strict=False)
        .fill_null(-1)
        .to_numpy()
        .astype(np.int64)
    )
    return out


def str_col(df: Any, col: str) -> np.ndarray:
    return np.asarray(df.get_column(col).cast(str).to_list(), dtype=str)


def as_date(x: Any) -> dt.date | None:
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
