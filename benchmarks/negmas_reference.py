"""NegMAS 0.16 side of the negotiation benchmark — runs ONLY inside the benchmark env ``.venv-bench``.

NegMAS is AGPL-licensed: it is never a dependency of tariffsim and is never imported by the package or
by the main venv. ``benchmarks/bench_negotiation.py`` writes a JSON spec (issue sizes and the two
parties' value tables), runs this script with ``.venv-bench/bin/python`` as a subprocess, and reads
the JSON it prints.

Set up the env once (from the repository root):

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install negmas==0.16.0 numpy

Spec (JSON file given as the only argument)::

    {"tasks": [
       {"kind": "pareto", "sizes": [10, ...], "tables_a": [[...], ...], "tables_b": [[...], ...]},
       {"kind": "negotiate", "sizes": [...], "tables_a": ..., "tables_b": ..., "n": 20,
        "n_steps": 40, "strategy": "conceder"}
    ]}

Output: one JSON object ``{"negmas_version": ..., "results": [...]}`` with seconds, frontier sizes,
frontier utility points (to cross-check tariffsim's exact frontier) and negotiations per second.
"""

from __future__ import annotations

import json
import sys
import time


def _ufun(tables, issues):
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    values = [TableFun({i: float(v) for i, v in enumerate(t)}) for t in tables]
    return LinearAdditiveUtilityFunction(values=values, weights=[1.0] * len(tables), issues=issues)


def _issues(sizes):
    from negmas import make_issue

    return [make_issue(name=f"i{j}", values=list(range(n))) for j, n in enumerate(sizes)]


def run_pareto(task: dict) -> dict:
    from negmas.preferences import pareto_frontier

    issues = _issues(task["sizes"])
    ua, ub = _ufun(task["tables_a"], issues), _ufun(task["tables_b"], issues)
    t0 = time.perf_counter()
    points, _idx = pareto_frontier([ua, ub], issues=issues, sort_by_welfare=True)
    seconds = time.perf_counter() - t0
    return {
        "kind": "pareto",
        "seconds": seconds,
        "frontier_size": len(points),
        "points": [list(p) for p in points],
    }


def run_negotiate(task: dict) -> dict:
    from negmas import SAOMechanism
    from negmas.sao.negotiators.timebased import BoulwareTBNegotiator, ConcederTBNegotiator

    cls = {"conceder": ConcederTBNegotiator, "boulware": BoulwareTBNegotiator}[task["strategy"]]
    issues = _issues(task["sizes"])
    n = int(task["n"])
    agreed = 0
    t0 = time.perf_counter()
    for k in range(n):
        mech = SAOMechanism(issues=issues, n_steps=int(task["n_steps"]))
        mech.add(cls(name=f"a{k}"), ufun=_ufun(task["tables_a"], issues))
        mech.add(cls(name=f"b{k}"), ufun=_ufun(task["tables_b"], issues))
        state = mech.run()
        agreed += state.agreement is not None
    seconds = time.perf_counter() - t0
    return {
        "kind": "negotiate",
        "seconds": seconds,
        "negotiations": n,
        "per_second": n / seconds,
        "agreements": agreed,
    }


def main(argv: list[str]) -> int:
    import negmas

    with open(argv[1]) as fh:
        spec = json.load(fh)
    results = []
    for task in spec["tasks"]:
        if task["kind"] == "pareto":
            results.append(run_pareto(task))
        elif task["kind"] == "negotiate":
            results.append(run_negotiate(task))
        else:
            raise SystemExit(f"unknown task kind {task['kind']!r}")
    print(json.dumps({"negmas_version": negmas.__version__, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
