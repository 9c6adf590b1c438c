"""Cache of parsed data: parquet frames under :func:`~tariffsim.data.paths.cache_dir`.

Parsing an HTS edition (a 35,000-entry JSON file) and deriving its MFN table takes about a second;
the result is written once as a zstd parquet file ``frames/<name>-<key>.parquet`` and read back in
milliseconds. ``key`` is a sha256 over

* each source file's absolute path, size and modification time (``st_mtime_ns``), and
* the source code of the data-layer modules that build frames (so a parser change invalidates it).

Files are written to a temporary name and renamed (atomic on POSIX), so concurrent processes (pytest
workers, the CLI and the web server) never see half-written files and never block each other (one
file per frame, rather than tables in one database file that a single process at a time may write).

In-process, the frames are also memoised by (name, key).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl

CACHE_VERSION = "1"
_CODE_MODULES = ("hts/*.py", "census.py", "lists.py", "store.py")
_MEMO: dict[tuple[str, str], pl.DataFrame] = {}
_CODE_KEY: str | None = None


def frames_dir() -> Path:
    p = paths.cache_dir() / "frames"
    p.mkdir(parents=True, exist_ok=True)
    return p


def _code_key() -> str:
    global _CODE_KEY
    if _CODE_KEY is None:
        h = hashlib.sha256(CACHE_VERSION.encode())
        here = Path(__file__).resolve().parent
        for m in _CODE_MODULES:
            for p in sorted(here.glob(m)):
                h.update(p.read_bytes())
        _CODE_KEY = h.hexdigest()
    return _CODE_KEY


def source_key(deps: Iterable[Path]) -> str:
    """sha256 over the dependencies' path, size and mtime and the data-layer source code."""
    h = hashlib.sha256(_code_key().encode())
    for d in deps:
        st = Path(d).stat()
        h.update(f"{Path(d).resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def cached_frame(name: str, deps: list[Path], build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """The frame ``name`` built from ``deps``: from memory, else from the cache file, else built and cached.

    A cache folder that cannot be written is not an error: the frame is then built each time.
    """
    import polars as pl

    key = source_key(deps)
    memo = _MEMO.get((name, key))
    if memo is not None:
        return memo
    try:
        path = frames_dir() / f"{name}-{key}.parquet"
    except OSError:  # no writable cache folder: build every time
        df = build()
        _MEMO[(name, key)] = df
        return df
    if path.is_file():
        try:
            df = pl.read_parquet(path)
            _MEMO[(name, key)] = df
            return df
        except Exception:  # a corrupt cache file: rebuild it
            path.unlink(missing_ok=True)
    df = build()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".parquet.tmp", dir=path.parent)
        os.close(fd)
        df.write_parquet(tmp, compression="zstd")
        os.replace(tmp, path)
        for old in path.parent.glob(f"{name}-*.parquet"):  # older keys of the same frame
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    _MEMO[(name, key)] = df
    return df


def info() -> dict[str, object]:
    """Cache folder, number of cached frames and their total size in bytes."""
    files = list(frames_dir().glob("*.parquet"))
    return {
        "cache_dir": str(paths.cache_dir()),
        "frames": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "names": sorted(f.stem.rsplit("-", 1)[0] for f in files),
    }


def clear() -> int:
    """Delete every cached frame (and the in-process memo); returns the number of files removed."""
    _MEMO.clear()
    d = paths.cache_dir() / "frames"
    n = len(list(d.glob("*"))) if d.is_dir() else 0
    if d.is_dir():
        shutil.rmtree(d)
    return n


def memo_clear() -> None:
    """Forget the in-process memo (the cache files stay)."""
    _MEMO.clear()


def shared_or_bundle(
    relpath: str, *, bundle_name: str, cache_name: str, build: Callable[[Path], pl.DataFrame]
) -> pl.DataFrame:
    """A table read from the shared data file ``relpath`` (parsed by ``build`` and cached as
    ``cache_name``), else from the bundle file ``bundle_name``; DataNotFoundError naming both."""
    import polars as pl

    p = paths.shared_file(relpath)
    if p is not None:
        return cached_frame(cache_name, [p], lambda: build(p))
    b = paths.bundle_file(bundle_name)
    if b is None:
        raise paths.missing(relpath, bundle_name=bundle_name)
    return pl.read_parquet(b)
