"""Landed cost of one entry: duties plus the customs fees, and the de minimis exemption.

For an entry of customs value ``V`` (US$) with total duty rate ``t`` (:class:`EntryRate`), entered
on day ``d`` by transport ``mode``::

    duty  = t · V
    MPF   = clip(0.003464 · V, MPF_min(FY(d)), MPF_max(FY(d)))        formal entry (V > $2,500)
          = informal fee(FY(d))                                      informal entry (V ≤ $2,500)
          = 0   for goods claimed under an agreement that exempts them, or of Israel
    HMF   = 0.00125 · V                                              ocean shipments only
    landed = V + duty + MPF + HMF

**Merchandise processing fee** (19 U.S.C. 58c(a)(9), (b)(8); 19 CFR 24.23(b)(1)): 0.3464% ad
valorem with a minimum and maximum per formal entry, adjusted for inflation each fiscal year
(1 October–30 September) under the FAST Act (19 CFR 24.22(k)): FY2024 $31.67–$614.35 (CBP Dec.
23-08, 88 FR 48900, 28 Jul 2023), FY2025 $32.71–$634.62 (general notice of 22 Jul 2024, FR Doc.
2024-15990), FY2026 $33.58–$651.50 (CBP Dec. 25-10, 90 FR 34665, 23 Jul 2025). An informal entry
(value of $2,500 or less, 19 CFR 143.21) pays the flat fee of class code 311a instead ($2.53,
$2.62, $2.69). Originating goods claimed under USMCA, the Chile, Singapore, Australia, Bahrain,
Oman, Peru, Korea, Colombia and Panama agreements and CAFTA-DR are exempt (19 CFR 24.23(c)), as
are products of Israel whether or not the agreement is claimed (24.23(c)(5)). Not modelled: the
exemptions of products of CBERA beneficiaries and of least-developed beneficiary developing
countries (24.23(c)(1)), and the manual-entry surcharge.

**Harbor maintenance fee** (26 U.S.C. 4461; 19 CFR 24.24): 0.125% of the value of commercial cargo
loaded or unloaded at a US port — ocean shipments only.

**De minimis** (Section 321, 19 U.S.C. 1321(a)(2)(C)): a shipment of $800 or less imported by one
person on one day enters free of duty and fees — suspended for goods of China and Hong Kong from
2 May 2025 (EO 14256) and for goods of every country from 29 August 2025 (EO 14324).

**Not included**: antidumping and countervailing duties (AD/CVD, case-specific orders), excise
taxes, and the other user fees (arrival, dutiable mail, express consignment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tariffsim.core.errors import InputError

if TYPE_CHECKING:
    from tariffsim.schedule.results import EntryRate

Mode = Literal["ocean", "air", "truck", "rail", "mail", "other"]
MODES: tuple[str, ...] = ("ocean", "air", "truck", "rail", "mail", "other")

MPF_RATE = 0.003464
"""Merchandise processing fee, ad valorem (19 CFR 24.23(b)(1)(i)(A))."""
HMF_RATE = 0.00125
"""Harbor maintenance fee, ad valorem (26 U.S.C. 4461(c))."""
INFORMAL_LIMIT = 2500.0
"""Value up to which an entry may be informal (19 CFR 143.21(a))."""
DE_MINIMIS = 800.0
"""Section 321 de minimis value (19 U.S.C. 1321(a)(2)(C), as amended by the Trade Facilitation
and Trade Enforcement Act of 2015)."""


@dataclass(frozen=True)
class FeeYear:
    """The MPF amounts of one fiscal year (from 1 October)."""

    start: dt.date
    minimum: float
    maximum: float
    informal: float
    source: str


FEE_YEARS: tuple[FeeYear, ...] = (
    FeeYear(dt.date(2023, 10, 1), 31.67, 614.35, 2.53, "CBP Dec. 23-08, 88 FR 48900 (FY2024)"),
    FeeYear(
        dt.date(2024, 10, 1), 32.71, 634.62, 2.62, "General notice, FR Doc. 2024-15990 (FY2025)"
    ),
    FeeYear(dt.date(2025, 10, 1), 33.58, 651.50, 2.69, "CBP Dec. 25-10, 90 FR 34665 (FY2026)"),
)

MPF_EXEMPT_CLAIMS = frozenset(
    {
        "usmca",
        "chile",
        "singapore",
        "australia",
        "bahrain",
        "cafta_dr",
        "oman",
        "peru",
        "korus",
        "colombia",
        "panama",
    }
)
"""Claims whose originating goods pay no MPF (19 CFR 24.23(c))."""
MPF_EXEMPT_ORIGINS = frozenset({"ISR"})
"""Origins whose products pay no MPF whatever the claim (19 CFR 24.23(c)(5))."""

DE_MINIMIS_SUSPENDED: tuple[tuple[dt.date, frozenset[str] | None, str], ...] = (
    (dt.date(2025, 5, 2), frozenset({"CHN", "HKG"}), "EO 14256 (China and Hong Kong)"),
    (dt.date(2025, 8, 29), None, "EO 14324 (every country)"),
)
"""When the de minimis exemption stopped, for whom (None: every origin), and by which order."""

NOT_INCLUDED = (
    "antidumping and countervailing duties (AD/CVD) are not included",
    "excise taxes and the other customs user fees (arrival, dutiable mail, express consignment) "
    "are not included",
)


def fee_year(on: dt.date) -> tuple[FeeYear, bool]:
    """(the MPF amounts for an entry on ``on``, whether they are those of a later year assumed)."""
    known = [y for y in FEE_YEARS if y.start <= on]
    if not known:
        raise InputError(
            f"date: {on} is before fiscal year 2024, the first whose fees are in the library",
            hint="landed cost covers entries from 1 Oct 2023",
        )
    y = known[-1]
    assumed = on >= dt.date(y.start.year + 1, 10, 1)
    return y, assumed


def de_minimis_suspension(origin: str, on: dt.date) -> str | None:
    """The order suspending de minimis for goods of ``origin`` on ``on``, if any."""
    for start, who, order in DE_MINIMIS_SUSPENDED:
        if on >= start and (who is None or origin in who):
            return order
    return None


@dataclass(frozen=True)
class LandedCost:
    """Duties and fees of one entry (US$) and what they rest on."""

    value_usd: float
    mode: str
    duty_rate: float
    duty_usd: float
    mpf_usd: float
    hmf_usd: float
    de_minimis: bool
    notes: tuple[str, ...]
    not_included: tuple[str, ...] = NOT_INCLUDED

    @property
    def fees_usd(self) -> float:
        return self.mpf_usd + self.hmf_usd

    @property
    def landed_usd(self) -> float:
        """Value plus duties and fees."""
        return self.value_usd + self.duty_usd + self.fees_usd

    def to_dict(self) -> dict[str, Any]:
        return {
            "value_usd": self.value_usd,
            "mode": self.mode,
            "duty_rate": self.duty_rate,
            "duty_usd": round(self.duty_usd, 2),
            "mpf_usd": round(self.mpf_usd, 2),
            "hmf_usd": round(self.hmf_usd, 2),
            "fees_usd": round(self.fees_usd, 2),
            "landed_usd": round(self.landed_usd, 2),
            "de_minimis": self.de_minimis,
            "notes": list(self.notes),
            "not_included": list(self.not_included),
        }


def landed_cost(
    entry: EntryRate, value_usd: float, *, mode: str = "ocean", de_minimis: bool = True
) -> LandedCost:
    """The landed cost of ``entry`` (a rated entry) of customs value ``value_usd`` shipped by
    ``mode`` (see the module docstring). ``de_minimis=False`` when the shipment does not qualify
    (e.g. more than one shipment to one person on the day)."""
    if mode not in MODES:
        raise InputError(f"mode: {mode!r} is not a transport mode", hint=f"use {', '.join(MODES)}")
    if not value_usd >= 0.0 or value_usd == float("inf"):
        raise InputError(f"value: {value_usd!r} is not a customs value in US$")
    on = entry.date
    origin = entry.origin
    notes: list[str] = []
    if de_minimis and value_usd <= DE_MINIMIS:
        stop = de_minimis_suspension(origin, on)
        if stop is None:
            notes.append(
                f"de minimis: a shipment of ${DE_MINIMIS:,.0f} or less enters free of duty and "
                "fees (Section 321)"
            )
            return LandedCost(value_usd, mode, 0.0, 0.0, 0.0, 0.0, True, tuple(notes))
        notes.append(f"de minimis (Section 321) suspended for this shipment: {stop}")
    duty = entry.total_rate * value_usd
    year, assumed = fee_year(on)
    if assumed:
        notes.append(
            f"MPF amounts of fiscal year {year.start.year + 1} used (the next year's are not in the "
            "library)"
        )
    if entry.claim in MPF_EXEMPT_CLAIMS:
        mpf = 0.0
        notes.append(
            f"MPF: none for originating goods claimed under {entry.claim} (19 CFR 24.23(c))"
        )
    elif origin in MPF_EXEMPT_ORIGINS:
        mpf = 0.0
        notes.append("MPF: none for products of Israel (19 CFR 24.23(c)(5))")
    elif value_usd <= INFORMAL_LIMIT:
        mpf = year.informal
        notes.append(
            f"MPF: informal entry (value ≤ ${INFORMAL_LIMIT:,.0f}), flat ${year.informal:.2f} "
            f"({year.source})"
        )
    else:
        raw = MPF_RATE * value_usd
        mpf = min(max(raw, year.minimum), year.maximum)
        bound = (
            f", the minimum ${year.minimum:.2f}"
            if raw < year.minimum
            else (f", the maximum ${year.maximum:.2f}" if raw > year.maximum else "")
        )
        notes.append(f"MPF: 0.3464% of the value{bound} ({year.source})")
    hmf = HMF_RATE * value_usd if mode == "ocean" else 0.0
    notes.append(
        "HMF: 0.125% of the value (ocean)" if mode == "ocean" else f"HMF: none ({mode}, not ocean)"
    )
    return LandedCost(value_usd, mode, entry.total_rate, duty, mpf, hmf, False, tuple(notes))
