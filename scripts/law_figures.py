"""Print the figures that docs/etr-vs-trackers.md and docs/ch99-coverage.md quote, from the library.

Three measurements of the US measure library on the reference data (../shared/data or $TARIFFSIM_DATA):

* the static effective tariff rate (duties / imports on the 2024 HS10 × partner imports, pre-
  substitution) on the dates the published trackers report, total and by authority
  (:func:`tariffsim.duties.etr.duties_on`);
* customs validation: duty computed on 2024 trade for Japan, the EU, China, Canada and Mexico against
  the duty Census recorded (:func:`tariffsim.duties.validation.validate`);
* the measures added in December 2026 that carry a duty (USMCA vehicle content, Section 201 solar, Russia's
  column-2 replacement, the 2026 metals of note 16(c)(xi)), as ETR points on the same dates;
* the chapter-99 coverage counts of ``tests/golden/test_ch99_coverage.py`` (rated headings of every
  HTS revision: represented by a measure / deliberately not modelled / missing).

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


# measures added in December 2026 that carry a duty of their own (the exemptions carry 0 and show in the totals)
COMPONENTS = (
    "s232_autos_usmca_content",
    "s232_trucks_usmca_content",
    "s201_solar_modules",
    "s201_solar_cells",
    "mfn_column2_russia_35",
    "mfn_column2_russia_70",
    "s232_metals_16cxi",
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
        for mid in COMPONENTS:
            if mid in c.measure_ids:
                row["measure:" + mid] = float(c.part(mid)[k] @ f.value_usd) / total * 100
        out.append(row)
    return out


def coverage_counts() -> dict:
    """Counts of the chapter-99 coverage test (its classify(), imported from the test module)."""
    import importlib.util

    path = ROOT / "tests" / "golden" / "test_ch99_coverage.py"
    spec = importlib.util.spec_from_file_location("ch99_coverage", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(mod)
    cl = mod.classify()
    return {
        "rated": sum(len(v) for v in cl.values()),
        "represented": len(cl["represented"]),
        "not_modelled": len(cl["not_modelled"]),
        "missing": len(cl["missing"]),
        "not_modelled_headings": cl["not_modelled"],
    }


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
    cov = coverage_counts()
    print(f"# law figures, run {dt.date.today().isoformat()}\n")
    auths = sorted({k for r in etr for k in r if k not in ("date", "etr") and ":" not in k})
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
    comps = [m for m in COMPONENTS if any("measure:" + m in r for r in etr)]
    print("\n| date | " + " | ".join(comps) + " |")
    print("|---|" + "---:|" * len(comps))
    for r in etr:
        cells = " | ".join(f"{r.get('measure:' + m, 0.0):.3f}" for m in comps)
        print(f"| {r['date']} | {cells} |")
    print(
        f"\nchapter-99 coverage: {cov['rated']} rated headings, {cov['represented']} represented, "
        f"{cov['not_modelled']} not modelled, {cov['missing']} missing"
    )
    if args.json:
        out = {"etr": etr, "validation": val, "coverage": cov}
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
