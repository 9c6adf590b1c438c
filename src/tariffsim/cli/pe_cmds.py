"""``tariffsim pe``: partial equilibrium of US imports between two dates of the schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def register(app: typer.Typer) -> None:
    app.command("pe")(pe)


def pe(
    start: str = typer.Option(..., "--from", help="baseline date (YYYY-MM-DD)"),
    end: str = typer.Option(
        None, "--to", help="policy date (default: same as --from, with --reform)"
    ),
    reform: Path = typer.Option(None, "--reform", help="reform YAML applied on the policy date"),
    level: str = typer.Option("hts10", "--level", help="product level: hts10 or hs6"),
    by: str = typer.Option("partner", "--by", help="table to show: partner, chapter or product"),
    top: int = typer.Option(15, "--top", help="rows to show (and products in --json)"),
    horizon: str = typer.Option(
        "long-run",
        "--horizon",
        help="long-run (Broda-Weinstein σ, full pass-through) or short-run (about a year: "
        "slower substitution, exporters absorb part of the duty; docs/pe.md)",
    ),
    eta: float = typer.Option(None, "--eta", help="import-demand elasticity (horizon default)"),
    omega: float = typer.Option(
        None, "--omega", help="export-supply elasticity (inf = fixed world prices)"
    ),
    passthrough: float = typer.Option(
        None, "--passthrough", help="pass-through ρ in [0,1] (overrides --omega)"
    ),
    plot: Path = typer.Option(None, "--plot", help="PNG chart of import changes by partner"),
    csv: Path | None = typer.Option(
        None,
        "--csv",
        help="write the --by table as CSV, all rows and every column of the frame --json shows "
        "under frames.partners / chapters / products (products: all, not only --top); "
        "'-' = standard output, instead of the tables",
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Partial equilibrium per product between two dates: imports, creation, diversion, welfare.

    Armington-CES demand across sources per HTS10 product (Broda-Weinstein elasticities): new
    imports by source, trade creation and diversion, tariff revenue, consumer prices, deadweight
    loss and the post-substitution effective tariff rate.
    """
    from tariffsim.cli.render import check_output_path, pct, print_json, print_table
    from tariffsim.core.dates import parse_date
    from tariffsim.core.errors import InputError
    from tariffsim.models.horizons import check_horizon, pe_params
    from tariffsim.models.pe import run_pe
    from tariffsim.schedule import load_schedule

    if end is None and reform is None:
        raise InputError(
            "give --to DATE, or --reform FILE", hint="e.g. --from 2025-01-01 --to 2025-04-10"
        )
    if by not in ("partner", "chapter", "product"):
        raise InputError(
            f"--by must be partner, chapter or product, got {by!r}", hint="e.g. --by chapter"
        )
    if top < 1:
        raise InputError(f"--top must be at least 1, got {top}", hint="e.g. --top 15")
    if plot is not None:
        check_output_path(plot, option="--plot", suffix=".png")
    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    check_horizon(horizon)
    override: dict[str, Any] = {
        k: v
        for k, v in (("eta", eta), ("omega", omega), ("passthrough", passthrough))
        if v is not None
    }
    if passthrough is not None:
        override["passthrough_products"] = ()
    params = pe_params(horizon, **override)
    base = load_schedule()
    d0 = base.check_date(parse_date(start, field="--from"), field="--from")
    d1 = base.check_date(parse_date(end, field="--to"), field="--to") if end else d0
    res = run_pe(
        start=d0,
        end=d1,
        reform=reform,
        level=level,  # type: ignore[arg-type]
        params=params,
    )
    table = {"partner": "partners", "chapter": "chapters", "product": "products"}[by]
    if plot is not None:
        _plot(res, plot, top)
    if csv is not None:
        from tariffsim.cli.render import csv_to_stdout, write_csv

        write_csv(csv, res.frame(table))
        if csv_to_stdout(csv):
            return
    if as_json:
        d = res.to_dict()
        # ~18,000 products: JSON carries the top --top of them (by baseline spending), not all.
        d["frames"]["products"] = d["frames"]["products"][:top]
        print_json(d)
        return
    s = res.frame("summary").row(0, named=True)
    bn = 1e9
    print_table(
        f"PE ({horizon}): {d0} → {d1}" + (f" with {reform}" if reform else ""),
        ["measure", "value"],
        [
            (
                "imports before / after",
                f"{s['imports_usd_before'] / bn:,.1f} / {s['imports_usd_after'] / bn:,.1f} bn USD",
            ),
            ("ETR before", pct(s["etr_before"])),
            ("ETR after, pre-substitution", pct(s["etr_after_pre_substitution"])),
            ("ETR after, post-substitution", pct(s["etr_after_post_substitution"])),
            ("import price index change", f"{s['import_price_change_pct']:.2f}%"),
            ("tariff revenue change", f"{s['revenue_change_usd'] / bn:,.1f} bn USD"),
            ("consumer surplus change", f"{s['consumer_surplus_change_usd'] / bn:,.1f} bn USD"),
            ("terms-of-trade gain", f"{s['tot_gain_usd'] / bn:,.1f} bn USD"),
            ("deadweight loss", f"{s['deadweight_loss_usd'] / bn:,.1f} bn USD"),
        ],
    )
    if params.horizon == "short-run":
        from tariffsim.cli.render import say

        cars = ", ".join(f"HS {p} {r:g}" for p, r in params.passthrough_products)
        say(
            f"short run: σ = Broda–Weinstein × {params.sigma_scale:.3f}, η = {params.eta:.4f}, "
            f"pass-through {params.passthrough:g}"
            + (f" ({cars})" if cars else "")
            + "; sources: docs/pe.md (or --json, provenance.sources)."
        )
    f = res.frame(table).head(top)
    if table == "products":
        product_rows = [
            (
                r["product"],
                f"{r['sigma']:.2f} ({r['sigma_source']})",
                f"{r['price_change_pct']:.2f}%",
                f"{r['deadweight_loss_usd'] / 1e6:,.1f}",
            )
            for r in f.iter_rows(named=True)
        ]
        print_table(
            f"top {top} products by 2024 spending",
            ["product", "σ (source)", "price Δ", "DWL mn USD"],
            product_rows,
            right={2, 3},
        )
        return
    key = "iso3" if table == "partners" else "chapter"
    rows = [
        (
            r[key],
            f"{r['imports_usd_before'] / bn:,.2f}",
            f"{r['change_usd'] / bn:,.2f}",
            f"{r['creation_usd'] / bn:,.2f}",
            f"{r['diversion_usd'] / bn:,.2f}",
            pct(r["etr_after"]),
        )
        for r in f.iter_rows(named=True)
    ]
    print_table(
        f"by {by} (bn USD)",
        [key, "imports before", "change", "creation", "diversion", "ETR after"],
        rows,
        right={1, 2, 3, 4, 5},
    )


def _plot(res, path: Path, top: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from tariffsim.core.palette import role

    p = res.frame("partners").head(top).reverse()
    names = p["iso3"].to_list()
    cre = (p["creation_usd"] / 1e9).to_numpy()
    div = (p["diversion_usd"] / 1e9).to_numpy()
    fig, ax = plt.subplots(figsize=(9, 5))
    # Diverging stack: negative parts stack leftwards from 0, positive parts rightwards.
    ax.barh(names, cre, color=role("creation"), label="trade creation")
    left = np.where(np.sign(div) == np.sign(cre), cre, 0.0)
    ax.barh(names, div, left=left, color=role("diversion"), label="trade diversion")
    ax.scatter(cre + div, names, color=role("total"), zorder=3, s=14, label="net change")
    ax.axvline(0, color=role("axis"), lw=0.8)
    ax.set_xlabel("change in US imports, bn USD (2024 volumes)")
    ax.set_title(f"PE: change in US imports by partner ({res.scenario})")
    ax.legend()
    fig.tight_layout()
    from tariffsim.cli.render import write_output

    write_output(
        path, lambda p: fig.savefig(p, dpi=120, format="png"), option="--plot", suffix=".png"
    )
    plt.close(fig)
