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

import hashlib
import pickle
from pathlib import Path
from typing import Any

from tariffsim.core.cachefile import write_pickle

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
    h = hashlib.sha256(_VERSION.encode())
    h.update(str(root.resolve()).encode())
    for p in library_files(root):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    pkg = Path(__file__).resolve().parents[1]
    for p in _engine_code(pkg):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


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
