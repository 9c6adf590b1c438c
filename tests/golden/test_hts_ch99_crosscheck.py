"""Cross-check of the library's reciprocal country rates with chapter 99 of the official HTS.

The expected values are read from the USITC JSON exports themselves (``../shared/data/usitc_hts``):

* HTS 2025 revision 7 (published 2 Apr 2025), headings 9903.01.43-.76: the country rates of EO 14257
  Annex I, in force from 12:01 a.m. EDT 9 Apr 2025;
* HTS 2025 revision 18 (published 7 Aug 2025), headings 9903.02.02-.71: the rates of EO 14326
  Annex I, in force from 12:01 a.m. EDT 7 Aug 2025.

Each heading's description names one or more origins ("articles the product of Brunei, Japan, or
Malaysia"); its column-1 text gives the rate ("The duty provided in the applicable subheading + 24%"
is an additional 24%; a bare "15%" is a rate that includes the column-1 duty, i.e. an all-in floor).
Every origin named must get, in the library (loaded through :mod:`tariffsim.schedule`), the same rate
tied to the same heading (the ``heading:`` field of its rate) on the day the heading took effect.

Two documented differences, each checked against the official record rather than waived:

* China, Hong Kong and Macau (9903.01.63): rev 7 prints 34%, but EO 14259 (90 FR 15509) raised it to
  84% before it took effect; HTS rev 8 prints 84% under the same heading. The library follows rev 8 on
  9 Apr 2025 and holds the 34% from 14 May 2025 (EO 14298, with 24 points suspended).
* Japan (9903.02.30, "+15%" in rev 18): EO 14345 (90 FR 43535) replaced it retroactively to 7 Aug 2025
  by the 15% all-in rate of 9903.02.72/.73 (HTS rev 23), and 9903.02.30 was terminated (90 FR 44638).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tariffsim.core.countries import groups, resolve

REV7_DAY = dt.date(2025, 4, 9)  # EO 14257 Annex I rates: entries from 12:01 a.m. EDT 9 Apr 2025
REV18_DAY = dt.date(2025, 8, 7)  # EO 14326 Annex I rates: entries from 12:01 a.m. EDT 7 Aug 2025

_NAMES = re.compile(r"articles the product of (.+?),? as provided for", re.IGNORECASE)
_ADD = re.compile(r"\+\s*(\d+(?:\.\d+)?)\s*%")
_ALL_IN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _origins(description: str) -> list[str]:
    """ISO3 codes (or the group ``EU``) named by a heading's description."""
    m = _NAMES.search(description)
    if m is None:
        return []
    text = re.sub(r"\s*,\s*with an ad valorem.*$", "", m.group(1))
    text = text.replace("`", "'").replace("\u2019", "'").strip()
    text = re.sub(r"^the\s+", "", text)
    if text.startswith("China, including"):
        return ["CHN", "HKG", "MAC"]  # "China, including Hong Kong and Macau"
    parts = [p.strip() for p in re.split(r",\s*(?:or\s+)?|\s+or\s+", text) if p.strip()]
    return [resolve(p) for p in parts]


def _rate(general: str) -> tuple[str, float]:
    """('add', r) for '... + r%', ('floor', r) for a bare 'r%', ('none', 0) for no additional duty."""
    if m := _ADD.search(general):
        return "add", float(m.group(1)) / 100
    if m := _ALL_IN.match(general):
        return "floor", float(m.group(1)) / 100
    return "none", 0.0


def _headings(edition: str, lo: str, hi: str) -> dict[str, tuple[list[str], str, float]]:
    """Chapter-99 headings lo..hi of an HTS edition: heading -> (origins, kind, rate)."""
    import polars as pl

    from tariffsim.data.hts import load_revision

    rev = load_revision(edition)
    rows = rev.filter(
        (pl.col("htsno") >= lo) & (pl.col("htsno") <= hi) & (pl.col("htsno").str.len_chars() == 10)
    )
    out: dict[str, tuple[list[str], str, float]] = {}
    for htsno, desc, general in zip(
        rows["htsno"], rows["description"], rows["general"], strict=True
    ):
        kind, r = _rate(general)
        out[htsno] = (_origins(desc), kind, r)
    return out


def _library_rates(on: dt.date) -> dict[str, list[tuple[str, str, float, str | None]]]:
    """origin key -> [(measure id, kind, rate, heading)] of the reciprocal measures on a day."""
    from tariffsim.schedule.loader import load_library

    spec = load_library()
    out: dict[str, list[tuple[str, str, float, str | None]]] = {}
    for m in spec.measures.values():
        if m.authority != "ieepa_reciprocal":
            continue
        shares = m.share if isinstance(m.share, list) else [m.share or ""]
        if any(str(x).startswith("declared:") for x in shares) or any(
            s.startswith("civil_aircraft") for s in m.member_of
        ):
            continue  # a declared condition or an exemption (rate 0), not a country rate
        current: Any = None
        for v in m.values:
            if v.start <= on:
                current = v
        if current is None or current.rates is None:
            continue
        for key, rs in current.rates.items():
            if rs is None:
                continue
            kind, r = ("floor", rs.floor) if rs.floor is not None else ("add", rs.rate)
            out.setdefault(key, []).append((m.id, kind, float(r), rs.heading))
    return out


def _lookup(
    lib: dict[str, list[tuple[str, str, float, str | None]]], iso: str
) -> list[tuple[str, str, float, str | None]]:
    """The library's rate specs for an origin: under its own key, or under a group holding it."""
    found = list(lib.get(iso, []))
    for g, members in groups().items():
        if iso in members and g != iso:
            found += lib.get(g, [])
    return found


def _check(expected: dict[str, tuple[str, float, str]], on: dt.date) -> tuple[int, list[str]]:
    lib = _library_rates(on)
    problems = []
    for iso, (kind, r, heading) in sorted(expected.items()):
        specs = _lookup(lib, iso)
        if not specs:
            problems.append(
                f"{iso}: no reciprocal rate in the library on {on} (HTS {heading}: {kind} {r})"
            )
            continue
        for mid, k, lr, lh in specs:
            if k != kind or abs(lr - r) > 1e-12 or lh != heading:
                problems.append(
                    f"{iso} ({mid}): library {k} {lr} heading {lh}; HTS {kind} {r} heading {heading}"
                )
    return len(expected) - len({p.split(":")[0].split(" ")[0] for p in problems}), problems


def test_rev7_country_rates_match_library(shared_data: Path) -> None:
    # HTS 2025 rev 7, 9903.01.43-.76: 34 headings naming 59 origins (the EU counted once) - counted
    # from the USITC JSON export; every one must match the library on 9 Apr 2025.
    heads = _headings("2025_rev_7", "9903.01.43", "9903.01.76")
    rev8 = _headings("2025_rev_8", "9903.01.43", "9903.01.76")
    assert len(heads) == 34
    expected: dict[str, tuple[str, float, str]] = {}
    amended = {}
    for h, (isos, kind, r) in heads.items():
        assert isos, f"{h}: no origin parsed"
        assert kind == "add", f"{h}: rev 7 country rates are additional duties"
        for iso in isos:
            # A heading amended in rev 8 before it took effect (EO 14259: China 34% -> 84% from
            # 9 Apr 2025) is checked at its amended rate.
            _, kind8, r8 = rev8[h]
            if (kind8, r8) != (kind, r):
                amended[iso] = (r, r8)
            expected[iso] = (kind8, r8, h)
    assert len(expected) == 59
    assert amended == {"CHN": (0.34, 0.84), "HKG": (0.34, 0.84), "MAC": (0.34, 0.84)}
    matched, problems = _check(expected, REV7_DAY)
    assert problems == []
    assert matched == 59
    # The 34% of rev 7 is in the library too, under the same heading, from the Geneva step (EO 14298).
    geneva = _library_rates(dt.date(2025, 5, 14))
    for iso in ("CHN", "HKG", "MAC"):
        assert ("ieepa_reciprocal", "add", 0.34, "9903.01.63") in geneva[iso]
    print(
        f"\nHTS 2025 rev 7, 9903.01.43-.76: {len(heads)} headings, {len(expected)} origins, {matched} match"
    )


def test_rev18_country_rates_match_library(shared_data: Path) -> None:
    # HTS 2025 rev 18, 9903.02.02-.71: 70 headings naming 69 origins (the EU twice: .19 for MFN >= 15%,
    # .20 for the 15% all-in rate) - counted from the USITC JSON export.
    heads = _headings("2025_rev_18", "9903.02.02", "9903.02.71")
    assert len(heads) == 70
    expected: dict[str, tuple[str, float, str]] = {}
    for h, (isos, kind, r) in heads.items():
        assert isos, f"{h}: no origin parsed"
        for iso in isos:
            if kind == "none":
                # 9903.02.19: EU goods whose MFN is 15% or more pay no additional duty - the other
                # half of the all-in floor of 9903.02.20 (checked there).
                assert (iso, h) == ("EU", "9903.02.19")
                continue
            expected[iso] = (kind, r, h)
    assert len(expected) == 69
    assert expected["EU"] == ("floor", 0.15, "9903.02.20")
    # Japan: replaced retroactively by EO 14345; the replacement is itself in the official record.
    assert expected["JPN"] == ("add", 0.15, "9903.02.30")
    rev23 = _headings("2025_rev_23", "9903.02.72", "9903.02.73")
    assert rev23["9903.02.73"] == (["JPN"], "floor", 0.15)
    expected["JPN"] = ("floor", 0.15, "9903.02.73")
    matched, problems = _check(expected, REV18_DAY)
    assert problems == []
    assert matched == 69
    print(
        f"\nHTS 2025 rev 18, 9903.02.02-.71: {len(heads)} headings, {len(expected)} origins, {matched} match"
    )


def test_later_floor_headings_match_library(shared_data: Path) -> None:
    # The partner floors of late 2025, read from the revisions that first print them: Korea (HTS 2025
    # rev 32, 9903.02.80, in force 14 Nov 2025) and Switzerland/Liechtenstein (HTS 2026 basic,
    # 9903.02.83/.88, in force 14 Nov 2025).
    kor = _headings("2025_rev_32", "9903.02.80", "9903.02.80")
    che = _headings("2026_basic", "9903.02.83", "9903.02.88")
    expected = {"KOR": ("floor", 0.15, "9903.02.80")}
    assert kor["9903.02.80"] == (["KOR"], "floor", 0.15)
    assert che["9903.02.83"] == (["CHE"], "floor", 0.15)
    assert che["9903.02.88"] == (["LIE"], "floor", 0.15)
    expected["CHE"] = ("floor", 0.15, "9903.02.83")
    expected["LIE"] = ("floor", 0.15, "9903.02.88")
    matched, problems = _check(expected, dt.date(2025, 11, 14))
    assert problems == []
    assert matched == 3


@pytest.mark.parametrize(
    ("edition", "heading", "expected"),
    [
        # rev 8 and rev 9 print China's 84% and 125% under 9903.01.63 (EO 14259, EO 14266).
        ("2025_rev_8", "9903.01.63", (["CHN", "HKG", "MAC"], "add", 0.84)),
        ("2025_rev_9", "9903.01.63", (["CHN", "HKG", "MAC"], "add", 1.25)),
    ],
)
def test_china_escalation_headings(
    shared_data: Path, edition: str, heading: str, expected: tuple
) -> None:
    heads = _headings(edition, heading, heading)
    assert heads[heading] == expected
    on = {"2025_rev_8": dt.date(2025, 4, 9), "2025_rev_9": dt.date(2025, 4, 10)}[edition]
    lib = _library_rates(on)
    for iso in expected[0]:
        assert ("ieepa_reciprocal", "add", expected[2], heading) in lib[iso]
