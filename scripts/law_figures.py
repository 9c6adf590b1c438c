"""Print the figures that docs/etr-vs-trackers.md and docs/ch99-coverage.md quote, from the library.

Three measurements of the US measure library on the reference data (../shared/data or $TARIFFSIM_DATA):

* the static effective tariff rate (duties / imports on the 2024 HS10 × partner imports, pre-
  substitution) on the dates the published trackers report, total and by authority
  (:func:`tariffsim.duties.etr.duties_on`);
* customs validation: duty computed on 2024 trade for Japan, the EU, China, Canada and Mexico against
  the duty Census recorded (:func:`tariffsim.duties.validation.validate`);
* the USMCA-vehicle, Section 201 and Russia components where the issue-11 families moved the rate.

Usage: ``python scripts/law_figures.py [--json PATH]``; prints a markdown table. The numbers in the
docs are copied from this output (the run date is printed at the top).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATES = (
    dt.date(2025, 4, 10),
    dt.date(2025, 5, 15),
    dt.date(2025, 6, 17),
    dt.date(2025, 9, 5),
    dt.date(2025, 10, 15),
    dt.date(2025, 12, 1),
    dt.date(2026, 2, 1),
    dt.date(2026, 3, 1),
    dt.date(2026, 6, 15),
)


def etr_table(dates: tuple[dt.date, ...] = DATES) -> list[dict]:
    import numpy as np

    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    f = default_flows()
    total = float(f.value_usd.sum())
    c = s.compile(
        hs10=f.hs10,
        origin=f.origin,
        start=min(dates),
        end=max(dates) + dt.timedelta(days=1),
        shares=f.shares,
    )
    seg = c.segment_index(np.array(dates, dtype="datetime64[D]"))
    out = []
    for d, k in zip(dates, seg, strict=True):
        row = {"date": d.isoformat(), "etr": float(c.total[k] @ f.value_usd) / total * 100}
        for a, arr in sorted(c.by_authority.items()):
            v = float(arr[k] @ f.value_usd) / total * 100
            if abs(v) > 1e-9:
                row[a] = v
        out.append(row)
    return out


def validation_table() -> list[dict]:
    from tariffsim.duties.validation import validate

    v = validate()
    return [
        {
            "partner": p.partner,
            "assessed_bn": p.duty_assessed_usd / 1e9,
            "computed_bn": p.duty_computed_usd / 1e9,
            "ratio": p.duty_computed_usd / p.duty_assessed_usd,
        }
        for p in v.partners
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    etr = etr_table()
    val = validation_table()
    print(f"# law figures, run {dt.date.today().isoformat()}\n")
    auths = sorted({k for r in etr for k in r if k not in ("date", "etr")})
    print("| date | ETR % | " + " | ".join(auths) + " |")
    print("|---|---:|" + "---:|" * len(auths))
    for r in etr:
        cells = " | ".join(f"{r.get(a, 0.0):.2f}" for a in auths)
        print(f"| {r['date']} | {r['etr']:.2f} | {cells} |")
    print("\n| partner | duty assessed 2024, $ bn | computed, $ bn | ratio |")
    print("|---|---:|---:|---:|")
    for r in val:
        print(
            f"| {r['partner']} | {r['assessed_bn']:.3f} | {r['computed_bn']:.3f} | {r['ratio']:.3f} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"etr": etr, "validation": val}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
