"""Engine fixes of the audit of the US schedule: MFN of HTS10 lines missing from the edition,
column 2, list exceptions, declared shares, the non-steel-and-aluminum share, value-level
``excluded_by`` and origin shares — on the synthetic library (hand-computable numbers, see
:mod:`tariffsim.schedule.testing`) and, where marked, on the real US library.

Every check is made with both evaluators: ``Schedule.rate`` (one entry) and ``Schedule.compile``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.schedule import testing


@pytest.fixture(scope="module")
def ext(tmp_path_factory: pytest.TempPathFactory):
    return testing.load_extended(tmp_path_factory.mktemp("ext"))


def both(s, origin: str, hs: str, day: str, shares: dict[str, float] | None = None) -> float:
    """A trade flow's total by the single-entry engine, checked equal to the compiled arrays."""
    r = s.rate(origin, hs, day, shares=shares, basis="flows", alternatives=False)
    c = s.compile(
        np.array([hs]),
        np.array([origin]),
        day,
        shares={k: np.array([v]) for k, v in (shares or {}).items()} or None,
    )
    assert c.total[0, 0] == pytest.approx(r.total_rate, abs=1e-12)
    return r.total_rate


# --- 1. MFN of HTS10 lines missing from the edition ----------------------------------------------


def test_missing_hts10_takes_its_hts8_rate(ext) -> None:
    # 6110.20.00.90 is not a line of the synthetic editions; its HTS8 6110.20.00 has lines at
    # 16.5%, 20% and 20% (testing.MFN_ROWS) -> mean (0.165 + 0.2 + 0.2) / 3 = 0.188333...
    assert both(ext, "DEU", "6110200090", "2025-03-01") == pytest.approx(0.565 / 3)
    # 2026 edition: 6110.20.00.00 at 16% (testing.source) -> (0.16 + 0.2 + 0.2) / 3
    assert both(ext, "DEU", "6110200090", "2026-03-01") == pytest.approx(0.56 / 3)
    note = ext.rate("DEU", "6110200090", "2025-03-01").parts[0].note
    assert note == "HTS10 not in 2025_basic; rate of HTS8 6110.20.00"
    # the special rate of the HTS8's line applies (JP 0% on 6110.20.00.00)
    assert both(ext, "JPN", "6110200090", "2025-03-01") == 0.0


def test_missing_hts8_takes_a_unique_hs6_rate(ext) -> None:
    # 8429.52.99 does not exist; the HS6 family 8429.52 has one line, Free -> 0, noted. An entry
    # typed by a user with such a code is an error; historical trade data may ask for the family.
    with pytest.raises(InputError, match="not an HTS10 line"):
        ext.rate("DEU", "8429529999", "2025-03-01")
    r = ext.rate("DEU", "8429529999", "2025-03-01", allow_family=True)
    assert r.total_rate == 0.0
    assert "rate of HS6 family 8429.52" in r.parts[0].note


def test_unknown_codes_stay_missing(ext) -> None:
    # 8704: no line, HTS8 or HS6 family in the synthetic editions
    c = ext.compile(
        np.array(["8704999999", "6110200090", "6110200000"]),
        np.array(["DEU", "DEU", "DEU"]),
        "2025-03-01",
    )
    assert c.missing_mfn == 1
    assert c.total[0].tolist() == pytest.approx([0.0, 0.565 / 3, 0.165])
    with pytest.raises(InputError, match="not an HTS10 line"):
        ext.rate("DEU", "8704999999", "2025-03-01")


def test_us_missing_suffix_takes_hts8_rate(shared_data) -> None:
    """7113.19.50.90 is a 2024/2025 line that HTS 2026 basic splits into .91/.95; the HTS8
    7113.19.50 is 5.5% (HTS 2026 basic, all its statistical lines)."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    r = s.rate("IND", "7113195090", dt.date(2026, 3, 1))
    mfn = next(p for p in r.parts if p.id == "mfn")
    assert mfn.rate == pytest.approx(0.055)
    assert mfn.note == "HTS10 not in 2026_basic; rate of HTS8 7113.19.50"
    c = s.compile(np.array(["7113195090"]), np.array(["IND"]), dt.date(2026, 3, 1))
    assert c.missing_mfn == 0
    assert c.total[0, 0] == pytest.approx(r.total_rate)


# --- 5. column 2 ---------------------------------------------------------------------------------


def test_column2_origin_pays_the_other_rate(ext) -> None:
    # testing.OTHER_ROWS: 6110.20.00.00 column 2 50%; programs do not apply to column 2 origins
    assert both(ext, "RUS", "6110200000", "2025-03-01") == pytest.approx(0.50)
    # no column 2 AVE for the wine line -> the column 1 AVE (3%), flagged in the note
    r = ext.rate("RUS", "2204210000", "2025-03-01")
    assert r.total_rate == pytest.approx(0.03)
    assert "column 1 rate used (flagged)" in r.parts[0].note
    # other origins keep column 1
    assert both(ext, "DEU", "6110200000", "2025-03-01") == pytest.approx(0.165)


def test_column2_ave_of_specific_rates() -> None:
    """AVE of a column 2 specific rate: the column 1 AVE scaled by the ratio of the amounts with
    the same unit. Column 1 "6.3¢/liter" with an observed AVE of 3% and column 2 "$1.67/liter":
    1.67 / 0.063 × 0.03 = 0.795238...; column 2 "35%" is exact; "$1/kg" vs ¢/liter has no AVE."""
    import polars as pl

    from tariffsim.data.hts import _with_column2

    df = pl.DataFrame(
        {
            "other_text": ["$1.67/liter", "35%", "$1/kg"],
            "ad_valorem": [None, 0.05, None],
            "specific_amount": [0.063, None, 0.063],
            "specific_unit": ["USD/liter", None, "USD/liter"],
            "ave": [0.03, 0.05, 0.03],
        }
    )
    out = _with_column2(df)
    assert out["other_ave"].to_list()[0] == pytest.approx(1.67 / 0.063 * 0.03)
    assert out["other_ave"].to_list()[1] == pytest.approx(0.35)
    assert out["other_ave"].to_list()[2] is None
    assert out["other_method"].to_list() == ["scaled_mfn", "exact", "other"]


def test_us_russia_column2(shared_data) -> None:
    """HTS 2025 basic, column 2: 6110.20.20 50% (column 1 16.5%), 8483.40.50 27.5% (column 1 2.5%);
    Russia in column 2 since Pub. L. 117-110 (8 Apr 2022). 8483.40.50 is also a line of U.S. note
    30(b) (footnote "See 9903.90.08."): 35% in lieu of column 2 (Proclamation 10420), i.e. 7.5 points
    on top of the column 2 rate."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    for hs, want in (
        ("6110202005", {"mfn": 0.50}),
        ("8483405010", {"mfn": 0.275, "mfn_column2_russia_35": 0.075}),
    ):
        r = s.rate("RUS", hs, dt.date(2025, 3, 1))
        assert r.nonzero == pytest.approx(want)
        c = s.compile(np.array([hs]), np.array(["RUS"]), dt.date(2025, 3, 1))
        assert c.total[0, 0] == pytest.approx(sum(want.values()))


# --- 2. list exceptions --------------------------------------------------------------------------


def test_list_exception_beats_items(ext) -> None:
    # annex_ii items 8471 and 8429, except 8429.52 (testing.EXTENDED_LISTS): the excavator pays the
    # 10% baseline of 5 Apr 2025, the computer stays exempt
    assert both(ext, "DEU", "8429521010", "2025-04-05") == pytest.approx(0.10)
    assert both(ext, "DEU", "8471300100", "2025-04-05") == 0.0
    lr = ext.rules.lists["annex_ii"]
    assert lr.except_prefixes == ("842952",)
    assert not lr.member_on("8429521010", 0) and lr.member_on("8471300100", 0)


def test_list_exception_needs_a_source(tmp_path: Path) -> None:
    lists = testing.LISTS.replace(
        '    reference: "Annex II (synthetic)"\n',
        '    reference: "Annex II (synthetic)"\n    except: ["8429.52"]\n',
    )
    with pytest.raises(InputError, match="no source"):
        testing.load(tmp_path, lists=lists)


def test_us_annex_ii_exceptions(shared_data) -> None:
    """CHN on 10 Apr 2025: the 125% reciprocal (EO 14266), 20% fentanyl (EO 14228) and Section 301
    where listed apply to civil aircraft and lithium-ion batteries, which are not in Annex II
    (EO 14257 §3(b)(iv); 11 Apr 2025 memorandum, CBP CSMS 64724565)."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    for hs in ("8802400170", "8507600020"):
        r = s.rate("CHN", hs, dt.date(2025, 4, 10))
        assert r.nonzero["ieepa_reciprocal"] == pytest.approx(1.25)
        assert r.nonzero["ieepa_fentanyl_china"] == pytest.approx(0.20)
    # computers (8471) stay exempt (11 Apr 2025 memorandum, retroactive to 5 Apr)
    assert "ieepa_reciprocal" not in s.rate("CHN", "8471300100", dt.date(2025, 4, 10)).nonzero


# --- 3. declared shares --------------------------------------------------------------------------


def test_declared_share_defaults_and_overrides(ext) -> None:
    # semis: 25% × declared advanced_semiconductor share, default 0 (testing.EXTENDED_MEASURES)
    assert both(ext, "CHN", "8471300100", "2026-02-01") == 0.0
    assert both(
        ext, "CHN", "8471300100", "2026-02-01", {"advanced_semiconductor": 1.0}
    ) == pytest.approx(0.25)
    assert both(
        ext, "CHN", "8471300100", "2026-02-01", {"advanced_semiconductor": 0.4}
    ) == pytest.approx(0.10)


def test_declared_share_of_zero_excludes_nothing(ext) -> None:
    # CHN sweater on 2026-02-01: MFN 16% (2026 edition) + reciprocal 34% = 50%; the reciprocal is
    # excluded by the s232 authority, which includes semis — only when the share is declared > 0
    assert both(ext, "CHN", "6110200000", "2026-02-01") == pytest.approx(0.50)
    declared = {"advanced_semiconductor": 1.0}
    assert both(ext, "CHN", "6110200000", "2026-02-01", declared) == pytest.approx(0.16 + 0.25)
    declared = {"advanced_semiconductor": 0.2}  # subject to semis: 0.25 × 0.2, no reciprocal
    assert both(ext, "CHN", "6110200000", "2026-02-01", declared) == pytest.approx(0.16 + 0.05)


def test_declared_share_needs_a_default(tmp_path: Path) -> None:
    measures = dict(testing.EXTENDED_MEASURES)
    measures["semis"] = measures["semis"].replace("share_default: 0.0\n", "")
    with pytest.raises(InputError, match="share_default"):
        testing.load(tmp_path, measures=measures, lists=testing.EXTENDED_LISTS)


def test_declared_share_column_in_batch(ext) -> None:
    import polars as pl

    from tariffsim.schedule.batch import declared_shares, rate_frame

    assert declared_shares(ext) == ["advanced_semiconductor"]
    df = pl.DataFrame(
        {
            "origin": ["CHN", "CHN", "CHN"],
            "hs": ["8471300100"] * 3,
            "date": ["2026-02-01"] * 3,
            "advanced_semiconductor": ["1", "", "0.5"],
        }
    )
    out, errors = rate_frame(
        ext, df, cols={"origin": "origin", "hs": "hs", "date": "date"}, name="in.csv"
    )
    assert errors == []
    # 25% × 1, × default 0, × 0.5
    assert out["total_rate"].to_list() == pytest.approx([0.25, 0.0, 0.125])


# --- 4. non_steel_aluminum_content ---------------------------------------------------------------


def test_us_metal_derivative_reciprocal_on_non_steel_aluminum(shared_data) -> None:
    """JPN excavator 8429.52.10.10 on 1 Sep 2025: 50% Section 232 on the steel content
    (Proclamation 10947) and the Japan 15% all-in floor (EO 14345; MFN Free) on the value that is
    neither steel nor aluminum (Proclamation 10947, BIS 90 FR 40326). Shares from the BEA table
    metal_content_shares_bea_hs10.csv (read here): steel s, aluminum a ->
    0.5·s + 0.15·(1 − s − a)."""
    import polars as pl

    from tariffsim.data import paths
    from tariffsim.schedule import load_schedule

    bea = pl.read_csv(
        paths.shared_file("product_lists/metal_content_shares_bea_hs10.csv"),
        schema_overrides={"hs10": pl.Utf8},
    ).filter(pl.col("hs10") == "8429521010")
    st, al = float(bea["steel_share"][0]), float(bea["aluminum_share"][0])
    want = 0.5 * st + 0.15 * (1 - st - al)  # 0.0798173 + 0.1239713 = 0.2037886
    s = load_schedule()
    r = s.rate("JPN", "8429521010", dt.date(2025, 9, 1), basis="flows")
    assert r.total_rate == pytest.approx(want, abs=1e-9)
    assert r.nonzero["ieepa_reciprocal_metal_derivatives"] == pytest.approx(
        0.15 * (1 - st - al), abs=1e-9
    )


def test_non_steel_aluminum_share_is_clipped(ext) -> None:
    from tariffsim.schedule.engine import Terms

    # testing.METAL_ROWS: 8429.52.10.10 steel 0.2, aluminum 0.01 -> 0.79
    flows = Terms(basis="flows")
    assert ext._share("non_steel_aluminum_content", "8429521010", "DEU", flows) == pytest.approx(
        0.79
    )
    declared = Terms(shares={"steel_content": 0.9, "aluminum_content": 0.3})
    assert ext._share("non_steel_aluminum_content", "8429521010", "DEU", declared) == pytest.approx(
        0.0
    )


# --- 6. value-level excluded_by and origin shares ------------------------------------------------


def test_dated_order_of_precedence(ext) -> None:
    # synthetic: until 2025-06-04 the fentanyl duty (25% on the non-USMCA share) takes precedence
    # over steel, which charges Canada on the USMCA share only; then steel (50%) excludes fentanyl
    assert both(ext, "CAN", "7208100000", "2025-04-15") == pytest.approx(0.25)  # USMCA share 0
    parts = ext.rate("CAN", "7208100000", "2025-04-15", shares={"usmca": 0.4}).nonzero
    assert parts == {"s232_steel": pytest.approx(0.10), "fentanyl": pytest.approx(0.15)}
    assert both(ext, "CAN", "7208100000", "2025-04-15", {"usmca": 0.4}) == pytest.approx(0.25)
    assert ext.rate("CAN", "7208100000", "2025-06-04").nonzero == {"s232_steel": 0.5}
    # other origins unchanged: Brazil 25% then 50%
    assert both(ext, "BRA", "7208100000", "2025-04-15") == pytest.approx(0.25)


def test_value_excluded_by_cycle_is_an_error(tmp_path: Path) -> None:
    # reciprocal is excluded by the s232 measures; fentanyl's value naming reciprocal is fine (no
    # cycle) but reciprocal naming fentanyl while fentanyl names reciprocal is not
    measures = dict(testing.EXTENDED_MEASURES)
    measures["fentanyl"] = measures["fentanyl"].replace(
        "excluded_by: []", "excluded_by: [reciprocal]"
    )
    measures["reciprocal"] = measures["reciprocal"].replace(
        "excluded_by: [s232]", "excluded_by: [s232, fentanyl]"
    )
    with pytest.raises(InputError, match="cycle: fentanyl → reciprocal → fentanyl"):
        testing.load(tmp_path, measures=measures, lists=testing.EXTENDED_LISTS)


def test_us_fentanyl_precedence_reform(shared_data, tmp_path: Path) -> None:
    """The EO 14289 order (4 Mar - 3 Jun 2025) written with the new fields, as a reform of the US
    library (the change proposed for ieepa_fentanyl_canada.yaml and the Section 232 steel and
    aluminum derivative files). CAN metal furniture 9403.20.00.90 with no USMCA claim on 15 Apr
    2025: the 25% fentanyl duty on the full value (EO 14193, 9903.01.10; MFN Free, HTS 2025 basic
    9403.20.00) and no Section 232 derivative duty (EO 14289 §2)."""
    from tariffsim.schedule import load_schedule

    reform = tmp_path / "eo14289.yaml"
    reform.write_text(_EO14289_REFORM, encoding="utf-8")
    s = load_schedule(reform=str(reform))
    r = s.rate("CAN", "9403200090", dt.date(2025, 4, 15), shares={"usmca": 0.0})
    assert r.nonzero == {"ieepa_fentanyl_canada": pytest.approx(0.25)}
    c = s.compile(
        np.array(["9403200090"]), np.array(["CAN"]), dt.date(2025, 4, 15), shares={"usmca": 0.0}
    )
    assert c.total[0, 0] == pytest.approx(0.25)
    # from 4 Jun 2025 the Section 232 derivative duties exclude the fentanyl duty again
    r = s.rate("CAN", "9403200090", dt.date(2025, 6, 5), shares={"usmca": 0.0})
    assert "ieepa_fentanyl_canada" not in r.nonzero


_EO14289_REFORM = """\
title: EO 14289 order of precedence, 4 Mar - 3 Jun 2025 (Canada)
change:
  ieepa_fentanyl_canada:
    values:
      - start: 2025-03-04
        rates: {CAN: {rate: 0.25, heading: "9903.01.10"}}
        excluded_by: [s232_autos, s232_auto_parts, s232_trucks, s232_buses, ieepa_fentanyl_canada_energy, ieepa_fentanyl_potash]
        reference: "EO 14193; EO 14289 §2"
      - start: 2025-06-04
        rates: {CAN: {rate: 0.25, heading: "9903.01.10"}}
        reference: "Proclamation 10947"
      - start: 2025-08-01
        rates: {CAN: {rate: 0.35, heading: "9903.01.10"}}
        reference: "EO 14325"
      - start: 2026-02-24
        rate: null
        reference: "end of IEEPA duties"
  s232_steel_derivatives:
    insert_values:
      - start: 2025-03-12
        rates:
          CAN: {rate: 0.25, heading: "9903.81.91", share: usmca}
          MEX: {rate: 0.25, heading: "9903.81.91", share: usmca}
          "*": {rate: 0.25, heading: "9903.81.91"}
        reference: "Proclamation 10896; EO 14289 §2"
      - start: 2025-06-04
        rates:
          GBR: {rate: 0.25, heading: "9903.81.97"}
          "*": {rate: 0.50, heading: "9903.81.91"}
        reference: "Proclamation 10947"
      - start: 2026-04-06
        rate: null
        reference: "restructured"
  s232_aluminum_derivatives:
    insert_values:
      - start: 2025-03-12
        rates:
          CAN: {rate: 0.25, heading: "9903.85.08", share: usmca}
          MEX: {rate: 0.25, heading: "9903.85.08", share: usmca}
          "*": {rate: 0.25, heading: "9903.85.08"}
        reference: "Proclamation 10895; EO 14289 §2"
      - start: 2025-06-04
        rates:
          GBR: {rate: 0.25, heading: "9903.85.15"}
          "*": {rate: 0.50, heading: "9903.85.08"}
        reference: "Proclamation 10947"
      - start: 2026-04-06
        rate: null
        reference: "restructured"
"""
