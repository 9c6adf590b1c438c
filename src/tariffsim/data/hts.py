"""The Harmonized Tariff Schedule of the United States (USITC JSON exports).

Sources: ``usitc_hts/hts_<edition>.json.gz`` in the reference data — the official USITC JSON export
of each edition (``2025_basic``, ``2025_rev_1`` … ``2026_rev_10``), a list of entries with
``htsno, indent, description, superior, units, general, special, other, footnotes, quotaQuantity,
additionalDuties``. ``general`` is the column 1 (MFN) rate text, ``special`` the preferential rates by
program code (General Note 3(c)(i) of the HTS lists the codes: ``JP`` US–Japan Trade Agreement,
``KR`` KORUS, ``S``/``S+`` USMCA, ``AU`` Australia, ``SG`` Singapore, ``CL`` Chile, ``IL`` Israel …).

Rate texts (:func:`parse_rate`) are sums of terms separated by ``+``:

* ``Free``;
* ad valorem ``"2.5%"`` → 0.025 of the customs value; a term "``X% on the case``" or "``X% on the value
  of the lead content``" applies to part of the value only (kept in ``partial_ad_valorem``);
* specific ``"2.2¢/kg"`` → (0.022, ``"USD/kg"``), ``"$1.035/kg"``, ``"0.9¢ each"`` → ``"USD/each"``;
  qualifiers (``on drained weight``, ``of total sugars``) are kept in ``notes``;
* chapter 99 texts "``The duty provided in the applicable subheading + 25%``" are an ad valorem
  duty added on top of the ordinary duty (``on_top_of="applicable_subheading"``).

Kinds: ``free``; ``ad_valorem`` (only percentage terms); ``specific`` (only per-unit terms);
``compound`` (both); ``other`` (a text with no rate of these forms, e.g. "The rate applicable to each
garment in the ensemble if separately entered").

Ad valorem equivalents (:func:`mfn_table`): exact for ``free`` and full-value ``ad_valorem`` lines;
otherwise the duty actually assessed in 2024 divided by the customs value of imports for consumption,
``AVE = Σ CAL_DUT_YR / Σ CON_VAL_YR`` (Census International Trade API extracts in
``census/us_imports_hs10_with_duty_2024_*.parquet``), at HTS10 or else HTS8 level, preferring EU
imports (the EU has no US trade agreement, so it pays column 1 rates), then Japan; for a compound
rate the observed ratio less the ad valorem part is the specific part, clipped at zero
(``AVE = av + max(0, observed − av)``). Then Canada + Mexico, with the value that did not claim USMCA
(``value × (1 − usmca_share)``, ``usmca_product_shares_2024.csv``) in the denominator
(``unit_value_any``); China is not used (its duty includes Section 301). A line still without an
observation gets the median observed AVE of the lines of its chapter with the same rate text
(``same_rate_median``), else the median AVE of the exact ad valorem lines of its chapter, but not
less than its own ad valorem part (``chapter_median``); ``other`` = no AVE (null), e.g. chapter 98
texts such as "A duty upon the value of the repairs or alterations". Observations need a customs
value of at least 1,000 USD.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.core.errors import DataNotFoundError, InputError
from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl

KINDS = ("free", "ad_valorem", "specific", "compound", "other")
AVE_METHODS = (
    "exact",
    "unit_value_eu",
    "unit_value_jpn",
    "unit_value_any",
    "same_rate_median",
    "chapter_median",
    "other",
)


@dataclass(frozen=True, slots=True)
class ParsedRate:
    """A parsed HTS rate text.

    ``ad_valorem``: the percentage part on the full customs value, as a fraction (None if none);
    ``specific``: per-unit parts as ``(amount, unit)`` with amounts in US dollars
    (``"2.2¢/kg"`` → ``(0.022, "USD/kg")``); ``partial_ad_valorem``: percentage parts on part of the
    value, ``(fraction, basis)``; ``on_top_of``: ``"applicable_subheading"`` for chapter 99 texts
    that add to the ordinary duty; ``notes``: qualifiers that the numbers do not capture.
    """

    kind: str
    ad_valorem: float | None
    specific: tuple[tuple[float, str], ...]
    raw: str
    partial_ad_valorem: tuple[tuple[float, str], ...] = ()
    on_top_of: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_exact(self) -> bool:
        """True when the rate is a fraction of the full value: free or plain ad valorem."""
        return self.kind == "free" or (
            self.kind == "ad_valorem"
            and not self.partial_ad_valorem
            and self.ad_valorem is not None
        )

    @property
    def exact_ave(self) -> float | None:
        """The ad valorem equivalent when it needs no trade data (free → 0, ``X%`` → X/100)."""
        if self.kind == "free":
            return 0.0
        return self.ad_valorem if self.is_exact else None


_WS = re.compile(r"\s+")
_NUM = r"(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
_AV_TERM = re.compile(rf"^{_NUM}\s*(?:%|percent)(?:\s+(?:on|of|upon)\s+(?P<basis>.+))?$", re.I)
_SPEC_TERM = re.compile(
    rf"^(?P<dollar>\$)?\s*{_NUM}\s*(?P<cent>¢)?\s*(?P<unit>each|/\s*\S.*?)(?:\s+(?P<q>on|of)\s+(?P<basis>.+))?$",
    re.I,
)
_LESS = re.compile(r"\s+less\s+.*$", re.I)
_ONTOP = re.compile(
    r"^the duty(?: rate)? provided (?:for )?(?:in|for)\s*(?:the applicable subheading|such subheading|subheadings? [\d.,\sor]+)\s*"
    r"(?P<rest>.*)$",
    re.I,
)
_ONTOP_REST = re.compile(
    rf"^(?P<sign>\+|minus|plus)\s*(?:a duty of\s*)?{_NUM}\s*%(?:\s+(?:upon|on)\s+(?P<basis>.+))?$",
    re.I,
)


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _clean(text: str) -> str:
    return _WS.sub(" ", text.replace("\xa0", " ")).strip().rstrip(".").strip()


def _unit(u: str) -> str:
    u = u.strip()
    if u.lower() == "each":
        return "USD/each"
    u = re.sub(r"\s*/\s*", "/", u)
    u = (
        u.replace("1,000", "1000")
        .replace("pr.", "pr")
        .replace("doz.", "doz")
        .replace("pf.liter", "pf liter")
    )
    return "USD" + u.rstrip(".")


@lru_cache(maxsize=8192)
def parse_rate(text: str | None) -> ParsedRate:
    """Parse one HTS rate text (``general``, ``other`` or one group of ``special``).

    Examples (HTS 2025 basic): ``"2.5%"`` → ad_valorem 0.025 (8703.23.01); ``"2.2¢/kg"`` → specific
    [(0.022, "USD/kg")]; ``"$1.035/kg + 14.9%"`` → compound; ``"1.5¢/kg less 0.020668¢/kg for each
    degree under 100 degrees …"`` → specific 0.015 USD/kg (the rate at 100 degrees) with the
    reduction kept in ``notes``.
    """
    raw = "" if text is None else str(text)
    s = _clean(raw)
    if not s:
        return ParsedRate("other", None, (), raw, notes=("empty",))
    low = s.lower()
    if low == "free" or low.startswith("free,") or low.startswith("free "):
        return ParsedRate("free", 0.0, (), raw, notes=(s[5:].strip(" ,"),) if len(s) > 4 else ())
    m = _ONTOP.match(s)
    if m:
        rest = m.group("rest").strip()
        if not rest:
            return ParsedRate("ad_valorem", 0.0, (), raw, on_top_of="applicable_subheading")
        r = _ONTOP_REST.match(rest)
        if r:
            v = _num(r.group(2)) / 100.0
            if r.group("sign").lower() == "minus":
                v = -v
            if r.group("basis"):
                return ParsedRate(
                    "ad_valorem",
                    None,
                    (),
                    raw,
                    partial_ad_valorem=((v, _clean(r.group("basis"))),),
                    on_top_of="applicable_subheading",
                )
            return ParsedRate("ad_valorem", v, (), raw, on_top_of="applicable_subheading")
        return ParsedRate("other", None, (), raw, on_top_of="applicable_subheading")

    av = 0.0
    has_av = False
    partial: list[tuple[float, str]] = []
    spec: list[tuple[float, str]] = []
    notes: list[str] = []
    for term in s.split("+"):
        t = term.strip()
        lm = _LESS.search(t)
        if lm:  # "1.5¢/kg less 0.020668¢/kg for each degree under 100 degrees …"
            notes.append(lm.group(0).strip())
            t = t[: lm.start()].strip()
        a = _AV_TERM.match(t)
        if a:
            v = _num(a.group(1)) / 100.0
            basis = a.group("basis")
            if basis:
                partial.append((v, _clean(basis)))
            else:
                av += v
                has_av = True
            continue
        sp = _SPEC_TERM.match(t)
        if sp:
            amount = _num(sp.group(2))
            if sp.group("cent"):
                amount /= 100.0
            elif not sp.group("dollar"):
                return ParsedRate("other", None, (), raw)
            spec.append((round(amount, 10), _unit(sp.group("unit"))))
            if sp.group("basis"):
                notes.append(f"{sp.group('q')} {_clean(sp.group('basis'))}")
            continue
        return ParsedRate("other", None, (), raw)
    if spec and (has_av or partial):
        kind = "compound"
    elif spec:
        kind = "specific"
    else:
        kind = "ad_valorem"
    return ParsedRate(
        kind,
        round(av, 10) if has_av else None,
        tuple(spec),
        raw,
        partial_ad_valorem=tuple(partial),
        notes=tuple(notes),
    )


_CODES = re.compile(r"\(\s*([A-Z][A-Z0-9]?[+*]?(?:\s*,\s*[A-Z][A-Z0-9]?[+*]?)*)\s*,?\s*\)")


def parse_special(text: str | None) -> dict[str, ParsedRate]:
    """Program code → rate, from a ``special`` column text.

    ``"Free (A+,AU,BH,CA,…,SG) 1.2% (JP)"`` → ``{"A+": free, "AU": free, …, "JP": 1.2%}``. References
    such as ``"See 9822.04.25 (AU)"`` give kind ``other`` with the reference in ``raw``. Codes keep
    their ``+``/``*`` suffix as written (``A+``: GSP, least-developed beneficiaries only; ``A*``: GSP
    with some beneficiaries excluded; ``S``/``S+``: USMCA, HTS General Note 11). ``"No change"`` and texts without codes give ``{}``.
    """
    out: dict[str, ParsedRate] = {}
    if not text:
        return out
    s = text.replace("\n", " ")
    pos = 0
    for m in _CODES.finditer(s):
        rate_text = s[pos : m.start()].strip().strip(",;").strip()
        pos = m.end()
        if not rate_text:
            continue
        rate = parse_rate(rate_text)
        for code in m.group(1).split(","):
            c = code.strip()
            if c and c not in out:
                out[c] = rate
    return out


# --------------------------------------------------------------------------------------------------
# editions


def normalize_edition(edition: str) -> str:
    """``"hts_2025_rev_7.json.gz"``, ``"2025_rev_7"``, ``"2025-rev7"`` → ``"2025_rev_7"``."""
    e = edition.strip().lower()
    e = e.removeprefix("hts_").removesuffix(".json.gz").removesuffix(".json").replace("-", "_")
    e = re.sub(r"rev_?(\d+)", r"rev_\1", e)
    if not re.fullmatch(r"20\d\d_(basic|rev_\d+)", e):
        raise InputError(
            f"unknown HTS edition {edition!r}",
            hint="write an edition such as 2025_basic or 2025_rev_7 (the file names in usitc_hts/)",
        )
    return e


def editions() -> list[str]:
    """The editions present in the reference data, in publication order."""
    root = paths.shared_data_dir()
    if root is None or not (root / "usitc_hts").is_dir():
        return []
    found = [
        p.name.removeprefix("hts_").removesuffix(".json.gz")
        for p in (root / "usitc_hts").glob("hts_*.json.gz")
    ]

    def key(e: str) -> tuple[int, int]:
        year, _, rest = e.partition("_")
        return int(year), (0 if rest == "basic" else int(rest.removeprefix("rev_")))

    return sorted(found, key=key)


def edition_path(edition: str) -> Path:
    """The JSON file of an edition in the reference data; DataNotFoundError if absent."""
    e = normalize_edition(edition)
    rel = f"usitc_hts/hts_{e}.json.gz"
    p = paths.shared_file(rel)
    if p is None:
        raise paths.missing(rel)
    return p


def _read_entries(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rb") as f:
        return json.load(f)


def _footnotes_text(fn: Any) -> str:
    if not fn:
        return ""
    parts = []
    for f in fn:
        v = (f.get("value") or "").strip() if isinstance(f, dict) else str(f).strip()
        if v:
            cols = ",".join(f.get("columns") or []) if isinstance(f, dict) else ""
            parts.append(f"[{cols}] {v}" if cols else v)
    return "; ".join(parts)


def _revision_frame(entries: list[dict[str, Any]]) -> pl.DataFrame:
    import polars as pl

    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "line",
            "htsno",
            "digits",
            "indent",
            "description",
            "superior",
            "units",
            "general",
            "special",
            "other",
            "footnotes",
            "quota_quantity",
            "additional_duties",
        )
    }
    for i, e in enumerate(entries):
        htsno = (e.get("htsno") or "").strip()
        cols["line"].append(i)
        cols["htsno"].append(htsno)
        cols["digits"].append(re.sub(r"\D", "", htsno))
        try:
            cols["indent"].append(int(e.get("indent") or 0))
        except ValueError:
            cols["indent"].append(0)
        cols["description"].append((e.get("description") or "").strip())
        cols["superior"].append(str(e.get("superior")).lower() == "true")
        cols["units"].append(",".join(e.get("units") or []))
        cols["general"].append((e.get("general") or "").strip())
        cols["special"].append((e.get("special") or "").strip())
        cols["other"].append((e.get("other") or "").strip())
        cols["footnotes"].append(_footnotes_text(e.get("footnotes")))
        cols["quota_quantity"].append((e.get("quotaQuantity") or "").strip())
        ad = e.get("additionalDuties") or e.get("addiitionalDuties") or ""
        cols["additional_duties"].append(ad.strip() if isinstance(ad, str) else json.dumps(ad))
    return pl.DataFrame(cols, schema_overrides={"line": pl.Int32, "indent": pl.Int8})


def load_revision(edition: str) -> pl.DataFrame:
    """All entries of an HTS edition, in file order (chapter 99 included).

    Columns: line (position in the file), htsno (dotted), digits (htsno without dots; "" for
    heading-less text lines), indent, description, superior, units, general, special, other,
    footnotes (``"[general] See 9903.88.15."``; several joined by ``"; "``), quota_quantity,
    additional_duties. Cached (see :mod:`tariffsim.data.store`).
    """
    from tariffsim.data import store

    path = edition_path(edition)
    return store.cached_frame(
        f"hts_revision_{normalize_edition(edition)}",
        [path],
        lambda: _revision_frame(_read_entries(path)),
    )


# --------------------------------------------------------------------------------------------------
# MFN table


def _hts10_lines(rev: pl.DataFrame) -> pl.DataFrame:
    """One row per HTS10 line with the rate texts of its rate-bearing line and a context description."""
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
        if len(digits) != 10 or digits.startswith("99"):
            continue
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
    return pl.DataFrame(
        {
            "hts10": hts10,
            "description": desc,
            "description_full": ctx,
            "general_text": general,
            "special_text": special,
            "other_text": other,
            "rate_line": rate_line,
        }
    ).unique("hts10", keep="first", maintain_order=True)


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


def _build_mfn(edition: str) -> pl.DataFrame:
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
    df = _with_column2(df)
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
    ).sort("hts10")


def _ave_from_mfn(
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


def _with_column2(df: pl.DataFrame) -> pl.DataFrame:
    """Add the column 2 ("other") rate: ``other_kind``, ``other_ave``, ``other_method``.

    Column 2 (HTS General Note 3(b)) applies to the countries without normal trade relations
    (Cuba, North Korea; Russia and Belarus from 8 Apr 2022, Pub. L. 117-110). ``other_ave`` is
    computed by :func:`_ave_from_mfn` (exact, or the column-1 AVE scaled by the ratio of specific
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
        value, method = _ave_from_mfn(r, av, amt, unit, ave)
        kinds.append(r.kind)
        aves.append(value)
        methods.append(method)
    return df.with_columns(
        pl.Series("other_kind", kinds, dtype=pl.Utf8),
        pl.Series("other_ave", aves, dtype=pl.Float64),
        pl.Series("other_method", methods, dtype=pl.Utf8),
    )


def mfn_table(edition: str) -> pl.DataFrame:
    """Column 1 (MFN) rates of one edition, one row per HTS10 statistical line (chapters 01–98).

    Columns: hts10, hts8, description (own text), description_full (heading › … › line),
    general_text (of the rate-bearing line: the line itself, else its HTS8 parent, else higher),
    kind, ad_valorem (fraction), specific_amount / specific_unit (first per-unit term), ave
    (fraction), ave_method ∈ exact | unit_value_eu | unit_value_jpn | unit_value_any |
    same_rate_median | chapter_median | other, special_text, other_text (column 2), other_kind,
    other_ave (column 2 AVE: exact | scaled_mfn | null, see :func:`_with_column2`), other_method,
    rate_line (digits of the line
    that carries the rate). The AVE method is described in the module docstring.

    Reads the edition from the reference data (cached); without it, the bundle holds
    ``2025_basic`` and ``2026_basic``.
    """
    import polars as pl

    from tariffsim.data import store

    e = normalize_edition(edition)
    rel = f"usitc_hts/hts_{e}.json.gz"
    src = paths.shared_file(rel)
    if src is not None:
        deps = [src, *_ave_sources()]
        return store.cached_frame(f"mfn_c2_{e}", deps, lambda: _build_mfn(e))  # c2: with column 2
    b = paths.bundle_file(f"mfn_{e}.parquet")
    if b is not None:
        return pl.read_parquet(b)
    raise paths.missing(rel, bundle_name=f"mfn_{e}.parquet")


def _ave_sources() -> list[Path]:
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


# --------------------------------------------------------------------------------------------------
# special rates


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
            ave, method = _ave_from_mfn(r, mfn_av, mfn_amt, mfn_unit, mfn_ave)
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
        df = store.cached_frame(f"special_{e}", [src, *_ave_sources()], lambda: _build_special(e))
    else:
        b = paths.bundle_file(f"special_{e}.parquet")
        if b is None:
            raise paths.missing(rel, bundle_name=f"special_{e}.parquet")
        df = pl.read_parquet(b)
    if programs is not None:
        df = df.filter(pl.col("program").is_in(programs))
    return df


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


# --------------------------------------------------------------------------------------------------
# revisions


def revisions() -> pl.DataFrame:
    """HTS revisions with their dates (``usitc_hts/revision_dates.csv``).

    Columns: revision (as in the file: ``basic``, ``rev_7``, ``2026_rev_1``), edition (file name
    stem: ``2025_basic``, ``2025_rev_7``, ``2026_rev_1``), published (date the revision was
    published, ``effective_date`` in the file), legal_effective (``policy_effective_date``: the legal
    effective date of the policy it carries, where it differs; else null), event, tpc_date,
    needs_review.
    """
    import polars as pl

    rel = "usitc_hts/revision_dates.csv"
    p = paths.shared_file(rel)
    if p is None:
        b = paths.bundle_file("revisions.parquet")
        if b is None:
            raise paths.missing(rel, bundle_name="revisions.parquet")
        return pl.read_parquet(b)
    df = pl.read_csv(p, null_values=["NA", ""], infer_schema_length=0)
    rev = pl.col("revision")
    return df.select(
        rev,
        pl.when(rev.str.starts_with("20"))
        .then(rev)
        .otherwise(pl.lit("2025_") + rev)
        .alias("edition"),
        pl.col("effective_date").str.to_date().alias("published"),
        pl.col("policy_effective_date").str.to_date().alias("legal_effective"),
        pl.col("policy_event").alias("event"),
        pl.col("tpc_date").str.to_date().alias("tpc_date"),
        pl.col("needs_review"),
    )


__all__ = [
    "AVE_METHODS",
    "KINDS",
    "DataNotFoundError",
    "ParsedRate",
    "descriptions",
    "edition_path",
    "editions",
    "load_revision",
    "mfn_for_codes",
    "mfn_table",
    "normalize_edition",
    "parse_rate",
    "parse_special",
    "revisions",
    "special_rates",
]
