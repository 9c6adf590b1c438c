"""Pydantic models of the measure format (``docs/measure-format.md`` is the contract).

These models check the *shape* of each file: field names (unknown fields are errors, so typos are
caught), types, ranges (rates are fractions in ``[0, 10]``), HS prefixes (quoted digit strings of 2–10
digits, dots allowed) and per-value rules. Checks that need the whole library (ids unique and equal to
the file stem, ``excluded_by`` pointing to lower ``order``, origins and lists known, dates within
coverage) live in :mod:`tariffsim.schedule.loader`, which also maps every error to ``file:line``.

Files described here:

* a measure file (``jurisdictions/us/measures/<id>.yaml``) → :class:`Measure`
* a product-list file (``jurisdictions/us/lists*.yaml``) → :class:`ListsFile`
* a legal-case file (``jurisdictions/us/cases/*.yaml``) → :class:`CasesFile`
* a reform (patch) file → :class:`Reform`
* the library file (``jurisdictions/us/library.yaml``: coverage, measure sets) → :class:`LibraryFile`
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

Authority = Literal[
    "mfn", "s301", "s232", "ieepa_fentanyl", "ieepa_reciprocal", "ieepa_other", "s122", "s201"
]
"""Legal authorities, in the order of ``docs/measure-format.md`` (``s201``: safeguards)."""

AUTHORITIES: tuple[str, ...] = Authority.__args__  # type: ignore[attr-defined]

ShareName = Literal[
    "usmca",
    "non_usmca",
    "steel_content",
    "aluminum_content",
    "copper_content",
    "metal_content",
    "non_metal_content",
    "non_steel_aluminum_content",
]
"""Per-row shares a rate may be multiplied by (see :mod:`tariffsim.schedule.products`)."""

SHARE_NAMES: tuple[str, ...] = ShareName.__args__  # type: ignore[attr-defined]

DECLARED_PREFIX = "declared:"
_DECLARED_RE = re.compile(r"^declared:[a-z][a-z0-9_]*$")


def _check_share(v: Any) -> Any:
    """A share name of the data (``SHARE_NAMES``) or a declared share ``declared:<name>``."""
    if v is None:
        return v
    if not isinstance(v, str):
        raise ValueError("must be a share name")
    v = v.strip()
    if v in SHARE_NAMES or _DECLARED_RE.match(v):
        return v
    raise ValueError(
        f"{v!r} is not a share: use one of {', '.join(SHARE_NAMES)}, or declared:<name> "
        "(a share the user declares per entry, e.g. declared:advanced_semiconductor)"
    )


MeasureShare = Annotated[str, BeforeValidator(_check_share)]
"""A data share (``SHARE_NAMES``) or ``declared:<name>`` (declared per entry, default ``share_default``)."""


def _share_list(v: Any) -> Any:
    if v is None or isinstance(v, list):
        return v
    return [v]


ShareProduct = Annotated[list[MeasureShare], BeforeValidator(_share_list)]
"""``share:`` of a measure: one share, or a list whose product multiplies the rate (e.g.
``[usmca, declared:non_us_content]``: the non-US content of USMCA-qualifying goods)."""

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_EDITION_RE = re.compile(r"^\d{4}_(basic|rev_\d+)$")
_PREFIX_RE = re.compile(r"^\d{2,10}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_rate(v: Any) -> Any:
    """A rate: a real number (fraction) in ``[0, 10]``; booleans and strings are refused."""
    if v is None:
        return v
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError("must be a number between 0 and 10 (a fraction: 25% is 0.25)")
    if not (0.0 <= float(v) <= 10.0) or v != v:
        raise ValueError("must be a number between 0 and 10 (a fraction: 25% is 0.25)")
    return float(v)


Rate = Annotated[float, BeforeValidator(_check_rate)]
"""A fraction in ``[0, 10]`` (25% is ``0.25``)."""


def normalize_prefix(text: Any) -> str:
    """An HS prefix as a digit string: ``"8703.23"`` → ``"870323"``; ``"*"`` stays ``"*"``.

    Raises ``ValueError`` for unquoted numbers (YAML turns ``8703.20`` into ``8703.2`` and ``0101``
    into an octal number) and for anything that is not 2–10 digits after removing dots and spaces.
    """
    if isinstance(text, (bool, int | float)):
        raise ValueError(
            f'HS prefix {text!r} must be a quoted string (write "{text}"; unquoted numbers lose '
            "leading and trailing zeros)"
        )
    if not isinstance(text, str):
        raise ValueError("must be an HS prefix string or a mapping {list: NAME}")
    s = text.strip()
    if s == "*":
        return s
    digits = s.replace(".", "").replace(" ", "")
    if not _PREFIX_RE.match(digits):
        raise ValueError(
            f'{text!r} is not an HS prefix (2 to 10 digits, dots allowed, e.g. "8703.23")'
        )
    return digits


class ListRef(_Strict):
    """A named product list (defined in ``lists*.yaml``).

    In ``exclude_products``, ``claim: PROGRAM`` makes the exclusion depend on the entry claiming
    that program (e.g. ``civil_aircraft``: the civil-aircraft exemptions, where end use decides): an
    entry that claims it is excluded, one that does not pays. For trade flows the part is multiplied
    by ``1 − s``, with ``s`` the claimed share declared per row (share name = the program key) or
    ``claim_default`` (default 0).
    """

    list: str
    claim: str | None = None
    claim_default: Rate | None = None

    @field_validator("claim")
    @classmethod
    def _program(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from tariffsim.schedule.claims import normalize_claim

        try:
            return normalize_claim(v, field="claim")
        except Exception as exc:  # InputError → a field error at this line
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _default_needs_claim(self) -> ListRef:
        if self.claim_default is not None:
            if self.claim is None:
                raise ValueError("`claim_default:` goes with `claim:`")
            if self.claim_default > 1.0:
                raise ValueError("claim_default must be a fraction in [0, 1]")
        return self


def _product(v: Any) -> Any:
    if isinstance(v, dict):
        return v
    return normalize_prefix(v)


Product = Annotated[str | ListRef, BeforeValidator(_product)]


class Scope(_Strict):
    """Who and what a measure covers: origins minus excluded origins, products minus excluded ones."""

    origins: list[str] = Field(default_factory=lambda: ["*"])
    exclude_origins: list[str] = Field(default_factory=list)
    products: list[Product] | None = None
    exclude_products: list[Product] = Field(default_factory=list)

    @field_validator("origins", "exclude_origins", mode="before")
    @classmethod
    def _origin_strings(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [v]
        if isinstance(v, list):
            for x in v:
                if not isinstance(x, str):
                    raise ValueError(f"{x!r} is not a country code (write ISO3 codes such as JPN)")
        return v


class RateSpec(_Strict):
    """One origin's rate under a value: additive ``rate`` or all-in ``floor``, plus metadata."""

    rate: Rate | None = None
    floor: Rate | None = None
    heading: str | None = None
    reference: str | None = None
    note: str | None = None
    share: ShareName | None = None  # multiplies this origin's part (on top of the measure's share)
    published: dt.date | None = (
        None  # in ``rates_by_origin``: when this origin's change was published
    )

    @model_validator(mode="after")
    def _one_kind(self) -> RateSpec:
        if (self.rate is None) == (self.floor is None):
            raise ValueError("give exactly one of `rate:` (additive) or `floor:` (all-in floor)")
        return self


def _rate_or_spec(v: Any) -> Any:
    if v is None or isinstance(v, dict | RateSpec):
        return v
    return {"rate": v}


OriginRate = Annotated[RateSpec | None, BeforeValidator(_rate_or_spec)]


INHERIT = "inherit"
"""In ``rates_by_origin``: from this date the origin pays what the measure's values say again."""


def _history_entry(v: Any) -> Any:
    if v is None or isinstance(v, dict | RateSpec):
        return v
    if isinstance(v, str) and v.strip() == INHERIT:
        return INHERIT
    return {"rate": v}


HistoryEntry = Annotated[RateSpec | Literal["inherit"] | None, BeforeValidator(_history_entry)]
"""One dated entry of a per-origin history: a rate (number or mapping), ``null`` (pays nothing) or
``inherit`` (back to the measure's values)."""


class SetRef(_Strict):
    """``{set: NAME}`` in ``excluded_by``: every member of a measure set (``library.yaml`` ``sets:``),
    less the ids in ``except``."""

    set: str
    except_: list[str] = Field(default_factory=list, alias="except")


def _measure_ref(v: Any) -> Any:
    if isinstance(v, dict):
        return v
    if not isinstance(v, str):
        raise ValueError("must be a measure id, an authority or {set: NAME}")
    return v


MeasureRef = Annotated[str | SetRef, BeforeValidator(_measure_ref)]
"""A measure id, an authority (every other measure of it) or ``{set: NAME, except: [ids]}``."""


class ProgramSpec(_Strict):
    """An origin's preference programs under MFN (special-rate codes of the HTS ``special`` column)."""

    codes: list[str]
    share: ShareName | None = None


class Column2Spec(_Strict):
    """Origins whose MFN is the column 2 ("other") rate (HTS General Note 3(b))."""

    origins: list[str] = Field(min_length=1)
    reference: str = Field(min_length=1)


class InTransit(_Strict):
    """Goods loaded before ``loaded_before`` and entered before ``entered_before`` keep the rate of
    the day before this value starts (nothing, if the measure was not in force then) — the
    in-transit exceptions of the chapter-99 notes. Applies to entries that declare ``loaded_on``."""

    loaded_before: dt.date
    entered_before: dt.date
    reference: str = Field(min_length=1)
    heading: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> InTransit:
        if self.entered_before <= self.loaded_before:
            raise ValueError("entered_before must be after loaded_before")
        return self


class MeasureValue(_Strict):
    """One step of a measure's step function: holds from ``start`` to the next value's start."""

    start: dt.date
    rate: Rate | None = None
    rates: dict[str, OriginRate] | None = None
    heading: str | None = None
    reference: str = Field(min_length=1)
    published: dt.date | None = None
    note: str | None = None
    # MFN only
    hts: str | None = None
    programs: dict[str, list[str] | ProgramSpec] | None = None
    program_shares: dict[str, ShareName] | None = None
    column2: Column2Spec | None = None
    excluded_by: list[MeasureRef] | None = (
        None  # replaces the measure's excluded_by while this value holds
    )
    in_transit: InTransit | None = None

    @field_validator("hts")
    @classmethod
    def _edition(cls, v: str | None) -> str | None:
        if v is not None and not _EDITION_RE.match(v):
            raise ValueError(f"{v!r} is not an HTS edition (write e.g. 2025_basic or 2025_rev_7)")
        return v

    @model_validator(mode="after")
    def _rate_xor_rates(self) -> MeasureValue:
        if self.rate is not None and self.rates is not None:
            raise ValueError(
                "give either `rate:` (every origin) or `rates:` (per origin), not both"
            )
        return self

    @property
    def stops(self) -> bool:
        """True when this value ends the measure (no rate for anyone, not an MFN edition)."""
        return self.rate is None and self.rates is None and self.hts is None


class Suspension(_Strict):
    """A dated suspension ``[start, end)`` of some origins' rates, which pay ``rate_during`` meanwhile."""

    start: dt.date
    end: dt.date | None = None
    origins: list[str] = Field(default_factory=lambda: ["*"])
    except_origins: list[str] = Field(default_factory=list)
    rate_during: OriginRate
    reference: str = Field(min_length=1)
    published: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Suspension:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"end {self.end} must be after start {self.start} (half-open [start, end))"
            )
        return self


def _one_or_more(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


class Measure(_Strict):
    """A measure file: one legal measure as a dated step function with scope and stacking rules.

    The evaluation order is not written: it is derived from ``excluded_by`` and ``floor_base``
    (:func:`tariffsim.schedule.resolve.evaluation_order`). ``member_of`` names the measure sets of
    ``library.yaml`` this measure belongs to (others exclude it by ``{set: NAME}``); a measure of an
    authority a set must include either is a member or says why not in ``content_based``.
    ``rates_from`` charges, per origin, what other measures charge it (their values and
    suspensions); ``rates_by_origin`` overrides single origins from dated entries.
    """

    id: str
    title: str = Field(min_length=1)
    authority: Authority
    kind: Literal["additive", "mfn"] | None = None
    order: Any = Field(default=None, exclude=True)  # refused: derived (see _no_order)
    member_of: Annotated[list[str], BeforeValidator(_one_or_more)] = Field(default_factory=list)
    content_based: str | None = Field(default=None, min_length=1)
    scope: Scope = Field(default_factory=Scope)
    excluded_by: list[MeasureRef] = Field(default_factory=list)
    floor_base: list[str] = Field(default_factory=lambda: ["mfn"])
    share: ShareProduct | None = None
    share_default: Rate | None = None
    share_default_flows: Rate | None = None  # trade flows: the declared share's default there
    rates_from: Annotated[list[str], BeforeValidator(_one_or_more)] | None = None
    rates_by_origin: dict[str, dict[dt.date, HistoryEntry]] | None = None
    values: list[MeasureValue] = Field(default_factory=list)
    suspensions: list[Suspension] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("order", mode="before")
    @classmethod
    def _no_order(cls, v: Any) -> Any:
        if v is not None:
            raise ValueError(
                "`order:` is no longer written: the evaluation order is derived from excluded_by "
                "and floor_base; remove the line (docs/adding-a-measure.md)"
            )
        return v

    @model_validator(mode="after")
    def _values_given(self) -> Measure:
        if self.rates_from is None:
            if not self.values:
                raise ValueError("give `values:` (at least one) or `rates_from:` (other measures)")
            return self
        if not self.rates_from:
            raise ValueError("`rates_from:` names at least one measure")
        for v in self.values:
            if not v.stops or v.excluded_by is not None:
                raise ValueError(
                    f"with `rates_from:`, `values:` may only stop the measure (rate: null); the "
                    f"value of {v.start} gives rates: write per-origin changes in `rates_by_origin:`"
                )
        if len(self.values) > 1:
            raise ValueError("with `rates_from:`, give at most one stop value")
        return self

    @model_validator(mode="after")
    def _histories(self) -> Measure:
        for o, hist in (self.rates_by_origin or {}).items():
            if not hist:
                raise ValueError(f"rates_by_origin.{o}: give at least one dated entry")
        return self

    @model_validator(mode="after")
    def _declared_default(self) -> Measure:
        names = self.share or []
        declared = any(x.startswith(DECLARED_PREFIX) for x in names)
        if len(names) > 1 and len(set(names)) < len(names):
            raise ValueError("a share is named twice in `share:`")
        if declared and self.share_default is None:
            raise ValueError(
                f"share {', '.join(names)} is declared per entry: give `share_default:` (the share "
                "when the user declares none, e.g. 0.0)"
            )
        if self.share_default is not None and not declared:
            raise ValueError(
                "`share_default:` is only for declared shares (share: declared:<name>)"
            )
        if self.share_default is not None and self.share_default > 1.0:
            raise ValueError("share_default must be a fraction in [0, 1]")
        if self.share_default_flows is not None:
            if not declared:
                raise ValueError("`share_default_flows:` is only for declared shares")
            if self.share_default_flows > 1.0:
                raise ValueError("share_default_flows must be a fraction in [0, 1]")
        return self

    @field_validator("id")
    @classmethod
    def _snake(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"{v!r} is not a snake_case id (lower-case letters, digits, _)")
        return v

    @property
    def is_mfn(self) -> bool:
        return self.kind == "mfn" or (self.kind is None and self.authority == "mfn")


class ListItem(_Strict):
    """An inline list item with a membership ``[start, end)`` and the days each was published."""

    prefix: Annotated[str, BeforeValidator(normalize_prefix)]
    start: dt.date | None = None
    end: dt.date | None = None
    published: dt.date | None = None  # of the instrument adding it (default: its start)
    end_published: dt.date | None = None  # of the instrument ending it (default: its end)
    reference: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ListItem:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start} (half-open)")
        if self.end_published is not None and self.end is None:
            raise ValueError("`end_published:` goes with `end:`")
        return self


def _list_item(v: Any) -> Any:
    if isinstance(v, dict):
        return v
    return {"prefix": v}


class ListException(_Strict):
    """An HS prefix taken out of a list whatever its items say, with the source saying why; over
    ``[start, end)`` when dated (default: always), known from ``published`` (default: ``start``)."""

    prefix: Annotated[str, BeforeValidator(normalize_prefix)]
    start: dt.date | None = None
    end: dt.date | None = None
    published: dt.date | None = None
    reference: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ListException:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start} (half-open)")
        return self


def _list_exception(v: Any) -> Any:
    if isinstance(v, dict):
        return v
    return {"prefix": v}


class ListDef(_Strict):
    """A named product list: rows of a data-layer table (``source``), filtered, and/or inline items.

    ``source`` names a table of :func:`tariffsim.data.lists.product_list` (a file of
    ``../shared/data/product_lists`` or the default bundle). ``where`` keeps rows whose column equals
    one of the given values (e.g. ``{list: ["1", "2"]}`` for Section 301 lists 1 and 2). ``start``
    is the membership start of items that carry none; ``end`` (half-open) ends all membership.
    """

    title: str | None = None
    source: str | None = None
    where: dict[str, str | list[str]] | None = None
    items: list[Annotated[ListItem, BeforeValidator(_list_item)]] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    published: dt.date | None = None  # of items that give none (default: their start)
    reference: str = Field(min_length=1)
    notes: str | None = None
    except_: list[Annotated[ListException, BeforeValidator(_list_exception)]] | None = Field(
        default=None, alias="except"
    )
    except_reference: str | None = None

    @model_validator(mode="after")
    def _except_sourced(self) -> ListDef:
        for e in self.except_ or []:
            if e.prefix == "*":
                raise ValueError("`except:` items are HS prefixes, not '*'")
            if not (e.reference or self.except_reference):
                raise ValueError(
                    f"except item {e.prefix!r} has no source: give it `reference:` or give the list "
                    "`except_reference:`"
                )
        if self.except_reference and not self.except_:
            raise ValueError("`except_reference:` without `except:` items")
        return self

    @model_validator(mode="after")
    def _some_items(self) -> ListDef:
        if self.source is None and not self.items:
            raise ValueError(
                "give `source:` (a data table) or `items:` (inline HS prefixes), or both"
            )
        if self.where and self.source is None:
            raise ValueError("`where:` filters a `source:` table; give `source:`")
        return self


class ListsFile(_Strict):
    """A ``lists*.yaml`` file: ``lists: {name: ListDef}``."""

    lists: dict[str, ListDef]


class CaseExpect(_Strict):
    total_rate: Rate
    measures: dict[str, Rate]


class Case(_Strict):
    """A legal case: an entry and the expected measures (non-zero parts) and total, with its source.

    The entry claims ``claim`` (default: no claim), declares ``shares`` (e.g. ``steel_content``),
    may be ``loaded_on`` a day (in-transit exceptions) and may be rated with the law ``as_known_on``
    a day. ``basis: flows`` rates a trade flow instead (the data's USMCA and metal shares).
    """

    name: str = Field(min_length=1)
    origin: str
    hs: str
    date: dt.date
    claim: str | None = None  # the preference claim of the entry (default: none)
    shares: dict[str, Annotated[float, BeforeValidator(_check_rate)]] | None = None
    basis: Literal["entry", "flows"] = "entry"  # flows: the data's shares (a trade flow)
    loaded_on: dt.date | None = None  # for the in-transit exceptions
    as_known_on: dt.date | None = None  # the law as published by that day
    expect: CaseExpect
    source: str = Field(min_length=1)
    notes: str | None = None

    @field_validator("claim")
    @classmethod
    def _claim(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from tariffsim.schedule.claims import normalize_claim

        try:
            return normalize_claim(v)
        except Exception as exc:
            raise ValueError(str(exc)) from None

    @field_validator("hs", mode="before")
    @classmethod
    def _hs_string(cls, v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError(f'HS code {v!r} must be a quoted string, e.g. "8703230190"')
        return v


class CasesFile(_Strict):
    cases: list[Case] = Field(min_length=1)


class SetRate(_Strict):
    """A reform operation: one origin's rate from ``start`` (to ``end``, exclusive, if given).

    Written into the measure's ``rates_by_origin``: the origin pays ``rate`` (or the all-in
    ``floor``) from ``start``, whatever later values say, until ``end`` (then what it paid before);
    ``rate: null`` without ``floor`` means it pays nothing.
    """

    origin: str
    start: dt.date
    end: dt.date | None = None
    rate: Rate | None = None
    floor: Rate | None = None
    heading: str | None = None
    reference: str = Field(min_length=1)
    note: str | None = None
    share: ShareName | None = None
    published: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SetRate:
        if self.rate is not None and self.floor is not None:
            raise ValueError("give `rate:` (additive) or `floor:` (all-in), not both")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start} (half-open)")
        return self

    def spec(self) -> RateSpec | None:
        """The rate it sets (None: the origin pays nothing)."""
        if self.rate is None and self.floor is None:
            return None
        return RateSpec(
            rate=self.rate,
            floor=self.floor,
            heading=self.heading,
            reference=self.reference,
            note=self.note,
            share=self.share,
            published=self.published,
        )


class MeasureChange(_Strict):
    """Changes to an existing measure in a reform (each operation touches only what it names).

    * ``set_rate``: one origin's rate from a date (to an optional end) — see :class:`SetRate`;
    * ``insert_values``: values added to the step function (one with the start of an existing value
      replaces it; later values are kept); ``remove_values``: the starts of values to delete;
      ``values``: the whole step function replaced;
    * ``add_products`` / ``add_exclude_products`` / ``add_origins`` / ``add_exclude_origins``:
      items added to the scope; ``scope`` replaces it whole;
    * ``append_suspensions`` adds suspensions, ``suspensions`` replaces them;
    * every other field given replaces the measure's.
    """

    title: str | None = None
    order: Any = Field(default=None, exclude=True)  # refused: derived
    append_values: Any = Field(default=None, exclude=True)  # refused: see insert_values
    member_of: Annotated[list[str], BeforeValidator(_one_or_more)] | None = None
    content_based: str | None = None
    scope: Scope | None = None
    add_products: list[Product] | None = None
    add_exclude_products: list[Product] | None = None
    add_origins: list[str] | None = None
    add_exclude_origins: list[str] | None = None
    excluded_by: list[MeasureRef] | None = None
    floor_base: list[str] | None = None
    share: ShareProduct | None = None
    share_default: Rate | None = None
    share_default_flows: Rate | None = None  # trade flows: the declared share's default there
    rates_from: Annotated[list[str], BeforeValidator(_one_or_more)] | None = None
    rates_by_origin: dict[str, dict[dt.date, HistoryEntry]] | None = None
    set_rate: list[SetRate] | None = None
    values: list[MeasureValue] | None = None
    insert_values: list[MeasureValue] | None = None
    remove_values: list[dt.date] | None = None
    suspensions: list[Suspension] | None = None
    append_suspensions: list[Suspension] | None = None
    notes: str | None = None

    @field_validator("order", mode="before")
    @classmethod
    def _no_order(cls, v: Any) -> Any:
        if v is not None:
            raise ValueError("`order:` is derived from excluded_by and floor_base; remove it")
        return v

    @field_validator("append_values", mode="before")
    @classmethod
    def _no_append(cls, v: Any) -> Any:
        if v is not None:
            raise ValueError(
                "`append_values:` was replaced: use `insert_values:` (adds values, keeps the later "
                "ones; a value with an existing start replaces it), `set_rate:` (one origin from a "
                "date) or `values:` (replace all)"
            )
        return v

    @model_validator(mode="after")
    def _not_both(self) -> MeasureChange:
        if self.values is not None and (self.insert_values or self.remove_values):
            raise ValueError(
                "give `values:` (replace all) or `insert_values:`/`remove_values:`, not both"
            )
        if self.scope is not None and any(
            x is not None
            for x in (
                self.add_products,
                self.add_exclude_products,
                self.add_origins,
                self.add_exclude_origins,
            )
        ):
            raise ValueError("give `scope:` (replace) or the add_* operations, not both")
        return self


class SetDef(_Strict):
    """A named measure set (``library.yaml`` ``sets:``); measures join it with ``member_of:``.

    ``must_include: s232`` makes the loader require every measure of that authority to be a member
    or to say, in ``content_based:``, why the measures that exclude the set may stack on it.
    """

    title: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    must_include: Authority | None = None
    notes: str | None = None


class Reform(_Strict):
    """A reform (patch) file: measures to add, change and remove; the baseline is never mutated.

    ``lists`` and ``sets`` add product lists and measure sets the reform's measures may use.
    """

    title: str | None = None
    description: str | None = None
    lists: dict[str, ListDef] = Field(default_factory=dict)
    sets: dict[str, SetDef] = Field(default_factory=dict)
    add: list[Measure] = Field(default_factory=list)
    change: dict[str, MeasureChange] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)
    _data: Any = PrivateAttr(default=None)
    _name: str = PrivateAttr(default="<reform>")

    @classmethod
    def from_yaml(cls, text: str, *, name: str = "reform.yaml") -> Reform:
        """A reform from YAML text (safe reader; errors ``name:line: field: problem``)."""
        from tariffsim.core.errors import InputError
        from tariffsim.core.yamlio import parse_yaml, validate

        data = parse_yaml(text, name=name)
        if data is None:
            raise InputError(
                "empty reform", where=f"{name}:1", hint="give add:, change: or remove:"
            )
        model: Reform = validate(cls, data, name)
        return model.with_source(data, name)

    def with_source(self, data: Any, name: str) -> Reform:
        """This reform remembering the structure it was read from (for ``file:line`` errors)."""
        out = self.model_copy()
        out._data, out._name = data, name
        return out

    def source(self) -> tuple[Any, str]:
        """(structure read, file name) — ``(None, "<reform>")`` for a reform built in Python."""
        return self._data, self._name

    @property
    def label(self) -> str:
        return self.title or self._name


class Coverage(_Strict):
    """The days a library covers, half-open: ``[start, end)`` (``end`` is the first day not covered)."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Coverage:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start} (half-open)")
        return self


class LibraryFile(_Strict):
    """``library.yaml`` beside ``measures/``: the dates the library covers and its measure sets."""

    title: str | None = None
    coverage: Coverage
    sets: dict[str, SetDef] = Field(default_factory=dict)
    notes: str | None = None

    @field_validator("sets")
    @classmethod
    def _set_names(cls, v: dict[str, SetDef]) -> dict[str, SetDef]:
        for name in v:
            if not _ID_RE.match(name):
                raise ValueError(f"set name {name!r} is not snake_case")
        return v
