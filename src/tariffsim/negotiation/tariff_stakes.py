"""What a tariff issue is worth to each side, level by level — from the project's own models.

The negotiation layer never models trade itself. For a tariff issue (a product scope of the partner's
goods, a form — ``add_on`` on top of what applies, ``floor`` = MFN-inclusive all-in rate, ``total``
rate — and a list of levels) it asks :mod:`tariffsim.models.stakes` for the value of every level
relative to the law in force on the evaluation day, in US$ bn/yr. Until that module exists on this
branch, :func:`_pe_stakes` computes the same quantities with the project's PE solver
(:func:`tariffsim.models.pe_core.solve_pe`: Armington–CES per HTS10, Broda–Weinstein σ, every
competitor of the product at its own rate that day), so diversion to and from competitors is in.

Outputs per level (US$ bn/yr, change relative to the law in force on the evaluation day):

``revenue``      US tariff revenue on every source of the affected products;
``buyers``       US buyers' surplus (the area left of the CES import demand; negative when rates rise);
``exporters``    the partner's exporters' surplus: with pass-through ρ the exporters' price moves by
                 τ̂^(ρ−1); ΔPS = Σ V₀ (p̂* − 1)(1 + q̂)/2 (trapezoid);
``import_loss``  the fall in total US imports of the affected products (what domestic producers may
                 replace), ``diversion`` the rise of competitors' sales in the US;
``duty_static``  level × 2024 value of the partner's goods in scope (the trackers' duty bill);
``imports_before`` / ``imports_after`` the partner's goods in scope, customs value; ``sales_change``
                 their difference (the change in the partner's sales in the US).

Each table records the model and data behind its numbers (``provenance``), for ``--explain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

OUTPUTS = (
    "sales_change",
    "revenue",
    "buyers",
    "exporters",
    "import_loss",
    "diversion",
    "duty_static",
    "imports_before",
    "imports_after",
)


@dataclass(frozen=True, eq=False)
class StakeTable:
    """Values of one tariff issue at every level, at each pass-through in ``passthroughs``.

    ``outputs[name]`` has shape ``(len(passthroughs), len(levels))`` (US$ bn/yr)."""

    partner: str
    day: dt.date
    levels: tuple[float, ...]
    forms: tuple[str, ...]
    passthroughs: tuple[float, ...]
    outputs: dict[str, np.ndarray]
    base_usd: float  # 2024 value of the partner's goods in scope
    provenance: dict[str, str] = field(default_factory=dict)

    def at(self, name: str, passthrough: np.ndarray | float) -> np.ndarray:
        """Output ``name`` at pass-through(s) ``ρ`` — linear in ρ between the computed points.

        ``passthrough`` of shape ``(D,)`` gives ``(D, L)``."""
        arr = self.outputs[name]
        rho = np.atleast_1d(np.asarray(passthrough, dtype=float))
        if len(self.passthroughs) == 1:
            return np.broadcast_to(arr[0], (rho.shape[0], arr.shape[1])).copy()
        r0, r1 = self.passthroughs[0], self.passthroughs[-1]
        w = ((rho - r0) / (r1 - r0))[:, None]
        return (1.0 - w) * arr[0][None, :] + w * arr[-1][None, :]


# --------------------------------------------------------------------------------------------
# The law on a day, for every 2024 flow (memoised per process)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LawOnDay:
    day: dt.date
    hs10: np.ndarray
    origin: np.ndarray
    value: np.ndarray
    total: np.ndarray
    mfn: np.ndarray
    s232: np.ndarray
    reciprocal: np.ndarray
    version: str
    parts: dict[str, np.ndarray] = field(default_factory=dict)  # every authority's part

    def headline(self, measures: Sequence[str] = ("reciprocal",)) -> np.ndarray:
        """The part of every row's rate that a headline rate of ``measures`` replaces."""
        auth = {MEASURE_AUTHORITY.get(m, "ieepa_other") for m in measures}
        out = np.zeros_like(self.total)
        for a in auth:
            if a in self.parts:
                out = out + self.parts[a]
        return out


#: US measures (as named in the fact files) → the schedule authority carrying them
MEASURE_AUTHORITY = {
    "reciprocal": "ieepa_reciprocal",
    "fentanyl": "ieepa_fentanyl",
    "brazil": "ieepa_other",
    "russia_oil": "ieepa_other",
    "china_export_controls": "ieepa_other",
}


@lru_cache(maxsize=8)
def law_on(day: dt.date, as_known_on: dt.date | None = None) -> LawOnDay:
    """Rates of every 2024 HTS10 × partner flow on ``day`` (total and by authority), by the US
    measure library — as known on ``as_known_on`` when the schedule supports that."""
    import inspect

    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    f = default_flows()
    kw: dict[str, Any] = {}
    if as_known_on is not None and "as_known_on" in inspect.signature(load_schedule).parameters:
        kw["as_known_on"] = as_known_on
    s = load_schedule(**kw)
    c = s.compile(
        hs10=f.hs10, origin=f.origin, start=day, end=day + dt.timedelta(days=1), shares=f.shares
    )
    ba = c.by_authority
    zero = np.zeros(len(f.hs10))

    def part(name: str) -> np.ndarray:
        return np.asarray(ba[name][0], float) if name in ba else zero

    version = getattr(s, "version", None) or getattr(s, "fingerprint", None) or "library"
    return LawOnDay(
        day=day,
        hs10=np.asarray(f.hs10),
        origin=np.asarray(f.origin),
        value=np.asarray(f.value_usd, float),
        total=np.asarray(c.total[0], float),
        mfn=part("mfn"),
        s232=part("s232"),
        reciprocal=part("ieepa_reciprocal"),
        version=str(version),
        parts={k: np.asarray(v[0], float) for k, v in ba.items()},
    )


def partner_codes(partner: str) -> tuple[str, ...]:
    """ISO3 codes of a partner (a group such as EU expands to its members)."""
    from tariffsim.core import countries

    return tuple(countries.expand(partner)) if countries.is_group(partner) else (partner,)


@lru_cache(maxsize=32)
def _list_prefixes(name: str) -> tuple[str, ...]:
    from tariffsim.data.lists import product_list

    return tuple(product_list(name)["prefix"].to_list())


def _prefix_mask(hs10: np.ndarray, prefixes: Sequence[str]) -> np.ndarray:
    if not prefixes:
        return np.zeros(hs10.shape[0], dtype=bool)
    by_len: dict[int, list[str]] = {}
    for p in prefixes:
        by_len.setdefault(len(p), []).append(p)
    mask = np.zeros(hs10.shape[0], dtype=bool)
    for n, ps in by_len.items():
        mask |= np.isin(hs10.astype(f"<U{n}"), np.asarray(ps, dtype=f"<U{n}"))
    return mask


def scope_mask(law: LawOnDay, partner: str, spec: Any) -> np.ndarray:
    """Rows of ``law`` that are the partner's goods in the issue's scope."""
    rows = np.isin(law.origin, np.asarray(partner_codes(partner)))
    if spec.scope == "reciprocal":
        m = rows & (law.headline(spec.measures) > 0)
    elif spec.scope == "hs":
        pref = list(spec.hs) + (list(_list_prefixes(spec.products)) if spec.products else [])
        m = rows & _prefix_mask(law.hs10, pref)
    else:
        m = rows & _prefix_mask(law.hs10, _list_prefixes(spec.products))
    if spec.exclude_hs:
        m &= ~_prefix_mask(law.hs10, spec.exclude_hs)
    if spec.exclude_products:
        m &= ~_prefix_mask(law.hs10, _list_prefixes(spec.exclude_products))
    if spec.only_s232:  # only goods on which a Section 232 duty applies on the day
        m &= law.s232 > 0
    return m


def nominal_reciprocal(law: LawOnDay, rows: np.ndarray, measures: Sequence[str] = ("reciprocal",)) -> float:
    """The partner's headline rate on the day: the value-weighted most common positive part (rows
    with a metal content pay it on the non-metal share only)."""
    r = law.headline(measures)[rows]
    v = law.value[rows]
    pos = r > 0
    if not pos.any():
        return 0.0
    vals, inv = np.unique(np.round(r[pos], 6), return_inverse=True)
    return float(vals[int(np.argmax(np.bincount(inv, weights=v[pos])))])


def new_rates(
    law: LawOnDay,
    rows: np.ndarray,
    level: float,
    form: str,
    nominal: float | None = None,
    measures: Sequence[str] = ("reciprocal",),
) -> np.ndarray:
    """The total rate of ``rows`` (indices) when the issue is set to ``level`` in ``form``.

    ``add_on``: the reciprocal part becomes ``share × level``; ``floor``: ``share × max(level − MFN,
    0)`` ("level, or MFN if higher"); ``share`` is the row's part of the nominal reciprocal rate (a
    metal content share pays none). ``total``: MFN plus Section 232 are replaced by ``level``.
    ``extra``: ``level`` is added on top of every duty (a pending Section 232 action)."""
    t0 = law.total[rows]
    recip = law.headline(measures)[rows]
    if form in ("add_on", "floor"):
        share = np.ones_like(recip) if not nominal else np.clip(recip / nominal, 0.0, 1.0)
        part = level if form == "add_on" else np.maximum(level - law.mfn[rows], 0.0)
        return t0 - recip + share * part
    if form == "total":
        return t0 - law.mfn[rows] - law.s232[rows] + level
    if form == "extra":
        return t0 + level
    raise InputError(f"unknown form {form!r}", hint="add_on, floor, total or extra")


# --------------------------------------------------------------------------------------------
# The values
# --------------------------------------------------------------------------------------------


def stakes_table(
    partner: str,
    day: dt.date,
    spec: Any,
    levels: Sequence[float],
    forms: Sequence[str],
    *,
    passthroughs: Sequence[float] = (1.0,),
    as_known_on: dt.date | None = None,
) -> StakeTable:
    """Per-level values of a tariff issue (see the module docstring); cached per process."""
    key_spec = (
        spec.scope,
        tuple(spec.hs),
        spec.products,
        tuple(spec.exclude_hs),
        spec.exclude_products,
        tuple(spec.measures),
        bool(spec.only_s232),
    )
    return _stakes_cached(
        partner,
        day,
        key_spec,
        tuple(float(x) for x in levels),
        tuple(forms),
        tuple(float(r) for r in passthroughs),
        as_known_on,
    )


@dataclass(frozen=True)
class _Spec:
    scope: str
    hs: tuple[str, ...]
    products: str | None
    exclude_hs: tuple[str, ...]
    exclude_products: str | None
    measures: tuple[str, ...]
    only_s232: bool


@lru_cache(maxsize=256)
def _stakes_cached(
    partner: str,
    day: dt.date,
    key_spec: tuple[Any, ...],
    levels: tuple[float, ...],
    forms: tuple[str, ...],
    passthroughs: tuple[float, ...],
    as_known_on: dt.date | None,
) -> StakeTable:
    spec = _Spec(*key_spec)
    try:  # the models layer's stakes API (issue 9 item 2), once it exists
        from tariffsim.models import stakes as _models_stakes  # type: ignore[attr-defined]
    except ImportError:
        _models_stakes = None
    if _models_stakes is not None and hasattr(_models_stakes, "negotiation_table"):
        return _models_stakes.negotiation_table(  # pragma: no cover - depends on econ's module
            partner, day, spec, levels, forms, passthroughs=passthroughs, as_known_on=as_known_on
        )
    return _pe_stakes(partner, day, spec, levels, forms, passthroughs, as_known_on)


def _pe_stakes(
    partner: str,
    day: dt.date,
    spec: _Spec,
    levels: tuple[float, ...],
    forms: tuple[str, ...],
    passthroughs: tuple[float, ...],
    as_known_on: dt.date | None,
) -> StakeTable:
    from tariffsim.data.elasticities import sigma_for
    from tariffsim.models.pe_core import solve_pe

    law = law_on(day, as_known_on)
    scope = scope_mask(law, partner, spec)
    base = float(law.value[scope].sum())
    L, R = len(levels), len(passthroughs)
    out = {k: np.zeros((R, L)) for k in OUTPUTS}
    prov = {
        "model": "PE per HTS10 (tariffsim.models.pe_core.solve_pe, Armington–CES; pass-through ρ)",
        "data": f"Census imports 2024 by HTS10 × partner; US measure library on {day.isoformat()}"
        + (f" as known on {as_known_on.isoformat()}" if as_known_on else ""),
        "elasticities": "Broda & Weinstein (2006) σ by HTS10 (tariffsim.data.elasticities)",
    }
    if base <= 0:
        return StakeTable(partner, day, levels, forms, passthroughs, out, 0.0, prov)
    prods = np.unique(law.hs10[scope])
    rows = np.isin(law.hs10, prods)
    hs = law.hs10[rows]
    order = np.argsort(hs, kind="stable")
    idx = np.flatnonzero(rows)[order]
    hs = law.hs10[idx]
    v0 = law.value[idx]
    t0 = law.total[idx]
    ok = v0 > 0
    idx, hs, v0, t0 = idx[ok], hs[ok], v0[ok], t0[ok]
    mine = scope[idx]
    uniq, groups = np.unique(hs, return_inverse=True)
    sig = sigma_for(list(uniq.astype(str)))
    sig_map = dict(zip(sig["hs10"].to_list(), sig["sigma"].to_list(), strict=True))
    sigma = np.asarray([sig_map.get(str(h), 3.0) for h in uniq], dtype=float)
    sigma = np.where(np.abs(sigma - 1.0) < 1e-6, 1.05, sigma)
    nominal = nominal_reciprocal(law, np.flatnonzero(scope), spec.measures)
    for li, (lv, form) in enumerate(zip(levels, forms, strict=True)):
        t1 = t0.copy()
        t1[mine] = new_rates(law, idx[mine], lv, form, nominal, spec.measures)
        for ri, rho in enumerate(passthroughs):
            r = solve_pe(
                groups=groups, v0=v0, t0=t0, t1=t1, sigma=sigma, eta=1.0, passthrough=rho
            )
            dv = r.v1 - v0
            out["revenue"][ri, li] = float(r.revenue_change.sum())
            out["buyers"][ri, li] = float(r.consumer_surplus_change.sum())
            out["exporters"][ri, li] = float(
                (v0[mine] * (r.p_star_hat[mine] - 1.0) * (1.0 + r.q_hat[mine]) / 2.0).sum()
            )
            out["import_loss"][ri, li] = -float(dv.sum())
            out["diversion"][ri, li] = float(dv[~mine].sum())
            out["duty_static"][ri, li] = float((t1[mine] * v0[mine]).sum())
            out["imports_before"][ri, li] = float(v0[mine].sum())
            out["imports_after"][ri, li] = float(r.v1[mine].sum())
            out["sales_change"][ri, li] = float((r.v1[mine] - v0[mine]).sum())
    out = {k: v / 1e9 for k, v in out.items()}
    return StakeTable(partner, day, levels, forms, passthroughs, out, base, prov)
