"""The schedule cache: a pickle keyed by the library files, the engine code and the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.schedule import cache, load_schedule


def test_disk_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path))
    cache.clear_memory()
    first = load_schedule()
    files = list(tmp_path.glob("schedule-*.pkl"))
    assert len(files) == 1
    cache.clear_memory()
    second = load_schedule()  # from the pickle: no YAML parsing
    assert second._spec is None
    # the same answer either way (Japanese car on 2025-04-05: 27.5%: MFN 2.5% + Section 232 25%)
    a = first.rate("JPN", "8703230190", "2025-04-05")
    b = second.rate("JPN", "8703230190", "2025-04-05")
    assert a == b and a.total_rate == pytest.approx(0.275)
    # a changed library file gives a different key
    root = cache.US_ROOT
    assert cache.library_hash(root) == cache.library_hash(root)
    cache.clear_memory()


def test_library_hash_follows_file_contents(tmp_path: Path) -> None:
    from tariffsim.schedule import testing

    root = testing.write_library(tmp_path)
    h1 = cache.library_hash(root)
    (root / "measures" / "s232_steel.yaml").write_text(
        testing.MEASURES["s232_steel"] + "notes: changed\n"
    )
    assert cache.library_hash(root) != h1
