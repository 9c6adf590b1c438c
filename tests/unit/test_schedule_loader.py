"""Validation of measure libraries: every error names file, line and field.

Each test writes the synthetic library (``tariffsim.schedule.testing``) with one file altered and
checks the message; line numbers are counted by hand in the altered text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.schedule import testing
from tariffsim.schedule.loader import load_library

STEEL_OK = testing.MEASURES["s232_steel"]


def lib_with(tmp_path: Path, **files: str) -> Path:
    measures = dict(testing.MEASURES)
    lists = files.pop("lists", None)
    measures.update(files)
    return testing.write_library(tmp_path, measures=measures, lists=lists)


def error_of(root: Path) -> InputError:
    with pytest.raises(InputError) as e:
        load_library(root)
    return e.value


def test_the_synthetic_library_is_valid(tmp_path: Path) -> None:
    spec = load_library(testing.write_library(tmp_path))
    assert [m.id for m in spec.ordered()] == [
        "mfn",
        "s232_autos",
        "s232_derivatives",
        "s232_steel",
        "fentanyl",
        "reciprocal",
    ]
    assert sorted(spec.lists) == ["annex_ii", "auto_parts"]


def test_rate_out_of_range_names_file_line_field(tmp_path: Path) -> None:
    # line 8 of the altered steel file is "    rate: 25" (first value's rate)
    bad = STEEL_OK.replace(
        'rate: 0.25\n    reference: "Proclamation S1"', 'rate: 25\n    reference: "Proclamation S1"'
    )
    assert bad.splitlines()[7] == "    rate: 25"
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    assert str(e).startswith(
        "measures/s232_steel.yaml:8: values[0].rate: must be a number between 0 and 10"
    )


def test_unknown_field_and_missing_reference(tmp_path: Path) -> None:
    bad = STEEL_OK.replace('reference: "Proclamation S2"', 'refrence: "Proclamation S2"')
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    # line 10 is the second value's "- start:" (missing reference), line 12 the typo
    assert str(e).startswith(
        "measures/s232_steel.yaml:10: values[1].reference: required field is missing"
    )
    assert (
        "measures/s232_steel.yaml:12",
        "values[1].refrence: unknown field (a typo?)",
    ) in e.errors


def test_malformed_yaml_and_duplicate_keys(tmp_path: Path) -> None:
    e = error_of(
        lib_with(tmp_path, s232_steel=STEEL_OK.replace("authority: s232", "authority: [s"))
    )
    assert str(e).startswith("measures/s232_steel.yaml:") and "malformed YAML" in str(e)
    e = error_of(
        lib_with(
            tmp_path,
            s232_steel=STEEL_OK.replace("authority: s232", "authority: s232\nauthority: s301"),
        )
    )
    assert str(e).startswith(
        "measures/s232_steel.yaml:4: malformed YAML"
    ) and "duplicate key 'authority'" in str(e)


def test_id_must_equal_stem(tmp_path: Path) -> None:
    e = error_of(
        lib_with(tmp_path, s232_steel=STEEL_OK.replace("id: s232_steel", "id: s232_steel2"))
    )
    assert (
        str(e)
        == "measures/s232_steel.yaml:1: id: 's232_steel2' must equal the file stem 's232_steel'"
    )


def test_starts_strictly_increase(tmp_path: Path) -> None:
    bad = STEEL_OK.replace("start: 2025-06-04", "start: 2025-03-12")
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    assert str(e).startswith(
        "measures/s232_steel.yaml:10: values[1].start: 2025-03-12 must be after the previous start"
    )


def test_excluded_by_cycles_and_unknown_names(tmp_path: Path) -> None:
    # reciprocal is excluded by every s232 measure (excluded_by: [s232]); steel naming reciprocal
    # closes a cycle, reported with the measures on it
    bad = STEEL_OK.replace("authority: s232", "authority: s232\nexcluded_by: [reciprocal]")
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    assert str(e).startswith(
        "measures/reciprocal.yaml:9: excluded_by: the stacking relations form a cycle: "
        "reciprocal → s232_steel → reciprocal"
    ), str(e)
    e = error_of(
        lib_with(
            tmp_path,
            s232_steel=STEEL_OK.replace("authority: s232", "authority: s232\nexcluded_by: [s999]"),
        )
    )
    assert str(e).startswith(
        "measures/s232_steel.yaml:4: excluded_by[0]: unknown measure or authority 's999'"
    )


def test_order_is_refused(tmp_path: Path) -> None:
    bad = STEEL_OK.replace("authority: s232", "authority: s232\norder: 41")
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    assert str(e).startswith("measures/s232_steel.yaml:4: order: `order:` is no longer written")


def test_origins_must_be_known_codes(tmp_path: Path) -> None:
    e = error_of(lib_with(tmp_path, s232_steel=STEEL_OK.replace("{GBR: 0.25", "{Britain: 0.25")))
    assert str(e).startswith(
        "measures/s232_steel.yaml:11: values[1].rates.Britain: write the code 'GBR'"
    )
    e = error_of(lib_with(tmp_path, s232_steel=STEEL_OK.replace("{GBR: 0.25", "{XYZ: 0.25")))
    assert "unknown origin 'XYZ'" in str(e)


def test_lists_must_be_known_and_prefixes_quoted(tmp_path: Path) -> None:
    e = error_of(
        lib_with(
            tmp_path,
            s232_steel=STEEL_OK.replace('products: ["7208"]', "products: [{list: steel_list}]"),
        )
    )
    assert str(e).startswith(
        "measures/s232_steel.yaml:5: scope.products[0]: unknown list 'steel_list'"
    )
    e = error_of(
        lib_with(tmp_path, s232_steel=STEEL_OK.replace('products: ["7208"]', "products: [7208.10]"))
    )
    assert "must be a quoted string" in str(e) and str(e).startswith("measures/s232_steel.yaml:5:")


def test_dates_beyond_coverage(tmp_path: Path) -> None:
    bad = STEEL_OK + '  - start: 2027-01-01\n    rate: 0.6\n    reference: "future"\n'
    e = error_of(lib_with(tmp_path, s232_steel=bad))
    assert "after the library's last day 2026-06-30" in str(e)
    # a stop beyond coverage is allowed (e.g. a surcharge that ends after the data)
    ok = STEEL_OK + '  - start: 2027-01-01\n    rate: null\n    reference: "ends"\n'
    load_library(lib_with(tmp_path, s232_steel=ok))


def test_lists_file_errors(tmp_path: Path) -> None:
    e = error_of(lib_with(tmp_path, lists='lists:\n  annex_ii:\n    items: ["8471"]\n'))
    assert str(e).startswith("lists.yaml:2: lists.annex_ii.reference: required field is missing")
    root = lib_with(tmp_path)
    (root / "lists_more.yaml").write_text(
        'lists:\n  annex_ii:\n    items: ["01"]\n    reference: x\n'
    )
    e = error_of(root)
    assert str(e).startswith(
        "lists_more.yaml:2: lists.annex_ii: list defined twice (also in lists.yaml)"
    )


def test_loader_main_reports_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tariffsim.schedule.loader import main

    assert main([str(testing.write_library(tmp_path))]) == 0
    assert "ok: 6 measures, 2 lists" in capsys.readouterr().out
