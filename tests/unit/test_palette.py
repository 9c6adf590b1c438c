"""Every chart takes its colours from :mod:`tariffsim.core.palette`.

Two checks: (1) no chart module writes a colour literal (hex codes, matplotlib ``tab:`` names,
grey levels, named colours) — only ``core/palette.py`` may; (2) each chart is rendered from real
inputs and every colour it draws (bars, areas, lines, markers; Vega-Lite colour encodings and mark
colours) is one of the palette's. The review of December 2026 found Section 232 blue in one
timeline, orange in the next and purple in a third: the timelines of a Korean car and a Chinese
battery must now draw Section 232 in the same colour.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tariffsim.core import palette
from tariffsim.core.palette import ALL_COLORS, AUTHORITY_COLORS, role

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tariffsim"
COLOR_LITERAL = re.compile(
    r"""#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|["']tab:[a-z]+["']|"""
    r"""(?:color|facecolor|edgecolor|c|colors|mfc|mec)\s*=\s*["'](?!none)(?:[a-z]+|0?\.\d+)["']"""
)


def test_no_colour_literal_outside_the_palette():
    """Source scan: chart code names palette roles, never colours."""
    found = []
    for f in sorted([*SRC.rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]):
        if f.name == "palette.py":
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            for m in COLOR_LITERAL.finditer(line):
                found.append(f"{f.relative_to(ROOT)}:{i}: {m.group(0)}")
    assert not found, "colour literals outside core/palette.py:\n" + "\n".join(found)


def test_palette_is_well_formed():
    assert set(palette.AUTHORITY_ORDER) == set(AUTHORITY_COLORS) == set(palette.AUTHORITY_LABELS)
    # each authority has its own colour, and none is reused by the unknown-authority colour
    assert len(set(AUTHORITY_COLORS.values())) == len(AUTHORITY_COLORS)
    assert palette.OTHER_AUTHORITY not in AUTHORITY_COLORS.values()
    assert palette.authority_color("s232") == "#1f77b4"  # the blue of etr.png and the dashboard
    assert palette.authority_color("a_new_authority") == palette.OTHER_AUTHORITY
    assert palette.order_authorities(["s122", "zz", "mfn", "s232"]) == ["mfn", "s232", "s122", "zz"]
    for c in ALL_COLORS:
        assert re.fullmatch(r"#[0-9a-f]{6}", c), c


# --- matplotlib: capture each figure when it is saved, and read the colours it draws ----------


def _hex(c: Any) -> str | None:
    from matplotlib.colors import to_hex, to_rgba

    rgba = to_rgba(c)
    if rgba[3] == 0:  # fully transparent: not drawn
        return None
    return to_hex(rgba, keep_alpha=False)


def _drawn_colours(fig: Any) -> dict[str, set[str]]:
    """Colours of the data artists of every axes, keyed by artist label ('' if none)."""
    out: dict[str, set[str]] = {}

    def add(label: Any, colours: Any) -> None:
        key = str(label) if label and not str(label).startswith("_") else ""
        for c in np.atleast_2d(np.asarray(colours, dtype=float)) if len(colours) else []:
            h = _hex(c)
            if h:
                out.setdefault(key, set()).add(h)

    for ax in fig.axes:
        owner = {id(p): c.get_label() for c in ax.containers for p in c}  # bars: their container
        for p in ax.patches:
            add(owner.get(id(p), p.get_label()), [p.get_facecolor()])
        for col in ax.collections:
            add(col.get_label(), col.get_facecolor())
        for ln in ax.lines:
            add(ln.get_label(), [_rgba(ln.get_color())])
    return out


def _rgba(c: Any) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    return to_rgba(c)


@pytest.fixture()
def saved(monkeypatch):
    """Every figure passed to ``savefig`` (the file is still written)."""
    from matplotlib.figure import Figure

    figs: list[Any] = []
    orig = Figure.savefig

    def spy(self, *a, **k):
        figs.append(self)
        return orig(self, *a, **k)

    monkeypatch.setattr(Figure, "savefig", spy)
    return figs


def _assert_palette(fig: Any) -> dict[str, set[str]]:
    drawn = _drawn_colours(fig)
    assert drawn, "the chart drew nothing"
    stray = {k: v - ALL_COLORS for k, v in drawn.items() if v - ALL_COLORS}
    assert not stray, f"colours not from core.palette: {stray}"
    return drawn


def test_timeline_pngs_draw_section_232_in_one_colour(saved, tmp_path):
    """The review's three timelines (a Korean car, a Japanese excavator, a Chinese battery) now
    draw every authority in its palette colour — Section 232 blue in each."""
    from tariffsim.cli.schedule_cmds import _plot_timeline
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    lo, end = s.coverage.start, s.coverage.end
    cases = [("KOR", "8703230190"), ("JPN", "8429521010"), ("CHN", "8507600020")]
    seen_232 = []
    for origin, hs in cases:
        rows = s.timeline(origin, hs, lo, end)
        _plot_timeline(rows, tmp_path / f"{origin}.png", title=f"{origin} {hs}")
        drawn = _assert_palette(saved[-1])
        for label, colours in drawn.items():
            match = [a for a, lab in palette.AUTHORITY_LABELS.items() if lab == label]
            if match:
                assert colours == {AUTHORITY_COLORS[match[0]]}, (origin, label, colours)
        if "Section 232" in drawn:
            seen_232.append(origin)
        assert drawn["total"] == {role("total")}
    assert len(seen_232) >= 2  # Section 232 applies to cars and (from 2025) these goods


def _small_flows() -> Any:
    from tariffsim.duties.flows import Flows

    # a Japanese car, a Chinese battery, a Canadian steel coil, German wine (2024-sized values)
    return Flows(
        hs10=np.array(["8703230190", "8507600020", "7208390015", "2204215050"]),
        origin=np.array(["JPN", "CHN", "CAN", "DEU"]),
        value_usd=np.array([3.0e10, 1.2e10, 2.0e9, 1.0e9]),
        source="test rows",
    )


def test_etr_series_png_and_bars(saved):
    from tariffsim.duties.etr import etr_series
    from tariffsim.duties.report import plot_bars_png, plot_series_png

    s = etr_series(dt.date(2025, 1, 1), dt.date(2025, 9, 1), flows=_small_flows(), by=())
    assert plot_series_png(s)[:4] == b"\x89PNG"
    drawn = _assert_palette(saved[-1])
    assert drawn["Section 232"] == {AUTHORITY_COLORS["s232"]}
    assert drawn["IEEPA reciprocal"] == {AUTHORITY_COLORS["ieepa_reciprocal"]}
    plot_bars_png(["84 Machinery", "87 Vehicles"], [0.1, 0.2], "t", "x")
    assert _assert_palette(saved[-1]) == {"": {role("bar")}}


def test_pe_png(saved, tmp_path):
    from tariffsim.cli.pe_cmds import _plot
    from tariffsim.models.pe import run_pe

    res = run_pe(start=dt.date(2025, 1, 1), end=dt.date(2025, 8, 7), flows=_small_flows())
    _plot(res, tmp_path / "pe.png", 10)
    drawn = _assert_palette(saved[-1])
    assert drawn["trade creation"] == {role("creation")}


def test_ge_png(saved, tmp_path):
    from tariffsim.cli.ge_cmds import _plot
    from tariffsim.models.ge_scenarios import run_scenario

    _plot(run_scenario("ustr_income_tax"), tmp_path / "ge.png")
    drawn = _assert_palette(saved[-1])
    assert drawn[""] <= {role("gain"), role("loss"), role("neutral"), role("axis")}


def _negotiation_result() -> Any:
    """A result shaped like :class:`~tariffsim.negotiation.analysis.NegotiationResult` (only the
    fields the charts read)."""
    t = np.linspace(0, 1, 50)
    sens = [
        {"parameter": "p_small", "low": 0, "high": 1, "share_base": 0.5, "share_low": 0.49,
         "share_high": 0.52, "nash_base": {"r": 0.1}, "nash_low": {"r": 0.1},
         "nash_high": {"r": 0.1}},
        {"parameter": "p_same_side", "low": 0, "high": 1, "share_base": 0.5, "share_low": 0.6,
         "share_high": 0.7, "nash_base": {"r": 0.1}, "nash_low": {"r": 0.1},
         "nash_high": {"r": 0.15}},
    ]  # fmt: skip
    return SimpleNamespace(
        parties=("USA", "JPN"),
        case_id="test",
        pareto_points=np.c_[10 * t, 10 * (1 - t**2)],
        deal_utilities=np.c_[5 + t[:10], 6 + t[:10]],
        reservation={"USA": 1.0, "JPN": 2.0},
        nash_utilities=(5.0, 7.0),
        ks_utilities=(5.5, 6.5),
        sensitivity=sens,
    )


def test_negotiation_pngs(saved, tmp_path):
    from tariffsim.negotiation.plots import pareto_chart, tornado_chart

    r = _negotiation_result()
    pareto_chart(r, tmp_path / "p.png")
    drawn = _assert_palette(saved[-1])
    assert drawn["Nash"] == {role("nash")}
    tornado_chart(r, tmp_path / "t.png")
    drawn = _assert_palette(saved[-1])
    assert drawn["parameter at its low value"] == {role("low")}
    assert drawn["parameter at its high value"] == {role("high")}
    # the global form (rank correlation per forecast output over the joint draws)
    r.sensitivity = _global_sensitivity()
    tornado_chart(r, tmp_path / "g.png")
    drawn = _assert_palette(saved[-1])
    assert drawn["headline rate"] == {role("headline")} and drawn["P(deal)"] == {role("p_deal")}


def _global_sensitivity() -> list[dict[str, Any]]:
    # the rows of negotiation.uncertainty.sensitivity_table, listed by its own importance score
    return [
        {"parameter": "a", "headline_spearman": 0.30, "p_deal_spearman": -0.35, "importance": 0.5},
        {"parameter": "b", "headline_spearman": -0.60, "p_deal_spearman": None, "importance": 0.4},
        {"parameter": "c", "headline_spearman": 0.05, "p_deal_spearman": 0.02, "importance": 0.3},
    ]


def test_tornado_rows_sorted_by_bar_length():
    """One at a time, a row's length is the span its low and high bars draw, max(bars, 0) −
    min(bars, 0): p_same_side (0.6−0.5, 0.7−0.5: both right of zero, 0.2) before p_small (−0.01,
    +0.02: 0.03), although the sensitivity listed p_small first. Global, it is the longest bar,
    max |ρ|: b (−0.60) before a (0.30, −0.35 → 0.35) before c (0.05), whatever the input's own
    importance order."""
    from tariffsim.negotiation.plots import tornado_rows

    rows = tornado_rows(_negotiation_result().sensitivity)
    assert [r["parameter"] for r in rows] == ["p_same_side", "p_small"]
    assert rows[0]["length"] == pytest.approx(0.2)
    assert rows[1]["length"] == pytest.approx(0.03)
    assert rows[0]["moves"] == ["r"] and rows[1]["moves"] == []
    g = tornado_rows(_global_sensitivity())
    assert [r["parameter"] for r in g] == ["b", "a", "c"]
    assert [r["length"] for r in g] == pytest.approx([0.60, 0.35, 0.05])
    assert g[0]["bars"] == {"headline": -0.60}


# --- Vega-Lite specs of the web -----------------------------------------------------------------


def _spec_colours(spec: Any) -> set[str]:
    """Every colour a spec names: colour-scale ranges, mark colours/fills/strokes."""
    out: set[str] = set()

    def walk(o: Any, key: str = "") -> None:
        if isinstance(o, dict):
            for k, v in o.items():
                if k in ("color", "fill", "stroke") and isinstance(v, str):
                    out.add(v)
                elif k == "range" and isinstance(v, list) and key == "scale":
                    out.update(x for x in v if isinstance(x, str))
                walk(v, k)
        elif isinstance(o, list):
            for v in o:
                walk(v, key)

    walk(spec)
    return out


def test_web_chart_specs_use_the_palette():
    from tariffsim.web import charts

    auths = ["mfn", "s232", "ieepa_reciprocal", "s301"]
    rows = [{"start": "2025-01-01", "by_authority": {a: 0.01 for a in auths}}]
    step = charts.stacked_steps(rows, auths, title="t", end="2025-02-01")
    assert step["encoding"]["color"]["scale"]["range"] == [AUTHORITY_COLORS[a] for a in auths]
    r = _negotiation_result()
    specs = [
        step,
        charts.bars([{"key": "JPN", "etr": 0.1}], field="etr", label="p", title="t"),
        charts.compare_bars([{"key": "JPN", "etr_baseline": 0.1, "etr_scenario": 0.2}], title="t"),
        charts.pareto(
            {
                "parties": list(r.parties),
                "pareto_points": r.pareto_points.tolist(),
                "deal_utilities": r.deal_utilities.tolist(),
                "reservation": r.reservation,
                "nash_utilities": r.nash_utilities,
                "ks_utilities": r.ks_utilities,
            }
        ),
        charts.tornado(r.sensitivity, party="USA"),
        charts.tornado(_global_sensitivity(), party="USA"),
    ]
    for spec in specs:
        colours = _spec_colours(spec)
        assert colours, spec.get("title")
        assert colours <= ALL_COLORS, (spec.get("title"), colours - ALL_COLORS)
