"""Reading the fact and outcome YAML files: strict pydantic validation, errors as ``file:line``.

One helper for both ``facts/`` and ``outcomes/``: :func:`read_model` parses a file with the project's
safe YAML reader (line numbers kept), validates it against a pydantic model, and checks that every
``source`` id it cites exists in ``facts/sources.yaml``.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from tariffsim.core.cachefile import write_pickle
from tariffsim.core.errors import InputError
from tariffsim.core.yamlio import LineDict, LineList, display_name, read_yaml, validate

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

FACTS_DIR = Path(__file__).resolve().parent
PACKAGE_ROOT = FACTS_DIR.parents[2]  # src/ (messages name files relative to it)
HINT = "see docs/backtest.md (fact and outcome files) for the format"


def name_of(path: Path) -> str:
    """How a file is named in messages (``tariffsim/negotiation/facts/rates.yaml``)."""
    return display_name(path, PACKAGE_ROOT)


def read_raw(path: Path) -> Any:
    return read_yaml(path, name=name_of(path))


def read_model(model: type[M], path: Path, known_sources: Mapping[str, Any] | None) -> M:
    """Validate ``path`` against ``model``; with ``known_sources``, check every cited source id."""
    name = name_of(path)
    raw = read_raw(path)
    try:
        obj = validate(model, raw, name)
    except InputError as exc:
        exc.hint = HINT
        raise
    if known_sources is not None:
        check_source_ids(raw, name, known_sources)
    return obj


def _walk_sources(node: Any, line: int) -> Iterator[tuple[str, int]]:
    """Every (id, line) cited under a ``source`` key anywhere in ``node``."""
    if isinstance(node, LineDict):
        for k, v in node.items():
            at = node.key_lines.get(k, line)
            if k == "source":
                ids = [v] if isinstance(v, str) else v if isinstance(v, list) else []
                for s in ids:
                    if isinstance(s, str):
                        yield s, at
            else:
                yield from _walk_sources(v, at)
    elif isinstance(node, LineList):
        for i, v in enumerate(node):
            yield from _walk_sources(v, node.item_lines[i] if i < len(node.item_lines) else line)


def check_source_ids(raw: Any, name: str, known: Mapping[str, Any]) -> None:
    for sid, line in _walk_sources(raw, getattr(raw, "line", 1)):
        if sid not in known:
            raise InputError(
                f"source {sid!r} is not in facts/sources.yaml",
                where=f"{name}:{line}",
                hint="add the source (title, url or data path, date, kind) to sources.yaml",
            )


def _key(files: Sequence[Path]) -> str:
    """Hash of the files' names and bytes and of this package's code (facts/ and outcomes/)."""
    h = hashlib.sha256()
    code = sorted(FACTS_DIR.glob("*.py")) + sorted((FACTS_DIR.parent / "outcomes").glob("*.py"))
    for p in [*sorted(files), *code]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:24]


def cached(tag: str, files: Sequence[Path], build: Callable[[], T]) -> T:
    """``build()``, pickled in the cache folder and reused while the files and the code are unchanged.

    Validating the YAML with pydantic costs about a second per process; the pickle loads in
    milliseconds. A stale or unreadable pickle is rebuilt; the write is atomic (temp file + rename).
    """
    from tariffsim.data.paths import cache_dir

    try:
        path = cache_dir() / f"negotiation-{tag}-{_key(files)}.pkl"
    except OSError:  # pragma: no cover - no usable cache folder
        return build()
    if path.is_file():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except Exception:  # a broken cache file is rebuilt
            pass
    obj = build()
    write_pickle(path, obj)  # a read-only cache keeps the result in memory only
    return obj
