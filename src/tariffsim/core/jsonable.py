"""JSON for every output of the project (CLI ``--json``, the web API): one conversion of the types
the library returns.

:func:`default` is the ``json.dumps(default=...)`` hook: dates as ISO strings, numpy scalars as
numbers, numpy arrays as lists, pydantic models as their JSON dump. :func:`dumps` uses it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


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


def dumps(obj: Any, *, indent: int | None = 2) -> str:
    """``json.dumps`` with :func:`default`, keeping non-ASCII text as it is."""
    return json.dumps(obj, default=default, indent=indent, ensure_ascii=False)
