"""Pydantic models of the dated fact files (``negotiation/facts/*.yaml``).

Every fact carries ``date`` — the day it became public — and ``source``, a list of ids of
``sources.yaml``. The loaders in :mod:`tariffsim.negotiation.facts` return only what was public on an
``as_of`` date; nothing here looks at dates.

Rates are fractions (25% is ``0.25``). A rate's ``form`` says how it applies:

* ``add_on`` — on top of the column-1 (MFN) duty: "+20%";
* ``floor`` — MFN-inclusive all-in rate, "15% or the MFN rate if higher" (the form of the Japan, EU,
  Korea, Switzerland and Taiwan deals);
* ``total`` — the whole rate of an entry, MFN included (used for sectoral caps such as "cars 15%").

Partners are ISO 3166 alpha-3 codes, or ``EU`` for the European Union.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Form = Literal["add_on", "floor", "total"]

Measure = Literal[
    "reciprocal",  # IEEPA reciprocal duty (EO 14257 and amendments)
    "fentanyl",  # IEEPA duties of the border / fentanyl emergencies (Canada, Mexico, China)
    "russia_oil",  # IEEPA duty on India for buying Russian oil (EO 14329)
    "brazil",  # IEEPA duty on Brazil (EO 14323)
    "china_export_controls",  # the additional 100% threatened on China on 10 Oct 2025
    "s122",  # Section 122 balance-of-payments surcharge (2026)
    "s232_autos",  # Section 232 cars (total rate incl. MFN where a deal caps it)
    "s232_auto_parts",
    "s232_steel_aluminum",
    "s232_copper",
    "s232_pharma",
    "s232_semiconductors",
    "s232_lumber",
    "s232_trucks",
    "s301",  # Section 301 actions
]
"""The US instruments a rate belongs to."""

MEASURES: tuple[str, ...] = Measure.__args__  # type: ignore[attr-defined]

_PARTNER_RE = re.compile(r"^(?:[A-Z]{3}|EU)$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Strict(BaseModel):
    """Unknown fields are errors (typos are caught); instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_rate(v: Any) -> Any:
    if v is None:
        return v
    if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
        raise ValueError("must be a number (a fraction: 25% is 0.25)")
    if not 0.0 <= float(v) <= 10.0:
        raise ValueError("must be a fraction between 0 and 10 (25% is 0.25)")
    return float(v)


Rate = Annotated[float, BeforeValidator(_check_rate)]
"""A rate as a fraction in ``[0, 10]``."""


def _check_partner(v: Any) -> Any:
    if not isinstance(v, str) or not _PARTNER_RE.match(v.strip()):
        raise ValueError(f"{v!r} is not a partner code (ISO 3166 alpha-3 such as JPN, or EU)")
    return v.strip()


Partner = Annotated[str, BeforeValidator(_check_partner)]


def _check_ids(v: Any) -> Any:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v:
        raise ValueError("must name at least one source id (a list of ids of sources.yaml)")
    for s in v:
        if not isinstance(s, str) or not _ID_RE.match(s):
            raise ValueError(f"{s!r} is not a source id (lower case, digits, '-', '_', '.')")
    return v


SourceIds = Annotated[list[str], BeforeValidator(_check_ids)]
"""One or more ids of ``sources.yaml`` (a single id may be written without brackets)."""


class Source(Strict):
    """A document a fact comes from: a legal instrument, an official release, a report, a dataset."""

    title: str
    date: dt.date  # publication date
    kind: Literal["legal", "official", "press", "analysis", "data", "court"]
    url: str | None = None
    data: str | None = None  # a path under the reference data folder (e.g. usitc_hts/…)
    publisher: str | None = None
    weak: bool = False  # a low-quality or secondary source: confirm before relying on it
    note: str | None = None

    @model_validator(mode="after")
    def _where(self) -> Source:
        if not self.url and not self.data:
            raise ValueError("a source needs a url or a data path")
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValueError("url must start with https:// or http://")
        return self


class SourcesFile(Strict):
    sources: dict[str, Source]

    @field_validator("sources")
    @classmethod
    def _ids(cls, v: dict[str, Source]) -> dict[str, Source]:
        for k in v:
            if not _ID_RE.match(str(k)):
                raise ValueError(f"{k!r} is not a source id (lower case, digits, '-', '_', '.')")
        return v


class Dated(Strict):
    """Base of every fact: when it became public, where it comes from, and caveats."""

    date: dt.date
    source: SourceIds
    note: str | None = None
    unverified: bool = False  # no stored source confirms it; treat with care


# --------------------------------------------------------------------------------------------
# rates.yaml — the rates in force and the threats, per partner
# --------------------------------------------------------------------------------------------


class InForce(Dated):
    """A rate that applies to the partner's goods from ``start`` (until the next one of its measure).

    ``date`` is when it became public: a retroactive correction (e.g. Japan's floor, published on
    9 Sep 2025 with effect from 7 Aug) is a later entry with an earlier ``start``.
    """

    partner: Partner
    measure: Measure
    start: dt.date
    rate: Rate
    form: Form = "add_on"
    heading: str | None = None  # HTS chapter-99 heading
    scope: str | None = None  # what it covers when not all goods (e.g. "non-USMCA goods")


class Threat(Dated):
    """A rate announced for the partner (Annex I, a letter, a post, an order not yet in force)."""

    partner: Partner
    measure: Measure
    kind: Literal["annex_i", "letter", "statement", "order", "deadline_rate"]
    rate: Rate
    form: Form = "add_on"
    effective: dt.date | None = None  # when it was to apply
    withdrawn: dt.date | None = None  # when it was withdrawn or superseded in public
    heading: str | None = None

    @model_validator(mode="after")
    def _order(self) -> Threat:
        if self.withdrawn is not None and self.withdrawn < self.date:
            raise ValueError("withdrawn is before the threat was announced (date)")
        return self


class RatesFile(Strict):
    in_force: list[InForce]
    threats: list[Threat]


# --------------------------------------------------------------------------------------------
# calendar.yaml — deadlines, pauses, truces, court rulings
# --------------------------------------------------------------------------------------------

EventKind = Literal[
    "pause",  # a suspension of rates
    "deadline",  # a date by which talks must conclude or rates rise
    "extension",  # a deadline moved
    "truce",  # a bilateral truce with an end date (China)
    "court_ruling",
    "talks_ended",  # a partner's talks broken off
    "talks_resumed",
    "summit",
    "legal",  # another legal step (cert granted, mandate, proclamation …)
]


class CalendarEvent(Dated):
    id: str
    kind: EventKind
    partners: list[Partner] | Literal["all"] = "all"
    except_partners: list[Partner] = Field(default_factory=list)
    effective: dt.date | None = None  # when it takes effect (if not on `date`)
    until: dt.date | None = None  # end of a pause/truce, the deadline itself
    court: str | None = None
    case: str | None = None
    supersedes: str | None = None  # the id of the event this one replaces (an extended deadline)
    what: str  # a paraphrase (no quotation)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"{v!r} is not an id (lower case, digits, '-', '_', '.')")
        return v

    def concerns(self, partner: str) -> bool:
        if partner in self.except_partners:
            return False
        return self.partners == "all" or partner in self.partners


class CalendarFile(Strict):
    events: list[CalendarEvent]

    @model_validator(mode="after")
    def _unique(self) -> CalendarFile:
        seen: set[str] = set()
        for e in self.events:
            if e.id in seen:
                raise ValueError(f"duplicate event id {e.id!r}")
            seen.add(e.id)
        return self


# --------------------------------------------------------------------------------------------
# s232.yaml — Section 232 investigations and the actions that closed them
# --------------------------------------------------------------------------------------------


class S232Action(Dated):
    """An action on an investigation: a proclamation (with its rate and effective date)."""

    instrument: str  # "Proclamation 10962"
    citation: str | None = None  # Federal Register citation
    rate: Rate | None = None
    effective: dt.date | None = None
    what: str


class S232Investigation(Dated):
    """``date``: when the investigation became public (an order directing it, or Commerce's notice);
    ``initiated``: the day Commerce opened it (often earlier, announced later)."""

    id: str
    product: str
    initiated: dt.date | None = None
    hs_chapters: list[str] = Field(default_factory=list)  # where the products sit, for the agenda
    fr_notice: str | None = None  # the Federal Register notice of the request for comments
    fr_published: dt.date | None = None
    actions: list[S232Action] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"{v!r} is not an id (lower case, digits, '-', '_', '.')")
        return v


class S232File(Strict):
    investigations: list[S232Investigation]


# --------------------------------------------------------------------------------------------
# retaliation.yaml — partners' counter-measures
# --------------------------------------------------------------------------------------------


class Retaliation(Dated):
    partner: Partner
    status: Literal["announced", "in_force", "suspended", "withdrawn", "reduced"]
    effective: dt.date | None = None
    rate: Rate | None = None
    value_usd_bn: float | None = None  # US exports covered
    value_eur_bn: float | None = None
    value_cad_bn: float | None = None
    what: str


class RetaliationFile(Strict):
    measures: list[Retaliation]


# --------------------------------------------------------------------------------------------
# partners.yaml — FTA status, elections, security dependence, exposure agenda
# --------------------------------------------------------------------------------------------


class Fta(Dated):
    status: Literal["fta", "partial", "none", "customs_union"]
    agreement: str | None = None
    in_force: dt.date | None = None


class ElectionResult(Dated):
    what: str


class Election(Dated):
    """``date``: when the election date was public; ``held_on``: polling day."""

    office: str
    held_on: dt.date
    kind: Literal["scheduled", "snap"] = "scheduled"
    result: ElectionResult | None = None


class Number(Dated):
    value: float
    unit: str
    period: str | None = None  # the year or years it measures (e.g. "2020-2024")


class Security(Strict):
    treaty_ally: Dated | None = None  # note: the treaty; absent = no US defence treaty
    treaty: str | None = None
    us_troops: Number | None = None
    us_share_arms_imports: Number | None = None


class Exposure(Dated):
    """A sector the partner exports to the US that is at stake in the talks."""

    sector: str
    hs: list[str] = Field(default_factory=list)  # HS prefixes of the sector (digit strings)
    why: str  # a paraphrase of why it is at stake

    @field_validator("hs")
    @classmethod
    def _hs(cls, v: list[str]) -> list[str]:
        for h in v:
            if not isinstance(h, str) or not re.fullmatch(r"\d{2,10}", h):
                raise ValueError(f"{h!r} is not an HS prefix (2-10 digits, quoted)")
        return v


class Macro(Dated):
    """GDP and goods imports from all suppliers, for partners the GE data (2023) lacks."""

    year: int
    gdp_usd_bn: float
    imports_usd_bn: float


class PartnerFacts(Strict):
    name: str
    fta: Fta
    macro: Macro | None = None  # only where the GE data (194 economies, 2023) lacks the partner
    elections: list[Election] = Field(default_factory=list)
    security: Security = Field(default_factory=Security)
    exposure: list[Exposure] = Field(default_factory=list)


class PartnersFile(Strict):
    partners: dict[Partner, PartnerFacts]


# --------------------------------------------------------------------------------------------
# us_objectives.yaml — what the US said it wanted, dated
# --------------------------------------------------------------------------------------------

ObjectiveKind = Literal[
    "revenue",  # tariff revenue as a fiscal goal
    "reshoring",  # protection / reshoring of named sectors
    "floor",  # a minimum rate for every partner ("no one below X")
    "enforcement",  # the tariff as enforcement of pledges (snap-back)
    "precedent",  # a concession to one will be claimed by others; deals as templates
    "deficit",  # bilateral deficits as the yardstick
    "leverage",  # tariffs as leverage for non-trade aims
]


class Objective(Dated):
    kind: ObjectiveKind
    speaker: str
    paraphrase: str  # in our own words; never a quotation
    sectors: list[str] = Field(default_factory=list)
    rate: Rate | None = None  # for a floor: the rate named
    partners: list[Partner] | Literal["all"] = "all"


class ObjectivesFile(Strict):
    statements: list[Objective]
