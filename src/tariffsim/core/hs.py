"""HS / HTS codes.

Codes are digit strings that keep their leading zeros: ``"8703230190"`` (HTS10), ``"87032301"``
(HTS8), ``"870323"`` (HS6), ``"87"`` (chapter). Users may write them with dots or spaces
(``"8703.23.01.90"``, or in full-width digits); :func:`normalize_hs` (from
:mod:`tariffsim.core.inputs`, where every user value is read) strips those.
"""

from __future__ import annotations

from tariffsim.core.inputs import normalize_hs

__all__ = ["chapter", "format_hs", "is_valid_hs10", "normalize_hs"]


def is_valid_hs10(text: str) -> bool:
    """True for exactly ten digits (no separators)."""
    return isinstance(text, str) and len(text) == 10 and text.isdigit()


def chapter(code: str) -> str:
    """The two-digit chapter of a normalised code."""
    return code[:2]


def format_hs(code: str) -> str:
    """Dotted HTS style: ``"8703230190"`` → ``"8703.23.01.90"``; ``"870323"`` → ``"8703.23"``."""
    parts = [code[:4]] + [code[i : i + 2] for i in range(4, len(code), 2)]
    return ".".join(p for p in parts if p)
