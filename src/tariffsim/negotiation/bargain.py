"""The bargaining solution of a case for every parameter draw: asymmetric Nash with ratification.

For draw ``d`` with utilities ``U_A``, ``U_B`` (additive over blocks), reservations ``d_A``, ``d_B``,
the imposer's power ``α`` and the joint probability of ratification ``P(p)``, the solution is

    p*(d) = argmax_p  α log(U_A(p) − d_A) + (1 − α) log(U_B(p) − d_B) + log P(p)

over packages with both gains positive — the Nash product of *expected* gains when a package fails
ratification with probability ``1 − P(p)`` and failure means no deal (Iida 1993). With ``P ≡ 1`` it is
the asymmetric Nash solution (Kalai 1977). The power ``α`` is the Binmore–Rubinstein–Wolinsky limit of
alternating offers, ``r_B / (r_A + r_B)``, with each side's cost of delay measured by its dependence
on the other (:func:`power`; :func:`tariffsim.negotiation.bargaining.nash_limit_power`).

**Exactness.** The headline block ``H`` (the rate the wave's claims act on) is kept apart; the other
blocks form the *rest*. When every pivot's utility is its party's utility (the generated template),
the objective increases in ``U_A`` and in ``U_B``, so the rest part of an optimal package lies on the
strict Pareto frontier of the rest's ``(U_A, U_B)`` points: the maximum over ``H × frontier`` is the
maximum over all packages. The rest frontier is computed for all draws at once (sort by ``U_A``,
running maximum of ``U_B``; Kung, Luccio & Preparata 1975). With other pivots the frontier is still
the candidate set; the result is then exact for the Nash product and a (documented) approximation
for the ratification term.

The headline block may carry an additive per-draw adjustment of the imposer's table (the claims other
partners would make, :mod:`tariffsim.negotiation.wave`): only the final maximisation is repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import log_ndtr

from tariffsim.core.errors import InputError
from tariffsim.negotiation.preferences import Env, Tables

REST_ENUMERATION_LIMIT = 400_000


def power(case: Any, env: Env) -> np.ndarray:
    """``(n,)`` the imposer's Nash power α from the case (a number, a parameter, or dependence)."""
    from tariffsim.negotiation.bargaining import nash_limit_power
    from tariffsim.negotiation.schema import PowerSpec

    bp = case.bargaining_power
    if bp is None:
        return np.full(env.n, 0.5)
    if isinstance(bp, PowerSpec):
        dp = env.vec(bp.partner_dependence) * (1.0 + bp.ally * env.vec(bp.security_weight))
        di = env.vec(bp.imposer_dependence)
        # each side's cost of delay is its dependence on the other (BRW 1986)
        return np.asarray(nash_limit_power(di, dp), dtype=float)
    a = env.vec(bp)
    if np.any((a <= 0) | (a >= 1)):
        raise InputError("bargaining_power must lie in (0, 1)")
    return a


@dataclass(frozen=True, eq=False)
class PivotArrays:
    """One pivot for all draws: its utility on the headline block ``(n, L_H)`` and on the rest
    ``(n, R)`` (or None when it equals its party's), its no-deal value, threshold, σ, need."""

    name: str
    party: int  # 0 imposer, 1 partner
    on_party: bool
    head: np.ndarray | None
    rest: np.ndarray | None
    no_deal: np.ndarray
    threshold: np.ndarray
    sigma: np.ndarray
    needed: np.ndarray
    active_from: Any = None
    active_until: Any = None

    def active_on(self, day: Any) -> bool:
        if self.active_from is not None and day < self.active_from:
            return False
        return not (self.active_until is not None and day >= self.active_until)


@dataclass(frozen=True, eq=False)
class DrawProblem:
    """Everything the per-draw maximisation needs (see the module docstring)."""

    tables: Tables
    head: int | None  # index of the headline block among tables.blocks
    rest_blocks: tuple[int, ...]
    rest_index: np.ndarray  # (R, len(rest_blocks)) level index of each rest block
    a_h: np.ndarray  # (n, L_H)
    b_h: np.ndarray
    front: np.ndarray  # (n, K) indices into the rest, -1 padding
    fa: np.ndarray  # (n, K) imposer's utility of the rest at frontier points (−inf padding)
    fb: np.ndarray
    d_a: np.ndarray  # (n,)
    d_b: np.ndarray
    alpha: np.ndarray  # (n,)
    pivots: tuple[PivotArrays, ...]
    status_quo_utilities: np.ndarray  # (n, 2)
    rest_size: int
    exact: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.d_a.shape[0])


@dataclass(frozen=True, eq=False)
class DrawSolution:
    """Per draw: the package (level index per case issue), utilities, ratification, feasibility."""

    packages: np.ndarray  # (n, k) level indices in case-issue order; −1 where no deal is possible
    utilities: np.ndarray  # (n, 2)
    ratification: np.ndarray  # (n,) joint probability of the chosen package (0: no ZOPA)
    feasible: np.ndarray  # (n,) bool: some package gives both sides a positive gain
    head_level: np.ndarray  # (n,) level index of the headline block (−1 if none)


def _outer_sum(tabs: list[np.ndarray], n: int) -> np.ndarray:
    """``(n, Π L_b)``: every combination of the blocks' levels (last block fastest), summed."""
    acc = np.zeros((n, 1))
    for t in tabs:
        acc = (acc[:, :, None] + t[:, None, :]).reshape(n, -1)
    return acc


def _rest_utilities(tables: Tables, party: str, rest: tuple[int, ...]) -> np.ndarray:
    return _outer_sum([tables.party[party][b] for b in rest], tables.n)


def rest_frontier(
    ua: np.ndarray, ub: np.ndarray, keep_also: np.ndarray | None = None
) -> np.ndarray:
    """Per row, a superset of the indices of the strictly non-dominated points of ``(ua, ub)``
    (sort by ``ua`` descending, keep a point when its ``ub`` beats every ``ub`` before it; ties in
    ``ua`` may keep a few dominated points, never drop a non-dominated one), restricted to
    ``keep_also`` when given, padded with −1 to a common width: ``(n, K)``. Exact on float64."""
    r = ua.shape[1]
    order = np.argsort(-ua, axis=1)
    sb = np.take_along_axis(ub, order, axis=1)
    prev = np.empty_like(sb)
    prev[:, 0] = -np.inf
    if r > 1:
        np.maximum.accumulate(sb[:, :-1], axis=1, out=prev[:, 1:])
    keep = sb > prev
    out = _pack(keep, order)
    if keep_also is not None:
        ok = (out >= 0) & np.take_along_axis(keep_also, np.maximum(out, 0), axis=1)
        out = _pack(ok, out)
    return out


def _pack(keep: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per row, the entries of ``idx`` where ``keep``, moved first, padded with −1."""
    n = keep.shape[0]
    k = max(int(keep.sum(axis=1).max()) if keep.size else 0, 1)
    pos = np.cumsum(keep, axis=1) - 1
    out = np.full((n, k), -1, dtype=np.int64)
    rows, cols = np.nonzero(keep)
    out[rows, pos[rows, cols]] = idx[rows, cols]
    return out


#: Elements of one ``(draws, rest packages)`` work array: the frontier is computed for blocks of
#: draws of about this size (each draw's row is independent), so the working memory stays a few MB
#: instead of ``draws × R`` (fresh pages cost more than the arithmetic on them).
_CHUNK_ELEMENTS = 1 << 18


def _row_chunks(n: int, width: int) -> list[tuple[int, int]]:
    step = max(1, _CHUNK_ELEMENTS // max(width, 1))
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def _frontier_by_chunks(
    tables: Tables,
    parties: tuple[str, str],
    rest: tuple[int, ...],
    a_h: np.ndarray,
    b_h: np.ndarray,
    reservation: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rest frontier of every draw and both parties' rest utilities on it: ``front``
    ``(n, K)`` (−1 padding), ``fa``, ``fb`` (−inf padding). Only rest points that can give both
    sides a gain with some headline level can be chosen (claims only lower the imposer's headline
    table, so this stays a superset). Computed for blocks of draws; ``K`` is the widest row."""
    n = tables.n
    a, b = parties
    d_a, d_b = reservation
    r = int(np.prod([tables.blocks[i].n_levels for i in rest])) if rest else 1
    max_a = a_h.max(axis=1, keepdims=True)
    max_b = b_h.max(axis=1, keepdims=True)
    parts = []
    for s, e in _row_chunks(n, r):
        ua = _outer_sum([tables.party[a][i][s:e] for i in rest], e - s)
        ub = _outer_sum([tables.party[b][i][s:e] for i in rest], e - s)
        can = (ua + max_a[s:e] > d_a[s:e, None]) & (ub + max_b[s:e] > d_b[s:e, None])
        front = rest_frontier(ua, ub, can)
        safe = np.maximum(front, 0)
        fa = np.where(front >= 0, np.take_along_axis(ua, safe, axis=1), -np.inf)
        fb = np.where(front >= 0, np.take_along_axis(ub, safe, axis=1), -np.inf)
        parts.append((front, fa, fb))
    k = max(p[0].shape[1] for p in parts)
    front_all = np.full((n, k), -1, dtype=np.int64)
    fa_all = np.full((n, k), -np.inf)
    fb_all = np.full((n, k), -np.inf)
    for (s, e), (front, fa, fb) in zip(_row_chunks(n, r), parts, strict=True):
        w = front.shape[1]
        front_all[s:e, :w] = front
        fa_all[s:e, :w] = fa
        fb_all[s:e, :w] = fb
    return front_all, fa_all, fb_all


def build_problem(tables: Tables, *, head_issue: str = "reciprocal_rate") -> DrawProblem:
    """Prepare the per-draw maximisation for a case's tables."""
    from tariffsim.negotiation.preferences import blocks_of  # noqa: F401  (blocks come with tables)

    case = tables.case
    env = tables.env
    n = tables.n
    a, b = case.parties
    blocks = tables.blocks
    head = next((i for i, bl in enumerate(blocks) if head_issue in bl.names), None)
    rest = tuple(i for i in range(len(blocks)) if i != head)
    sizes = [blocks[i].n_levels for i in rest]
    R = int(np.prod(sizes)) if sizes else 1
    if R > REST_ENUMERATION_LIMIT:
        raise InputError(
            f"case {case.id}: {R:,} packages outside the headline issue (limit "
            f"{REST_ENUMERATION_LIMIT:,}) — coarsen the levels or drop issues",
        )
    grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij") if sizes else []
    index = (
        np.stack([g.reshape(-1) for g in grids], axis=1) if sizes else np.zeros((1, 0), dtype=int)
    )
    if head is not None:
        a_h, b_h = tables.party[a][head], tables.party[b][head]
    else:
        a_h, b_h = np.zeros((n, 1)), np.zeros((n, 1))
    d_a, d_b = tables.reservation[a], tables.reservation[b]
    front, fa, fb = _frontier_by_chunks(tables, (a, b), rest, a_h, b_h, (d_a, d_b))
    safe = np.maximum(front, 0)
    sq = status_quo_utilities(tables)
    pivots = []
    exact = True
    for pv in case.pivots:
        pi = case.parties.index(pv.party)
        party_cons = [c for c, x in case.constituencies.items() if x.party == pv.party]
        on_party = (
            party_cons == [pv.constituency] and case.constituencies[pv.constituency].weight == 1.0
        )
        if on_party:
            head_t, rest_t = None, None
            nd = tables.reservation[pv.party]
            if pv.issues is not None:
                raise InputError(
                    f"pivot {pv.name}: a pivot on its party's utility votes on all issues"
                )
        else:
            exact = False
            mask = [pv.issues is None or any(nm in pv.issues for nm in bl.names) for bl in blocks]
            head_t = (
                tables.constituency[pv.constituency][head] * mask[head]
                if head is not None
                else np.zeros((n, 1))
            )
            tabs = [tables.constituency[pv.constituency][bi] * mask[bi] for bi in rest]
            rest_t = np.zeros(front.shape)
            for s, e in _row_chunks(n, R):
                full = _outer_sum([t[s:e] for t in tabs], e - s)
                rest_t[s:e] = np.where(
                    front[s:e] >= 0, np.take_along_axis(full, safe[s:e], axis=1), 0.0
                )
            nd = (tables.no_deal[pv.constituency] * np.asarray(mask)[None, :]).sum(axis=1)
        scale = np.ones(n)
        spec = next(p for p in case.spec.pivots if p.name == pv.name)
        if spec.scale == "no_deal_cost":
            cost = sq[:, pi] - tables.reservation[pv.party]
            scale = np.maximum(np.abs(cost), 1e-3)
        pivots.append(
            PivotArrays(
                name=pv.name,
                party=pi,
                on_party=on_party,
                head=head_t,
                rest=rest_t,
                no_deal=np.asarray(nd, float),
                threshold=env.vec(spec.threshold) * scale,
                sigma=np.maximum(env.vec(spec.sigma) * scale, 1e-9),
                needed=np.clip(env.vec(spec.needed), 0.0, 1.0),
                active_from=pv.active_from,
                active_until=pv.active_until,
            )
        )
    prob = DrawProblem(
        tables=tables,
        head=head,
        rest_blocks=rest,
        rest_index=index,
        a_h=a_h,
        b_h=b_h,
        front=front,
        fa=fa,
        fb=fb,
        d_a=np.asarray(d_a, float),
        d_b=np.asarray(d_b, float),
        alpha=power(case, env),
        pivots=tuple(pivots),
        status_quo_utilities=sq,
        rest_size=R,
        exact=exact,
        details={"frontier_width": int(front.shape[1])},
    )
    return on_day(prob, case.as_of)


def on_day(prob: DrawProblem, day: Any) -> DrawProblem:
    """The problem with the pivots active on ``day`` (an election ends a pre-election line)."""
    import dataclasses

    allp = prob.details.get("all_pivots", prob.pivots)
    keep = tuple(p for p in allp if p.active_on(day))
    return dataclasses.replace(
        prob, pivots=keep, details={**prob.details, "all_pivots": allp, "day": day}
    )


def regime_changes(prob: DrawProblem, start: Any, end: Any) -> list[Any]:
    """Days in ``(start, end]`` on which a pivot starts or stops applying."""
    allp = prob.details.get("all_pivots", prob.pivots)
    days = set()
    for p in allp:
        for d in (p.active_from, p.active_until):
            if d is not None and start < d <= end:
                days.add(d)
    return sorted(days)


def status_quo_utilities(tables: Tables) -> np.ndarray:
    """``(n, 2)`` each party's utility of the package of status-quo levels."""
    case = tables.case
    out = np.zeros((tables.n, 2))
    for bi, bl in enumerate(tables.blocks):
        idx = []
        for j in bl.issues:
            spec = case.issues[j]
            sq = spec.status_quo if spec.status_quo is not None else spec.levels[0]
            idx.append(spec.level_index(sq))
        col = int(np.flatnonzero((bl.index == np.asarray(idx)[None, :]).all(axis=1))[0])
        for k, p in enumerate(case.parties):
            out[:, k] += tables.party[p][bi][:, col]
    return out


def _log_ratify_at(
    prob: DrawProblem, ua: np.ndarray, ub: np.ndarray, r: np.ndarray, h: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """log P(ratified) at the candidates ``(r, h, k)`` (draw, headline level, frontier column)
    whose utilities are ``ua``/``ub``: Σ over pivots of log Φ((u − u_nd − τ)/σ), or with a share
    ``n`` of the pivot needed, log(1 − n + n Φ(·)) (:mod:`tariffsim.negotiation.ratification`)."""
    acc = np.zeros(r.shape[0])
    for pv in prob.pivots:
        on = ua if pv.party == 0 else ub
        u = on if pv.on_party else pv.head[r, h] + pv.rest[r, k]  # type: ignore[index]
        z = (u - pv.no_deal[r] - pv.threshold[r]) / pv.sigma[r]
        if np.all(pv.needed == 1.0):
            acc = acc + log_ndtr(z)
        else:
            n_ = pv.needed[r]
            acc = acc + np.log(np.maximum(1.0 - n_ + n_ * np.exp(log_ndtr(z)), 1e-300))
    return acc


def _may_win(
    prob: DrawProblem,
    val: np.ndarray,
    ua: np.ndarray,
    ub: np.ndarray,
    r: np.ndarray,
    h: np.ndarray,
    k: np.ndarray,
) -> np.ndarray:
    r"""The candidates that can still be a draw's maximum once the ratification term is added.

    The objective is :math:`v + \ell` with :math:`v` the Nash product's log and
    :math:`\ell = \log P(\text{ratified}) \le 0`. Per draw, the candidate with the largest
    :math:`v` has an exact objective :math:`L`, a lower bound of the draw's maximum; a candidate
    with :math:`v < L` has :math:`v + \ell \le v < L` and is never chosen (not even in a tie), so
    :math:`\ell` (the costly :func:`scipy.special.log_ndtr`) is computed only where
    :math:`v \ge L - \epsilon` (ε: 1e-12 relative, for the rounding of
    :math:`1 - n + n\Phi`). ``r`` (draw of each candidate) is sorted, as ``np.flatnonzero`` gives it.
    """
    if not val.size:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    seg = np.cumsum(np.r_[False, r[1:] != r[:-1]])  # segment (draw) of each candidate
    top = np.maximum.reduceat(val, starts)
    first = np.flatnonzero(val == top[seg])
    first = first[np.r_[True, seg[first][1:] != seg[first][:-1]]]  # the first maximum per draw
    lb = val[first] + _log_ratify_at(prob, ua[first], ub[first], r[first], h[first], k[first])
    margin = 1e-12 * np.maximum(1.0, np.abs(lb))
    return val >= (lb - margin)[seg]


def solve_draws(prob: DrawProblem, head_adjust: np.ndarray | None = None) -> DrawSolution:
    """The per-draw solution; ``head_adjust`` ``(n, L_H)`` is added to the imposer's headline table.

    Draws are solved in blocks of about :data:`_CHUNK_ELEMENTS` candidates (draws × headline
    levels × frontier columns, :func:`_row_chunks`): a few MB of work arrays whatever the case's
    size (China's 46 headline levels × 267 frontier columns gave 25 MB arrays for a block of 256
    draws, whose fresh pages took 2-3 s of system time; every draw's row is independent, so the
    blocks change no result)."""
    n = prob.n
    case = prob.tables.case
    k = len(case.issues)
    packages = np.full((n, k), -1, dtype=np.int32)
    utilities = np.full((n, 2), np.nan)
    rat = np.zeros(n)
    feas = np.zeros(n, dtype=bool)
    head_lv = np.full(n, -1, dtype=np.int64)
    a_h = prob.a_h if head_adjust is None else prob.a_h + head_adjust
    # work arrays allocated once and reused by every chunk (fresh pages for each chunk cost more
    # system time than the arithmetic); a chunk uses their first m·L·K elements
    chunks = _row_chunks(n, a_h.shape[1] * max(prob.fa.shape[1], 1))
    size = max(e - s for s, e in chunks) * a_h.shape[1] * max(prob.fa.shape[1], 1)
    buf_a, buf_b, buf_o = np.empty(size), np.empty(size), np.empty(size)
    buf_ok, buf_t = np.empty(size, dtype=bool), np.empty(size, dtype=bool)
    for s, e in chunks:
        # the chunk's frontier width: the columns after it are padding in every row of the chunk
        # (never feasible, so the first maximum below is the same with or without them)
        K = max(int((prob.front[s:e] >= 0).sum(axis=1).max()), 1)
        shape = (e - s, a_h.shape[1], K)
        m = shape[0] * shape[1] * K
        ua = np.add(a_h[s:e, :, None], prob.fa[s:e, None, :K], out=buf_a[:m].reshape(shape))
        ub = np.add(prob.b_h[s:e, :, None], prob.fb[s:e, None, :K], out=buf_b[:m].reshape(shape))
        # the candidates where both gain (u − d > 0 exactly when u > d); the objective is
        # computed on them alone (−∞ elsewhere), element by element as on the whole array
        ok = np.greater(ua, prob.d_a[s:e, None, None], out=buf_ok[:m].reshape(shape))
        tmp = buf_t[:m].reshape(shape)
        ok &= np.greater(ub, prob.d_b[s:e, None, None], out=tmp)
        ok &= np.isfinite(ua, out=tmp)
        idx = np.flatnonzero(ok)
        lk = shape[1] * K
        r = idx // lk
        ua_ok, ub_ok = ua.reshape(-1)[idx], ub.reshape(-1)[idx]
        ga, gb = ua_ok - prob.d_a[s:e][r], ub_ok - prob.d_b[s:e][r]
        al = prob.alpha[s:e][r]
        val = al * np.log(ga) + (1 - al) * np.log(gb)
        lr = None
        if prob.pivots:
            h, kk = (idx // K) % shape[1], idx % K
            sub = _slice(prob, s, e)
            keep = _may_win(sub, val, ua_ok, ub_ok, r, h, kk)
            lr = np.zeros(idx.size)
            lr[keep] = _log_ratify_at(sub, ua_ok[keep], ub_ok[keep], r[keep], h[keep], kk[keep])
            val = np.where(keep, val + lr, -np.inf)
        obj = buf_o[:m].reshape(shape)
        obj.fill(-np.inf)
        obj.reshape(-1)[idx] = val
        flat = obj.reshape(e - s, -1)
        best = np.argmax(flat, axis=1)
        any_ok = np.isfinite(flat[np.arange(e - s), best])
        hi, ki = best // K, best % K
        rows = np.arange(e - s)
        feas[s:e] = any_ok
        # the ratification odds of the chosen candidate (a feasible one: its flat index is in idx)
        if lr is None or idx.size == 0:
            rat[s:e] = np.where(any_ok, 1.0, 0.0)
        else:
            at = np.minimum(np.searchsorted(idx, rows * lk + best), idx.size - 1)
            rat[s:e] = np.where(any_ok, np.exp(lr[at]), 0.0)
        utilities[s:e, 0] = np.where(any_ok, ua.reshape(e - s, -1)[rows, best], np.nan)
        utilities[s:e, 1] = np.where(any_ok, ub.reshape(e - s, -1)[rows, best], np.nan)
        head_lv[s:e] = np.where(any_ok, hi, -1)
        ridx = prob.front[s:e][rows, ki]
        _fill_packages(prob, packages[s:e], hi, ridx, any_ok)
    return DrawSolution(packages, utilities, rat, feas, head_lv)


def _slice(prob: DrawProblem, s: int, e: int) -> DrawProblem:
    piv = tuple(
        PivotArrays(
            p.name,
            p.party,
            p.on_party,
            None if p.head is None else p.head[s:e],
            None if p.rest is None else p.rest[s:e],
            p.no_deal[s:e],
            p.threshold[s:e],
            p.sigma[s:e],
            p.needed[s:e],
        )
        for p in prob.pivots
    )
    return DrawProblem(
        prob.tables,
        prob.head,
        prob.rest_blocks,
        prob.rest_index,
        prob.a_h[s:e],
        prob.b_h[s:e],
        prob.front[s:e],
        prob.fa[s:e],
        prob.fb[s:e],
        prob.d_a[s:e],
        prob.d_b[s:e],
        prob.alpha[s:e],
        piv,
        prob.status_quo_utilities[s:e],
        prob.rest_size,
        prob.exact,
    )


def _fill_packages(
    prob: DrawProblem, out: np.ndarray, hi: np.ndarray, ridx: np.ndarray, ok: np.ndarray
) -> None:
    blocks = prob.tables.blocks
    if prob.head is not None:
        bl = blocks[prob.head]
        for j, issue in enumerate(bl.issues):
            out[:, issue] = np.where(ok, bl.index[hi, j], -1)
    safe = np.maximum(ridx, 0)
    for j, bi in enumerate(prob.rest_blocks):
        bl = blocks[bi]
        lv = prob.rest_index[safe, j]
        for q, issue in enumerate(bl.issues):
            out[:, issue] = np.where(ok, bl.index[lv, q], -1)
