"""HS codes against the HTS edition in force: which edition, which lines, the nearest lines.

An entry's code must be a line of the edition in force, or at least have its HTS8 there (the legal
rate sits on the 8-digit subheading; statistical suffixes change yearly). An 8-digit code stands for
its HTS10 lines. Shorter codes are refused with examples.
"""

from __future__ import annotations

import numpy as np

from tariffsim.core.dates import from_day_number
from tariffsim.core.errors import InputError
from tariffsim.core.hs import format_hs, normalize_hs
from tariffsim.schedule.rules import Edition, Rules, hs_int


class HsNotInEdition(InputError):
    """An HS10 code that the HTS edition in force does not list."""


def mfn_edition_on(rules: Rules, day: int) -> Edition | None:
    """The HTS edition of the MFN measure's value in force on ``day`` (None before the first)."""
    for m in rules.measures:
        if m.is_mfn:
            vi = m.value_index(day)
            edition = m.values[vi].edition if vi >= 0 else None
            if edition:
                return rules.editions[edition]
    return None


def nearest_codes(rules: Rules, hs: str, day: int, n: int = 5) -> list[str]:
    """Up to ``n`` HTS10 lines of the edition in force closest to ``hs`` (longest shared prefix
    first, then numerically nearest)."""
    ed = mfn_edition_on(rules, day)
    if ed is None or not len(ed.codes):
        return []
    key = (hs + "0" * 10)[:10]
    i = int(np.searchsorted(ed.codes, int(key)))
    lo, hi = max(0, i - n), min(len(ed.codes), i + n)
    cands = [f"{int(c):010d}" for c in ed.codes[lo:hi]]

    def common(c: str) -> int:
        k = 0
        while k < min(len(c), len(hs)) and c[k] == hs[k]:
            k += 1
        return k

    cands.sort(key=lambda c: (-common(c), abs(int(c) - int(key))))
    return cands[:n]


def statistical_lines(rules: Rules, hs: str, day: int) -> list[str]:
    """HS10 lines of the edition in force under an HS prefix (8-digit codes → their HS10 lines)."""
    ed = mfn_edition_on(rules, day)
    if ed is None:
        return []
    scale = 10 ** (10 - len(hs))
    lo = int(np.searchsorted(ed.codes, int(hs) * scale))
    hi = int(np.searchsorted(ed.codes, (int(hs) + 1) * scale))
    return [f"{int(x):010d}" for x in ed.codes[lo:hi]]


def fallback_level(ed: Edition, hs10: str) -> int:
    """How an edition rates ``hs10``: 0 its own line, 1 its HTS8, 2 its HS6 family, -1 unknown."""
    return int(ed.locate(np.array([hs_int(hs10)], dtype=np.int64))[1][0])


def hs_lines(
    rules: Rules, hs: str | int, day: int, *, allow_family: bool = False
) -> tuple[str, list[str]]:
    """(code, HTS10 lines rated for it) for a user's HS code on ``day``.

    A 10-digit code gives itself when the edition lists it or its HTS8 (or, with
    ``allow_family``, its HS6 family with one rate); an 8-digit code gives its HTS10 lines.
    Anything else is an :class:`~tariffsim.core.errors.InputError` with the nearest lines.
    """
    code = normalize_hs(hs)
    ed = mfn_edition_on(rules, day)
    if len(code) == 10:
        allowed = (1, 2) if allow_family else (1,)
        if ed is not None and ed.find(code) < 0 and fallback_level(ed, code) not in allowed:
            near = nearest_codes(rules, code, day)
            raise HsNotInEdition(
                f"hs: {format_hs(code)} is not an HTS10 line of edition {ed.name} "
                f"(in force on {from_day_number(day)})",
                hint=("nearest lines: " + ", ".join(format_hs(c) for c in near))
                if near
                else "check the code",
            )
        return code, [code]
    if len(code) == 8:
        lines = statistical_lines(rules, code, day) if ed is not None else []
        if not lines:
            near = nearest_codes(rules, code, day)
            raise InputError(
                f"hs: {format_hs(code)} has no HTS10 lines in edition {ed.name if ed else '?'}",
                hint=("nearest lines: " + ", ".join(format_hs(c) for c in near))
                if near
                else "give a 10-digit HTS code",
            )
        return code, lines
    lines = statistical_lines(rules, code, day)
    kind = {2: "chapter", 4: "heading", 6: "subheading"}.get(len(code), "code")
    raise InputError(
        f"hs: {format_hs(code)} is a {len(code)}-digit {kind}; rates are set per HTS8/HTS10 line",
        hint=("give an 8- or 10-digit code, e.g. " + ", ".join(format_hs(c) for c in lines[:4]))
        if lines
        else "give an 8- or 10-digit code",
    )
