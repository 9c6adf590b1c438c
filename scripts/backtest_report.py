"""Write docs/backtest.md and its chart from a fresh run of the wave backtest.

    python scripts/backtest_report.py [--draws 2000] [--seed 0] [--executor local] [--baselines-only]
    python scripts/backtest_report.py --rerender   # redraw the page from the last run's saved result

Uses the wave forecaster (tariffsim.negotiation.forecast.forecast_partner) when it is available,
else scores the baselines alone and says so on the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
from pathlib import Path

from tariffsim.core.errors import InputError
from tariffsim.data.paths import cache_dir
from tariffsim.negotiation.backtest import default_forecaster, run_backtest, summarize
from tariffsim.negotiation.backtest_report import plot, render

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--executor", default="local")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--baselines-only", action="store_true")
    ap.add_argument(
        "--rerender",
        action="store_true",
        help="write the page from the result saved by the last run (no forecasting)",
    )
    args = ap.parse_args()
    saved = _saved_result()
    if args.rerender:
        res = pickle.loads(saved.read_bytes())
        res.summary = summarize(
            res.rows, n_boot=res.settings.get("n_boot", 2000), seed=res.settings["seed"]
        )
    else:
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
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(pickle.dumps(res))
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


def _saved_result() -> Path:
    """Where the last run's result is kept (the cache directory; never committed)."""
    return cache_dir() / "backtest_report_last.pickle"


if __name__ == "__main__":
    main()
