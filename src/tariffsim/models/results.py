"""Frozen result types shared by the economic models (PE and GE).

A model run returns a :class:`ModelResult`: tidy polars frames (one row per observation, units in
column names: ``welfare_pct``, ``imports_usd``, ``rate``), the solver's
:class:`~tariffsim.core.errors.SolverDiagnostics` and a provenance mapping (data version, parameters,
scenario). Results are immutable: frames are polars (immutable by construction) and the dataclass is
frozen, so a result can be cached, shared between threads and compared safely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import polars as pl

from tariffsim.core.errors import InputError, SolverDiagnostics


@dataclass(frozen=True)
class ModelResult:
    """What one model run produced.

    Attributes:
        model: short name of the model (``"ge"``, ``"pe"``).
        scenario: name of the scenario that was run.
        frames: named tidy tables, e.g. ``{"countries": ..., "regions": ...}``.
        diagnostics: iterations, residual norm and tolerance of the solver (``None`` for closed-form
            models that solve nothing).
        provenance: data source and version, parameters and options used (read-only mapping).
    """

    model: str
    scenario: str
    frames: Mapping[str, pl.DataFrame]
    diagnostics: SolverDiagnostics | None = None
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", MappingProxyType(dict(self.frames)))
        object.__setattr__(self, "provenance", MappingProxyType(dict(self.provenance)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Read-only mapping proxies do not pickle; rebuild from plain dicts (process pools, caches).
        return (
            type(self),
            (self.model, self.scenario, dict(self.frames), self.diagnostics, dict(self.provenance)),
        )

    def frame(self, name: str) -> pl.DataFrame:
        """The frame called ``name``; :class:`InputError` naming the available ones otherwise."""
        try:
            return self.frames[name]
        except KeyError:
            raise InputError(
                f"result of {self.model}/{self.scenario} has no table {name!r}",
                hint=f"available: {', '.join(sorted(self.frames))}",
            ) from None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: frames as lists of row dicts, diagnostics and provenance as dicts."""
        diag = None
        if self.diagnostics is not None:
            d = self.diagnostics
            diag = {
                "iterations": d.iterations,
                "residual_norm": d.residual_norm,
                "tolerance": d.tolerance,
                "converged": d.converged,
                "details": dict(d.details),
            }
        return {
            "model": self.model,
            "scenario": self.scenario,
            "frames": {k: v.to_dicts() for k, v in self.frames.items()},
            "diagnostics": diag,
            "provenance": dict(self.provenance),
        }
