"""The case-file format: pydantic models of a negotiation case (YAML).

A case describes one negotiation *as it stood on a date* (``as_of``). Generated cases
(:mod:`tariffsim.negotiation.generate`) and hand-written files share this format; a hand-written
file may start from a generated case (``generate: {partner: JPN}``) and override parts of it.

Every number is a *parameter* with a unit, one line of help, a kind and a dated source:

* ``fact`` / ``data`` — a published number or one read from a dataset (2024 trade, a legal rate);
* ``literature`` — an estimate from a published study (with its range where the study gives one);
* ``statement`` — what an official said in public, turned into a number (the note says how);
* ``judgement`` — the modeller's prior, always with a range.

Numbers elsewhere in the file (constituency weights and stakes, pivot thresholds, threat
probabilities) are either literal numbers or the *name* of a parameter. Cross-checks that need the
whole file (a referenced source or parameter exists; nothing is dated after ``as_of``) live in
:func:`check_references`, which reports the ``file:line`` of the offending entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from tariffsim.core.errors import InputError

Kind = Literal["fact", "data", "literature", "statement", "judgement"]
Form = Literal["add_on", "floor", "total"]
IssueModel = Literal[
    "stakes",  # a tariff issue valued by tariffsim.models.stakes (PE per HTS10 and the GE)
    "purchases",  # purchases of US goods, bounded by the market and discounted by enforceability
    "pledge",  # an investment pledge; its terms come from a linked categorical issue
    "quota_access",  # tonnes inside / above a quota (rice)
    "tonnage_purchase",  # tonnes bought at a price
    "linear",  # a per-unit value and cost
    "direct",  # per-level values given in the file (categorical policy issues)
    "qualifier",  # a categorical issue qualifying a linked issue (the form of a rate, pledge terms)
]

KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Unknown fields are errors; instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _finite(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(v, int | float) and v != v:  # NaN
        raise ValueError("must be a finite number")
    if isinstance(v, float) and abs(v) == float("inf"):
        raise ValueError("must be a finite number")
    return v


def _ref(v: Any) -> Any:
    """A number, the name of a parameter, or ``1-name`` (one minus a parameter)."""
    if isinstance(v, str):
        if not v.strip():
            raise ValueError("an empty string is neither a number nor a parameter name")
        return v.strip()
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError("must be a number or the name of a parameter")
    return float(_finite(v))


Ref = Annotated[float | str, BeforeValidator(_ref)]
"""A literal number, the name of a parameter, or ``1-name`` (its complement)."""


def ref_name(ref: Any) -> str | None:
    """The parameter a reference names (``1-p`` names ``p``), or None for a number."""
    if not isinstance(ref, str):
        return None
    return ref[2:] if ref.startswith("1-") else ref


Number = Annotated[float, BeforeValidator(_finite)]


class SourceSpec(Strict):
    """A document or dataset a number comes from; ``date`` is when it became public."""

    title: str = Field(min_length=1)
    date: dt.date
    path: str | None = None  # a repository path or a reference-data path
    url: str | None = None
    note: str = ""


class Derived(Strict):
    """A parameter that is ``factor`` times a prior of the template (drawn with it)."""

    prior: str
    factor: Number


class ParamSpec(Strict):
    """A number with its unit, help line, kind, dated source and (for priors) range."""

    value: Number | str | dt.date | list[Number]
    unit: str = Field(min_length=1)
    help: str = Field(min_length=3, max_length=240)
    source: str
    kind: Kind = "fact"
    date: dt.date | None = None  # when the number became public (default: its source's date)
    low: Number | None = None
    high: Number | None = None
    note: str = ""
    derived: Derived | None = None

    @model_validator(mode="after")
    def _range(self) -> ParamSpec:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high (a range) or neither")
        if self.low is not None and self.high is not None:
            if not isinstance(self.value, int | float):
                raise ValueError("only a numeric parameter can have a range")
            if not self.low <= self.value <= self.high:
                raise ValueError(
                    f"value {self.value} is outside [low, high] = [{self.low}, {self.high}]"
                )
            if self.low == self.high:
                raise ValueError("low equals high: drop the range or widen it")
        if self.kind == "judgement" and self.low is None and isinstance(self.value, int | float):
            raise ValueError("a judgement needs a range (low, high)")
        return self

    @property
    def number(self) -> float:
        """The value as a number; an :class:`InputError` when it is a text, a date or a table."""
        if isinstance(self.value, int | float):
            return float(self.value)
        raise InputError(
            f"{self.value!r} is not a number",
            hint=f"give a number in {self.unit} (source {self.source})",
        )


class PartySpec(Strict):
    name: str
    role: Literal["imposer", "partner"]


class ConstituencySpec(Strict):
    """A domestic interest: its weight in its party's utility and its stakes per channel."""

    party: str
    weight: Ref
    stakes: dict[str, Ref] = Field(min_length=1)
    source: str
    note: str = ""


class PivotSpec(Strict):
    """A veto point: ratifies with probability Φ((U_v(p) − U_v(no deal) − threshold) / σ).

    ``threshold`` is where the pivot's line lies (US$ bn/yr above no deal it needs); ``sigma`` how
    uncertain the negotiators are about it. ``needed`` is the probability that its consent is
    required at all. ``active_until`` / ``active_from`` make a pivot time-varying (an election).
    ``scale: no_deal_cost`` gives ``sigma`` and ``threshold`` as shares of the pivot party's cost of
    no deal (its utility at the status quo less its reservation), so one template fits every partner."""

    name: str
    party: str
    constituency: str
    sigma: Ref
    threshold: Ref = 0.0
    issues: list[str] | None = None
    needed: Ref = 1.0
    source: str
    note: str = ""
    active_from: dt.date | None = None
    active_until: dt.date | None = None
    scale: Literal["usd", "no_deal_cost"] = "usd"  # units of sigma and threshold


class ThreatDrawSpec(Strict):
    value: Number | str
    prob: Ref
    start: dt.date
    source: str
    note: str = ""


class NoDealSpec(Strict):
    source: str
    note: str = ""
    draws: list[ThreatDrawSpec] = Field(min_length=1)


class StakesSpec(Strict):
    """How a tariff issue is valued by :mod:`tariffsim.models.stakes` (the PE per HTS10).

    ``scope``: the models' scope strings — ``reciprocal`` (the partner's goods under the reciprocal
    duty on the as-of date), ``hs:8703,8708`` (HS prefixes), ``list:NAME`` (a named list of the US
    measure library). The scopes of a case's tariff issues are resolved together: a flow belongs to
    the first issue holding it (lists and HS before ``reciprocal``), so no flow is priced twice.
    ``form``: ``add_on`` (the level replaces the instrument, on top of the rest), ``floor`` (an
    MFN-inclusive all-in rate), ``total``; or ``form_issue``, a linked ``qualifier`` issue whose level
    gives the form. ``replaces``: the measures or authorities the level replaces (default: the models'
    choice — the reciprocal duty, or the measures taxing a named list); ``[]`` adds the level on top
    of every duty (a pending Section 232 action). ``probability``: the levels apply with this
    probability."""

    scope: list[str] = Field(min_length=1)
    form: Literal["add_on", "floor", "total"] | None = None
    form_issue: str | None = None
    replaces: list[str] | None = None
    probability: Ref | None = None

    @model_validator(mode="after")
    def _scope(self) -> StakesSpec:
        from tariffsim.models.stakes import parse_scope

        for sc in self.scope:
            try:
                parse_scope(sc)
            except InputError as exc:
                raise ValueError(exc.message) from None
        if (self.form is None) == (self.form_issue is None):
            raise ValueError("give exactly one of form (add_on|floor|total) or form_issue")
        return self


class VoidRisk(Strict):
    """The risk that the legal basis of an issue's rates is voided (a court ruling): with
    probability ``prob`` the rates of the issue — agreed or threatened — lapse from ``on``."""

    prob: Ref
    on: dt.date
    source: str
    adverse_rulings: int = Field(default=0, ge=0)  # rulings against the rates known by as_of
    odds_ratio: Ref | None = None  # each adverse ruling multiplies the odds of voiding by this
    final: bool = False  # the rates were finally voided by as_of


class DirectValues(Strict):
    values: list[Number]
    source: str
    kind: Kind = "judgement"
    note: str = ""


class IssueSpec(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["numeric", "categorical"]
    unit: str
    help: str = Field(min_length=3, max_length=240)
    description: str = ""
    levels: list[Number | str] = Field(min_length=1)
    source: str
    model: IssueModel
    stakes: StakesSpec | None = None
    args: dict[str, Ref] = Field(default_factory=dict)
    link: str | None = None  # pledge: the qualifier issue holding its terms
    channels: dict[str, str | list[str]] = Field(default_factory=dict)  # output → channel(s)
    values: dict[str, DirectValues] = Field(default_factory=dict)
    terms: dict[str, dict[str, Ref]] = Field(default_factory=dict)  # qualifier: per level, args
    positions: dict[str, Number | str] = Field(default_factory=dict)
    status_quo: Number | str | None = None
    no_deal: NoDealSpec | None = None
    void_risk: VoidRisk | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IssueSpec:
        if self.kind == "numeric" and any(isinstance(v, str) for v in self.levels):
            raise ValueError("numeric levels must be numbers (use kind: categorical for names)")
        if len({str(v) for v in self.levels}) != len(self.levels):
            raise ValueError("levels repeat")
        if (self.model == "stakes") != (self.stakes is not None):
            raise ValueError("model stakes needs a stakes: block (and only it has one)")
        if self.model == "direct" and not self.values:
            raise ValueError("model direct needs values: per channel")
        for ch, dv in self.values.items():
            if len(dv.values) != len(self.levels):
                raise ValueError(
                    f"values.{ch} has {len(dv.values)} numbers for {len(self.levels)} levels"
                )
        if self.model == "qualifier" and self.kind != "categorical":
            raise ValueError("a qualifier issue is categorical")
        if self.model == "pledge" and self.link is None:
            raise ValueError("a pledge names the qualifier issue of its terms (link:)")
        for v in [
            *self.positions.values(),
            *([self.status_quo] if self.status_quo is not None else []),
        ]:
            if not any(_same_level(v, lv) for lv in self.levels):
                raise ValueError(f"{v!r} is not one of the levels {list(self.levels)}")
        return self

    def level_index(self, value: Any) -> int:
        for i, lv in enumerate(self.levels):
            if _same_level(value, lv):
                return i
        raise InputError(
            f"issue {self.name!r} has no level {value!r}", hint=f"levels: {list(self.levels)}"
        )


def _same_level(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


class RetaliationSpec(Strict):
    """The partner's counter-measure if there is no deal: ``rate`` on 2024 US exports with
    probability ``prob`` (both numbers or parameter names)."""

    allowed: bool = False
    rate: Ref | None = None
    prob: Ref | None = None
    source: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _given(self) -> RetaliationSpec:
        if self.allowed and (self.rate is None or self.prob is None or self.source is None):
            raise ValueError("retaliation allowed needs rate, prob and source")
        return self


class PowerSpec(Strict):
    """The imposer's Nash bargaining power from measurable dependence (Binmore, Rubinstein &
    Wolinsky 1986): α = d_P (1 + s · ally) / (d_P (1 + s · ally) + d_I), where ``d_P`` and ``d_I``
    are the partner's and the imposer's dependence (exports to the other over GDP), ``ally`` 1 when
    the partner has a defence treaty with the imposer, ``s`` the weight of that security dependence."""

    partner_dependence: Ref
    imposer_dependence: Ref
    ally: Number = 0.0
    security_weight: Ref = 0.0
    source: str


class TiedHandsSpec(Strict):
    constituency: str
    factor: Number = 2.0
    channels: list[str] | None = None


class GenerateSpec(Strict):
    """Start from the generated case of ``partner`` on the file's ``as_of``; the file overrides it."""

    partner: str


class CaseFile(Strict):
    """A whole case file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    as_of: dt.date
    parties: dict[str, PartySpec]
    partner: str
    horizon_years: Number = 1.0
    discount_rate: Ref = 0.0  # per year: weighs the years of the horizon (a parameter or number)
    generate: GenerateSpec | None = None
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    parameters: dict[str, ParamSpec] = Field(default_factory=dict)
    constituencies: dict[str, ConstituencySpec] = Field(default_factory=dict)
    pivots: list[PivotSpec] = Field(default_factory=list)
    issues: list[IssueSpec] = Field(default_factory=list)
    retaliation: RetaliationSpec = Field(default_factory=RetaliationSpec)
    tied_hands: TiedHandsSpec | None = None
    bargaining_power: Ref | PowerSpec | None = None  # the imposer's Nash power α
    provenance: dict[str, Any] = Field(default_factory=dict)  # generated cases: how they were built

    @field_validator("parties")
    @classmethod
    def _two(cls, v: dict[str, PartySpec]) -> dict[str, PartySpec]:
        if len(v) != 2:
            raise ValueError("a case has exactly two parties")
        roles = sorted(p.role for p in v.values())
        if roles != ["imposer", "partner"]:
            raise ValueError("one party is the imposer and the other the partner")
        return v

    @field_validator("horizon_years")
    @classmethod
    def _horizon(cls, v: float) -> float:
        if not 0 < v <= 10:
            raise ValueError("horizon_years must be in (0, 10]")
        return v

    @property
    def party_codes(self) -> tuple[str, str]:
        imp = next(k for k, p in self.parties.items() if p.role == "imposer")
        par = next(k for k, p in self.parties.items() if p.role == "partner")
        return imp, par


# --------------------------------------------------------------------------------------------
# Cross-references (need the whole file): sources, parameters, channels, dates
# --------------------------------------------------------------------------------------------


def check_references(cf: CaseFile, where: Any) -> None:
    """Every source and parameter referenced exists, nothing is dated after ``as_of``, linked issues
    exist and have the right model, every stake names a channel some issue produces.

    ``where(path) -> str`` names the place of a path (keys and indices) as ``file:line: field``.
    """
    srcs = set(cf.sources)
    params = cf.parameters
    as_of = cf.as_of

    def need_source(sid: str | None, path: tuple[Any, ...]) -> None:
        if sid is not None and sid not in srcs:
            raise InputError(
                f"unknown source {sid!r}",
                where=where(path),
                hint=f"add it under sources: (known: {', '.join(sorted(srcs)) or 'none'})",
            )

    def need_param(ref: Any, path: tuple[Any, ...], *, numeric: bool = True) -> None:
        ref = ref_name(ref)
        if ref is not None:
            if ref not in params:
                raise InputError(
                    f"unknown parameter {ref!r}",
                    where=where(path),
                    hint="define it under parameters: (or give a number)",
                )
            if numeric and not isinstance(params[ref].value, int | float):
                raise InputError(f"parameter {ref!r} is not a number", where=where(path))

    def not_after(d: dt.date | None, path: tuple[Any, ...], what: str) -> None:
        if d is not None and d > as_of:
            raise InputError(
                f"{what} dated {d.isoformat()}, after the case's as-of date {as_of.isoformat()}",
                where=where(path),
                hint="a case may only use information public by its as-of date",
            )

    for sid, s in cf.sources.items():
        not_after(s.date, ("sources", sid, "date"), "source")
    for name, p in params.items():
        need_source(p.source, ("parameters", name, "source"))
        not_after(p.date, ("parameters", name, "date"), "parameter")
        if p.derived is not None:
            need_param(p.derived.prior, ("parameters", name, "derived", "prior"))
    codes = set(cf.parties)
    if cf.partner not in codes:
        raise InputError(f"partner {cf.partner!r} is not a party", where=where(("partner",)))
    for cname, c in cf.constituencies.items():
        if c.party not in codes:
            raise InputError(
                f"unknown party {c.party!r}", where=where(("constituencies", cname, "party"))
            )
        need_source(c.source, ("constituencies", cname, "source"))
        need_param(c.weight, ("constituencies", cname, "weight"))
        for ch, v in c.stakes.items():
            need_param(v, ("constituencies", cname, "stakes", ch))
    names = [i.name for i in cf.issues]
    if len(set(names)) != len(names):
        raise InputError("issue names repeat", where=where(("issues",)))
    by_name = {i.name: i for i in cf.issues}
    produced = {"us_exporters", "partner_buyers", "partner_revenue"}
    for j, iss in enumerate(cf.issues):
        base = ("issues", j)
        need_source(iss.source, (*base, "source"))
        for k, v in iss.args.items():
            need_param(v, (*base, "args", k))
        for lv, targs in iss.terms.items():
            if not any(_same_level(lv, x) for x in iss.levels):
                raise InputError(
                    f"terms for unknown level {lv!r}", where=where((*base, "terms", lv))
                )
            for k, v in targs.items():
                need_param(v, (*base, "terms", lv, k))
        for ch, dv in iss.values.items():
            need_source(dv.source, (*base, "values", ch, "source"))
        if iss.void_risk is not None:
            need_source(iss.void_risk.source, (*base, "void_risk", "source"))
            need_param(iss.void_risk.prob, (*base, "void_risk", "prob"))
            if iss.void_risk.odds_ratio is not None:
                need_param(iss.void_risk.odds_ratio, (*base, "void_risk", "odds_ratio"))
        if iss.stakes is not None and iss.stakes.probability is not None:
            need_param(iss.stakes.probability, (*base, "stakes", "probability"))
        if iss.no_deal is not None:
            need_source(iss.no_deal.source, (*base, "no_deal", "source"))
            for i, d in enumerate(iss.no_deal.draws):
                need_source(d.source, (*base, "no_deal", "draws", i, "source"))
                need_param(d.prob, (*base, "no_deal", "draws", i, "prob"))
                if iss.kind == "categorical" and not any(
                    _same_level(d.value, x) for x in iss.levels
                ):
                    raise InputError(
                        f"threat value {d.value!r} is not a level",
                        where=where((*base, "no_deal", "draws", i, "value")),
                    )
        linked = iss.link or (iss.stakes.form_issue if iss.stakes is not None else None)
        if linked is not None:
            other = by_name.get(linked)
            if other is None or other.model != "qualifier":
                raise InputError(
                    f"linked issue {linked!r} is not a qualifier issue of this case",
                    where=where((*base, "link" if iss.link else "stakes")),
                )
            if iss.stakes is not None:
                bad = [lv for lv in other.levels if lv not in ("add_on", "floor", "total")]
                if bad:
                    raise InputError(
                        f"form issue {linked!r} has levels {bad} that are not forms",
                        where=where((*base, "stakes")),
                        hint="levels of a form issue are add_on, floor, total",
                    )
        for chs in iss.channels.values():
            produced |= {chs} if isinstance(chs, str) else set(chs)
        produced |= set(iss.values)
    for cname, c in cf.constituencies.items():
        for ch in c.stakes:
            if ch not in produced:
                raise InputError(
                    f"stake in unknown channel {ch!r}",
                    where=where(("constituencies", cname, "stakes", ch)),
                    hint=f"channels produced by the issues: {sorted(produced)}",
                )
    for j, pv in enumerate(cf.pivots):
        if pv.constituency not in cf.constituencies:
            raise InputError(
                f"unknown constituency {pv.constituency!r}",
                where=where(("pivots", j, "constituency")),
            )
        if pv.party not in codes:
            raise InputError(f"unknown party {pv.party!r}", where=where(("pivots", j, "party")))
        need_source(pv.source, ("pivots", j, "source"))
        for key in ("sigma", "threshold", "needed"):
            need_param(getattr(pv, key), ("pivots", j, key))
        for i, x in enumerate(pv.issues or []):
            if x not in by_name:
                raise InputError(f"unknown issue {x!r}", where=where(("pivots", j, "issues", i)))
    r = cf.retaliation
    if r.allowed:
        need_source(r.source, ("retaliation", "source"))
        need_param(r.rate, ("retaliation", "rate"))
        need_param(r.prob, ("retaliation", "prob"))
    bp = cf.bargaining_power
    if isinstance(bp, PowerSpec):
        need_source(bp.source, ("bargaining_power", "source"))
        for key in ("partner_dependence", "imposer_dependence", "security_weight"):
            need_param(getattr(bp, key), ("bargaining_power", key))
    elif bp is not None:
        need_param(bp, ("bargaining_power",))
    need_param(cf.discount_rate, ("discount_rate",))
    th = cf.tied_hands
    if th is not None:
        if th.constituency not in cf.constituencies:
            raise InputError(
                f"unknown constituency {th.constituency!r}",
                where=where(("tied_hands", "constituency")),
            )
        for i, ch in enumerate(th.channels or []):
            if ch not in cf.constituencies[th.constituency].stakes:
                raise InputError(
                    f"constituency {th.constituency!r} has no stake in {ch!r}",
                    where=where(("tied_hands", "channels", i)),
                )
