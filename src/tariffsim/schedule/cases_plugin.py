"""pytest plugin: every legal case of ``jurisdictions/us/cases/*.yaml`` is one test item.

Registered from ``tests/conftest.py`` (``pytest_plugins``). The cases are collected under the test
module ``tests/golden/test_schedule_cases.py`` (so ``pytest tests/golden/test_schedule_cases.py``
runs them all, and ``-k`` selects by file or case name); item ids are ``<file>::<case name>``.

A case is an entry — its claim (default none), declared shares, loading day, the day the law is
known on — or, with ``basis: flows``, a trade flow rated with the data's shares. It passes when
the schedule's total rate equals ``expect.total_rate`` within 1e-6, the set of measures with a
non-zero part, and each part, equal ``expect.measures`` within 1e-6, and the vectorised compiler
gives the same total for the entry. ``source`` is
required by the schema; a malformed case file fails collection with ``file:line: field: problem``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).resolve().parents[1] / "jurisdictions" / "us" / "cases"
HOST_MODULE = "test_schedule_cases.py"
TOL = 1e-6


def case_files(root: Path | None = None) -> list[Path]:
    d = root if root is not None else CASES_DIR
    return sorted(d.glob("*.yaml"))


def compare(case: Any, got: Any) -> list[str]:
    """Differences between a case's expectation and an :class:`EntryRate` (empty = pass)."""
    problems: list[str] = []
    if abs(got.total_rate - case.expect.total_rate) > TOL:
        problems.append(
            f"total_rate: expected {case.expect.total_rate:.6g}, got {got.total_rate:.6g}"
        )
    nonzero = {p.id: p.rate for p in got.parts if abs(p.rate) > TOL}
    want = {k: v for k, v in case.expect.measures.items()}
    for mid in sorted(set(want) | set(nonzero)):
        if mid not in nonzero:
            problems.append(f"{mid}: expected {want[mid]:.6g}, got 0 / not applied")
        elif mid not in want:
            problems.append(f"{mid}: not expected, got {nonzero[mid]:.6g}")
        elif abs(nonzero[mid] - want[mid]) > TOL:
            problems.append(f"{mid}: expected {want[mid]:.6g}, got {nonzero[mid]:.6g}")
    return problems


class CaseFailure(Exception):
    pass


_SCHEDULE: dict[str, Any] = {}


def _schedule() -> Any:
    if "s" not in _SCHEDULE:
        from tariffsim.schedule import load_schedule

        _SCHEDULE["s"] = load_schedule()
    return _SCHEDULE["s"]


class LegalCaseItem(pytest.Item):
    def __init__(self, *, case: Any, file_name: str, line: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.case = case
        self.file_name = file_name
        self.line = line

    def runtest(self) -> None:
        c = self.case
        s = _schedule()
        if c.as_known_on is not None:
            s = s.as_known_on(c.as_known_on)
        got = s.rate(
            c.origin,
            c.hs,
            c.date,
            claim=c.claim,
            shares=c.shares,
            basis=c.basis,
            loaded_on=c.loaded_on,
            alternatives=False,
        )
        problems = compare(c, got)
        # the vectorised compiler must agree with the entry-by-entry engine on the same entry
        if len(got.hs) == 10 and got.members is None:
            arr = s.compile(
                [got.hs],
                [got.origin],
                c.date,
                shares={k: [v] for k, v in (c.shares or {}).items()} or None,
                claims=[c.claim],
                basis=c.basis,
                loaded_on=[c.loaded_on] if c.loaded_on else None,
            ).total[0, 0]
            if abs(float(arr) - got.total_rate) > TOL:
                problems.append(
                    f"compiled total {float(arr):.6g} differs from the entry's {got.total_rate:.6g}"
                )
        if problems:
            parts = ", ".join(f"{p.id}={p.rate:.6g}" for p in got.parts)
            raise CaseFailure(
                f"{self.file_name}:{self.line}: {c.name}\n  entry: {c.origin} {c.hs} on {c.date}\n  "
                + "\n  ".join(problems)
                + f"\n  parts: {parts}\n  source: {c.source}"
            )

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, self.line - 1, f"{self.file_name}::{self.case.name}"


class LegalCases(pytest.File):
    """All case files, collected as items of the host test module."""

    def collect(self) -> Any:
        from tariffsim.core.yamlio import line_of
        from tariffsim.schedule.loader import read_cases

        for path in case_files():
            name = f"cases/{path.name}"
            cf, data = read_cases(path, name=name)
            for i, case in enumerate(cf.cases):
                yield LegalCaseItem.from_parent(
                    self,
                    name=f"{path.name}::{case.name}",
                    case=case,
                    file_name=name,
                    line=line_of(data, ("cases", i)),
                )


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    if file_path.name == HOST_MODULE:
        return LegalCases.from_parent(parent, path=file_path)
    return None
