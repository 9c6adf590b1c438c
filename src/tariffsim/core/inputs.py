"""What a user types, read one way everywhere: text, HS codes, numbers, shares and dates.

The CLI, the web API and the Python API all read user values through these functions, so a value is
accepted or refused the same way wherever it is typed, and never misread:

- **Text** is NFKC-normalised (Unicode compatibility form): full-width letters and digits
  (``８７０３``, ``ＪＰＮ``) and other compatibility characters become their ASCII forms, and the
  decimal digits of every script (Arabic-Indic ``٨٧٠٣``, Devanagari …) become ASCII digits;
  surrounding white space is dropped. A value that is still not what the field
  allows after that is refused (:class:`~tariffsim.core.errors.InputError`, CLI exit 2, web 422).
- **HS codes** (:func:`normalize_hs`): digits with optional separators (dots, spaces, dashes) →
  2, 4, 6, 8 or 10 ASCII digits.
- **Numbers** (:func:`parse_number`): a plain decimal (``12500``, ``1.5e3``) or one with thousands
  separators in groups of three (``12,500.75``). NaN, infinities and overflowing values such as
  ``1e309`` are refused, as are decimal commas (``12,5``: ambiguous).
- **Dates** (:func:`parse_date`): ISO 8601 calendar dates, extended ``2025-04-05`` or basic
  ``20250405`` (both unambiguous). Anything else is refused with a hint (``4/5/2025`` is ambiguous
  between April 5 and May 4).
- **Shown values** (:func:`~tariffsim.core.errors.show`, beside the errors that use it): messages
  quote what the user wrote, cut to a few dozen characters, so a 1 MB field never becomes a 1 MB
  error.

The column forms (:func:`hs_column`, :func:`number_column`, :func:`date_column`) apply the same rules
to a whole column of a user table at once (vectorised with numpy; only the values that fail the fast
ASCII path are normalised one by one), returning values and per-row problems.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffsim.core.errors import InputError, show

if TYPE_CHECKING:  # numpy is imported by the column functions only (the CLI starts without it)
    import numpy as np

HS_HINT = "write an HS code such as 8703.23.01.90 or 870323"
DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2025-04-05"


# --- text ------------------------------------------------------------------------------------------


def normalize_text(value: Any) -> str:
    """NFKC-normalised text without surrounding white space (``None`` → ``""``); decimal digits
    of every script (Arabic-Indic ``٨``, Devanagari ``८`` …, which NFKC keeps) become ASCII digits."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii():
        return text.strip()
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(
            str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text
        )
    return text.strip()


# --- HS codes --------------------------------------------------------------------------------------

_HS_SEPARATORS = re.compile(r"[\s.\-_/]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalize_hs(text: str | int, *, field: str = "hs") -> str:
    """An HS code as ASCII digits: ``"8703.23.01.90"`` (or ``"８７０３．２３．０１．９０"``) → ``"8703230190"``.

    Accepts 2, 4, 6, 8 or 10 digits (chapter, heading, subheading, HTS8, HTS10) in any Unicode digit
    form NFKC maps to ASCII, separated by dots, spaces, dashes, underscores or slashes. Raises
    :class:`InputError` naming ``field``, with a hint, otherwise (with the fix when a spreadsheet
    damaged the code: a dropped leading zero, a trailing ``.0``, scientific notation). An ``int`` is
    accepted only with an even number of digits (an int loses leading zeros: pass strings for
    chapters 01–09).
    """
    raw = str(text)
    plain = normalize_text(raw)
    s = _HS_SEPARATORS.sub("", plain)
    if not s:
        raise InputError(f"{field}: empty HS code", hint=HS_HINT)
    damage = _spreadsheet_damage(plain, s)
    if damage is not None:
        raise InputError(f"{field}: {show(raw)} is not an HS code: {damage}", hint=SPREADSHEET_HINT)
    if not _ASCII_DIGITS.fullmatch(s):
        raise InputError(
            f"{field}: {show(raw)} is not an HS code (only digits, dots and spaces allowed)",
            hint=HS_HINT,
        )
    if len(s) < 2 or len(s) > 10 or len(s) % 2:
        raise InputError(
            f"{field}: {show(raw)} has {len(s)} digits; HS codes have 2, 4, 6, 8 or 10"
            + (f" (a leading zero dropped? 0{s})" if len(s) % 2 and len(s) < 10 else ""),
            hint="keep leading zeros (0101.21.00.10, not 101.21.00.10)" if len(s) % 2 else HS_HINT,
        )
    return s


SPREADSHEET_HINT = (
    "format the code column as Text in the spreadsheet, then type or paste the codes again"
)


def _spreadsheet_damage(plain: str, digits: str) -> str | None:
    """What a spreadsheet did to a code it stored as a number, if that is what ``plain`` shows."""
    if re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", plain):
        return "it is in scientific notation (8.70323E+09), which loses digits"
    if re.fullmatch(r"\d{5,10}[.,]0+", plain):
        return f"it has a decimal part; write {plain.split('.')[0].split(',')[0]} (no '.0')"
    return None


def hs_problem(raw: Any, *, length: int | None = 10, field: str = "hs") -> tuple[str, str | None]:
    """``(code, None)`` or ``("", problem)`` for one cell of an HS column; ``length`` digits wanted.

    The problem is a message for a user table (``hs: '302130013' has 9 digits …``), with the fix when
    the cause is clear (see :func:`normalize_hs`).
    """
    if raw is None or not str(raw).strip():
        return "", f"{field}: blank"
    try:
        code = normalize_hs(raw, field=field)
    except InputError as exc:
        return "", exc.message + (f" ({exc.hint})" if exc.hint == SPREADSHEET_HINT else "")
    if length is not None and len(code) != length:
        extra = " (8 digits: give the statistical line)" if len(code) == 8 and length == 10 else ""
        return "", f"{field}: {show(raw)} is not a {length}-digit HTS code{extra}"
    return code, None


def hs_column(
    values: Sequence[Any], *, length: int = 10, field: str = "hs"
) -> tuple[np.ndarray, list[str | None]]:
    """A column of HS codes → (codes as ``<U{length}`` strings, "" where bad; problem per row or None).

    Fast path: ASCII digits with dots, spaces or dashes; every other distinct value goes through
    :func:`hs_problem` once.
    """
    import numpy as np

    n = len(values)
    out = np.full(n, "", dtype=f"<U{length}")
    problems: list[str | None] = [None] * n
    cache: dict[Any, tuple[str, str | None]] = {}
    sep = re.compile(r"[ .\-]")
    for i, v in enumerate(values):
        if isinstance(v, str) and v.isascii():
            s = sep.sub("", v)
            if len(s) == length and s.isdigit():
                out[i] = s
                continue
        key = v if v is None or isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = hs_problem(v, length=length, field=field)
        out[i], problems[i] = hit
    return out, problems


# --- numbers ---------------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def number_problem(
    raw: Any, *, field: str, minimum: float | None = None, maximum: float | None = None
) -> tuple[float, str | None]:
    """``(value, None)`` or ``(nan, problem)`` for one number typed by a user (see the module doc)."""
    if raw is None:
        return math.nan, f"{field}: blank"
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        x = float(raw)
        text = str(raw)
    else:
        text = str(raw)
        s = normalize_text(text).replace("\u2212", "-")  # the minus sign
        if not s:
            return math.nan, f"{field}: blank"
        if _GROUPED_NUMBER.fullmatch(s):
            s = s.replace(",", "")
        elif not _PLAIN_NUMBER.fullmatch(s):
            if re.fullmatch(r"[+-]?\d+,\d{1,2}|[+-]?\d{1,3}(\.\d{3})+,\d+", s):
                hint = "a decimal comma: write the decimal part after a point (12.5)"
            elif re.fullmatch(r"(?i)[+-]?(nan|inf|infinity)", s):
                hint = "a finite number is needed"
            else:
                hint = "write a plain number such as 12500 or 12,500.50"
            return math.nan, f"{field}: {show(text)} is not a number ({hint})"
        x = float(s)
    if not math.isfinite(x):
        return math.nan, f"{field}: {show(text)} is not a finite number"
    if (minimum is not None and x < minimum) or (maximum is not None and x > maximum):
        if minimum is not None and maximum is not None:
            rng = f"between {minimum:g} and {maximum:g}"
        elif minimum is not None:
            rng = "non-negative" if minimum == 0 else f"at least {minimum:g}"
        else:
            rng = f"at most {maximum:g}"
        return math.nan, f"{field}: {show(text)} is not {rng}"
    return x, None


def parse_number(
    raw: Any, *, field: str, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A finite number from a user (``12500``, ``12,500.50``, ``1.5e3``), else :class:`InputError`.

    NaN, ``inf`` and overflowing values (``1e309``) are refused, as are values outside
    ``[minimum, maximum]`` when given.
    """
    x, problem = number_problem(raw, field=field, minimum=minimum, maximum=maximum)
    if problem is not None:
        raise InputError(problem, hint="write a finite number such as 12500 or 0.25")
    return x


def parse_share(raw: Any, *, field: str) -> float:
    """A share (fraction of value) between 0 and 1, else :class:`InputError`."""
    return parse_number(raw, field=field, minimum=0.0, maximum=1.0)


def number_column(
    values: Sequence[Any],
    *,
    field: str,
    minimum: float | None = None,
    maximum: float | None = None,
    blank_ok: bool = False,
) -> tuple[np.ndarray, list[str | None]]:
    """A column of numbers → (floats, NaN where bad or blank; problem per row or None).

    With ``blank_ok`` a blank cell is NaN without a problem (the caller fills its default).
    """
    import numpy as np

    n = len(values)
    out = np.full(n, np.nan)
    problems: list[str | None] = [None] * n
    cache: dict[Any, tuple[float, str | None]] = {}
    for i, v in enumerate(values):
        if v is None or (isinstance(v, str) and not v.strip()):
            if not blank_ok:
                problems[i] = f"{field}: blank"
            continue
        key = v if isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = number_problem(v, field=field, minimum=minimum, maximum=maximum)
        out[i], problems[i] = hit
    return out, problems


# --- dates -----------------------------------------------------------------------------------------

_ISO_EXTENDED = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})")


def date_problem(raw: Any, *, field: str = "date") -> tuple[dt.date | None, str | None]:
    """``(date, None)`` or ``(None, problem)`` for one date typed by a user (see :func:`parse_date`)."""
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if raw is None:
        return None, f"{field}: blank"
    text = str(raw)
    s = normalize_text(text)
    if not s:
        return None, f"{field}: blank"
    m = _ISO_EXTENDED.fullmatch(s) or _ISO_BASIC.fullmatch(s)
    if m is not None:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            return None, f"{field}: {show(text)} is not a date (no such day in the calendar)"
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", s):
        why = "the order of day and month is ambiguous"
    elif re.fullmatch(r"\d{5}(\.0+)?", s):
        why = "a spreadsheet serial number; format the column as a date YYYY-MM-DD"
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", s):
        why = "give the day only, without a time"
    else:
        why = "expected YYYY-MM-DD"
    return None, f"{field}: {show(text)} is not a date ({why})"


def parse_date(value: Any, *, field: str = "date") -> dt.date:
    """A date from a user: ``2025-04-05`` or ``20250405`` (ISO 8601), a ``date`` or a ``datetime``.

    Full-width and other NFKC-compatible digits are read as ASCII digits. Anything else — week
    dates, ordinal dates, times, ``4/5/2025`` — is refused with :class:`InputError` naming ``field``.
    """
    d, problem = date_problem(value, field=field)
    if problem is not None or d is None:
        raise InputError(problem or f"{field}: not a date", hint=DATE_HINT)
    return d


def date_column(
    values: Sequence[Any], *, field: str = "date"
) -> tuple[np.ndarray, list[str | None]]:
    """A column of dates → (``datetime64[D]``, NaT where bad; problem per row or None)."""
    import numpy as np

    n = len(values)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    problems: list[str | None] = [None] * n
    cache: dict[Any, tuple[Any, str | None]] = {}
    for i, v in enumerate(values):
        key = v if v is None or isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            d, p = date_problem(v, field=field)
            hit = cache[key] = (np.datetime64(d, "D") if d is not None else np.datetime64("NaT"), p)
        out[i], problems[i] = hit
    return out, problems
