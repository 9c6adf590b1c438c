"""Legal product lists (``product_lists/`` of the reference data).

HTS8/HTS10 scopes transcribed from executive orders, proclamations and their annexes by the Yale
Budget Lab tariff-rate-tracker (MIT). :func:`product_list` gives each file as a frame whose first
column is ``prefix`` (the HTS digits without dots — a product is in scope when its HTS10 code
starts with the prefix) and ``start`` (the date from which the entry applies, null when the file has
none), followed by every other column of the file (``list``, ``ch99_code``, ``category``,
``country_group``, ``effective_date`` …). ``"NA"`` and empty cells are null.

``country_eo_exempt_products.csv`` starts with ``#`` comment lines documenting its schema; they are
read by :func:`product_list_schema`. The file's ``hts10`` column holds dotted HTS8 codes
(all 10-digit children covered), and ``effective_date_start``/``effective_date_end`` become
``start``/``end`` (end exclusive as in the rest of tariffsim; empty = still in force).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.core.errors import InputError
from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl

# file stem -> (file name, column holding the code, column holding the start date or None)
LISTS: dict[str, tuple[str, str | None, str | None]] = {
    "ieepa_exempt_products": ("ieepa_exempt_products.csv", "hts10", None),
    "s232_auto_parts": ("s232_auto_parts.txt", None, None),
    "s232_derivative_products": ("s232_derivative_products.csv", "hts_prefix", "effective_date"),
    "s232_copper_products": ("s232_copper_products.csv", "hts10", None),
    "s232_annex_products": ("s232_annex_products.csv", "hts_prefix", "effective_date"),
    "s232_mhd_parts": ("s232_mhd_parts.txt", None, None),
    "s232_semi_products": ("s232_semi_products.csv", "hts10", None),
    "s301_product_lists": ("s301_product_lists.csv", "hts8", None),
    "s122_exempt_products": ("s122_exempt_products.csv", "hts8", None),
    "fentanyl_carveout_products": ("fentanyl_carveout_products.csv", "hts8", None),
    "floor_exempt_products": ("floor_exempt_products.csv", "hts8", None),
    "country_eo_exempt_products": (
        "country_eo_exempt_products.csv",
        "hts10",
        "effective_date_start",
    ),
    "hts_concordance": ("hts_concordance.csv", "old_hts10", None),
}

USMCA_SHARES = "product_lists/usmca_product_shares_2024.csv"
METAL_SHARES = "product_lists/metal_content_shares_bea_hs10.csv"


def list_names() -> list[str]:
    return list(LISTS)


def _source(name: str) -> tuple[Path | None, Path | None, str]:
    if name not in LISTS:
        raise InputError(
            f"unknown product list {name!r}",
            hint=f"choose one of: {', '.join(LISTS)}",
        )
    fname = LISTS[name][0]
    rel = f"product_lists/{fname}"
    return paths.shared_file(rel), paths.bundle_file(f"list_{name}.parquet"), rel


def _read_list(path: Path, name: str) -> pl.DataFrame:
    import polars as pl

    _, code_col, start_col = LISTS[name]
    if path.suffix == ".txt":
        codes = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        codes = [c for c in codes if c and not c.startswith("#")]
        df = pl.DataFrame({"prefix": codes}, schema={"prefix": pl.Utf8})
        df = df.with_columns(pl.lit(None, dtype=pl.Date).alias("start"))
    else:
        df = pl.read_csv(
            path,
            comment_prefix="#",
            infer_schema_length=0,  # everything as text: codes keep their leading zeros
            null_values=["NA", ""],
        )
        assert code_col is not None
        prefix = pl.col(code_col).str.replace_all(r"[^0-9]", "").alias("prefix")
        if start_col is not None:
            start = pl.col(start_col).str.to_date(strict=False).alias("start")
        else:
            start = pl.lit(None, dtype=pl.Date).alias("start")
        extra = []
        keep = [c for c in df.columns if c not in {code_col, start_col}]
        if name == "country_eo_exempt_products":
            extra = [pl.col("effective_date_end").str.to_date(strict=False).alias("end")]
            keep = [c for c in keep if c != "effective_date_end"]
        if name == "hts_concordance":
            keep = [
                code_col,
                *keep,
            ]  # keep old_hts10 beside prefix: the concordance is a pair table
        df = df.select(prefix, start, *extra, *keep)
        if name == "hts_concordance":
            df = df.with_columns(
                pl.col("similarity").cast(pl.Float64, strict=False),
            )
    ok = pl.col("prefix").is_null() | pl.col("prefix").str.contains(r"^\d{2,10}$")
    bad = df.filter(~ok)
    if bad.height:
        # e.g. ieepa_exempt_products.csv line 3620 "850511007000" (12 digits; its HTS10
        # 8505110070 is listed on the line before): dropped, with a warning naming it.
        warnings.warn(
            f"{path.name}: dropped {bad.height} row(s) whose code is not 2–10 digits: "
            f"{', '.join(bad['prefix'].head(5).to_list())}",
            stacklevel=2,
        )
        df = df.filter(ok)
    return df


def product_list(name: str) -> pl.DataFrame:
    """A legal product list: ``prefix`` (digits), ``start`` (date or null), then the file's attributes.

    Names are the file stems of ``product_lists/``: ieepa_exempt_products, s232_auto_parts,
    s232_derivative_products, s232_copper_products, s232_annex_products, s232_mhd_parts,
    s232_semi_products, s301_product_lists, s122_exempt_products, fentanyl_carveout_products,
    floor_exempt_products, country_eo_exempt_products (also ``end``), hts_concordance (``prefix`` =
    ``old_hts10``, null for added codes; ``new_hts10`` … kept).
    """
    import polars as pl

    from tariffsim.data import store

    shared, bundled, rel = _source(name)
    if shared is not None:
        return store.cached_frame(f"list_{name}", [shared], lambda: _read_list(shared, name))
    if bundled is not None:
        return pl.read_parquet(bundled)
    raise paths.missing(rel, bundle_name=f"list_{name}.parquet")


_SCHEMA_LINE = re.compile(r"^#\s+([A-Za-z0-9_]+):\s+(.*)$")


def product_list_schema(name: str) -> dict[str, str]:
    """Column descriptions from a list file's ``#`` comment header (``{}`` when it has none).

    ``country_eo_exempt_products`` → ``{"ch99_code": "country EO heading (e.g., 9903.01.77 =
    Brazil)", "hts10": …, "effective_date_start": …, …}``.
    """
    shared, _, _ = _source(name)
    if shared is None:
        b = paths.bundle_file(f"list_{name}.schema.txt")
        if b is None:
            return {}
        text = b.read_text(encoding="utf-8")
    else:
        text = shared.read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for ln in text.splitlines():
        if not ln.startswith("#"):
            break
        m = _SCHEMA_LINE.match(ln)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def product_list_header(name: str) -> str:
    """The raw ``#`` comment header of a list file ('' if none)."""
    shared, _, _ = _source(name)
    p = shared or paths.bundle_file(f"list_{name}.schema.txt")
    if p is None:
        return ""
    lines = []
    for ln in p.read_text(encoding="utf-8").splitlines():
        if not ln.startswith("#"):
            break
        lines.append(ln)
    return "\n".join(lines)


def _usmca_from_csv(path: Path) -> pl.DataFrame:
    import polars as pl

    from tariffsim.core.countries import census_to_iso3

    d = pl.read_csv(path, schema={"hts10": pl.Utf8, "cty_code": pl.Utf8, "usmca_share": pl.Float64})
    return d.select(
        pl.col("hts10").alias("hs10"),
        census_to_iso3(d["cty_code"]).alias("iso3"),
        "cty_code",
        "usmca_share",
    )


def usmca_shares() -> pl.DataFrame:
    """Share of 2024 imports that entered under USMCA, by HTS10 × partner: ``hs10, iso3, cty_code,
    usmca_share`` (iso3 ∈ {CAN, MEX}; ``usmca_product_shares_2024.csv``)."""
    from tariffsim.data import store

    return store.shared_or_bundle(
        USMCA_SHARES,
        bundle_name="usmca_shares.parquet",
        cache_name="usmca_shares",
        build=_usmca_from_csv,
    )


def _metal_from_csv(path: Path) -> pl.DataFrame:
    import polars as pl

    d = pl.read_csv(path, infer_schema_length=0, null_values=["NA", ""])
    shares = ["steel_share", "aluminum_share", "copper_share", "other_metal_share", "metal_share"]
    return d.select(
        "hs10",
        *(pl.col(c).cast(pl.Float64) for c in shares),
        "naics",
        "bea_detail_code",
    )


def metal_content_shares() -> pl.DataFrame:
    """Metal content of each HTS10 product as a share of its value (BEA input-output based):
    ``hs10, steel_share, aluminum_share, copper_share, other_metal_share, metal_share, naics,
    bea_detail_code`` (``metal_content_shares_bea_hs10.csv``)."""
    from tariffsim.data import store

    return store.shared_or_bundle(
        METAL_SHARES,
        bundle_name="metal_content_shares.parquet",
        cache_name="metal_shares",
        build=_metal_from_csv,
    )
