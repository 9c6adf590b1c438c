"""JSON for every output of the project (CLI ``--json``, the web API): one conversion of the types
the library returns, and one rounding, so the CLI and the web print the same numbers.

:func:`default` is the ``json.dumps(default=...)`` hook: dates as ISO strings, numpy scalars as
numbers, numpy arrays as lists, pydantic models as their JSON dump. :func:`rounded` rounds every float
to :data:`SIGNIFICANT_DIGITS` significant digits (NaN and infinities become ``null``): binary floating
point leaves noise in the last digits of sums and products (0.025 + 0.7 = 0.7250000000000001), and
twelve significant digits keep every figure the data can support (a dollar in a trillion, a rate to
1e-12) while dropping it. :func:`dumps` does both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

SIGNIFICANT_DIGITS = 12


def default(o: Any) -> Any:
    """The JSON form of a value ``json`` does not know (see the module doc); else ``TypeError``."""
    if isinstance(o, dt.date):  # datetime is a date too
        return o.isoformat()
    if hasattr(o, "item") and getattr(o, "ndim", 0) == 0:  # numpy scalar
        return o.item()
    if hasattr(o, "tolist"):  # numpy array
        return o.tolist()
    if hasattr(o, "model_dump"):  # pydantic model
        return o.model_dump(mode="json")
    if isinstance(o, set | frozenset):
        return sorted(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def rounded(obj: Any, digits: int = SIGNIFICANT_DIGITS) -> Any:
    """A JSON-ready copy of ``obj`` (via :func:`default`) with every float rounded to ``digits``
    significant digits; NaN and infinities become ``None``."""

    def fix(o: Any) -> Any:
        if isinstance(o, float):
            return float(f"{o:.{digits}g}") if math.isfinite(o) else None
        if isinstance(o, dict):
            return {str(k): fix(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [fix(v) for v in o]
        return o

    return fix(json.loads(json.dumps(obj, default=default, allow_nan=True)))


def dumps(obj: Any, *, indent: int | None = 2) -> str:
    """``json.dumps`` of :func:`rounded` ``obj``, keeping non-ASCII text as it is."""
    return json.dumps(rounded(obj), indent=indent, ensure_ascii=False)
