"""Per-row shares from the data in resolved form (USMCA claim shares, metal contents), and the
builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.schedule.rules.base import hs_int, int_col, lookup


@dataclass(slots=True)
class Shares:
    """Per-row shares from the data: USMCA share by (hs10, iso3), metal contents by hs10."""

    usmca: dict[str, tuple[np.ndarray, np.ndarray]]  # iso3 -> (sorted int64 HS10, share)
    metal_codes: np.ndarray  # sorted int64 HS10
    steel: np.ndarray
    aluminum: np.ndarray
    copper: np.ndarray
    metal: np.ndarray
    # Fallbacks for HTS10 lines the content table lacks (it is keyed by older statistical
    # suffixes): the mean over the line's HS8, then HS6 family — (divisor, sorted keys, {col: mean}).
    fallback: tuple[tuple[int, np.ndarray, dict[str, np.ndarray]], ...] = ()

    def usmca_share(self, hs10: str, iso3: str) -> float:
        tab = self.usmca.get(iso3)
        if tab is None:
            return 0.0
        c = hs_int(hs10)
        i = int(np.searchsorted(tab[0], c))
        return float(tab[1][i]) if i < len(tab[0]) and tab[0][i] == c else 0.0

    def metal_values(self, name: str, codes: np.ndarray) -> np.ndarray:
        """Content share ``name`` for int64 HS10 ``codes``: exact line, else the HS8 then HS6
        family mean, else 1 (the whole value, as a line with no data is taxed in full)."""
        codes = np.asarray(codes, dtype=np.int64)
        out = np.ones(len(codes))
        i, found = lookup(self.metal_codes, codes)
        out[found] = self.column(name)[i[found]]
        for div, keys, cols in self.fallback:
            rest = np.flatnonzero(~found)
            if not len(rest):
                break
            j, hit = lookup(keys, codes[rest] // div)
            out[rest[hit]] = cols[name][j[hit]]
            found[rest[hit]] = True
        return out

    def metal_share(self, name: str, hs10: str) -> float:
        return float(self.metal_values(name, np.array([hs_int(hs10)]))[0])

    def non_steel_aluminum(self, codes: np.ndarray) -> np.ndarray:
        """``1 − steel − aluminum`` content, clipped to [0, 1]: the value on which Proclamation
        10947 (90 FR 24199) and the BIS inclusions (90 FR 40326) leave the other duties to apply."""
        out: np.ndarray = np.clip(
            1.0
            - self.metal_values("steel_content", codes)
            - self.metal_values("aluminum_content", codes),
            0.0,
            1.0,
        )
        return out

    def column(self, name: str) -> np.ndarray:
        return {
            "steel_content": self.steel,
            "aluminum_content": self.aluminum,
            "copper_content": self.copper,
            "metal_content": self.metal,
        }[name]


def shares_rule(source: Any) -> Shares:
    import polars as pl

    u = source.usmca_shares()
    if "iso3" not in u.columns and "cty_code" in u.columns:
        from tariffsim.core.countries import census_to_iso3

        u = u.with_columns(census_to_iso3(u.get_column("cty_code")).alias("iso3"))
    hcol = "hs10" if "hs10" in u.columns else "hts10"
    u = u.filter(
        pl.col("iso3").is_not_null() & pl.col(hcol).cast(pl.Utf8).str.contains(r"^\d{10}$")
    )
    usmca: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for (iso,), g in u.group_by(["iso3"]):
        g = g.unique(hcol, keep="first").sort(hcol)
        usmca[str(iso)] = (
            int_col(g, hcol),
            g.get_column("usmca_share").cast(pl.Float64).fill_null(0.0).to_numpy(),
        )
    mt = source.metal_content_shares()
    mcol = "hs10" if "hs10" in mt.columns else "hts10"
    mt = (
        mt.filter(pl.col(mcol).cast(pl.Utf8).str.contains(r"^\d{10}$"))
        .unique(mcol, keep="first")
        .sort(mcol)
    )

    def col(name: str) -> np.ndarray:
        # The BEA table gives input cost shares, a few of which exceed 1 (e.g. 1.08 for some steel
        # lines); a share of value cannot, so clip to [0, 1].
        if name in mt.columns:
            arr: np.ndarray = mt.get_column(name).cast(pl.Float64).fill_null(1.0).to_numpy()
            clipped: np.ndarray = np.clip(arr, 0.0, 1.0)
            return clipped
        return np.ones(mt.height)

    metal = (
        col("metal_share")
        if "metal_share" in mt.columns
        else np.clip(col("steel_share") + col("aluminum_share") + col("copper_share"), 0, 1)
    )
    codes = int_col(mt, mcol)
    columns = {
        "steel_content": col("steel_share"),
        "aluminum_content": col("aluminum_share"),
        "copper_content": col("copper_share"),
        "metal_content": metal,
    }
    fallback = []
    for div in (100, 10_000):  # HS8, then HS6 family means
        keys, inv = np.unique(codes // div, return_inverse=True)
        count = np.bincount(inv, minlength=len(keys))
        means = {
            k: np.bincount(inv, weights=v, minlength=len(keys)) / count for k, v in columns.items()
        }
        fallback.append((div, keys, means))
    return Shares(
        usmca=usmca,
        metal_codes=codes,
        steel=columns["steel_content"],
        aluminum=columns["aluminum_content"],
        copper=columns["copper_content"],
        metal=metal,
        fallback=tuple(fallback),
    )
