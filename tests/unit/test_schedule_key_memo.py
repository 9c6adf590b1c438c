"""The schedule cache key found from the files' sizes and times (``schedule/cache.py``).

The key must stay the hash of the files' *contents*: the memo only spares reading them when
nothing moved. Expected values are computed here by hashing the contents directly, the definition
the module documents.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tariffsim.schedule import cache


def _content_hash(root: Path) -> str:
    # the definition: version, root, then each library file (name, bytes), then the engine code
    pkg = Path(cache.__file__).resolve().parents[1]
    h = hashlib.sha256(cache._VERSION.encode())
    h.update(str(root.resolve()).encode())
    for p in cache.library_files(root):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    for p in cache._engine_code(pkg):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tariffsim.schedule import testing

    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path / "cache"))
    return testing.write_library(tmp_path / "lib")


def test_key_is_the_content_hash_cold_and_warm(library: Path, tmp_path: Path) -> None:
    want = _content_hash(library)
    assert cache.library_hash(library) == want  # cold: hashed, memo written
    memos = list((tmp_path / "cache" / "schedule-keys").iterdir())
    assert len(memos) == 1 and memos[0].read_text() == want
    assert cache.library_hash(library) == want  # warm: from the memo


def test_a_changed_file_is_hashed_again_even_with_the_same_size(library: Path) -> None:
    cache.library_hash(library)
    f = library / "measures" / "s232_steel.yaml"
    text = f.read_text()
    st = f.stat()
    # same length, other bytes, a later time: a new state, so the contents are read again
    f.write_text(text.replace("reference", "REFERENCE", 1))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert f.stat().st_size == st.st_size
    assert cache.library_hash(library) == _content_hash(library)
    assert cache.library_hash(library) != _content_hash_of_text(library, f, text)


def _content_hash_of_text(root: Path, f: Path, text: str) -> str:
    now = f.read_text()
    f.write_text(text)
    try:
        return _content_hash(root)
    finally:
        f.write_text(now)


def test_a_touched_file_with_the_same_bytes_keeps_the_key(library: Path) -> None:
    k = cache.library_hash(library)
    f = library / "measures" / "s232_steel.yaml"
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))
    assert cache.library_hash(library) == k


def test_a_broken_memo_is_ignored(library: Path, tmp_path: Path) -> None:
    k = cache.library_hash(library)
    for m in (tmp_path / "cache" / "schedule-keys").iterdir():
        m.write_text("not a key")
    assert cache.library_hash(library) == k
