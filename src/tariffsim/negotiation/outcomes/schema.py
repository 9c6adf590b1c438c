"""Pydantic models of an outcome file (``negotiation/outcomes/<id>.yaml``).

One file per concluded deal of 2025–26 (``kind: deal``) and per impasse (``kind: impasse``). Every
number carries ``source`` (ids of ``facts/sources.yaml``); a term that no stored source confirms is
marked ``unverified: true``. Items that became public after the deal was announced (the legal
instrument, a later sectoral cap) carry their own ``date``, so that :func:`known_outcomes` can show
a deal as it was known on a date.

The headline rate is **the rate as the deal names it**, with its ``form``: Japan's "15% including
MFN" is ``{rate: 0.15, form: floor}``, Vietnam's "20%" is ``{rate: 0.20, form: add_on}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from tariffsim.negotiation.facts.schema import (
    Dated,
    Form,
    Measure,
    Partner,
    Rate,
    SourceIds,
    Strict,
)


class Sourced(Strict):
    """A sourced item; ``date`` (optional) is when it became public, if after the announcement."""

    source: SourceIds
    date: dt.date | None = None
    note: str | None = None
    unverified: bool = False


class Instrument(Sourced):
    """A legal instrument or signed text that carried the deal."""

    name: str  # "EO 14345", "Joint Statement", "Agreement on Reciprocal Trade"
    kind: Literal[
        "executive_order",
        "proclamation",
        "fr_notice",
        "joint_statement",
        "agreement",
        "mou",
        "framework",
        "fact_sheet",
        "hts_revision",
        "letter",
    ]
    signed: dt.date | None = None
    published: dt.date | None = None
    citation: str | None = None  # Federal Register citation
    effective: dt.date | None = None  # legal effective date of its rates


def _reciprocal() -> list[Measure]:
    return ["reciprocal"]


class Headline(Sourced):
    rate: Rate
    form: Form
    measures: list[Measure] = Field(default_factory=_reciprocal)
    heading: str | None = None  # HTS chapter-99 heading in the law library
    effective: dt.date | None = None
    in_force_total: Rate | None = None  # the IEEPA total then in force, where the deal names part


class Quota(Sourced):
    quantity: float
    unit: str  # "vehicles/yr", "t/yr"
    out_of_quota_rate: Rate | None = None


class Sectoral(Sourced):
    """A sectoral rate the deal set or capped (cars incl. MFN, parts, metals, pharma, chips …)."""

    sector: Literal[
        "autos",
        "auto_parts",
        "steel_aluminum",
        "copper",
        "pharma",
        "generic_pharma",
        "semiconductors",
        "aircraft",
        "lumber",
        "trucks",
        "agriculture",
        "natural_resources",
        "other",
    ]
    rate: Rate | None = None  # None: the deal names a cap or treatment without a rate
    form: Form | Literal["cap", "exempt", "unchanged"] = "total"
    effective: dt.date | None = None
    quota: Quota | None = None
    what: str | None = None


class Investment(Sourced):
    amount_usd_bn: float
    by: dt.date | None = None  # horizon (e.g. end of the US presidential term)
    horizon_years: float | None = None
    selects_projects: Literal["US", "partner", "joint", "unspecified"] = "unspecified"
    profit_split: str | None = None
    instruments: list[Literal["equity", "loans", "guarantees", "cash", "fdi", "unspecified"]] = (
        Field(default_factory=list)
    )
    enforcement: str | None = None


class Purchase(Sourced):
    category: Literal["energy", "aircraft", "agriculture", "defence", "chips", "other"]
    amount_usd_bn: float | None = None
    per_year: bool = False  # amount is per year (else total over the horizon)
    units: float | None = None  # e.g. number of aircraft
    by: dt.date | None = None
    horizon_years: float | None = None
    what: str | None = None


class Pledges(Strict):
    investment: list[Investment] = Field(default_factory=list)
    purchases: list[Purchase] = Field(default_factory=list)


class Concession(Sourced):
    """A partner's own tariff cut or market opening."""

    what: str
    rate: Rate | None = None
    share_of_lines: float | None = None  # e.g. 0.99 of tariff lines duty-free


class OtherRate(Sourced):
    measure: Measure | Literal["transshipment"]
    rate: Rate
    form: Form = "add_on"
    heading: str | None = None
    effective: dt.date | None = None
    what: str | None = None


class Dates(Strict):
    announced: dt.date  # the deal (or the impasse's reference deadline) became public
    signed: dt.date | None = None  # joint statement / agreement / MOU signed
    instruments: list[Instrument] = Field(default_factory=list)


class ImpasseEvent(Dated):
    kind: Literal["deadline", "extension", "breakdown", "resumed", "rate_change", "partial_relief"]
    what: str


class InForceRate(Sourced):
    measure: Measure
    rate: Rate
    form: Form = "add_on"
    start: dt.date
    scope: str | None = None


class Impasse(Strict):
    status: Literal["talks_terminated", "extended", "no_deal"]
    reference_deadline: dt.date  # the deadline the backtest asks about (forecast 3 days before)
    reference_source: SourceIds
    events: list[ImpasseEvent]
    in_force: list[InForceRate]
    last_checked: dt.date  # the last day the stored sources say something about the talks


class OutcomeFile(Strict):
    id: str
    partner: Partner
    name: str
    kind: Literal["deal", "impasse"]
    title: str
    dates: Dates
    headline: Headline | None = None
    sectoral: list[Sectoral] = Field(default_factory=list)
    other_rates: list[OtherRate] = Field(default_factory=list)
    pledges: Pledges = Field(default_factory=Pledges)
    partner_concessions: list[Concession] = Field(default_factory=list)
    impasse: Impasse | None = None
    unverified: list[str] = Field(default_factory=list)  # what could not be confirmed, in words
    notes: str | None = None

    @model_validator(mode="after")
    def _kind(self) -> OutcomeFile:
        if self.kind == "deal" and self.headline is None:
            raise ValueError("a deal needs a headline rate")
        if self.kind == "deal" and self.impasse is not None:
            raise ValueError("a deal has no impasse block")
        if self.kind == "impasse" and self.impasse is None:
            raise ValueError("an impasse needs an impasse block (status, events, in_force)")
        if self.kind == "impasse" and self.headline is not None:
            raise ValueError("an impasse has no headline rate (it is in impasse.in_force)")
        d = self.dates
        if self.headline is not None and self.headline.date not in (None, d.announced):
            raise ValueError("headline.date must be the announcement date (or left out)")
        if d.signed is not None and d.signed < d.announced:
            raise ValueError("dates.signed is before dates.announced")
        return self

    @property
    def concluded(self) -> dt.date | None:
        """The day the deal was announced (``None`` for an impasse)."""
        return self.dates.announced if self.kind == "deal" else None

    def auto_rate(self) -> float | None:
        """The car rate the deal set, total incl. MFN (the in-quota rate under a quota)."""
        for s in self.sectoral:
            if s.sector == "autos" and s.rate is not None and s.form in ("total", "floor"):
                return s.rate
        return None
