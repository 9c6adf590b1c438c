"""The repository stands on its own: no file in ``src/``, ``docs/`` or ``tests/`` points outside it.

A reader of a clone has neither the design notes the project started from nor its issue tracker, so
code, docs and tests must not send them there: no path to ``shared/specs/…`` or
``shared/ARCHITECTURE.md`` (the in-repo documents are ``docs/ge-model-spec.md`` and
``docs/architecture.md``), and no tracker number ("issue 2", "issues 2-6") — name the contract
meant instead (the JSON keys, the tolerance, the published figure). Paths to the reference data
(``../shared/data``) are fine: that is where the data live, and ``tariffsim.data.paths`` documents
how to point elsewhere.

:data:`ALLOWED` lists files still to be cleaned, with who owns them; it may only shrink (a listed
file that is clean fails the test, so remove it from the list).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("src", "docs", "tests")
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".html", ".js", ".css", ".cfg", ".ini"}
SKIP_PARTS = {"vendor", "__pycache__"}  # vendored third-party files are not ours to edit

OUTSIDE = re.compile(
    r"shared/specs|shared/ARCHITECTURE\.md"  # design notes outside the repository
    r"|\bissues? #?\d+\b",  # tracker numbers
    re.IGNORECASE,
)

#: Files that still point outside, and who cleans each (the list may only shrink).
ALLOWED: dict[str, str] = {
    "src/tariffsim/cli/duties_cmds.py": "harden",
    "tests/unit/test_user_tables.py": "harden",
}


def scanned_files() -> list[Path]:
    out = []
    for top in SCANNED:
        for p in sorted((ROOT / top).rglob("*")):
            if p.is_file() and p.suffix in SUFFIXES and not SKIP_PARTS & set(p.parts):
                out.append(p)
    return out


def offending_lines(path: Path) -> list[str]:
    if path.resolve() == Path(__file__).resolve():
        return []  # this file names the patterns it looks for
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    rel = path.relative_to(ROOT).as_posix()
    return [
        f"{rel}:{n}: {line.strip()[:120]}"
        for n, line in enumerate(lines, 1)
        if OUTSIDE.search(line)
    ]


def test_the_scan_sees_the_files() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    assert "src/tariffsim/models/ge.py" in names and "docs/architecture.md" in names
    assert "tests/conftest.py" in names


def test_nothing_points_outside_the_repository() -> None:
    bad = [
        line
        for p in scanned_files()
        if p.relative_to(ROOT).as_posix() not in ALLOWED
        for line in offending_lines(p)
    ]
    assert not bad, (
        "references outside the repository (use docs/architecture.md, docs/ge-model-spec.md, or "
        "name the contract instead of a tracker number):\n" + "\n".join(bad)
    )


@pytest.mark.parametrize("path", sorted(ALLOWED))
def test_allowed_files_still_need_it(path: str) -> None:
    p = ROOT / path
    assert p.exists() and offending_lines(p), (
        f"{path} no longer points outside the repository: remove it from ALLOWED"
    )
