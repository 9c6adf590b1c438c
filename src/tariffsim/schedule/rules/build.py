"""The resolved form of a library (:class:`Rules`) and its builder :func:`build_rules`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tariffsim.schedule.rules.base import DAY_MAX, DAY_MIN
from tariffsim.schedule.rules.editions import Edition, edition_rule
from tariffsim.schedule.rules.lists import ListRule, list_rule
from tariffsim.schedule.rules.measures import MeasureRule, measure_rule
from tariffsim.schedule.rules.shares import Shares, shares_rule


@dataclass
class Rules:
    """The resolved library: measures in evaluation order, the lists they use, the HTS editions
    and the data's shares. ``coverage`` is half-open: ``(first day, first day not covered)``."""

    measures: list[MeasureRule]
    lists: dict[str, ListRule]
    editions: dict[str, Edition]
    shares: Shares
    coverage: tuple[dt.date, dt.date]
    ids: dict[str, int]
    _change_days: list[int] | None = None
    known_on: int | None = None  # set on rules restricted to what was published by a day
    _articles: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None

    def metal_articles(self, share: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(HS prefixes, list names) of the goods that are *articles of the metal* of a content
        share (``steel_content`` …): the products of every measure charged on that share, on any
        date. An entry of such an article that declares no content is taken as wholly of the metal."""
        if self._articles is None:
            out: dict[str, tuple[set[str], set[str]]] = {}
            for m in self.measures:
                names = set(m.shares) | {
                    r.share
                    for v in m.values
                    for r in (v.default, *v.by_origin.values())
                    if r is not None and r.share
                }
                for n in names:
                    pre, lists = out.setdefault(n, (set(), set()))
                    pre.update(m.products.prefixes)
                    lists.update(m.products.lists)
            self._articles = {
                n: (tuple(sorted(p)), tuple(sorted(ls))) for n, (p, ls) in out.items()
            }
        return self._articles.get(share, ((), ()))

    def is_metal_article(self, share: str, hs10: str) -> bool:
        """Is ``hs10`` an article of the metal of ``share`` (see :meth:`metal_articles`)?"""
        prefixes, lists = self.metal_articles(share)
        if any(hs10.startswith(p) for p in prefixes):
            return True
        return any(any(hs10.startswith(p) for p in self.lists[n].prefixes.tolist()) for n in lists)

    @property
    def authorities(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.measures:
            seen.setdefault(m.authority, None)
        return list(seen)

    def change_days(self) -> list[int]:
        """Every day on which something may change (value starts, suspension bounds, list dates)."""
        if self._change_days is None:
            self._change_days = self._collect_change_days()
        return self._change_days

    def _collect_change_days(self) -> list[int]:
        days: set[int] = set()
        for m in self.measures:
            days.update(int(x) for x in m.starts)
            for s in m.suspensions:
                days.add(s.start)
                if s.end != DAY_MAX:
                    days.add(s.end)
            for name in _list_names(m):
                days |= self.lists[name].change_days()
        return sorted(days)

    def publication_days(self) -> list[int]:
        """Every day on which something was published (values, suspensions, list items and
        exceptions): the law as known on a day changes only on these days."""
        days: set[int] = set()
        for m in self.measures:
            days.update(v.published for v in m.values)
            days.update(s.published for s in m.suspensions)
        for lr in self.lists.values():
            for arr in (lr.published, lr.end_published, lr.except_published):
                if arr is not None:
                    days.update(int(x) for x in np.unique(arr) if DAY_MIN < x < DAY_MAX)
        return sorted(days)

    def as_known_on(self, cutoff: int) -> Rules:
        """The rules as known on day ``cutoff``: values, suspensions, list items and exceptions
        published after it are left out (a value left out lets the previous one hold on; an item's
        end published later is not yet known, so the item continues). Editions and data shares are
        shared with these rules."""
        measures = []
        for m in self.measures:
            keep = [v for v in m.values if v.published <= cutoff]
            measures.append(
                replace(
                    m,
                    values=keep,
                    suspensions=[x for x in m.suspensions if x.published <= cutoff],
                    starts=np.array([v.start for v in keep], dtype=np.int64),
                )
            )
        return Rules(
            measures=measures,
            lists={n: lr.known_on(cutoff) for n, lr in self.lists.items()},
            editions=self.editions,
            shares=self.shares,
            coverage=self.coverage,
            ids=self.ids,
            known_on=cutoff,
        )


def _list_names(m: MeasureRule) -> tuple[str, ...]:
    return (
        *m.products.lists,
        *m.exclude_products.lists,
        *(c.name for c in m.exclude_products.claims),
    )


def build_rules(spec: Any, source: Any, *, reuse: Rules | None = None) -> Rules:
    """Resolve a validated library against the data (see module docstring).

    ``reuse``: rules of the same library whose lists, editions and shares can be shared (reforms
    change measures, never lists or data).
    """
    resolved = spec.resolved()
    ids = {r.measure.id: i for i, r in enumerate(resolved)}
    measures = [measure_rule(r, i, ids) for i, r in enumerate(resolved)]
    used_lists = {n for m in measures for n in _list_names(m)}
    old_lists = reuse.lists if reuse is not None else {}
    lists = {
        n: old_lists[n]
        if n in old_lists
        else list_rule(n, spec.lists[n], source, spec.files.get("list:" + n, "lists.yaml"))
        for n in sorted(used_lists)
    }
    from tariffsim.schedule.claims import PROGRAMS

    every_code = {c for p in PROGRAMS for c in p.codes}  # any entry may claim any program
    editions: dict[str, Edition] = {}
    programs: dict[str, set[str]] = {}
    for m in measures:
        for v in m.values:
            if v.edition:
                programs.setdefault(v.edition, set(every_code)).update(
                    c for codes, _ in v.programs.values() for c in codes
                )
    for ed, progs in programs.items():
        old = reuse.editions.get(ed) if reuse is not None else None
        if old is not None and progs <= set(old.special):
            editions[ed] = old
        else:
            editions[ed] = edition_rule(ed, source, progs)
    return Rules(
        measures=measures,
        lists=lists,
        editions=editions,
        shares=reuse.shares if reuse is not None else shares_rule(source),
        coverage=spec.coverage,
        ids=ids,
    )
