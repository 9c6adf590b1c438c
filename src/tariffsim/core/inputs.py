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
to a whole column of a user table at once (vectorised with polars; only the values that fail the fast
ASCII path are read one by one, once per distinct value), returning the values and the problems by
row index.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.core.errors import InputError, show

if TYPE_CHECKING:  # numpy is imported by the column functions only (the CLI starts without it)
    import numpy as np

HS_HINT = "write an HS code such as 8703.23.01.90 or 870323"
DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2025-04-05"


# --- files -----------------------------------------------------------------------------------------


def read_capped(
    path: str | Path, *, name: str, max_bytes: int, kind: str, large_hint: str
) -> bytes:
    """The bytes of a user's file, at most ``max_bytes`` of them read (an endless file such as
    ``/dev/zero`` is refused after that many bytes, not read into memory). Missing files, folders,
    unreadable and larger files are an :class:`InputError` naming ``name``; ``kind`` names what the
    file should be (``"CSV"``, ``"YAML"``) and ``large_hint`` what to do with a larger one."""
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: file not found", hint="check the path") from None
    except IsADirectoryError:
        raise InputError(
            f"{name}: is a folder, not a file", hint=f"give the path of a {kind} file"
        ) from None
    except PermissionError:
        raise InputError(
            f"{name}: permission denied", hint="check the file's permissions"
        ) from None
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than {max_bytes:,} bytes", hint=large_hint)
    return data


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


def _text_series(values: Sequence[Any]) -> Any:
    """A polars text Series of a column's cells (``None`` stays null; other objects as text)."""
    import polars as pl

    if isinstance(values, pl.Series):
        return values.cast(pl.Utf8)
    try:
        return pl.Series(values, dtype=pl.Utf8)
    except (TypeError, pl.exceptions.PolarsError):
        return pl.Series([None if v is None else str(v) for v in values], dtype=pl.Utf8)


def hs_column(
    values: Sequence[Any], *, length: int = 10, field: str = "hs"
) -> tuple[np.ndarray, dict[int, str]]:
    """A column of HS codes → (codes as ``<U{length}`` strings, "" where bad; problems by row).

    Vectorised fast path for ASCII digits with dots, spaces or dashes (``[0-9]``, never the Unicode
    ``\\d``, which would let full-width digits through unread); every other distinct value goes
    through :func:`hs_problem` once.
    """
    import numpy as np

    s = _text_series(values)
    clean = s.str.replace_all(r"[ .\-]", "")
    fast = clean.str.contains(f"^[0-9]{{{length}}}$").fill_null(False).to_numpy()
    out = np.where(fast, clean.fill_null("").to_numpy().astype(f"<U{length}"), "")
    problems: dict[int, str] = {}
    cache: dict[Any, tuple[str, str | None]] = {}
    for i in np.flatnonzero(~fast).tolist():
        v = values[i]
        key = v if v is None or isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = hs_problem(v, length=length, field=field)
        out[i] = hit[0]
        if hit[1] is not None:
            problems[i] = hit[1]
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
) -> tuple[np.ndarray, dict[int, str]]:
    """A column of numbers → (floats, NaN where bad or blank; problems by row).

    With ``blank_ok`` a blank cell is NaN without a problem (the caller fills its default).
    Vectorised fast path for plain ASCII decimals that are finite and in bounds; every other
    distinct value goes through :func:`number_problem` once.
    """
    import numpy as np
    import polars as pl

    st = _text_series(values).str.strip_chars()
    blank = (st.is_null() | (st == "")).to_numpy()
    plain = st.str.contains(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$").fill_null(False)
    vals = st.cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy().copy()
    with np.errstate(invalid="ignore"):
        fast = plain.to_numpy() & np.isfinite(vals)
        if minimum is not None:
            fast &= vals >= minimum
        if maximum is not None:
            fast &= vals <= maximum
    out = np.where(fast, vals, np.nan)
    problems: dict[int, str] = {}
    if not blank_ok:
        for i in np.flatnonzero(blank).tolist():
            problems[i] = f"{field}: blank"
    cache: dict[Any, tuple[float, str | None]] = {}
    for i in np.flatnonzero(~fast & ~blank).tolist():
        v = values[i]
        key = v if isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = number_problem(v, field=field, minimum=minimum, maximum=maximum)
        out[i] = hit[0]
        if hit[1] is not None:
            problems[i] = hit[1]
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


def date_column(values: Sequence[Any], *, field: str = "date") -> tuple[np.ndarray, dict[int, str]]:
    """A column of dates → (``datetime64[D]``, NaT where bad; problems by row).

    Vectorised fast path for ASCII ``YYYY-MM-DD`` and ``YYYYMMDD`` days of the calendar; every other
    distinct value goes through :func:`date_problem` once (same rules as :func:`parse_date`).
    """
    import numpy as np
    import polars as pl

    st = _text_series(values).str.strip_chars()
    ext = st.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").fill_null(False)
    bas = st.str.contains(r"^[0-9]{8}$").fill_null(False)
    days = (
        pl.select(
            pl.when(ext)
            .then(st.str.to_date("%Y-%m-%d", strict=False))
            .when(bas)
            .then(st.str.to_date("%Y%m%d", strict=False))
            .otherwise(None)
        )
        .to_series()
        .cast(pl.Int64)
    )
    fast = days.is_not_null().to_numpy()
    out = np.full(len(st), np.datetime64("NaT"), dtype="datetime64[D]")
    out[fast] = days.filter(days.is_not_null()).to_numpy().astype("datetime64[D]")
    problems: dict[int, str] = {}
    cache: dict[Any, tuple[Any, str | None]] = {}
    for i in np.flatnonzero(~fast).tolist():
        v = values[i]
        key = v if v is None or isinstance(v, str) else str(v)
        hit = cache.get(key)
        if hit is None:
            d, p = date_problem(v, field=field)
            hit = cache[key] = (np.datetime64(d, "D") if d is not None else np.datetime64("NaT"), p)
        out[i] = hit[0]
        if hit[1] is not None:
            problems[i] = hit[1]
    return out, problems
