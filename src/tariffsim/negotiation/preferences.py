"""Preferences: every party's and constituency's value of every issue level, for many parameter draws.

For every issue the case names a model (:mod:`.tariff_stakes` for tariff issues, :mod:`.valuation`
for the others) that turns a level into money flows on named outputs (US$ bn/yr); ``channels`` map the
outputs to the case's channels. Each constituency weighs channels by its stakes; a party's utility is
the weighted sum of its constituencies' (Grossman & Helpman 1994's government objective, with the
weights stated in the case):

    u_c(p) = Σ_i Σ_ch stake_c[ch] · V_ch,i(x_i(p))            (constituency c)
    U_P(p) = Σ_{c ∈ P} w_c · u_c(p)                             (party P)

**Blocks.** An issue whose value depends on a *qualifier* issue (the form of a rate: add-on or
MFN-inclusive floor; the terms of an investment pledge) is valued jointly with it: the two form one
*block* whose levels are the pairs of levels. Utilities are additive over blocks, so the exact
frontier machinery applies to blocks, and the non-additive value inside a block stays exact.

**Draws.** Everything is vectorised over ``D`` parameter draws (an :class:`Env`): arguments are
``(D, 1)`` arrays, tables ``(D, L)``. ``D = 1`` is the case as written.

**Time.** Values are flows per year over the case's horizon ``H`` (years), weighted by discounting
at rate ``r``: the share of the discounted horizon before a date ``s`` years away is
``F(s) = (1 − e^{−r s}) / (1 − e^{−r H})`` (``s / H`` when ``r = 0``).

**Legal risk.** An issue with ``void_risk`` (rates under a statute a court may void) loses a share
``κ = prob · (1 − F(on))`` of its value relative to the lapsed level (its rates removed) — for the
deal and the threat alike, so the risk scales what the issue is worth to both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.case import Case
from tariffsim.negotiation.schema import IssueSpec
from tariffsim.negotiation.valuation import MODELS, weigh

# --------------------------------------------------------------------------------------------
# Parameter environment
# --------------------------------------------------------------------------------------------


class Env:
    """Parameter values for ``n`` draws: drawn parameters are ``(n,)`` arrays, others the case's."""

    def __init__(
        self, case: Case, draws: Mapping[str, np.ndarray] | None = None, n: int | None = None
    ):
        self.case = case
        self.draws = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in (draws or {}).items()}
        sizes = {v.shape[0] for v in self.draws.values()}
        if len(sizes) > 1:
            raise InputError("every drawn parameter needs the same number of draws")
        self.n = n if n is not None else (sizes.pop() if sizes else 1)
        for k in self.draws:
            if k not in case.parameters:
                raise InputError(f"case {case.id} has no parameter {k!r}")

    def num(self, ref: float | str) -> np.ndarray:
        """``(n, 1)`` values of a number, a parameter name or ``1-name``."""
        if isinstance(ref, str) and ref.startswith("1-"):
            return 1.0 - self.num(ref[2:])
        if isinstance(ref, str):
            if ref in self.draws:
                return self.draws[ref][:, None]
            return np.full((self.n, 1), float(self.case.value(ref)))
        return np.full((self.n, 1), float(ref))

    def vec(self, ref: float | str) -> np.ndarray:
        return self.num(ref)[:, 0]

    def share_before(self, day: dt.date) -> np.ndarray:
        """``(n, 1)``: share of the discounted horizon before ``day``."""
        H = self.case.horizon_years
        s = np.clip((day - self.case.as_of).days / 365.25, 0.0, H)
        r = self.num(self.case.discount_rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(r > 1e-9, (1.0 - np.exp(-r * s)) / (1.0 - np.exp(-r * H)), s / H)
        return np.clip(f, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One or two case issues valued jointly; ``index[l]`` = the level index of each issue at
    compound level ``l`` (the first issue varies slowest)."""

    issues: tuple[int, ...]
    names: tuple[str, ...]
    index: np.ndarray  # (Lb, len(issues)) int

    @property
    def n_levels(self) -> int:
        return int(self.index.shape[0])

    @property
    def name(self) -> str:
        return "+".join(self.names)


def linked_qualifier(spec: IssueSpec) -> str | None:
    if spec.link is not None:
        return spec.link
    if spec.stakes is not None and spec.stakes.form_issue is not None:
        return spec.stakes.form_issue
    return None


def blocks_of(case: Case) -> list[Block]:
    """The case's blocks, in issue order (a qualifier joins the issue that links it)."""
    names = list(case.issue_names)
    owner: dict[str, str] = {}
    for spec in case.issues:
        q = linked_qualifier(spec)
        if q is not None:
            if q in owner:
                raise InputError(f"qualifier issue {q!r} is linked by two issues")
            owner[q] = spec.name
    out: list[Block] = []
    for j, spec in enumerate(case.issues):
        if spec.name in owner:
            continue
        q = linked_qualifier(spec)
        if q is None:
            idx = np.arange(len(spec.levels))[:, None]
            out.append(Block((j,), (spec.name,), idx))
        else:
            k = names.index(q)
            la, lq = len(spec.levels), len(case.issues[k].levels)
            idx = np.stack(np.meshgrid(np.arange(la), np.arange(lq), indexing="ij"), -1).reshape(
                -1, 2
            )
            out.append(Block((j, k), (spec.name, q), idx))
    return out


# --------------------------------------------------------------------------------------------
# Flows of one issue
# --------------------------------------------------------------------------------------------


def _args(
    env: Env, spec: IssueSpec, extra: Mapping[str, float | str] | None = None
) -> dict[str, np.ndarray]:
    out = {k: env.num(v) for k, v in spec.args.items()}
    for k, v in (extra or {}).items():
        out[k] = env.num(v)
    return out


def _points(case: Case, spec: IssueSpec) -> tuple[list[float], list[str]]:
    """The (level, form) points a tariff issue is valued at: its levels, its threatened values and
    0 (a lapsed rate), in every form it may take."""
    st = spec.stakes
    assert st is not None
    forms = [str(q) for q in case.issue(st.form_issue).levels] if st.form_issue else [str(st.form)]
    xs = [float(x) for x in spec.levels]
    if spec.no_deal is not None:
        xs += [float(d.value) for d in spec.no_deal.draws]
    xs.append(0.0)
    xs = sorted(set(xs))
    return [x for x in xs for _ in forms], [f for _ in xs for f in forms]


_TABLES: dict[tuple[Any, ...], dict[str, Any]] = {}


def case_stakes(case: Case) -> dict[str, Any]:
    """Stake tables of every tariff issue of the case (scopes resolved together; memoised)."""
    from tariffsim.negotiation.tariff_stakes import stakes_tables

    items = []
    for spec in case.issues:
        if spec.model == "stakes" and spec.stakes is not None:
            xs, fs = _points(case, spec)
            items.append((spec.name, spec.stakes, xs, fs))
    key = (
        case.partner,
        case.as_of,
        tuple((n, s.model_dump_json(), tuple(x), tuple(f)) for n, s, x, f in items),
    )
    got = _TABLES.get(key)
    if got is None:
        got = stakes_tables(case.partner, case.as_of, items) if items else {}
        _TABLES[key] = got
    return got


def stake_table(case: Case, spec: IssueSpec) -> Any:
    return case_stakes(case)[spec.name]


def issue_outputs(
    env: Env,
    spec: IssueSpec,
    xs: Sequence[Any],
    qualifier: IssueSpec | None,
    q_levels: Sequence[Any],
) -> dict[str, np.ndarray]:
    """Raw model outputs of ``spec`` at values ``xs`` × qualifier levels ``q_levels`` (the qualifier
    varies fastest): ``(n, len(xs) · len(q_levels))`` arrays, US$ bn/yr."""
    case = env.case
    n = env.n
    if spec.model == "qualifier":
        return {}
    if spec.model == "direct":
        idx = np.asarray([spec.level_index(x) for x in xs for _ in q_levels], dtype=int)
        return {
            ch: np.broadcast_to(np.asarray(dv.values, dtype=float)[idx], (n, idx.shape[0])).copy()
            for ch, dv in spec.values.items()
        }
    if spec.model == "stakes":
        st = spec.stakes
        assert st is not None
        forms = [str(q) for q in q_levels] if st.form_issue else [str(st.form)]
        tab = stake_table(case, spec)
        col = {
            (round(x, 9), f): j for j, (x, f) in enumerate(zip(tab.levels, tab.forms, strict=True))
        }
        idx = np.asarray([col[(round(float(x), 9), f)] for x in xs for f in forms], dtype=int)
        # short run in the first year of the horizon, long run after it
        w = env.share_before(case.as_of + dt.timedelta(days=365))[:, 0]
        prob = env.num(st.probability) if st.probability is not None else 1.0
        return {k: prob * tab.at(k, w)[:, idx] for k in tab.outputs}
    model = MODELS.get(spec.model)
    if model is None:
        raise InputError(f"issue {spec.name!r}: unknown model {spec.model!r}")
    x = np.asarray([float(v) for v in xs], dtype=float)
    if qualifier is None:
        res = model.fn(x, _args(env, spec))
        return {k: np.broadcast_to(v, (n, x.shape[0])).copy() for k, v in res.items()}
    parts: list[dict[str, np.ndarray]] = []
    for q in q_levels:
        terms = qualifier.terms.get(str(q), {})
        res = model.fn(x, _args(env, spec, terms))
        parts.append({k: np.broadcast_to(v, (n, x.shape[0])) for k, v in res.items()})
    keys = parts[0].keys()
    # interleave so that the qualifier varies fastest
    return {k: np.stack([p[k] for p in parts], axis=2).reshape(n, -1) for k in keys}


def issue_channels(
    env: Env,
    spec: IssueSpec,
    xs: Sequence[Any],
    qualifier: IssueSpec | None,
    q_levels: Sequence[Any],
) -> dict[str, np.ndarray]:
    """Channel flows (case channel names) of ``spec`` at ``xs`` × ``q_levels``, with legal risk."""
    raw = issue_outputs(env, spec, xs, qualifier, q_levels)
    out = dict(raw) if spec.model == "direct" else _to_channels(spec, raw)
    vr = spec.void_risk
    if vr is not None and out:
        lapse = issue_channels_lapsed(env, spec, qualifier, q_levels)
        kappa = void_probability(env, vr) * (1.0 - env.share_before(vr.on))
        m = len(xs)
        for ch in out:
            base = np.tile(lapse.get(ch, np.zeros((env.n, len(q_levels)))), (1, m))
            out[ch] = out[ch] - kappa * (out[ch] - base)
    return out


def void_probability(env: Env, vr: Any) -> np.ndarray:
    """``(n, 1)`` probability that the issue's legal basis is voided: the prior odds times the odds
    ratio of each adverse ruling known (1 once a final ruling voided it)."""
    if vr.final:
        return np.ones((env.n, 1))
    p = np.clip(env.num(vr.prob), 1e-9, 1 - 1e-9)
    odds = p / (1.0 - p)
    if vr.odds_ratio is not None and vr.adverse_rulings:
        odds = odds * env.num(vr.odds_ratio) ** vr.adverse_rulings
    return odds / (1.0 + odds)


def issue_channels_lapsed(
    env: Env, spec: IssueSpec, qualifier: IssueSpec | None, q_levels: Sequence[Any]
) -> dict[str, np.ndarray]:
    """Channels when the issue's rates lapse (level 0 of the rate)."""
    return _to_channels(spec, issue_outputs(env, spec, [0.0], qualifier, q_levels))


def _to_channels(spec: IssueSpec, raw: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key, v in raw.items():
        chs = spec.channels.get(key)
        if chs is None:
            continue
        for ch in [chs] if isinstance(chs, str) else chs:
            out[ch] = out.get(ch, 0.0) + v
    return out


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Tables:
    """Per-block tables for ``n`` draws.

    ``channels[b][ch]``, ``constituency[c][b]`` and ``party[P][b]`` are ``(n, L_b)``;
    ``no_deal[c]`` is ``(n, n_blocks)`` (each constituency's expected value of no deal per block);
    ``reservation[P]`` is ``(n,)``; ``expected_no_deal[issue]`` the expected threatened level."""

    case: Case
    env: Env
    blocks: list[Block]
    channels: list[dict[str, np.ndarray]]
    economics: list[dict[str, np.ndarray]]
    constituency: dict[str, list[np.ndarray]]
    party: dict[str, list[np.ndarray]]
    no_deal: dict[str, np.ndarray]
    reservation: dict[str, np.ndarray]
    expected_no_deal: dict[str, Any]
    weights: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.env.n


def _stakes(env: Env, case: Case, cname: str) -> dict[str, np.ndarray]:
    c = case.constituencies[cname]
    out = {}
    for ch, v in c.stakes.items():
        x = env.num(v)
        if c.scaled_channels is None or ch in c.scaled_channels:
            x = x * c.scale
        out[ch] = x
    return out


def _weight(env: Env, case: Case, cname: str) -> np.ndarray:
    c = case.constituencies[cname]
    if c.weight_ref is not None and c.scale == 1.0:
        return env.num(c.weight_ref)
    return np.full((env.n, 1), float(c.weight))


def _status_quo(spec: IssueSpec) -> Any:
    return spec.status_quo if spec.status_quo is not None else spec.levels[0]


def build_tables(case: Case, env: Env | None = None) -> Tables:
    """Every block's tables for the draws of ``env`` (default: the case as written)."""
    env = env if env is not None else Env(case)
    n = env.n
    blocks = blocks_of(case)
    issues = case.issues
    channels: list[dict[str, np.ndarray]] = []
    economics: list[dict[str, np.ndarray]] = []
    nd_channels: list[dict[str, np.ndarray]] = []
    expected: dict[str, Any] = {}
    for b in blocks:
        spec = issues[b.issues[0]]
        qual = issues[b.issues[1]] if len(b.issues) > 1 else None
        q_levels = list(qual.levels) if qual is not None else [None]
        ch = issue_channels(env, spec, list(spec.levels), qual, q_levels)
        channels.append(ch)
        economics.append(
            issue_outputs(env, spec, list(spec.levels), qual, q_levels)
            if spec.model not in ("direct", "qualifier")
            else {}
        )
        nd_channels.append(_no_deal_channels(env, spec, qual, ch, b, expected))
    cons: dict[str, list[np.ndarray]] = {}
    nd_c: dict[str, np.ndarray] = {}
    for cname in case.constituencies:
        st = _stakes(env, case, cname)
        cons[cname] = [
            weigh(st, ch, (n, b.n_levels)) for ch, b in zip(channels, blocks, strict=True)
        ]
        nd_c[cname] = (
            np.stack([weigh(st, ndc, (n, 1))[:, 0] for ndc in nd_channels], axis=1)
            if blocks
            else np.zeros((n, 0))
        )
    party: dict[str, list[np.ndarray]] = {}
    reservation: dict[str, np.ndarray] = {}
    weights: dict[str, np.ndarray] = {}
    for p in case.parties:
        tabs = [np.zeros((n, b.n_levels)) for b in blocks]
        res = np.zeros(n)
        for cname, c in case.constituencies.items():
            if c.party != p:
                continue
            w = _weight(env, case, cname)
            weights[cname] = w[:, 0]
            for j in range(len(blocks)):
                tabs[j] = tabs[j] + w * cons[cname][j]
            res = res + w[:, 0] * nd_c[cname].sum(axis=1)
        party[p] = tabs
        reservation[p] = res
    if case.retaliation.get("allowed"):
        from tariffsim.negotiation.nodeal import retaliation_values

        for cname, v in retaliation_values(case, env).items():
            c = case.constituencies[cname]
            reservation[c.party] = reservation[c.party] + _weight(env, case, cname)[:, 0] * v
            nd_c[cname] = nd_c[cname].copy()
            nd_c[cname][:, 0] += v
    return Tables(
        case, env, blocks, channels, economics, cons, party, nd_c, reservation, expected, weights
    )


def _no_deal_channels(
    env: Env,
    spec: IssueSpec,
    qual: IssueSpec | None,
    ch_levels: Mapping[str, np.ndarray],
    b: Block,
    expected: dict[str, Any],
) -> dict[str, np.ndarray]:
    """Expected channel flows of no deal for a block: the threat path of its first issue (status quo
    until each threatened value starts), the qualifier at its status quo level. ``(n, 1)`` each."""
    sq = _status_quo(spec)
    q_sq = _status_quo(qual) if qual is not None else None
    q_levels = [q_sq] if qual is not None else [None]
    if spec.no_deal is None:
        expected[spec.name] = sq
        if qual is not None:
            expected[qual.name] = q_sq
        li = spec.level_index(sq)
        qi = qual.level_index(q_sq) if qual is not None else 0
        col = int(
            np.flatnonzero(
                (b.index[:, 0] == li) & ((b.index[:, 1] == qi) if qual is not None else True)
            )[0]
        )
        return {k: v[:, col : col + 1] for k, v in ch_levels.items()}
    draws = spec.no_deal.draws
    values = [d.value for d in draws]
    if spec.kind == "numeric":
        ch_v = issue_channels(env, spec, [float(v) for v in values], qual, q_levels)
        ch_sq = issue_channels(env, spec, [float(sq)], qual, q_levels)
    else:
        ch_v = issue_channels(env, spec, values, qual, q_levels)
        ch_sq = issue_channels(env, spec, [sq], qual, q_levels)
    probs = np.concatenate([env.num(d.prob) for d in draws], axis=1)  # (n, d)
    tot = probs.sum(axis=1, keepdims=True)
    if np.any(np.abs(tot - 1.0) > 1e-6):
        probs = probs / tot  # drawn probabilities are renormalised to sum to 1
    fpre = np.concatenate([env.share_before(d.start) for d in draws], axis=1)  # (n, d)
    out = {}
    # channels in the tables' order (a set here made the sum order, hence ties between packages,
    # depend on PYTHONHASHSEED)
    for k in dict.fromkeys([*ch_v, *ch_sq]):
        v = ch_v.get(k, np.zeros((env.n, len(values))))
        s = ch_sq.get(k, np.zeros((env.n, 1)))
        out[k] = np.sum(probs * (fpre * s + (1.0 - fpre) * v), axis=1, keepdims=True)
    if spec.kind == "numeric":
        vals = np.asarray([float(v) for v in values])
        expected[spec.name] = float(
            np.mean(np.sum(probs * (fpre * float(sq) + (1 - fpre) * vals[None, :]), axis=1))
        )
    else:
        expected[spec.name] = str(values[int(np.argmax(probs.mean(axis=0)))])
    if qual is not None:
        expected[qual.name] = q_sq
    return out


# --------------------------------------------------------------------------------------------
# Per-issue view (salience for the baselines of the scoring code)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IssueTables:
    tables: tuple[np.ndarray, ...]


@dataclass(frozen=True, eq=False)
class IssuePreferences:
    """Per case issue, each party's utility of its levels at the case as written (for an issue
    valued jointly with a qualifier: the best over the qualifier's levels)."""

    case: Case
    utilities: dict[str, IssueTables]


def build_preferences(case: Case) -> IssuePreferences:
    """Per-issue utility tables of each party (central values)."""
    t = build_tables(case, Env(case))
    per: dict[str, list[np.ndarray]] = {
        p: [np.zeros(len(i.levels)) for i in case.issues] for p in case.parties
    }
    for b, bl in enumerate(t.blocks):
        for q, j in enumerate(bl.issues):
            for p in case.parties:
                tab = t.party[p][b][0]
                out = np.full(len(case.issues[j].levels), -np.inf)
                np.maximum.at(out, bl.index[:, q], tab)
                per[p][j] = out
    return IssuePreferences(case, {p: IssueTables(tuple(v)) for p, v in per.items()})
