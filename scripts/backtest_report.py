"""Write docs/backtest.md and its chart from a fresh run of the wave backtest.

    python scripts/backtest_report.py [--draws 2000] [--seed 0] [--executor local] [--baselines-only]

Uses the wave forecaster (tariffsim.negotiation.forecast.forecast_partner) when it is available,
else scores the baselines alone and says so on the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from tariffsim.core.errors import InputError
from tariffsim.negotiation.backtest import default_forecaster, run_backtest
from tariffsim.negotiation.backtest_report import plot, render

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--executor", default="local")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--baselines-only", action="store_true")
    args = ap.parse_args()
    baselines_only = args.baselines_only
    if not baselines_only:
        try:
            default_forecaster()
        except InputError:
            baselines_only = True
    res = run_backtest(
        baselines_only=baselines_only,
        draws=args.draws,
        seed=args.seed,
        executor=args.executor,
        workers=args.workers,
    )
    chart = ROOT / "docs" / "img" / "backtest.png"
    plot(res, chart)
    page = render(
        res,
        chart="img/backtest.png",
        generated=dt.date.today(),
        command="python scripts/backtest_report.py",
    )
    (ROOT / "docs" / "backtest.md").write_text(page, encoding="utf-8")
    print(f"wrote docs/backtest.md and {chart.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
