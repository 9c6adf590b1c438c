r"""Stakes of a tariff issue for the US and a partner, from the project's own PE and GE models.

A **tariff issue** (:class:`TariffIssue`) is a product scope, a form and a list of levels:

* scope — ``"reciprocal"`` (every product of the partner subject to the reciprocal duty on the
  as-of date), ``"all"`` (every product), ``"hs:8703,8704.21"`` (HTS prefixes) or
  ``"list:s232_auto_parts"`` (a named product list of the US measure library, whatever its dates);
* form — ``add_on`` (the level replaces the issue's instrument and stacks on everything else),
  ``floor`` (MFN-inclusive all-in: "X% or MFN if higher", stacked only on measures other than the
  instrument and MFN) or ``total`` (the level is the whole duty);
* the instrument (``replaces``) — the measures whose duty the level replaces: by default the
  reciprocal duty (authority ``ieepa_reciprocal``) for ``reciprocal``/``all``/``hs:`` scopes, and the
  measures that tax a named list for ``list:`` scopes (e.g. ``s232_auto_parts``).

With ``R`` the instrument's duty on a row, ``M`` its MFN duty, ``t`` its total on the as-of date and
``s`` the row's share of the instrument's headline rate (``R`` over the import-weighted most common
positive ``R`` of the scope, capped at 1: a Section 232 derivative pays the reciprocal duty on its
non-metal share, a USMCA car the car duty on its non-US content), a level ``L`` gives
``t - R + s·L`` (add_on), ``t - R - M + max(M, s·L)`` (floor), ``L`` (total) or ``t + L`` (extra: a
new duty on top of everything).

**No flow is priced by two issues.** :func:`stakes_for_issues` resolves the scopes of a case's
issues together: a flow belongs to the first issue whose scope holds it, named lists and HS
prefixes before ``reciprocal`` and ``all`` (so auto parts taxed by the auto issue are not also in
the reciprocal base, whatever the date of the Section 232 parts duty).

**What is computed, per level, relative to the law in force on the as-of date** (US$ bn a year,
:class:`LevelStakes`):

* from the PE (per HTS10, every origin, each competitor at its own rate that day;
  :mod:`tariffsim.models.pe`): US tariff revenue, US buyers' surplus (the area under the CES import
  demand), the partner exporters' surplus (the duty they absorb, :math:`-\sum V_0 (1-\hat p^*)
  (1+\hat q)/2`: with export supply perfectly elastic at their price, lost volume itself carries no
  surplus; the sales change is reported beside it), the US terms-of-trade gain, the partner's
  imports before and after, and the diversion to or from each competitor;
* from the GE (194 countries, :mod:`tariffsim.models.ge`): US and partner welfare (% and US$ bn of
  the 2023 economy), terms of trade (export cost over the import-weighted cost of suppliers),
  employment and tariff revenue.

The PE starts from the as-of flows: the 2024 Census flows carried by the same PE from the law of
:data:`tariffsim.models.pe.BASELINE_DATE` to the law on the as-of date. The GE starts from the
law on the as-of date as :func:`tariffsim.models.law_tariffs.ge_tariffs_from_schedule` maps it.

**Caching.** The as-of state (tariffs, instrument duties, as-of flows, GE tariff vector) is
computed once per (law, data, as-of date, horizon) and kept in memory (the 8 most recent) and in
``$TARIFFSIM_CACHE`` by :mod:`tariffsim.models.stakes_state`. The GE status quo is solved on the
first GE use of a state; each level's result is kept in memory for the process. A new partner on a
cached date costs the PE of each level in closed form on the products it sells and one
warm-started GE solve per level.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.models.stakes_state import RECIPROCAL, State, state

Form = Literal["add_on", "floor", "total", "extra"]
FORMS: tuple[str, ...] = ("add_on", "floor", "total", "extra")
BN = 1e9


# ----------------------------------------------------------------------------------------------
# Issues and scopes


@dataclass(frozen=True)
class TariffIssue:
    """A tariff issue: ``scope`` (one or more scope strings), ``form``, ``levels`` (fractions)."""

    name: str
    scope: tuple[str, ...]
    form: Form = "add_on"
    levels: tuple[float, ...] = ()
    replaces: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        scope = (self.scope,) if isinstance(self.scope, str) else tuple(self.scope)
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "levels", tuple(float(x) for x in self.levels))
        if self.replaces is not None:
            object.__setattr__(self, "replaces", tuple(self.replaces))
        if not scope:
            raise InputError(f"issue {self.name!r}: empty scope", hint='e.g. scope "reciprocal"')
        for s in scope:
            parse_scope(s)
        if self.form not in FORMS:
            raise InputError(
                f"issue {self.name!r}: form {self.form!r} is not known",
                hint="use add_on, floor, total or extra",
            )
        for x in self.levels:
            if not math.isfinite(x) or not 0.0 <= x <= 10.0:
                raise InputError(
                    f"issue {self.name!r}: level {x!r} is not a rate in [0, 10]",
                    hint="levels are fractions: 0.15 for 15%",
                )

    @property
    def priority(self) -> int:
        """0 for issues with a named list or HS scope, 1 for ``reciprocal``, 2 for ``all``."""
        kinds = {parse_scope(s)[0] for s in self.scope}
        return 0 if kinds & {"hs", "list"} else (1 if "reciprocal" in kinds else 2)

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scope": list(self.scope),
            "form": self.form,
            "replaces": None if self.replaces is None else list(self.replaces),
        }


@dataclass(frozen=True)
class DomesticSector:
    r"""US producers of a sector, for their surplus (the caller supplies the sourced inputs).

    The sector's domestic shipments ``shipments_usd`` (US$/yr) compete with the imports of the
    products in ``scope`` (scope strings as for issues). Domestic output and the sector's import
    composite are CES substitutes (elasticity ``sigma``), total sector demand has elasticity
    ``demand_elasticity`` and domestic supply ``supply_elasticity`` — the perfect-competition PE of
    the USITC's modelling portal (Hallren & Riker 2017; Riker & Schreiber 2020). To first order, a
    change ``m = ln P̂_m`` of the sector's import price index (from the PE, spending-weighted over its
    products) moves the domestic price by

    .. math:: \ln\hat p_d = \frac{s_m(\sigma - \varepsilon_D)}{\varepsilon_S + \sigma s_m + \varepsilon_D s_d}\, m,

    with :math:`s_m` the import share of the sector's spending and :math:`s_d = 1 - s_m`; producers'
    surplus changes by :math:`D(\hat p_d - 1)(1 + \hat p_d^{\varepsilon_S})/2`.
    """

    name: str
    scope: tuple[str, ...]
    shipments_usd: float
    sigma: float
    supply_elasticity: float
    demand_elasticity: float
    source: str

    def __post_init__(self) -> None:
        scope = (self.scope,) if isinstance(self.scope, str) else tuple(self.scope)
        object.__setattr__(self, "scope", scope)
        for s in scope:
            parse_scope(s)
        for k in ("shipments_usd", "sigma", "supply_elasticity", "demand_elasticity"):
            x = getattr(self, k)
            if not (isinstance(x, int | float) and math.isfinite(x) and x > 0):
                raise InputError(f"sector {self.name!r}: {k} must be a positive number, got {x!r}")
        if not self.source.strip():
            raise InputError(
                f"sector {self.name!r}: say where shipments and elasticities come from"
            )

    def price_change(self, import_price_log_change: float, import_share: float) -> float:
        """ln p̂_d for a log change of the sector's import price index (first order)."""
        sm = import_share
        sd = 1.0 - sm
        den = self.supply_elasticity + self.sigma * sm + self.demand_elasticity * sd
        return sm * (self.sigma - self.demand_elasticity) * import_price_log_change / den

    def surplus_change_usd(self, import_price_log_change: float, import_share: float) -> float:
        """Change of the producers' surplus (US$/yr)."""
        p = math.exp(self.price_change(import_price_log_change, import_share))
        return self.shipments_usd * (p - 1.0) * (1.0 + p**self.supply_elasticity) / 2.0


def parse_scope(text: str) -> tuple[str, tuple[str, ...]]:
    """``"hs:8703, 8708.10"`` → ``("hs", ("8703", "870810"))``; ``"list:NAME"``; ``"reciprocal"``; ``"all"``."""
    t = str(text).strip()
    if t in ("reciprocal", "all"):
        return t, ()
    kind, _, rest = t.partition(":")
    kind = kind.strip().lower()
    if kind == "hs":
        out = []
        for item in rest.split(","):
            digits = "".join(ch for ch in item if not ch.isspace() and ch != ".")
            if not (digits.isdigit() and 2 <= len(digits) <= 10):
                raise InputError(
                    f"scope {text!r}: {item.strip()!r} is not an HS prefix of 2-10 digits",
                    hint='e.g. "hs:8703,8708.10"',
                )
            out.append(digits)
        return "hs", tuple(out)
    if kind == "list" and rest.strip():
        return "list", (rest.strip(),)
    raise InputError(
        f"scope {text!r} is not known",
        hint='use "reciprocal", "all", "hs:PREFIX,..." or "list:NAME"',
    )


# ----------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Figure:
    """One number and where it came from (for ``--explain``)."""

    value: float
    unit: str
    model: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _num(self.value),
            "unit": self.unit,
            "model": self.model,
            "source": self.source,
        }


def _num(x: float) -> float | None:
    """JSON-safe number: NaN (e.g. a partner the GE does not have) becomes None."""
    return None if isinstance(x, float) and math.isnan(x) else x


@dataclass(frozen=True)
class LevelStakes:
    """Stakes of one level, relative to the law on the as-of date."""

    level: float
    figures: dict[str, Figure]
    diversion_bn: dict[str, float]

    def value(self, key: str) -> float:
        return self.figures[key].value

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            **{k: _num(f.value) for k, f in self.figures.items()},
            "diversion_bn": dict(self.diversion_bn),
        }


@dataclass(frozen=True)
class Stakes:
    """The stakes of one issue for one partner on one date, level by level."""

    partner: str
    members: tuple[str, ...]
    as_of: dt.date
    horizon: str
    issue: TariffIssue
    status_quo_level: float
    base_bn: float
    levels: tuple[LevelStakes, ...]
    excluded_bn: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

    def level(self, x: float) -> LevelStakes:
        for lv in self.levels:
            if abs(lv.level - x) < 1e-12:
                return lv
        raise InputError(
            f"level {x} not computed", hint=f"levels: {[lv.level for lv in self.levels]}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "members": list(self.members),
            "as_of": self.as_of.isoformat(),
            "horizon": self.horizon,
            "issue": self.issue.spec(),
            "status_quo_level": self.status_quo_level,
            "base_bn": self.base_bn,
            "excluded_bn": dict(self.excluded_bn),
            "levels": [lv.to_dict() for lv in self.levels],
            "explain": {k: f.to_dict() for k, f in self.levels[0].figures.items()}
            if self.levels
            else {},
            "provenance": dict(self.provenance),
        }

    def frame(self) -> Any:
        """One row per level, one column per figure (US$ bn or %)."""
        import polars as pl

        return pl.DataFrame(
            [
                {"level": lv.level, **{k: f.value for k, f in lv.figures.items()}}
                for lv in self.levels
            ]
        )


# ----------------------------------------------------------------------------------------------
# Scopes → rows, instrument duty


def partner_members(partner: str) -> tuple[str, tuple[str, ...]]:
    """(code, member ISO3 codes) of a partner: an ISO3 code or a group such as ``EU``."""
    from tariffsim.core import countries

    code = countries.resolve(partner)
    if code == "USA":
        raise InputError("the partner cannot be the United States", hint="e.g. JPN or EU")
    members = countries.expand(code) if countries.is_group(code) else (code,)
    return code, tuple(members)


def _scope_mask(st: State, scope: str, partner_rows: np.ndarray) -> np.ndarray:
    kind, items = parse_scope(scope)
    hs = st.hs_int[partner_rows]
    if kind == "all":
        return np.ones(len(partner_rows), bool)
    if kind == "reciprocal":
        return st.reciprocal_mask[partner_rows]
    if kind == "hs":
        return prefix_mask(hs, items, ())
    name = items[0]
    if name not in st.list_prefixes:
        raise InputError(
            f"scope list:{name} is not a product list of the measure library",
            hint=f"known lists: {', '.join(sorted(st.list_prefixes))}",
        )
    inc, exc = st.list_prefixes[name]
    return prefix_mask(hs, inc, exc)


def prefix_mask(hs: np.ndarray, include: Sequence[str], exclude: Sequence[str] = ()) -> np.ndarray:
    """Rows whose HS10 (int64 codes) starts with one of ``include`` and none of ``exclude``: per
    prefix length n, ``hs // 10^(10-n)`` is among the prefixes of that length."""

    def match(prefixes: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(hs), bool)
        by_len: dict[int, list[int]] = {}
        for p in set(prefixes):
            by_len.setdefault(len(p), []).append(int(p))
        for n, vals in by_len.items():
            out |= np.isin(hs // 10 ** (10 - n), np.asarray(vals, np.int64))
        return out

    return match(include) & ~match(exclude) if exclude else match(include)


def _instrument(st: State, issue: TariffIssue) -> tuple[str, ...]:
    """Measure ids whose duty the issue's level replaces."""
    if issue.replaces is not None:
        out = []
        for r in issue.replaces:
            hits = [m for m, a in st.authority.items() if m == r or a == r]
            if not hits:
                raise InputError(
                    f"issue {issue.name!r}: replaces {r!r} is neither a measure nor an authority",
                    hint=f"authorities: {', '.join(sorted(set(st.authority.values())))}",
                )
            out += hits
        return tuple(dict.fromkeys(out))
    lists = [parse_scope(s)[1][0] for s in issue.scope if parse_scope(s)[0] == "list"]
    ms = [m for name in lists for m in st.list_measures.get(name, [])]
    if ms:
        # The list's measures and those they displace (e.g. the reciprocal duty, which does not
        # apply where a Section 232 duty does): a deal on the list sets the whole duty they set.
        ms += [d for m in list(ms) for d in st.displaced_by.get(m, [])]
        return tuple(dict.fromkeys(ms))
    return tuple(m for m, a in st.authority.items() if a == RECIPROCAL)


def _dense(st: State, measures: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Sum of the measures' duties on ``rows`` (state row indices)."""
    key = tuple(measures)
    full = st.instrument_cache.get(key)
    if full is None:
        full = np.zeros(len(st.t_asof))
        for m in measures:
            r, v = st.parts.get(m, (np.zeros(0, np.int64), np.zeros(0)))
            np.add.at(full, r, v)
        st.instrument_cache[key] = full
    return full[rows]


def nominal_level(st: State, issue: TariffIssue, rows: np.ndarray) -> float:
    """The instrument's headline rate on the rows: the import-weighted most common positive duty.

    Lines that pay the instrument on part of their value (the non-metal share of a Section 232
    derivative, the non-US content of a USMCA car) pay less than it.
    """
    r = _dense(st, _instrument(st, issue), rows)
    pos = r > 0
    if not pos.any():
        return 0.0
    vals, inv = np.unique(np.round(r[pos], 6), return_inverse=True)
    return float(vals[int(np.argmax(np.bincount(inv, weights=st.v_asof[rows][pos] + 1e-9)))])


def new_rates(
    st: State, issue: TariffIssue, rows: np.ndarray, level: float, nominal: float | None = None
) -> np.ndarray:
    """Total duty of ``rows`` when the issue is set to ``level`` (see the module docstring).

    ``add_on`` and ``floor`` scale the level by each line's share of the instrument's headline rate
    (``R / nominal``, 1 where the line pays it in full), so a line taxed on part of its value stays
    taxed on that part: add_on ``t - R + share·L``; floor ``t - R - M + max(M, share·L)``.
    ``total`` is ``L``; ``extra`` adds ``L`` on top of everything (a pending new duty).
    ``nominal``: :func:`nominal_level` of the issue on ``rows`` when the caller has it (it does not
    depend on the level).
    """
    t = st.t_asof[rows]
    if issue.form == "total":
        return np.full(len(rows), level)
    if issue.form == "extra":
        return t + level
    r = _dense(st, _instrument(st, issue), rows)
    if nominal is None:
        nominal = nominal_level(st, issue, rows)
    share = np.clip(r / nominal, 0.0, 1.0) if nominal > 0 else np.ones(len(rows))
    share = np.where(r > 0, share, 1.0)
    m = st.mfn[rows]
    if issue.form == "add_on":
        return t - r + share * level
    return t - r - m + np.maximum(m, share * level)


def status_quo_level(st: State, issue: TariffIssue, rows: np.ndarray) -> float:
    """Import-weighted level of the issue's instrument today, in the issue's form."""
    w = st.v_asof[rows]
    if w.sum() <= 0:
        return 0.0
    r = _dense(st, _instrument(st, issue), rows)
    x = {
        "add_on": r,
        "floor": r + st.mfn[rows],
        "total": st.t_asof[rows],
        "extra": np.zeros(len(rows)),
    }[issue.form]
    return float((x * w).sum() / w.sum())


def resolve_scopes(
    st: State, members: Sequence[str], issues: Sequence[TariffIssue]
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, float]]]:
    """Disjoint state rows of each issue for the partner, and the value each lost to earlier issues."""
    member_codes = np.flatnonzero(np.isin(st.origin_names, list(members)))
    prow = np.flatnonzero(np.isin(st.origin_code, member_codes) & (st.v2024 > 0))
    claimed = np.zeros(len(prow), bool)
    owner: dict[int, str] = {}
    rows: dict[str, np.ndarray] = {}
    excluded: dict[str, dict[str, float]] = {}
    order = sorted(range(len(issues)), key=lambda i: (issues[i].priority, i))
    for i in order:
        iss = issues[i]
        mask = np.zeros(len(prow), bool)
        for s in iss.scope:
            mask |= _scope_mask(st, s, prow)
        lost = mask & claimed
        excluded[iss.name] = {}
        for i in np.flatnonzero(lost).tolist():
            o = owner[i]
            excluded[iss.name][o] = excluded[iss.name].get(o, 0.0) + float(st.v_asof[prow[i]]) / BN
        take = mask & ~claimed
        for i in np.flatnonzero(take).tolist():
            owner[i] = iss.name
        claimed |= take
        rows[iss.name] = prow[take]
    return rows, excluded


# ----------------------------------------------------------------------------------------------
# PE and GE per level


@dataclass
class _LevelContext:
    """What the levels of one issue share: the touched products (every origin of each) split into
    the issue's rows (C, whose duty the level sets) and the others (U, duty unchanged)."""

    prow: np.ndarray  # problem rows of C (in problem order)
    keep: np.ndarray  # which of the issue's rows are in the problem (positive value, known origin)
    perm: np.ndarray  # position in C of each kept issue row
    groups: np.ndarray  # touched products (problem product index)
    gi: np.ndarray  # local product of each C row
    v0: np.ndarray  # C rows: as-of value, duty, pass-through, origin code, partner member?
    t0: np.ndarray
    rho: Any
    code: np.ndarray
    is_p: np.ndarray
    theta: np.ndarray  # C rows' share of their product's duty-inclusive spending
    theta_u: np.ndarray  # per product: the U rows' share
    e0: np.ndarray  # per product: duty-inclusive spending
    sigma: np.ndarray  # per product
    eta: np.ndarray  # per product
    u_group: np.ndarray  # U rows: local product, origin code, as-of value
    u_code: np.ndarray
    u_v0: np.ndarray
    u_tv: np.ndarray  # per product: Σ_U t0·v0, Σ_U v0, Σ_{U, partner} v0
    u_v: np.ndarray
    u_pv: np.ndarray
    member_codes: np.ndarray
    partner_before: float


def _product_rows(
    st: State, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The PE rows that a change on ``rows`` touches: every origin of the touched products.

    Returns ``keep`` (which of ``rows`` are in the PE problem), ``prow`` (their problem rows),
    ``groups`` (the touched products, sorted), ``lens`` (rows of each product) and ``sel`` (the
    problem rows of those products, product by product: a product's rows are contiguous, from
    ``group_start`` to ``group_end``)."""
    prow = st.pos_of_state[rows]
    keep = prow >= 0
    prow = prow[keep]
    groups = np.unique(st.problem.groups[prow])
    starts, ends = st.group_start[groups], st.group_end[groups]
    lens = ends - starts
    sel = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(
        lens.sum()
    )
    return keep, prow, groups, lens, sel


def _level_context(st: State, rows: np.ndarray, members: Sequence[str]) -> _LevelContext:
    key = (hashlib.sha1(rows.tobytes()).hexdigest(), tuple(members))
    got = st.pe_ctx.get(key)
    if got is not None:
        return got
    prob = st.problem
    keep, prow, groups, lens, sel = _product_rows(st, rows)
    local = np.repeat(np.arange(len(groups)), lens)
    where = np.searchsorted(sel, prow)
    in_c = np.zeros(len(sel), bool)
    in_c[where] = True
    v0, t0 = prob.v0[sel], prob.t0[sel]
    d0 = v0 * (1.0 + t0)
    e0 = np.bincount(local, weights=d0, minlength=len(groups))
    theta = np.divide(d0, e0[local], out=np.zeros_like(d0), where=e0[local] > 0)
    codes = st.origin_code[st.rows_of_problem[sel]]
    member_codes = np.flatnonzero(np.isin(st.origin_names, list(members)))
    is_p = np.isin(codes, member_codes)
    u = ~in_c
    ng = len(groups)
    rho = st.rho_rows
    if rho is not None and np.ndim(rho) > 0:
        rho = np.asarray(rho)[sel][in_c]
    got = _LevelContext(
        prow=sel[in_c],
        keep=keep,
        perm=np.searchsorted(np.flatnonzero(in_c), where),
        groups=groups,
        gi=local[in_c],
        v0=v0[in_c],
        t0=t0[in_c],
        rho=1.0 if rho is None else rho,
        code=codes[in_c],
        is_p=is_p[in_c],
        theta=theta[in_c],
        theta_u=np.bincount(local[u], weights=theta[u], minlength=ng),
        e0=e0,
        sigma=st.params.sigma(prob.sigma_raw[groups]),
        eta=np.broadcast_to(np.asarray(st.params.eta, float), (ng,)),
        u_group=local[u],
        u_code=codes[u],
        u_v0=v0[u],
        u_tv=np.bincount(local[u], weights=t0[u] * v0[u], minlength=ng),
        u_v=np.bincount(local[u], weights=v0[u], minlength=ng),
        u_pv=np.bincount(local[u & is_p], weights=v0[u & is_p], minlength=ng),
        member_codes=member_codes,
        partner_before=float(st.v_asof[np.isin(st.origin_code, member_codes)].sum()),
    )
    return st.pe_ctx.put(key, got)


def _pe_level(
    st: State, rows: np.ndarray, t_new: np.ndarray, members: Sequence[str]
) -> dict[str, Any]:
    r"""The PE of one level: new duties ``t_new`` on the state rows ``rows`` (sorted).

    Solved on the touched products only (products are independent), and there in closed form
    (export supply perfectly elastic, :math:`\omega = \infty`, as every horizon has it): with
    :math:`\hat p_s = \hat\tau_s^{\rho_s}` on the issue's rows C and :math:`\hat p_s = 1` on the
    other rows U of the product,
    :math:`\hat P^{1-\sigma} = \sum_U \theta_s + \sum_C \theta_s \hat p_s^{1-\sigma}`, and every U
    row's spending moves by the same :math:`\hat D_U = \hat P^{\sigma-1}\hat E`, so the U rows
    enter through per-product sums (and one pass for the diversion by origin). The same
    equations as :func:`tariffsim.models.pe_core.solve_pe` (tested equal to it to 1e-12).
    """
    if not np.isinf(st.params.omega):
        return _pe_level_full(st, rows, t_new, members)
    from tariffsim.core.errors import SolverDiagnostics

    cx = _level_context(st, rows, members)
    t1 = np.empty(len(cx.prow))
    t1[cx.perm] = t_new[cx.keep]
    log_tau = np.log((1.0 + t1) / (1.0 + cx.t0))
    log_p = cx.rho * log_tau
    s_row = cx.sigma[cx.gi]
    z = (1.0 - s_row) * log_p
    ng = len(cx.groups)
    tot = cx.theta_u + np.bincount(cx.gi, weights=cx.theta * np.exp(z), minlength=ng)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_idx = np.where(tot > 0, np.log(tot) / (1.0 - cx.sigma), 0.0)
    e_hat = np.exp(log_idx) ** (1.0 - cx.eta)
    d_u = np.exp((cx.sigma - 1.0) * log_idx) * e_hat  # spending change of every U row
    d_c = np.exp(z + (s_row - 1.0) * log_idx[cx.gi]) * e_hat[cx.gi]
    v1 = cx.v0 * d_c * np.exp(-log_tau)
    q_hat = d_c / np.exp(log_p)
    p_star = np.exp(log_p - log_tau)
    dv = v1 - cx.v0
    du = d_u - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.abs(1.0 - cx.eta) < 1e-12
        dcs = np.where(
            unit,
            -cx.e0 * log_idx,
            -cx.e0 * (np.exp(log_idx) ** (1.0 - cx.eta) - 1.0) / np.where(unit, 1.0, 1.0 - cx.eta),
        )
    n_o = len(st.origin_names)
    by_origin = np.bincount(cx.code, weights=dv, minlength=n_o) + np.bincount(
        cx.u_code, weights=cx.u_v0 * du[cx.u_group], minlength=n_o
    )
    members_set = set(cx.member_codes.tolist())
    div = {
        str(st.origin_names[i]): float(by_origin[i]) / BN
        for i in np.flatnonzero(by_origin)
        if i not in members_set
    }
    sales = float(dv[cx.is_p].sum() + (du * cx.u_pv).sum())
    return {
        "revenue": float((t1 * v1 - cx.t0 * cx.v0).sum() + (du * cx.u_tv).sum()),
        "buyers": float(dcs.sum()),
        "tot": float((cx.v0 * q_hat * (1.0 - p_star)).sum()),
        "exporters": float(-(cx.v0 * (1.0 - p_star) * (1.0 + q_hat) / 2.0)[cx.is_p].sum()),
        "sales": sales,
        "partner_before": cx.partner_before,
        "partner_after": cx.partner_before + sales,
        "us_imports_change": float(dv.sum() + (du * cx.u_v).sum()),
        "diversion": div,
        "products": ng,
        "diagnostics": SolverDiagnostics(0, 0.0, 1e-12, True, {"model": "pe", "products": ng}),
        "product_codes": st.problem.products[cx.groups],
        "log_price_index": log_idx,
        "spending": cx.e0,
    }


def _pe_level_full(
    st: State, rows: np.ndarray, t_new: np.ndarray, members: Sequence[str]
) -> dict[str, Any]:
    """:func:`_pe_level` by :func:`tariffsim.models.pe.solve_problem` on every row of the touched
    products (any export-supply elasticity; the reference the closed form is tested against)."""
    from dataclasses import replace

    from tariffsim.models.pe import solve_problem

    prob = st.problem
    # Problem rows of the touched products (every origin), and where the issue's rows sit in them.
    prow = st.pos_of_state[rows]
    keep = prow >= 0
    prow, t_new = prow[keep], t_new[keep]
    groups = np.unique(prob.groups[prow])
    starts, ends = st.group_start[groups], st.group_end[groups]
    lens = ends - starts
    sel = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(
        lens.sum()
    )
    sub = replace(
        prob,
        product=prob.product[sel],
        origin=prob.origin[sel],
        v0=prob.v0[sel],
        t0=prob.t0[sel],
        t1=prob.t0[sel].copy(),
        groups=np.repeat(np.arange(len(groups)), lens),
        products=prob.products[groups],
        sigma_raw=prob.sigma_raw[groups],
        sigma_source=prob.sigma_source[groups],
        rows=None,
    )
    where = np.searchsorted(sel, prow)
    sub.t1[where] = t_new
    rho = st.rho_rows if np.ndim(st.rho_rows) == 0 else st.rho_rows[sel]
    out = solve_problem(sub, st.params, passthrough=rho)
    codes = st.origin_code[st.rows_of_problem[sel]]
    member_codes = np.flatnonzero(np.isin(st.origin_names, list(members)))
    is_p = np.isin(codes, member_codes)
    v0, v1 = sub.v0, out.v1
    dv = v1 - v0
    exporter = -(v0 * (1.0 - out.p_star_hat) * (1.0 + out.q_hat) / 2.0)[is_p].sum()
    by_origin = np.bincount(codes, weights=dv, minlength=len(st.origin_names))
    div = {
        str(st.origin_names[i]): float(by_origin[i]) / BN
        for i in np.flatnonzero(by_origin)
        if i not in set(member_codes.tolist())
    }
    partner_before = float(st.v_asof[np.isin(st.origin_code, member_codes)].sum())
    return {
        "revenue": float(out.revenue_change.sum()),
        "buyers": float(out.consumer_surplus_change.sum()),
        "tot": float(out.tot_gain.sum()),
        "exporters": float(exporter),
        "sales": float(dv[is_p].sum()),
        "partner_before": partner_before,
        "partner_after": partner_before + float(dv[is_p].sum()),
        "us_imports_change": float(dv.sum()),
        "diversion": div,
        "products": len(groups),
        "diagnostics": out.diagnostics,
        "product_codes": sub.products,
        "log_price_index": np.log(out.price_index_hat),
        "spending": np.bincount(sub.groups, weights=v0 * (1.0 + sub.t0), minlength=len(groups)),
    }


def _ge_status_quo(st: State) -> tuple[Any, Any]:
    if st.ge is None:
        from tariffsim.models import ge
        from tariffsim.models.ge_data import load_model
        from tariffsim.models.ge_scenarios import us_import_tariffs

        model = load_model("short_run" if st.horizon == "short-run" else "baseline")
        eq = ge.solve(model, us_import_tariffs(model, st.ge_rates))
        st.ge = (model, eq)
    return st.ge


def ge_rates_with(
    st: State, rows: np.ndarray, t_new: np.ndarray, members: Sequence[str]
) -> np.ndarray:
    """The GE US tariff vector with the members' entries recomputed for new row rates.

    As in :func:`tariffsim.models.law_tariffs.ge_tariffs_from_schedule`: each member's entry is the
    2024-import-weighted mean of ``(1 + t)/(1 + t_base)`` over its HTS10 lines, ``t_base`` the law
    on the GE baseline date.
    """
    model, _ = _ge_status_quo(st)
    rates = np.array(st.ge_rates, float)
    codes = np.flatnonzero(np.isin(st.origin_names, [c for c in members if c in model.iso3]))
    mrows = np.flatnonzero(np.isin(st.origin_code, codes))
    g = (1.0 + st.t_asof[mrows]) / (1.0 + st.t_ge_base[mrows])
    pos = np.searchsorted(mrows, rows)
    g[pos] = (1.0 + t_new) / (1.0 + st.t_ge_base[rows])
    w = st.v2024[mrows]
    oc = st.origin_code[mrows]
    n = len(st.origin_names)
    num = np.bincount(oc, weights=g * w, minlength=n)
    den = np.bincount(oc, weights=w, minlength=n)
    for k in codes:
        if den[k] > 0:
            rates[model.index(str(st.origin_names[k]))] = num[k] / den[k] - 1.0
    return rates


def ge_outcomes(model: Any, eq: Any, eq0: Any, members: Sequence[str]) -> dict[str, Any]:
    """GE figures of ``eq`` relative to ``eq0`` for the US and the partner's members (E-weighted)."""
    from tariffsim.models.ge import welfare_change

    w1, w0 = welfare_change(model, eq), welfare_change(model, eq0)
    rel_w = (1.0 + w1) / (1.0 + w0) - 1.0
    cost1 = eq.w_hat * eq.L_hat ** (-model.psi)
    cost0 = eq0.w_hat * eq0.L_hat ** (-model.psi)
    x = np.array(model.X, float)
    np.fill_diagonal(x, 0.0)
    imp_w = x / x.sum(axis=0)[None, :]
    tot1 = cost1 / (imp_w.T @ cost1)
    tot0 = cost0 / (imp_w.T @ cost0)
    rel_tot = tot1 / tot0 - 1.0
    rel_l = eq.L_hat / eq0.L_hat - 1.0
    d_rev = (eq.revenue - eq0.revenue) * 1e3  # thousands USD -> USD
    e_usd = model.E * 1e3
    us = model.us
    idx = [model.index(c) for c in members if c in model.iso3]
    wts = e_usd[idx] / e_usd[idx].sum() if idx else np.zeros(0)
    return {
        "us_welfare_pct": 100 * float(rel_w[us]),
        "us_welfare_bn": float(rel_w[us] * e_usd[us]) / BN,
        "us_tot_pct": 100 * float(rel_tot[us]),
        "us_employment_pct": 100 * float(rel_l[us]),
        "us_revenue_bn": float(d_rev[us]) / BN,
        "partner_welfare_pct": 100 * float((rel_w[idx] * wts).sum()) if idx else float("nan"),
        "partner_welfare_bn": float((rel_w[idx] * e_usd[idx]).sum()) / BN if idx else float("nan"),
        "partner_tot_pct": 100 * float((rel_tot[idx] * wts).sum()) if idx else float("nan"),
        "partner_employment_pct": 100 * float((rel_l[idx] * wts).sum()) if idx else float("nan"),
        "partner_revenue_bn": float(d_rev[idx].sum()) / BN if idx else float("nan"),
        "ge_members": [c for c in members if c in model.iso3],
    }


def _ge_level(
    st: State, rows: np.ndarray, t_new: np.ndarray, members: Sequence[str]
) -> dict[str, Any]:
    from tariffsim.models import ge
    from tariffsim.models.ge_scenarios import us_import_tariffs

    model, eq0 = _ge_status_quo(st)
    rates = ge_rates_with(st, rows, t_new, members)
    eq = ge.solve(model, us_import_tariffs(model, rates), z0=eq0.z)
    out = ge_outcomes(model, eq, eq0, members)
    out["partner_rate_change"] = {
        c: float(rates[model.index(c)] - st.ge_rates[model.index(c)]) for c in out["ge_members"]
    }
    return out


# ----------------------------------------------------------------------------------------------
# Public API


def stakes_for_issues(
    partner: str,
    as_of: dt.date | str,
    issues: Sequence[TariffIssue],
    *,
    horizon: str = "short-run",
    ge: bool = True,
    sectors: Sequence[DomesticSector] = (),
    as_known_on: dt.date | None = None,
) -> dict[str, Stakes]:
    """Stakes of every issue of a case for one partner, scopes resolved jointly (no double count).

    Each issue is valued with the other issues at their status quo. ``as_of`` is a date or an ISO
    string; ``horizon`` is ``short-run`` or ``long-run``; ``ge=False`` skips the GE figures;
    ``sectors`` adds ``us_producers_surplus_bn:<name>`` for each :class:`DomesticSector`;
    ``as_known_on`` rates the law as published by that day (``Schedule.as_known_on``: a value
    published later, e.g. a retroactive cut, is not yet known), default the law in force.
    """
    from tariffsim.core.dates import parse_date
    from tariffsim.models.horizons import check_horizon

    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    check_horizon(horizon)
    names = [i.name for i in issues]
    if len(set(names)) != len(names):
        raise InputError(f"issue names must be distinct, got {names}")
    code, members = partner_members(partner)
    st = state(day, horizon, as_known_on)
    rows_by, excluded = resolve_scopes(st, members, issues)
    out = {}
    for iss in issues:
        out[iss.name] = _stakes_one(
            st, code, members, iss, rows_by[iss.name], excluded[iss.name], ge, tuple(sectors)
        )
    return out


def stakes(
    partner: str,
    as_of: dt.date | str,
    issue: TariffIssue,
    *,
    horizon: str = "short-run",
    ge: bool = True,
    sectors: Sequence[DomesticSector] = (),
    as_known_on: dt.date | None = None,
) -> Stakes:
    """Stakes of one issue (its scope alone; use :func:`stakes_for_issues` for a case's issues)."""
    return stakes_for_issues(
        partner, as_of, [issue], horizon=horizon, ge=ge, sectors=sectors, as_known_on=as_known_on
    )[issue.name]


def _stakes_one(
    st: State,
    code: str,
    members: tuple[str, ...],
    issue: TariffIssue,
    rows: np.ndarray,
    excluded: dict[str, float],
    with_ge: bool,
    sectors: tuple[DomesticSector, ...] = (),
) -> Stakes:
    rows = np.sort(rows)
    data = (
        f"US imports for consumption 2024 by HTS10 x partner (Census), carried to {st.as_of} by the "
        f"PE; US measure library on {st.as_of}"
        + ("" if st.known is None else f" as known on {st.known}")
    )
    pe_model = f"PE: Armington-CES per HTS10, every origin ({st.horizon})"
    ge_model = f"GE: Ignatenko et al. (2025), 194 countries ({st.horizon})"
    ge_data = "ge_2023 trade matrix (CEPII BACI 2023); law on the as-of date via law_tariffs"
    levels = []
    spec_key = json.dumps(issue.spec(), sort_keys=True)
    rows_key = hashlib.sha1(rows.tobytes()).hexdigest()
    nominal = None  # the instrument's headline rate on the rows: once for every level
    for level in issue.levels:
        key = (code, spec_key, level, with_ge, rows_key, tuple(sectors))
        if key in st.levels:
            levels.append(st.levels[key])
            continue
        if nominal is None and issue.form in ("add_on", "floor"):
            nominal = nominal_level(st, issue, rows)
        t_new = new_rates(st, issue, rows, level, nominal)
        pe = _pe_level(st, rows, t_new, members)
        f = {
            "us_tariff_revenue_bn": Figure(pe["revenue"] / BN, "US$ bn/yr", pe_model, data),
            "us_buyers_surplus_bn": Figure(pe["buyers"] / BN, "US$ bn/yr", pe_model, data),
            "us_terms_of_trade_bn": Figure(pe["tot"] / BN, "US$ bn/yr", pe_model, data),
            "partner_exporters_surplus_bn": Figure(
                pe["exporters"] / BN, "US$ bn/yr", pe_model, data + "; the duty exporters absorb"
            ),
            "partner_sales_change_bn": Figure(pe["sales"] / BN, "US$ bn/yr", pe_model, data),
            "partner_imports_before_bn": Figure(
                pe["partner_before"] / BN, "US$ bn/yr", pe_model, data
            ),
            "partner_imports_after_bn": Figure(
                pe["partner_after"] / BN, "US$ bn/yr", pe_model, data
            ),
            "us_imports_change_bn": Figure(
                pe["us_imports_change"] / BN, "US$ bn/yr", pe_model, data
            ),
        }
        if with_ge:
            g = _ge_level(st, rows, t_new, members)
            for k in (
                "us_welfare_pct",
                "us_welfare_bn",
                "us_tot_pct",
                "us_employment_pct",
                "us_revenue_bn",
                "partner_welfare_pct",
                "partner_welfare_bn",
                "partner_tot_pct",
                "partner_employment_pct",
            ):
                unit = "%" if k.endswith("_pct") else "US$ bn (2023 economy)"
                f["ge_" + k] = Figure(float(g[k]), unit, ge_model, ge_data)
        for sec in sectors:
            f["us_producers_surplus_bn:" + sec.name] = _sector_figure(st, sec, pe)
        lv = LevelStakes(level=level, figures=f, diversion_bn=_top(pe["diversion"]))
        st.levels[key] = lv
        levels.append(lv)
    return Stakes(
        partner=code,
        members=members,
        as_of=st.as_of,
        horizon=st.horizon,
        issue=issue,
        status_quo_level=status_quo_level(st, issue, rows),
        base_bn=float(st.v_asof[rows].sum()) / BN,
        levels=tuple(levels),
        excluded_bn=excluded,
        provenance={
            "pe": st.params.describe() if st.params is not None else {},
            "instrument": list(_instrument(st, issue)),
            "state_key": st.key,
            "rows": len(rows),
        },
    )


def _sector_figure(st: State, sec: DomesticSector, pe: dict[str, Any]) -> Figure:
    """Producers' surplus of a US sector from the PE's import price changes in its products."""
    codes = np.asarray(pe["product_codes"]).astype(str)
    hs = np.where(np.char.isdigit(codes), codes, "0").astype(np.int64)
    mask = np.zeros(len(codes), bool)
    for scope in sec.scope:
        kind, items = parse_scope(scope)
        if kind in ("all", "reciprocal"):
            raise InputError(f"sector {sec.name!r}: give its products as hs: or list: scopes")
        if kind == "hs":
            mask |= prefix_mask(hs, items, ())
        else:
            if items[0] not in st.list_prefixes:
                raise InputError(f"sector {sec.name!r}: no product list {items[0]!r}")
            inc, exc = st.list_prefixes[items[0]]
            mask |= prefix_mask(hs, inc, exc)
    # Import spending of the sector's products (all of them, not only those the level touched).
    prob = st.problem
    pmask = np.zeros(prob.n_products, bool)
    pcodes = np.where(np.char.isdigit(prob.products.astype(str)), prob.products, "0").astype(
        np.int64
    )
    for scope in sec.scope:
        kind, items = parse_scope(scope)
        inc, exc = (items, ()) if kind == "hs" else st.list_prefixes[items[0]]
        pmask |= prefix_mask(pcodes, inc, exc)
    in_sector = pmask[prob.groups]
    imports = float((prob.v0 * (1.0 + prob.t0))[in_sector].sum())
    touched = pe["spending"][mask]
    m = float((pe["log_price_index"][mask] * touched).sum() / imports) if imports > 0 else 0.0
    share = imports / (imports + sec.shipments_usd)
    value = sec.surplus_change_usd(m, share) / BN
    return Figure(
        value,
        "US$ bn/yr",
        f"PE import prices + domestic CES supply-demand (sigma {sec.sigma:g}, supply "
        f"{sec.supply_elasticity:g}, demand {sec.demand_elasticity:g})",
        f"{sec.source}; sector import price index change {100 * (math.exp(m) - 1):+.2f}%, "
        f"import share {share:.3f}",
    )


def _top(div: dict[str, float], n: int = 15) -> dict[str, float]:
    items = sorted(div.items(), key=lambda kv: -abs(kv[1]))
    out = dict(items[:n])
    rest = sum(v for _, v in items[n:])
    if items[n:]:
        out["others"] = rest
    return out


def no_deal_cost(
    partner: str,
    as_of: dt.date | str,
    threat: Sequence[tuple[TariffIssue, float]],
    *,
    retaliation: float | None = None,
    horizon: str = "short-run",
    as_known_on: dt.date | None = None,
) -> dict[str, Any]:
    """GE cost of no deal for each side: the threat's tariffs against the status quo.

    ``threat`` lists (issue, level) pairs (e.g. the reciprocal rate threatened and the auto rate);
    ``retaliation``, if given, is the partner's uniform tariff on US goods under no deal. Returns
    the US and partner GE figures (welfare %, US$ bn, terms of trade, employment, revenue).
    """
    from tariffsim.core.dates import parse_date
    from tariffsim.models import ge
    from tariffsim.models.ge_scenarios import us_import_tariffs

    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    code, members = partner_members(partner)
    st = state(day, horizon, as_known_on)
    issues = [i for i, _ in threat]
    rows_by, _ = resolve_scopes(st, members, issues)
    all_rows = np.sort(np.concatenate([rows_by[i.name] for i in issues]))
    t_new = np.empty(len(all_rows))
    for iss, level in threat:
        r = np.sort(rows_by[iss.name])
        t_new[np.searchsorted(all_rows, r)] = new_rates(st, iss, r, level)
    model, eq0 = _ge_status_quo(st)
    t = us_import_tariffs(model, ge_rates_with(st, all_rows, t_new, members))
    if retaliation is not None:
        if not 0.0 <= retaliation <= 10.0:
            raise InputError(f"retaliation {retaliation} is not a rate in [0, 10]")
        for c in members:
            if c in model.iso3:
                t[model.us, model.index(c)] = retaliation
    eq = ge.solve(model, t, z0=eq0.z)
    out = ge_outcomes(model, eq, eq0, members)
    out.update(
        {
            "partner": code,
            "as_of": day.isoformat(),
            "horizon": horizon,
            "threat": [{**i.spec(), "level": lv} for i, lv in threat],
            "retaliation": retaliation,
            "model": f"GE: Ignatenko et al. (2025), 194 countries ({horizon})",
        }
    )
    return out


def partner_tariff_stakes(
    partner: str,
    as_of: dt.date | str,
    levels: Sequence[float],
    *,
    horizon: str = "short-run",
    as_known_on: dt.date | None = None,
) -> list[dict[str, Any]]:
    """GE stakes of the partner's own tariff on US goods, level by level, against the status quo.

    Each level is a uniform tariff of the partner's members on US exports, *added* to what the GE
    baseline holds (its 2023 trade already reflects the partners' applied tariffs of that year, which
    the model does not list), with the US tariffs of the law on the as-of date. The GE is one sector:
    employment is economy-wide, not by sector.
    """
    from tariffsim.core.dates import parse_date
    from tariffsim.models import ge
    from tariffsim.models.ge_scenarios import us_import_tariffs

    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    code, members = partner_members(partner)
    st = state(day, horizon, as_known_on)
    model, eq0 = _ge_status_quo(st)
    idx = [model.index(c) for c in members if c in model.iso3]
    if not idx:
        raise InputError(f"none of {code}'s members is a country of the GE data")
    out = []
    for level in levels:
        if not (math.isfinite(level) and 0.0 <= level <= 10.0):
            raise InputError(f"level {level!r} is not a rate in [0, 10]", hint="0.10 for 10%")
        t = us_import_tariffs(model, st.ge_rates)
        t[model.us, idx] = level
        eq = ge.solve(model, t, z0=eq0.z)
        g = ge_outcomes(model, eq, eq0, members)
        g.update(
            {
                "level": float(level),
                "model": f"GE: Ignatenko et al. (2025), 194 countries ({horizon})",
            }
        )
        out.append(g)
    return out


def us_trade_spillovers(
    partner: str,
    as_of: dt.date | str,
    issue: TariffIssue,
    level: float,
    *,
    horizon: str = "short-run",
    as_known_on: dt.date | None = None,
) -> dict[str, Any]:
    """What a US tariff level on a partner does to US trade with every other country.

    PE: change in US imports from each competitor in the products touched (US$ bn/yr). GE: change
    in US imports from and exports to each other country (US$ bn of the 2023 economy, producer
    prices), for pricing precedent and Nash-in-Nash externalities.
    """
    from tariffsim.core.dates import parse_date
    from tariffsim.models import ge
    from tariffsim.models.ge_scenarios import us_import_tariffs

    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    code, members = partner_members(partner)
    st = state(day, horizon, as_known_on)
    rows = np.sort(resolve_scopes(st, members, [issue])[0][issue.name])
    t_new = new_rates(st, issue, rows, level)
    pe = _pe_level(st, rows, t_new, members)
    model, eq0 = _ge_status_quo(st)
    eq = ge.solve(
        model, us_import_tariffs(model, ge_rates_with(st, rows, t_new, members)), z0=eq0.z
    )
    us = model.us
    d_imp = (eq.X_new[:, us] - eq0.X_new[:, us]) * 1e3 / BN
    d_exp = (eq.X_new[us, :] - eq0.X_new[us, :]) * 1e3 / BN
    ge_rows = {
        c: {"us_imports_bn": float(d_imp[i]), "us_exports_bn": float(d_exp[i])}
        for i, c in enumerate(model.iso3)
        if c != "USA" and c not in members
    }
    return {
        "partner": code,
        "as_of": day.isoformat(),
        "horizon": horizon,
        "issue": issue.spec(),
        "level": level,
        "pe_us_imports_bn": pe["diversion"],
        "ge": ge_rows,
    }


# ----------------------------------------------------------------------------------------------
# A level × pass-through grid for the negotiation layer

#: Measures named in the negotiation's fact files → schedule authorities.
MEASURE_AUTHORITY = {
    "reciprocal": "ieepa_reciprocal",
    "fentanyl": "ieepa_fentanyl",
    "brazil": "ieepa_other",
    "russia_oil": "ieepa_other",
    "china_export_controls": "ieepa_other",
}
GRID_OUTPUTS = (
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
class StakeGrid:
    """One tariff issue at every level (columns) and every pass-through ρ (rows), US$ bn/yr.

    ``outputs[name]`` has shape ``(len(passthroughs), len(levels))``; ``ge[name]`` (if computed)
    has shape ``(len(levels),)`` (the GE has no pass-through parameter of this kind). Outputs:
    ``revenue``, ``buyers``, ``exporters`` (partner), ``sales_change`` (partner, in scope),
    ``import_loss`` (fall of all US imports of the products touched), ``diversion`` (change of the
    sales of every line outside the scope in those products), ``duty_static`` (duty bill of the
    scope at the as-of flows, before substitution), ``imports_before``/``imports_after`` (scope).
    """

    partner: str
    day: dt.date
    levels: tuple[float, ...]
    forms: tuple[str, ...]
    passthroughs: tuple[float, ...]
    outputs: dict[str, np.ndarray]
    base_usd: float
    ge: dict[str, np.ndarray]
    provenance: dict[str, Any] = field(default_factory=dict)

    def at(self, name: str, passthrough: np.ndarray | float) -> np.ndarray:
        """Output ``name`` at pass-through(s) ρ, linear in ρ between the computed rows; (D, L)."""
        arr = self.outputs[name]
        rho = np.atleast_1d(np.asarray(passthrough, dtype=float))
        if len(self.passthroughs) == 1:
            return np.broadcast_to(arr[0], (rho.shape[0], arr.shape[1])).copy()
        r0, r1 = self.passthroughs[0], self.passthroughs[-1]
        w = ((rho - r0) / (r1 - r0))[:, None]
        return (1.0 - w) * arr[0][None, :] + w * arr[-1][None, :]


def _list_prefixes_any(st: State, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Prefixes of a named list: the measure library's, else the data layer's product list."""
    if name in st.list_prefixes:
        return st.list_prefixes[name]
    from tariffsim.data.lists import list_names, product_list

    if name not in list_names():
        raise InputError(
            f"product list {name!r} is neither in the measure library nor in the data layer",
            hint=f"measure-library lists: {', '.join(sorted(st.list_prefixes))}",
        )
    return tuple(product_list(name)["prefix"].to_list()), ()


def _grid_rows(st: State, members: Sequence[str], spec: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    """State rows of a negotiation spec (duck-typed: scope, hs, products, exclude_hs,
    exclude_products, measures, only_s232) and the instrument it replaces."""
    codes = np.flatnonzero(np.isin(st.origin_names, list(members)))
    prow = np.flatnonzero(np.isin(st.origin_code, codes) & (st.v2024 > 0))
    hs = st.hs_int[prow]
    measures = tuple(getattr(spec, "measures", None) or ("reciprocal",))
    auths = {MEASURE_AUTHORITY.get(m, m) for m in measures}
    instrument = tuple(m for m, a in st.authority.items() if a in auths)
    scope = getattr(spec, "scope", "reciprocal")
    if scope == "reciprocal":
        mask = _dense(st, instrument, prow) > 0
    else:
        pref: list[str] = [parse_scope("hs:" + h)[1][0] for h in getattr(spec, "hs", []) or []]
        exc: tuple[str, ...] = ()
        if getattr(spec, "products", None):
            inc, exc = _list_prefixes_any(st, spec.products)
            pref += list(inc)
        mask = prefix_mask(hs, pref, exc) if pref else np.zeros(len(prow), bool)
    if getattr(spec, "exclude_hs", None):
        mask &= ~prefix_mask(hs, [parse_scope("hs:" + h)[1][0] for h in spec.exclude_hs], ())
    if getattr(spec, "exclude_products", None):
        inc, exc = _list_prefixes_any(st, spec.exclude_products)
        mask &= ~prefix_mask(hs, inc, exc)
    if getattr(spec, "only_s232", False):
        s232 = tuple(m for m, a in st.authority.items() if a == "s232")
        mask &= _dense(st, s232, prow) > 0
    return prow[mask], instrument


def negotiation_table(
    partner: str,
    day: dt.date,
    spec: Any,
    levels: Sequence[float],
    forms: Sequence[str],
    *,
    passthroughs: Sequence[float] = (1.0,),
    as_known_on: dt.date | None = None,
    horizon: str = "short-run",
    ge: bool = True,
) -> StakeGrid:
    """Values of one negotiation tariff issue on a level × pass-through grid.

    ``spec`` is duck-typed (the negotiation layer's ``StakesSpec``): ``scope`` (``reciprocal``,
    ``hs`` or ``products``), ``hs``, ``products`` (a list of the measure library or of the data
    layer), ``exclude_hs``, ``exclude_products``, ``measures`` (the IEEPA measures the headline
    replaces: ``reciprocal``, ``fentanyl`` …), ``only_s232``. ``forms[j]`` is the form of
    ``levels[j]`` (``add_on``, ``floor``, ``total``, ``extra``); ``total`` replaces MFN and Section
    232 (other duties stay), as the negotiation layer defines it. Each ρ in ``passthroughs``
    replaces the horizon's pass-through (every product) in the level solves; the as-of flows keep
    the horizon's parameters. The law is the law in force on ``day``, as published by
    ``as_known_on`` when given. One PE solve per ρ (all levels stacked) and, with ``ge``, one GE
    solve per level.
    """
    from tariffsim.core.dates import parse_date
    from tariffsim.models.horizons import check_horizon
    from tariffsim.models.pe import solve_problem

    day = parse_date(day, field="day") if not isinstance(day, dt.date) else day
    check_horizon(horizon)
    levels = tuple(float(x) for x in levels)
    forms = tuple(str(f) for f in forms)
    if len(forms) != len(levels):
        raise InputError(f"{len(levels)} levels but {len(forms)} forms", hint="one form per level")
    for rho in passthroughs:
        if not 0.0 <= float(rho) <= 1.0:
            raise InputError(f"pass-through {rho} is not in [0, 1]")
    code, members = partner_members(partner)
    st = state(day, horizon, as_known_on)
    rows, instrument = _grid_rows(st, members, spec)
    rows = np.sort(rows)
    total_instr = tuple(m for m, a in st.authority.items() if a in ("mfn", "s232"))
    t_new = []
    for lv, form in zip(levels, forms, strict=True):
        if form == "total":
            t = st.t_asof[rows] - _dense(st, total_instr, rows) + lv
        else:
            iss = TariffIssue("grid", ("all",), form, (lv,), replaces=instrument)  # type: ignore[arg-type]
            t = new_rates(st, iss, rows, lv)
        t_new.append(t)
    L, R = len(levels), len(passthroughs)
    out = {k: np.zeros((R, L)) for k in GRID_OUTPUTS}
    base = float(st.v_asof[rows].sum())
    prov: dict[str, Any] = {
        "model": f"PE per HTS10, every origin (tariffsim.models.stakes, {horizon})",
        "data": f"Census imports 2024 by HTS10 x partner carried to {day} by the PE; US measure "
        f"library in force on {day}"
        + ("" if as_known_on is None else f", as known on {as_known_on}"),
        "as_known_on": None if as_known_on is None else as_known_on.isoformat(),
        "instrument": list(instrument),
        "pe": st.params.describe() if st.params is not None else {},
        "base": "as-of imports of the scope (US$)",
    }
    if len(rows):
        prob = st.problem
        keep, prow, groups, lens, sel = _product_rows(st, rows)
        m, G = len(sel), len(groups)
        where = np.searchsorted(sel, prow)
        mine = np.zeros(m, bool)
        mine[where] = True
        t0 = prob.t0[sel]
        T1 = np.tile(t0, L)
        for j in range(L):
            T1[j * m + where] = t_new[j][keep]
        lvl = np.repeat(np.arange(L), m)
        from dataclasses import replace

        stacked = replace(
            prob,
            product=np.tile(prob.product[sel], L),
            origin=np.tile(prob.origin[sel], L),
            v0=np.tile(prob.v0[sel], L),
            t0=np.tile(t0, L),
            t1=T1,
            groups=np.tile(np.repeat(np.arange(G), lens), L) + lvl * G,
            products=np.tile(prob.products[groups], L),
            sigma_raw=np.tile(prob.sigma_raw[groups], L),
            sigma_source=np.tile(prob.sigma_source[groups], L),
            rows=None,
        )
        gl = np.repeat(np.arange(L), G)
        mine_all = np.tile(mine, L)
        v0 = stacked.v0

        def by_level(x: np.ndarray, rows_mask: np.ndarray | None = None) -> np.ndarray:
            if rows_mask is None:
                return np.bincount(lvl, weights=x, minlength=L)
            return np.bincount(lvl[rows_mask], weights=x[rows_mask], minlength=L)

        for ri, rho in enumerate(passthroughs):
            r = solve_problem(stacked, st.params, passthrough=float(rho))
            dv = r.v1 - v0
            out["revenue"][ri] = np.bincount(gl, weights=r.revenue_change, minlength=L)
            out["buyers"][ri] = np.bincount(gl, weights=r.consumer_surplus_change, minlength=L)
            ex = v0 * (r.p_star_hat - 1.0) * (1.0 + r.q_hat) / 2.0
            out["exporters"][ri] = by_level(ex, mine_all)
            out["import_loss"][ri] = -by_level(dv)
            out["diversion"][ri] = by_level(dv, ~mine_all)
            out["duty_static"][ri] = by_level(T1 * v0, mine_all)
            out["imports_before"][ri] = by_level(v0, mine_all)
            out["imports_after"][ri] = by_level(r.v1, mine_all)
            out["sales_change"][ri] = by_level(dv, mine_all)
        out = {k: v / BN for k, v in out.items()}
    ge_out: dict[str, np.ndarray] = {}
    if ge and len(rows):
        keys = (
            "us_welfare_bn",
            "us_welfare_pct",
            "us_employment_pct",
            "us_tot_pct",
            "us_revenue_bn",
            "partner_welfare_bn",
            "partner_welfare_pct",
            "partner_employment_pct",
            "partner_tot_pct",
        )
        ge_out = {k: np.zeros(L) for k in keys}
        for j in range(L):
            g = _ge_level(st, rows, t_new[j], members)
            for k in keys:
                ge_out[k][j] = g[k]
        prov["ge"] = f"GE: Ignatenko et al. (2025), 194 countries ({horizon})"
    return StakeGrid(
        code, day, levels, forms, tuple(float(r) for r in passthroughs), out, base, ge_out, prov
    )
