"""The HTSUS chapter titles (``tariffsim.data.hts_chapters``) used to label chapters in tables and
charts. Expected titles are those printed at the head of the chapters of the HTSUS 2025 Basic
Edition (USITC)."""

from __future__ import annotations

from tariffsim.data.hts_chapters import CHAPTERS, chapter_label, chapter_title


def test_every_chapter_once_with_a_short_label():
    assert [c for c, _, _ in CHAPTERS] == list(range(1, 100))
    assert all(0 < len(s) <= 40 and t for _, s, t in CHAPTERS)


def test_known_titles_and_labels():
    assert chapter_title(87) == (
        "Vehicles other than railway or tramway rolling stock, and parts and accessories thereof"
    )
    assert chapter_title("84").startswith("Nuclear reactors, boilers, machinery")
    assert chapter_title("77") == "(Reserved for possible future use)"
    assert chapter_label("08") == "08 Fruit and nuts"
    assert chapter_label(84) == "84 Machinery, boilers, reactors"
    # not a chapter: shown as given, never an error
    assert chapter_label("EU") == "EU" and chapter_title("0") == ""
