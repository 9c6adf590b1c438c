"""HS chapters → HS sections.

The 21 sections of the Harmonized System and the chapters each holds, from the WCO Harmonized
Commodity Description and Coding System nomenclature, 2022 edition (Section and Chapter titles;
chapter 77 is reserved for future use). Chapters 98 and 99 are US national chapters (special
classification provisions; temporary modifications), grouped by the HTSUS as its Section XXII.
"""

from __future__ import annotations

import numpy as np

# (roman numeral, first chapter, last chapter, short title) — WCO HS 2022 nomenclature.
SECTIONS: tuple[tuple[str, int, int, str], ...] = (
    ("I", 1, 5, "Live animals; animal products"),
    ("II", 6, 14, "Vegetable products"),
    ("III", 15, 15, "Animal, vegetable or microbial fats and oils"),
    ("IV", 16, 24, "Prepared foodstuffs; beverages, spirits and vinegar; tobacco"),
    ("V", 25, 27, "Mineral products"),
    ("VI", 28, 38, "Products of the chemical or allied industries"),
    ("VII", 39, 40, "Plastics and rubber, and articles thereof"),
    ("VIII", 41, 43, "Raw hides and skins, leather, furskins and articles thereof"),
    ("IX", 44, 46, "Wood, cork, straw and plaiting materials, and articles thereof"),
    ("X", 47, 49, "Pulp of wood; paper and paperboard, and articles thereof"),
    ("XI", 50, 63, "Textiles and textile articles"),
    ("XII", 64, 67, "Footwear, headgear, umbrellas; prepared feathers; artificial flowers"),
    ("XIII", 68, 70, "Articles of stone, plaster, cement, asbestos, mica; ceramics; glass"),
    ("XIV", 71, 71, "Pearls, precious stones, precious metals, jewellery; coin"),
    ("XV", 72, 83, "Base metals and articles of base metal"),
    ("XVI", 84, 85, "Machinery and mechanical appliances; electrical equipment"),
    ("XVII", 86, 89, "Vehicles, aircraft, vessels and associated transport equipment"),
    ("XVIII", 90, 92, "Optical, measuring, medical instruments; clocks; musical instruments"),
    ("XIX", 93, 93, "Arms and ammunition; parts and accessories thereof"),
    ("XX", 94, 96, "Miscellaneous manufactured articles"),
    ("XXI", 97, 97, "Works of art, collectors' pieces and antiques"),
    ("XXII", 98, 99, "US special classification provisions; temporary modifications (HTSUS)"),
)

SECTION_TITLES: dict[str, str] = {s[0]: s[3] for s in SECTIONS}


def _chapter_table() -> np.ndarray:
    table = np.empty(100, dtype=object)
    table[:] = ""
    for roman, first, last, _title in SECTIONS:
        table[first : last + 1] = roman
    table[77] = "XV"  # reserved chapter within Section XV
    return table


_CHAPTER_TO_SECTION = _chapter_table()


def section_of_chapter(chapter: int) -> str:
    """The HS section (roman numeral) of a chapter number 1–99; '' for 0 or out of range."""
    if not 0 < chapter < 100:
        return ""
    return str(_CHAPTER_TO_SECTION[chapter])


def sections_of_chapters(chapters: np.ndarray) -> np.ndarray:
    """Vectorised :func:`section_of_chapter` over an integer array of chapters."""
    ch = np.asarray(chapters, dtype=np.int64)
    ok = (ch > 0) & (ch < 100)
    out = np.full(ch.shape, "", dtype=object)
    out[ok] = _CHAPTER_TO_SECTION[ch[ok]]
    return out
