"""Civil-aircraft exemptions: the declared claim, and the lists re-derived from the data tables.

Law: HTS 9903.96.01-.03 (U.S. note 35), 9903.02.76, .81, .85, .90 (note 2(v)), 9903.01.82 (note
2(x)(iv), Brazil), 9903.03.05 (note 2(aa)(iv), Section 122). Each heading covers "articles of civil
aircraft (all aircraft other than military aircraft) ..." classified in enumerated subheadings, so
outside the lines civil by their own description the exemption needs a civil-aircraft claim
(declared share ``civil_aircraft``). Cases of lines civil by definition: cases/civil_aircraft.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

US = Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "jurisdictions" / "us"


def _lists() -> dict:
    from tariffsim.core.yamlio import read_yaml

    out: dict = {}
    for f in ("lists_ieepa.yaml", "lists_civil_aircraft.yaml"):
        out.update(read_yaml(US / f)["lists"])
    return out


def _rows(shared_data: Path, name: str) -> list[dict[str, str]]:
    with open(shared_data / "product_lists" / name) as fh:
        return list(csv.DictReader(ln for ln in fh if not ln.startswith("#")))


def _atca(shared_data: Path) -> set[str]:
    return {
        r["hts8"]
        for r in _rows(shared_data, "floor_exempt_products.csv")
        if r["category"] == "civil_aircraft" and r["country_group"] == "korea"
    }


@pytest.mark.parametrize(
    ("origin", "hs", "day", "duty"),
    [
        ("FRA", "8411124000", dt.date(2025, 9, 1), "ieepa_reciprocal_eu"),  # turbojet, 9903.02.76
        ("GBR", "8411124000", dt.date(2025, 6, 30), "ieepa_reciprocal"),  # 9903.96.01
        ("JPN", "8411124000", dt.date(2025, 9, 16), "ieepa_reciprocal_japan"),  # 9903.96.02
        ("KOR", "8411124000", dt.date(2025, 11, 14), "ieepa_reciprocal_korea"),  # 9903.02.81
        ("CHE", "8411124000", dt.date(2025, 11, 14), "ieepa_reciprocal_switzerland"),  # .85
        ("BRA", "8471500150", dt.date(2025, 8, 6), "ieepa_brazil"),  # 9903.01.82
        ("CHN", "8411124000", dt.date(2026, 2, 24), "s122_surcharge"),  # 9903.03.05
        ("FRA", "7608200030", dt.date(2025, 9, 1), "s232_aluminum_derivatives"),  # tubes
        ("TWN", "7608200030", dt.date(2026, 5, 1), "s232_metals_1a"),  # 9903.96.03
    ],
)
def test_a_civil_aircraft_claim_removes_the_duty(
    shared_data: Path, origin: str, hs: str, day: dt.date, duty: str
) -> None:
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    plain = s.rate(origin, hs, on=day)
    assert duty in plain.nonzero  # no claim: the line holds non-aircraft goods too
    claimed = s.rate(origin, hs, on=day, shares={"civil_aircraft": 1.0})
    assert duty not in claimed.nonzero
    before = s.rate(origin, hs, on=day - dt.timedelta(days=1), shares={"civil_aircraft": 1.0})
    if duty in s.rate(origin, hs, on=day - dt.timedelta(days=1)).nonzero:
        assert duty in before.nonzero  # the claim means nothing before the partner's date


def test_military_lines_are_never_exempt(shared_data: Path) -> None:
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    r = s.rate("FRA", "8802400115", on=dt.date(2025, 9, 1), shares={"civil_aircraft": 1.0})
    assert r.nonzero == {"ieepa_reciprocal_eu": pytest.approx(0.15)}


def test_brazil_general_and_civil_aircraft_exemptions_split_the_table(shared_data: Path) -> None:
    """Note 2(x)(iii) (9903.01.81, every use) vs 2(x)(iv) (9903.01.82, civil aircraft only).

    The table's 9903.01.77 rows of 6 Aug 2025 are both notes; 2(x)(iv) is the 554 civil-aircraft
    subheadings plus unmanned aircraft 8806 and four more, so 2(x)(iii) is the rest.
    """
    rows = _rows(shared_data, "country_eo_exempt_products.csv")
    orig = {r["hts10"].replace(".", "") for r in rows if r["source"].startswith("EO 14323")}
    extra_civil = {
        c for c in orig if c.startswith(("8806", "90148050", "90314940", "90314970", "98020091"))
    }
    general = sorted(orig - _atca(shared_data) - extra_civil)
    lists = _lists()
    assert [
        i if isinstance(i, str) else i["prefix"] for i in lists["ieepa_brazil_exempt"]["items"]
    ] == general
    assert len(general) == 129
    assert "71081210" in general and "88024001" not in general  # gold bars yes, airliners no


def test_s122_civil_only_subheadings_are_those_in_no_general_list(shared_data: Path) -> None:
    """Note 2(aa)(iv) subheadings that are in no general list leave s122_exempt (533 of 554)."""
    lists = _lists()
    annex = lists["ieepa_annex_ii"]
    day = dt.date(2026, 2, 23)
    cur = set()
    for it in annex["items"]:
        if isinstance(it, str):
            cur.add(it)
        elif (it.get("start") is None or it["start"] <= day) and (
            it.get("end") is None or day < it["end"]
        ):
            cur.add(it["prefix"])
    exc = set(annex["except"])
    ag = {
        r["hts10"].replace(".", "")[:8]
        for r in _rows(shared_data, "country_eo_exempt_products.csv")
        if r["source"].startswith("EO modifying scope")
    }

    def general(c: str) -> bool:
        return (
            any(c.startswith(p) for p in cur) and not any(c.startswith(x) for x in exc)
        ) or c in ag

    s122 = {r["hts8"] for r in _rows(shared_data, "s122_exempt_products.csv")}
    want = sorted(c for c in _atca(shared_data) if c in s122 and not general(c))
    assert [
        e if isinstance(e, str) else e["prefix"] for e in lists["s122_exempt"]["except"]
    ] == want
    assert len(want) == 533


def test_taiwan_components_are_civil_aircraft_subheadings(shared_data: Path) -> None:
    items = [
        i if isinstance(i, str) else i["prefix"] for i in _lists()["civil_aircraft_taiwan"]["items"]
    ]
    assert len(items) == len(set(items)) == 118
    assert set(items) <= _atca(shared_data)


@pytest.mark.parametrize(
    ("origin", "before", "on", "duty", "rate_before"),
    [
        (
            "FRA",
            dt.date(2025, 8, 31),
            dt.date(2025, 9, 1),
            "ieepa_reciprocal_eu",
            0.15,
        ),  # 9903.02.77
        (
            "CHE",
            dt.date(2025, 11, 13),
            dt.date(2025, 11, 14),
            "ieepa_reciprocal_switzerland",
            0.39,
        ),  # .86
    ],
)
def test_nonpatented_pharmaceutical_use_is_a_declared_claim(
    shared_data: Path, origin: str, before: dt.date, on: dt.date, duty: str, rate_before: float
) -> None:
    """Enzymes 3507.90.70 (Free): exempt from the partner's date only when declared for non-patented
    pharmaceutical use (HTS 9903.02.77 EU, note 2(v)(xix); 9903.02.86 Switzerland, note 2(v)(xxiv)(d))."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    claim = {"nonpatented_pharmaceutical": 1.0}
    assert s.rate(origin, "3507907000", on=before, shares=claim).nonzero == {
        duty: pytest.approx(rate_before)
    }
    assert s.rate(origin, "3507907000", on=on, shares=claim).nonzero == {}
    assert duty in s.rate(origin, "3507907000", on=on).nonzero
