"""HS search by words (``tariffsim search``, ``tariffsim.duties.search.search_hs``).

Expected codes come from the HTS itself: 8471.30.01.00 is "Portable automatic data processing
machines, weighing not more than 10 kg" (a laptop); heading 2204 is wine of fresh grapes and 0103
live swine; 8703 motor cars for the transport of persons and 4011 new pneumatic tires; 8541.43
photovoltaic cells assembled in modules or made up into panels. The rates are the law's:
a Japanese car 8703.23.01.90 pays 27.5% on 2025-04-05 and the EU's 15% all-in floor on 2025-09-20.
"""

from __future__ import annotations

import json

import pytest

from tariffsim.cli.main import main
from tariffsim.core.errors import InputError
from tariffsim.duties.search import SYNONYMS, search_hs


def codes(query: str, n: int = 10) -> list[str]:
    return [h.hs for h in search_hs(query, limit=n)]


def test_laptop_is_portable_adp_machine() -> None:
    assert codes("laptop")[0] == "8471300100"
    assert codes("laptops")[0] == "8471300100"
    assert codes("portable computers")[0] == "8471300100"


def test_words_not_substrings() -> None:
    hits = codes("wine", 50)
    assert hits[0].startswith("2204")
    assert not any(c.startswith("0103") for c in hits)  # live swine


def test_cars_before_tyres_and_everyday_words() -> None:
    assert all(c.startswith("8703") for c in codes("cars", 5))
    assert codes("solar panels")[0].startswith("854143")
    assert codes("semiconductors")[0][:4] in ("8541", "8542")
    assert codes("sneakers")[0][:6] in ("640411", "640219")
    assert codes("furniture")[0][:2] == "94"
    assert codes("footwear")[0][:2] == "64"


def test_code_prefix() -> None:
    hits = codes("8703.23.01", 50)
    assert hits and all(c.startswith("87032301") for c in hits)
    assert "8703230190" in hits


def test_rate_of_each_hit_matches_rate_command() -> None:
    (hit,) = search_hs("8703230190", origin="JPN", on="2025-04-05")
    assert hit.total_rate == pytest.approx(0.275)
    eu = search_hs("8703230190", origin="EU", on="2025-09-20")
    assert eu[0].total_rate == pytest.approx(0.15)
    # a bicycle entered without a USMCA claim pays the fentanyl duty of its origin: Canada 35%
    # (9903.01.10 as amended 1 Aug 2025), Mexico 25% (9903.01.01), so the group has no one rate
    with pytest.raises(InputError, match="members of USMCA pay different rates"):
        search_hs("8712004800", origin="USMCA", on="2025-09-20")
    with pytest.raises(InputError, match="give both an origin and a date"):
        search_hs("cars", origin="JPN")


@pytest.mark.parametrize(
    "query", ['"wine', "NEAR(a b)", "wine*", "a OR", "-x", "^wine", "{leaf}: x"]
)
def test_query_syntax_is_never_fts_syntax(query: str) -> None:
    search_hs(query)  # no sqlite error; words only


def test_bad_queries() -> None:
    with pytest.raises(InputError, match="empty search"):
        search_hs("   ")
    with pytest.raises(InputError, match="longer than 200 characters"):
        search_hs("x" * 5000)
    with pytest.raises(InputError, match="no words"):
        search_hs("!!!")


def test_every_synonym_points_at_real_headings() -> None:
    from tariffsim.duties.search import _index

    idx = _index()
    for word, (_, prefixes) in SYNONYMS.items():
        for p in prefixes:
            assert any(c.startswith(p) for c in idx.codes), (word, p)


def test_cli_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "laptop", "--json", "--limit", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [set(r) for r in rows] == [{"hs", "description", "score"}] * 3
    assert rows[0]["hs"] == "8471300100"
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]
    assert main(["search", "cars", "--origin", "JPN", "--on", "2025-09-20", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert set(rows[0]) == {"hs", "description", "score", "total_rate"}
    # EO 14345: Japan's 15% all-in floor on cars from 2025-09-16
    assert rows[0]["total_rate"] == pytest.approx(0.15)


def test_docs_table_is_the_code_table() -> None:
    """docs/search.md lists exactly SYNONYMS (word, rewrite, boosted headings)."""
    from pathlib import Path

    from tariffsim.core.hs import format_hs

    doc = (Path(__file__).resolve().parents[2] / "docs" / "search.md").read_text()
    rows = [ln for ln in doc.splitlines() if ln.startswith("| ") and not ln.startswith("| every")]
    want = [
        f"| {k} | {v[0]} | {', '.join(format_hs(p) for p in v[1])} |" for k, v in SYNONYMS.items()
    ]
    assert rows == want


def test_accented_words_stay_one_word() -> None:
    # HTS 0406.30.53.00 "Gruyere-process cheese": the index folds accents (SQLite unicode61), so the
    # query must too; "gruyère" split at the è found sugar ("gruy") and garments ("re") before.
    assert codes("gruyère", 3) == codes("Gruyere", 3)
    assert codes("gruyère")[0].startswith("0406")


def test_a_hit_is_rated_as_one_entry_without_claim() -> None:
    # A Japanese bicycle 8712.00.48 on 2025-04-05: MFN 11% (HTSUS column 1 general) + the 10%
    # reciprocal baseline (9903.01.25) = 21%, as `tariffsim rate` answers; not the trade data's
    # blend of preference claims.
    hit = next(
        h for h in search_hs("bicycle", origin="JPN", on="2025-04-05") if h.hs == "8712004800"
    )
    assert hit.total_rate == pytest.approx(0.21, abs=1e-12)
