"""Case files: shipped cases load; the as-of rule and file:line errors (tariffsim.negotiation.case)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.case import CASES_DIR, list_cases, load_case

JAPAN = CASES_DIR / "us-japan-2025-04.yaml"


def test_shipped_cases_load() -> None:
    assert {"us-japan-2025-04", "us-korea-2025-04"} <= set(list_cases())
    c = load_case("us-japan-2025-04")
    # the as-of date of the case (issue 5: built from what was public by 15 April 2025)
    assert c.as_of == dt.date(2025, 4, 15)
    assert c.parties == ("USA", "JPN")
    names = [i.name for i in c.issues]
    for required in (
        "reciprocal_rate",
        "auto_rate",
        "rice_access",
        "vehicle_standards",
        "currency",
    ):
        assert required in names
    # 24% threatened and 10% baseline (timeline row O1), 27.5% on cars = 25% s232 + 2.5% MFN (S2, HTS)
    rr, ar = c.issue("reciprocal_rate"), c.issue("auto_rate")
    assert min(rr.levels) == 0.10 and max(rr.levels) == 0.24
    assert min(ar.levels) == 0.025 and max(ar.levels) == 0.275
    assert c.value("s232_auto_rate_total") == pytest.approx(0.25 + c.value("mfn_car_rate"))


def test_every_source_is_not_after_as_of() -> None:
    for cid in list_cases():
        c = load_case(cid)
        assert all(s.date <= c.as_of for s in c.sources.values())
        for p in c.parameters.values():
            assert p.source in c.sources


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "case.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _lines() -> list[str]:
    return JAPAN.read_text(encoding="utf-8").splitlines()


def test_loader_refuses_a_source_dated_after_as_of(tmp_path: Path) -> None:
    # the July 2025 letter (timeline row J12, 7 Jul 2025) was not public on 15 April 2025
    lines = _lines()
    i = lines.index("  ART:")
    lines[i + 3] = "    date: 2025-07-07"
    p = _write(tmp_path, "\n".join(lines))
    with pytest.raises(InputError) as e:
        load_case(p)
    msg = str(e.value)
    assert f"case.yaml:{i + 4}" in msg  # file:line of the offending date (1-based)
    assert "after the case's as-of date 2025-04-15" in msg


def test_loader_refuses_a_parameter_dated_after_as_of(tmp_path: Path) -> None:
    lines = _lines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("  yen_per_usd:"))
    lines[i] = lines[i].replace("source: FX_E34}", "source: FX_E34, date: 2025-05-01}")
    p = _write(tmp_path, "\n".join(lines))
    with pytest.raises(
        InputError, match=r"case.yaml:\d+: parameters.yen_per_usd.date: dated 2025-05-01"
    ):
        load_case(p)


def test_loader_names_file_and_line_for_bad_input(tmp_path: Path) -> None:
    lines = _lines()
    i = next(k for k, ln in enumerate(lines) if "status_quo: 0.275" in ln)
    lines[i] = "    status_quo: 0.3"  # not a level of auto_rate
    p = _write(tmp_path, "\n".join(lines))
    with pytest.raises(InputError, match=rf"case.yaml:{i + 1}: issues\[1\] \(auto_rate\)"):
        load_case(p)
    p = _write(tmp_path, "id: x\nas_of: 2025-04-15\nparties: [\n")
    with pytest.raises(InputError, match=r"case.yaml:\d+"):
        load_case(p)


def test_unknown_source_and_bad_probabilities(tmp_path: Path) -> None:
    text = JAPAN.read_text(encoding="utf-8")
    p = _write(
        tmp_path,
        text.replace(
            "  mfn_car_rate: {value: 0.025, unit: fraction, source: HTS_2025}",
            "  mfn_car_rate: {value: 0.025, unit: fraction, source: NOPE}",
        ),
    )
    with pytest.raises(InputError, match="unknown source 'NOPE'"):
        load_case(p)
    p = _write(tmp_path, text.replace("{value: 0.24, prob: 0.45,", "{value: 0.24, prob: 0.40,"))
    with pytest.raises(InputError, match=r"threat probabilities sum to 0\.9500"):
        load_case(p)


def test_a_bare_number_without_source_is_refused_at_its_line(tmp_path: Path) -> None:
    lines = _lines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("  mfn_car_rate:"))
    lines[i] = "  mfn_car_rate: 0.025"
    p = _write(tmp_path, "\n".join(lines))
    with pytest.raises(
        InputError, match=rf"case.yaml:{i + 1}: parameters.mfn_car_rate: a number needs its source"
    ):
        load_case(p)


def test_unknown_case_id() -> None:
    with pytest.raises(InputError, match="unknown case 'us-mars-2025-04'"):
        load_case("us-mars-2025-04")
