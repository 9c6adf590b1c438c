"""Elasticities of substitution for US imports (Broda & Weinstein 2006).

Source: Broda, C. and D. E. Weinstein (2006), "Globalization and the Gains from Variety",
*Quarterly Journal of Economics* 121(2), 541–585 — σ by HTS10 for US imports, 1990–2001, as
distributed in the R package ``concordance`` (MIT); file
``../shared/data/elasticities/elasticities_broda_weinstein_us_hts10.csv``.

The estimates are keyed by 1990s HTS10 codes; about 41% of the 2024 HTS10 lines match directly.
:func:`sigma_for` assigns every requested code an elasticity by the first match in the chain

    HTS10 → median over the HS8 → HS6 → HS4 → HS2 family → median of all estimates,

and reports which level matched (``sigma_source``), so a user can see how much rests on fallbacks.
The published estimates include very large values (up to ~4,300) whose standard errors are wide;
values are clipped to ``[sigma_min, sigma_max]`` (default ``[1.05, 20]``), a modelling choice that is
stated in every result's provenance.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from tariffsim.core.errors import DataNotFoundError

FILE = "elasticities/elasticities_broda_weinstein_us_hts10.csv"
BUNDLE_FILE = "elasticities_bw_hts10.parquet"
LEVELS = (10, 8, 6, 4, 2)


@lru_cache(maxsize=1)
def broda_weinstein_hts10() -> pl.DataFrame:
    """The raw estimates: ``hts10`` (str), ``sigma`` (float)."""
    from tariffsim.data import paths

    shared = paths.shared_data_dir()
    if shared is not None and (shared / FILE).exists():
        df = pl.read_csv(
            shared / FILE, schema_overrides={"hts": pl.Utf8}, null_values=["NA", ""]
        ).rename({"hts": "hts10", "sigma_1990_2001": "sigma"})
    else:
        path = paths.bundle_dir() / BUNDLE_FILE
        if not path.exists():
            raise DataNotFoundError(
                f"elasticities not found: neither {FILE} in the shared data nor {path}",
                hint="set TARIFFSIM_DATA to the reference data folder",
            )
        df = pl.read_parquet(path)
    return (
        df.with_columns(pl.col("hts10").str.zfill(10), pl.col("sigma").cast(pl.Float64))
        .drop_nulls("sigma")
        .unique("hts10", keep="first")
    )


def sigma_for(
    hs10: np.ndarray | pl.Series | list[str],
    *,
    sigma_min: float = 1.05,
    sigma_max: float = 20.0,
) -> pl.DataFrame:
    """Elasticity of substitution for each code in ``hs10`` (by the fallback chain above).

    Returns a frame aligned with the input: ``hs10``, ``sigma`` (clipped), ``sigma_raw`` and
    ``sigma_source`` ∈ {hts10, hs8, hs6, hs4, hs2, all}.
    """
    codes = pl.Series("hs10", list(hs10) if not isinstance(hs10, pl.Series) else hs10, pl.Utf8)
    est = broda_weinstein_hts10()
    out = pl.DataFrame({"hs10": codes}).with_row_index("_i")
    out = out.with_columns(sigma_raw=pl.lit(None, pl.Float64), sigma_source=pl.lit(None, pl.Utf8))
    for n in LEVELS:
        table = (
            est.group_by(pl.col("hts10").str.slice(0, n).alias("_k")).agg(
                pl.col("sigma").median().alias("_s")
            )
            if n < 10
            else est.select(pl.col("hts10").alias("_k"), pl.col("sigma").alias("_s"))
        )
        label = "hts10" if n == 10 else f"hs{n}"
        out = (
            out.with_columns(pl.col("hs10").str.slice(0, n).alias("_k"))
            .join(table, on="_k", how="left")
            .with_columns(
                pl.when(pl.col("sigma_raw").is_null() & pl.col("_s").is_not_null())
                .then(pl.lit(label))
                .otherwise(pl.col("sigma_source"))
                .alias("sigma_source"),
                pl.coalesce("sigma_raw", "_s").alias("sigma_raw"),
            )
            .drop("_k", "_s")
        )
    overall: float = est.select(pl.col("sigma").median()).item()
    out = out.with_columns(
        pl.col("sigma_source").fill_null("all"), pl.col("sigma_raw").fill_null(overall)
    ).sort("_i")
    return out.select(
        "hs10",
        pl.col("sigma_raw").clip(sigma_min, sigma_max).alias("sigma"),
        "sigma_raw",
        "sigma_source",
    )
