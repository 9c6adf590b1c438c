"""Pydantic models of the JSON API (requests and responses), documented in the OpenAPI spec.

The shapes are those of the CLI's ``--json`` output (``EntryRate.to_dict``, ``TimelineRow.to_dict``,
``InForce.to_dict``, ``DutyResult.to_json``, ``EtrSeries.to_json``, ``NegotiationResult.to_json``), so
a script can switch between ``tariffsim … --json`` and the HTTP API. Requests that describe a reform
take the reform (patch) YAML of ``docs/measure-format.md`` as text; the edits of the Scenario page are
a small typed union converted to that YAML.

Rates are fractions (0.275), money in US dollars, dates ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Authority = Literal[
    "mfn", "s301", "s232", "ieepa_fentanyl", "ieepa_reciprocal", "ieepa_other", "s122", "s201"
]


class MeasurePartOut(BaseModel):
    id: str
    authority: str
    rate: float = Field(description="this measure's part of the total (fraction)")
    reference: str = Field(description="legal reference (EO, proclamation, HTS heading)")
    heading: str | None = None
    note: str | None = None
    effective: str | None = Field(None, description="legal start of the value applied")
    published: str | None = Field(None, description="publication date of that value")


class ClaimOptionOut(BaseModel):
    claim: str | None = Field(description="program key (None: no claim)")
    title: str
    total_rate: float
    note: str | None = None


class RateOut(BaseModel):
    origin: str
    hs: str
    date: str
    total_rate: float
    claim: str | None = Field(None, description="the preference claim the entry assumes")
    basis: str | None = None
    measures: list[MeasurePartOut]
    claims: list[ClaimOptionOut] | None = None
    as_known_on: str | None = None
    assumed_unchanged: dict[str, str] | None = None
    loaded_on: str | None = None
    flags: list[str] | None = None
    description: str | None = None
    notes: list[str] | None = None
    members: dict[str, float] | None = None


class TimelineRowOut(BaseModel):
    start: str
    end: str = Field(description="first day the row no longer applies (exclusive)")
    total_rate: float
    measures: list[MeasurePartOut]


class TimelineOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    origin: str
    hs: str
    from_: str = Field(alias="from")
    to: str = Field(description="last day (inclusive)")
    rows: list[TimelineRowOut]


class InForceOut(BaseModel):
    id: str
    authority: str
    title: str
    order: int
    since: str
    published: str | None = None
    reference: str
    summary: str
    suspensions: list[str]


class MeasuresOut(BaseModel):
    date: str
    measures: list[InForceOut]


class HsHit(BaseModel):
    hs: str
    description: str = Field(description="the line's own text")
    path: str = Field(description="the full description (headings › subheadings › line)")
    score: float = Field(description="relevance (BM25, higher is better); 1 for a code prefix")


class CountryOut(BaseModel):
    iso3: str
    name: str


class CountriesOut(BaseModel):
    countries: list[CountryOut]
    groups: dict[str, list[str]]


class EtrByRow(BaseModel):
    key: str
    etr: float
    duty_usd: float
    imports_usd: float


class EtrOut(BaseModel):
    date: str
    etr: float
    duty_usd: float
    imports_usd: float
    by: list[EtrByRow] | None = None
    approx_ave: dict[str, int | float] = Field(default_factory=dict)
    provenance: dict[str, Any] = Field(default_factory=dict)


class EtrDay(BaseModel):
    date: str
    etr: float
    duty_usd: float
    by_authority: dict[str, float]


class SegmentOut(BaseModel):
    start: str
    end: str
    etr: float
    by_authority: dict[str, float]


class ProductRow(BaseModel):
    hs: str
    description: str
    imports_usd: float
    rate: float
    duty_usd: float


class MemberRow(BaseModel):
    iso3: str
    name: str
    imports_usd: float
    etr: float
    duty_usd: float


class CountryDetail(BaseModel):
    iso3: str
    name: str
    date: str
    imports_usd: float = Field(description="2024 US imports for consumption from the country")
    share_of_us_imports: float
    rank: int
    etr: float
    duty_usd: float
    top_products: list[ProductRow]
    timeline: list[SegmentOut]
    members: list[MemberRow] | None = Field(
        None, description="for a group (EU, USMCA): each member's imports, ETR and duty"
    )


class CountryModels(BaseModel):
    iso3: str
    date: str
    pe: dict[str, Any] | None = Field(
        None, description="PE model row of the partner (pe_from → date)"
    )
    pe_from: str | None = Field(
        None, description="the law the PE starts from (the 2024 flows' law)"
    )
    ge: dict[str, Any] | None = Field(
        None,
        description="GE row of the country (a group: its region): the law on the date vs ge_vs",
    )
    ge_vs: str | None = Field(None, description="the date of the law the GE compares with")
    ge_paper: dict[str, Any] | None = Field(
        None, description="GE row of the country in the ILMS 2025 USTR-tariff scenario"
    )
    notes: list[str] = Field(default_factory=list)


class CountryRateEdit(BaseModel):
    kind: Literal["country_rate"] = "country_rate"
    origin: str = Field(min_length=1, max_length=64, examples=["JPN"])
    rate: float = Field(ge=0, le=10, description="additional ad valorem duty (fraction)")
    start: str = Field(examples=["2025-10-01"])
    end: str | None = Field(None, description="first day it no longer applies (optional)")
    authority: Authority = "ieepa_reciprocal"


class ExemptEdit(BaseModel):
    kind: Literal["exempt"] = "exempt"
    measure: str = Field(min_length=1, max_length=80, examples=["s232_autos"])
    products: list[str] = Field(min_length=1, max_length=200, examples=[["8703"]])


class MoveDateEdit(BaseModel):
    kind: Literal["move_date"] = "move_date"
    measure: str = Field(min_length=1, max_length=80)
    from_date: str
    to_date: str


Edit = Annotated[CountryRateEdit | ExemptEdit | MoveDateEdit, Field(discriminator="kind")]


class ScenarioRequest(BaseModel):
    date: str = Field(examples=["2025-08-07"])
    reform_yaml: str | None = Field(
        None, max_length=200_000, description="a reform (patch) YAML (docs/measure-format.md)"
    )
    edits: list[Edit] = Field(default_factory=list, max_length=50)
    with_pe: bool = Field(False, description="also run the partial-equilibrium model")
    with_ge: bool = Field(False, description="also run the general-equilibrium model")
    title: str | None = Field(None, max_length=200)


class ScenarioOut(BaseModel):
    date: str
    reform_yaml: str
    reform_title: str | None = None
    baseline: dict[str, float]
    scenario: dict[str, float]
    etr_change: float
    duty_change_usd: float
    by_partner: list[dict[str, Any]]
    by_authority: list[dict[str, Any]]
    changed_rows: int | None = None
    pe: dict[str, Any] | None = None
    ge: dict[str, Any] | None = None


class NegotiationRequest(BaseModel):
    overrides: dict[str, float] = Field(
        default_factory=dict,
        description="parameter values (name → value); constituency weights as 'weight:<name>', "
        "pivot σ as 'sigma:<pivot>'",
    )
    draws: int = Field(200, ge=1, le=5000)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class JobOut(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "done", "error"]
    progress: float
    message: str
    result: Any = None
    error: dict[str, Any] | None = None
    seconds: float


class ErrorOut(BaseModel):
    detail: str
    hint: str | None = None
