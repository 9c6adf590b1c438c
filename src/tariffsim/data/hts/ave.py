"""Ad valorem equivalents (AVE) of the HTS rate texts.

Exact for ``free`` and full-value ``ad_valorem`` lines; otherwise the duty actually assessed in 2024
divided by the customs value of imports for consumption, ``AVE = Σ CAL_DUT_YR / Σ CON_VAL_YR``
(Census International Trade API extracts in ``census/us_imports_hs10_with_duty_2024_*.parquet``), at
HTS10 or else HTS8 level, preferring EU imports (the EU has no US trade agreement, so it pays column 1
rates), then Japan; for a compound rate the observed ratio less the ad valorem part is the specific
part, clipped at zero (``AVE = av + max(0, observed − av)``). Then Canada + Mexico, with the value that
did not claim USMCA (``value × (1 − usmca_share)``, ``usmca_product_shares_2024.csv``) in the
denominator (``unit_value_any``); China is not used (its duty includes Section 301). A line still
without an observation gets the median observed AVE of the lines of its chapter with the same rate
text (``same_rate_median``), else the median AVE of the exact ad valorem lines of its chapter, but not
less than its own ad valorem part (``chapter_median``); ``other`` = no AVE (null), e.g. chapter 98
texts such as "A duty upon the value of the repairs or alterations". Observations need a customs
value of at least 1,000 USD.

Other columns of the same line (column 2, special programs) get their AVE from the column 1 AVE
(:func:`ave_from_mfn`): exact where their text is free or ad valorem; for a specific text with the
unit of column 1, the specific part of the column 1 AVE scaled by the ratio of the amounts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.data import paths
from tariffsim.data.hts.rate_text import ParsedRate, parse_rate

if TYPE_CHECKING:
    import polars as pl

AVE_METHODS = (
    "exact",
    "unit_value_eu",
    "unit_value_jpn",
    "unit_value_any",
    "same_rate_median",
    "chapter_median",
    "other",
)


def ave_sources() -> list[Path]:
    """The reference files the observed AVEs come from (cache dependencies)."""
    out = []
    for rel in (
        *(
            f"census/us_imports_hs10_with_duty_2024_{p}.parquet"
            for p in ("EU", "JPN", "CAN", "MEX")
        ),
        "product_lists/usmca_product_shares_2024.csv",
    ):
        p = paths.shared_file(rel)
        if p is None:
            raise paths.missing(rel)
        out.append(p)
    return out


def _observed_ratios() -> pl.DataFrame:
    """Observed duty/value by source ∈ {eu, jpn, any} at hts10 and hts8 level (``level`` column)."""
    import polars as pl

    from tariffsim.data import census, lists

    frames = []
    for partner, src in (("EU", "eu"), ("JPN", "jpn")):
        d = census.imports_with_duty(partner).select("hs10", "value_usd", "duty_usd")
        frames.append(d.with_columns(pl.lit(src).alias("src")))
    shares = lists.usmca_shares().select("hs10", "iso3", "usmca_share")
    for partner in ("CAN", "MEX"):
        d = census.imports_with_duty(partner).select("hs10", "iso3", "value_usd", "duty_usd")
        d = d.join(shares, on=["hs10", "iso3"], how="left").with_columns(
            (pl.col("value_usd") * (1.0 - pl.col("usmca_share").fill_null(0.0))).alias("value_usd")
        )
        frames.append(
            d.select("hs10", "value_usd", "duty_usd").with_columns(pl.lit("any").alias("src"))
        )
    obs = pl.concat(frames)
    out = []
    for level, n in (("hts10", 10), ("hts8", 8)):
        g = (
            obs.with_columns(pl.col("hs10").str.slice(0, n).alias("code"))
            .group_by("src", "code")
            .agg(pl.col("value_usd").sum(), pl.col("duty_usd").sum())
            .filter(pl.col("value_usd") >= 1000.0)
            .with_columns(
                (pl.col("duty_usd") / pl.col("value_usd")).alias("ratio"),
                pl.lit(level).alias("level"),
            )
        )
        out.append(g.select("src", "level", "code", "ratio"))
    return pl.concat(out)


def with_ave(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``ave`` and ``ave_method`` to a frame of HTS10 lines.

    ``df`` has ``hts10, hts8, chapter, general_text, kind, ad_valorem`` and ``_exact`` (the exact AVE
    of free and full-value ad valorem texts, else null); the method is the module docstring's.
    """
    import polars as pl

    obs = _observed_ratios()
    for src in ("eu", "jpn", "any"):
        for level in ("hts10", "hts8"):
            o = obs.filter((pl.col("src") == src) & (pl.col("level") == level)).select(
                pl.col("code").alias(level), pl.col("ratio").alias(f"_{src}_{level}")
            )
            df = df.join(o, on=level, how="left")
    df = df.with_columns(
        pl.coalesce("_eu_hts10", "_eu_hts8").alias("_eu"),
        pl.coalesce("_jpn_hts10", "_jpn_hts8").alias("_jpn"),
        pl.coalesce("_any_hts10", "_any_hts8").alias("_any"),
    )
    med = (
        df.filter(pl.col("kind") == "ad_valorem")
        .filter(pl.col("_exact").is_not_null())
        .group_by("chapter")
        .agg(pl.col("_exact").median().alias("_chapter_median"))
    )
    df = df.join(med, on="chapter", how="left")
    av = pl.col("ad_valorem").fill_null(0.0)

    def observed(col: str) -> pl.Expr:
        return av + (pl.col(col) - av).clip(lower_bound=0.0)

    exact = pl.col("_exact").is_not_null()
    df = df.with_columns(
        pl.when(exact)
        .then(pl.col("_exact"))
        .when(pl.col("_eu").is_not_null())
        .then(observed("_eu"))
        .when(pl.col("_jpn").is_not_null())
        .then(observed("_jpn"))
        .when(pl.col("_any").is_not_null())
        .then(observed("_any"))
        .otherwise(None)
        .alias("ave"),
        pl.when(exact)
        .then(pl.lit("exact"))
        .when(pl.col("_eu").is_not_null())
        .then(pl.lit("unit_value_eu"))
        .when(pl.col("_jpn").is_not_null())
        .then(pl.lit("unit_value_jpn"))
        .when(pl.col("_any").is_not_null())
        .then(pl.lit("unit_value_any"))
        .otherwise(None)
        .alias("ave_method"),
    )
    # lines with the same rate text in the same chapter (same duty, similar goods): median of
    # their observed AVEs
    same = (
        df.filter(pl.col("ave_method").str.starts_with("unit_value"))
        .group_by("chapter", "general_text")
        .agg(pl.col("ave").median().alias("_same_rate"))
    )
    df = df.join(same, on=["chapter", "general_text"], how="left")
    missing = pl.col("ave").is_null()
    df = df.with_columns(
        pl.when(~missing)
        .then(pl.col("ave"))
        .when(pl.col("_same_rate").is_not_null())
        .then(pl.col("_same_rate"))
        .when(pl.col("_chapter_median").is_not_null())
        .then(pl.max_horizontal(pl.col("_chapter_median"), av))
        .otherwise(None)
        .alias("ave"),
        pl.when(~missing)
        .then(pl.col("ave_method"))
        .when(pl.col("_same_rate").is_not_null())
        .then(pl.lit("same_rate_median"))
        .when(pl.col("_chapter_median").is_not_null())
        .then(pl.lit("chapter_median"))
        .otherwise(pl.lit("other"))
        .alias("ave_method"),
    )
    return df


def ave_from_mfn(
    r: ParsedRate,
    mfn_av: float | None,
    mfn_amt: float | None,
    mfn_unit: str | None,
    mfn_ave: float | None,
) -> tuple[float | None, str]:
    """AVE of another column's rate ``r`` on the same line as an MFN (column 1) rate.

    Exact where ``r`` is free or ad valorem (``exact``). For a specific or compound ``r`` whose first
    unit equals that of the MFN text: same goods, same unit value, so the specific part of the MFN
    AVE is scaled by the ratio of the amounts (``scaled_mfn``):
    ``ave = r_av + max(mfn_ave − mfn_av, 0) × r_amount / mfn_amount``. Otherwise None (``other``).
    """
    if r.exact_ave is not None:
        return r.exact_ave, "exact"
    if (
        r.kind in ("specific", "compound")
        and mfn_ave is not None
        and mfn_amt
        and r.specific
        and r.specific[0][1] == mfn_unit
    ):
        spec = max(mfn_ave - (mfn_av or 0.0), 0.0)
        return (r.ad_valorem or 0.0) + spec * r.specific[0][0] / mfn_amt, "scaled_mfn"
    return None, "other"


def with_column2(df: pl.DataFrame) -> pl.DataFrame:
    """Add the column 2 ("other") rate: ``other_kind``, ``other_ave``, ``other_method``.

    Column 2 (HTS General Note 3(b)) applies to the countries without normal trade relations
    (Cuba, North Korea; Russia and Belarus from 8 Apr 2022, Pub. L. 117-110). ``other_ave`` is
    computed by :func:`ave_from_mfn` (exact, or the column-1 AVE scaled by the ratio of specific
    amounts; null and ``other`` when neither applies: no AVE, flagged).
    """
    import polars as pl

    kinds: list[str] = []
    aves: list[float | None] = []
    methods: list[str] = []
    cache: dict[str, ParsedRate] = {}
    for text, av, amt, unit, ave in df.select(
        "other_text", "ad_valorem", "specific_amount", "specific_unit", "ave"
    ).iter_rows():
        r = cache.get(text or "")
        if r is None:
            r = cache[text or ""] = parse_rate(text)
        value, method = ave_from_mfn(r, av, amt, unit, ave)
        kinds.append(r.kind)
        aves.append(value)
        methods.append(method)
    return df.with_columns(
        pl.Series("other_kind", kinds, dtype=pl.Utf8),
        pl.Series("other_ave", aves, dtype=pl.Float64),
        pl.Series("other_method", methods, dtype=pl.Utf8),
    )
