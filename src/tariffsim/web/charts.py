"""Vega-Lite specifications of the dashboard's charts, built on the server with their data inline.

The pages embed each spec as JSON; ``static/app.js`` renders it with the vendored vega-embed. Rates
are fractions in the data and formatted as percentages on the axes.
"""

from __future__ import annotations

from typing import Any

from tariffsim.core.palette import authority_colors, authority_label, categorical, role

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _color(authorities: list[str]) -> dict[str, Any]:
    """Colour by authority, from :mod:`tariffsim.core.palette`, labelled for readers."""
    return {
        "field": "authority",
        "type": "nominal",
        "title": "authority",
        "scale": {"domain": authorities, "range": authority_colors(authorities)},
        "sort": authorities,
        "legend": {"labelExpr": _label_expr(authorities)},
    }


def _label_expr(authorities: list[str]) -> str:
    """A Vega expression mapping an authority id to its label (legend text)."""
    pairs = ", ".join(f"{a!r}: {authority_label(a)!r}" for a in authorities)
    return f"({{{pairs}}})[datum.label] || datum.label"


def stacked_steps(
    rows: list[dict[str, Any]], authorities: list[str], *, title: str, end: str | None = None
) -> dict[str, Any]:
    """A step area chart stacked by authority from ``[{start, by_authority: {a: rate}}]`` rows
    (each row holds from ``start`` until the next row's start; ``end`` closes the last one)."""
    values = []
    pts = [*rows]
    for r in pts:
        for a in authorities:
            values.append(
                {"date": r["start"], "authority": a, "rate": r["by_authority"].get(a, 0.0)}
            )
    if end and pts:
        for a in authorities:
            values.append(
                {"date": end, "authority": a, "rate": pts[-1]["by_authority"].get(a, 0.0)}
            )
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.9},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None},
            "y": {
                "field": "rate",
                "type": "quantitative",
                "stack": "zero",
                "title": "rate",
                "axis": {"format": ".0%"},
            },
            "color": _color(authorities),
            "order": {"field": "authority_order", "type": "quantitative"},
            "tooltip": [
                {"field": "date", "type": "temporal"},
                {"field": "authority", "type": "nominal"},
                {"field": "rate", "type": "quantitative", "format": ".2%"},
            ],
        },
        "transform": [
            {"calculate": f"indexof({authorities!r}, datum.authority)", "as": "authority_order"}
        ],
    }


def bars(
    rows: list[dict[str, Any]], *, field: str, label: str, title: str, fmt: str = ".1%"
) -> dict[str, Any]:
    """Horizontal bars of ``field`` by ``key`` in the given order."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": 16},
        "data": {"values": [{"key": r["key"], "value": r[field]} for r in rows]},
        "mark": {"type": "bar", "color": role("bar")},
        "encoding": {
            "y": {"field": "key", "type": "nominal", "sort": None, "title": label},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": field,
                "axis": {"format": fmt},
            },
            "tooltip": [{"field": "key"}, {"field": "value", "format": fmt}],
        },
    }


def compare_bars(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Grouped bars: ETR baseline vs scenario by key."""
    values = []
    for r in rows:
        values.append({"key": r["key"], "case": "baseline", "etr": r["etr_baseline"]})
        values.append({"key": r["key"], "case": "scenario", "etr": r["etr_scenario"]})
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": 10},
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "y": {"field": "key", "type": "nominal", "sort": None, "title": None},
            "yOffset": {"field": "case"},
            "x": {
                "field": "etr",
                "type": "quantitative",
                "axis": {"format": ".0%"},
                "title": "ETR",
            },
            "color": {
                "field": "case",
                "type": "nominal",
                "scale": {
                    "domain": ["baseline", "scenario"],
                    "range": [role("baseline"), role("scenario")],
                },
            },
            "tooltip": [{"field": "key"}, {"field": "case"}, {"field": "etr", "format": ".2%"}],
        },
    }


def pareto(result: dict[str, Any]) -> dict[str, Any]:
    """Frontier points and simulated deals, with the no-deal point and the Nash and
    Kalai–Smorodinsky packages drawn on top as labelled markers."""
    a, b = result["parties"]
    cloud = [{"u_a": p[0], "u_b": p[1], "what": "Pareto frontier"} for p in result["pareto_points"]]
    cloud += [
        {"u_a": p[0], "u_b": p[1], "what": "simulated deals"} for p in result["deal_utilities"]
    ]
    r = result["reservation"]
    marks = [{"u_a": r[a], "u_b": r[b], "what": "no deal"}]
    if result.get("nash_utilities"):
        marks.append(
            {"u_a": result["nash_utilities"][0], "u_b": result["nash_utilities"][1], "what": "Nash"}
        )
    if result.get("ks_utilities"):
        marks.append(
            {
                "u_a": result["ks_utilities"][0],
                "u_b": result["ks_utilities"][1],
                "what": "Kalai–Smorodinsky",
            }
        )
    x = {
        "field": "u_a",
        "type": "quantitative",
        "title": f"utility of {a}",
        "scale": {"zero": False},
    }
    y = {
        "field": "u_b",
        "type": "quantitative",
        "title": f"utility of {b}",
        "scale": {"zero": False},
    }
    tip = [{"field": "what"}, {"field": "u_a", "format": ".2f"}, {"field": "u_b", "format": ".2f"}]
    kinds = ["Pareto frontier", "simulated deals", "no deal", "Nash", "Kalai–Smorodinsky"]
    color = {
        "field": "what",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": kinds,
            "range": [
                role("frontier"),
                role("deals_light"),
                role("no_deal"),
                role("nash"),
                role("ks"),
            ],
        },
    }
    return {
        "$schema": SCHEMA,
        "title": {
            "text": "Pareto frontier and predicted deals",
            "subtitle": "utilities, US$ bn/yr equivalent",
        },
        "width": "container",
        "height": 320,
        "layer": [
            {
                "data": {"values": cloud},
                "mark": {"type": "circle", "size": 14, "opacity": 0.8},
                "encoding": {"x": x, "y": y, "color": color, "tooltip": tip},
            },
            {
                "data": {"values": marks},
                "mark": {
                    "type": "point",
                    "filled": True,
                    "size": 180,
                    "shape": "diamond",
                    "stroke": role("outline"),
                    "strokeWidth": 1,
                },
                "encoding": {"x": x, "y": y, "color": color, "tooltip": tip},
            },
            {
                "data": {"values": marks},
                "transform": [{"filter": "datum.what !== 'Kalai–Smorodinsky'"}],
                "mark": {"type": "text", "align": "left", "dx": 9, "dy": -9, "fontWeight": "bold"},
                "encoding": {"x": x, "y": y, "text": {"field": "what"}},
            },
            {
                "data": {"values": marks},
                "transform": [{"filter": "datum.what === 'Kalai–Smorodinsky'"}],
                "mark": {"type": "text", "align": "left", "dx": 9, "dy": 12, "fontWeight": "bold"},
                "encoding": {"x": x, "y": y, "text": {"field": "what"}},
            },
        ],
    }


def deal_ranges(result: dict[str, Any]) -> dict[str, Any]:
    """Per numeric issue, on a 0–1 scale of its levels (min → max): the simulated deals' p10–p90
    range, their median, and the Nash package."""
    rows = []
    for issue in result["issues"]:
        if issue["kind"] != "numeric":
            continue
        levels = [float(x) for x in issue["levels"]]
        lo, hi = min(levels), max(levels)
        span = (hi - lo) or 1.0
        d = result["deal"].get(issue["name"], {})
        if d.get("median") is None:
            continue
        nash = (result.get("nash") or {}).get(issue["name"])
        rows.append(
            {
                "issue": issue["name"],
                "p10": (float(d["p10"]) - lo) / span,
                "p90": (float(d["p90"]) - lo) / span,
                "median": (float(d["median"]) - lo) / span,
                "nash": None if nash is None else (float(nash) - lo) / span,
                "range": f"{lo:g} – {hi:g} {issue['unit']}",
            }
        )
    y = {"field": "issue", "type": "nominal", "sort": None, "title": None}
    x_scale = {"domain": [0, 1]}
    tip = [{"field": "issue"}, {"field": "range", "title": "levels"}]
    return {
        "$schema": SCHEMA,
        "title": {
            "text": "Predicted deal per issue",
            "subtitle": "simulated deals: p10–p90 bar, median ●; Nash ◆ (0 = lowest level, 1 = highest)",
        },
        "width": "container",
        "height": {"step": 20},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {
                    "type": "rule",
                    "strokeWidth": 6,
                    "opacity": 0.35,
                    "color": role("forecast"),
                },
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "p10",
                        "type": "quantitative",
                        "scale": x_scale,
                        "title": "position between the lowest and highest level",
                    },
                    "x2": {"field": "p90"},
                    "tooltip": tip,
                },
            },
            {
                "mark": {"type": "circle", "size": 70, "color": role("forecast")},
                "encoding": {
                    "y": y,
                    "x": {"field": "median", "type": "quantitative", "scale": x_scale},
                    "tooltip": tip,
                },
            },
            {
                "transform": [{"filter": "datum.nash !== null"}],
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "size": 90,
                    "color": role("nash"),
                },
                "encoding": {
                    "y": y,
                    "x": {"field": "nash", "type": "quantitative", "scale": x_scale},
                    "tooltip": tip,
                },
            },
        ],
    }


def tornado(sensitivity: list[dict[str, Any]], *, party: str, top: int = 12) -> dict[str, Any]:
    """What moves the forecast, as the PNG draws it
    (:func:`tariffsim.negotiation.plots.tornado_rows`: longest row first, a row's bars side by
    side — a parameter at its low and high value, or each forecast output)."""
    from tariffsim.negotiation.plots import TORNADO_BARS, tornado_rows

    rows = tornado_rows(sensitivity, top=top)
    order = [r["parameter"] for r in rows]
    kinds = [k for k in TORNADO_BARS if any(k in r["bars"] for r in rows)]
    values = [
        {
            "parameter": r["parameter"],
            "bar": TORNADO_BARS[k],
            "value": r["bars"][k],
            "moves": ", ".join(r["moves"]) or "—",
        }
        for r in rows
        for k in kinds
        if k in r["bars"]
    ]
    one_at_a_time = bool(kinds) and kinds[0] in ("low", "high")
    title = (
        f"change in {party}'s share of the Nash gains"
        if one_at_a_time
        else "rank correlation with the forecast over the joint draws"
    )
    labels = [TORNADO_BARS[k] for k in kinds]
    return {
        "$schema": SCHEMA,
        "title": {"text": "What moves the forecast", "subtitle": f"{title}; longest bar first"},
        "width": "container",
        "height": {"step": 6 * max(len(kinds), 1) + 4},
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "y": {"field": "parameter", "type": "nominal", "sort": order, "title": None},
            "yOffset": {"field": "bar", "sort": labels},
            "x": {"field": "value", "type": "quantitative", "title": title},
            "color": {
                "field": "bar",
                "type": "nominal",
                "title": None,
                "scale": {"domain": labels, "range": [role(k) for k in kinds]},
            },
            "tooltip": [
                {"field": "parameter"},
                {"field": "bar"},
                {"field": "value", "format": "+.3f"},
                {"field": "moves", "title": "Nash issues it moves"},
            ],
        },
    }


def wave_bands(rows: list[dict[str, Any]], *, as_of: str) -> dict[str, Any]:
    """Per partner: the forecast headline's 10–90 band (bar) and median (●), the status quo (|)
    and the actual deal's headline (◆, for deals that have happened)."""
    values: list[dict[str, Any]] = []
    order = []
    for r in rows:
        f = r.get("forecast")
        if not f or not f.get("headline"):
            continue
        label = f"{r['name']} ({r['partner']})"
        order.append(label)
        h = f["headline"]
        values.append({"partner": label, "what": "forecast 10–90", "lo": h["p10"], "hi": h["p90"]})
        values.append({"partner": label, "what": "forecast median", "x": h["median"]})
        values.append({"partner": label, "what": "status quo", "x": f["status_quo_rate"]})
        if r.get("actual"):
            values.append(
                {"partner": label, "what": "actual deal", "x": r["actual"]["headline_rate"]}
            )
    y = {"field": "partner", "type": "nominal", "sort": order, "title": None}
    x_axis = {"format": ".0%", "title": "headline rate as the deal names it"}
    colour = {
        "field": "what",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": ["forecast 10–90", "forecast median", "status quo", "actual deal"],
            "range": [role("forecast"), role("forecast"), role("baseline"), role("actual")],
        },
    }
    tip = [{"field": "partner"}, {"field": "what"}, {"field": "x", "format": ".1%"}]
    return {
        "$schema": SCHEMA,
        "title": {
            "text": f"Forecast headline rates as of {as_of}",
            "subtitle": "10–90 band and median of the draws (given a deal); status quo; actual deal",
        },
        "width": "container",
        "height": {"step": 22},
        "data": {"values": values},
        "layer": [
            {
                "transform": [{"filter": "datum.what === 'forecast 10–90'"}],
                "mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.35},
                "encoding": {
                    "y": y,
                    "x": {"field": "lo", "type": "quantitative", "axis": x_axis},
                    "x2": {"field": "hi"},
                    "color": colour,
                    "tooltip": [
                        {"field": "partner"},
                        {"field": "lo", "format": ".1%", "title": "p10"},
                        {"field": "hi", "format": ".1%", "title": "p90"},
                    ],
                },
            },
            {
                "transform": [{"filter": "datum.what === 'forecast median'"}],
                "mark": {"type": "circle", "size": 70},
                "encoding": {
                    "y": y,
                    "x": {"field": "x", "type": "quantitative"},
                    "color": colour,
                    "tooltip": tip,
                },
            },
            {
                "transform": [{"filter": "datum.what === 'status quo'"}],
                "mark": {"type": "tick", "thickness": 2, "size": 14},
                "encoding": {
                    "y": y,
                    "x": {"field": "x", "type": "quantitative"},
                    "color": colour,
                    "tooltip": tip,
                },
            },
            {
                "transform": [{"filter": "datum.what === 'actual deal'"}],
                "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 90},
                "encoding": {
                    "y": y,
                    "x": {"field": "x", "type": "quantitative"},
                    "color": colour,
                    "tooltip": tip,
                },
            },
        ],
    }


def p_deal_lines(rows: list[dict[str, Any]], *, as_of: str) -> dict[str, Any]:
    """P(deal by date) of each open partner: 0 on the forecast date, then the forecast's points
    (as_of + 30, 60, 90 days …), one line per partner."""
    values = []
    names = []
    for r in rows:
        f = r.get("forecast")
        if not f:
            continue
        names.append(r["name"])
        values.append({"partner": r["name"], "date": as_of, "p": 0.0})
        for d, p in f["p_deal_by"].items():
            values.append({"partner": r["name"], "date": d, "p": p})
    return {
        "$schema": SCHEMA,
        "title": {"text": "P(deal by date)", "subtitle": f"forecast as of {as_of}"},
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None},
            "y": {
                "field": "p",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "axis": {"format": ".0%"},
                "title": "probability",
            },
            "color": {
                "field": "partner",
                "type": "nominal",
                "title": None,
                "scale": {"domain": names, "range": categorical(len(names))},
            },
            "tooltip": [
                {"field": "partner"},
                {"field": "date", "type": "temporal"},
                {"field": "p", "format": ".0%"},
            ],
        },
    }
