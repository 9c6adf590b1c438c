"""tariffsim.schedule — the US tariff law as dated data, compiled and rated.

>>> from tariffsim.schedule import load_schedule
>>> s = load_schedule()                       # the US library (cached)
>>> s.rate("JPN", "8703230190", on="2025-04-05").total_rate   # doctest: +SKIP
0.275

API (``docs/measure-format.md`` is the contract): :func:`load_schedule` → :class:`Schedule` with
``rate``, ``timeline``, ``in_force``, ``compile``, ``apply_reform``, ``coverage``. Heavy modules are
imported on first use so that importing this package is cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tariffsim.schedule.engine import EntryRate, MeasurePart, Schedule, TimelineRow

__all__ = ["EntryRate", "MeasurePart", "Schedule", "TimelineRow", "load_schedule"]


def load_schedule(
    reform: str | Path | None = None,
    *,
    root: str | Path | None = None,
    source: Any = None,
    cache: bool = True,
) -> Schedule:
    """The measure library at ``root`` (default: the US library) resolved against the data.

    ``reform``: a patch file applied to it (a new Schedule; the baseline is not changed).
    ``source``: where data comes from (default: the data layer; tests pass a
    :class:`~tariffsim.schedule.sources.FrameSource`). ``cache``: reuse the resolved rules from
    memory and from ``cache_dir()`` (keyed by a hash of the YAML files, the engine code and the
    data files); a cache hit skips YAML parsing and validation.
    """
    from tariffsim.schedule.cache import cached_schedule

    s: Schedule = cached_schedule(Path(root) if root is not None else None, source, use_cache=cache)
    if reform is not None:
        s = s.apply_reform(reform)
    return s


def __getattr__(name: str) -> Any:
    if name in ("EntryRate", "MeasurePart", "Schedule", "TimelineRow", "InForce"):
        from tariffsim.schedule import engine

        return getattr(engine, name)
    raise AttributeError(name)
