"""A negotiation case for any partner on any date, from data and dated facts: one template for all.

:func:`generate_case_file` builds a :class:`~tariffsim.negotiation.schema.CaseFile` for partner ``P``
(ISO3 code, a name, or ``EU``) as of a date ``d``. Nothing in it is typed for a partner: every
partner-specific input comes from

* **data** — 2024 US imports by HTS10 and partner (Census), the US measure library on ``d`` (the law
  as known on ``d`` where the schedule supports it), the 2023 trade matrix and GDP of the GE data;
* **dated facts** (:mod:`tariffsim.negotiation.facts`, entries public by ``d`` only) — the rate in
  force and the threats, the deadlines in force, the open Section 232 investigations, court rulings,
  retaliation, FTA status, elections, security ties, the US's stated objectives;
* **the priors** of ``priors.yaml`` — the same for every partner, each with a range and a source.

The agenda (the template):

``reciprocal_rate`` + ``reciprocal_form``  the headline rate as the deal names it, as an add-on or
    an MFN-inclusive floor; levels from the lowest rate the US stated as a floor (else 0) to the
    threat, 2.5-point steps to 30%, 5 points to 50%, 10 points beyond. Valued by the PE per HTS10 on
    the partner's goods under the IEEPA headline duties on ``d``; its threat path is the live threat
    from the first deadline in force (imposed with probability ``p_threat_imposed``); its legal risk
    is the risk that the courts void the IEEPA duties (prior odds times each adverse ruling known).
``auto_rate``  the total duty on cars and listed parts under Section 232 on ``d`` (when the partner
    sold the US at least US$1 bn of them in 2024), from the MFN rate to the rate in force.
``s232_cap``  a cap on the duties of the Section 232 investigations open on ``d`` (when the
    partner's goods in their scope reach US$1 bn), each expected at ``s232_expected_rate`` with
    probability ``s232_action_probability``.
``purchases``  extra purchases of US goods, up to the market: ``purchase_market_share`` of the
    partner's imports from other suppliers (GE data, 2023), discounted by ``purchase_credibility``.
``investment`` + ``investment_terms``  a pledge of up to the partner's outward direct investment over
    the pledge's term (``investment_data.yaml``; else 0-20% of its GDP), its projects chosen by the
    partner or by the US (with snap-back); valued by :func:`tariffsim.negotiation.valuation.pledge`
    with the priors' sourced rates of return.

Objectives: the US government weighs tariff revenue, US buyers' surplus, displaced imports (the
deficit, and reshoring in the sectors it named), purchases and investment; the partner's government
its exporters' surplus and the income lost with lost exports, the cost of purchases and of the
pledge. Bargaining power from trade dependence and security ties; a pivot for the partner's domestic
approval whose line rises before a national election.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.schema import CaseFile, ParamSpec, SourceSpec

_HERE = __import__("pathlib").Path(__file__).resolve().parent
PRIORS_FILE = _HERE / "priors.yaml"
MIN_ISSUE_USD = 1e9  # an issue enters the agenda when the partner's goods in its scope reach this
MIN_S232_GAP = 0.05  # … and (cars) when the Section 232 duty in force adds at least this to MFN
BROAD_CHAPTERS = ("84", "85", "87")  # too broad to stand for one investigation without a list
S232_LISTS = {
    "semiconductors": "s232_semi_products",
    "copper": "s232_copper_products",
    "trucks": "s232_mhd_parts",
}
INVESTMENT_SHARES = (0.0, 0.01, 0.025, 0.05, 0.1, 0.2)  # of GDP, without outward-FDI data
INVESTMENT_FDI_SHARES = (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)  # of outward FDI over the term
INVESTMENT_DATA_FILE = _HERE / "investment_data.yaml"
PURCHASE_SHARES = (0.0, 0.25, 0.5, 1.0)


# --------------------------------------------------------------------------------------------
# The priors registry
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def priors() -> tuple[dict[str, SourceSpec], dict[str, ParamSpec]]:
    """The template's priors and their sources (``priors.yaml``, validated, file:line errors)."""
    from pydantic import BaseModel, ConfigDict

    from tariffsim.core import yamlio

    class PriorsFile(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        sources: dict[str, SourceSpec]
        priors: dict[str, ParamSpec]

    raw = yamlio.read_yaml(PRIORS_FILE, name="priors.yaml")
    pf = yamlio.validate(PriorsFile, raw, "priors.yaml")
    for k, p in pf.priors.items():
        if p.source not in pf.sources:
            raise InputError(
                f"prior {k!r} cites unknown source {p.source!r}",
                where=f"priors.yaml:{yamlio.line_of(raw, ('priors', k, 'source'))}",
            )
    return dict(pf.sources), dict(pf.priors)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def _bound(p: ParamSpec, end: str) -> float:
    """The ``low`` or ``high`` end of a ranged prior; an :class:`InputError` when it has none."""
    x = getattr(p, end)
    if x is None:
        raise InputError(
            f"the prior {p.help!r} has no {end} end", hint="give it low and high (priors.yaml)"
        )
    return float(x)


def _scaled_prior(
    pri: dict[str, ParamSpec],
    prior: str,
    factor: float,
    digits: int,
    derived_factor: float,
    **fields: str,
) -> dict[str, Any]:
    """A case parameter that is a data quantity times a ranged prior: value, low and high are
    ``factor × prior`` (its number and range ends) rounded to ``digits``; ``fields`` (unit, help,
    kind, source, note) follow in that order; ``derived`` names the prior and the factor."""
    p = pri[prior]
    return {
        "value": round(factor * p.number, digits),
        "low": round(factor * _bound(p, "low"), digits),
        "high": round(factor * _bound(p, "high"), digits),
        **fields,
        "derived": {"prior": prior, "factor": derived_factor},
    }


def resolve_partner(text: str) -> str:
    """ISO3 code or ``EU`` of a partner typed as a code, a Census code or a name."""
    from tariffsim.core.countries import resolve

    code = resolve(text)
    if code == "USA":
        raise InputError("the United States is the imposing party", hint="name a trade partner")
    return code


GE_KEYS = ("exports_to_us", "imports_from_us", "imports_from_others", "gdp", "us_gdp")


@lru_cache(maxsize=64)
def ge_numbers(partner: str) -> dict[str, float]:
    """From the GE data (2023, US$): the partner's exports to the US, imports from the US and from
    everyone else, GDP; the US's GDP. A group sums its members. Cached on disk."""
    from tariffsim.negotiation import cache

    path = cache.entry("ge", {"partner": partner})
    z = cache.load(path)
    if z is not None:
        return {k: float(z[k]) for k in GE_KEYS}
    out = _ge_numbers(partner)
    cache.save(path, {k: np.asarray(v) for k, v in out.items()})
    return out


def _ge_numbers(partner: str) -> dict[str, float]:
    from tariffsim.models.ge_data import load_raw
    from tariffsim.negotiation.tariff_stakes import partner_codes

    r = load_raw()
    codes = [c for c in partner_codes(partner) if c in r.iso3]
    if not codes:
        raise InputError(f"{partner} is not in the GE data (194 countries)")
    idx = np.asarray([r.index(c) for c in codes])
    us = r.index("USA")
    inside = np.zeros(len(r.iso3), dtype=bool)
    inside[idx] = True
    k = 1e3  # thousands of USD → USD
    return {
        "exports_to_us": float(r.trade[idx, us].sum()) * k,
        "imports_from_us": float(r.trade[us, idx].sum()) * k,
        "imports_from_others": float(r.trade[~inside, :][:, idx].sum() - r.trade[us, idx].sum())
        * k,
        "gdp": float(r.gdp[idx].sum()) * k,
        "us_gdp": float(r.gdp[us]) * k,
    }


@lru_cache(maxsize=1)
def _investment_data() -> tuple[dict[str, SourceSpec], dict[str, list[dict[str, Any]]]]:
    """``investment_data.yaml``, validated (file:line errors)."""
    from pydantic import BaseModel, ConfigDict

    from tariffsim.core import yamlio

    class Entry(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        year: int
        usd_bn: float
        source: str
        note: str = ""

    class DataFile(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        sources: dict[str, SourceSpec]
        partners: dict[str, list[Entry]]

    raw = yamlio.read_yaml(INVESTMENT_DATA_FILE, name="investment_data.yaml")
    df = yamlio.validate(DataFile, raw, "investment_data.yaml")
    for k, entries in df.partners.items():
        for i, e in enumerate(entries):
            if e.source not in df.sources:
                raise InputError(
                    f"{k}: entry cites unknown source {e.source!r}",
                    where=f"investment_data.yaml:{yamlio.line_of(raw, ('partners', k, i, 'source'))}",
                )
    return dict(df.sources), {k: [e.model_dump() for e in v] for k, v in df.partners.items()}


def outward_fdi(partner: str, as_of: dt.date) -> tuple[str, dict[str, Any], float, int, str] | None:
    """The partner's latest outward direct investment (US$ bn/yr) published by ``as_of``:
    ``(source id, source, usd_bn, year, note)``, or None when ``investment_data.yaml`` has none."""
    srcs, parts = _investment_data()
    known = [e for e in parts.get(partner, []) if srcs[e["source"]].date <= as_of]
    if not known:
        return None
    e = max(known, key=lambda e: (e["year"], srcs[e["source"]].date))
    return (
        e["source"],
        srcs[e["source"]].model_dump(),
        float(e["usd_bn"]),
        int(e["year"]),
        e["note"],
    )


def _grid(lo: float, hi: float, must: tuple[float, ...] = ()) -> list[float]:
    """Rates from ``lo`` to ``hi``: 2.5-point steps to 30%, 5 to 50%, 10 beyond; plus ``must``."""
    pts: set[float] = set()
    x = 0.0
    while x <= max(hi, lo) + 1e-9:
        if x >= lo - 1e-9:
            pts.add(round(x, 4))
        x += 0.025 if x < 0.3 - 1e-9 else (0.05 if x < 0.5 - 1e-9 else 0.1)
    pts |= {round(v, 4) for v in must if lo - 1e-9 <= v <= hi + 1e-9}
    pts.add(round(lo, 4))
    pts.add(round(hi, 4))
    return sorted(pts)


def _modal(rates: np.ndarray, weights: np.ndarray) -> float:
    """The value-weighted most common rate (rounded to 4 decimals): the rate a deal would name."""
    vals, inv = np.unique(np.round(rates, 4), return_inverse=True)
    return float(vals[int(np.argmax(np.bincount(inv, weights=weights)))])


def _sig(x: float) -> float:
    """Three significant figures (grid levels in US$ bn)."""
    if x <= 0:
        return 0.0
    return float(f"{x:.3g}")


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def generate_case_file(partner: str, as_of: dt.date) -> CaseFile:
    """The generated case of ``partner`` as of ``as_of`` (see the module docstring)."""
    P = resolve_partner(partner)
    return _generate(P, as_of)


@lru_cache(maxsize=64)
def _generate(P: str, d: dt.date) -> CaseFile:
    from tariffsim.models.stakes import prefix_mask
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.schema import StakesSpec
    from tariffsim.negotiation.tariff_stakes import law_on, list_prefixes

    psrc, pri = priors()
    sources: dict[str, Any] = {}
    params: dict[str, Any] = {}
    prov: dict[str, Any] = {"generator": "tariffsim.negotiation.generate", "partner": P}

    def use(name: str) -> str:
        """Copy a prior (and its source) into the case."""
        p = pri[name]
        if psrc[p.source].date > d:
            raise InputError(f"prior {name!r} has a source dated after {d}")
        sources[p.source] = psrc[p.source].model_dump()
        params[name] = p.model_dump(exclude_none=True)
        return name

    def fact_source(ids: list[str], public: dt.date | None = None) -> str:
        """A fact's source: the earliest of its sources published by ``d``; when every source of
        a fact public on ``public`` (≤ d) was written later, the fact is cited as public on that
        day and the note says when its source was published."""
        allsrc = F.sources()
        ranked = sorted(ids, key=lambda i: allsrc[i].date)
        ok = [i for i in ranked if allsrc[i].date <= d]
        sid = ok[0] if ok else ranked[0]
        s = allsrc[sid]
        note = ""
        date = s.date
        if s.date > d:
            if public is None or public > d:
                raise InputError(f"fact source {sid!r} is dated after {d}")
            note = f"the fact was public on {public.isoformat()}; this source describing it is of {s.date.isoformat()}"
            date = public
        sources[sid] = {"title": s.title, "date": date, "url": s.url, "path": s.data, "note": note}
        return sid

    def data_param(
        name: str, value: float, unit: str, help_: str, source: str, note: str = ""
    ) -> str:
        params[name] = {
            "value": value,
            "unit": unit,
            "help": help_,
            "source": source,
            "kind": "data",
            "note": note,
        }
        return name

    sources["census-2024"] = {
        "title": "US imports for consumption by HTS10 and partner, and trade by partner, calendar 2024 (US Census Bureau)",
        "date": dt.date(2025, 2, 5),
        "path": "data/census/",
    }
    sources["ge-2023"] = {
        "title": "Trade matrix and GDP of 194 countries, 2023 (CEPII BACI; replication data of Ignatenko, Lashkaripour, Macedoni & Simonovska 2025)",
        "date": dt.date(2025, 4, 1),
        "path": "data/ge_2023/",
    }
    sources["us-law"] = {
        "title": f"US measure library (tariffsim.schedule) evaluated on {d.isoformat()}",
        "date": d,
        "path": "src/tariffsim/jurisdictions/us/",
    }

    # ---------------- facts known on d ----------------
    have_facts = P in F.partners()
    measures = F.headline_measures(P)
    sq = F.rate_in_force(P, d) if have_facts else None
    threat = F.threat_rate(P, d) if have_facts else None
    law = law_on(d, d)
    from tariffsim.negotiation.tariff_stakes import MEASURE_AUTHORITY, nominal_rate, partner_rows

    authorities = sorted({MEASURE_AUTHORITY.get(m, "ieepa_other") for m in measures})
    hl_spec = StakesSpec(
        scope=["reciprocal"],
        form_issue="reciprocal_form",
        replaces=None if authorities == ["ieepa_reciprocal"] else authorities,
    )
    prow = partner_rows(law, P)
    hl_part = law.headline(measures)
    if sq is None:
        sq = nominal_rate(hl_part[prow], law.value[prow])
        threat = sq
    assert threat is not None
    floor_rates = [
        o.rate
        for o in F.us_objectives(d, "floor")
        if o.rate is not None and (o.partners == "all" or P in o.partners)
    ]
    floor_rate = floor_rates[-1] if floor_rates else 0.0
    prov.update(status_quo_rate=sq, threat_rate=threat, stated_floor=floor_rate)
    deadlines = F.deadlines(P, d) if have_facts else []
    live = []
    for m in measures:
        live += F.live_threats(P, d, m) if have_facts else []

    # threat start: the first deadline in force, else the threat's own effective date, else +90 days
    starts = [e.until for e in deadlines if e.until is not None]
    starts += [t.effective for t in live if t.effective is not None and t.effective > d]
    threat_start = min(starts) if starts else d + dt.timedelta(days=90)
    prov["threat_start"] = threat_start.isoformat()

    # ---------------- issues ----------------
    issues: list[dict[str, Any]] = []
    cons_us: dict[str, Any] = {}
    cons_p: dict[str, Any] = {}
    src_fact = fact_source(["eo14257"]) if have_facts else "us-law"

    # headline rate × form
    # from the lowest stated floor (or the rate in force, if lower) to the threat: a deal above the
    # live threat buys the US nothing it cannot impose alone
    lo = min(floor_rate, sq)
    hi = max(threat, sq)
    levels = _grid(lo, hi, (sq, threat))
    # the models value the headline on the partner's goods under the reciprocal duty; a partner whose
    # headline duty is another (Canada's and Mexico's fentanyl duty on non-USMCA goods) has no goods
    # there: its headline cannot be valued and stays at the rate in force (one level)
    valued = float(law.value[prow & (law.reciprocal > 0)].sum())
    if valued < MIN_ISSUE_USD:
        levels = [sq]
        lo = hi = sq
        prov["headline_unvalued"] = (
            "no goods under the reciprocal duty: the headline stays in force"
        )
    court = [e for e in F.calendar(d) if e.kind == "court_ruling"] if have_facts else []
    final = any("scotus" in e.id for e in court)
    cert = [e for e in F.calendar(d) if e.kind == "legal" and "cert" in e.id] if have_facts else []
    ruling_day = (
        dt.date(d.year + (1 if d.month > 6 else 0), 6, 30) if cert else d + dt.timedelta(days=365)
    )
    if final:
        ruling_day = max(e.date for e in court if "scotus" in e.id)
    use("p_ieepa_void")
    use("court_ruling_odds_ratio")
    use("passthrough_general")  # for the first-order value of other partners' claims
    use("p_threat_imposed")
    nd_draws = [
        {
            "value": sq,
            "prob": "1-p_threat_imposed",
            "start": d,
            "source": src_fact,
            "note": "no change: the pause or the status quo continues",
        }
    ]
    if threat > sq + 1e-9:
        nd_draws.insert(
            0,
            {
                "value": threat,
                "prob": "p_threat_imposed",
                "start": threat_start,
                "source": fact_source(live[-1].source, live[-1].date) if live else src_fact,
                "note": "the highest live threat takes effect at the first deadline in force",
            },
        )
    else:
        nd_draws[0]["prob"] = 1.0
    issues.append(
        {
            "name": "reciprocal_rate",
            "kind": "numeric",
            "unit": "fraction",
            "help": "The headline rate as the deal names it (an add-on, or an all-in floor: see reciprocal_form).",
            "description": "the IEEPA headline duty on the partner's goods ("
            + "+".join(measures)
            + ")",
            "levels": levels,
            "source": src_fact,
            "model": "stakes",
            "stakes": hl_spec.model_dump(exclude_none=True),
            "channels": {
                "revenue": "us_revenue",
                "buyers": "us_buyers",
                "import_loss": "us_imports_displaced",
                "exporters": "partner_exporters",
                "sales_change": "partner_sales",
            },
            "positions": {"USA": hi, P: lo},
            "status_quo": sq,
            "no_deal": {"source": src_fact, "draws": nd_draws},
            "void_risk": {
                "prob": "p_ieepa_void",
                "on": ruling_day,
                "source": fact_source(court[-1].source, court[-1].date) if court else src_fact,
                "adverse_rulings": len([e for e in court if "scotus" not in e.id]),
                "odds_ratio": "court_ruling_odds_ratio",
                "final": final,
            },
        }
    )
    issues.append(
        {
            "name": "reciprocal_form",
            "kind": "categorical",
            "unit": "level",
            "help": "How the headline rate applies: on top of the MFN duty (add_on) or as an all-in floor (floor).",
            "levels": ["add_on", "floor"],
            "source": src_fact,
            "model": "qualifier",
            "positions": {"USA": "add_on", P: "floor"},
            "status_quo": "add_on",
        }
    )

    # cars and parts under Section 232 (the lists of the US measure library)
    auto_spec = StakesSpec(scope=["list:s232_autos_vehicles", "list:s232_auto_parts"], form="total")
    auto_rows = (
        prow & (law.s232 > 0) & prefix_mask(law.codes, ["8703", *list_prefixes("s232_auto_parts")])
    )
    auto_usd = float(law.value[auto_rows].sum())
    v = law.value[auto_rows]
    cur = _modal(law.total[auto_rows], v) if auto_usd > 0 else 0.0
    mfn = _modal(law.mfn[auto_rows], v) if auto_usd > 0 else 0.0
    # at stake when the partner sold US$ 1 bn of them under a Section 232 duty that adds at least
    # 5 points to MFN on most of them (USMCA goods pay it on their non-US content only)
    if auto_usd >= MIN_ISSUE_USD and cur - mfn >= MIN_S232_GAP:
        use("us_weight_reshoring")
        a_levels = _grid(mfn, cur, (cur,))
        issues.append(
            {
                "name": "auto_rate",
                "kind": "numeric",
                "unit": "fraction",
                "help": "The total duty on the partner's cars and listed parts under Section 232, MFN included.",
                "description": "cars and listed parts (the Section 232 lists of the US measure library)",
                "levels": a_levels,
                "source": "us-law",
                "model": "stakes",
                "stakes": auto_spec.model_dump(exclude_none=True),
                "channels": {
                    "revenue": "us_revenue",
                    "buyers": "us_buyers",
                    "import_loss": ["us_imports_displaced", "us_imports_displaced_named"],
                    "exporters": "partner_exporters",
                    "sales_change": "partner_sales",
                },
                "positions": {"USA": cur, P: mfn},
                "status_quo": cur,
            }
        )
        prov["auto_usd"] = auto_usd

    # open Section 232 investigations: their product lists where the data has one, else their
    # HS chapters (chapters 84, 85, 87 alone are too broad to stand for one investigation)
    open_inv = F.open_s232(d)
    hs_pref: list[str] = []
    covered = []
    for inv in open_inv:
        lst = S232_LISTS.get(inv.id)
        if lst is not None:
            hs_pref += list(list_prefixes(lst))
            covered.append(inv.id)
        else:
            chs = [c for c in inv.hs_chapters if c not in BROAD_CHAPTERS]
            if chs and len(chs) == len(inv.hs_chapters):
                hs_pref += chs
                covered.append(inv.id)
    if hs_pref:
        pref = sorted(set(hs_pref))
        cap_rows = prow & prefix_mask(law.codes, pref) & (law.s232 == 0)
        cap_usd = float(law.value[cap_rows].sum())
        if cap_usd >= MIN_ISSUE_USD:
            use("s232_action_probability")
            r = pri["s232_expected_rate"].number
            use("s232_expected_rate")
            cap_spec = StakesSpec(
                scope=["hs:" + ",".join(pref)],
                form="add_on",
                replaces=[],
                probability="s232_action_probability",
            )
            issues.append(
                {
                    "name": "s232_cap",
                    "kind": "numeric",
                    "unit": "fraction",
                    "help": "A cap on the duty that pending Section 232 investigations ("
                    + ", ".join(covered)
                    + ") may add on the partner's goods.",
                    "levels": sorted({r, 0.15, 0.1, 0.0}),
                    "source": fact_source(open_inv[0].source, open_inv[0].date),
                    "model": "stakes",
                    "stakes": cap_spec.model_dump(exclude_none=True),
                    "channels": {
                        "revenue": "us_revenue",
                        "buyers": "us_buyers",
                        "import_loss": ["us_imports_displaced", "us_imports_displaced_named"],
                        "exporters": "partner_exporters",
                        "sales_change": "partner_sales",
                    },
                    "positions": {"USA": r, P: 0.0},
                    "status_quo": r,
                }
            )
            prov["s232_cap_usd"] = cap_usd
            prov["s232_investigations"] = covered

    # purchases and investment, sized from GE data
    # (partners missing from the GE data — Taiwan — have neither: the two issues are left out and
    # the bargaining power is symmetric; the case's provenance says so)
    try:
        ge: dict[str, float] | None = ge_numbers(P)
    except InputError:
        ge = None
        prov["ge_data"] = f"{P} is not in the GE data: no purchases or investment issue, power 0.5"
    if ge is not None:
        market = ge["imports_from_others"] / 1e9
        data_param(
            "partner_imports_from_others",
            round(market, 1),
            "US$ bn/yr",
            "The partner's 2023 goods imports from suppliers other than the US (the market purchases would divert).",
            "ge-2023",
        )
        params["purchase_market"] = _scaled_prior(
            pri,
            "purchase_market_share",
            market,
            2,
            round(market, 1),
            unit="US$ bn/yr",
            help="Extra US goods the partner's buyers could take per year (its imports from others × purchase_market_share).",
            kind=pri["purchase_market_share"].kind,
            source=pri["purchase_market_share"].source,
            note="partner_imports_from_others × purchase_market_share",
        )
        use("purchase_market_share")
        sources["template"] = psrc["template"].model_dump()
        for n in (
            "purchase_credibility",
            "us_seller_margin",
            "partner_buyer_premium",
            "us_weight_deficit",
        ):
            use(n)
        m_c = float(params["purchase_market"]["value"])
        issues.append(
            {
                "name": "purchases",
                "kind": "numeric",
                "unit": "USD bn/yr",
                "help": "Extra purchases of US goods (energy, farm goods, aircraft …) the partner pledges per year.",
                "levels": [_sig(s * m_c) for s in PURCHASE_SHARES],
                "source": "ge-2023",
                "model": "purchases",
                "args": {
                    "market": "purchase_market",
                    "credibility": "purchase_credibility",
                    "seller_margin": "us_seller_margin",
                    "buyer_premium": "partner_buyer_premium",
                },
                "channels": {
                    "sellers": "us_sellers",
                    "balance": "us_balance",
                    "buyer": "partner_purchases",
                },
                "positions": {"USA": _sig(m_c), P: 0.0},
                "status_quo": 0.0,
            }
        )
        gdp_bn = ge["gdp"] / 1e9
        data_param(
            "partner_gdp", round(gdp_bn, 1), "US$ bn", "The partner's GDP in 2023.", "ge-2023"
        )
        use("pledge_years")
        years = pri["pledge_years"].number
        fdi = outward_fdi(P, d)
        if fdi is not None:
            # the capacity is the partner's outward direct investment over the pledge's term: a
            # pledge of all of it costs twice as much per dollar as a small one
            sid, src, usd_bn, year, note = fdi
            sources[sid] = src
            data_param(
                "partner_outward_fdi",
                usd_bn,
                "US$ bn/yr",
                f"The partner's outward direct investment to all destinations in {year}.",
                sid,
                note,
            )
            params["investment_capacity"] = _scaled_prior(
                pri,
                "pledge_years",
                usd_bn,
                1,
                usd_bn,
                unit="US$ bn",
                help="Pledge size at which its cost to the partner doubles (partner_outward_fdi × pledge_years).",
                kind="data",
                source=sid,
                note="the partner's outward direct investment over the pledge's term",
            )
            inv_top = usd_bn * years
            inv_levels = [_sig(s * inv_top) for s in INVESTMENT_FDI_SHARES]
        else:
            use("investment_capacity_gdp")
            params["investment_capacity"] = _scaled_prior(
                pri,
                "investment_capacity_gdp",
                gdp_bn,
                1,
                round(gdp_bn, 1),
                unit="US$ bn",
                help="Pledge size at which its cost to the partner doubles (partner_gdp × investment_capacity_gdp).",
                kind="judgement",
                source="template",
            )
            inv_levels = [_sig(s * gdp_bn) for s in INVESTMENT_SHARES]
        for n in (
            "credibility_partner_directed",
            "credibility_us_directed",
            "us_value_investment",
            "partner_cost_partner_directed",
            "partner_cost_us_directed",
        ):
            use(n)
        issues.append(
            {
                "name": "investment",
                "kind": "numeric",
                "unit": "USD bn",
                "help": "Investment in the US the partner pledges over the term (its terms: investment_terms).",
                "levels": inv_levels,
                "source": "ge-2023",
                "model": "pledge",
                "link": "investment_terms",
                "args": {"pledge_years": "pledge_years", "capacity": "investment_capacity"},
                "channels": {"host": "us_investment", "investor": "partner_investment"},
                "positions": {"USA": inv_levels[-1], P: 0.0},
                "status_quo": 0.0,
            }
        )
        issues.append(
            {
                "name": "investment_terms",
                "kind": "categorical",
                "unit": "level",
                "help": "Who selects the pledged projects: the partner (loans and guarantees) or the US (with tariff snap-back).",
                "levels": ["partner_directed", "us_directed"],
                "source": "template",
                "model": "qualifier",
                "terms": {
                    "partner_directed": {
                        "credibility": "credibility_partner_directed",
                        "us_value": "us_value_investment",
                        "partner_cost": "partner_cost_partner_directed",
                    },
                    "us_directed": {
                        "credibility": "credibility_us_directed",
                        "us_value": "us_value_investment",
                        "partner_cost": "partner_cost_us_directed",
                    },
                },
                "positions": {"USA": "us_directed", P: "partner_directed"},
                "status_quo": "partner_directed",
            }
        )

    # ---------------- objectives ----------------
    use("us_weight_revenue")
    use("us_weight_buyers")
    use("us_weight_deficit")
    use("partner_rent_share")
    named = "us_weight_reshoring" in params
    cons_us = {
        "party": "USA",
        "weight": 1.0,
        "source": "eo14257-2025-04-02" if "eo14257-2025-04-02" in sources else "template",
        "note": "the President sets IEEPA and Section 232 duties and decides the US side",
        "stakes": {
            "us_revenue": "us_weight_revenue",
            "us_buyers": "us_weight_buyers",
            "us_imports_displaced": "us_weight_deficit",
            "us_sellers": 1.0,
            "us_balance": "us_weight_deficit",
            "us_investment": 1.0,
        },
    }
    if named:
        cons_us["stakes"]["us_imports_displaced_named"] = "us_weight_reshoring"
    sources.setdefault("eo14257-2025-04-02", psrc["eo14257-2025-04-02"].model_dump())
    cons_p = {
        "party": P,
        "weight": 1.0,
        "source": "template",
        "note": "the partner's government weighs its exporters and the income lost with lost exports",
        "stakes": {
            "partner_exporters": 1.0,
            "partner_sales": "partner_rent_share",
            "partner_purchases": 1.0,
            "partner_investment": 1.0,
        },
    }

    # ---------------- ratification: the partner's domestic approval ----------------
    pivots: list[dict[str, Any]] = []
    use("pivot_sigma")
    pf = F.partner_facts(P, d) if have_facts else None
    soon = [e for e in (pf.elections if pf else []) if d < e.held_on <= d + dt.timedelta(days=90)]
    if soon:
        use("election_threshold")
        e = soon[0]
        pivots.append(
            {
                "name": "approval_before_election",
                "party": P,
                "constituency": "partner_government",
                "sigma": "pivot_sigma",
                "threshold": "election_threshold",
                "scale": "no_deal_cost",
                "source": fact_source(e.source, e.date),
                "note": f"{e.office} on {e.held_on.isoformat()}",
                "active_until": e.held_on,
            }
        )
    pivots.append(
        {
            "name": "approval",
            "party": P,
            "constituency": "partner_government",
            "sigma": "pivot_sigma",
            "threshold": 0.0,
            "scale": "no_deal_cost",
            "source": "template",
            "note": "the government's own line, uncertain to the other side",
        }
    )

    # ---------------- bargaining power ----------------
    use("security_weight")
    power: Any = 0.5
    if ge is not None:
        dep_p = ge["exports_to_us"] / ge["gdp"]
        dep_us = ge["exports_to_us"] / ge["us_gdp"]
        data_param(
            "partner_dependence",
            round(dep_p, 5),
            "share of GDP",
            "The partner's exports to the US over its GDP (2023).",
            "ge-2023",
        )
        data_param(
            "us_dependence",
            round(dep_us, 5),
            "share of GDP",
            "US imports from the partner over US GDP (2023).",
            "ge-2023",
        )
        ally = 1.0 if (pf is not None and pf.security.treaty_ally is not None) else 0.0
        prov["treaty_ally"] = bool(ally)
        power = {
            "partner_dependence": "partner_dependence",
            "imposer_dependence": "us_dependence",
            "ally": ally,
            "security_weight": "security_weight",
            "source": "ge-2023",
        }

    # retaliation announced by d
    ret: dict[str, Any] = {"allowed": False}
    rets = [
        r
        for r in (F.retaliation(P, d) if have_facts else [])
        if r.rate and r.status in ("announced", "in_force", "suspended")
    ]
    if rets:
        from tariffsim.negotiation.nodeal import us_exports_usd

        r0 = rets[-1]
        x = us_exports_usd(P) / 1e9
        cover = min(1.0, (r0.value_usd_bn or x) / x) if x > 0 else 1.0
        params["retaliation_rate"] = {
            "value": round(float(r0.rate or 0.0) * cover, 4),  # rets keep rate > 0
            "unit": "fraction of US exports",
            "help": "The partner's announced counter-duty, averaged over all US exports to it.",
            "kind": "fact",
            "source": fact_source(r0.source, r0.date),
        }
        params["retaliation_probability"] = {
            "value": 0.5,
            "low": 0.2,
            "high": 0.8,
            "unit": "probability",
            "help": "Probability that the partner's announced counter-measures apply if there is no deal.",
            "kind": "judgement",
            "source": "template",
        }
        ret = {
            "allowed": True,
            "rate": "retaliation_rate",
            "prob": "retaliation_probability",
            "source": params["retaliation_rate"]["source"],
        }
        cons_us["stakes"]["us_exporters"] = 1.0
        cons_p["stakes"]["partner_revenue"] = 1.0
        cons_p["stakes"]["partner_buyers"] = 1.0

    # stakes only in channels some issue produces (a partner without GE data has no purchases or
    # investment issue)
    produced = {"us_exporters", "partner_buyers", "partner_revenue"}
    for iss in issues:
        for chs in iss.get("channels", {}).values():
            produced |= {chs} if isinstance(chs, str) else set(chs)
    for cons in (cons_us, cons_p):
        cons["stakes"] = {k: v for k, v in cons["stakes"].items() if k in produced}
    use("discount_rate")
    horizon = max(1.0, round((dt.date(2029, 1, 20) - d).days / 365.25, 2))
    name = pf.name if pf is not None else P
    cf = {
        "id": f"{P.lower()}-{d.isoformat()}",
        "title": f"US–{name} tariff negotiation as of {d.isoformat()} (generated)",
        "as_of": d,
        "parties": {
            "USA": {"name": "United States", "role": "imposer"},
            P: {"name": name, "role": "partner"},
        },
        "partner": P,
        "horizon_years": horizon,
        "discount_rate": "discount_rate",
        "sources": sources,
        "parameters": params,
        "constituencies": {"us_government": cons_us, "partner_government": cons_p},
        "pivots": pivots,
        "issues": issues,
        "retaliation": ret,
        "bargaining_power": power,
        "provenance": prov,
    }
    prov["horizon_note"] = "from the as-of date to the end of the presidential term (20 Jan 2029)"
    return CaseFile.model_validate(cf)
