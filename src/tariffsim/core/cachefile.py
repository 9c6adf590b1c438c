"""Writing a cache file: atomically, and never at the cost of the result it caches.

A cache entry is written to a temporary file in the target's folder and renamed over the target
(``os.replace`` is atomic on POSIX), so a reader sees either the old entry or the whole new one,
never a partial file, and two processes building the same entry leave one of them. A cache that
cannot be written (read-only or full disk) is skipped: the caller keeps its result in memory. This
is for the project's own caches under :func:`tariffsim.data.paths.cache_dir`; files a user asked
for go through :func:`tariffsim.core.outputs.write_atomic`, which checks the target and reports
failures instead.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_cache(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any]) -> bool:
    """Replace ``path`` by what ``write(file)`` writes; False (and no file left behind) when the
    disk refuses it. Errors of ``write`` itself other than :class:`OSError` propagate."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, target)
        return True
    except OSError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone already after a successful rename


def write_pickle(path: str | os.PathLike[str], obj: Any) -> bool:
    """:func:`write_cache` of ``obj`` pickled with the highest protocol."""
    return write_cache(path, lambda f: pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL))
