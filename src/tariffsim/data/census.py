"""US trade statistics of 2024 (US Census Bureau).

* :func:`imports_2024` — imports for consumption by HTS10 × partner, chapters 01–97
  (``census/us_imports_hs10_by_partner_2024.csv.gz``: 334,728 rows, 3,123.8 bn USD; built by the Yale
  Budget Lab from the Census monthly IMDB files).
* :func:`partner_totals` — general imports, total exports and balance by partner
  (``census/us_trade_by_partner_2024.csv``; Japan: imports 148.21 bn, exports 79.74 bn).
* :func:`imports_with_duty` — customs value and calculated duty by HTS10 for one partner
  (``census/us_imports_hs10_with_duty_2024_{JPN,EU,CHN,CAN,MEX}.parquet``, Census International
  Trade API fields ``CON_VAL_YR`` and ``CAL_DUT_YR``; chapter 98 included).

Each reads the reference data when present, else the package bundle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tariffsim.core.errors import InputError
from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl

IMPORTS_2024 = "census/us_imports_hs10_by_partner_2024.csv.gz"
PARTNERS_2024 = "census/us_trade_by_partner_2024.csv"
WITH_DUTY_PARTNERS = ("JPN", "EU", "CHN", "CAN", "MEX")
# Census code of the European Union aggregate in the International Trade API.
EU_CTY_CODE = "0003"


def _imports_from_csv(path) -> pl.DataFrame:
    import polars as pl

    from tariffsim.core.countries import census_to_iso3

    df = pl.read_csv(
        path,
        schema={"hs10": pl.Utf8, "cty_code": pl.Utf8, "imports_usd": pl.Float64},
    )
    return df.select(
        "hs10", "cty_code", census_to_iso3(df["cty_code"]).alias("iso3"), "imports_usd"
    )


def imports_2024() -> pl.DataFrame:
    """HTS10 × partner imports for consumption, 2024: ``hs10, cty_code, iso3, imports_usd``.

    334,728 rows summing to 3,123.8 bn USD. Every ``cty_code`` of the file has an ISO3 code in the
    country table (the codes without one — 1000 United States and the US territories 9030, 9110,
    9350, 9510, 9610, 9800 — do not occur as partners), so ``iso3`` is never null in practice; a code
    unknown to the table would be kept with a null ``iso3``.
    """
    from tariffsim.data import store

    return store.shared_or_bundle(
        IMPORTS_2024,
        bundle_name="imports_2024.parquet",
        cache_name="imports_2024",
        build=_imports_from_csv,
    )


def partner_totals() -> pl.DataFrame:
    """US trade by partner, 2024: ``iso3, country, cty_code, imports_usd, exports_usd, balance_usd,
    imports_consumption_ch01_97_usd`` (233 partners; ``PSE`` appears twice: Gaza Strip 5082 and West
    Bank 5083)."""
    import polars as pl

    p = paths.shared_file(PARTNERS_2024)
    if p is None:
        b = paths.bundle_file("partner_totals_2024.parquet")
        if b is None:
            raise paths.missing(PARTNERS_2024, bundle_name="partner_totals_2024.parquet")
        return pl.read_parquet(b)
    df = pl.read_csv(p, schema_overrides={"cty_code": pl.Utf8, "iso3": pl.Utf8})
    return df.select(
        "iso3",
        "country",
        "cty_code",
        *(
            pl.col(c).cast(pl.Float64)
            for c in (
                "imports_usd",
                "exports_usd",
                "balance_usd",
                "imports_consumption_ch01_97_usd",
            )
        ),
    )


def _partner_key(partner: str) -> str:
    up = partner.strip().upper()
    if up not in WITH_DUTY_PARTNERS:
        from tariffsim.core.countries import resolve

        try:
            up = resolve(partner)
        except InputError:
            up = partner
    if up not in WITH_DUTY_PARTNERS:
        raise InputError(
            f"no 2024 duty extract for partner {partner!r}",
            hint=f"choose one of {', '.join(WITH_DUTY_PARTNERS)}",
        )
    return up


def _with_duty_from_parquet(path, key: str) -> pl.DataFrame:
    import polars as pl

    from tariffsim.core.countries import census_to_iso3

    d = pl.read_parquet(
        path, columns=["I_COMMODITY", "I_COMMODITY_SDESC", "CTY_CODE", "CON_VAL_YR", "CAL_DUT_YR"]
    )
    iso3 = (
        pl.Series("iso3", [key] * d.height)
        if key == "EU"
        else census_to_iso3(d["CTY_CODE"]).alias("iso3")
    )
    return d.select(
        pl.col("I_COMMODITY").alias("hs10"),
        pl.col("CTY_CODE").alias("cty_code"),
        iso3,
        pl.col("CON_VAL_YR").cast(pl.Float64).alias("value_usd"),
        pl.col("CAL_DUT_YR").cast(pl.Float64).alias("duty_usd"),
        pl.col("I_COMMODITY_SDESC").alias("description"),
    )


def imports_with_duty(partner: str) -> pl.DataFrame:
    """Imports for consumption and calculated duty by HTS10, 2024, for JPN, EU, CHN, CAN or MEX.

    Columns ``hs10, cty_code, iso3, value_usd, duty_usd, description`` (the Census short
    description). ``value_usd`` = ``CON_VAL_YR``, ``duty_usd`` = ``CAL_DUT_YR``; the EU is the
    Census aggregate (``cty_code`` 0003, ``iso3`` "EU"). Chapter 98 is kept, and so is Census's
    estimate of low-value shipments (9999.95.00.00, no duty). Totals of duty:
    JPN 2.282 bn, EU 7.343 bn, CHN 46.661 bn, CAN 0.414 bn, MEX 1.251 bn.
    """
    import polars as pl

    from tariffsim.data import store

    key = _partner_key(partner)
    rel = f"census/us_imports_hs10_with_duty_2024_{key}.parquet"
    p = paths.shared_file(rel)
    if p is not None:
        return store.cached_frame(f"with_duty_{key}", [p], lambda: _with_duty_from_parquet(p, key))
    b = paths.bundle_file(f"with_duty_2024_{key}.parquet")
    if b is None:
        raise paths.missing(rel, bundle_name=f"with_duty_2024_{key}.parquet")
    return pl.read_parquet(b)
