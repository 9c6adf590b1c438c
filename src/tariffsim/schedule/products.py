"""HS product matching: prefixes and dated product lists, vectorised over distinct HS10 codes.

An HS10 code ``h`` (as the integer ``8703230190``) matches an ``L``-digit prefix ``p`` when
``h // 10**(10 - L) == p``; for each prefix length present, one sorted search of the prefixes in the
(sorted) truncated codes gives the ranges of codes they match. A list item covers ``h`` over its membership ``[start, end)``;
items are grouped by their (start, end) pair so that the mask on any day is an OR of a few
precomputed masks, less the OR of the exceptions in force that day (grouped the same way). The
scalar twin (one code, one day) is :meth:`ListRule.member_on`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tariffsim.schedule.rules import ListRule, ProductSet, Rules

_Groups = tuple[np.ndarray, np.ndarray, np.ndarray]  # starts (P,), ends (P,), masks (P, nH)


class ProductMasks:
    """Masks over the distinct HS10 codes ``H`` for prefixes and lists, with dated list items."""

    def __init__(self, codes: np.ndarray, rules: Rules) -> None:
        """``codes``: the distinct int64 HS10 codes, sorted ascending."""
        self.codes = codes
        self.rules = rules
        self._trunc: dict[int, np.ndarray] = {}
        self._lists: dict[str, tuple[_Groups, _Groups]] = {}
        self._memo: dict[Any, np.ndarray] = {}
        self._states: dict[tuple[str, int], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._days = np.zeros(0, dtype=np.int64)
        self._dayset: frozenset[int] = frozenset()

    def trunc(self, length: int) -> np.ndarray:
        if length not in self._trunc:
            self._trunc[length] = self.codes // (10 ** (10 - length))
        return self._trunc[length]

    def prefix_mask(self, by_length: dict[int, np.ndarray]) -> np.ndarray:
        """Mask of the codes matching any prefix (given as {length: int prefixes}).

        The codes are sorted, so their truncations ``t`` are too and the codes of prefix ``p`` are
        the range ``[searchsorted(t, p, left), searchsorted(t, p, right))``: a count of range
        starts minus range ends, summed cumulatively, is positive exactly on the matched codes
        (``numpy.isin`` without its sort).
        """
        nh = len(self.codes)
        depth = np.zeros(nh + 1, dtype=np.int64)
        for n, vals in by_length.items():
            t = self.trunc(n)
            depth += np.bincount(np.searchsorted(t, vals, side="left"), minlength=nh + 1)
            depth -= np.bincount(np.searchsorted(t, vals, side="right"), minlength=nh + 1)
        mask: np.ndarray = np.cumsum(depth[:nh]) > 0
        return mask

    def _masks(
        self, grouped: tuple[np.ndarray, np.ndarray, list[dict[int, np.ndarray]]]
    ) -> _Groups:
        starts, ends, per = grouped
        masks = np.zeros((len(starts), len(self.codes)), dtype=bool)
        for p, by_length in enumerate(per):
            masks[p] = self.prefix_mask(by_length)
        return starts, ends, masks

    def list_groups(self, name: str) -> tuple[_Groups, _Groups]:
        """(items, exceptions) of a list, each (starts, ends, masks) per distinct ``[start, end)``."""
        if name not in self._lists:
            lr: ListRule = self.rules.lists[name]
            self._lists[name] = (self._masks(lr.groups()), self._masks(lr.except_groups()))
        return self._lists[name]

    def prime(self, days: list[int]) -> None:
        """The days whose list states :meth:`list_state` computes together: on the first call for
        a list, one comparison of its groups' ``[start, end)`` with all of them."""
        self._days = np.asarray(sorted(set(days)), dtype=np.int64)
        self._dayset = frozenset(self._days.tolist())

    def list_state(self, name: str, day: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Which item groups and exception groups of a list are in force on ``day``: group ``p``
        is in force when ``start_p <= day < end_p``. Computed for every primed day at once (a
        (groups × days) comparison; a state's tuples are built once per run of days it holds)."""
        got = self._states.get((name, day))
        if got is None:
            lr: ListRule = self.rules.lists[name]
            s, e, _ = lr.groups()
            xs, xe, _ = lr.except_groups() if len(lr.except_prefixes) else (s[:0], e[:0], [])
            days = self._days if day in self._dayset else np.array([day], dtype=np.int64)
            live = np.concatenate(
                [
                    (s[:, None] <= days) & (days < e[:, None]),
                    (xs[:, None] <= days) & (days < xe[:, None]),
                ]
            )
            ng = len(s)
            new = np.ones(len(days), dtype=bool)  # a day whose state differs from the day before
            new[1:] = (live[:, 1:] != live[:, :-1]).any(axis=0)
            cur: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())
            for t, d in enumerate(days.tolist()):
                if new[t]:
                    on = np.flatnonzero(live[:, t])
                    cur = (tuple(on[on < ng].tolist()), tuple((on[on >= ng] - ng).tolist()))
                self._states[(name, d)] = cur
            got = self._states[(name, day)]
        return got

    def list_mask(self, name: str, state: tuple[tuple[int, ...], tuple[int, ...]]) -> np.ndarray:
        """Codes in list ``name`` in the given state (items in force less exceptions in force)."""
        key = (name, state)
        if key not in self._memo:
            (_, _, masks), (_, _, xmasks) = self.list_groups(name)
            active, xactive = state
            m = np.zeros(len(self.codes), dtype=bool)
            if active:
                m |= masks[list(active)].any(axis=0)
            if xactive:
                m &= ~xmasks[list(xactive)].any(axis=0)
            self._memo[key] = m
        return self._memo[key]

    def state(self, ps: ProductSet, day: int) -> tuple[Any, ...]:
        """A hashable key of what ``ps`` covers on ``day`` (which dated items are active), its
        plain lists then its claim-dependent lists."""
        return tuple(self.list_state(n, day) for n in (*ps.lists, *(c.name for c in ps.claims)))

    def mask(self, ps: ProductSet, state: tuple[Any, ...]) -> np.ndarray:
        """Codes covered by ``ps`` (its claim-dependent lists aside) in the given state."""
        memo_key = (id(ps), state[: len(ps.lists)])
        if memo_key in self._memo:
            return self._memo[memo_key]
        if ps.all_products:
            m = np.ones(len(self.codes), dtype=bool)
        else:
            m = self.prefix_mask(ps.prefix_ints())
            for name, st in zip(ps.lists, state, strict=False):
                m = m | self.list_mask(name, st)
        self._memo[memo_key] = m
        return m

    def claim_masks(self, ps: ProductSet, state: tuple[Any, ...]) -> list[np.ndarray]:
        """For each claim-dependent list of ``ps`` (``ps.claims``), the codes in it."""
        return [
            self.list_mask(c.name, st)
            for c, st in zip(ps.claims, state[len(ps.lists) :], strict=True)
        ]
