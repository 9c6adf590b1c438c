"""Disk cache of the negotiation layer's expensive inputs (the law on a day, tariff stakes).

Entries live in ``cache_dir()/negotiation/`` as ``.npz`` files, keyed by the schedule's cache key (a
hash of the measure library, the engine code and the data files — the same key as
:func:`tariffsim.schedule.cache.cached_schedule`), the Census files' sizes and times, and the request.
A change of law, data or code (this layer's and the models' stakes code) gives new keys; stale files
are never read. Files are written to a
temporary name and renamed, so a crash never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tariffsim.core.cachefile import write_cache

_VERSION = "neg-cache-v1"


@lru_cache(maxsize=1)
def law_key() -> str:
    """The schedule's cache key plus the Census inputs' fingerprint and this layer's code."""
    from tariffsim.data import paths
    from tariffsim.schedule.cache import US_ROOT, library_hash
    from tariffsim.schedule.sources import DataLayerSource

    h = hashlib.sha256(_VERSION.encode())
    h.update(library_hash(US_ROOT).encode())
    h.update(DataLayerSource().fingerprint().encode())
    census = paths.shared_file("census/us_imports_hs10_by_partner_2024.csv.gz")
    if census is not None:
        st = census.stat()
        h.update(f"{census}:{st.st_size}:{st.st_mtime_ns}".encode())
    here = Path(__file__).resolve().parent
    models = here.parent / "models"
    for f in [
        here / "tariff_stakes.py",
        here / "cache.py",
        *(
            models / n
            for n in (
                "stakes.py",
                "stakes_state.py",
                "pe.py",
                "pe_core.py",
                "horizons.py",
                "law_tariffs.py",
            )
        ),
    ]:
        if f.is_file():
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def folder() -> Path:
    from tariffsim.data.paths import cache_dir

    p = cache_dir() / "negotiation"
    p.mkdir(parents=True, exist_ok=True)
    return p


def entry(kind: str, request: Any) -> Path:
    """The file of a cache entry: ``kind`` and a hash of the law key and the request."""
    h = hashlib.sha256(law_key().encode())
    h.update(json.dumps(request, sort_keys=True, default=str).encode())
    return folder() / f"{kind}-{h.hexdigest()[:24]}.npz"


def load(path: Path) -> dict[str, np.ndarray] | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception:  # a broken entry is recomputed
        return None


def save(path: Path, arrays: dict[str, np.ndarray], *, compress: bool = True) -> None:
    """Write an entry (an ``.npz`` archive :func:`numpy.load` reads); ``compress=False`` for an
    entry read by every process (stored as is: it loads in a few milliseconds where inflating it
    takes a few tenths of a second). Compressed entries use deflate level 1: a third of the time
    of numpy's default level for about 1.4 times the size (a day's law: 0.06 s, 0.8 MB)."""
    import zipfile

    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method, compresslevel=1 if compress else None) as zf:
        for name, arr in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(arr), allow_pickle=False)
    write_cache(path, lambda f: f.write(buf.getvalue()))
