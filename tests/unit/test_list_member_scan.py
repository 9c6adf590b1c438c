"""``ListRule.member_on``: the first lookups scan the items, later ones use a prefix index; both
must give the same answer.

Expected values: the index path (the implementation every earlier release used) on the library's
real lists, compared with the scan on every list, for codes that are the lists' own prefixes
padded to ten digits, their neighbours and codes outside every list, on each day a membership or
an exception starts or ends and the day before.
"""

from __future__ import annotations

import copy

import numpy as np

from tariffsim.schedule import load_schedule
from tariffsim.schedule.rules.lists import SCAN_LOOKUPS, ListRule


def _answers(rule: ListRule, codes: list[str], days: list[int], *, scan: bool) -> list[bool]:
    out = []
    for c in codes:
        for d in days:
            r = copy.copy(rule)
            if scan:
                r.index, r.lookups = None, 0  # a fresh list: the scan answers
            else:
                r.lookups = SCAN_LOOKUPS  # asked often: the index answers
            out.append(r.member_on(c, d))
    return out


def test_scan_and_index_agree_on_the_real_lists() -> None:
    rules = load_schedule()._rules
    rng = np.random.default_rng(0)
    checked = hits = 0
    for rule in rules.lists.values():
        prefixes = rule.prefixes.tolist()
        pick = [
            prefixes[i] for i in rng.choice(len(prefixes), min(25, len(prefixes)), replace=False)
        ]
        codes = [p.ljust(10, "0") for p in pick] + [p.ljust(10, "9") for p in pick]
        codes += [str(int(p.ljust(10, "0")) - 1).zfill(10) for p in pick]
        codes += [p.ljust(10, "0") for p in rule.except_prefixes[:10]]
        codes += ["0101210000", "9999999999"]
        edges = {int(x) for x in rule.change_days()}
        days = sorted({d for e in edges for d in (e - 1, e)} | {0})[:40]
        scan = _answers(rule, codes, days, scan=True)
        index = _answers(rule, codes, days, scan=False)
        assert scan == index, rule.name
        checked += len(scan)
        hits += sum(scan)
    assert checked > 5_000 and 0 < hits < checked  # both answers occur


def test_a_list_asked_often_gets_its_index() -> None:
    rule = copy.copy(next(iter(load_schedule()._rules.lists.values())))
    rule.index, rule.lookups = None, 0
    code = rule.prefixes[0].ljust(10, "0")
    for _ in range(SCAN_LOOKUPS):
        rule.member_on(code, 20_000)
    assert rule.index is None
    rule.member_on(code, 20_000)
    assert rule.index is not None
