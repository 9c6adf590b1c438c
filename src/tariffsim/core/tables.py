"""Reading a user's table (CSV): one reader for ``rate --input``, ``duties`` and the web upload.

A table is a CSV file — comma-separated, UTF-8 with or without a byte-order mark, or UTF-16 with
one — whose first non-blank line is a header. Header names are matched case-, space- and
width-insensitively, with aliases (:data:`ALIASES`: ``country`` → ``origin``, ``hts10`` → ``hs``,
``value`` → ``value_usd`` …); other columns are kept and passed through. Rows that are entirely
blank (an empty line, an Excel ``,,,`` row) are skipped and counted
(:meth:`UserTable.blank_note`). Every message names the file and the line a user counts in an
editor (line 1 is usually the header; a quoted field spanning lines counts its first line).

Refused as a whole, each with a fix-it hint: a missing, empty, binary, compressed or Excel
(``.xlsx``) file; one that is not UTF-8 or UTF-16 (a legacy encoding such as Windows-1252);
semicolon- or tab-separated files (their numbers use decimal commas, which would be misread); two
columns meaning the same thing; a field over 131,072 characters; a file over
:data:`MAX_TABLE_BYTES`. What the values must be is checked by the consumer
(:func:`tariffsim.schedule.batch.check_entries`), through :mod:`tariffsim.core.inputs`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError, show
from tariffsim.core.inputs import normalize_text, read_capped

MAX_TABLE_BYTES = 256 << 20
"""Largest table read (256 MiB ≈ 5 million entries); a longer one (or ``/dev/zero``) is refused."""

CSV_HINT = "save the table as 'CSV UTF-8 (comma delimited)' with a header line origin,hs,…"
ENTRY_HINT = "a header line origin,hs,date[,value_usd] then one entry per line"

ALIASES: dict[str, str] = {
    "country": "origin",
    "country_of_origin": "origin",
    "origin_country": "origin",
    "partner": "origin",
    "hs10": "hs",
    "hts": "hs",
    "hts10": "hs",
    "hs_code": "hs",
    "hts_code": "hs",
    "htsus": "hs",
    "value": "value_usd",
    "customs_value": "value_usd",
    "entered_value": "value_usd",
    "date_of_entry": "date",
    "entry_date": "date",
    "spi": "claim",
    "program": "claim",
    "special_program_indicator": "claim",
}
"""Header names (normalised: lower case, ``_`` for spaces) read as the standard columns."""


MAX_LISTED = 50
"""Bad rows listed in a :class:`TableError`'s message (all are kept in ``.problems``)."""


class TableError(InputError):
    """Bad rows in a user's table: ``.problems`` holds every ``file:line: column: problem``."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        k = len(problems)
        shown = problems[:MAX_LISTED]
        more = f"\n  … and {k - MAX_LISTED} more" if k > MAX_LISTED else ""
        super().__init__(
            f"{k} bad row{'s' if k > 1 else ''}; nothing computed:\n  " + "\n  ".join(shown) + more,
            where=name,
            hint="fix the rows listed (origin: ISO3 code or country name; hs: 10-digit HTS code; "
            "value_usd: a number; shares: 0 to 1; date: YYYY-MM-DD)",
        )


def column_key(header: str) -> str:
    """The standard name of a header: NFKC, lower case, spaces and dashes as ``_``, aliases."""
    k = re.sub(r"[\s\-]+", "_", normalize_text(header).lower()).strip("_")
    return ALIASES.get(k, k)


@dataclass(frozen=True, eq=False)
class UserTable:
    """A user's table as read: text cells by column (polars ``Utf8`` Series, stripped, blank =
    null), with the file line of each row.

    ``header``: the file's own column names; ``columns``: standard name → index into ``header``
    (:func:`column_key`); ``cells[j]``: the cells of column ``j``; ``lines``: the file line of each
    row; ``blank_lines``: lines of the fully blank rows skipped; ``row_problems``: structural
    problems of a row (more fields than the header), by row index.
    """

    name: str
    header: tuple[str, ...]
    columns: dict[str, int]
    cells: list[Any]
    lines: np.ndarray
    blank_lines: tuple[int, ...] = ()
    row_problems: dict[int, list[str]] = field(default_factory=dict)
    header_line: int = 1

    @property
    def height(self) -> int:
        return len(self.lines)

    def has(self, key: str) -> bool:
        return key in self.columns

    def column(self, key: str) -> Any:
        """The cells of the standard column ``key`` (a polars ``Utf8`` Series)."""
        return self.cells[self.columns[key]]

    def header_of(self, key: str) -> str:
        return self.header[self.columns[key]]

    def blank_note(self) -> str | None:
        """``"t.csv: skipped 2 empty rows (lines 5, 9)"``, or ``None`` when there were none."""
        n = len(self.blank_lines)
        if not n:
            return None
        shown = ", ".join(str(x) for x in self.blank_lines[:10]) + (", …" if n > 10 else "")
        s = "s" if n > 1 else ""
        return f"{self.name}: skipped {n} empty row{s} (line{s} {shown})"

    def frame(self, rows: np.ndarray | None = None) -> Any:
        """The table as a polars frame of strings (the file's header names; blank = null)."""
        import polars as pl

        cols = [c.alias(h) for c, h in zip(self.cells, self.header, strict=True)]
        if rows is not None:
            idx = pl.Series(np.asarray(rows), dtype=pl.Int64)
            cols = [c.gather(idx) for c in cols]
        return pl.DataFrame(cols)


# --- reading ---------------------------------------------------------------------------------------


def _read_bytes(source: bytes | bytearray | str | Path, name: str, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        if len(source) > max_bytes:
            raise InputError(
                f"{name}: larger than {max_bytes:,} bytes",
                hint="split the table into smaller files",
            )
        return bytes(source)
    return read_capped(
        source,
        name=name,
        max_bytes=max_bytes,
        kind="CSV",
        large_hint="split the table into smaller files",
    )


def _decode(data: bytes, name: str) -> str:
    """The text of a table, or an InputError saying what the file is and how to save it as CSV."""
    if not data.strip():
        raise InputError(f"{name}: empty file", hint=ENTRY_HINT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: broken UTF-16 text", hint=CSV_HINT) from None
    if data.startswith(b"\x1f\x8b"):
        raise InputError(f"{name}: a gzip-compressed file", hint="decompress it first (gunzip)")
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{name}: a ZIP archive or an Excel workbook (.xlsx), not CSV text",
            hint="in Excel: File › Save As › 'CSV UTF-8 (comma delimited)'",
        )
    head = data[:4096]
    if b"\x00" in head:
        odd = head[1::2]
        if len(odd) > 8 and odd.count(0) > 0.8 * len(odd):
            raise InputError(f"{name}: UTF-16 text without a byte-order mark", hint=CSV_HINT)
        raise InputError(f"{name}: a binary file, not CSV text", hint=CSV_HINT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
            "the file is probably in a legacy encoding such as Windows-1252",
            hint="in Excel: File › Save As › 'CSV UTF-8 (comma delimited)'",
        ) from None


def read_table(
    source: bytes | bytearray | str | Path, *, name: str, max_bytes: int = MAX_TABLE_BYTES
) -> UserTable:
    """Read a user's CSV table (a path, or the bytes of an upload); see the module doc.

    Files without quotes are parsed by polars (vectorised; one record per physical line, so line
    numbers follow); any other file, or one polars cannot parse, by Python's ``csv`` module, which
    tracks quoted fields across lines and names the line of a malformed record.
    """
    text = _decode(_read_bytes(source, name, max_bytes), name)
    fast = _read_fast(text, name)
    if fast is not None:
        return fast
    header, header_line, rows, lines, blank = _records(text, name)
    width = len(header)
    problems: dict[int, list[str]] = {}
    for i, r in enumerate(rows):
        if len(r) != width:
            if len(r) > width and "".join(r[width:]).strip():
                problems[i] = [
                    f"{len(r)} fields but the header has {width} "
                    "(an unquoted comma inside a value? quote the value)"
                ]
            rows[i] = (r + [""] * width)[:width]
    by_col = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    import polars as pl

    series = [pl.Series(None, list(c), dtype=pl.Utf8) for c in by_col]
    return _assemble(name, header, header_line, series, lines, blank, problems)


def _records(text: str, name: str) -> tuple[list[str], int, list[list[str]], list[int], list[int]]:
    """(header, its line, records, first line of each, lines of blank records) via ``csv``."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    blank: list[int] = []
    prev = 0
    try:
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            if not "".join(rec).strip():
                if header is not None:
                    blank.append(start)
                continue
            if header is None:
                header, header_line = rec, start
                continue
            rows.append(rec)
            lines.append(start)
    except csv.Error as exc:
        why = str(exc)
        if "field larger than field limit" in why:
            why = f"a field longer than {csv.field_size_limit():,} characters"
        raise InputError(
            f"malformed CSV ({why if len(why) <= 80 else why[:80] + '…'})",
            where=f"{name}:{reader.line_num}",
            hint="check the quotes on that line"
            if "quote" in why or "end of data" in why
            else CSV_HINT,
        ) from None
    if header is None:
        raise InputError(f"{name}: empty file", hint=ENTRY_HINT)
    return header, header_line, rows, lines, blank


def _read_fast(text: str, name: str) -> UserTable | None:
    """The table parsed by polars when that is certain to match the ``csv`` reading (no quotes, a
    header on line 1, one record per line, no field over the ``csv`` limit); else ``None``."""
    import polars as pl

    if '"' in text:
        return None
    if "\r" in text:  # Windows line ends are fine; a lone carriage return is left to csv
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    header = physical[0].split(",") if physical else []
    if not "".join(header).strip() or len(physical) < 2:
        return None
    if max(map(len, physical)) > csv.field_size_limit():
        return None
    try:
        df = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema_length=0,
            has_header=True,
            quote_char=None,
        )
    except Exception:  # ragged rows, odd headers: the csv reader says exactly what is wrong
        return None
    if df.columns != header or df.height != len(physical) - 1:
        return None
    series = [df.get_column(c) for c in df.columns]
    lines = list(range(2, len(physical) + 1))
    return _assemble(name, header, 1, series, lines, None, {})


def _assemble(
    name: str,
    header: list[str],
    header_line: int,
    series: list[Any],
    lines: list[int],
    blank: list[int] | None,
    problems: dict[int, list[str]],
) -> UserTable:
    """Strip the cells (blank = null), drop the fully blank rows (when ``blank`` is ``None``: find
    them), map the header to standard names, refuse duplicate or unnamed columns."""
    import polars as pl

    _check_delimiter(header, name, header_line)
    cols = [s.str.strip_chars().replace("", None) if len(s) else s.cast(pl.Utf8) for s in series]
    line_arr = np.asarray(lines, dtype=np.int64)
    if blank is None:
        if cols and len(line_arr):
            empty = np.logical_and.reduce([c.is_null().to_numpy() for c in cols])
        else:
            empty = np.zeros(len(line_arr), dtype=bool)
        blank = line_arr[empty].tolist()
        if empty.any():
            keep_rows = pl.Series(np.flatnonzero(~empty), dtype=pl.Int64)
            cols = [c.gather(keep_rows) for c in cols]
            line_arr = line_arr[~empty]
    keys: dict[str, int] = {}
    keep: list[int] = []
    for j, h in enumerate(header):
        key = column_key(h)
        if not key:
            if cols[j].is_not_null().any():
                raise InputError(
                    f"column {j + 1} has values but no name in the header",
                    where=f"{name}:{header_line}",
                    hint="name the column in the header line",
                )
            continue  # an unnamed, empty column (trailing commas)
        if key in keys:
            raise InputError(
                f"two columns mean {key!r}: {show(header[keep[keys[key]]])} and {show(h)}",
                where=f"{name}:{header_line}",
                hint="keep one of them",
            )
        keys[key] = len(keep)
        keep.append(j)
    return UserTable(
        name=name,
        header=tuple(header[j].strip() for j in keep),
        columns=keys,
        cells=[cols[j] for j in keep],
        lines=line_arr,
        blank_lines=tuple(int(x) for x in blank),
        row_problems=problems,
        header_line=header_line,
    )


def table_from_frame(frame: Any, *, name: str = "<frame>") -> UserTable:
    """A polars frame (any column types) as a :class:`UserTable`; row ``i`` counts as line ``i + 2``
    (as if written to CSV with a header). Blank rows are kept (and rated as bad rows)."""
    import polars as pl

    series = [frame.get_column(c).cast(pl.Utf8) for c in frame.columns]
    lines = list(range(2, frame.height + 2))
    return _assemble(name, [str(c) for c in frame.columns], 1, series, lines, [], {})


def _check_delimiter(header: list[str], name: str, line: int) -> None:
    """Refuse semicolon- and tab-separated files (the header is then one field holding the
    separators) with the fix; their numbers use decimal commas, which would be misread."""
    if len(header) != 1:
        return
    h = header[0]
    for sep, what in ((";", "semicolons"), ("\t", "tabs")):
        if sep in h and "," not in h:
            raise InputError(
                f"the columns are separated by {what}, not commas",
                where=f"{name}:{line}",
                hint="in Excel: File › Save As › 'CSV UTF-8 (comma delimited)' (numbers with "
                "a decimal comma, 12,5, must then be written 12.5)",
            )


def require_columns(table: UserTable, need: tuple[str, ...], *, hint: str) -> None:
    """An InputError naming the missing standard columns (and what the header has)."""
    missing = [c for c in need if not table.has(c)]
    if missing:
        found = ", ".join(show(h, 30) for h in table.header[:20]) or "none"
        raise InputError(
            f"missing column(s) {', '.join(missing)} (found: {found})",
            where=f"{table.name}:{table.header_line}",
            hint=hint,
        )
