"""Print the Section 232 steel/aluminum product lists read from the official HTS footnotes.

Provenance of the inline lists ``s232_steel_*`` and ``s232_aluminum_*`` of
``src/tariffsim/jurisdictions/us/lists.yaml``. An HTS line whose footnote says "See U.S. note 16 to
subchapter III, chapter 99" is a steel article or derivative (note 16), "note 19" an aluminum one.
The 2025 basic edition gives the scope in force in 2024 (Proclamations 9705/9704 and the 2020
derivatives of Proclamations 9980); revision 5 (in force 12 March 2025, Proclamations 10895/10896)
adds the derivatives of that date. Within the additions, articles of chapter 73 (steel) and 76
(aluminum) pay on their full value (notes 16(m), 19(j)); the others on the metal content (16(n),
19(k); headings 9903.81.91 and 9903.85.08).

Usage: ``python scripts/us_232_footnote_lists.py [DATA_DIR]`` (default: ../shared/data).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

_NOTE = re.compile(r"note (\d+) to subchapter III", re.IGNORECASE)


def note_lines(path: Path, note: str) -> list[str]:
    """HTS lines (digits only, chapters 1-97) whose footnotes cite U.S. note ``note`` of subchapter III."""
    out = []
    with gzip.open(path) as fh:
        entries = json.load(fh)
    for e in entries:
        h = e["htsno"].replace(".", "")
        if not h or h.startswith("99"):
            continue
        for f in e.get("footnotes") or []:
            if note in _NOTE.findall(f.get("value", "")):
                out.append(h)
                break
    return sorted(set(out))


def main() -> None:
    data = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
    hts = data / "usitc_hts"
    b16, r16 = (
        note_lines(hts / "hts_2025_basic.json.gz", "16"),
        note_lines(hts / "hts_2025_rev_5.json.gz", "16"),
    )
    b19, r19 = (
        note_lines(hts / "hts_2025_basic.json.gz", "19"),
        note_lines(hts / "hts_2025_rev_5.json.gz", "19"),
    )
    steel_base = [
        x for x in b16 if x[:2] == "72" or x[:4] in ("7301", "7302", "7304", "7305", "7306")
    ]
    sets = {
        "steel_articles": steel_base,
        "steel_derivatives_2020": [x for x in b16 if x not in steel_base],
        "steel_ch73_2025": [x for x in r16 if x not in b16 and x[:2] in ("72", "73")],
        "steel_content_2025": [x for x in r16 if x not in b16 and x[:2] not in ("72", "73")],
        "aluminum_articles": b19,
        "aluminum_ch76_2025": [x for x in r19 if x not in b19 and x[:2] == "76"],
        "aluminum_content_2025": [x for x in r19 if x not in b19 and x[:2] != "76"],
    }
    for name, items in sets.items():
        print(f"# {name}: {len(items)} lines")
        print("[" + ", ".join(f'"{x}"' for x in items) + "]")


if __name__ == "__main__":
    main()
