"""Case files: pydantic schema, file:line errors, the no-look-ahead rule, generated cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.case import list_cases, load_case

TOY = (Path(__file__).parent / "data" / "negotiation-toy.yaml").read_text(encoding="utf-8")


def write_toy(tmp_path: Path, text: str = TOY) -> Path:
    p = tmp_path / "toy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_toy_case_loads_with_resolved_references(tmp_path: Path) -> None:
    c = load_case(write_toy(tmp_path))
    assert c.parties == ("USA", "XXX") and c.partner == "XXX"
    assert c.issue_names == ("tariff", "buy", "invest", "terms")
    # `1-name` is the complement of a parameter
    assert c.number("1-p_threat") == pytest.approx(0.4)
    # ranged parameters are the priors varied jointly; their help and unit are kept for the web
    assert set(c.numeric_params()) == {"w_rev", "cred", "p_threat"}
    p = c.parameters["cred"]
    assert p.help == "credibility of purchases" and p.unit == "share" and p.kind == "judgement"


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        # a parameter citing a source published after the as-of date: refused at the source line
        (
            '  margin: {value: 0.2, unit: share, help: "seller margin", source: S1}',
            '  margin: {value: 0.2, unit: share, help: "seller margin", source: S1, date: 2025-05-02}',
            "after the case's as-of date",
            14,
        ),
        (
            '  S1: {title: "A source", date: 2025-04-01}',
            '  S1: {title: "A source", date: 2025-04-01}\n  LATE: {title: "Later", date: 2025-05-01}',
            "source dated 2025-05-01",
            11,
        ),
        ("source: S1}\n  premium", "source: NOPE}\n  premium", "unknown source 'NOPE'", 14),
        ("args: {market: market,", "args: {market: markt,", "unknown parameter 'markt'", 0),
        ("    status_quo: 0.1\n", "    status_quo: 0.15\n", "is not one of the levels", 0),
        (
            "kind: judgement, source: S1}\n  margin",
            "kind: judgement, source: S1, typo: 1}\n  margin",
            "unknown field",
            0,
        ),
    ],
)
def test_bad_input_names_file_and_line(
    tmp_path: Path, old: str, new: str, message: str, line: int
) -> None:
    assert old in TOY
    p = write_toy(tmp_path, TOY.replace(old, new, 1))
    with pytest.raises(InputError) as e:
        load_case(p)
    assert message in e.value.message and "toy.yaml:" in e.value.message
    if line:
        assert f"toy.yaml:{line}:" in e.value.message


def test_a_judgement_needs_a_range(tmp_path: Path) -> None:
    text = TOY.replace(
        '  margin: {value: 0.2, unit: share, help: "seller margin", source: S1}',
        '  margin: {value: 0.2, unit: share, help: "seller margin", source: S1, kind: judgement}',
    )
    with pytest.raises(InputError, match="a judgement needs a range"):
        load_case(write_toy(tmp_path, text))


def test_shipped_cases_are_generated_and_dated() -> None:
    assert {"us-japan-2025-04", "us-korea-2025-04"} <= set(list_cases())
    c = load_case("us-japan-2025-04")
    assert c.as_of == dt.date(2025, 4, 15) and c.parties == ("USA", "JPN")
    # the template's agenda (docs/negotiation.md): headline rate and its form, cars under s232 …
    assert {"reciprocal_rate", "reciprocal_form", "auto_rate", "purchases", "investment"} <= set(
        c.issue_names
    )
    # no look-ahead: every source and parameter public by the as-of date
    assert all(s.date <= c.as_of for s in c.sources.values())
    assert all(p.date is None or p.date <= c.as_of for p in c.parameters.values())
    # every parameter says what it is, for the web controls
    assert all(p.unit and len(p.help) >= 3 for p in c.parameters.values())


def test_a_file_overrides_the_generated_case(tmp_path: Path) -> None:
    text = (
        Path(__file__).parents[2] / "src/tariffsim/negotiation/cases/us-korea-2025-04.yaml"
    ).read_text()
    text += (
        "parameters:\n"
        '  claim_probability: {value: 0.7, low: 0.2, high: 0.9, unit: probability, help: "override",'
        " kind: judgement, source: template}\n"
    )
    p = tmp_path / "k.yaml"
    p.write_text(text)
    c = load_case(p)
    assert (
        c.value("claim_probability") == 0.7 and c.parameters["claim_probability"].help == "override"
    )


def test_unknown_case_id() -> None:
    with pytest.raises(InputError, match="unknown case"):
        load_case("us-china-2099")
