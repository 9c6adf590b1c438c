"""`tariffsim rate --share NAME=VALUE`: declared shares from the command line."""

from __future__ import annotations

import json

import pytest

from tariffsim.cli.main import main


def _rate(capsys, *extra: str) -> dict:
    code = main(["rate", "TWN", "8471500150", "--on", "2026-01-20", "--json", *extra])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_declared_semiconductor_share(capsys):
    # Section 232 semiconductors (25% from 15 Jan 2026, HTS 9903.79.01) apply only to chips above
    # U.S. note 39's thresholds, which the importer declares; computers are exempt from the
    # reciprocal duty (11 Apr 2025 memorandum) and HTS 8471.50.01 is duty-free (column 1).
    assert _rate(capsys)["total_rate"] == 0.0
    assert _rate(capsys, "--share", "advanced_semiconductor=1")["total_rate"] == pytest.approx(0.25)
    assert _rate(capsys, "--share", "advanced_semiconductor=0.5")["total_rate"] == pytest.approx(
        0.125
    )


@pytest.mark.parametrize(
    ("arg", "text"),
    [
        ("foo=1", "is not a share an entry can declare"),
        ("advanced_semiconductor=2", "is not between 0 and 1"),
        ("advanced_semiconductor", "NAME=VALUE"),
    ],
)
def test_bad_share_is_exit_2(capsys, arg, text):
    code = main(["rate", "TWN", "8471500150", "--on", "2026-01-20", "--share", arg])
    assert code == 2
    assert text in capsys.readouterr().err
