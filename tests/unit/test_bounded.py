"""``tariffsim.core.bounded.Bounded``: the least-recently-used rule every in-memory model cache uses.

Expected values are worked by hand from the rule: a hit makes an entry the newest, an insertion
beyond ``size`` drops the oldest.
"""

from __future__ import annotations

import pickle

import pytest

from tariffsim.core.bounded import Bounded


def test_drops_the_least_recently_used() -> None:
    c: Bounded[str, int] = Bounded(2)
    c.put("a", 1)
    c.put("b", 2)
    assert c.get("a") == 1  # "a" is now the newest, so "b" is the oldest
    c.put("c", 3)
    assert "b" not in c
    assert (c.get("a"), c.get("c"), len(c)) == (1, 3, 2)


def test_put_returns_the_value_and_replaces_an_entry() -> None:
    c: Bounded[str, list[int]] = Bounded(1)
    v = [1]
    assert c.put("k", v) is v
    c.put("k", [2])
    assert (c.get("k"), len(c)) == ([2], 1)
    assert c.get("missing") is None
    c.clear()
    assert len(c) == 0


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Bounded(0)


def test_pickles_with_its_entries() -> None:
    c: Bounded[int, str] = Bounded(3)
    for i in range(5):
        c.put(i, str(i))
    back = pickle.loads(pickle.dumps(c))
    assert (back.size, [back.get(i) for i in range(5)]) == (3, [None, None, "2", "3", "4"])


def test_threads_reading_and_evicting_raise_nothing() -> None:
    """The web server reads the models' caches from several threads; a key dropped by one thread
    between another's read and its move to the newest end must not raise."""
    import threading

    c: Bounded[int, int] = Bounded(2)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(20_000):
                k = (i + offset) % 5
                if c.get(k) is None:
                    c.put(k, k)
        except BaseException as e:  # the test collects any failure
            errors.append(e)

    threads = [threading.Thread(target=work, args=(j,)) for j in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(c) <= 2
