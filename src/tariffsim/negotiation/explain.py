"""What each stake is made of: ``tariffsim negotiate CASE --explain`` and ``--check PACKAGE.yaml``.

:func:`explain` lists, for every issue level, each party's utility and the channel flows behind it,
with the model, the data and the parameters (with their kind and source) each issue is valued with.

**Typed judgement share.** For each party and block, the utility table is split into the sum over
channels of ``weight × stake × flow``; a channel's term is *judgement* when its stake is a judgement
parameter or when its flow is scaled by one (:data:`SCALES`: a purchase's margin or credibility, a
pledge's values, term and capacity, a typed per-level table, the probability of a pending action — a
bound such as the market size of purchases does not scale), else *evidence* (data, literature,
statements). The share is ``Σ_b span(judgement terms) / Σ_b (span(judgement terms) + span(evidence
terms))`` — plus, on issues with a legal risk, the part of the span the (judgement) risk removes.
The project's standard is at most a quarter for either side.

:func:`read_package` reads a proposed package (``--check PACKAGE.yaml``), which
:func:`tariffsim.negotiation.analysis.check` scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

JUDGEMENT_LIMIT = 0.25


def _param_kinds(case: Any, refs: list[Any]) -> list[dict[str, Any]]:
    from tariffsim.negotiation.schema import ref_name

    out = []
    seen: set[str] = set()
    for r in refs:
        name = ref_name(r)
        if name is None or name not in case.parameters or name in seen:
            continue
        seen.add(name)
        p = case.parameters[name]
        src = case.sources.get(p.source)
        out.append(
            {
                "parameter": name,
                "value": p.value,
                "unit": p.unit,
                "kind": p.kind,
                "source": p.source,
                "source_title": src.title if src else "",
                "help": p.help,
            }
        )
    return out


def issue_refs(case: Any, spec: Any) -> list[Any]:
    """Every parameter an issue's value depends on (arguments, qualifier terms, risks)."""
    refs: list[Any] = list(spec.args.values())
    q = None
    from tariffsim.negotiation.preferences import linked_qualifier

    qn = linked_qualifier(spec)
    if qn is not None:
        q = case.issue(qn)
        for t in q.terms.values():
            refs += list(t.values())
    if spec.stakes is not None and spec.stakes.probability is not None:
        refs.append(spec.stakes.probability)
    if spec.void_risk is not None:
        refs.append(spec.void_risk.prob)
        if spec.void_risk.odds_ratio is not None:
            refs.append(spec.void_risk.odds_ratio)
    if spec.no_deal is not None:
        refs += [d.prob for d in spec.no_deal.draws]
    return refs


#: per model and output, the arguments that scale the output (bounds such as a market size or a
#: capacity cap it without scaling it, and are not counted)
SCALES: dict[str, dict[str, tuple[str, ...]]] = {
    "purchases": {
        "sellers": ("credibility", "seller_margin"),
        "balance": ("credibility",),
        "buyer": ("credibility", "buyer_premium"),
        "domestic": ("credibility", "domestic_displacement"),
    },
    "tonnage_purchase": {
        "sellers": ("credibility", "seller_margin", "price_usd_per_t"),
        "balance": ("credibility", "price_usd_per_t"),
        "buyer": ("credibility", "buyer_premium", "price_usd_per_t"),
        "domestic": ("credibility", "domestic_displacement", "price_usd_per_t"),
    },
    "pledge": {
        "host": ("credibility", "us_value", "pledge_years"),
        "investor": ("credibility", "partner_cost", "pledge_years", "capacity"),
    },
    "linear": {"us": ("us_value",), "partner": ("partner_cost",)},
    "quota_access": {
        "sellers": ("seller_margin", "price_usd_per_t", "reference_share"),
        "farm_loss": ("tariff_yen_per_kg", "displacement_in", "displacement_out"),
        "symbolic": ("symbolic_per_100k_t",),
    },
}


def _scale_refs(case: Any, spec: Any, output: str | None = None) -> list[Any]:
    """The parameters that scale an issue's output (all outputs when ``output`` is None)."""
    from tariffsim.negotiation.preferences import linked_qualifier

    if spec.model == "stakes":
        return [spec.stakes.probability] if spec.stakes.probability is not None else []
    scales = SCALES.get(spec.model, {})
    keys = (
        set(scales.get(output, ()))
        if output is not None
        else {k for v in scales.values() for k in v}
    )
    refs = [v for k, v in spec.args.items() if k in keys]
    qn = linked_qualifier(spec)
    if qn is not None:
        for t in case.issue(qn).terms.values():
            refs += [v for k, v in t.items() if k in keys]
    return refs


def _channel_outputs(spec: Any) -> dict[str, list[str]]:
    """Channel → the model outputs that feed it."""
    out: dict[str, list[str]] = {}
    for key, chs in spec.channels.items():
        for ch in [chs] if isinstance(chs, str) else chs:
            out.setdefault(ch, []).append(key)
    return out


def _is_judgement(case: Any, ref: Any) -> bool:
    from tariffsim.negotiation.schema import ref_name

    name = ref_name(ref)
    return (
        name is not None and name in case.parameters and case.parameters[name].kind == "judgement"
    )


def judgement_shares(case: Any, tables: Any | None = None) -> dict[str, Any]:
    """Per party: the typed-judgement share of its utility span (module docstring), per block."""
    from tariffsim.negotiation.preferences import Env, build_tables

    tables = tables if tables is not None else build_tables(case, Env(case))
    nov = _without_void_risk(case)
    tables_nv = build_tables(nov, Env(nov)) if nov is not case else tables
    out: dict[str, Any] = {}
    for p in case.parties:
        judg, evid, rows = 0.0, 0.0, []
        for b, bl in enumerate(tables.blocks):
            spec = case.issues[bl.issues[0]]
            feeds = _channel_outputs(spec)

            def judged(ch: str, spec: Any = spec, feeds: dict[str, list[str]] = feeds) -> bool:
                if spec.model == "direct":
                    dv = spec.values.get(ch)
                    return dv is not None and dv.kind == "judgement"
                outs: list[str | None] = [*feeds.get(ch, [])] or [None]
                return any(_is_judgement(case, r) for o in outs for r in _scale_refs(case, spec, o))

            jt = np.zeros(bl.n_levels)
            et = np.zeros(bl.n_levels)
            for cname, c in case.constituencies.items():
                if c.party != p:
                    continue
                w = float(tables.weights[cname][0]) if cname in tables.weights else c.weight
                for ch, v in tables.channels[b].items():
                    if ch not in c.stakes:
                        continue
                    term = w * case.number(c.stakes[ch]) * c.scale * v[0]
                    if judged(ch) or _is_judgement(case, c.stakes[ch]):
                        jt += term
                    else:
                        et += term
            js, es = float(np.ptp(jt)), float(np.ptp(et))
            if spec.void_risk is not None:
                span_nv = float(np.ptp(tables_nv.party[p][b][0]))
                span_v = float(np.ptp(tables.party[p][b][0]))
                extra = max(span_nv - span_v, 0.0)
                js += extra
            judg += js
            evid += es
            rows.append({"block": bl.name, "judgement_span": js, "evidence_span": es})
        tot = judg + evid
        out[p] = {
            "judgement_share": judg / tot if tot > 0 else 0.0,
            "span": tot,
            "blocks": rows,
            "within_limit": (judg / tot if tot > 0 else 0.0) <= JUDGEMENT_LIMIT,
        }
    return out


def _without_void_risk(case: Any) -> Any:
    import dataclasses

    if not any(i.void_risk is not None for i in case.issues):
        return case
    issues = tuple(i.model_copy(update={"void_risk": None}) for i in case.issues)
    return dataclasses.replace(case, issues=issues)


def explain(case: Any) -> dict[str, Any]:
    """Every issue level's utilities and channels, each issue's model, data and parameters."""
    from tariffsim.negotiation.preferences import Env, build_tables

    tables = build_tables(case, Env(case))
    levels = []
    issues = []
    for b, bl in enumerate(tables.blocks):
        specs = [case.issues[j] for j in bl.issues]
        spec = specs[0]
        prov: dict[str, Any] = {"issue": spec.name, "model": spec.model, "help": spec.help}
        if spec.model == "stakes":
            from tariffsim.negotiation.preferences import stake_table

            st = stake_table(case, spec)
            prov.update(st.provenance)
            prov["scope"] = list(spec.stakes.scope)
            prov["scope_usd_bn"] = st.base_usd / 1e9
            prov["status_quo_level"] = st.status_quo_level
            prov["form"] = spec.stakes.form or f"from {spec.stakes.form_issue}"
        elif spec.model == "direct":
            prov["values"] = {
                ch: {"kind": dv.kind, "source": dv.source} for ch, dv in spec.values.items()
            }
        else:
            prov["model_doc"] = f"tariffsim.negotiation.valuation.{spec.model}"
        prov["parameters"] = _param_kinds(case, issue_refs(case, spec))
        prov["channels"] = dict(spec.channels)
        issues.append(prov)
        for li, row in enumerate(bl.index):
            lv = {
                case.issues[j].name: case.issues[j].levels[int(row[q])]
                for q, j in enumerate(bl.issues)
            }
            entry: dict[str, Any] = {"issue": bl.name, "level": lv, "unit": spec.unit}
            for p in case.parties:
                entry[p] = float(tables.party[p][b][0, li])
            entry["channels"] = {ch: float(v[0, li]) for ch, v in tables.channels[b].items()}
            entry["economics"] = {k: float(v[0, li]) for k, v in tables.economics[b].items()}
            levels.append(entry)
    a, bp = case.parties
    return {
        "case": case.id,
        "as_of": case.as_of.isoformat(),
        "reservation": {p: float(tables.reservation[p][0]) for p in case.parties},
        "no_deal_levels": dict(tables.expected_no_deal),
        "issues": issues,
        "levels": levels,
        "judgement": judgement_shares(case, tables),
        "constituencies": {
            k: {
                "party": c.party,
                "weight": c.weight,
                "stakes": {ch: v for ch, v in c.stakes.items()},
                "source": c.source,
            }
            for k, c in case.constituencies.items()
        },
        "parties": [a, bp],
    }


def read_package(path: Any, case: Any) -> dict[str, Any]:
    """A package file: ``{issue: level}`` for every issue of the case (YAML, file:line errors)."""
    from pathlib import Path

    from tariffsim.negotiation.case import _yamlio

    yamlio = _yamlio()
    p = Path(path)
    raw = yamlio.read_yaml(p, name=p.name)
    if not isinstance(raw, Mapping):
        raise InputError("a package file is a mapping of issue: level", where=f"{p.name}:1")
    node = raw.get("package", raw)
    out = {}
    for k, v in node.items():
        if not case.has_issue(str(k)):
            raise InputError(
                f"unknown issue {k!r}",
                where=f"{p.name}:{yamlio.line_of(raw, ('package', k) if 'package' in raw else (k,))}",
                hint=f"issues of {case.id}: {', '.join(case.issue_names)}",
            )
        try:
            case.issue(str(k)).level_index(v)
        except InputError as exc:
            raise InputError(
                exc.message,
                where=f"{p.name}:{yamlio.line_of(raw, ('package', k) if 'package' in raw else (k,))}",
                hint=exc.hint,
            ) from None
        out[str(k)] = v
    missing = [n for n in case.issue_names if n not in out]
    if missing:
        raise InputError(
            f"the package leaves out {missing}", where=f"{p.name}:1", hint="give every issue"
        )
    return out
