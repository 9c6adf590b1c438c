"""Validation against customs: duties computed on 2024 trade vs the duty US customs assessed.

For each partner with a Census duty extract (Japan, the EU, China, Canada, Mexico), every HTS10 row
of 2024 imports for consumption (``CON_VAL_YR``) is rated with the schedule on **2024-07-01** — MFN
with the preferences the data supports (the US–Japan agreement's ``JP`` rates; USMCA on the share
of each HTS10 × Canada/Mexico value that entered under it), Section 301 on China, Section 232 on
steel and aluminum as in force in 2024 — and compared with the calculated duty Census reports
(``CAL_DUT_YR``: ordinary customs duties actually assessed, including Section 301/232/201; not AD/CVD).

Why 2024-07-01: the comparison is with a whole year of duty, so the schedule should be the one in
force for most of 2024. Mid-year lies inside the long stable stretch between the January HTS edition
and the Section 301 four-year-review increases of 27 September 2024 (89 FR 76581), which reached only
the last quarter; the 10 July 2024 232 proclamation on Mexican steel (melted and poured outside North
America) took effect days later and covers very little value.

Tolerances (the acceptance criteria of the customs validation): total within ±10% for Japan, the EU and China, ±25% for Canada and Mexico
(where the computed duty rests on estimated USMCA claim shares).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tariffsim.duties.flows import Flows

VALIDATION_DATE = dt.date(2024, 7, 1)
PARTNERS = ("JPN", "EU", "CHN", "CAN", "MEX")
TOLERANCE = {"JPN": 0.10, "EU": 0.10, "CHN": 0.10, "CAN": 0.25, "MEX": 0.25}
# The EU extract is one aggregate row per HTS10 (Census code 0003): rated as a member state, which
# gives the same 2024 schedule for every member (one customs union; common 232 TRQ arrangement).
EU_PROXY = "DEU"


@dataclass(frozen=True, eq=False)
class PartnerValidation:
    partner: str
    imports_usd: float
    duty_assessed_usd: float
    duty_computed_usd: float
    tolerance: float
    # chapter, imports_usd, duty_assessed_usd, duty_computed_usd, gap_usd, cause
    by_chapter: pl.DataFrame
    by_authority: dict[str, float] = field(default_factory=dict)
    # diagnostics of known unmodelled provisions (e.g. Section 301 exclusion lines for China)
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """(computed − assessed) / assessed."""
        a = self.duty_assessed_usd
        return (self.duty_computed_usd - a) / a if a else float("nan")

    @property
    def passed(self) -> bool:
        return abs(self.gap) <= self.tolerance

    def summary(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "imports_usd": self.imports_usd,
            "duty_assessed_usd": self.duty_assessed_usd,
            "duty_computed_usd": self.duty_computed_usd,
            "gap": self.gap,
            "tolerance": self.tolerance,
            "passed": self.passed,
            "by_authority_usd": self.by_authority,
            "diagnostics": self.diagnostics,
        }


@dataclass(frozen=True, eq=False)
class Validation:
    date: dt.date
    partners: tuple[PartnerValidation, ...]
    provenance: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pl.DataFrame:
        return pl.DataFrame([p.summary() for p in self.partners]).drop("by_authority_usd")

    def largest_gaps(self, n: int = 15) -> pl.DataFrame:
        """The chapters with the largest absolute gaps over all partners."""
        frames = [
            p.by_chapter.with_columns(pl.lit(p.partner).alias("partner")) for p in self.partners
        ]
        return (
            pl.concat(frames)
            .with_columns(pl.col("gap_usd").abs().alias("_abs"))
            .sort("_abs", descending=True)
            .drop("_abs")
            .head(n)
            .select("partner", pl.exclude("partner"))
        )

    def to_json(self, top: int = 15) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "partners": [p.summary() for p in self.partners],
            "largest_gaps": self.largest_gaps(top).to_dicts(),
            "provenance": self.provenance,
        }


def partner_flows(partner: str) -> tuple[Flows, np.ndarray]:
    """The partner's 2024 rows as :class:`Flows` and the duty assessed per row (USD).

    Metal contents and USMCA claim shares are attached by the schedule, as for the default flows.
    """
    from tariffsim.data import census

    df = census.imports_with_duty(partner)
    n = df.height
    origin = EU_PROXY if partner == "EU" else partner
    hs10 = df["hs10"].cast(pl.Utf8).to_numpy().astype("<U10")
    flows = Flows(
        hs10=hs10,
        origin=np.full(n, origin, dtype="<U3"),
        value_usd=df["value_usd"].cast(pl.Float64).fill_null(0.0).to_numpy(),
        source=f"Census 2024 imports for consumption with calculated duty, {partner} ({n:,} rows)",
    )
    return flows, df["duty_usd"].cast(pl.Float64).fill_null(0.0).to_numpy()


S301_EXCLUSION_HEADINGS = ("9903.88.69", "9903.88.70")


def s301_exclusion_lines(edition: str = "2025_basic") -> list[str]:
    """HTS10 lines whose footnote refers to the Section 301 exclusion headings 9903.88.69/.70.

    The exclusions themselves (U.S. note 20(vvv)/(www) to subchapter III of chapter 99: 164 + 14
    products extended through 2024–25) are written as product descriptions within an HTS8, so a
    footnoted line is only partly excluded; the footnote says which lines hold excluded products.
    """
    from tariffsim.data import hts

    rev = hts.load_revision(edition)
    pat = "|".join(h.replace(".", r"\.") for h in S301_EXCLUSION_HEADINGS)
    hit = rev.filter(pl.col("footnotes").cast(pl.Utf8).str.contains(pat))
    return sorted(c for c in hit["digits"].cast(pl.Utf8).to_list() if c and len(c) == 10)


def s301_exclusion_diagnostic(res: Any, assessed: np.ndarray) -> dict[str, Any]:
    """How much of China's gap sits on lines with Section 301 exclusions (an upper bound of their effect).

    ``gap_if_fully_excluded``: the total gap if every footnoted line were wholly excluded from
    Section 301 (it is not: each exclusion covers some products of the line), so the true effect of
    the exclusions lies between 0 and ``s301_on_lines_usd``.
    """
    lines = s301_exclusion_lines()
    on = np.isin(res.rows["hs10"].to_numpy().astype(str), np.array(lines, dtype=str))
    v = res.rows["imports_usd"].to_numpy()
    s301 = float((res.rows["rate_s301"].to_numpy() * v)[on].sum())
    total_a = float(assessed.sum())
    upper = (res.duty_usd - s301 - total_a) / total_a if total_a else float("nan")
    return {
        "lines": len(lines),
        "rows_in_data": int(on.sum()),
        "imports_usd": float(v[on].sum()),
        "duty_computed_usd": float(res.rows["duty_usd"].to_numpy()[on].sum()),
        "duty_assessed_usd": float(assessed[on].sum()),
        "s301_on_lines_usd": s301,
        "gap_if_fully_excluded": upper,
    }


def likely_cause(
    partner: str, chapter: str, computed: float, assessed: float, approx_share: float
) -> str:
    """A short, rule-based explanation of a chapter's gap: what usually drives such a gap.

    The rules name mechanisms the 2024 schedule leaves out (product exclusions, product-specific
    duty-free programs open to every origin, safeguards) or approximates (AVEs, USMCA claim shares).
    They are hypotheses for a reader to check, not measured attributions.
    """
    over = computed > assessed
    ch = int(chapter)
    if ch == 98:
        return "chapter 98 special provisions (US goods returned, 9802 foreign value only): no HTS rate line"
    causes: list[str] = []
    if approx_share > 0.2:
        causes.append(f"specific/compound duties ({approx_share:.0%} of value on approximate AVE)")
    if partner == "CHN" and over:
        causes.append(
            "Section 301 product exclusions beyond the 144 HTS-footnoted lines the library excludes "
            "(the 352 reinstated / 77 COVID exclusions in force to 14 Jun 2024)"
        )
    if partner == "CHN" and not over and ch in (85, 87, 73, 76, 72, 90, 40):
        causes.append(
            "Section 301 four-year-review increases of 27 Sep 2024 (EVs, batteries, metals)"
        )
    if ch in (72, 73, 76) and over and partner != "CHN":
        causes.append("232 metals: quota arrangements and product exclusions")
    if ch in (72, 73, 76) and not over and partner in ("EU", "JPN"):
        causes.append("232 over-quota entries (the library rates the 2024 TRQ as all in-quota)")
    if ch in (28, 29, 30, 32) and over:
        causes.append(
            "product-specific duty-free claims open to any origin (Pharmaceutical Appendix K, dyes L)"
        )
    if ch in (84, 85, 88) and over and partner != "CHN":
        causes.append("civil aircraft duty-free claims (program C)")
    if partner == "JPN" and not over:
        causes.append("JP agreement rates applied to every entry; not every importer claims them")
    if partner in ("CAN", "MEX"):
        causes.append("USMCA claim rate vs the 2024 product share; 9802 assembly entries")
    if ch in (84, 85) and not over and partner not in ("CAN", "MEX"):
        causes.append("Section 201 safeguards (solar cells 8541, washers 8450) not in the schedule")
    if not causes:
        causes.append(
            "duty-free claims not modelled (FTZ privileged status, 9817 end-use, GSP-type claims)"
            if over
            else "duty above the general column (over-quota rates, safeguards, AD-related entries)"
        )
    return "; ".join(causes)


def validate(
    partners: tuple[str, ...] = PARTNERS,
    *,
    schedule: Any | None = None,
    on: dt.date = VALIDATION_DATE,
) -> Validation:
    """Compare computed duty with duty assessed, per partner, with the chapter breakdown."""
    from tariffsim.duties.etr import (
        _schedule,
        _schedule_version,
        ave_approx_flags,
        duties_from_compiled,
    )

    sched = _schedule(schedule)
    out = []
    for p in partners:
        flows, assessed = partner_flows(p)
        c = sched.compile(flows.hs10, flows.origin, on, on + dt.timedelta(days=1))
        res = duties_from_compiled(c, flows, on, ave_approx=ave_approx_flags(sched, flows, on))
        rows = res.rows.with_columns(
            pl.Series("duty_assessed_usd", assessed),
            pl.col("hs10").str.slice(0, 2).alias("chapter"),
            (pl.col("imports_usd") * pl.col("ave_approx").cast(pl.Float64)).alias("_approx_usd"),
        )
        ch = (
            rows.group_by("chapter")
            .agg(
                pl.col("imports_usd").sum(),
                pl.col("duty_assessed_usd").sum(),
                pl.col("duty_usd").sum().alias("duty_computed_usd"),
                pl.col("_approx_usd").sum(),
            )
            .with_columns(
                (pl.col("duty_computed_usd") - pl.col("duty_assessed_usd")).alias("gap_usd")
            )
            .sort("chapter")
        )
        causes = [
            likely_cause(
                p,
                r["chapter"],
                r["duty_computed_usd"],
                r["duty_assessed_usd"],
                r["_approx_usd"] / r["imports_usd"] if r["imports_usd"] else 0.0,
            )
            for r in ch.iter_rows(named=True)
        ]
        ch = ch.drop("_approx_usd").with_columns(pl.Series("cause", causes))
        by_auth = {
            a: float((res.rows[f"rate_{a}"] * res.rows["imports_usd"]).sum())
            for a in res.authorities
        }
        diagnostics: dict[str, Any] = {}
        if p == "CHN":
            diagnostics["s301_exclusion_lines"] = s301_exclusion_diagnostic(res, assessed)
        out.append(
            PartnerValidation(
                diagnostics=diagnostics,
                partner=p,
                imports_usd=res.imports_usd,
                duty_assessed_usd=float(assessed.sum()),
                duty_computed_usd=res.duty_usd,
                tolerance=TOLERANCE.get(p, 0.10),
                by_chapter=ch,
                by_authority=by_auth,
            )
        )
    return Validation(
        date=on,
        partners=tuple(out),
        provenance={"schedule": _schedule_version(sched), "date": on.isoformat()},
    )
