"""Host of the legal cases (collected by ``tariffsim.schedule.cases_plugin``: one item per case,
id ``<file>::<case name>``), plus checks of the case files themselves."""

from __future__ import annotations

from tariffsim.schedule.cases_plugin import case_files
from tariffsim.schedule.loader import read_cases


def test_case_names_are_unique_and_sourced() -> None:
    # The format (docs/measure-format.md) requires a source for every case; names identify items.
    for path in case_files():
        cf, _ = read_cases(path)
        names = [c.name for c in cf.cases]
        assert len(names) == len(set(names)), f"{path.name}: duplicate case names"
        assert all(c.source.strip() for c in cf.cases)
