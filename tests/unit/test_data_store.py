"""The parquet/DuckDB cache: a second load reads the cached frame; a changed source rebuilds it."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from tariffsim.data import store


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path / "cache"))
    store.memo_clear()
    yield tmp_path / "cache"
    store.memo_clear()


def test_cache_hit_and_invalidation(cache: Path, tmp_path: Path) -> None:
    src = tmp_path / "src.csv"
    src.write_text("a\n1\n2\n")
    calls = []

    def build() -> pl.DataFrame:
        calls.append(1)
        return pl.read_csv(src)

    a = store.cached_frame("t", [src], build)
    assert a["a"].to_list() == [1, 2] and len(calls) == 1
    store.memo_clear()  # a new process: reads the parquet file, does not rebuild
    b = store.cached_frame("t", [src], build)
    assert b.equals(a) and len(calls) == 1
    assert len(list((cache / "frames").glob("t-*.parquet"))) == 1
    src.write_text("a\n1\n2\n3\n")  # size and mtime change -> new key
    os.utime(src, ns=(1, 1))
    c = store.cached_frame("t", [src], build)
    assert c["a"].to_list() == [1, 2, 3] and len(calls) == 2
    assert len(list((cache / "frames").glob("t-*.parquet"))) == 1  # the old key was removed
    info = store.info()
    assert info["frames"] == 1 and info["names"] == ["t"]
    assert store.clear() == 1 and store.info()["frames"] == 0


def test_corrupt_cache_file_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("a\n5\n")
    store.cached_frame("u", [src], lambda: pl.read_csv(src))
    f = next((cache / "frames").glob("u-*.parquet"))
    f.write_bytes(b"not parquet")
    store.memo_clear()
    assert store.cached_frame("u", [src], lambda: pl.read_csv(src))["a"].to_list() == [5]


def test_failed_build_leaves_nothing(cache: Path, tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("a\n5\n")

    def boom() -> pl.DataFrame:
        raise RuntimeError("parse failed")

    with pytest.raises(RuntimeError):
        store.cached_frame("v", [src], boom)
    assert list((cache / "frames").glob("v*")) == []
