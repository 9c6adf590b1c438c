"""Parameters of the PE model (:mod:`tariffsim.models.pe`).

Kept apart from the model so that :mod:`tariffsim.models.horizons`, which builds the parameters of
each horizon, and the model, which uses them, do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim.core.errors import InputError


@dataclass(frozen=True)
class PEParams:
    """Parameters of the PE model (see :mod:`tariffsim.models.pe_core`).

    ``sigma_scale`` multiplies every product's Broda–Weinstein σ (after clipping to
    ``[sigma_min, sigma_max]``); ``passthrough_products`` gives (HS prefix, ρ) pairs that override
    ``passthrough`` for the rows whose HTS10 starts with the prefix; ``horizon`` and ``sources`` are
    provenance (set by :func:`tariffsim.models.horizons.pe_params`).
    """

    eta: float = 1.0
    omega: float = float("inf")
    passthrough: float | None = None
    sigma_min: float = 1.05
    sigma_max: float = 20.0
    sigma_scale: float = 1.0
    passthrough_products: tuple[tuple[str, float], ...] = ()
    horizon: str = "long-run"
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.eta > 0:
            raise InputError(f"eta must be positive, got {self.eta}", hint="e.g. --eta 1.5")
        if not self.omega > 0:
            raise InputError(f"omega must be positive, got {self.omega}", hint="e.g. --omega 5")
        if self.passthrough is not None and not 0 <= self.passthrough <= 1:
            raise InputError(
                f"passthrough must lie in [0, 1], got {self.passthrough}",
                hint="e.g. --passthrough 0.8",
            )
        if not self.sigma_scale > 0:
            raise InputError(f"sigma_scale must be positive, got {self.sigma_scale}")
        for prefix, rho in self.passthrough_products:
            if not (prefix.isdigit() and 2 <= len(prefix) <= 10) or not 0 <= rho <= 1:
                raise InputError(
                    f"passthrough_products entry ({prefix!r}, {rho}) is not (HS prefix, rate in [0, 1])"
                )

    def row_passthrough(self, hs10: np.ndarray) -> float | np.ndarray | None:
        """ρ for each row (array) when product overrides apply, else the scalar ``passthrough``."""
        if not self.passthrough_products:
            return self.passthrough
        base = 1.0 if self.passthrough is None else self.passthrough
        out = np.full(len(hs10), base)
        codes = np.asarray(hs10).astype(str)
        for prefix, rho in self.passthrough_products:
            out[np.char.startswith(codes, prefix)] = rho
        return out

    def sigma(self, raw: np.ndarray) -> np.ndarray:
        """Elasticities used: clipped σ times ``sigma_scale``, kept at least 1e-4 away from 1."""
        s = np.asarray(raw, float) * self.sigma_scale
        near = np.abs(s - 1.0) < 1e-4
        return np.where(near, np.where(s >= 1.0, 1.0 + 1e-4, 1.0 - 1e-4), s)

    def describe(self) -> dict[str, object]:
        """The parameters as provenance."""
        return {
            "horizon": self.horizon,
            "eta": self.eta,
            "omega": self.omega,
            "passthrough": self.passthrough,
            "passthrough_products": [list(p) for p in self.passthrough_products],
            "sigma": f"Broda & Weinstein (2006) HTS10, clipped to [{self.sigma_min}, {self.sigma_max}]"
            + (f", times {self.sigma_scale:g}" if self.sigma_scale != 1.0 else ""),
            "sigma_scale": self.sigma_scale,
            "sources": list(self.sources),
        }
