"""Column 1 (MFN) rates per HTS10 statistical line of an edition, and of arbitrary codes.

:func:`mfn_table` gives one row per HTS10 line (chapters 01–98) with the rate text of the line that
carries it (the line itself, else its HTS8 parent, else higher), the parsed rate, its ad valorem
equivalent (:mod:`tariffsim.data.hts.ave`) and the column 2 rate. :func:`mfn_for_codes` rates codes
the edition may lack (statistical suffixes change between editions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffsim.data import paths
from tariffsim.data.hts.ave import ave_sources, with_ave, with_column2
from tariffsim.data.hts.editions import load_revision, normalize_edition
from tariffsim.data.hts.rate_text import parse_rate

if TYPE_CHECKING:
    import polars as pl


def _hts10_lines(rev: pl.DataFrame) -> pl.DataFrame:
    """One row per HTS10 line with the rate texts of its rate-bearing line and a context description.

    An 8-digit line that carries a rate but has no statistical (10-digit) line in the export stands
    for all of its statistical lines: it gets one row, ``hts10`` = its 8 digits + ``"00"`` and
    ``hts8_only`` = True (chapters 01–97; chapter 98 provisions are left as they are). The USITC
    JSON exports of 2025–26 print 95 such lines, all watches and
    clocks of chapter 91 (e.g. 9101.11.40, "51¢ each + 6.25% on the case …"), whose statistical
    lines appear in trade data (9101.11.40.10 … .40) but not in the export; without the row, 4.9 bn
    USD of 2024 imports had no MFN rate.
    """
    import polars as pl

    hts10: list[str] = []
    desc: list[str] = []
    ctx: list[str] = []
    general: list[str] = []
    special: list[str] = []
    other: list[str] = []
    rate_line: list[str] = []
    last_rate: dict[str, tuple[str, str, str]] = {}
    stack: dict[int, str] = {}
    heading_desc: dict[str, str] = {}
    rate8: dict[str, tuple[str, str]] = {}  # 8-digit rate lines: (description, context)
    with_stat: set[str] = set()  # HTS8 codes that have at least one 10-digit line
    for digits, indent, d, g, sp, ot in zip(
        rev["digits"].to_list(),
        rev["indent"].to_list(),
        rev["description"].to_list(),
        rev["general"].to_list(),
        rev["special"].to_list(),
        rev["other"].to_list(),
        strict=True,
    ):
        for k in [k for k in stack if k >= indent]:
            del stack[k]
        stack[indent] = d
        if len(digits) == 4:
            heading_desc[digits] = d
        if not digits:
            continue
        if g:
            last_rate[digits] = (g, sp, ot)
        if len(digits) == 8 and g and not digits.startswith(("98", "99")):
            chain8 = [stack[k] for k in sorted(stack) if k < indent and stack[k]]
            head8 = heading_desc.get(digits[:4], "")
            if head8 and (not chain8 or chain8[0] != head8):
                chain8.insert(0, head8)
            rate8[digits] = (d, " › ".join(x.rstrip(":") for x in [*chain8, d]))
        if len(digits) != 10 or digits.startswith("99"):
            continue
        with_stat.add(digits[:8])
        src = None
        for n in (10, 8, 6, 4):
            if digits[:n] in last_rate:
                src = digits[:n]
                break
        g2, sp2, ot2 = last_rate[src] if src else ("", "", "")
        hts10.append(digits)
        desc.append(d)
        chain = [stack[k] for k in sorted(stack) if k < indent and stack[k]]
        head = heading_desc.get(digits[:4], "")
        if head and (not chain or chain[0] != head):
            chain.insert(0, head)
        ctx.append(" › ".join(x.rstrip(":") for x in [*chain, d]))
        general.append(g2)
        special.append(sp2)
        other.append(ot2)
        rate_line.append(src or "")
    only8 = [k for k in rate8 if k not in with_stat]
    for h8 in only8:
        g8, sp8, ot8 = last_rate[h8]
        hts10.append(h8 + "00")
        desc.append(rate8[h8][0])
        ctx.append(rate8[h8][1])
        general.append(g8)
        special.append(sp8)
        other.append(ot8)
        rate_line.append(h8)
    flag = [False] * (len(hts10) - len(only8)) + [True] * len(only8)
    return (
        pl.DataFrame(
            {
                "hts10": hts10,
                "description": desc,
                "description_full": ctx,
                "general_text": general,
                "special_text": special,
                "other_text": other,
                "rate_line": rate_line,
                "hts8_only": flag,
            }
        )
        .unique("hts10", keep="first", maintain_order=True)
        .sort("hts10", maintain_order=True)
    )


def _parsed_columns(texts: list[str]) -> dict[str, list[Any]]:
    kinds, av, spec_amt, spec_unit, exact = [], [], [], [], []
    for t in texts:
        r = parse_rate(t)
        kinds.append(r.kind)
        av.append(r.ad_valorem)
        spec_amt.append(r.specific[0][0] if r.specific else None)
        spec_unit.append(r.specific[0][1] if r.specific else None)
        exact.append(r.exact_ave)
    return {
        "kind": kinds,
        "ad_valorem": av,
        "specific_amount": spec_amt,
        "specific_unit": spec_unit,
        "_exact": exact,
    }


# Editions whose JSON export omits lines in force on their date, and the revision that restores them:
# the 2025 basic export lacks 4420.19.00.00 (statuettes and other ornaments of non-tropical wood, 3.2%,
# in the 2024 edition, in 2025 rev 1 and in 2026) and 9401.69.60.31; the USITC concordance marks both
# "added" between the basic edition and rev 1 (hts_concordance.csv, revision_from "basic").
_OMISSIONS = {"2025_basic": ("2025_rev_1", "basic", "rev_1")}
_CONCORDANCE = "product_lists/hts_concordance.csv"


def _omitted_lines(edition: str) -> list[str]:
    """HTS10 lines the concordance says the next revision added to ``edition`` (see _OMISSIONS)."""
    import polars as pl

    spec = _OMISSIONS.get(edition)
    src = paths.shared_file(_CONCORDANCE) if spec else None
    if spec is None or src is None:
        return []
    c = pl.read_csv(src, infer_schema_length=0)
    c = c.filter(
        (pl.col("change_type") == "added")
        & (pl.col("revision_from") == spec[1])
        & (pl.col("revision_to") == spec[2])
    )
    return sorted(c["new_hts10"].to_list())


def _build_mfn(edition: str) -> pl.DataFrame:
    import polars as pl

    df = _build_mfn_lines(edition)
    added = _omitted_lines(edition)
    if added:
        fill = _build_mfn_lines(_OMISSIONS[edition][0]).filter(
            pl.col("hts10").is_in(added) & ~pl.col("hts10").is_in(df["hts10"].implode())
        )
        df = pl.concat([df, fill]).sort("hts10")
    return df


def _build_mfn_lines(edition: str) -> pl.DataFrame:
    import polars as pl

    lines = _hts10_lines(load_revision(edition))
    parsed = _parsed_columns(lines["general_text"].to_list())
    df = lines.with_columns(
        pl.Series("kind", parsed["kind"], dtype=pl.Utf8),
        pl.Series("ad_valorem", parsed["ad_valorem"], dtype=pl.Float64),
        pl.Series("specific_amount", parsed["specific_amount"], dtype=pl.Float64),
        pl.Series("specific_unit", parsed["specific_unit"], dtype=pl.Utf8),
        pl.Series("_exact", parsed["_exact"], dtype=pl.Float64),
        pl.col("hts10").str.slice(0, 8).alias("hts8"),
        pl.col("hts10").str.slice(0, 2).alias("chapter"),
    )
    df = with_column2(with_ave(df))
    return df.select(
        "hts10",
        "hts8",
        "description",
        "description_full",
        "general_text",
        "kind",
        "ad_valorem",
        "specific_amount",
        "specific_unit",
        "ave",
        "ave_method",
        "special_text",
        "other_text",
        "other_kind",
        "other_ave",
        "other_method",
        "rate_line",
        "hts8_only",
    ).sort("hts10")


def mfn_table(edition: str) -> pl.DataFrame:
    """Column 1 (MFN) rates of one edition, one row per HTS10 statistical line (chapters 01–98).

    Columns: hts10, hts8, description (own text), description_full (heading › … › line),
    general_text (of the rate-bearing line: the line itself, else its HTS8 parent, else higher),
    kind, ad_valorem (fraction), specific_amount / specific_unit (first per-unit term), ave
    (fraction), ave_method ∈ exact | unit_value_eu | unit_value_jpn | unit_value_any |
    same_rate_median | chapter_median | other, special_text, other_text (column 2), other_kind,
    other_ave (column 2 AVE: exact | scaled_mfn | null, see :func:`tariffsim.data.hts.ave.with_column2`), other_method,
    rate_line (digits of the line
    that carries the rate), hts8_only (True for an 8-digit rate line the export prints without
    statistical lines: ``hts10`` is then its 8 digits + ``"00"`` and the row stands for all its
    statistical lines, see :func:`_hts10_lines`). The AVE method is that of
    :mod:`tariffsim.data.hts.ave`.

    Reads the edition from the reference data (cached); without it, the bundle holds
    ``2025_basic`` and ``2026_basic``.
    """
    import polars as pl

    from tariffsim.data import store

    e = normalize_edition(edition)
    rel = f"usitc_hts/hts_{e}.json.gz"
    src = paths.shared_file(rel)
    if src is not None:
        deps = [src, *ave_sources()]
        if e in _OMISSIONS:
            deps += [
                p
                for p in (
                    paths.shared_file(f"usitc_hts/hts_{_OMISSIONS[e][0]}.json.gz"),
                    paths.shared_file(_CONCORDANCE),
                )
                if p is not None
            ]
        return store.cached_frame(f"mfn_c2_{e}", deps, lambda: _build_mfn(e))  # c2: with column 2
    b = paths.bundle_file(f"mfn_{e}.parquet")
    if b is not None:
        return pl.read_parquet(b)
    raise paths.missing(rel, bundle_name=f"mfn_{e}.parquet")


def mfn_for_codes(edition: str, codes: pl.Series | list[str]) -> pl.DataFrame:
    """MFN rate of arbitrary HTS10 codes (e.g. the 2024 trade codes) in an edition, with fallbacks.

    One row per input code, in input order: ``hs10, general_text, kind, ad_valorem, ave,
    ave_method, match`` where ``match`` says how the code was found: ``hts10`` (the statistical
    line exists in the edition), ``hts8`` (the 8-digit line exists: its first statistical line's
    rate — rates sit on 8-digit lines, so all its 10-digit lines share the text; AVE = mean over
    them), ``hts6`` (median AVE of the subheading's lines, text of its first line), or ``none``.
    Codes change between editions (statistical splits in July and January), so joining 2024
    trade to a 2025 edition exactly misses about 1.5% of the value; the fallbacks recover it.
    """
    import polars as pl

    m = mfn_table(edition)
    q = pl.DataFrame({"hs10": pl.Series(codes, dtype=pl.Utf8)}).with_row_index("_i")
    cols = ["general_text", "kind", "ad_valorem", "ave", "ave_method"]
    lvl10 = m.select(pl.col("hts10").alias("_k10"), *cols)
    lvl8 = m.group_by(pl.col("hts8").alias("_k8"), maintain_order=True).agg(
        *(pl.col(c).first() for c in cols if c != "ave"), pl.col("ave").mean()
    )
    lvl6 = m.group_by(pl.col("hts10").str.slice(0, 6).alias("_k6"), maintain_order=True).agg(
        *(pl.col(c).first() for c in cols if c != "ave"), pl.col("ave").median()
    )
    out = q.with_columns(
        pl.col("hs10").alias("_k10"),
        pl.col("hs10").str.slice(0, 8).alias("_k8"),
        pl.col("hs10").str.slice(0, 6).alias("_k6"),
    )
    out = (
        out.join(lvl10, on="_k10", how="left")
        .join(lvl8, on="_k8", how="left", suffix="_8")
        .join(lvl6, on="_k6", how="left", suffix="_6")
    )
    has10 = pl.col("kind").is_not_null()
    has8 = pl.col("kind_8").is_not_null()
    has6 = pl.col("kind_6").is_not_null()
    exprs = [
        pl.when(has10)
        .then(pl.col(c))
        .when(has8)
        .then(pl.col(f"{c}_8"))
        .otherwise(pl.col(f"{c}_6"))
        .alias(c)
        for c in cols
    ]
    match = (
        pl.when(has10)
        .then(pl.lit("hts10"))
        .when(has8)
        .then(pl.lit("hts8"))
        .when(has6)
        .then(pl.lit("hts6"))
        .otherwise(pl.lit("none"))
        .alias("match")
    )
    return out.sort("_i").select("hs10", *exprs, match)


def descriptions(editions: tuple[str, ...] = ("2026_basic", "2025_basic")) -> pl.DataFrame:
    """HTS10 descriptions for search: ``hts10, description, description_full, edition``.

    The union of the MFN tables of ``editions``; a code present in several keeps the first
    edition's text (by default the newest).
    """
    import polars as pl

    frames = [
        mfn_table(e)
        .select("hts10", "description", "description_full")
        .with_columns(pl.lit(normalize_edition(e)).alias("edition"))
        for e in editions
    ]
    return pl.concat(frames).unique("hts10", keep="first", maintain_order=True).sort("hts10")
