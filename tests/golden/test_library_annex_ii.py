"""Annex II of EO 14257 in the library: the law's provisions, each amendment from its own date.

Expected values: EO 14346 of 5 Sep 2025 (updated Annex II, entries from 8 Sep 2025; the 39 additions and
8 removals reproduced by CBP CSMS 66151866 and by trade counsel), the memorandum of 11 Apr 2025 (CSMS
64724565: 20 provisions), the Annex of Proclamation 10976 (chapter-44 provisions out from 14 Oct 2025),
and the Yale Budget Lab table ``product_lists/ieepa_exempt_products.csv`` (no dates) as the cross-check.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import yaml

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "jurisdictions" / "us"


def annex_items() -> list[dict]:
    lists = yaml.safe_load((LIBRARY / "lists_ieepa.yaml").read_text())["lists"]
    out = []
    for it in lists["ieepa_annex_ii"]["items"]:
        out.append(it if isinstance(it, dict) else {"prefix": it})
    return out


def test_amendments_carry_their_dates() -> None:
    items = {str(i["prefix"]): i for i in annex_items()}
    added = [p for p, i in items.items() if i.get("start") == dt.date(2025, 9, 8)]
    removed = [p for p, i in items.items() if i.get("end") == dt.date(2025, 9, 8)]
    oct14 = [p for p, i in items.items() if i.get("end") == dt.date(2025, 10, 14)]
    assert len(added) == 39 and len(removed) == 8 and len(oct14) == 120
    # CSMS 66151866: gold of 7108/7115, nickel of 7502, one statistical line of magnets added;
    # aluminum hydroxide 2818.30, PET 3907.61, silicones 3910 removed
    assert {"71081370", "71159005", "75021000", "8505110070", "85414100"} <= set(added)
    assert {"28183000", "39076100", "39100000"} <= set(removed)
    assert all(p.startswith("44") for p in oct14)
    # the memorandum's headings, from 5 Apr 2025
    assert {"8471", "847330", "8486", "8542", "8524"} <= {
        p for p, i in items.items() if len(i) == 1
    }


def test_every_provision_names_hts_lines(shared_data: Path) -> None:
    from tariffsim.data.hts import mfn_table

    codes = set(mfn_table("2025_basic")["hts10"]) | set(mfn_table("2026_basic")["hts10"])
    dead = [
        i["prefix"] for i in annex_items() if not any(c.startswith(str(i["prefix"])) for c in codes)
    ]
    assert not dead


def test_tracker_table_against_the_law(shared_data: Path) -> None:
    """Every line of the tracker table is in Annex II, the 13 Nov 2025 agricultural list, a partner-only
    list, or (84 lines, counted at the audit of December 2026; 75 of them in the 2024 trade) in no list of the
    period; chapter 98 is listed whole less four 9802 provisions; and the tracker
    table lacks exactly the 120 chapter-44 provisions that Proclamation 10976 removed."""
    from tariffsim.data.lists import product_list

    law = [str(i["prefix"]) for i in annex_items()]
    table = set(product_list("ieepa_exempt_products")["prefix"])
    ag = set(
        product_list("country_eo_exempt_products").filter(
            pl.col("source") == "EO modifying scope (Nov 20 2025) Annex II"
        )["prefix"]
    )
    partner = set(product_list("floor_exempt_products")["prefix"])

    def under(code: str, prefixes: set[str] | list[str]) -> bool:
        return any(code.startswith(p) for p in prefixes)

    rest = [c for c in table if not under(c, law)]
    no_list = [c for c in rest if not under(c, ag) and not under(c, partner)]
    assert len(no_list) == 84
    assert {"1511900000", "8806220000"} <= set(no_list)  # palm oil, unmanned aircraft
    missing = [p for p in law if not any(t.startswith(p) or p.startswith(t) for t in table)]
    ends = {str(i["prefix"]): i.get("end") for i in annex_items()}
    assert len(missing) == 120 and all(ends[p] == dt.date(2025, 10, 14) for p in missing)
