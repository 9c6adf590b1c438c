"""``Compiled.authority_dot`` (the ETR series without dense (k, n) authority arrays) equals the
dense sums it replaces, on real 2024 rows over 2025-01-01 → 2026-07-01."""

from __future__ import annotations

import numpy as np
import pytest


def test_authority_dot_equals_dense_sums() -> None:
    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    f = default_flows()
    rows = np.arange(0, f.n, 37)  # about 9,000 rows of every chapter and partner
    sub = f.subset(rows)
    c = load_schedule().compile(sub.hs10, sub.origin, "2025-01-01", "2026-07-01")
    w = np.asarray(sub.value_usd, dtype=float)
    fast = c.authority_dot(w)
    assert list(fast) == list(c.authorities) == list(c.by_authority)
    for a, arr in c.by_authority.items():
        assert fast[a] == pytest.approx(arr @ w, rel=1e-12, abs=1e-6)


def test_authority_group_dot_equals_dense_group_sums() -> None:
    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    f = default_flows()
    sub = f.subset(np.arange(0, f.n, 41))
    c = load_schedule().compile(sub.hs10, sub.origin, "2025-01-01", "2026-07-01")
    w = np.asarray(sub.value_usd, dtype=float)
    keys, inv = np.unique(sub.origin.astype(str), return_inverse=True)
    fast = c.authority_group_dot(w, inv, len(keys))
    for a, arr in c.by_authority.items():
        dense = np.stack([np.bincount(inv, weights=row * w, minlength=len(keys)) for row in arr])
        assert fast[a] == pytest.approx(dense, rel=1e-12, abs=1e-6)


def test_authority_at_equals_rows_of_dense_arrays() -> None:
    """One segment's authority rates (what a one-day duty table shows) are, bit for bit, the row
    of the dense ``by_authority`` arrays they replace (float64 and float32)."""
    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    f = default_flows()
    sub = f.subset(np.arange(0, f.n, 43))
    for dtype in (np.float64, np.float32):
        c = load_schedule().compile(sub.hs10, sub.origin, "2025-01-01", "2026-07-01", dtype=dtype)
        at = [c.authority_at(seg) for seg in range(c.k)]  # before the dense arrays exist
        dense = c.by_authority
        for seg in range(c.k):
            assert list(at[seg]) == list(c.authorities)
            for a in c.authorities:
                assert at[seg][a].dtype == dtype
                assert np.array_equal(at[seg][a], dense[a][seg])
