"""Duties computed on 2024 trade vs the duty US customs assessed (Census CAL_DUT_YR).

Tolerances (the acceptance criteria of the customs validation): ±10% for Japan, the EU and China; ±25% for Canada and Mexico. Assessed
totals (data README): JPN 2.282 bn, EU 7.343 bn, CHN 46.661 bn, CAN 0.414 bn, MEX 1.251 bn.
"""

from __future__ import annotations

import pytest

ASSESSED_BN = {"JPN": 2.282, "EU": 7.343, "CHN": 46.661, "CAN": 0.414, "MEX": 1.251}


@pytest.fixture(scope="module")
def validation(shared_data):
    from tariffsim.duties.validation import validate

    return validate()


# China passes since the USTR Section 301 product exclusions are modelled (lists_s301_exclusions.yaml,
# docs/s301-exclusions.md): computed 47.16 bn vs assessed 46.66 bn (+1.1%) on 2026-11-28; it was
# 53.12 bn (+13.8%, an xfail) without them.
@pytest.mark.parametrize("partner", ["JPN", "EU", "CHN", "CAN", "MEX"])
def test_total_within_tolerance(validation, partner) -> None:
    p = next(x for x in validation.partners if x.partner == partner)
    # the assessed total read back equals the README figure (to the nearest million)
    assert p.duty_assessed_usd / 1e9 == pytest.approx(ASSESSED_BN[partner], abs=0.0005)
    assert abs(p.gap) <= p.tolerance, (
        f"{partner}: computed {p.duty_computed_usd / 1e9:.3f} bn vs assessed "
        f"{p.duty_assessed_usd / 1e9:.3f} bn ({p.gap:+.1%}); by authority {p.by_authority}"
    )


def test_china_gap_is_an_overstatement_below_15_percent(validation) -> None:
    # Whole footnoted lines are excluded (an upper bound on the exclusions' reach), and the 2024
    # customs records include the first half-year, when the 352 reinstated exclusions (more lines)
    # were in force: the computed duty stays above the assessed one. Measured on 2026-11-28:
    # +1.1% (47.16 bn vs 46.66 bn); +13.8% (53.12 bn) before the exclusions were modelled.
    p = next(x for x in validation.partners if x.partner == "CHN")
    assert 0.0 < p.gap < 0.15


def test_china_gap_sits_on_301_exclusion_lines(validation) -> None:
    # HTS 2025 basic footnotes "See 9903.88.69." / "See 9903.88.70." on 144 HTS10 lines (142 traded
    # with China in 2024) mark the lines holding Section 301 exclusions. Before the exclusions were
    # modelled the computed duty exceeded the assessed one on them by ~2.7 bn of the ~6.4 bn gap.
    # The library now excludes these whole lines from Section 301 over the exclusions' dates, which
    # is an upper bound on their reach (an exclusion covers a described product within a line): on
    # the lines no Section 301 duty is left and the computed duty falls BELOW the assessed one
    # (measured 0.57 bn vs 3.79 bn), so the total gap equals gap_if_fully_excluded (+1.1%).
    p = next(x for x in validation.partners if x.partner == "CHN")
    d = p.diagnostics["s301_exclusion_lines"]
    assert d["lines"] == 144
    assert d["s301_on_lines_usd"] == pytest.approx(0.0, abs=1.0)
    assert d["duty_computed_usd"] < d["duty_assessed_usd"]
    assert d["gap_if_fully_excluded"] == pytest.approx(p.gap, abs=1e-9)
    assert abs(d["gap_if_fully_excluded"]) <= 0.10


def test_china_passes_without_the_upper_bound(validation) -> None:
    # The pass does not rest on the whole-line upper bound offsetting other errors: priced at the duty
    # customs actually assessed on the 144 exclusion lines (i.e. with exclusions exactly right there),
    # the total would be computed - on_lines_computed + on_lines_assessed; measured 2026-11-28:
    # 47.16 - 0.57 + 3.79 = 50.38 bn, +8.0% vs 46.66 bn, inside the ±10% tolerance.
    p = next(x for x in validation.partners if x.partner == "CHN")
    d = p.diagnostics["s301_exclusion_lines"]
    exact = p.duty_computed_usd - d["duty_computed_usd"] + d["duty_assessed_usd"]
    gap = exact / p.duty_assessed_usd - 1.0
    assert 0.0 < gap <= p.tolerance


def test_china_has_section_301(validation) -> None:
    # Section 301 is most of the duty on Chinese goods in 2024 (lists 1–4A at 25%/7.5% on ~two
    # thirds of the value); a schedule without it would land near the MFN-only ~3%.
    p = next(x for x in validation.partners if x.partner == "CHN")
    assert p.by_authority.get("s301", 0.0) > 0.5 * p.duty_computed_usd


def test_gap_report_names_causes(validation) -> None:
    gaps = validation.largest_gaps(10)
    assert gaps.height == 10
    assert gaps["cause"].str.len_chars().min() > 10
