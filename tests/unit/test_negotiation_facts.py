"""Dated facts (tariffsim.negotiation.facts): look-ahead safety, the threat path, and chapter-99 checks.

Expected values come from the law: EO 14257 Annex I as carried by HTS 2025 rev 7 (9903.01.43-.76),
EO 14326 Annex I as carried by HTS 2025 rev 18 (9903.02.02-.71), and the later floor headings; the
HTS revisions themselves are read from the reference data where a test says so.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.core.errors import InputError
from tariffsim.negotiation import facts as F
from tariffsim.negotiation.facts import schema as S
from tariffsim.negotiation.facts._io import read_model

PARTNERS = ("GBR", "CHN", "VNM", "IDN", "PHL", "JPN", "EU", "KOR", "MYS", "KHM", "THA", "CHE")
PARTNERS += ("TWN", "IND", "CAN", "BRA", "MEX")

# How the HTS chapter-99 descriptions name each partner ("articles the product of ...").
HTS_NAME = {
    "VNM": "Vietnam", "IDN": "Indonesia", "PHL": "Philippines", "JPN": "Japan",
    "EU": "European Union", "KOR": "South Korea", "MYS": "Malaysia", "KHM": "Cambodia",
    "THA": "Thailand", "CHE": "Switzerland", "TWN": "Taiwan", "IND": "India", "CHN": "China",
    "GBR": "United Kingdom", "BRA": "Brazil", "CAN": "Canada", "MEX": "Mexico",
}  # fmt: skip

DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 6, 30))


def test_every_partner_has_facts_and_sources_resolve() -> None:
    f = F.load()
    assert set(PARTNERS) <= set(f.partners.partners)
    # every cited id exists (the loader refuses unknown ids; this pins that it ran on all files)
    assert len(f.sources) > 100
    for p in PARTNERS:
        assert F.rates_in_force(p, "2025-09-01"), p


# --------------------------------------------------------------------------------------------
# The threat path and the rates in force, against the law (hand-checked values)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partner", "day", "in_force", "threat"),
    [
        # 15 Apr 2025: the pause; 10% applies, the Annex I rate is the threat (EO 14257, EO 14266)
        ("JPN", "2025-04-15", 0.10, 0.24),
        ("VNM", "2025-04-15", 0.10, 0.46),
        ("EU", "2025-04-15", 0.10, 0.20),
        ("CHE", "2025-04-15", 0.10, 0.31),
        ("KHM", "2025-04-15", 0.10, 0.49),
        ("GBR", "2025-04-15", 0.10, 0.10),
        # China on 15 Apr: 125% reciprocal + 20% fentanyl (EO 14266, EO 14228)
        ("CHN", "2025-04-15", 1.45, 1.45),
        # after the letters of 7-12 Jul (the letter supersedes Annex I: Cambodia 49% -> 36%)
        ("JPN", "2025-07-19", 0.10, 0.25),
        ("KHM", "2025-07-28", 0.10, 0.36),
        ("EU", "2025-07-24", 0.10, 0.30),
        ("PHL", "2025-07-19", 0.10, 0.20),
        # after EO 14326 (7 Aug): Switzerland 39%, Taiwan 20%, India 25% + 25% Russian oil (27 Aug)
        ("CHE", "2025-11-11", 0.39, 0.39),
        ("TWN", "2026-01-12", 0.20, 0.20),
        ("IND", "2026-01-30", 0.25, 0.25),
        # Canada: 25% then 35% from 1 Aug (letter of 10 Jul); Mexico 25% with a 30% letter
        ("CAN", "2025-07-29", 0.25, 0.35),
        ("MEX", "2025-07-29", 0.25, 0.30),
        # Brazil: 10% baseline and the 50% letter (10% + 40%)
        ("BRA", "2025-07-29", 0.10, 0.50),
        # China before Busan: 10% + 20% in force; 24 points due back on 10 Nov; +100% from 1 Nov
        ("CHN", "2025-10-27", 0.30, 0.34 + 0.20 + 1.00),
        # after the Supreme Court ruling no IEEPA duty remains
        ("JPN", "2026-03-01", 0.0, 0.0),
    ],
)
def test_rates_and_threats_by_hand(partner: str, day: str, in_force: float, threat: float) -> None:
    assert F.rate_in_force(partner, day) == pytest.approx(in_force)
    assert F.threat_rate(partner, day) == pytest.approx(threat)


def test_japan_floor_is_known_only_from_4_september() -> None:
    # EO 14345 (signed 4 Sep 2025) made the 15% all-in retroactively from 7 Aug
    before = F.rates_in_force("JPN", "2025-08-20")["reciprocal"]
    assert (before.rate, before.form, before.heading) == (0.15, "add_on", "9903.02.30")
    after = F.rates_in_force("JPN", "2025-08-20", known_on="2025-09-10")["reciprocal"]
    assert (after.rate, after.form, after.heading) == (0.15, "floor", "9903.02.73")


def test_deadlines_follow_the_extensions() -> None:
    assert [e.until for e in F.deadlines("JPN", "2025-04-15")] == [dt.date(2025, 7, 9)]
    assert [e.until for e in F.deadlines("JPN", "2025-07-08")] == [dt.date(2025, 8, 1)]
    assert [e.until for e in F.deadlines("CHN", "2025-05-20")] == [dt.date(2025, 8, 12)]
    assert [e.until for e in F.deadlines("CHN", "2025-09-01")] == [dt.date(2025, 11, 10)]
    # the pause never concerned Canada, Mexico, Brazil or the UK
    assert F.deadlines("GBR", "2025-04-15") == []
    assert {e.id for e in F.deadlines("MEX", "2025-08-15")} == {"mexico-extension-2025-07-31"}


def test_court_rulings_and_open_investigations() -> None:
    rulings = [e.date for e in F.calendar("2026-03-01") if e.kind == "court_ruling"]
    assert rulings == [dt.date(2025, 5, 28), dt.date(2025, 8, 29), dt.date(2026, 2, 20)]
    assert [e.id for e in F.calendar("2025-05-27") if e.kind == "court_ruling"] == []
    # on 15 Apr 2025: copper, lumber (Mar), pharma and chips (public 14 Apr), critical minerals (15 Apr)
    assert {i.id for i in F.open_s232("2025-04-15")} == {
        "copper", "lumber", "semiconductors", "pharmaceuticals", "critical-minerals",
    }  # fmt: skip
    # copper closed by Proclamation 10962 (30 Jul 2025, 50%)
    assert "copper" not in {i.id for i in F.open_s232("2025-08-01")}
    cu = next(i for i in F.s232_investigations("2025-07-01") if i.id == "copper")
    assert cu.actions == []


@settings(max_examples=60, deadline=None)
@given(day=DAYS, partner=st.sampled_from(PARTNERS))
def test_no_fact_is_dated_after_as_of(day: dt.date, partner: str) -> None:
    for e in F.rates_in_force(partner, day).values():
        assert e.date <= day and e.start <= day
    for t in F.threats(partner, day):
        assert t.date <= day and (t.withdrawn is None or t.withdrawn <= day)
    for c in F.calendar(day, partner):
        assert c.date <= day
    for inv in F.s232_investigations(day):
        assert inv.date <= day and all(a.date <= day for a in inv.actions)
    for r in F.retaliation(partner, day):
        assert r.date <= day
    pf = F.partner_facts(partner, day)
    for el in pf.elections:
        assert el.date <= day and (el.result is None or el.result.date <= day)
    for x in pf.exposure:
        assert x.date <= day
    for o in F.us_objectives(day):
        assert o.date <= day


def test_election_result_hidden_until_known() -> None:
    before = F.partner_facts("JPN", "2025-07-20").elections
    assert [e.held_on for e in before] == [dt.date(2025, 7, 20)] and before[0].result is None
    after = F.partner_facts("JPN", "2025-07-21").elections
    assert after[0].result is not None


def test_unknown_partner_is_refused() -> None:
    with pytest.raises(InputError, match="no partner facts for 'XXX'"):
        F.partner_facts("XXX", "2025-05-01")


def test_bad_file_names_its_line(tmp_path: Path) -> None:
    p = tmp_path / "rates.yaml"
    p.write_text(
        "in_force:\n"
        "  - {partner: JPN, measure: reciprocal, start: 2025-04-05, rate: 25,\n"
        "     date: 2025-04-02, source: [eo14257]}\n"
        "threats: []\n",
        encoding="utf-8",
    )
    # 25 (a percentage) instead of 0.25 is refused, naming file, line and field
    with pytest.raises(InputError, match=r"rates\.yaml:2: in_force\[0\]\.rate: .*fraction"):
        read_model(S.RatesFile, p, F.sources())
    p.write_text(
        "in_force: []\nthreats:\n  - {partner: JPN, measure: reciprocal, kind: letter,\n"
        "     rate: 0.25, date: 2025-07-07, source: [no-such-source]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"rates\.yaml:4: source 'no-such-source'"):
        read_model(S.RatesFile, p, F.sources())


# --------------------------------------------------------------------------------------------
# Chapter-99 headings against the HTS revisions (reference data)
# --------------------------------------------------------------------------------------------

_PLUS = re.compile(r"\+\s*(\d+(?:\.\d+)?)%")
_ONLY = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s*$")


@cache
def _ch99(path: str) -> dict[str, tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    return {
        r["htsno"]: (r.get("general") or "", r.get("description") or "")
        for r in rows
        if (r.get("htsno") or "").startswith("9903.")
    }


def _checked_entries() -> list[tuple[str, S.InForce | S.Threat, str]]:
    f = F.load()
    out = []
    for e in [*f.rates.in_force, *f.rates.threats]:
        if not e.heading or e.rate == 0:
            continue
        hts = [s for s in e.source if f.sources[s].data and s.startswith("hts-")]
        for sid in hts:
            out.append((sid, e, f.sources[sid].data or ""))
    return out


def test_headings_match_the_hts(shared_data: Path) -> None:
    entries = _checked_entries()
    assert len(entries) >= 60
    for sid, e, data in entries:
        table = _ch99(str(shared_data / data))
        assert e.heading in table, f"{e.heading} not in {sid}"
        general, desc = table[e.heading]
        pct = round(e.rate * 100, 6)
        if e.measure == "s232_autos" and _PLUS.search(general):
            # a total car rate: the chapter-99 add-on plus the 2.5% MFN rate of heading 8703
            m = _PLUS.search(general)
            assert m and float(m.group(1)) + 2.5 == pytest.approx(pct), (e.partner, e.heading)
        elif e.form in ("floor", "total"):
            m = _ONLY.match(general)
            assert m and float(m.group(1)) == pct, (e.partner, e.heading, general)
        else:
            m = _PLUS.search(general)
            assert m and float(m.group(1)) == pct, (e.partner, e.heading, general)
        # country headings name the partner they belong to
        n = int(e.heading.split(".")[-1])
        country_heading = (e.heading.startswith("9903.01.") and 43 <= n <= 76) or (
            e.heading.startswith("9903.02.") and 2 <= n <= 91
        )
        if country_heading:
            assert HTS_NAME[e.partner] in desc, (e.partner, e.heading, desc[-160:])


def test_every_annex_i_partner_rate_is_the_hts_rate(shared_data: Path) -> None:
    """Each Annex I threat of 2 Apr 2025 equals HTS 2025 rev 7 (9903.01.43-.76)."""
    table = _ch99(str(shared_data / "usitc_hts/hts_2025_rev_7.json.gz"))
    annex = [t for t in F.load().rates.threats if t.kind == "annex_i"]
    assert {t.partner for t in annex} >= {"JPN", "EU", "KOR", "VNM", "CHE", "TWN", "IND", "CHN"}
    for t in annex:
        general, desc = table[t.heading or ""]
        m = _PLUS.search(general)
        assert m and float(m.group(1)) == round(t.rate * 100, 6)
        assert HTS_NAME[t.partner] in desc


def test_disk_cache_is_keyed_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffsim.negotiation.facts._io import cached

    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path / "cache"))
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n", encoding="utf-8")
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"v": len(calls)}

    assert cached("t", [f], build) == {"v": 1}
    assert cached("t", [f], build) == {"v": 1} and len(calls) == 1  # from the pickle
    f.write_text("x: 2\n", encoding="utf-8")
    assert cached("t", [f], build) == {"v": 2}  # a changed file is a new key
    for p in (tmp_path / "cache").glob("negotiation-t-*.pkl"):
        p.write_bytes(b"not a pickle")
    assert cached("t", [f], build) == {"v": 3}  # a broken pickle is rebuilt
