"""The parquet cache: a second load reads the cached frame; a changed source rebuilds it; seeds."""

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


def test_seed_from_bundle_only_when_sources_and_code_match(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold cache reads a seeded bundle frame instead of building it — only while the content
    key (code, name, source bytes) is the recorded one; a changed source builds again."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    pl.DataFrame({"a": [7, 8]}).write_parquet(bundle / "seeded.parquet")
    src = tmp_path / "s.csv"
    src.write_text("a\n1\n2\n")
    monkeypatch.setattr(store.paths, "bundle_dir", lambda: bundle)
    monkeypatch.setattr(
        store, "_SEEDS", {"t": {"key": store.content_key("t", [src]), "file": "seeded.parquet"}}
    )
    calls: list[int] = []

    def build() -> pl.DataFrame:
        calls.append(1)
        return pl.read_csv(src)

    # the seed (deliberately different data here, to see which was used) is read, not built
    assert store.cached_frame("t", [src], build)["a"].to_list() == [7, 8] and calls == []
    store.clear()
    src.write_text("a\n1\n2\n3\n")  # new bytes: the recorded key no longer matches
    assert store.cached_frame("t", [src], build)["a"].to_list() == [1, 2, 3] and calls == [1]


def test_bundle_seeds_are_current(shared_data: Path) -> None:
    """bundle_seeds.json (scripts/build_bundle.py seeds) matches the reference data and code for the
    frames a cold `tariffsim etr` needs: the two HTS editions and the 2024 imports. If this fails,
    run `.venv/bin/python scripts/build_bundle.py seeds` (or rebuild the bundle)."""
    from tariffsim.data import census, hts

    store.memo_clear()
    census.imports_2024()
    for e in ("2025_basic", "2026_basic"):
        hts.mfn_table(e)
        hts.special_rates(e)
    seeds = store.seeds()
    stale = [
        n
        for n, deps in store._DEPS.items()
        if n in seeds and store.content_key(n, deps) != seeds[n]["key"]
    ]
    missing = [
        n for n in ("imports_2024", "mfn_c2_2025_basic", "mfn_c2_2026_basic") if n not in seeds
    ]
    assert not stale and not missing, (stale, missing)
