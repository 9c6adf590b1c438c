"""Small synthetic inputs shared by several test modules (never import one test module from another).

:class:`FakeCompiled` stands in for :class:`tariffsim.schedule.compile.Compiled` with two segments,
``[2025-01-01, 2025-03-01)`` and ``[2025-03-01, …)``, over the four rows of :func:`four_flows`
(Japanese cars, German cars, French wine, Chinese toys). The rates are invented to be easy to add up
by hand, not the law:

================  ======  ======  =======  =======
row               mfn     s232    recip.   total (segment 1 → segment 2)
================  ======  ======  =======  =======
JPN 8703230190    0.025   0→0.25  0        0.025 → 0.275
DEU 8703230190    0.025   0→0.25  0        0.025 → 0.275
FRA 2204210000    0.05    0       0→0.10   0.05 → 0.15
CHN 9503000090    0       0       0→0.10   0 → 0.10
================  ======  ======  =======  =======

with customs values 100, 200, 50 and 150 USD.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tariffsim.duties.flows import Flows


class FakeCompiled:
    """Two segments; rows: JPN cars, DEU cars, FRA wine, CHN toys (see the module docstring)."""

    def __init__(self) -> None:
        self.breaks = np.array(["2025-01-01", "2025-03-01"], dtype="datetime64[D]")
        mfn = np.array([[0.025, 0.025, 0.05, 0.0]] * 2)
        s232 = np.array([[0.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.0, 0.0]])
        recip = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.10, 0.10]])
        self.by_authority = {"mfn": mfn, "s232": s232, "ieepa_reciprocal": recip}
        self.total = mfn + s232 + recip

    def segment_index(self, dates: Any) -> np.ndarray:
        d = np.asarray(dates, dtype="datetime64[D]")
        return np.searchsorted(self.breaks, d, side="right") - 1


def four_flows() -> Flows:
    """The four rows :class:`FakeCompiled` rates, with their customs values in USD."""
    return Flows(
        hs10=np.array(["8703230190", "8703230190", "2204210000", "9503000090"], dtype=object),
        origin=np.array(["JPN", "DEU", "FRA", "CHN"], dtype=object),
        value_usd=np.array([100.0, 200.0, 50.0, 150.0]),
    )
