"""Reforms on the synthetic library: new schedules, the baseline untouched, file:line errors.

Expected rates are hand computations from ``tariffsim.schedule.testing`` (see test_schedule_engine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.schedule import testing

APPEND = """\
title: Japan autos at 10% all-in from 2025-10-01
change:
  s232_autos:
    insert_values:
      - start: 2025-10-01
        rates: {JPN: {floor: 0.10}, "*": 0.25}
        reference: "hypothetical deal"
remove: [fentanyl]
add:
  - id: extra_duty
    title: A new 5% duty on Brazil
    authority: ieepa_other
    scope: {origins: [BRA], products: ["61"]}
    values:
      - {start: 2025-06-01, rate: 0.05, reference: "hypothetical EO"}
"""


@pytest.fixture()
def base(tmp_path: Path):
    return testing.load(tmp_path / "lib")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "reform.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_reform_changes_adds_removes_without_mutating_baseline(base, tmp_path: Path) -> None:
    before_values = len(base.spec.measures["s232_autos"].values)
    before_ids = list(base.measure_ids)
    new = base.apply_reform(write(tmp_path, APPEND))
    # JPN car on 2025-10-02: floor 10% incl. MFN 2.5% -> s232 7.5%, total 10% (baseline: 15%)
    assert new.rate("JPN", "8703230190", "2025-10-02").total_rate == pytest.approx(0.10)
    assert base.rate("JPN", "8703230190", "2025-10-02").total_rate == pytest.approx(0.15)
    # before the amendment both agree (values before 2025-10-01 kept)
    assert new.rate("JPN", "8703230190", "2025-09-20").total_rate == pytest.approx(0.15)
    # fentanyl removed: CHN laptop pays nothing (baseline: 10%)
    assert new.rate("CHN", "8471300100", "2025-05-01").total_rate == 0.0
    assert base.rate("CHN", "8471300100", "2025-05-01").total_rate == pytest.approx(0.10)
    # the added duty: BRA sweater 2025-06-01: 16.5% MFN + 10% (paused reciprocal) + 5%
    assert new.rate("BRA", "6110200000", "2025-06-01").total_rate == pytest.approx(0.315)
    # the baseline object is unchanged
    assert len(base.spec.measures["s232_autos"].values) == before_values
    assert base.measure_ids == before_ids and "extra_duty" not in base.measure_ids
    assert new.reform == "Japan autos at 10% all-in from 2025-10-01"


def test_replace_values_and_scope(base, tmp_path: Path) -> None:
    text = """\
change:
  s232_steel:
    values:
      - {start: 2025-01-01, rate: 0.10, reference: "hypothetical"}
    scope: {products: ["7208", "6110"]}
"""
    new = base.apply_reform(write(tmp_path, text))
    assert new.rate("BRA", "7208100000", "2025-06-04").nonzero == {"s232_steel": 0.1}
    # the sweater is now in scope of s232, which excludes the reciprocal duty: 16.5% + 10%
    assert new.rate("BRA", "6110200000", "2025-04-09").nonzero == {"mfn": 0.165, "s232_steel": 0.1}


def test_reform_errors_name_file_and_line(base, tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        base.apply_reform(write(tmp_path, "change:\n  s999:\n    title: x\n"))
    assert str(e.value).startswith(
        f"{tmp_path / 'reform.yaml'}:2: change.s999: unknown measure 's999'"
    )
    with pytest.raises(InputError) as e:
        base.apply_reform(
            write(
                tmp_path,
                "change:\n  s232_steel:\n    values: [{start: 2025-01-01, rate: 3O, reference: x}]\n",
            )
        )
    assert str(e.value).startswith(
        f"{tmp_path / 'reform.yaml'}:3: change.s232_steel.values[0].rate: must be a number"
    )
    with pytest.raises(InputError) as e:
        base.apply_reform(write(tmp_path, "change:\n  s232_steel: [\n"))
    assert "malformed YAML" in str(e.value) and str(e.value).startswith(
        str(tmp_path / "reform.yaml") + ":"
    )
    # a change that makes the stacking relations circular is caught by the library checks
    bad = "change:\n  s232_steel:\n    excluded_by: [reciprocal]\n"
    with pytest.raises(InputError) as e:
        base.apply_reform(write(tmp_path, bad))
    assert "the stacking relations form a cycle: reciprocal → s232_steel → reciprocal" in str(
        e.value
    )
    with pytest.raises(InputError, match="file not found"):
        base.apply_reform(tmp_path / "nope.yaml")


def test_null_origin_rate_overrides_default(base, tmp_path: Path) -> None:
    # rates {JPN: null, "*": 0.10}: Japan pays nothing under that value although "*" is given;
    # the pause (rate_during 10%) does not apply to origins the value leaves out.
    text = """\
change:
  reciprocal:
    insert_values:
      - start: 2025-05-01
        rates: {JPN: null, "*": 0.10}
        reference: "hypothetical"
"""
    new = base.apply_reform(write(tmp_path, text))
    jp = {"claim": "japan"}  # the JP special rate of the sweater is Free
    assert new.rate("JPN", "6110200000", "2025-05-01", **jp).total_rate == 0.0
    assert new.rate("BRA", "6110200000", "2025-05-01").total_rate == pytest.approx(0.265)
    assert base.rate("JPN", "6110200000", "2025-05-01", **jp).total_rate == pytest.approx(0.10)
