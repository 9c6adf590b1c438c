"""Where tariffsim finds its data.

Three places, in order:

1. ``$TARIFFSIM_DATA`` — a folder laid out like the reference data (``census/``, ``usitc_hts/``,
   ``product_lists/`` …);
2. ``../shared/data`` beside the checkout (the repository root's parent);
3. the small default dataset shipped inside the package (:func:`bundle_dir`), derived from (1)/(2)
   by ``scripts/build_bundle.py``.

Parsed, heavy results are cached under :func:`cache_dir` (``$TARIFFSIM_CACHE`` or the platform's user
cache folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from tariffsim.core.errors import DataNotFoundError

ENV_DATA = "TARIFFSIM_DATA"
ENV_CACHE = "TARIFFSIM_CACHE"

_PACKAGE_DIR = Path(__file__).resolve().parent
# src/tariffsim/data -> repository root is three levels up (src/tariffsim/data -> src -> repo)
_REPO_ROOT = _PACKAGE_DIR.parents[2]


def shared_data_dir() -> Path | None:
    """The reference data folder: ``$TARIFFSIM_DATA``, else ``<repo>/../shared/data``, else None.

    A ``TARIFFSIM_DATA`` that is set but is not a directory is an error (a typo should not silently
    fall back to the bundle). An empty ``TARIFFSIM_DATA`` directory is allowed: loaders then fall
    back to the bundle file by file.
    """
    env = os.environ.get(ENV_DATA)
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise DataNotFoundError(
                f"{ENV_DATA}={env!r} is not a directory",
                hint=f"point {ENV_DATA} at the reference data folder (the one holding census/, usitc_hts/), or unset it",
            )
        return p
    p = _REPO_ROOT.parent / "shared" / "data"
    return p if p.is_dir() else None


def bundle_dir() -> Path:
    """The default dataset shipped in the package (``src/tariffsim/data/bundle``)."""
    return _PACKAGE_DIR / "bundle"


def cache_dir() -> Path:
    """The cache folder (``$TARIFFSIM_CACHE`` or the platform user cache ``…/tariffsim``); created."""
    env = os.environ.get(ENV_CACHE)
    if env:
        p = Path(env).expanduser()
    else:
        import platformdirs

        p = Path(platformdirs.user_cache_dir("tariffsim", appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p


def shared_file(relpath: str) -> Path | None:
    """``relpath`` (e.g. ``"census/us_trade_by_partner_2024.csv"``) inside the shared data, if present."""
    root = shared_data_dir()
    if root is None:
        return None
    p = root / relpath
    return p if p.is_file() else None


def bundle_file(name: str) -> Path | None:
    """A file of the default bundle, if present."""
    p = bundle_dir() / name
    return p if p.is_file() else None


def missing(relpath: str, *, bundle_name: str | None = None) -> DataNotFoundError:
    """The error for a data file found neither in the shared data nor in the bundle."""
    where = shared_data_dir()
    looked = f"{where / relpath}" if where else f"../shared/data/{relpath} (no shared data folder)"
    extra = f" or bundle file {bundle_name}" if bundle_name else ""
    return DataNotFoundError(
        f"data file not found: {looked}{extra}",
        hint=f"set {ENV_DATA} to the reference data folder (holding {relpath}), "
        "or rebuild the bundle with scripts/build_bundle.py",
    )
