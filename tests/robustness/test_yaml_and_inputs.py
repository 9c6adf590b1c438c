"""Hostile YAML and hostile single values, through the CLI, the web API and Python.

YAML: the review's 10^8 and 10^10 alias bombs (477 and 585 bytes here), 20,000-deep nesting, an
endless file (/dev/zero), a 2 MB file, binary, ``!!python`` tags — refused with exit code 2 / HTTP 422
and a one-line message naming file:line, quickly and in bounded memory (the 10^10 bomb is also run in
a child process limited to 2 GB of address space). Values: HS codes in full-width and Arabic-Indic
digits rate exactly as ASCII (27.5% for a Japanese car on 2025-04-05: MFN 2.5% + Section 232 25%), NaN refused, huge
arguments never echoed, rich markup in user text shown as typed.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import CAR, DAY, alias_bomb, deep_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.cli.main import main
from tariffsim.core.errors import InputError

MAX_STDERR = 2_000


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


HOSTILE_YAML = {
    "bomb_1e8": (alias_bomb(8).encode(), "expands to more than 500,000 nodes"),
    "bomb_1e10": (alias_bomb(10).encode(), "expands to more than 500,000 nodes"),
    "deep_20000": (deep_yaml().encode(), "nested more than 64 levels deep"),
    "big_2mb": (b"title: x\n# " + b"y" * (2 << 20) + b"\n", "larger than 1,048,576 bytes"),
    "binary": (bytes(range(256)), "not UTF-8 text"),
    "python_tag": (b"title: !!python/object/apply:os.system ['true']\n", "malformed YAML"),
    "recursive": (b"title: x\nchange: &a [1, *a]\n", "recursive alias"),
}


@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_cli_refuses_hostile_reform(capsys, tmp_path: Path, name: str) -> None:
    data, says = HOSTILE_YAML[name]
    f = tmp_path / f"{name}.yaml"
    f.write_bytes(data)
    t0 = time.perf_counter()
    code, out, err = run(capsys, "rate", "JPN", CAR, "--on", DAY, "--reform", str(f))
    assert code == 2 and out == "" and "Traceback" not in err
    assert says in err.splitlines()[0] and len(err) < MAX_STDERR
    assert time.perf_counter() - t0 < 30


def test_dev_zero_refused(capsys) -> None:
    code, _, err = run(capsys, "rate", "JPN", CAR, "--on", DAY, "--reform", "/dev/zero")
    assert code == 2 and "/dev/zero: larger than 1,048,576 bytes" in err


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bomb_1e10", "deep_20000"])
def test_bomb_in_a_child_with_2gb_of_memory(tmp_path: Path, name: str) -> None:
    """The whole CLI, in a fresh process that may not use more than 2 GB: refused, exit 2."""
    f = tmp_path / "r.yaml"
    f.write_bytes(HOSTILE_YAML[name][0])

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "tariffsim.cli.main",
            "rate",
            "JPN",
            CAR,
            "--on",
            DAY,
            "--reform",
            str(f),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        check=False,
    )
    assert p.returncode == 2, p.stderr[-1000:]
    assert HOSTILE_YAML[name][1] in p.stderr and len(p.stderr) < MAX_STDERR


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from tariffsim.web.app import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bomb_1e8", "bomb_1e10", "deep_20000", "recursive", "python_tag"])
def test_web_scenario_422(client, name: str) -> None:
    text = HOSTILE_YAML[name][0].decode()
    t0 = time.perf_counter()
    r = client.post("/api/scenario", json={"reform_yaml": text, "date": "2025-09-05"})
    assert r.status_code == 422 and len(r.content) < MAX_STDERR
    assert HOSTILE_YAML[name][1] in r.json()["detail"]
    assert time.perf_counter() - t0 < 30
    assert client.get("/api/health").status_code == 200  # the server is still there


@pytest.mark.slow
@pytest.mark.parametrize(
    "hs", ["８７０３２３０１９０", "٨٧٠٣٢٣٠١٩٠", "８７０３．２３．０１．９０", "8703.23.01.90"]
)
def test_web_rate_reads_any_digits(client, hs: str) -> None:
    r = client.get("/api/rate", params={"origin": "JPN", "hs": hs, "date": DAY})
    assert r.status_code == 200 and r.json()["total_rate"] == pytest.approx(0.275)
    assert r.json()["hs"] == CAR


@pytest.mark.parametrize(
    "hs", ["８７０３２３０１９０", "٨٧٠٣٢٣٠١٩٠", "۸۷۰۳۲۳۰۱۹۰", "8703 23 01 90"]
)
def test_cli_rate_reads_any_digits(capsys, hs: str) -> None:
    import json

    code, out, _ = run(capsys, "rate", "ＪＰＮ", hs, "--on", "２０２５-04-05", "--json")
    assert code == 0 and json.loads(out)["total_rate"] == pytest.approx(0.275)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["rate", "JPN", "8" * 1_000_000, "--on", DAY], "1,000,000 characters"),
        (["rate", "x" * 5000, CAR, "--on", DAY], "unknown country"),
        (["rate", "JPN", CAR, "--on", "9" * 100_000], "100,000 characters"),
        (["rate", "JPN", CAR, "--on", DAY, "--share", "advanced_semiconductor=nan"], "--share"),
        (["search", "x" * 100_000], "longer than 200 characters"),
    ],
)
def test_huge_or_non_finite_arguments(capsys, argv: list[str], says: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and says in err and len(err) < MAX_STDERR


@pytest.mark.parametrize("text", [":x:", "[bold red]boom[/]", "[link=http://x]y[/link]"])
def test_markup_shown_as_typed(capsys, text: str) -> None:
    code, _, err = run(capsys, "rate", text, CAR, "--on", DAY)
    assert code == 2 and repr(text) in err and "❌" not in err


def test_duties_of_etc_passwd_shows_text_not_emoji(capsys) -> None:
    code, _, err = run(capsys, "duties", "/etc/passwd")
    assert code == 2 and "❌" not in err and len(err) < MAX_STDERR


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalize_hs_is_ascii_or_refused(text: str) -> None:
    from tariffsim.core.inputs import normalize_hs

    try:
        code = normalize_hs(text)
    except InputError as exc:
        assert len(str(exc)) < 300
        return
    assert code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 8, 10)


_DIGIT_FORMS = [
    str.maketrans("0123456789", z) for z in ("０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९")
]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[0-9]{4}(\.[0-9]{2}){0,3}", fullmatch=True), st.sampled_from(_DIGIT_FORMS))
def test_any_digit_script_reads_the_same(code: str, form: dict[int, str]) -> None:
    from tariffsim.core.inputs import normalize_hs

    assert normalize_hs(code.translate(form)) == normalize_hs(code)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True)))
def test_numbers_finite_or_refused(raw: object) -> None:
    import math

    from tariffsim.core.inputs import parse_number

    try:
        x = parse_number(raw, field="v")
    except InputError:
        return
    assert math.isfinite(x)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_dates_one_rule(text: str) -> None:
    import datetime as dt

    from tariffsim.core.inputs import parse_date

    try:
        d = parse_date(text)
    except InputError:
        return
    s = text.strip()
    assert isinstance(d, dt.date)
    assert len(s) in (8, 10)  # YYYYMMDD or YYYY-MM-DD (in some digit script)
