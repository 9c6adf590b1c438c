"""Preferential (column 1 special) rates per HTS10 line and program code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffsim.data import paths
from tariffsim.data.hts.ave import ave_from_mfn, ave_sources
from tariffsim.data.hts.editions import normalize_edition
from tariffsim.data.hts.mfn import mfn_table
from tariffsim.data.hts.rate_text import ParsedRate, parse_special

if TYPE_CHECKING:
    import polars as pl


def _build_special(edition: str) -> pl.DataFrame:
    import polars as pl

    mfn = mfn_table(edition).select(
        "hts10", "special_text", "ad_valorem", "specific_amount", "specific_unit", "ave"
    )
    rows: dict[str, list[Any]] = {
        k: [] for k in ("hts10", "program", "kind", "ad_valorem", "ave", "ave_method", "text")
    }
    cache: dict[str, dict[str, ParsedRate]] = {}
    for hts10, text, mfn_av, mfn_amt, mfn_unit, mfn_ave in mfn.iter_rows():
        if not text:
            continue
        parsed = cache.get(text)
        if parsed is None:
            parsed = cache[text] = parse_special(text)
        for program, r in parsed.items():
            ave, method = ave_from_mfn(r, mfn_av, mfn_amt, mfn_unit, mfn_ave)
            rows["hts10"].append(hts10)
            rows["program"].append(program)
            rows["kind"].append(r.kind)
            rows["ad_valorem"].append(r.ad_valorem)
            rows["ave"].append(ave)
            rows["ave_method"].append(method)
            rows["text"].append(r.raw)
    return pl.DataFrame(
        rows,
        schema={
            "hts10": pl.Utf8,
            "program": pl.Utf8,
            "kind": pl.Utf8,
            "ad_valorem": pl.Float64,
            "ave": pl.Float64,
            "ave_method": pl.Utf8,
            "text": pl.Utf8,
        },
    )


def special_rates(edition: str, programs: list[str] | None = None) -> pl.DataFrame:
    """Preferential (column 1 special) rates: one row per HTS10 line × program code.

    Columns: hts10, program (``JP``, ``KR``, ``S``, ``S+``, ``AU``, ``SG``, ``CL``, ``IL``, ``CA``,
    ``MX`` … as written in the HTS, suffixes kept), kind, ad_valorem, ave, ave_method
    (``exact``; ``scaled_mfn`` = specific part of the MFN AVE × special amount / MFN amount;
    ``other`` = no AVE, e.g. "See 9822.04.25"), text (the rate text). USMCA is ``S``/``S+`` in
    these editions (``CA``/``MX`` appear only in a few chapter 98/99 texts).
    """
    import polars as pl

    from tariffsim.data import store

    e = normalize_edition(edition)
    rel = f"usitc_hts/hts_{e}.json.gz"
    src = paths.shared_file(rel)
    if src is not None:
        df = store.cached_frame(f"special_{e}", [src, *ave_sources()], lambda: _build_special(e))
    else:
        b = paths.bundle_file(f"special_{e}.parquet")
        if b is None:
            raise paths.missing(rel, bundle_name=f"special_{e}.parquet")
        df = pl.read_parquet(b)
    if programs is not None:
        df = df.filter(pl.col("program").is_in(programs))
    return df
