"""The command line as its users meet it: JSON contracts, bad-input lines, human output.

Every command runs in-process through ``tariffsim.cli.main.main`` (the console script's entry
point) on the real reference data. The JSON shapes are the documented contracts, exactly (rates
as fractions; docs/cli.md): ``rate``, ``etr``, ``reciprocal``, ``ge reproduce-ilms2025``,
``negotiate``. Bad input anywhere must give one ``error:``
line naming the problem (and a ``hint:`` line with the fix), exit code 2, and no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.cli.main import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

RATE_KEYS = {"origin", "hs", "date", "total_rate", "claim", "claims", "measures", "not_included"}
RATE_MEASURE_KEYS = {"id", "authority", "rate", "reference"}
ETR_KEYS = {"date", "etr", "duty_usd", "imports_usd", "by"}
ETR_BY_KEYS = {"key", "etr", "duty_usd", "imports_usd"}
RECIPROCAL_KEYS = {
    "iso3",
    "country",
    "imports_usd",
    "exports_usd",
    "rate_charged",
    "reciprocal_rate",
}
GE_KEYS = {
    "scenario",
    "region",
    "welfare_pct",
    "deficit_pct",
    "exports_gdp_pct",
    "imports_gdp_pct",
    "employment_pct",
    "prices_pct",
    "revenue_gdp_pct",
}
GE_SCENARIOS = {
    "ustr_income_tax",
    "ustr_lump_sum",
    "optimal_income_tax",
    "ustr_reciprocal_retaliation",
    "ustr_optimal_retaliation",
    "optimal_optimal_retaliation",
    "eps8",
    "partial_passthrough",
    "ekk",
}
NEGOTIATE_KEYS = {
    "agreement_probability",
    "deal",
    "nash",
    "kalai_smorodinsky",
    "pareto_size",
    "ratification",
    "partner",  # the forecast record: the partner, the forecast date and P(deal by as_of + 30/60/90 d)
    "as_of",
    "p_deal_by",
}
CAR = "8703230190"  # HTS 8703.23.01.90, a passenger car (the worked example of docs/cli.md)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(autouse=True)
def _width_100(monkeypatch: pytest.MonkeyPatch, shared_data: Path) -> None:
    # Human tables are checked at the width of a common terminal; all tests use the real data.
    monkeypatch.setenv("COLUMNS", "100")


# --- every command has --json --------------------------------------------------------------------


def _leaves(cmd, path=()):  # type: ignore[no-untyped-def]
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield path, cmd
        return
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def test_every_command_has_json() -> None:
    import typer.main

    from tariffsim.cli.main import app

    leaves = dict(_leaves(typer.main.get_command(app)))
    names = {" ".join(p) for p in leaves}
    # the commands of the CLI contract are all registered
    for want in (
        "rate",
        "timeline",
        "measures",
        "demo",
        "data info",
        "data cache info",
        "etr",
        "duties",
        "reciprocal",
        "report etr",
        "report validation",
        "pe",
        "ge run",
        "ge reproduce-ilms2025",
        "ge optimal",
        "ge nash",
        "ge montecarlo",
        "negotiate",
    ):
        assert want in names
    missing = [
        " ".join(p)
        for p, c in leaves.items()
        if not any("--json" in getattr(o, "opts", ()) for o in c.params)
    ]
    assert missing == []


# --- JSON contracts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "total", "parts"),
    [
        # a Japanese car: 2.5% MFN (HTS 2025 basic 8703.23.01); +25% Section 232 autos from
        # 3 Apr 2025 (Proclamation 10908); 15% all-in from 16 Sep 2025 (EO 14345).
        ("2025-03-01", 0.025, {"mfn": 0.025}),
        ("2025-04-05", 0.275, {"mfn": 0.025, "s232_autos": 0.25}),
        ("2025-09-20", 0.15, {"mfn": 0.025, "s232_autos": 0.125}),
    ],
)
def test_rate_json_exact(capsys, day, total, parts) -> None:
    d = run_json(capsys, "rate", "JPN", CAR, "--on", day)
    assert set(d) == RATE_KEYS
    assert (d["origin"], d["hs"], d["date"]) == ("JPN", CAR, day)
    assert d["total_rate"] == pytest.approx(total, abs=1e-12)
    for m in d["measures"]:
        assert set(m) == RATE_MEASURE_KEYS and m["reference"]
    nonzero = {m["id"]: m["rate"] for m in d["measures"] if m["rate"] != 0.0}
    assert nonzero == pytest.approx(parts)
    assert sum(m["rate"] for m in d["measures"]) == pytest.approx(d["total_rate"])


def test_rate_names_dots_and_full(capsys) -> None:
    # a common name and a dotted code mean the same entry; --full adds the extras
    d = run_json(capsys, "rate", "Japan", "8703.23.01.90", "--on", "2025-04-05", "--full")
    assert d["origin"] == "JPN" and d["hs"] == CAR and d["total_rate"] == pytest.approx(0.275)
    assert {"heading", "note"} <= set(d["measures"][0]) and "description" in d


def test_rate_human_percent_and_width(capsys) -> None:
    code, out, _ = run(capsys, "rate", "JPN", CAR, "--on", "2025-04-05")
    assert code == 0
    assert "27.50%" in out and "25.00%" in out and "Proclamation 10908" in out
    assert "0.275" not in out  # fractions only in JSON
    assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize(
    "argv",
    [
        ["measures"],
        ["measures", "--on", "2025-08-07"],
        ["timeline", "JPN", CAR, "--from", "2025-01-01", "--to", "2026-06-30"],
        ["demo"],
        ["etr", "--on", "2025-05-15", "--by", "partner"],
        ["reciprocal"],
        ["data", "info"],
        ["negotiate", "us-japan-2025-04", "--draws", "100"],
        ["negotiate", "us-japan-2025-04", "--best-for", "JPN"],
    ],
)
def test_human_tables_fit_100_columns(capsys, argv) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "0.275" not in out  # rates are percentages in human text


def test_measure_ids_are_never_cut(capsys) -> None:
    ids = [m["id"] for m in run_json(capsys, "measures")["measures"]]
    code, out, _ = run(capsys, "measures")
    assert code == 0
    cells = {line.split("│")[1].strip() for line in out.splitlines() if line.count("│") > 2}
    assert set(ids) <= cells  # every id whole, in its own cell, at 100 columns


def test_rate_file_json_output_and_skip(capsys, tmp_path: Path) -> None:
    good = tmp_path / "entries.csv"
    good.write_text(
        "origin,hs,date,value_usd\nJPN,8703.23.01.90,2025-04-05,30000\nJapan,8703230190,2025-03-01,1000\n"
    )
    rows = run_json(capsys, "rate", "--input", str(good))["rows"]
    # 30,000 x 27.5% = 8,250 and 1,000 x 2.5% = 25 (hand computation)
    assert [r["total_rate"] for r in rows] == pytest.approx([0.275, 0.025])
    assert [r["duty_usd"] for r in rows] == pytest.approx([8250.0, 25.0])
    out = tmp_path / "rated.csv"
    code, _, err = run(capsys, "rate", "--input", str(good), "--output", str(out))
    assert code == 0 and out.is_file() and "wrote 2 rows" in err
    assert (
        out.read_text()
        .splitlines()[0]
        .startswith("origin,hs,date,value_usd,claim,total_rate,duty_usd")
    )
    # --output with --json: the file is written and the rows are printed too
    out.unlink()
    both = run_json(capsys, "rate", "--input", str(good), "--output", str(out))["rows"]
    assert out.is_file() and [r["duty_usd"] for r in both] == pytest.approx([8250.0, 25.0])


def test_timeline_json_and_plot(capsys, tmp_path: Path) -> None:
    png = tmp_path / "car.png"
    d = run_json(
        capsys,
        "timeline",
        "Japan",
        "8703.23.01.90",
        "--from",
        "2025-03-01",
        "--to",
        "2025-09-30",
        "--plot",
        str(png),
    )
    assert d["origin"] == "JPN" and d["hs"] == CAR  # normalised, whatever was typed
    totals = [(r["start"], r["total_rate"]) for r in d["rows"]]
    # changes on 3 Apr 2025 (Section 232 autos, Proclamation 10908) and 16 Sep 2025 (EO 14345)
    assert ("2025-04-03", pytest.approx(0.275)) in totals
    assert ("2025-09-16", pytest.approx(0.15)) in totals
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 20_000


def test_measures_and_demo_json(capsys) -> None:
    d = run_json(capsys, "measures", "--on", "2025-04-10")
    ids = {m["id"] for m in d["measures"]}
    assert d["date"] == "2025-04-10" and {"mfn", "s232_autos", "ieepa_reciprocal"} <= ids
    assert "s122_surcharge" not in ids  # Section 122 only from 24 Feb 2026 (Proclamation 11012)
    demo = run_json(capsys, "demo")
    car = {r["date"]: r["total_rate"] for r in demo["goods"][0]["rates"]}
    assert car["2025-04-05"] == pytest.approx(0.275)


def test_data_info_json(capsys) -> None:
    d = run_json(capsys, "data", "info")
    assert d["shared_data"] and d["read_from"]["imports_2024"] == "shared"
    assert "2025_rev_7" in d["hts_editions"]  # the revision the reciprocal check reads


def test_etr_json_exact(capsys) -> None:
    d = run_json(capsys, "etr", "--on", "2025-05-15")
    assert set(d) == ETR_KEYS and d["date"] == "2025-05-15"
    assert d["etr"] == pytest.approx(d["duty_usd"] / d["imports_usd"])
    assert 0.0 < d["etr"] < 1.0  # a fraction, not percent
    # default breakdown: every partner; the rows add up to the totals
    assert all(set(r) == ETR_BY_KEYS for r in d["by"])
    assert sum(r["imports_usd"] for r in d["by"]) == pytest.approx(d["imports_usd"], rel=1e-9)
    assert sum(r["duty_usd"] for r in d["by"]) == pytest.approx(d["duty_usd"], rel=1e-9)


@pytest.mark.parametrize("by", ["partner", "group", "chapter", "section", "authority"])
def test_etr_by_each(capsys, by) -> None:
    d = run_json(capsys, "etr", "--on", "2025-05-15", "--by", by, "--top", "5")
    assert set(d) == ETR_KEYS and len(d["by"]) == 5
    assert all(set(r) == ETR_BY_KEYS for r in d["by"])


def test_etr_by_authority_follows_the_law(capsys) -> None:
    before = run_json(capsys, "etr", "--on", "2025-04-04", "--by", "authority")
    after = run_json(capsys, "etr", "--on", "2025-04-05", "--by", "authority")
    pts = {r["key"]: r["etr"] for r in before["by"]}
    pts2 = {r["key"]: r["etr"] for r in after["by"]}
    # the 10% reciprocal baseline starts 5 Apr 2025 (EO 14257 §3(a)); Section 122 only in 2026
    assert pts["ieepa_reciprocal"] == 0.0 and pts2["ieepa_reciprocal"] > 0.02
    assert pts["s122"] == 0.0 and pts2["s122"] == 0.0
    assert sum(pts2.values()) == pytest.approx(after["etr"])


def test_etr_series_json_and_plot(capsys, tmp_path: Path) -> None:
    png = tmp_path / "etr.png"
    rows = run_json(capsys, "etr", "--from", "2025-04-01", "--to", "2025-04-15", "--plot", str(png))
    assert rows[0]["date"] == "2025-04-01" and len(rows) == 15  # --from and --to both included
    for r in rows:
        assert r["etr"] == pytest.approx(sum(r["by_authority"].values()))
    day = {r["date"]: r for r in rows}
    assert day["2025-04-04"]["by_authority"]["ieepa_reciprocal"] == 0.0
    assert day["2025-04-05"]["by_authority"]["ieepa_reciprocal"] > 0.0
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_duties_file(capsys, tmp_path: Path) -> None:
    f = tmp_path / "imports.csv"
    f.write_text("origin,hs,value_usd\nJPN,8703.23.01.90,1000000\nJapan,8703230190,500000\n")
    d = run_json(capsys, "duties", str(f), "--on", "2025-04-05")
    # 1.5 m USD of Japanese cars at 27.5% (2.5% MFN + 25% Section 232 autos) = 412,500 USD
    assert d["duty_usd"] == pytest.approx(412_500.0)
    assert d["etr"] == pytest.approx(0.275)
    assert [r["rate"] for r in d["rows"]] == pytest.approx([0.275, 0.275])


def test_reciprocal_json_exact(capsys) -> None:
    rows = run_json(capsys, "reciprocal")
    assert all(set(r) == RECIPROCAL_KEYS for r in rows)
    jpn = {r["iso3"]: r for r in rows}["JPN"]
    # Census 2024 partner totals (census/us_trade_by_partner_2024.csv): imports 148.21 bn,
    # exports 79.74 bn -> (148.21 - 79.74) / 148.21 = 46.2% -> 23% (USTR published 24%)
    assert jpn["imports_usd"] / 1e9 == pytest.approx(148.21, abs=0.005)
    assert jpn["exports_usd"] / 1e9 == pytest.approx(79.74, abs=0.005)
    assert jpn["rate_charged"] == pytest.approx(0.4620, abs=5e-4)
    assert jpn["reciprocal_rate"] == pytest.approx(0.23)


def test_ge_reproduce_json_exact(capsys) -> None:
    rows = run_json(capsys, "ge", "reproduce-ilms2025")
    assert all(set(r) == GE_KEYS for r in rows) and len(rows) == 36
    assert {r["scenario"] for r in rows} == GE_SCENARIOS
    assert {r["region"] for r in rows} == {"USA", "CHN", "EU", "non-US"}
    us = next(r for r in rows if r["scenario"] == "ustr_income_tax" and r["region"] == "USA")
    # the published check: US welfare +1.13% in ustr_income_tax (docs/ge.md, ILMS 2025)
    assert us["welfare_pct"] == pytest.approx(1.13, abs=0.02)


def test_ge_other_commands_json(capsys) -> None:
    run_ = run_json(capsys, "ge", "run")
    assert run_["frames"]["regions"]
    opt = run_json(capsys, "ge", "optimal", "--method", "formula")
    assert 0.0 < opt[0]["rate"] < 1.0  # a fraction
    mc = run_json(capsys, "ge", "montecarlo", "--draws", "2", "--executor", "serial")
    assert mc["draws"] == 2 and mc["bands"]


def test_negotiate_json_exact(capsys, tmp_path: Path) -> None:
    d = run_json(capsys, "negotiate", "us-japan-2025-04", "--draws", "150", "--plot", str(tmp_path))
    assert set(d) == NEGOTIATE_KEYS
    for issue in ("reciprocal_rate", "auto_rate"):
        band = d["deal"][issue]
        assert set(band) == {"median", "p10", "p90", "unit"} and band["unit"] == "fraction"
        assert band["p10"] <= band["median"] <= band["p90"] <= 1.0
    assert all(set(v) == {"median", "p10", "p90", "unit"} for v in d["deal"].values())
    assert 0.0 <= d["agreement_probability"] <= 1.0 and d["pareto_size"] > 0
    for chart in ("pareto", "tornado"):
        assert (tmp_path / f"us-japan-2025-04-{chart}.png").read_bytes()[:8] == PNG_MAGIC


def test_negotiate_best_for_and_explain(capsys) -> None:
    d = run_json(
        capsys, "negotiate", "us-japan-2025-04", "--best-for", "JPN", "--min-acceptance", "0.8"
    )
    assert d["acceptance_probability"] >= 0.8 and d["package"]["reciprocal_rate"] <= 0.24
    # the party may be typed as a code in any case or as a country name
    d2 = run_json(capsys, "negotiate", "us-japan-2025-04", "--best-for", "japan")
    assert d2["party"] == "JPN" and d2["package"] == d["package"]
    e = run_json(capsys, "negotiate", "us-japan-2025-04", "--explain")
    assert e["case"] == "us-japan-2025-04" and e["levels"]


# --- bad input: one line, exit 2, no traceback --------------------------------------------------

BAD_YAML = "title: bad\nchange:\n  s232_autos:\n    insert_values:\n      - start: 2025-10-01\n        rates: {JPN: {floor: abc}}\n        reference: x\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rate", "Jpan", CAR, "--on", "2025-04-05"], "unknown country 'Jpan'"),
        (["rate", "JPN", "8703.2x", "--on", "2025-04-05"], "is not an HS code"),
        (["rate", "JPN", "87032301999", "--on", "2025-04-05"], "has 11 digits"),
        (["rate", "JPN", "9999999999", "--on", "2025-04-05"], "not an HTS10 line"),
        (["rate", "JPN", "870323", "--on", "2025-04-05"], "6-digit subheading"),
        (["rate", "JPN", CAR, "--on", "2031-01-01"], "after the last day the library covers"),
        (["rate", "JPN", CAR, "--on", "2025-13-01"], "is not a date"),
        (["rate", "JPN", CAR, "--on", "05/04/2025"], "is not a date"),
        (["rate", "JPN", CAR], "missing --on DATE"),
        (["rate", "--input", "{tmp}/none.csv"], "file not found"),
        (["rate", "--input", "{tmp}/broken.csv"], "malformed CSV"),
        (["rate", "--input", "{tmp}/nocols.csv"], "missing column(s) origin, hs, date"),
        (["rate", "JPN", CAR, "--on", "2025-04-05", "--reform", "{tmp}/bad.yaml"], "bad.yaml:6"),
        (
            ["rate", "JPN", CAR, "--on", "2025-04-05", "--reform", "{tmp}/syntax.yaml"],
            "syntax.yaml:2",
        ),
        (
            ["timeline", "JPN", CAR, "--from", "2025-05-01", "--to", "2025-04-01"],
            "is before --from",
        ),
        (["timeline", "JPN", CAR, "--plot", "{tmp}/no/dir/x.png"], "does not exist"),
        (["measures", "--on", "2030-01-01"], "after the last day the library covers"),
        (["etr"], "give --on DATE"),
        (["etr", "--on", "2025-05-15", "--by", "country"], "is not a grouping"),
        (["etr", "--on", "2031-01-01"], "--on: 2031-01-01 is after the last day"),
        (["etr", "--from", "2025-05-01", "--to", "2025-04-01"], "is before --from"),
        (
            ["etr", "--from", "2025-01-01", "--to", "2025-02-01", "--plot", "{tmp}/x.jpg"],
            "must be a .png",
        ),
        (["duties", "{tmp}/none.csv"], "none.csv: file not found"),
        (["duties", "{tmp}/latin1.csv"], "not UTF-8 text"),  # an Excel export in Latin-1
        (["rate", "--input", "{tmp}/latin1.csv"], "latin1.csv:2: not UTF-8 text (byte 0xf4)"),
        (["rate", "--input", "{tmp}"], "is a folder"),
        (["duties", "{tmp}/imports_bad.csv", "--on", "2025-05-01"], "imports_bad.csv"),
        (["duties", "{tmp}/imports_ok.csv", "--on", "2031-01-01"], "--on: 2031-01-01"),
        (
            [
                "report",
                "etr",
                "--from",
                "2025-01-01",
                "--to",
                "2025-02-01",
                "--out",
                "{tmp}/no/r.html",
            ],
            "does not exist",
        ),
        (["pe", "--from", "2025-01-01"], "give --to DATE"),
        (["pe", "--from", "2025-01-01", "--to", "2031-01-01"], "--to: 2031-01-01"),
        (["pe", "--from", "2025-01-01", "--to", "2025-04-10", "--by", "country"], "--by must be"),
        (["ge", "run", "--scenario", "bogus"], "unknown GE scenario 'bogus'"),
        (["ge", "run", "--on", "2025-13-01"], "is not a date"),
        (["negotiate", "us-china-2099"], "unknown case 'us-china-2099'"),
        (["negotiate"], "give a case"),
        (["negotiate", "us-japan-2025-04", "--best-for", "XXX"], "unknown party 'XXX'"),
        (
            ["negotiate", "us-japan-2025-04", "--best-for", "JPN", "--min-acceptance", "1.5"],
            "[0, 1]",
        ),
        (["negotiate", "us-japan-2025-04", "--draws", "0"], "--draws must be at least 1"),
        (
            ["data", "download", "hts", "--revision", "bogus", "-o", "{tmp}/dl"],
            "unknown HTS edition",
        ),
    ],
)
def test_bad_input_one_line_exit_2(capsys, tmp_path: Path, argv, message) -> None:
    (tmp_path / "broken.csv").write_text('origin,hs,date\n"JPN,870\n')
    (tmp_path / "nocols.csv").write_text("a,b\n1,2\n")
    (tmp_path / "latin1.csv").write_bytes(
        "origin,hs,value_usd\nCôte,8703230190,1\n".encode("latin-1")
    )
    (tmp_path / "bad.yaml").write_text(BAD_YAML)
    (tmp_path / "syntax.yaml").write_text("title: x\n  change: [\n")
    (tmp_path / "imports_ok.csv").write_text("origin,hs,value_usd\nJPN,8703230190,100\n")
    (tmp_path / "imports_bad.csv").write_text(
        "origin,hs,value_usd\nJpan,8703230190,100\nJPN,87032,100\nJPN,8703230190,abc\n"
    )
    code, out, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2
    assert "Traceback" not in err and out == ""
    first = err.splitlines()[0]
    assert first.startswith("error:") and message in first, err
    if argv[0] == "rate" and "Jpan" in argv:  # unknown country: the nearest names as the fix
        assert "hint: did you mean Japan (JPN)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["rate", "JPN", CAR, "--on", "2025-04-05", "--bogus"],  # unknown option
        ["timeline", "JPN"],  # missing argument
        ["negotiate", "us-japan-2025-04", "--draws", "many"],  # bad option value
        ["pe", "--from", "2025-01-01", "--to", "2025-04-10", "--eta", "abc"],
    ],
)
def test_usage_errors_exit_2(capsys, argv) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    # one line naming the problem, one naming the fix (the usage and the --help to read)
    assert len(lines) == 2 and lines[0].startswith("error:")
    assert lines[1].startswith("hint:") and f"see tariffsim {argv[0]}" in lines[1]


def test_version(capsys) -> None:
    from importlib.metadata import version

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"tariffsim {version('tariffsim')}"


def test_batch_reports_every_bad_row_and_writes_nothing(capsys, tmp_path: Path) -> None:
    f = tmp_path / "entries.csv"
    f.write_text(
        "origin,hs,date,value_usd\n"
        "JPN,8703.23.01.90,2025-04-05,30000\n"  # line 2: good
        "Jpan,8703230190,2025-04-05,1\n"  # line 3: unknown country
        "CHN,84713,2025-05-15,1\n"  # line 4: malformed HS
        "CHN,9999999999,2025-05-15,1\n"  # line 5: unknown HS
        "JPN,8703230190,2031-01-01,1\n"  # line 6: outside the schedule
        "JPN,8703230190,2025-13-01,1\n"  # line 7: malformed date
        "JPN,8703230190,2025-04-05,abc\n"  # line 8: bad value
    )
    out = tmp_path / "rated.csv"
    code, stdout, err = run(capsys, "rate", "--input", str(f), "--output", str(out))
    assert code == 2 and not out.exists() and stdout == "" and "Traceback" not in err
    for line in range(3, 9):
        assert f"entries.csv:{line}:" in err
    assert "entries.csv:2:" not in err and "6 bad rows; nothing written" in err
    code, _, err = run(capsys, "rate", "--input", str(f), "--output", str(out), "--skip-invalid")
    assert code == 0 and "wrote 1 row to" in err and "(6 skipped)" in err
    assert out.read_text().splitlines()[1].startswith("JPN,8703.23.01.90,2025-04-05,30000,,0.275,")
