"""The JSON API against the library's own answers and known legal cases.

Expected values come from the library called directly (the API must be a thin layer over it) and from
the legal cases: a Japanese passenger car, HTS 8703.23.01.90, entered on 2025-04-05 pays 27.5% =
2.5% MFN (HTSUS 2025 basic, 8703.23.01) + 25% Section 232 (Proclamation 10908, from 3 Apr 2025);
the IEEPA 10% baseline does not stack on Section 232 autos (EO 14257 §3(b)).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tariffsim.web.app import create_app
from tariffsim.web.services import rounded


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def state(client):
    return client.app.state.tariffsim


def test_rate_japanese_car_known_case(client):
    # Proclamation 10908 (25%) + HTSUS 8703.23.01 (2.5%); the reciprocal 10% is excluded by s232_autos
    r = client.get("/api/rate", params={"origin": "JPN", "hs": "8703230190", "date": "2025-04-05"})
    assert r.status_code == 200
    d = r.json()
    assert d["origin"] == "JPN" and d["hs"] == "8703230190" and d["date"] == "2025-04-05"
    assert d["total_rate"] == pytest.approx(0.275, abs=1e-12)
    nonzero = {m["id"]: m["rate"] for m in d["measures"] if m["rate"] != 0}
    assert nonzero == pytest.approx({"mfn": 0.025, "s232_autos": 0.25})
    assert all({"id", "authority", "rate", "reference"} <= set(m) for m in d["measures"])
    assert "10908" in next(m["reference"] for m in d["measures"] if m["id"] == "s232_autos")


def test_rate_equals_library(client, state):
    # the API returns EntryRate.to_dict() of the library (same as `tariffsim rate --json`), its
    # floats rounded to 12 significant digits (no 0.7250000000000001)
    for origin, hs, day in [
        ("CHN", "8471300100", "2025-04-10"),
        ("EU", "8703230190", "2025-09-20"),
        ("MEX", "2709001000", "2025-03-05"),
    ]:
        want = state.schedule.rate(origin, hs, day).to_dict()
        got = client.get("/api/rate", params={"origin": origin, "hs": hs, "date": day}).json()
        assert got == rounded(want)


def test_rate_bad_input_is_422_with_hint(client):
    r = client.get("/api/rate", params={"origin": "Japn", "hs": "8703230190", "date": "2025-04-05"})
    assert r.status_code == 422
    assert "unknown country" in r.json()["detail"] and "JPN" in r.json()["hint"]
    r = client.get("/api/rate", params={"origin": "JPN", "hs": "8703230190", "date": "2031-01-01"})
    assert r.status_code == 422 and "coverage" in r.json()["detail"]
    r = client.get("/api/rate", params={"origin": "JPN", "hs": "8703230190", "date": "5 April"})
    assert r.status_code == 422
    r = client.get(
        "/api/rate", params={"origin": "JPN"}
    )  # missing fields: FastAPI validation, same shape
    assert r.status_code == 422 and "hs" in r.json()["detail"]


def test_etr_equals_duties_on(client, state):
    # the cached per-segment aggregates give the same answer as tariffsim.duties.duties_on
    from tariffsim.duties.etr import duties_on

    for day in ("2025-04-10", "2025-08-07", "2026-03-01"):
        want = duties_on(
            dt.date.fromisoformat(day), flows=state.flows, schedule=state.schedule
        ).to_json("partner", top=10)
        got = client.get("/api/etr", params={"date": day, "by": "partner", "top": 10}).json()
        assert got["date"] == day
        assert got["etr"] == pytest.approx(want["etr"], rel=1e-9)
        assert got["duty_usd"] == pytest.approx(want["duty_usd"], rel=1e-9)
        assert got["imports_usd"] == pytest.approx(want["imports_usd"], rel=1e-11)
        assert [r["key"] for r in got["by"]] == [r["key"] for r in want["by"]]
        assert [r["etr"] for r in got["by"]] == pytest.approx(
            [r["etr"] for r in want["by"]], rel=1e-9
        )
        assert got["approx_ave"]["rows"] == want["approx_ave"]["rows"]


def test_etr_by_authority_adds_up(client):
    # points of ETR by authority sum to the ETR (ETR = Σ_a Σ_r τ_ra v_r / Σ_r v_r)
    d = client.get("/api/etr", params={"date": "2025-04-10", "by": "authority"}).json()
    assert sum(r["etr"] for r in d["by"]) == pytest.approx(d["etr"], rel=1e-11)


def test_etr_series_matches_single_days(client):
    rows = client.get("/api/etr/series", params={"from": "2025-04-01", "to": "2025-04-12"}).json()
    assert [r["date"] for r in rows][:2] == ["2025-04-01", "2025-04-02"] and len(rows) == 12
    for r in rows[::5]:
        one = client.get("/api/etr", params={"date": r["date"]}).json()
        assert r["etr"] == pytest.approx(one["etr"], rel=1e-11)
        assert sum(r["by_authority"].values()) == pytest.approx(r["etr"], rel=1e-11)
    csv_text = client.get(
        "/api/etr/series.csv", params={"from": "2025-04-01", "to": "2025-04-12"}
    ).text
    assert (
        csv_text.splitlines()[0].startswith("date,etr,duty_usd,etr_")
        and len(csv_text.splitlines()) == 13
    )


def test_etr_csv(client):
    r = client.get("/api/etr.csv", params={"date": "2025-04-10", "by": "chapter"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    j = client.get("/api/etr", params={"date": "2025-04-10"}).json()
    # chapters partition the imports: Σ duty by chapter = total duty
    assert sum(float(x["duty_usd"]) for x in rows) == pytest.approx(j["duty_usd"], rel=1e-9)


def test_timeline_and_measures_equal_library(client, state):
    got = client.get(
        "/api/timeline",
        params={"origin": "JPN", "hs": "8703230190", "from": "2025-01-01", "to": "2025-12-31"},
    ).json()
    want = [
        r.to_dict()
        for r in state.schedule.timeline(
            "JPN", "8703230190", dt.date(2025, 1, 1), dt.date(2026, 1, 1)
        )
    ]
    assert (
        got["rows"] == rounded(want) and got["from"] == "2025-01-01" and got["to"] == "2025-12-31"
    )
    # the car: 2.5% until 3 Apr 2025, then 27.5% (Proclamation 10908)
    assert (
        got["rows"][0]["total_rate"] == pytest.approx(0.025)
        and got["rows"][1]["start"] == "2025-04-03"
    )
    m = client.get("/api/measures", params={"date": "2025-04-10"}).json()
    assert [x["id"] for x in m["measures"]] == [
        x.id for x in state.schedule.in_force(dt.date(2025, 4, 10))
    ]


def test_hs_search(client):
    hits = client.get("/api/hs/search", params={"q": "8703.23.01"}).json()
    assert hits and all(h["hs"].startswith("87032301") for h in hits)
    assert all(h["score"] == 1.0 for h in hits)
    assert "8703230190" in [
        h["hs"] for h in client.get("/api/hs/search", params={"q": "8703230190"}).json()
    ]
    words = client.get(
        "/api/hs/search", params={"q": "spark-ignition 1,500 cc", "limit": 100}
    ).json()
    # HTSUS 8703.23: spark-ignition engines of a cylinder capacity over 1,500 cc, not over 3,000 cc
    assert any(h["hs"].startswith("870323") for h in words)
    assert all("spark" in h["path"].lower() for h in words[:10])


def _codes(client, **params):
    r = client.get("/api/hs/search", params=params)
    assert r.status_code == 200, r.text
    return [h["hs"] for h in r.json()]


def test_hs_search_words_checkable_against_the_hts(client):
    """Words a user types, with hits anyone can look up in the HTSUS."""
    # "bicycle": HTSUS 8712.00.48 "Other bicycles" (heading 8712, bicycles and other cycles);
    # bicycle inner tubes 4013.20.00 and tires 4011.50.00 follow
    bikes = _codes(client, q="bicycle", limit=5)
    assert bikes[0] == "8712004800"
    assert {"4013200000", "4011500000"} <= set(bikes)
    # "wine": heading 2204 (wine of fresh grapes), matched as a word — never "swine" (0103)
    wine = client.get("/api/hs/search", params={"q": "wine", "limit": 40}).json()
    assert wine[0]["hs"].startswith("2204")
    assert not [h for h in wine if h["hs"].startswith("0103")]
    # a French name the HTS uses: 0406.20.10 "Roquefort cheese" (heading 0406, cheese)
    assert _codes(client, q="Roquefort", limit=3)[0] == "0406201000"
    # full-width characters (an East Asian keyboard) read as ASCII (NFKC): the same hits
    assert _codes(client, q="\uff57\uff49\uff4e\uff45", limit=5) == _codes(
        client, q="wine", limit=5
    )
    assert _codes(client, q="\uff18\uff17\uff11\uff12\uff0e\uff10\uff10\uff0e\uff11\uff15") == [
        "8712001510",
        "8712001520",
        "8712001550",
    ]  # HTSUS 8712.00.15: bicycles with wheels not over 63.5 cm, by wheel size (statistical lines)


def test_hs_search_is_the_cli_search(client):
    """One HS search in the project: the API returns what ``duties.search.search_hs`` returns."""
    from tariffsim.duties.search import search_hs

    for q in ("lithium batteries", "laptop", "8471.30"):
        assert _codes(client, q=q, limit=10) == [h.hs for h in search_hs(q, limit=10)]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "--"},  # no words
        {"q": "   "},  # blank
    ],
)
def test_hs_search_bad_input_is_422(client, params):
    r = client.get("/api/hs/search", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_hs_hints_partial(client):
    """The HS box's hints: the search's hits; text with no words gives the "no match" line."""
    r = client.get("/ui/hs-search", params={"q": "bicycle"})
    assert r.status_code == 200 and 'data-pick-hs="8712004800"' in r.text
    r = client.get("/ui/hs-search", params={"q": "--"})
    assert r.status_code == 200 and "no HTS line matches" in r.text


def test_health(client, state):
    d = client.get("/api/health").json()
    assert d["ready"] is True and d["flows_rows"] == state.flows.n
    # one segment per change day of the schedule in its coverage, plus the first day
    lo, hi = state.schedule.coverage.start, state.schedule.coverage.last_day
    assert d["segments"] == 1 + len(state.schedule.change_days(lo, hi + dt.timedelta(days=1)))


def test_countries(client):
    d = client.get("/api/countries").json()
    names = {c["iso3"]: c["name"] for c in d["countries"]}
    assert names["JPN"] == "Japan"
    assert len(d["groups"]["EU"]) == 27  # the 27 member states


def test_country_exposure(client, state):
    d = client.get("/api/country/Japan", params={"date": "2025-08-07"}).json()
    f = state.flows
    jpn = f.origin.astype(str) == "JPN"
    assert d["iso3"] == "JPN"
    assert d["imports_usd"] == pytest.approx(float(np.asarray(f.value_usd)[jpn].sum()), rel=1e-11)
    etr = client.get("/api/etr", params={"date": "2025-08-07", "by": "partner"}).json()
    row = next(r for r in etr["by"] if r["key"] == "JPN")
    assert d["etr"] == pytest.approx(row["etr"], rel=1e-11)
    top = d["top_products"][0]
    assert top["rate"] == pytest.approx(
        state.schedule.rate("JPN", top["hs"], "2025-08-07").total_rate, abs=1e-12
    )
    assert d["timeline"][0]["start"] == "2024-01-01"
    usa = client.get("/api/country/USA")
    assert usa.status_code == 422 and "importer" in usa.json()["detail"]


def test_eu_as_one_partner(client, state):
    """/api/country/EU = the 27 members as one partner, like `tariffsim etr --by group`."""
    day = "2025-08-07"
    d = client.get("/api/country/EU", params={"date": day}).json()
    grouped = client.get("/api/etr", params={"date": day, "by": "group"}).json()["by"]
    eu = next(r for r in grouped if r["key"] == "EU")
    assert d["etr"] == pytest.approx(eu["etr"], rel=1e-11)
    assert d["imports_usd"] == pytest.approx(eu["imports_usd"], rel=1e-11)
    # the rank counts the EU as one partner: larger than any single country in 2024 imports
    assert d["rank"] == 1 + sum(r["imports_usd"] > eu["imports_usd"] for r in grouped)
    members = {m["iso3"]: m for m in d["members"]}
    assert len(members) == 27
    by_partner = client.get("/api/etr", params={"date": day, "by": "partner"}).json()["by"]
    deu = next(r for r in by_partner if r["key"] == "DEU")
    assert members["DEU"]["etr"] == pytest.approx(deu["etr"], rel=1e-11)
    # a top product's rate is Σ duty / Σ imports over the members' rows of that HTS10
    top = d["top_products"][0]
    f = state.flows
    rows = np.flatnonzero(
        (f.hs10.astype(str) == top["hs"]) & np.isin(f.origin.astype(str), list(members))
    )
    v = np.asarray(f.value_usd, float)[rows]
    r = [state.schedule.rate(str(f.origin[i]), top["hs"], day).total_rate for i in rows]
    assert top["rate"] == pytest.approx(float(np.dot(r, v) / v.sum()), abs=1e-11)
    # the timeline's segment holding the day has the day's ETR
    seg = next(t for t in d["timeline"] if t["start"] <= day < t["end"])
    assert seg["etr"] == pytest.approx(d["etr"], rel=1e-11)
    assert sum(seg["by_authority"].values()) == pytest.approx(d["etr"], rel=1e-11)


def _csv(rows: list[str]) -> bytes:
    return ("origin,hs,date,value_usd\n" + "\n".join(rows) + "\n").encode()


def test_rate_batch_upload(client):
    data = _csv(["JPN,8703230190,2025-04-05,40000", "CHN,8471300100,2025-04-10,1000"])
    r = client.post("/api/rate/batch", files={"file": ("e.csv", data, "text/csv")})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert float(rows[0]["total_rate"]) == pytest.approx(0.275)
    assert float(rows[0]["duty_usd"]) == pytest.approx(0.275 * 40000)  # hand computation
    bad = _csv(["JPN,8703230190,2025-04-05,1", "Narnia,8703230190,2025-04-05,1"])
    r = client.post("/api/rate/batch", files={"file": ("e.csv", bad, "text/csv")})
    assert r.status_code == 422 and "upload.csv:3" in r.json()["detail"]
    r = client.post(
        "/api/rate/batch",
        params={"skip_invalid": "true"},
        files={"file": ("e.csv", bad, "text/csv")},
    )
    assert (
        r.status_code == 200
        and r.headers["x-skipped-rows"] == "1"
        and len(r.text.splitlines()) == 2
    )
    r = client.post("/api/rate/batch", files={"file": ("e.csv", b"a,b\n1,2\n", "text/csv")})
    assert r.status_code == 422 and "missing column" in r.json()["detail"]


def test_rate_batch_upload_rates_entries(client):
    """Each uploaded row is an entry with its claim (= tariffsim rate --input): CAN 3923.21.00.85 on
    2025-08-01 pays 3% MFN + 35% fentanyl (9903.01.10) = 38% without claim, 0 under USMCA (S)."""
    data = (
        b"origin,hs,date,value_usd,claim\n"
        b"CAN,3923.21.00.85,2025-08-01,1000,\nCAN,3923.21.00.85,2025-08-01,1000,S\n"
    )
    r = client.post("/api/rate/batch", files={"file": ("e.csv", data, "text/csv")})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [float(x["total_rate"]) for x in rows] == pytest.approx([0.38, 0.0])
    assert [x["claim"] for x in rows] == ["", "usmca"]
    assert float(rows[0]["duty_usd"]) == pytest.approx(380.0)
    bad = data.replace(b",S\n", b",XX\n")
    r = client.post("/api/rate/batch", files={"file": ("e.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "upload.csv:3: claim: 'XX' is not a special tariff program" in r.json()["detail"]


def test_upload_limit_413(client):
    big = b"origin,hs,date\n" + b"JPN,8703230190,2025-04-05\n" * 220_000  # ~5.7 MB > 5 MB
    r = client.post("/api/rate/batch", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


def test_scenario_country_rate(client):
    # an additional 10% on every good of Japan: Japan's ETR rises by exactly 0.10 and the total duty
    # by 0.10 × Japan's 2024 imports (hand computation: the measure is additive on all products)
    body = {
        "date": "2025-08-07",
        "edits": [{"kind": "country_rate", "origin": "JPN", "rate": 0.10, "start": "2025-08-01"}],
    }
    r = client.post("/api/scenario", json=body)
    assert r.status_code == 200, r.text
    d = r.json()
    jp = next(x for x in d["by_partner"] if x["key"] == "JPN")
    assert jp["etr_scenario"] - jp["etr_baseline"] == pytest.approx(0.10, abs=1e-9)
    assert d["duty_change_usd"] == pytest.approx(0.10 * jp["imports_usd"], rel=1e-9)
    base = client.get("/api/etr", params={"date": "2025-08-07"}).json()
    assert d["baseline"]["etr"] == pytest.approx(base["etr"], rel=1e-11)
    assert "scenario_jpn_0" in d["reform_yaml"]


def test_scenario_yaml_is_safe_and_errors_name_the_line(client):
    r = client.post(
        "/api/scenario",
        json={"date": "2025-08-07", "reform_yaml": "!!python/object/apply:os.system [echo hi]"},
    )
    assert r.status_code == 422 and "reform.yaml" in r.json()["detail"]
    assert "/tmp" not in r.text  # no server path in the message
    r = client.post(
        "/api/scenario",
        json={"date": "2025-08-07", "reform_yaml": "title: x\nchange:\n  nope: {title: y}\n"},
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("reform.yaml:3")
    r = client.post("/api/scenario", json={"date": "2025-08-07"})
    assert r.status_code == 422


def test_negotiation_controls_and_validation(client):
    ctl = client.get("/api/negotiation/us-japan-2025-04/controls").json()
    assert ctl["parties"] == ["USA", "JPN"] and any(
        c["name"].startswith("sigma:") for c in ctl["controls"]
    )
    r = client.post(
        "/api/negotiation/us-japan-2025-04", json={"overrides": {"nope": 1.0}, "draws": 10}
    )
    assert r.status_code == 422 and "unknown control" in r.json()["detail"]
    c = next(c for c in ctl["controls"] if c["name"].startswith("sigma:"))
    r = client.post(
        "/api/negotiation/us-japan-2025-04",
        json={"overrides": {c["name"]: c["high"] * 10}, "draws": 10},
    )
    assert r.status_code == 422 and "outside" in r.json()["detail"]
    assert client.get("/api/negotiation/../../etc/passwd").status_code in (404, 422)
    assert client.get("/api/negotiation/nope").status_code == 422


def test_job_registry_reports_progress_and_errors(client):
    r = client.post(
        "/api/jobs/scenario",
        json={"date": "2025-08-07", "reform_yaml": "remove: [s122_surcharge]\n"},
    )
    assert r.status_code == 202
    job = r.json()
    import time

    for _ in range(300):
        job = client.get(f"/api/jobs/{job['id']}").json()
        if job["status"] in ("done", "error"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    # Section 122 is not in force on 2025-08-07: removing it changes nothing
    assert job["result"]["etr_change"] == pytest.approx(0.0, abs=1e-12) and job["progress"] == 1.0
    assert client.get("/api/jobs/doesnotexist").status_code == 404


def test_openapi_documents_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/rate", "/api/etr", "/api/timeline", "/api/measures", "/api/hs/search", "/api/countries",
              "/api/rate/batch", "/api/etr/series", "/api/country/{iso3}", "/api/scenario",
              "/api/negotiation/{case}", "/api/jobs/{job_id}"):  # fmt: skip
        assert p in paths, p


def test_pages_render_numbers(client):
    r = client.get("/", params={"origin": "JPN", "hs": "8703230190", "date": "2025-04-05"})
    assert r.status_code == 200 and 'id="total-rate"' in r.text and "27.50%" in r.text
    etr = client.get("/api/etr", params={"date": "2025-04-10"}).json()["etr"]
    r = client.get("/etr", params={"date": "2025-04-10"})
    assert f"{100 * etr:.2f}%" in r.text
    for path in (
        "/country",
        "/country/JPN",
        "/scenario",
        "/negotiation/us-japan-2025-04",
        "/static/vendor/vega-embed.min.js",
    ):
        assert client.get(path).status_code == 200, path
    r = client.get(
        "/ui/rate",
        params={"origin": "Narnia", "hs": "8703230190", "date": "2025-04-05"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "unknown country" in r.text  # HTMX swaps the error box in


def test_negotiation_equals_library(client):
    # the API is analyze() of the case (sensitivity and tied hands left out for speed)
    from tariffsim.negotiation.analysis import analyze
    from tariffsim.negotiation.case import load_case

    case = load_case("us-japan-2025-04")
    ctl = client.get("/api/negotiation/us-japan-2025-04/controls").json()
    sig = next(c for c in ctl["controls"] if c["name"].startswith("sigma:"))
    new = (sig["low"] + sig["value"]) / 2
    got = client.post(
        "/api/negotiation/us-japan-2025-04",
        json={"overrides": {sig["name"]: new}, "draws": 60, "seed": 3},
    ).json()
    want = analyze(
        case.with_values({sig["name"]: new}),
        draws=60,
        seed=3,
        with_sensitivity=False,
        with_tied_hands=False,
    )
    assert got["nash"] == rounded(want.nash)
    assert got["agreement_probability"] == pytest.approx(want.agreement_probability)
    assert got["pareto_size"] == want.pareto_size == len(got["pareto_points"])
    assert got["ratification"]["nash"]["joint"] == pytest.approx(want.ratification["nash"]["joint"])
    assert got["overrides"] == {sig["name"]: new}


def test_scenario_ge_tariff_change(client, state, shared_data):
    # GE tariff of exporter j = Σ_h v_h (1+t1_h)/(1+t0_h) / Σ_h v_h − 1 with t0 the law on 2025-01-01
    # (tariffsim.models.law_tariffs); adding 0.10 to t1 for every Japanese line raises Japan's by
    # Σ_h v_h · 0.10/(1+t0_h) / Σ_h v_h (hand derivation from that formula)
    body = {
        "date": "2025-08-07",
        "with_ge": True,
        "edits": [{"kind": "country_rate", "origin": "JPN", "rate": 0.10, "start": "2025-08-01"}],
    }
    d = client.post("/api/scenario", json=body).json()
    jp = d["ge"]["countries"][0]
    assert jp["iso3"] == "JPN"  # the only exporter whose US tariff changes
    f = state.flows
    rows = f.origin.astype(str) == "JPN"
    c = state.schedule.compile(
        hs10=f.hs10[rows], origin=f.origin[rows], start=dt.date(2025, 1, 1),
        shares={k: a[rows] for k, a in f.shares.items()},
    )  # fmt: skip
    v = np.asarray(f.value_usd, float)[rows]
    want = float((v * 0.10 / (1.0 + c.at(dt.date(2025, 1, 1)))).sum() / v.sum())
    assert jp["us_tariff_scenario"] - jp["us_tariff_baseline"] == pytest.approx(want, rel=1e-9)
    assert d["ge"]["regions"][0]["region"] == "USA"


def test_country_models_ge_law(client, shared_data):
    # the GE row is the model solved for the law's tariffs on the date
    # (tariffsim.models.law_tariffs.ge_tariffs_from_schedule, in the GE data's country order)
    from tariffsim.models.ge_data import load_model
    from tariffsim.models.law_tariffs import ge_tariffs_from_schedule

    d = client.get("/api/country/JPN/models", params={"date": "2025-08-07"}).json()
    model = load_model("baseline")
    rates = ge_tariffs_from_schedule(on=dt.date(2025, 8, 7), iso3=model.iso3)
    want = float(rates[list(model.iso3).index("JPN")])
    assert d["ge"]["us_tariff_rate"] == pytest.approx(want, rel=1e-9)
    assert d["ge_paper"]["scenario"] == "ustr_income_tax"


def test_web_does_not_import_the_cli():
    """The web is beside the CLI, not above it: no module of tariffsim.web imports tariffsim.cli
    (the JSON hook it used to borrow is core.jsonable.default)."""
    import pathlib

    web = pathlib.Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "web"
    bad = [
        f"{p.name}:{i}"
        for p in web.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "tariffsim.cli" in line
    ]
    assert not bad, bad


def test_unexpected_error_is_a_500_that_keeps_the_connection():
    """An unexpected exception in a route: a 500 with no traceback (JSON for the API, a page for
    a browser), answered by the app itself — not re-raised to the server, which would drop the
    client's keep-alive connection (the review's "connection reset" after a 500)."""
    from tariffsim.web.state import AppState

    app = create_app(state=AppState(), warm=False)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    app.state.tariffsim.etr = object()  # skip the warm-up: the routes need no data
    with TestClient(app, raise_server_exceptions=True) as c:  # a re-raise would fail here
        r = c.get("/api/boom")
        assert r.status_code == 500 and r.json() == {
            "detail": "internal error",
            "hint": "see the server log",
        }
        r = c.get("/boom", headers={"accept": "text/html"})
        assert r.status_code == 500 and "internal error" in r.text and "a bug" not in r.text


def test_hostile_reform_yaml_refused_before_a_job_starts(client):
    """A reform that is not safe YAML (control characters, an alias bomb, a Python tag) is a 422
    at once on the job route too (core.yamlio's caps), never a job and never a 500."""
    bomb = "a0: &a0 [x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)
    )
    for text in ("\x00\x01" * 100, bomb + "change: *a8\n", "change: !!python/name:os.system\n"):
        for route in ("/api/scenario", "/api/jobs/scenario"):
            r = client.post(route, json={"date": "2025-08-07", "reform_yaml": text})
            assert r.status_code == 422, (route, text[:20], r.text[:200])
            assert len(r.content) < 2000


def test_negotiation_controls_have_units_and_help(client):
    """Every control of the negotiation page carries a unit and a line of help (the case schema's
    parameter metadata) — not ~40 raw parameter names; derived parameters are not controls."""
    from tariffsim.negotiation.case import load_case

    ctl = client.get("/api/negotiation/us-japan-2025-04/controls").json()
    assert ctl["controls"]
    for c in ctl["controls"]:
        assert c["unit"] and c["help"], c["name"]
    case = load_case("us-japan-2025-04")
    derived = {k for k, p in case.parameters.items() if p.derived}
    assert derived and not derived & {c["name"] for c in ctl["controls"]}
    p = case.parameters["p_ieepa_void"]
    row = next(c for c in ctl["controls"] if c["name"] == "p_ieepa_void")
    assert (row["unit"], row["help"]) == (p.unit, p.help)
    page = client.get("/negotiation/us-japan-2025-04", headers={"accept": "text/html"}).text
    assert p.help in page and f"({p.unit})" in page


def test_wave_outcomes_only_before_the_day():
    """The wave page shows a deal as the actual outcome only once it has happened: read through
    known_outcomes(day) (deals announced strictly before the day), with its sources' links."""
    import datetime as dt

    from tariffsim.web.wave import outcomes_by_partner

    before_july = outcomes_by_partner(dt.date(2025, 7, 1))
    assert set(before_july) == {"GBR", "CHN"}  # the UK (8 May) and China at Geneva (12 May)
    jpn = outcomes_by_partner(dt.date(2025, 7, 23))["JPN"][0]
    assert (jpn["headline_rate"], jpn["form"], jpn["announced"]) == (0.15, "floor", "2025-07-22")
    assert jpn["sources"] and all(s["url"] or s["title"] for s in jpn["sources"])
    assert "JPN" not in outcomes_by_partner(dt.date(2025, 7, 22))  # not on the day itself


def test_wave_bad_input(client):
    assert client.get("/api/wave", params={"as_of": "garbage"}).status_code == 422
    assert client.get("/api/wave", params={"draws": 0}).status_code == 422
    r = client.get(
        "/wave", params={"as_of": "2025-02-30", "run": 1}, headers={"accept": "text/html"}
    )
    assert r.status_code == 422 and "is not a date" in r.text


@pytest.mark.slow
def test_wave_page_against_the_forecaster(client):
    """/api/wave as of 2026-01-20: the open partners' forecasts are forecast_wave's (same draws and
    seed), partners with a deal before the date are precedents, and a deal announced after the
    date and before today (Taiwan, 15 Jan 2026 → no; India, 2 Feb 2026 → yes) is the actual."""
    import datetime as dt

    from tariffsim.negotiation.forecast import forecast_wave, open_partners

    day = dt.date(2026, 1, 20)
    d = client.get("/api/wave", params={"as_of": day.isoformat(), "draws": 50}).json()
    rows = {r["partner"]: r for r in d["partners"]}
    assert {p for p, r in rows.items() if r["open"]} == set(open_partners(day))
    assert rows["TWN"]["concluded_before"][0]["announced"] == "2026-01-15"
    assert rows["IND"]["actual"]["headline_rate"] == 0.18
    if d["problem"] is None:
        want = {f.partner: f for f in forecast_wave(day, draws=50, seed=0)}
        f = want["IND"]
        got = rows["IND"]["forecast"]
        assert got["headline"]["median"] == pytest.approx(float(np.median(f.headline)), abs=1e-9)
        assert got["status_quo_rate"] == pytest.approx(f.status_quo_rate, abs=1e-9)
        assert got["p_deal_by"] == {
            k.isoformat(): pytest.approx(v, abs=1e-9) for k, v in f.p_deal_by.items()
        }
