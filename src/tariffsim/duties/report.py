"""Charts and the self-contained HTML report of the ETR (``tariffsim report etr``).

One HTML file, no external resources: charts are PNG images embedded as base64 ``data:`` URIs
(matplotlib, Agg backend), tables are plain HTML, styles inline. Contents: the ETR over time stacked
by authority, the ETR by partner and by HS chapter on the last day of the range, the points per
authority, and the validation against customs (2024 trade, schedule of 2024-07-01).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tariffsim.core.palette import (
    AUTHORITY_LABELS,
    authority_colors,
    authority_label,
    order_authorities,
    role,
)
from tariffsim.data.hts_chapters import chapter_label, chapter_title
from tariffsim.duties.etr import DutyResult, EtrSeries

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _plt() -> ModuleType:
    """``matplotlib.pyplot`` on the Agg backend (imported when a chart is drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def _positive(x: object) -> bool:
    """Is ``x`` a number above 0 (a column's maximum: None when the column is empty)?"""
    return isinstance(x, int | float) and x > 0


def plot_series_png(s: EtrSeries) -> bytes:
    """The daily ETR stacked by authority (percentage points), as PNG bytes."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    days = s.daily["date"].to_list()
    auth = [
        a for a in order_authorities(s.authorities) if _positive(s.daily[f"etr_{a}"].abs().max())
    ]
    ys = [100 * s.daily[f"etr_{a}"].to_numpy() for a in auth]
    if ys:
        ax.stackplot(
            days,
            *ys,
            labels=[authority_label(a) for a in auth],
            colors=authority_colors(auth),
            step="post",
        )
    ax.plot(
        days,
        100 * s.daily["etr"].to_numpy(),
        color=role("total"),
        lw=1.0,
        drawstyle="steps-post",
        label="total",
    )
    ax.set_ylabel("effective tariff rate, %")
    ax.set_title(
        f"US effective tariff rate on 2024 imports, {s.start} to {s.last_day} (pre-substitution)"
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=8, ncol=4, frameon=False)
    fig.autofmt_xdate()
    return _png(fig)


def plot_bars_png(labels: list[str], values: list[float], title: str, xlabel: str) -> bytes:
    """Horizontal bars (values are fractions, drawn in percent), as PNG bytes."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(labels) + 1.2))
    y = range(len(labels))
    ax.barh(list(y), [100 * v for v in values], color=role("bar"))
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(
    *,
    series: EtrSeries,
    snapshot: DutyResult,
    validation: Any | None,
    top: int = 20,
) -> str:
    """The report as one HTML string (see the module docstring)."""
    import jinja2

    from tariffsim.core import countries

    def cname(k: str) -> str:
        try:
            return countries.name(k)
        except Exception:
            return k

    partners = snapshot.by("group").head(top)
    chapters = snapshot.by("chapter").head(top)
    auth = snapshot.by("authority")
    changes = []
    prev = None
    for row in series.daily.iter_rows(named=True):
        if prev is None or abs(row["etr"] - prev) > 1e-12:
            changes.append(row)
            prev = row["etr"]
    charts = {
        "series": _data_uri(plot_series_png(series)),
        "partners": _data_uri(
            plot_bars_png(
                [f"{cname(k)} ({k})" for k in partners["key"].to_list()],
                partners["etr"].to_list(),
                f"ETR by partner on {snapshot.date} (largest duty first)",
                "effective tariff rate, %",
            )
        ),
        "chapters": _data_uri(
            plot_bars_png(
                [chapter_label(k) for k in chapters["key"].to_list()],
                chapters["etr"].to_list(),
                f"ETR by HS chapter on {snapshot.date} (largest duty first)",
                "effective tariff rate, %",
            )
        ),
    }
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tariffsim.duties", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["pct"] = lambda x, d=2: f"{100 * x:.{d}f}%"
    env.filters["bn"] = lambda x: f"{x / 1e9:,.2f}"
    return env.get_template("etr_report.html.j2").render(
        series=series,
        snapshot=snapshot,
        changes=changes,
        partners=partners.to_dicts(),
        chapters=chapters.to_dicts(),
        authorities=auth.to_dicts(),
        labels=AUTHORITY_LABELS,
        cname=cname,
        chapter_label=chapter_label,
        chapter_title=chapter_title,
        charts=charts,
        validation=validation,
        gaps=validation.largest_gaps(15).to_dicts() if validation is not None else [],
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        approx=snapshot.approx,
    )


def build_etr_report(
    start: dt.date, end: dt.date, *, out: Path, with_validation: bool = True
) -> dict[str, Any]:
    """Compute the series, the last-day snapshot and (optionally) the validation; write ``out``."""
    from tariffsim.core.errors import InputError
    from tariffsim.duties.etr import duties_on, etr_series
    from tariffsim.duties.flows import default_flows

    if end <= start:
        raise InputError(f"empty range [{start}, {end})", hint="--to must be after --from")
    flows = default_flows()
    series = etr_series(start, end, flows=flows, by=())
    last = end - dt.timedelta(days=1)
    snapshot = duties_on(last, flows=flows)
    validation = None
    if with_validation:
        from tariffsim.duties.validation import validate

        validation = validate()
    html = render_html(series=series, snapshot=snapshot, validation=validation)
    from tariffsim.core.outputs import write_atomic

    write_atomic(out, html, option="--out", suffix=".html")  # nothing half-written on error
    return {
        "out": str(out),
        "bytes": len(html.encode("utf-8")),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "etr_last_day": snapshot.etr,
        "validation": [p.summary() for p in validation.partners] if validation else None,
    }
