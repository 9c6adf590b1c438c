"""Duties and effective tariff rates on trade flows; validation against customs; the reciprocal formula.

See ``docs/duties.md``. Heavy modules load lazily: ``from tariffsim.duties import duties_on``.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "duties_on": "tariffsim.duties.etr",
    "etr_series": "tariffsim.duties.etr",
    "DutyResult": "tariffsim.duties.etr",
    "EtrSeries": "tariffsim.duties.etr",
    "Flows": "tariffsim.duties.flows",
    "default_flows": "tariffsim.duties.flows",
    "read_user_table": "tariffsim.duties.flows",
    "rate_user_table": "tariffsim.duties.etr",
    "reciprocal_table": "tariffsim.duties.reciprocal",
    "reciprocal_from_totals": "tariffsim.duties.reciprocal",
    "validate": "tariffsim.duties.validation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'tariffsim.duties' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(mod), name)
