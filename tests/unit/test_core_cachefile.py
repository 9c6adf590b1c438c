"""``tariffsim.core.cachefile``: a cache entry is replaced whole or not at all, and a disk that
refuses it costs the caller nothing (the expected values are what was written, by construction)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tariffsim.core.cachefile import write_cache, write_pickle


def test_pickle_round_trip_and_replace(tmp_path: Path) -> None:
    p = tmp_path / "entry.pkl"
    assert write_pickle(p, {"a": 1})
    assert write_pickle(p, {"a": 2})  # an existing entry is replaced
    assert pickle.loads(p.read_bytes()) == {"a": 2}
    assert sorted(x.name for x in tmp_path.iterdir()) == ["entry.pkl"]  # no temporary file left


def test_a_failed_writer_leaves_the_old_entry(tmp_path: Path) -> None:
    p = tmp_path / "entry.bin"
    assert write_cache(p, lambda f: f.write(b"old"))

    def broken(f: object) -> None:
        raise OSError(28, "No space left on device")

    assert write_cache(p, broken) is False
    assert p.read_bytes() == b"old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["entry.bin"]


def test_other_errors_of_the_writer_propagate(tmp_path: Path) -> None:
    def bug(f: object) -> None:
        raise pickle.PicklingError("cannot pickle a lock")

    with pytest.raises(pickle.PicklingError):
        write_cache(tmp_path / "x.pkl", bug)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_skipped(tmp_path: Path) -> None:
    assert write_pickle(tmp_path / "no" / "such" / "x.pkl", 1) is False
