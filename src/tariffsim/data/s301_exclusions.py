"""Section 301 (China) product exclusions as the HTS records them: which lines, which dates.

USTR excludes *described products* from the Section 301 duties on China. Since June 2024 the
exclusions in force sit in two chapter-99 headings (subchapter III):

* **9903.88.69**, U.S. note 20(vvv)(i)-(iv): the 164 exclusions USTR extended on 30 May 2024
  (89 FR 46948) out of the 352 reinstated exclusions (87 FR 17380, 28 Mar 2022; heading 9903.88.67)
  and the 77 COVID-related exclusions (heading 9903.88.66, then 9903.88.68);
* **9903.88.70**, U.S. note 20(www): 14 exclusions for solar manufacturing equipment granted in the
  four-year review (89 FR 76581, 18 Sep 2024), retroactive to 1 Jan 2024.

The HTS does not list the excluded products by line; it marks each HTS10 line that holds one with
the footnote "See 9903.88.69." (or .70). :func:`footnoted_lines` reads those footnotes and
:func:`heading_period` the validity written in the heading's article description, which USTR's
extensions rewrite edition after edition ("… through May 31, 2025" → "August 31, 2025" →
"November 29, 2025" → "November 9, 2026"). :func:`exclusion_membership` combines them: every line
footnoted in any edition, from the earliest start of its heading's chain (the heading and the
headings it continues, :data:`PREDECESSORS`) to the latest end any edition gives.

Approximation (stated wherever the result is used): an exclusion covers a product *described
within* a line, so treating the whole footnoted line as excluded is an upper bound on its reach.

The product library ships the result inline (``jurisdictions/us/lists_s301_exclusions.yaml``), so
the schedule loads from the default bundle alone; :func:`yaml_items` prints the items and
``tests/unit/test_duties_s301_exclusions.py`` checks that the library matches the HTS editions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tariffsim.core.errors import InputError

if TYPE_CHECKING:
    import polars as pl

# heading -> (U.S. note of subchapter III of chapter 99, what it holds)
EXCLUSION_HEADINGS: dict[str, tuple[str, str]] = {
    "9903.88.69": (
        "20(vvv)",
        "164 exclusions extended by USTR on 30 May 2024 (89 FR 46948) from the 352 reinstated "
        "and 77 COVID-related exclusions",
    ),
    "9903.88.70": (
        "20(www)",
        "14 exclusions for solar manufacturing equipment, four-year review (89 FR 76581)",
    ),
}

# The headings an exclusion heading continues (the same exclusions, earlier validity): the 164 of
# 9903.88.69 were taken from the 352 reinstated exclusions of 9903.88.67 (note 20(ttt)) and the
# 77 COVID-related ones of 9903.88.66 / 9903.88.68 (notes 20(sss), 20(uuu)); 88 FR 90225,
# 89 FR 46948. The 14 of 9903.88.70 are new (retroactive to 1 Jan 2024), with no predecessor.
PREDECESSORS: dict[str, tuple[str, ...]] = {
    "9903.88.69": ("9903.88.66", "9903.88.67", "9903.88.68"),
    "9903.88.70": (),
}

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATE = r"([A-Z][a-z]+ \d{1,2}, ?\d{4})"


@dataclass(frozen=True)
class Period:
    """Validity of a heading as its article description writes it: ``[start, end)``."""

    heading: str
    edition: str
    start: dt.date
    end: dt.date  # exclusive
    text: str


def _parse_date(s: str) -> dt.date:
    m = re.fullmatch(r"([A-Za-z]+) (\d{1,2}), ?(\d{4})", s.strip())
    if not m or m.group(1).lower() not in _MONTHS:
        raise InputError(f"cannot read the date {s!r} in an HTS heading")
    return dt.date(int(m.group(3)), _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2)))


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """``[start, end)`` from a chapter-99 article description.

    "on or after June 15, 2024 and through May 31, 2025" → (2024-06-15, 2025-06-01): "through D"
    includes D, "before D" excludes it (half-open intervals, as everywhere in tariffsim).
    """
    m = re.search(r"on or after " + _DATE, text)
    if not m:
        raise InputError(f"no 'on or after <date>' in the heading text {text[:120]!r}")
    start = _parse_date(m.group(1))
    if t := re.search(r"through " + _DATE, text):
        end = _parse_date(t.group(1)) + dt.timedelta(days=1)
    elif b := re.search(r"before " + _DATE, text):
        end = _parse_date(b.group(1))
    else:
        raise InputError(f"no 'through'/'before' end date in the heading text {text[:120]!r}")
    return start, end


def heading_period(edition: str, heading: str) -> Period | None:
    """The validity of ``heading`` as written in ``edition`` (None if the edition lacks it)."""
    import polars as pl

    from tariffsim.data import hts

    rev = hts.load_revision(edition)
    row = rev.filter(pl.col("htsno") == heading)
    if row.height == 0:
        return None
    text = row["description"][0]
    start, end = parse_period(text)
    return Period(heading, hts.normalize_edition(edition), start, end, text)


def footnoted_lines(edition: str, heading: str) -> list[str]:
    """HTS10 lines of ``edition`` whose footnotes refer to ``heading`` ("See 9903.88.69.")."""
    import polars as pl

    from tariffsim.data import hts

    rev = hts.load_revision(edition)
    pat = re.escape(heading) + r"(\D|$)"
    hit = rev.filter(
        pl.col("footnotes").str.contains(pat) & (pl.col("digits").str.len_chars() == 10)
    )
    return sorted(set(hit["digits"].to_list()))


def exclusion_membership(editions: list[str] | None = None) -> pl.DataFrame:
    """One row per (HTS10, heading): the lines holding Section 301 exclusions and their dates.

    Columns ``hts10, heading, note, start, end, first_edition, last_edition``. ``start`` is the
    earliest ``on or after`` date of the heading or of its :data:`PREDECESSORS` in any edition;
    ``end`` (exclusive) the latest end any edition gives the heading. Extensions were announced
    before each expiry and took effect on the next day (89 FR 46948; notices of 5 Jun 2025,
    90 FR 42500 of 2 Sep 2025, and of Nov 2025), so the validity is one interval.
    ``editions`` default: every edition of the reference data.
    """
    import polars as pl

    from tariffsim.data import hts

    eds = editions if editions is not None else hts.editions()
    if not eds:
        raise InputError(
            "no HTS editions in the reference data",
            hint="point TARIFFSIM_DATA at a folder holding usitc_hts/hts_*.json.gz",
        )
    rows: list[dict[str, object]] = []
    for heading, (note, _) in EXCLUSION_HEADINGS.items():
        periods = [
            p
            for e in eds
            for h in (heading, *PREDECESSORS[heading])
            if (p := heading_period(e, h)) is not None
        ]
        own = [p for p in periods if p.heading == heading]
        if not own:
            continue
        start = min(p.start for p in periods)
        end = max(p.end for p in own)
        seen: dict[str, list[str]] = {}
        for e in eds:
            for line in footnoted_lines(e, heading):
                seen.setdefault(line, []).append(hts.normalize_edition(e))
        for line, where in sorted(seen.items()):
            rows.append(
                {
                    "hts10": line,
                    "heading": heading,
                    "note": note,
                    "start": start,
                    "end": end,
                    "first_edition": where[0],
                    "last_edition": where[-1],
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "hts10": pl.Utf8,
            "heading": pl.Utf8,
            "note": pl.Utf8,
            "start": pl.Date,
            "end": pl.Date,
            "first_edition": pl.Utf8,
            "last_edition": pl.Utf8,
        },
    )


def yaml_items(heading: str, editions: list[str] | None = None, per_line: int = 7) -> str:
    """The ``items:`` block of the library list for ``heading`` (dotted HTS10 codes, sorted)."""
    import polars as pl

    df = exclusion_membership(editions).filter(pl.col("heading") == heading)
    codes = [f'"{c[:4]}.{c[4:6]}.{c[6:8]}.{c[8:]}"' for c in df["hts10"].to_list()]
    chunks = [", ".join(codes[i : i + per_line]) for i in range(0, len(codes), per_line)]
    return "    items:\n      [" + ",\n       ".join(chunks) + "]\n"


if __name__ == "__main__":  # pragma: no cover - prints the library block
    import polars as pl

    m = exclusion_membership()
    for h in EXCLUSION_HEADINGS:
        sub = m.filter(pl.col("heading") == h)
        if sub.height:
            print(f"# {h}: {sub.height} lines, [{sub['start'][0]}, {sub['end'][0]})")
            print(yaml_items(h))
