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


_PARTS = ("mfn", "s232", "ieepa_reciprocal", "ieepa_fentanyl", "ieepa_other", "s122", "s301")


@lru_cache(maxsize=1)
def _flows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 2024 flows (HTS10, origin, value), from the disk cache when present."""
    from tariffsim.negotiation import cache

    path = cache.entry("flows", {"flows": "census-2024"})
    z = cache.load(path)
    if z is not None:
        return z["hs10"], z["origin"], z["value"]
    from tariffsim.duties.flows import default_flows

    f = default_flows()
    out = (np.asarray(f.hs10), np.asarray(f.origin), np.asarray(f.value_usd, float))
    cache.save(path, {"hs10": out[0], "origin": out[1], "value": out[2]})
    return out


@lru_cache(maxsize=16)
def law_on(day: dt.date, as_known_on: dt.date | None = None) -> LawOnDay:
    """Rates of every 2024 HTS10 × partner flow on ``day`` (total and by authority), by the US
    measure library — as known on ``as_known_on`` when the schedule supports that. Cached on disk
    per library version and day."""
    import inspect

    from tariffsim.negotiation import cache
    from tariffsim.schedule import load_schedule

    kw: dict[str, Any] = {}
    if as_known_on is not None and "as_known_on" in inspect.signature(load_schedule).parameters:
        kw["as_known_on"] = as_known_on
    path = cache.entry("law", {"day": day, "known": kw.get("as_known_on")})
    hs10, origin, value = _flows()
    z = cache.load(path)
    if z is None:
        from tariffsim.duties.flows import default_flows

        f = default_flows()
        s = load_schedule(**kw)
        c = s.compile(
            hs10=f.hs10, origin=f.origin, start=day, end=day + dt.timedelta(days=1), shares=f.shares
        )
        ba = c.by_authority
        z = {"total": np.asarray(c.total[0], float)}
        for name in _PARTS:
            if name in ba:
                z[name] = np.asarray(ba[name][0], float)
        cache.save(path, z)
    zero = np.zeros(hs10.shape[0])
    parts = {k: v for k, v in z.items() if k != "total"}
    return LawOnDay(
        day=day,
        hs10=hs10,
        origin=origin,
        value=value,
        total=z["total"],
        mfn=parts.get("mfn", zero),
        s232=parts.get("s232", zero),
        reciprocal=parts.get("ieepa_reciprocal", zero),
        version=cache.law_key(),
        parts=parts,
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
    """Rows whose HTS10 code starts with one of ``prefixes`` (integer arithmetic per prefix length)."""
    if not len(prefixes):
        return np.zeros(hs10.shape[0], dtype=bool)
    codes = _codes(hs10)
    by_len: dict[int, list[int]] = {}
    for p in prefixes:
        by_len.setdefault(len(p), []).append(int(p))
    mask = np.zeros(codes.shape[0], dtype=bool)
    for n, ps in by_len.items():
        mask |= np.isin(codes // 10 ** (10 - n), np.asarray(ps, dtype=np.int64))
    return mask


_CODES: dict[int, np.ndarray] = {}


def _codes(hs10: np.ndarray) -> np.ndarray:
    key = id(hs10)
    got = _CODES.get(key)
    if got is None or got.shape[0] != hs10.shape[0]:
        got = hs10.astype(np.int64)
        _CODES.clear()
        _CODES[key] = got
    return got


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


def nominal_reciprocal(
    law: LawOnDay, rows: np.ndarray, measures: Sequence[str] = ("reciprocal",)
) -> float:
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
    import json

    from tariffsim.negotiation import cache

    spec = _Spec(*key_spec)
    path = cache.entry(
        "stakes",
        {
            "p": partner,
            "d": day,
            "k": as_known_on,
            "s": key_spec,
            "l": levels,
            "f": forms,
            "r": passthroughs,
        },
    )
    z = cache.load(path)
    if z is not None:
        outs = {k[4:]: v for k, v in z.items() if k.startswith("out_")}
        prov = json.loads(str(z["provenance"]))
        return StakeTable(partner, day, levels, forms, passthroughs, outs, float(z["base"]), prov)
    tab = _pe_stakes(partner, day, spec, levels, forms, passthroughs, as_known_on)
    arrays = {f"out_{k}": v for k, v in tab.outputs.items()}
    arrays["base"] = np.asarray(tab.base_usd)
    arrays["provenance"] = np.asarray(json.dumps(tab.provenance))
    cache.save(path, arrays)
    return tab


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
    # all levels at once: L stacked copies of the rows, product groups offset per copy
    G = uniq.shape[0]
    m = idx.shape[0]
    T1 = np.tile(t0, L)
    for li, (lv, form) in enumerate(zip(levels, forms, strict=True)):
        seg = T1[li * m : (li + 1) * m]
        seg[mine] = new_rates(law, idx[mine], lv, form, nominal, spec.measures)
    lvl = np.repeat(np.arange(L), m)
    groups_all = np.tile(groups, L) + lvl * G
    v0_all, t0_all = np.tile(v0, L), np.tile(t0, L)
    mine_all = np.tile(mine, L)
    sigma_all = np.tile(sigma, L)
    gl = np.repeat(np.arange(L), G)

    def by_level(x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is None:
            return np.bincount(lvl, weights=x, minlength=L)
        return np.bincount(lvl[rows], weights=x[rows], minlength=L)

    for ri, rho in enumerate(passthroughs):
        r = solve_pe(
            groups=groups_all,
            v0=v0_all,
            t0=t0_all,
            t1=T1,
            sigma=sigma_all,
            eta=1.0,
            passthrough=rho,
        )
        dv = r.v1 - v0_all
        out["revenue"][ri] = np.bincount(gl, weights=r.revenue_change, minlength=L)
        out["buyers"][ri] = np.bincount(gl, weights=r.consumer_surplus_change, minlength=L)
        ex = v0_all * (r.p_star_hat - 1.0) * (1.0 + r.q_hat) / 2.0
        out["exporters"][ri] = by_level(ex, mine_all)
        out["import_loss"][ri] = -by_level(dv)
        out["diversion"][ri] = by_level(dv, ~mine_all)
        out["duty_static"][ri] = by_level(T1 * v0_all, mine_all)
        out["imports_before"][ri] = by_level(v0_all, mine_all)
        out["imports_after"][ri] = by_level(r.v1, mine_all)
        out["sales_change"][ri] = by_level(dv, mine_all)
    out = {k: v / 1e9 for k, v in out.items()}
    return StakeTable(partner, day, levels, forms, passthroughs, out, base, prov)
