"""HS product matching: prefixes and dated product lists, vectorised over distinct HS10 codes.

An HS10 code ``h`` (as the integer ``8703230190``) matches an ``L``-digit prefix ``p`` when
``h // 10**(10 - L) == p``; for each prefix length present, one ``numpy.isin`` of the truncated codes
against the prefixes gives the mask. A list item covers ``h`` over its membership ``[start, end)``;
items are grouped by their (start, end) pair so that the mask on any day is an OR of a few
precomputed masks. The scalar twin (one code, one day) is :meth:`ListRule.member_on`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tariffsim.schedule.rules import ListRule, ProductSet, Rules, prefixes_by_length


class ProductMasks:
    """Masks over the distinct HS10 codes ``H`` for prefixes and lists, with dated list items."""

    def __init__(self, Hint: np.ndarray, rules: Rules) -> None:
        self.Hint = Hint
        self.rules = rules
        self._trunc: dict[int, np.ndarray] = {}
        self._lists: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._memo: dict[Any, np.ndarray] = {}

    def trunc(self, length: int) -> np.ndarray:
        if length not in self._trunc:
            self._trunc[length] = self.Hint // (10 ** (10 - length))
        return self._trunc[length]

    def prefix_mask(self, by_length: dict[int, np.ndarray]) -> np.ndarray:
        """Mask of the codes matching any prefix (given as {length: int prefixes})."""
        mask = np.zeros(len(self.Hint), dtype=bool)
        for n, vals in by_length.items():
            mask |= np.isin(self.trunc(n), vals)
        return mask

    def list_pairs(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts (P,), ends (P,), masks (P, nH)) of a list, one per distinct (start, end)."""
        if name not in self._lists:
            lr: ListRule = self.rules.lists[name]
            starts, ends, per = lr.groups()
            masks = np.zeros((len(starts), len(self.Hint)), dtype=bool)
            for p, by_length in enumerate(per):
                masks[p] = self.prefix_mask(by_length)
            if lr.except_prefixes:  # exceptions beat items (ListRule.member_on does the same)
                masks &= ~self.prefix_mask(prefixes_by_length(list(lr.except_prefixes)))
            self._lists[name] = (starts, ends, masks)
        return self._lists[name]

    def state(self, ps: ProductSet, day: int) -> tuple[Any, ...]:
        """A hashable key of what ``ps`` covers on ``day`` (which dated items are active)."""
        key: list[Any] = []
        for name in ps.lists:
            s, e, _ = self.list_pairs(name)
            key.append(tuple(np.flatnonzero((s <= day) & (day < e)).tolist()))
        return tuple(key)

    def mask(self, ps: ProductSet, state: tuple[Any, ...]) -> np.ndarray:
        memo_key = (id(ps), state)
        if memo_key in self._memo:
            return self._memo[memo_key]
        if ps.all_products:
            m = np.ones(len(self.Hint), dtype=bool)
        else:
            m = self.prefix_mask(ps.prefix_ints())
            for name, active in zip(ps.lists, state, strict=True):
                _, _, masks = self.list_pairs(name)
                if active:
                    m |= masks[list(active)].any(axis=0)
        self._memo[memo_key] = m
        return m
