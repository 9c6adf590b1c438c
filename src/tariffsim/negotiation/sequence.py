"""Sequences of negotiations: the "test case" effect of going first.

The US negotiates with several partners in order (Japan first, then Korea …). A concluded deal
changes the US side of the next negotiations in two ways:

* **aspiration (precedent)** — the US will not lightly give a later partner a lower rate than it gave
  the first: for every headline issue shared with the earlier deal, with precedent level ``x*`` (the
  lowest such level agreed so far, measured above each partner's MFN/FTA rate), the US utility of a level ``x`` below it is reduced by
  ``λ · (x* − x) / 0.01 · V_next / 10^11`` (λ US$ bn/yr per percentage point per US$100 bn of the next
  partner's 2024 imports, ``V_next``). Additive, so the frontier stays exact;
* **reservation (credibility)** — having shown it will conclude deals while keeping tariffs, the
  US's threat is more credible: its reservation value rises by ``κ`` times the US's gain in the
  previous deal, scaled by the partners' import ratio.

:func:`run_sequence` returns, in order, the Nash package of each negotiation with and without the
sequence effect. ``λ = κ = 0`` reproduces the independent negotiations exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

SHARED_HEADLINE = ("reciprocal_rate", "auto_rate")


@dataclass(frozen=True)
class SequenceStep:
    case_id: str
    partner: str
    nash_independent: dict[str, Any] | None
    nash_sequenced: dict[str, Any] | None
    moved: dict[str, dict[str, Any]]
    us_reservation_shift: float
    precedent: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "partner": self.partner,
            "nash_independent": self.nash_independent,
            "nash_sequenced": self.nash_sequenced,
            "moved": self.moved,
            "us_reservation_shift": self.us_reservation_shift,
            "precedent": self.precedent,
        }


def _imports(prefs: Any) -> float:
    tot = 0.0
    for k in ("cars", "auto_parts", "reciprocal_base"):
        if k in prefs.trade:
            tot += float(prefs.trade[k][0])
    return tot


def _mfn(case: Any, issue: str) -> float:
    """The MFN part of a total rate (``args.mfn`` of the issue; 0 if none): precedents compare the
    duty *above* MFN, so Japan's 2.5% on cars (MFN) and Korea's 0% (KORUS) are the same precedent."""
    ref = case.issue(issue).args.get("mfn")
    return float(case.value(ref)) if ref else 0.0


def run_sequence(
    cases: Sequence[Any], *, precedent_penalty: float = 0.3, credibility: float = 0.2
) -> list[SequenceStep]:
    """Negotiate ``cases`` in order (first = the test case); see the module docstring.

    ``precedent_penalty`` is λ (US$ bn/yr per pp per US$100 bn of imports), ``credibility`` is κ.
    """
    from tariffsim.negotiation.analysis import build_problem
    from tariffsim.negotiation.case import Case, load_case
    from tariffsim.negotiation.domain import AdditiveUtility, BargainingProblem
    from tariffsim.negotiation.solutions import nash_solution

    if precedent_penalty < 0 or credibility < 0:
        raise InputError("precedent_penalty and credibility must be ≥ 0")
    loaded = [c if isinstance(c, Case) else load_case(c) for c in cases]
    if not loaded:
        raise InputError("a sequence needs at least one case")
    imposer = loaded[0].parties[0]
    if any(c.parties[0] != imposer for c in loaded):
        raise InputError("every case of a sequence must have the same imposing party")
    precedent: dict[str, float] = {}
    prev_gain, prev_imports = 0.0, None
    steps: list[SequenceStep] = []
    for case in loaded:
        prefs, _nd, problem = build_problem(case)
        indep = nash_solution(problem)
        V = _imports(prefs)
        ua, ub = problem.utilities
        tables = list(ua.tables)
        for h, xstar in precedent.items():
            if h in [i.name for i in case.issues]:
                j = [i.name for i in case.issues].index(h)
                lv = np.asarray(case.issues[j].levels, dtype=float) - _mfn(case, h)
                below = np.maximum(xstar - lv, 0.0) / 0.01
                tables[j] = tables[j] - precedent_penalty * below * V / 1e11
        shift = 0.0
        if prev_imports:
            shift = credibility * prev_gain * V / prev_imports
        ua2 = AdditiveUtility(ua.agenda, tuple(tables), ua.constant)
        seq_problem = BargainingProblem(
            problem.agenda,
            (ua2, ub),
            (problem.reservation[0] + shift, problem.reservation[1]),
            problem.names,
        )
        seq = nash_solution(seq_problem)
        moved = {}
        if indep is not None and seq is not None:
            for k, v in indep.levels.items():
                if seq.levels[k] != v:
                    moved[k] = {"independent": v, "sequenced": seq.levels[k]}
        steps.append(
            SequenceStep(
                case_id=case.id,
                partner=case.partner,
                nash_independent=None if indep is None else dict(indep.levels),
                nash_sequenced=None if seq is None else dict(seq.levels),
                moved=moved,
                us_reservation_shift=shift,
                precedent=dict(precedent),
            )
        )
        if seq is not None:
            for h in SHARED_HEADLINE:
                if h in seq.levels:
                    x = float(seq.levels[h]) - _mfn(case, h)
                    precedent[h] = min(precedent.get(h, x), x)
            # the US gain in this deal, evaluated with its true (unpenalised) utility
            prev_gain = max(float(ua.evaluate(seq.package)[0]) - problem.reservation[0], 0.0)
            prev_imports = V
    return steps
