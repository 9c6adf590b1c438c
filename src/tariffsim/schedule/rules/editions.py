"""HTS editions in resolved form: MFN (column 1 and column 2) rates and special rates as sorted
arrays, with the HTS8 and HS6 fallbacks for codes an edition lacks; and the builder."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from tariffsim.core.errors import DataNotFoundError
from tariffsim.schedule.rules.base import hs_int, int_col, lookup


class AveFlag(IntEnum):
    """How a line's rate is known, per edition array (``Edition.flag``, ``Edition.other_flag``).

    Column 1: ``EXACT`` ad valorem or free; ``ESTIMATED`` the ad valorem equivalent of a specific
    or compound rate (:mod:`tariffsim.data.hts.ave`); ``NONE`` no AVE (the rate counts as 0).
    Column 2: ``EXACT``; ``ESTIMATED`` scaled from the column 1 AVE; ``NONE`` the column 1 rate is
    used instead.
    """

    EXACT = 0
    ESTIMATED = 1
    NONE = 2


@dataclass(slots=True)
class Edition:
    """One HTS edition's MFN (column 1) rates, as sorted arrays, and its special rates.

    HS10 codes are stored as int64 (``8703230190``; ten digits, so the order equals the string order).
    """

    name: str
    codes: np.ndarray  # (m,) sorted int64 HS10
    rate: np.ndarray  # (m,) float64 (ad valorem or AVE; 0 where none)
    flag: np.ndarray  # (m,) int8 AveFlag: EXACT ad valorem/free, ESTIMATED AVE, NONE no AVE
    # "description\tgeneral_text" lines in blocks of TEXT_BLOCK lines, each zlib-compressed: one
    # line's text unpacks its block only (a single rate reads 1-2 lines of ~20,000)
    texts_z: tuple[bytes, ...]
    special: dict[str, tuple[np.ndarray, np.ndarray]]  # program -> (sorted int64 HS10, ave)
    other: np.ndarray | None = None  # (m,) column 2 AVE (nan where the data give none)
    other_flag: np.ndarray | None = None  # (m,) int8 AveFlag: EXACT, ESTIMATED (scaled), NONE
    # Fallbacks for HTS10 codes the edition lacks (rates sit on the 8-digit line): per level
    # (divisor 100 = HTS8, 10_000 = HS6), sorted keys, a representative line (its first), the
    # rate, its flag, the column 2 rate and flag. HS6 keys only where the family's rate is unique.
    fallback: tuple[
        tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...
    ] = ()
    texts: dict[int, list[str]] | None = None  # unpacked blocks

    def _text(self, i: int) -> tuple[str, str]:
        """(description, general text) of line ``i``."""
        block, k = divmod(i, TEXT_BLOCK)
        if self.texts is None:
            self.texts = {}
        lines = self.texts.get(block)
        if lines is None:
            import zlib

            lines = zlib.decompress(self.texts_z[block]).decode("utf-8").split("\n")
            self.texts[block] = lines
        a, _, b = lines[k].partition("\t")
        return a, b

    def description(self, i: int) -> str:
        return self._text(i)[0]

    def general_text(self, i: int) -> str:
        return self._text(i)[1]

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
            return self.rate, np.full(len(self.rate), AveFlag.NONE, dtype=np.int8)
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


_AD_VALOREM_KINDS = {"ad_valorem", "free", "advalorem", "av"}


TEXT_BLOCK = 256
"""Lines per compressed block of :attr:`Edition.texts_z`."""


def _pack_texts(desc: list[Any], gen: list[Any]) -> tuple[bytes, ...]:
    import zlib

    def clean(x: Any) -> str:
        return "" if x is None else str(x).replace("\t", " ").replace("\n", " ")

    lines = [f"{clean(d)}\t{clean(g)}" for d, g in zip(desc, gen, strict=True)]
    return tuple(
        zlib.compress("\n".join(lines[k : k + TEXT_BLOCK]).encode("utf-8"), 1)
        for k in range(0, len(lines), TEXT_BLOCK)
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
        flag[~np.isin(kind, list(_AD_VALOREM_KINDS))] = AveFlag.ESTIMATED
    rate_np = rate.to_numpy().astype(np.float64)
    flag[np.isnan(rate_np)] = AveFlag.NONE
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
                int_col(g, "hts10"),
                g.get_column("ave").cast(pl.Float64).to_numpy(),
            )
    codes = int_col(df, "hts10")
    if "other_ave" in cols:
        other = df.get_column("other_ave").cast(pl.Float64).to_numpy().astype(np.float64)
        ometh = np.asarray(
            df.get_column("other_method").cast(pl.Utf8).fill_null("").to_list(), dtype=object
        )
        other_flag = np.where(ometh == "exact", AveFlag.EXACT, AveFlag.ESTIMATED).astype(np.int8)
        none = np.isnan(other)
        other_flag[none] = AveFlag.NONE
        other = np.where(none, rate_np, other)
    else:  # an older bundle without column 2: column 1, flagged
        other, other_flag = rate_np.copy(), np.full(len(rate_np), AveFlag.NONE, dtype=np.int8)
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
