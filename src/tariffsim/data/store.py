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

**Seeds from the bundle.** A cold cache (a fresh clone) would parse every reference file again
(the two HTS editions alone take seconds). The package bundle already holds many of the same frames,
built by ``scripts/build_bundle.py`` from the same files by the same code. ``bundle_seeds.json``
(beside the bundle folder) records, for each such frame, its *content key* — sha256 over the data layer's code, the frame's
name and the bytes of each source file (:func:`content_key`) — as the build computed it. On a cache
miss, if the bundle seeds ``name`` and the content key of the current sources and code is the one
recorded, the bundle file is read instead of building (then cached as usual). Any change to a
source file or to the data layer's code changes the key, and the frame is built as before: a seed
can make a cold start faster, never give a different frame.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl

CACHE_VERSION = "1"
_CODE_MODULES = ("hts/*.py", "census.py", "lists.py", "store.py")
_MEMO: dict[tuple[str, str], pl.DataFrame] = {}
_CODE_KEY: str | None = None
SEEDS_FILE = Path(__file__).resolve().parent / "bundle_seeds.json"
_SEEDS: dict[str, dict[str, str]] | None = None
_DEPS: dict[str, list[Path]] = {}  # the sources of each frame built or read in this process
_NAMES: dict[int, str] = {}  # id of a returned frame -> its name (for the bundle builder)


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
    _DEPS[name] = list(deps)
    memo = _MEMO.get((name, key))
    if memo is not None:
        return memo
    try:
        path = frames_dir() / f"{name}-{key}.parquet"
    except OSError:  # no writable cache folder: build every time
        seeded = _seeded(name, deps)
        return _remember(name, key, seeded if seeded is not None else build())
    if path.is_file():
        try:
            return _remember(name, key, pl.read_parquet(path))
        except Exception:  # a corrupt cache file: rebuild it
            path.unlink(missing_ok=True)
    seeded = _seeded(name, deps)
    df = seeded if seeded is not None else build()
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
    return _remember(name, key, df)


def _remember(name: str, key: str, df: pl.DataFrame) -> pl.DataFrame:
    _MEMO[(name, key)] = df
    _NAMES[id(df)] = name
    return df


def content_key(name: str, deps: Iterable[Path]) -> str:
    """sha256 over the data layer's code, ``name`` and the bytes of each source file (named by its
    path inside the reference data folder, else by its file name): the key a seed must match."""
    h = hashlib.sha256(_code_key().encode())
    h.update(name.encode())
    root = paths.shared_data_dir()
    for d in deps:
        p = Path(d)
        try:
            rel = p.resolve().relative_to(root.resolve()).as_posix() if root else p.name
        except ValueError:
            rel = p.name
        h.update(f"\n{rel}\n".encode())
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def seeds() -> dict[str, dict[str, str]]:
    """``bundle_seeds.json``: frame name → ``{"key": content key, "file": bundle file}``."""
    global _SEEDS
    if _SEEDS is None:
        import json

        try:
            _SEEDS = json.loads(SEEDS_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _SEEDS = {}
    return _SEEDS


def _seeded(name: str, deps: list[Path]) -> pl.DataFrame | None:
    """The bundle's copy of frame ``name`` when it was built from exactly these sources by this
    code (see the module doc), else None."""
    import polars as pl

    seed = seeds().get(name)
    if seed is None:
        return None
    f = paths.bundle_file(seed.get("file", ""))
    if f is None:
        return None
    try:
        if content_key(name, deps) != seed.get("key"):
            return None
        return pl.read_parquet(f)
    except Exception:  # an unreadable source or bundle file: build instead
        return None


def seed_for(frame: pl.DataFrame) -> tuple[str, str] | None:
    """``(name, content key)`` of a frame this process got from :func:`cached_frame`, if any (for
    ``scripts/build_bundle.py`` to record seeds)."""
    name = _NAMES.get(id(frame))
    if name is None or name not in _DEPS:
        return None
    return name, content_key(name, _DEPS[name])


class CacheInfo(TypedDict):
    """What :func:`info` reports (the JSON of ``tariffsim data cache info``)."""

    cache_dir: str
    frames: int
    bytes: int
    names: list[str]


def info() -> CacheInfo:
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
