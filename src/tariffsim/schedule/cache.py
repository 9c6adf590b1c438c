"""Caching of resolved schedules: in memory per process, and as a pickle in ``cache_dir()``.

The key hashes (1) the bytes of every library file (``measures/*.yaml``, ``lists*.yaml``,
``library.yaml``), (2) the bytes of the engine's own modules (``schedule/**/*.py`` and ``core/*.py``:
a code change invalidates),
(3) the data source's fingerprint (:meth:`DataLayerSource.fingerprint`: sizes and times of the data
files and of the data layer's code). Only :class:`~tariffsim.schedule.rules.Rules` is pickled —
plain dataclasses and numpy arrays; the pydantic models are re-read from YAML only when needed
(reforms, :attr:`Schedule.spec`). The pickle is written to a temporary file and renamed, so a
crash never leaves half a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path
from typing import Any

from tariffsim.core.cachefile import write_cache, write_pickle

_MEMORY: dict[str, Any] = {}
US_ROOT = Path(__file__).resolve().parents[1] / "jurisdictions" / "us"
_VERSION = "schedule-v1"


def library_files(root: Path) -> list[Path]:
    files = sorted((root / "measures").glob("*.yaml")) + sorted((root / "measures").glob("*.yml"))
    files += sorted(root.glob("lists*.yaml"))
    lib = root / "library.yaml"
    if lib.is_file():
        files.append(lib)
    return files


def library_hash(root: Path) -> str:
    """A hash of the contents of the library files and of the engine code (see the module doc).

    The files' names, sizes and modification times find a content hash computed before: it is
    kept in ``cache_dir()/schedule-keys/`` (one small file per state of the files), so a run that
    changed nothing reads none of them. A file whose size or time moved is hashed again (and a
    touched file with the same bytes gives the same content hash, hence the same schedule cache).
    """
    pkg = Path(__file__).resolve().parents[1]
    files = [(p.name, p) for p in library_files(root)]
    files += [(p.relative_to(pkg).as_posix(), p) for p in _engine_code(pkg)]
    state = hashlib.sha256(_VERSION.encode())
    state.update(str(root.resolve()).encode())
    for name, p in files:
        st = p.stat()
        state.update(f"{name}:{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    memo = _key_memo(state.hexdigest()[:32])
    if memo is not None:
        with contextlib.suppress(OSError):
            known = memo.read_text(encoding="ascii")
            if len(known) == 20 and all(c in "0123456789abcdef" for c in known):
                return known
    h = hashlib.sha256(_VERSION.encode())
    h.update(str(root.resolve()).encode())
    for name, p in files:
        h.update(name.encode())
        h.update(p.read_bytes())
    key = h.hexdigest()[:20]
    if memo is not None:
        write_cache(memo, lambda f: f.write(key.encode("ascii")))
    return key


def _key_memo(state: str) -> Path | None:
    from tariffsim.data.paths import cache_dir

    try:
        folder = cache_dir() / "schedule-keys"
        folder.mkdir(exist_ok=True)
    except OSError:  # no writable cache: hash the contents every time
        return None
    return folder / state


def _engine_code(pkg: Path) -> list[Path]:
    """The modules whose code decides the resolved rules: ``schedule/**`` (sub-packages too) and
    the ``core`` readers (YAML, inputs). Hashed by content, not by time, so a fresh clone and a
    touched file with the same bytes share the cache."""
    return sorted((pkg / "schedule").rglob("*.py")) + sorted((pkg / "core").glob("*.py"))


def cached_schedule(root: Path | None, source: Any, *, use_cache: bool = True) -> Any:
    from tariffsim.schedule.engine import Schedule
    from tariffsim.schedule.sources import DataLayerSource

    root = Path(root) if root is not None else US_ROOT
    src = source if source is not None else DataLayerSource()
    from tariffsim.schedule.rules import build_rules

    if not use_cache:
        from tariffsim.schedule.loader import load_library

        spec = load_library(root)
        return Schedule(build_rules(spec, src), root=root, spec=spec, source=src)
    key = f"{library_hash(root)}-{src.fingerprint()}"
    if key in _MEMORY:
        return _MEMORY[key]
    path = None
    if source is None:  # only the data layer's results go to disk
        from tariffsim.data.paths import cache_dir

        path = cache_dir() / f"schedule-{key}.pkl"
        if path.is_file():
            try:
                with path.open("rb") as f:
                    rules = pickle.load(f)
                s = Schedule(rules, root=root, source=src)
                _MEMORY[key] = s
                return s
            except Exception:  # a stale or broken cache is rebuilt
                pass
    from tariffsim.schedule.loader import load_library

    spec = load_library(root)
    rules = build_rules(spec, src)
    s = Schedule(rules, root=root, spec=spec, source=src)
    _MEMORY[key] = s
    if path is not None:
        write_pickle(path, rules)
    return s


def clear_memory() -> None:
    _MEMORY.clear()
