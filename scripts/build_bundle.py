"""Build the default dataset shipped in ``src/tariffsim/data/bundle/`` from the reference data.

Usage::

    .venv/bin/python scripts/build_bundle.py            # everything
    .venv/bin/python scripts/build_bundle.py countries  # only the named parts

Reads ``$TARIFFSIM_DATA`` or ``../shared/data`` (never the bundle itself), writes zstd parquet files
(and two small CSVs for the country table, read without polars at CLI start-up), then
``PROVENANCE.md`` listing each output with its source files, their sha256, the upstream source and
licence. Every output is written to a temporary name and renamed, so a failed build leaves the
previous bundle intact.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import polars as pl  # noqa: E402

from tariffsim.data import paths, store  # noqa: E402

BUNDLE = paths.bundle_dir()
# The country table belongs to the core vocabulary (tariffsim.core.countries reads it without the
# data layer), so it is written beside that module; PROVENANCE.md lists it with the bundle.
CORE = ROOT / "src" / "tariffsim" / "core"
CORE_TABLES = ("countries.csv", "country_groups.csv")
MAX_BYTES = 15_000_000

# ISO 3166-1 alpha-3 codes of the Census Schedule C codes that the 2024 partner file leaves without
# one (the United States and its territories; ISO 3166-1 assigns each its own code).
_TERRITORY_ISO3 = {
    "1000": "USA",
    "9030": "PRI",
    "9110": "VIR",
    "9350": "GUM",
    "9510": "ASM",
    "9610": "MNP",
    "9800": "UMI",
}

# Upstream source and licence of the reference files, by path prefix (from ../shared/data/README.md).
UPSTREAM = {
    "census/": "US Census Bureau, USA Trade / International Trade API (public domain, US government work)",
    "census/us_imports_hs10_by_partner_2024.csv.gz": "US Census Bureau monthly IMDB files as aggregated by the Yale Budget Lab, Budget-Lab-Yale/Tariff-Model commit 8efb3ed (data: public domain)",
    "census/us_imports_hs10_with_duty_2024_": "Census International Trade API extracts from tradewartracker/trade-war-redux-2025 (MIT); data public domain",
    "usitc_hts/": "USITC Harmonized Tariff Schedule JSON exports (public domain, US government work), archived by the Yale Budget Lab tariff tracker (arifshehab/tariff-rate-tracker commit 9919812, MIT)",
    "elasticities/": "Broda & Weinstein (2006), 'Globalization and the Gains from Variety', QJE 121(2): sigma by HTS10 for US imports 1990-2001, as distributed in the R package concordance (MIT; elasticities/LICENSE-concordance-package.md)",
    "ge_2023/": "Replication data of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), 'Making America Great Again? The Economic Impacts of Liberation Day Tariffs', Journal of International Economics 157 (trade matrix built from CEPII BACI 2023)",
    "product_lists/": "Yale Budget Lab tariff-rate-tracker commit 8315fff, MIT licence (product_lists/LICENSE-budget-lab-tariff-rate-tracker.txt), transcribed from executive orders and proclamations",
}


def _shared() -> Path:
    root = paths.shared_data_dir()
    if root is None:
        raise SystemExit(
            "error: reference data not found; set TARIFFSIM_DATA or check out ../shared/data"
        )
    return root


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    writer(tmp)
    os.replace(tmp, path)


CHECK_ONLY = False  # the "seeds" part: compare with the bundle instead of writing it
SEEDS: dict[str, dict[str, str]] = {}


def _write_parquet(df: pl.DataFrame, name: str, sources: list[str]) -> None:
    if CHECK_ONLY:
        old = BUNDLE / name
        if not old.is_file() or not pl.read_parquet(old).equals(df):
            print(f"  {name}: differs from a fresh build (no seed; rebuild the bundle)")
            return
        print(f"  {name}: same as a fresh build")
    else:
        _write_atomic(
            BUNDLE / name,
            lambda p: df.write_parquet(
                p, compression="zstd", compression_level=19, statistics=False
            ),
        )
        print(f"  {name}: {df.height:,} rows, {(BUNDLE / name).stat().st_size / 1e6:.2f} MB")
    seed = store.seed_for(df)
    if seed is not None:  # a frame of the data layer's cache: the bundle can seed it
        SEEDS[seed[0]] = {"key": seed[1], "file": name}


def write_seeds() -> None:
    """``bundle_seeds.json`` (see ``tariffsim.data.store``): the content key of each bundled frame
    the data layer caches, so that a cold cache reads the bundle instead of rebuilding it."""
    import json

    old = store.seeds()
    merged = {k: v for k, v in old.items() if (BUNDLE / v["file"]).is_file()}
    merged.update(SEEDS)
    text = json.dumps(dict(sorted(merged.items())), indent=1) + "\n"
    _write_atomic(store.SEEDS_FILE, lambda p: p.write_text(text, encoding="utf-8"))
    print(f"seeds: {len(merged)} frames in {store.SEEDS_FILE.name}")


def _out(name: str) -> Path:
    """Where a built file goes: the country tables beside ``core/countries.py``, the rest in the bundle."""
    return (CORE if name in CORE_TABLES else BUNDLE) / name


def _write_text(text: str, name: str, sources: list[str]) -> None:
    if CHECK_ONLY:
        return

    def w(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    _write_atomic(_out(name), w)
    print(f"  {name}: {_out(name).stat().st_size / 1e3:.1f} kB")


# --------------------------------------------------------------------------------------------------
def sources_of(name: str) -> list[str]:
    """The reference files (relative to the shared data folder) a bundle file is derived from."""
    from tariffsim.data import lists
    from tariffsim.data.hts.mfn import _OMISSIONS as mfn_omissions

    ave = [
        *(
            f"census/us_imports_hs10_with_duty_2024_{p}.parquet"
            for p in ("EU", "JPN", "CAN", "MEX")
        ),
        "product_lists/usmca_product_shares_2024.csv",
    ]
    fixed = {
        "countries.csv": ["product_lists/census_codes.csv", "census/us_trade_by_partner_2024.csv"],
        "country_groups.csv": ["product_lists/country_partner_mapping.csv"],
        "imports_2024.parquet": ["census/us_imports_hs10_by_partner_2024.csv.gz"],
        "partner_totals_2024.parquet": ["census/us_trade_by_partner_2024.csv"],
        "revisions.parquet": ["usitc_hts/revision_dates.csv"],
        "usmca_shares.parquet": [lists.USMCA_SHARES],
        "metal_content_shares.parquet": [lists.METAL_SHARES],
        "elasticities_bw_hts10.parquet": ["elasticities/elasticities_broda_weinstein_us_hts10.csv"],
        "ge_countries.parquet": [
            "ge_2023/country_labels.csv",
            "ge_2023/gdp.csv",
            "ge_2023/tariffs.csv",
        ],
        "ge_trade.parquet": ["ge_2023/trade_cepii.csv"],
    }
    if name in fixed:
        return fixed[name]
    if name.startswith("with_duty_2024_"):
        p = name.removeprefix("with_duty_2024_").removesuffix(".parquet")
        return [f"census/us_imports_hs10_with_duty_2024_{p}.parquet"]
    for prefix in ("mfn_", "special_"):
        if name.startswith(prefix):
            e = name.removeprefix(prefix).removesuffix(".parquet")
            out = [f"usitc_hts/hts_{e}.json.gz", *ave]
            if e in mfn_omissions:  # lines the export omits, restored from the next revision
                out += [
                    f"usitc_hts/hts_{mfn_omissions[e][0]}.json.gz",
                    "product_lists/hts_concordance.csv",
                ]
            return out
    if name.startswith("list_"):
        stem = name.removeprefix("list_").split(".")[0]
        return [f"product_lists/{lists.LISTS[stem][0]}"]
    raise KeyError(name)


def _upstream(rel: str) -> str:
    best = ""
    for k in UPSTREAM:
        if rel.startswith(k) and len(k) > len(best):
            best = k
    return UPSTREAM[best]


def write_provenance() -> None:
    """PROVENANCE.md: every bundle file, its size and rows, its sources with sha256, upstream and licence."""
    root = _shared()
    out = [
        "# Provenance of the default dataset",
        "",
        "Generated by `scripts/build_bundle.py` (run `.venv/bin/python scripts/build_bundle.py`) from the",
        "reference data folder `../shared/data` (documented in its README.md). Nothing here is copied:",
        "each file is a re-keyed or derived table (parquet, zstd) or a small CSV written by the script.",
        f"Built on {dt.date.today().isoformat()}.",
        "",
        "Licences: US Census Bureau and USITC data are US government works in the public domain; the",
        "product lists and the archived HTS JSON come from the Yale Budget Lab tariff-rate-tracker (MIT,",
        "`product_lists/LICENSE-budget-lab-tariff-rate-tracker.txt`); the duty extracts were collected by",
        "tradewartracker/trade-war-redux-2025 (MIT).",
        "",
        "| file | bytes | rows | derived from (sha256) | upstream source and licence |",
        "|---|---:|---:|---|---|",
    ]
    sha_cache: dict[str, str] = {}
    files = [CORE / n for n in CORE_TABLES] + sorted(BUNDLE.iterdir())
    for f in files:
        if not f.is_file() or f.name == "PROVENANCE.md" or f.name.endswith(".tmp"):
            continue
        try:
            srcs = sources_of(f.name)
        except KeyError:
            continue
        if f.suffix == ".parquet":
            rows = f"{pl.scan_parquet(f).select(pl.len()).collect().item():,}"
        else:
            rows = f"{max(0, len(f.read_text(encoding='utf-8').splitlines()) - 1):,}"
        parts = []
        for rel in srcs:
            if rel not in sha_cache:
                sha_cache[rel] = _sha256(root / rel)
            parts.append(f"`{rel}` ({sha_cache[rel][:16]}…)")
        ups = "; ".join(dict.fromkeys(_upstream(r) for r in srcs))
        shown = f"../../core/{f.name}" if f.parent == CORE else f.name
        out.append(f"| `{shown}` | {f.stat().st_size:,} | {rows} | {'<br>'.join(parts)} | {ups} |")
    out += ["", "Full sha256 of each source file:", ""]
    for rel, h in sorted(sha_cache.items()):
        out.append(f"- `{rel}`: `{h}`")
    out.append("")
    _write_atomic(
        BUNDLE / "PROVENANCE.md", lambda p: p.write_text("\n".join(out), encoding="utf-8")
    )


def build_countries() -> None:
    """countries.csv (iso3, name, census_name, cty_code, cty_codes) and country_groups.csv."""
    root = _shared()
    codes = pl.read_csv(root / "product_lists/census_codes.csv", schema_overrides={"Code": pl.Utf8})
    trade = pl.read_csv(
        root / "census/us_trade_by_partner_2024.csv", schema_overrides={"cty_code": pl.Utf8}
    ).select("cty_code", "iso3", "country")
    j = codes.rename({"Code": "cty_code", "Name": "census_name"}).join(
        trade, on="cty_code", how="full", coalesce=True
    )
    rows: dict[str, dict[str, str]] = {}
    for r in j.sort("cty_code").iter_rows(named=True):
        iso3 = r["iso3"] or _TERRITORY_ISO3.get(r["cty_code"])
        if iso3 is None:
            raise SystemExit(f"error: no ISO3 for Census code {r['cty_code']} ({r['census_name']})")
        name = r["country"] or r["census_name"]
        if iso3 in rows:  # PSE: Gaza Strip (5082) and West Bank (5083)
            rows[iso3]["cty_codes"] += ";" + r["cty_code"]
            rows[iso3]["census_name"] += ";" + (r["census_name"] or "")
            if iso3 == "PSE":
                rows[iso3]["name"] = "Palestinian Territories"
            continue
        rows[iso3] = {
            "iso3": iso3,
            "name": name,
            "census_name": r["census_name"] or name,
            "cty_code": r["cty_code"],
            "cty_codes": r["cty_code"],
        }
    buf = io.StringIO()
    w = csv.DictWriter(
        buf,
        fieldnames=["iso3", "name", "census_name", "cty_code", "cty_codes"],
        lineterminator="\n",
    )
    w.writeheader()
    for iso3 in sorted(rows):
        w.writerow(rows[iso3])
    _write_text(
        buf.getvalue(),
        "countries.csv",
        ["product_lists/census_codes.csv", "census/us_trade_by_partner_2024.csv"],
    )

    mapping = pl.read_csv(
        root / "product_lists/country_partner_mapping.csv", schema_overrides={"cty_code": pl.Utf8}
    )
    by_code = {c: iso3 for iso3, r in rows.items() for c in r["cty_codes"].split(";")}
    eu = sorted({by_code[c] for c in mapping.filter(pl.col("partner") == "eu")["cty_code"]})
    if len(eu) != 27:
        raise SystemExit(
            f"error: expected the 27 EU members in country_partner_mapping.csv, found {len(eu)}"
        )
    buf = io.StringIO()
    buf.write("group,iso3\n")
    for iso3 in eu:
        buf.write(f"EU,{iso3}\n")
    # USMCA: the United States–Mexico–Canada Agreement partners of the United States.
    for iso3 in ("CAN", "MEX"):
        buf.write(f"USMCA,{iso3}\n")
    _write_text(buf.getvalue(), "country_groups.csv", ["product_lists/country_partner_mapping.csv"])


def build_census() -> None:
    from tariffsim.data import census

    _write_parquet(census.imports_2024(), "imports_2024.parquet", [census.IMPORTS_2024])
    _write_parquet(census.partner_totals(), "partner_totals_2024.parquet", [census.PARTNERS_2024])
    for p in census.WITH_DUTY_PARTNERS:
        _write_parquet(
            census.imports_with_duty(p),
            f"with_duty_2024_{p}.parquet",
            [f"census/us_imports_hs10_with_duty_2024_{p}.parquet"],
        )


def build_hts() -> None:
    from tariffsim.data import census, hts

    ave_sources = [
        *(
            f"census/us_imports_hs10_with_duty_2024_{p}.parquet"
            for p in ("EU", "JPN", "CAN", "MEX")
        ),
        "product_lists/usmca_product_shares_2024.csv",
    ]
    del census
    for e in BUNDLED_EDITIONS:
        src = [f"usitc_hts/hts_{e}.json.gz", *ave_sources]
        _write_parquet(hts.mfn_table(e), f"mfn_{e}.parquet", src)
        _write_parquet(hts.special_rates(e), f"special_{e}.parquet", src)
    _write_parquet(hts.revisions(), "revisions.parquet", ["usitc_hts/revision_dates.csv"])


def build_lists() -> None:
    from tariffsim.data import lists

    for name, (fname, _, _) in lists.LISTS.items():
        _write_parquet(lists.product_list(name), f"list_{name}.parquet", [f"product_lists/{fname}"])
        header = lists.product_list_header(name)
        if header:
            _write_text(header + "\n", f"list_{name}.schema.txt", [f"product_lists/{fname}"])
    _write_parquet(lists.usmca_shares(), "usmca_shares.parquet", [lists.USMCA_SHARES])
    _write_parquet(
        lists.metal_content_shares(), "metal_content_shares.parquet", [lists.METAL_SHARES]
    )


def build_models() -> None:
    """Model inputs: Broda–Weinstein σ by HTS10 (PE) and the 194-country GE data (ILMS 2025)."""
    from tariffsim.data.elasticities import broda_weinstein_hts10

    _write_parquet(
        broda_weinstein_hts10(),
        "elasticities_bw_hts10.parquet",
        ["elasticities/elasticities_broda_weinstein_us_hts10.csv"],
    )
    ge = _shared() / "ge_2023"
    labels = pl.read_csv(ge / "country_labels.csv")
    gdp = pl.read_csv(ge / "gdp.csv").select(pl.col("gdp").cast(pl.Float64).alias("gdp_usd"))
    tariffs = pl.read_csv(ge / "tariffs.csv").select(
        pl.col("applied_tariff").cast(pl.Float64).alias("ustr_tariff")
    )
    if not (labels.height == gdp.height == tariffs.height):
        raise SystemExit(f"error: ge_2023 files disagree on the number of countries ({ge})")
    countries = pl.concat([labels, gdp, tariffs], how="horizontal")
    _write_parquet(countries, "ge_countries.parquet", ["ge_2023/country_labels.csv"])
    # Header export_ij1..N; row j, column i = exports of j to i (thousands USD; blank = 0).
    trade = pl.read_csv(ge / "trade_cepii.csv", infer_schema_length=0)
    trade = trade.select(pl.all().cast(pl.Float64, strict=False).fill_null(0.0))
    if trade.shape != (labels.height, labels.height):
        raise SystemExit(
            f"error: trade_cepii.csv is {trade.shape}, expected square of {labels.height}"
        )
    trade.columns = labels["iso3"].to_list()
    _write_parquet(trade, "ge_trade.parquet", ["ge_2023/trade_cepii.csv"])


BUNDLED_EDITIONS = ("2025_basic", "2026_basic")

PARTS: dict[str, Callable[[], None]] = {
    "countries": build_countries,
    "census": build_census,
    "hts": build_hts,
    "lists": build_lists,
    "models": build_models,
}


def main(argv: list[str] | None = None) -> int:
    global CHECK_ONLY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "parts",
        nargs="*",
        help=f"parts to build (default all): {', '.join(PARTS)}; or 'seeds' alone: check the "
        "bundle against a fresh build and write bundle_seeds.json without rewriting the bundle",
    )
    args = parser.parse_args(argv)
    if args.parts == ["seeds"]:
        CHECK_ONLY = True
        for p in PARTS:
            print(f"checking {p}")
            PARTS[p]()
        write_seeds()
        return 0
    parts = args.parts or list(PARTS)
    BUNDLE.mkdir(parents=True, exist_ok=True)
    for p in parts:
        print(f"building {p}")
        PARTS[p]()
    write_seeds()
    write_provenance()
    total = sum(f.stat().st_size for f in BUNDLE.iterdir() if f.is_file())
    print(f"bundle: {total / 1e6:.2f} MB in {BUNDLE}")
    if total > MAX_BYTES:
        raise SystemExit(
            f"error: bundle is {total / 1e6:.2f} MB, above the {MAX_BYTES / 1e6:.0f} MB limit"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
