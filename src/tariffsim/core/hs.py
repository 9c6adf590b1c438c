"""HS / HTS codes.

Codes are digit strings that keep their leading zeros: ``"8703230190"`` (HTS10), ``"87032301"``
(HTS8), ``"870323"`` (HS6), ``"87"`` (chapter). Users may write them with dots or spaces
(``"8703.23.01.90"``); :func:`normalize_hs` strips those.
"""

from __future__ import annotations

import re

from tariffsim.core.errors import InputError

_SEPARATORS = re.compile(r"[\s.\-_/]")


def normalize_hs(text: str | int, *, field: str = "hs") -> str:
    """Digits only: ``"8703.23.01.90"`` → ``"8703230190"``.

    Accepts 2, 4, 6, 8 or 10 digits (chapter, heading, subheading, HTS8, HTS10). Raises
    :class:`InputError` naming ``field`` with a hint otherwise. An ``int`` is accepted only if it
    has an even number of digits (leading zeros are lost in ints: pass strings for chapters 01–09).
    """
    raw = str(text)
    s = _SEPARATORS.sub("", raw.strip())
    if not s:
        raise InputError(
            f"{field}: empty HS code", hint="write an HS code such as 8703.23.01.90 or 870323"
        )
    if not s.isdigit():
        raise InputError(
            f"{field}: {raw!r} is not an HS code (only digits, dots and spaces allowed)",
            hint="write an HS code such as 8703.23.01.90 or 870323",
        )
    if len(s) < 2 or len(s) > 10 or len(s) % 2:
        raise InputError(
            f"{field}: {raw!r} has {len(s)} digits; HS codes have 2, 4, 6, 8 or 10",
            hint="keep leading zeros (0101.21.00.10, not 101.21.00.10)"
            if len(s) % 2
            else "write an HS code such as 8703.23.01.90 or 870323",
        )
    return s


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
