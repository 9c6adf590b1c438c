"""HTS rate texts, editions, MFN and special rates.

Expected values are read off the official USITC JSON exports in ../shared/data/usitc_hts (the same
values as hts.usitc.gov for those editions): e.g. 8703.23.01 general "2.5%", 0409.00.00 (natural honey)
"1.9¢/kg", 9903.01.25 "+ 10%" in 2025 revision 7, 9903.01.43 "+ 11%".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tariffsim.core.errors import InputError
from tariffsim.data import hts
from tariffsim.data.hts import parse_rate, parse_special


# --- parse_rate: hand-checked examples ------------------------------------------------------------
def test_parse_free_and_ad_valorem() -> None:
    r = parse_rate("Free")
    assert (r.kind, r.ad_valorem, r.exact_ave) == ("free", 0.0, 0.0)
    r = parse_rate("2.5%")
    assert (r.kind, r.ad_valorem, r.specific) == ("ad_valorem", 0.025, ())
    assert parse_rate("6.5% ").ad_valorem == 0.065  # trailing space as in the JSON
    assert (
        parse_rate("Free, under bond, as prescribed in U.S. note 1 to this subchapter").kind
        == "free"
    )


def test_parse_specific() -> None:
    r = parse_rate("2.2¢/kg")  # 2.2 US cents per kilogram
    assert r.kind == "specific" and r.ad_valorem is None
    assert r.specific == ((0.022, "USD/kg"),)
    assert parse_rate("$2.146/kg").specific == ((2.146, "USD/kg"),)
    assert parse_rate("0.9¢ each").specific == ((0.009, "USD/each"),)
    assert parse_rate("10.5¢/bbl").specific == ((0.105, "USD/bbl"),)
    r = parse_rate("3.7¢/kg on drained weight")
    assert r.specific == ((0.037, "USD/kg"),) and r.notes == ("on drained weight",)


def test_parse_compound() -> None:
    r = parse_rate("$1.035/kg + 3.5%")
    assert r.kind == "compound" and r.ad_valorem == 0.035 and r.specific == ((1.035, "USD/kg"),)
    r = parse_rate("68¢/kg + 6%")
    assert r.kind == "compound" and r.ad_valorem == 0.06 and r.specific == ((0.68, "USD/kg"),)
    r = parse_rate("36¢ each + 5.6% + 2¢/jewel")  # watch movements, chapter 91
    assert r.ad_valorem == 0.056 and r.specific == ((0.36, "USD/each"), (0.02, "USD/jewel"))
    assert parse_rate("$1.035/kg +13.6%").ad_valorem == 0.136  # no space after "+"


def test_parse_sliding_scale() -> None:
    # sugar syrups: the rate at 100 degrees, the reduction kept as a note
    r = parse_rate("1.5¢/kg less 0.020668¢/kg for each degree under 100 degrees")
    assert r.kind == "specific" and r.specific == ((0.015, "USD/kg"),)
    assert r.notes[0].startswith("less 0.020668¢/kg")


def test_parse_partial_value() -> None:
    r = parse_rate("3.9% on the movement and case + 5.3% on the battery")
    assert r.kind == "ad_valorem" and r.ad_valorem is None and not r.is_exact
    assert r.partial_ad_valorem == ((0.039, "the movement and case"), (0.053, "the battery"))


def test_parse_chapter99() -> None:
    r = parse_rate("The duty provided in the applicable subheading + 25%")
    assert (r.kind, r.ad_valorem, r.on_top_of) == ("ad_valorem", 0.25, "applicable_subheading")
    assert parse_rate("The duty provided inthe applicable subheading+ 25%").ad_valorem == 0.25
    assert parse_rate("The duty rate provided in such subheading minus 0.5%").ad_valorem == -0.005
    r = parse_rate(
        "The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content."
    )
    assert r.partial_ad_valorem == ((0.5, "the value of the steel content"),)


def test_parse_other() -> None:
    r = parse_rate("The rate applicable to each garment in the ensemble if separately entered")
    assert r.kind == "other" and r.ad_valorem is None and r.specific == ()
    assert parse_rate("").kind == "other"


def test_parse_special() -> None:
    # 8703.23.01 special text, HTS 2025 basic
    sp = parse_special("Free (A+,AU,B,BH,CL,CO,D,E,IL,JO,KR,MA,OM, P,PA,PE,S,SG)")
    assert set(sp) == {
        "A+",
        "AU",
        "B",
        "BH",
        "CL",
        "CO",
        "D",
        "E",
        "IL",
        "JO",
        "KR",
        "MA",
        "OM",
        "P",
        "PA",
        "PE",
        "S",
        "SG",
    }
    assert all(r.kind == "free" for r in sp.values())
    sp = parse_special("Free (A,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG) 3.2% (JP)")
    assert sp["JP"].ad_valorem == 0.032 and sp["KR"].kind == "free"
    sp = parse_special(
        "Free (BH,CL,JO,MA,OM,P,PE,SG) 14.3¢/kg (KR) See 9822.04.40 (AU) See 9823.04.01-9823.04.54 (S+)"
    )
    assert sp["KR"].specific == ((0.143, "USD/kg"),)
    assert sp["AU"].kind == "other" and sp["AU"].raw == "See 9822.04.40"
    assert sp["S+"].raw == "See 9823.04.01-9823.04.54"
    assert (
        parse_special("Free \n(A+, AU, BH, CL, CO, D, E, IL, JO, KR, MA, OM,P, PA, PE, S, SG)")[
            "SG"
        ].kind
        == "free"
    )
    assert parse_special("No change") == {}
    assert parse_special("") == {}


def test_normalize_edition() -> None:
    assert hts.normalize_edition("hts_2025_rev_7.json.gz") == "2025_rev_7"
    assert hts.normalize_edition("2025-rev7") == "2025_rev_7"
    with pytest.raises(InputError):
        hts.normalize_edition("rev 7")


# --- every rate text of the basic editions ----------------------------------------------------------
def test_every_general_text_of_basic_editions_parses(shared_data: Path) -> None:
    texts: set[str] = set()
    for e in ("2025_basic", "2026_basic"):
        texts |= {t for t in hts.load_revision(e)["general"].to_list() if t.strip()}
    kinds = {k: 0 for k in hts.KINDS}
    other = []
    for t in texts:
        r = parse_rate(t)
        kinds[r.kind] += 1
        if r.kind == "other":
            other.append(t)
    # counted on the files: 834 distinct non-blank general texts; the 24 "other" ones are texts
    # with no rate of their own ("The rate applicable to …", "See additional U.S. note 3",
    # chapter 98 "A duty upon the value of …", "No change", and two watch-part texts with a cap)
    assert len(texts) == 834
    assert len(other) == 24, sorted(other)
    assert all(not any(ch.isdigit() for ch in t.split()[0]) or "jewel" in t for t in other)
    assert kinds["free"] >= 1 and kinds["specific"] > 200 and kinds["compound"] > 200


def test_every_special_text_parses_to_known_codes(shared_data: Path) -> None:
    texts: set[str] = set()
    for e in ("2025_basic", "2026_basic"):
        texts |= set(hts.load_revision(e)["special"].to_list())
    codes: set[str] = set()
    for t in texts:
        codes |= set(parse_special(t))
    # program codes of HTS General Note 3(c)(i) (+ suffixes), no stray fragments
    assert {
        "JP",
        "KR",
        "S",
        "S+",
        "AU",
        "SG",
        "CL",
        "IL",
        "CO",
        "PA",
        "PE",
        "MA",
        "OM",
        "BH",
        "JO",
    } <= codes
    assert all(len(c.rstrip("+*")) <= 2 for c in codes)


# --- editions ----------------------------------------------------------------------------------------
def test_load_revision_includes_chapter99(shared_data: Path) -> None:
    rev = hts.load_revision("2025_rev_7")
    assert rev.columns[:5] == ["line", "htsno", "digits", "indent", "description"]
    row = rev.filter(pl.col("htsno") == "9903.01.25").row(0, named=True)
    assert row["general"] == "The duty provided in the applicable subheading + 10%"
    assert parse_rate(row["general"]).ad_valorem == 0.10
    assert rev.filter(pl.col("htsno") == "9903.01.43")["general"][0].endswith("+ 11%")
    car = hts.load_revision("2025_basic").filter(pl.col("htsno") == "8703.23.01").row(0, named=True)
    assert car["general"] == "2.5%" and car["other"] == "10%"
    assert "See 9903.88.01." in car["footnotes"]
    assert "2025_rev_7" in hts.editions() and "2026_rev_10" in hts.editions()


def test_mfn_table_2025_basic(shared_data: Path) -> None:
    m = hts.mfn_table("2025_basic")
    assert m["hts10"].is_unique().all()
    assert m["hts10"].str.len_chars().eq(10).all()
    car = m.filter(pl.col("hts10") == "8703230190").row(0, named=True)
    assert car["general_text"] == "2.5%" and car["kind"] == "ad_valorem"
    assert car["ave"] == 0.025 and car["ave_method"] == "exact"
    assert car["rate_line"] == "87032301"  # inherited from the 8-digit line
    assert car["description"] == "Used"
    assert car["description_full"].startswith("Motor cars and other motor vehicles")
    honey = m.filter(pl.col("hts10") == "0409000035").row(0, named=True)  # natural honey, white
    assert honey["general_text"] == "1.9¢/kg" and honey["kind"] == "specific"
    assert honey["specific_amount"] == 0.019 and honey["specific_unit"] == "USD/kg"
    assert honey["ave_method"] == "unit_value_eu" and 0 < honey["ave"] < 0.05
    # a 10-digit line that carries its own rate (0101.30.00.00 asses: 6.8%)
    assert m.filter(pl.col("hts10") == "0101300000")["ave"][0] == 0.068
    assert set(m["ave_method"].unique()) <= set(hts.AVE_METHODS)
    assert set(m["kind"].unique()) <= set(hts.KINDS)
    # every line with a parsed rate of chapters 01-97 has an AVE
    body = m.filter(pl.col("hts10").str.slice(0, 2) < "98")
    assert body["ave"].null_count() == 0
    # + the 95 watch lines printed at 8 digits only and the 2 lines the export omits (see below)
    assert m.height == 19731 + 95 + 2


def test_mfn_ave_from_observed_duty(shared_data: Path) -> None:
    # AVE of a specific-rate line = EU 2024 duty / value at HTS10 (hand check on the parquet)
    from tariffsim.data import census

    m = hts.mfn_table("2025_basic").filter(pl.col("hts10") == "0409000035")
    eu = census.imports_with_duty("EU").filter(pl.col("hs10") == "0409000035")
    assert m["ave"][0] == pytest.approx(eu["duty_usd"].sum() / eu["value_usd"].sum())


def test_special_rates(shared_data: Path) -> None:
    s = hts.special_rates("2025_basic")
    car_kr = s.filter((pl.col("hts10") == "8703230190") & (pl.col("program") == "KR")).row(
        0, named=True
    )
    assert car_kr["kind"] == "free" and car_kr["ave"] == 0.0
    # cut flowers 0603.12.70: JP 3.2% (special text "… 3.2% (JP)")
    jp = s.filter((pl.col("hts10") == "0603127000") & (pl.col("program") == "JP"))
    assert jp["ave"][0] == 0.032
    assert {"JP", "KR", "S", "S+", "AU", "SG", "CL", "IL"} <= set(s["program"].unique())
    only = hts.special_rates("2025_basic", programs=["JP"])
    assert set(only["program"].unique()) == {"JP"}


def test_revisions(shared_data: Path) -> None:
    r = hts.revisions()
    rev7 = r.filter(pl.col("edition") == "2025_rev_7").row(0, named=True)
    assert rev7["published"] == dt.date(2025, 4, 2)
    assert rev7["legal_effective"] == dt.date(2025, 4, 5)
    assert r.filter(pl.col("edition") == "2025_basic")["legal_effective"][0] is None
    assert r.filter(pl.col("revision") == "2026_rev_10")["published"][0] == dt.date(2026, 6, 8)
    assert r.height == 43


def test_mfn_for_codes_fallbacks(shared_data: Path) -> None:
    # 0603.19.01.95 (a 2024 statistical line) is not in the 2025 basic edition, its 8-digit line
    # 0603.19.01 is (6.4%); 8703.23.01.90 matches exactly; "0000000000" matches nothing
    r = hts.mfn_for_codes("2025_basic", ["0603190195", "8703230190", "0000000000"])
    assert r["hs10"].to_list() == ["0603190195", "8703230190", "0000000000"]
    assert r["match"].to_list() == ["hts8", "hts10", "none"]
    assert r["ave"].to_list()[:2] == [0.064, 0.025]
    assert r["ave"][2] is None


def test_eight_digit_lines_without_statistical_lines(shared_data: Path) -> None:
    # The USITC exports print the watch lines of chapter 91 at 8 digits only: 9101.11.40 "51¢ each +
    # 6.25% on the case and strap, band or bracelet + 5.3% on the battery" has no 10-digit line in
    # 2025 basic or 2026 basic, while 2024 trade reports 9101.11.40.10 … .40 (95 such 8-digit lines in
    # each edition, counted from the exports). Each gets one row standing for its statistical lines.
    for ed in ("2025_basic", "2026_basic"):
        m = hts.mfn_table(ed)
        only8 = m.filter(pl.col("hts8_only"))
        assert only8.height == 95
        assert set(only8["hts10"].str.slice(0, 2)) == {"91"}
        w = m.filter(pl.col("hts10") == "9101114000").row(0, named=True)
        assert w["hts8_only"] and w["rate_line"] == "91011140"
        assert w["general_text"].startswith("51¢ each + 6.25% on the case")
        assert w["kind"] == "compound" and w["ave"] is not None and w["ave"] > 0
    # a 2024 statistical line of it now finds its rate through its 8-digit line
    r = hts.mfn_for_codes("2026_basic", ["9102217010"])
    assert r["match"][0] == "hts8" and r["ave"][0] is not None


def test_compiled_schedule_rates_2024_watch_lines(shared_data: Path) -> None:
    # 9102.21.70.10 (wrist watches, 1.1 bn USD of 2024 imports) had no MFN rate in compiled arrays
    # before the 8-digit rows existed; 2918.00.00.00 is a 4-digit aggregate of the trade file with no
    # HTS line at all, so it stays unrated.
    import numpy as np

    from tariffsim.schedule import load_schedule

    c = load_schedule().compile(
        hs10=np.array(["9102217010", "2918000000"]),
        origin=np.array(["CHE", "CHE"]),
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 2),
    )
    assert c.missing_mfn == 1
    assert c.part("mfn")[0, 0] > 0


def test_mixed_fraction_rates(shared_data: Path) -> None:
    # Column 2 writes a third as a mixed fraction: 4202.29.20 (handbags of other materials) has
    # general "3.3%" and column 2 "33 1/3%" in the 2025 basic edition (114 statistical lines).
    assert parse_rate("33 1/3%").ad_valorem == pytest.approx(1 / 3)
    assert parse_rate("33 1/3% on the value").partial_ad_valorem[0][0] == pytest.approx(1 / 3)
    m = hts.mfn_table("2025_basic")
    row = m.filter(pl.col("hts10") == "4202292000").row(0, named=True)
    assert row["other_text"] == "33 1/3%"
    assert row["other_ave"] == pytest.approx(1 / 3) and row["other_method"] == "exact"
    assert m.filter(pl.col("other_text") == "33 1/3%")["other_ave"].null_count() == 0


def test_lines_the_2025_basic_export_omits_come_from_rev_1(shared_data) -> None:
    # HTS 2025 basic JSON lacks 4420.19.00.00 (statuettes and ornaments of non-tropical wood, 3.2% in
    # the 2024 edition, 2025 rev 1 and 2026 basic); the USITC concordance marks it and 9401.69.60.31
    # "added" between basic and rev 1. Rates from the rev 1 export: 3.2% and Free.
    import polars as pl

    from tariffsim.data.hts import mfn_table

    t = mfn_table("2025_basic").filter(pl.col("hts10").is_in(["4420190000", "9401696031"]))
    assert dict(zip(t["hts10"], t["general_text"], strict=True)) == {
        "4420190000": "3.2%",
        "9401696031": "Free",
    }
    assert t["ave"].to_list() == pytest.approx([0.032, 0.0])
