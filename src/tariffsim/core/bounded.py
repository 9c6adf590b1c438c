"""A small in-memory cache that keeps at most ``size`` entries, dropping the least recently used.

The models keep a few large per-process objects (the compiled law of a day, a date's PE state, the
shared baseline); each kind has its own bound, set by how many a run walks through at once (a
backtest steps through dates, a server answers a few partners). One class holds that rule so every
such cache evicts the same way: a hit moves the entry to the newest end, an insertion beyond the
bound drops the oldest.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """Least-recently-used mapping with at most ``size`` entries (``size`` ≥ 1)."""

    __slots__ = ("_d", "size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._d: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The entry of ``key`` (now the most recent), or ``None``."""
        got = self._d.get(key)
        if got is not None:
            # Another thread may have dropped the key since the read: the value is still good.
            with contextlib.suppress(KeyError):
                self._d.move_to_end(key)
        return got

    def put(self, key: K, value: V) -> V:
        """Store ``value`` as the most recent entry, drop the oldest beyond ``size``; return it."""
        self._d[key] = value
        with contextlib.suppress(KeyError):
            self._d.move_to_end(key)
        while len(self._d) > self.size:
            try:
                self._d.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break
        return value

    def clear(self) -> None:
        self._d.clear()

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, key: object) -> bool:
        return key in self._d
