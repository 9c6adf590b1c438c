"""The colours of every chart: one colour per legal authority and one per chart role.

Every chart of the project — the matplotlib PNGs (``tariffsim timeline/etr/pe/ge --plot``, the HTML
report, the negotiation charts) and the web's Vega-Lite specs — takes its colours from here, so
that Section 232 is the same blue wherever it appears and two charts side by side can be compared
(``tests/unit/test_palette.py`` renders each chart and checks that every colour drawn is one of
these).

Authorities keep the hues the dashboard and ``etr.png`` already used (based on matplotlib's
"tab10" qualitative palette): Section 232 blue, IEEPA reciprocal orange, Section 301 red, IEEPA
fentanyl purple, other IEEPA brown, Section 122 green, MFN grey. Roles are colours for things that
are not authorities (totals, baseline vs scenario, gains vs losses, the parties and solutions of a
negotiation, a parameter's low vs high value); the low/high and gain/loss pairs are from Paul
Tol's colour-blind-safe "bright" scheme.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Authorities in the order charts stack them (bottom to top) and legends list them.
AUTHORITY_ORDER: tuple[str, ...] = (
    "mfn",
    "s232",
    "s301",
    "ieepa_reciprocal",
    "ieepa_fentanyl",
    "ieepa_other",
    "s122",
    "s201",
)

AUTHORITY_COLORS: dict[str, str] = {
    "mfn": "#8c8c8c",
    "s232": "#1f77b4",
    "s301": "#d62728",
    "ieepa_reciprocal": "#ff7f0e",
    "ieepa_fentanyl": "#9467bd",
    "ieepa_other": "#8c564b",
    "s122": "#2ca02c",
    "s201": "#e377c2",
}

#: An authority the palette does not know yet (a reform may add one): olive, used by no other.
OTHER_AUTHORITY = "#bcbd22"

AUTHORITY_LABELS: dict[str, str] = {
    "mfn": "MFN (column 1)",
    "s232": "Section 232",
    "s301": "Section 301",
    "ieepa_reciprocal": "IEEPA reciprocal",
    "ieepa_fentanyl": "IEEPA fentanyl",
    "ieepa_other": "IEEPA other (Brazil, India…)",
    "s122": "Section 122",
    "s201": "Section 201",
}

#: Colours of chart roles (not authorities).
ROLE: dict[str, str] = {
    "total": "#000000",  # the total line over a stack, net-change markers
    "axis": "#333333",  # zero lines and reference rules
    "outline": "#ffffff",  # outlines that separate marks drawn on top of others
    "bar": "#4477aa",  # single-series bars (ETR by partner, by chapter)
    "baseline": "#8c8c8c",  # scenario comparisons: the law as it is …
    "scenario": "#d62728",  # … and with the reform
    "gain": "#228833",  # welfare up, trade created
    "loss": "#ee6677",  # welfare down, trade destroyed
    "neutral": "#4477aa",  # a change with no sign meaning (price index)
    "creation": "#4477aa",  # PE: trade created or destroyed …
    "diversion": "#ccbb44",  # … and diverted between sources
    "low": "#4477aa",  # tornado: the parameter at its low value
    "high": "#ee6677",  # … at its high value
    "headline": "#4477aa",  # a forecast output: the headline rate …
    "auto": "#ee7733",  # … the car rate …
    "p_deal": "#228833",  # … the probability of a deal
    "frontier": "#4d4d4d",  # negotiation: the Pareto frontier
    "deals": "#4477aa",  # simulated (ratified) deals
    "deals_light": "#b0b0b0",  # simulated deals drawn behind other marks
    "no_deal": "#000000",  # the reservation (no-deal) point
    "party_a": "#d62728",  # the first party's no-deal line
    "party_b": "#ff7f0e",  # the second party's no-deal line
    "nash": "#228833",  # the Nash bargaining solution
    "ks": "#aa3377",  # the Kalai–Smorodinsky solution
    "forecast": "#4477aa",  # forecast median and band
    "actual": "#000000",  # the real outcome
    "split": "#66ccee",  # baseline forecast: split the difference
    "last_deal": "#ee7733",  # baseline forecast: the last deal's headline
    "reference": "#999999",  # reference lines (the diagonal of a reliability chart)
}


#: Series that are neither authorities nor roles (one line per partner): Paul Tol's "muted"
#: colour-blind-safe qualitative scheme, then repeated.
CATEGORICAL: tuple[str, ...] = (
    "#332288",
    "#88ccee",
    "#44aa99",
    "#117733",
    "#999933",
    "#ddcc77",
    "#cc6677",
    "#882255",
    "#aa4499",
    "#dddddd",
)


def categorical(n: int) -> list[str]:
    """``n`` colours for unordered series (:data:`CATEGORICAL`, repeated when ``n`` exceeds it)."""
    return [CATEGORICAL[i % len(CATEGORICAL)] for i in range(n)]


def authority_color(authority: str) -> str:
    """The colour of an authority (:data:`OTHER_AUTHORITY` for one the palette does not know)."""
    return AUTHORITY_COLORS.get(authority, OTHER_AUTHORITY)


def authority_colors(authorities: Iterable[str]) -> list[str]:
    """:func:`authority_color` of each authority, in order."""
    return [authority_color(a) for a in authorities]


def authority_label(authority: str) -> str:
    """A reader's name for an authority (``"Section 232"``); the id itself when unknown."""
    return AUTHORITY_LABELS.get(authority, authority)


def order_authorities(authorities: Iterable[str]) -> list[str]:
    """Authorities sorted in :data:`AUTHORITY_ORDER` (unknown ones last, in their given order)."""
    items = list(dict.fromkeys(authorities))
    rank = {a: i for i, a in enumerate(AUTHORITY_ORDER)}
    return sorted(items, key=lambda a: (rank.get(a, len(rank)), items.index(a)))


def role(name: str) -> str:
    """The colour of a chart role (``KeyError`` for an unknown role: add it to :data:`ROLE`)."""
    return ROLE[name]


#: Every colour a chart may draw with (the palette test checks charts against this set).
ALL_COLORS: frozenset[str] = frozenset(
    {*AUTHORITY_COLORS.values(), OTHER_AUTHORITY, *ROLE.values(), *CATEGORICAL}
)
