"""Shared rendering for the CLI: JSON output, rich tables, error lines."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any


def print_json(obj: Any) -> None:
    """Print JSON to stdout (dates as ISO strings, numpy scalars as numbers: :mod:`tariffsim.core.jsonable`)."""
    from tariffsim.core.jsonable import dumps

    sys.stdout.write(dumps(obj) + "\n")


def _default(o: Any) -> Any:
    """Kept for callers of the old private name; use :func:`tariffsim.core.jsonable.default`."""
    from tariffsim.core.jsonable import default

    return default(o)


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: set[int] | None = None,
    nowrap: set[int] | None = None,
) -> None:
    """Render a table with rich; columns whose index is in ``right`` are right-aligned.

    Columns in ``nowrap`` (identifiers such as measure ids) are never wrapped or cut; the others
    wrap, and a word too long for its column is folded onto the next line rather than cut with an
    ellipsis, so no text is lost when the terminal is narrow (checked at 100 columns).
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # cells and title are plain text: a user's "[bold]" or ":x:" is shown as typed
    table = Table(title=Text(title) if title is not None else None, show_lines=False)
    right = right or set()
    nowrap = nowrap or set()
    for i, c in enumerate(columns):
        table.add_column(
            c,
            justify="right" if i in right else "left",
            no_wrap=i in nowrap,
            overflow="ellipsis" if i in nowrap else "fold",
        )
    for r in rows:
        table.add_row(*[Text(str(x)) for x in r])
    Console(emoji=False).print(table)


def check_output_path(
    path: Any, *, option: str, suffix: str | None = None, stdout_ok: bool = False
) -> None:
    """Check, before any work is done, that ``path`` can be written (:func:`core.outputs.check_target`).

    Raises :class:`~tariffsim.core.errors.InputError` naming the option and the fix (a missing
    folder, a symbolic link, a device, a FIFO, a folder, a wrong suffix), so a long computation
    never ends in a traceback or in a destroyed target.
    """
    from tariffsim.core.outputs import check_target

    check_target(path, option=option, suffix=suffix, stdout_ok=stdout_ok)


def write_output(
    path: Any, data: Any, *, option: str, suffix: str | None = None, stdout_ok: bool = False
) -> int:
    """Write a user's output file atomically (:func:`core.outputs.write_atomic`); bytes written."""
    from tariffsim.core.outputs import write_atomic

    return write_atomic(path, data, option=option, suffix=suffix, stdout_ok=stdout_ok)


CSV_HELP = "also write the table(s) to this CSV file ('-' = standard output, instead of the table)"


def csv_option(help: str = CSV_HELP) -> Any:
    """The shared ``--csv FILE`` option: ``csv: Path | None = csv_option()`` in a command."""
    import typer

    return typer.Option(None, "--csv", help=help)


def write_csv(path: Any, table: Any, *, option: str = "--csv") -> int:
    """Write a table as CSV (atomically; ``-`` = standard output): a polars frame, or a list of
    flat dicts (one per row; their keys are the header). Nested values (dicts, lists) are refused
    (flatten them first). Returns the number of rows; says where the file went on stderr."""
    import polars as pl

    from tariffsim.core.outputs import describe_written, is_stdout

    frame = table if isinstance(table, pl.DataFrame) else pl.DataFrame(list(table))
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if nested:
        raise TypeError(f"write_csv: nested columns {nested}; flatten them first")
    frame = rounded_columns(frame)
    write_output(path, frame.write_csv(), option=option, stdout_ok=True)
    if not is_stdout(path):
        sys.stderr.write(describe_written(path, frame.height, "row") + "\n")
    return frame.height


def rounded_columns(frame: Any) -> Any:
    """Float noise off a table for output: rates and ETRs (columns named ``etr*``, ``rate*``,
    ``total_rate``, ``*_rate``) to 1e-10, amounts in USD (``*_usd``) to the cent."""
    import polars as pl

    exprs = []
    for c, t in frame.schema.items():
        if not t.is_float():
            continue
        if c.endswith("_usd"):
            exprs.append(pl.col(c).round(2))
        elif c.startswith(("etr", "rate")) or c.endswith("rate"):
            exprs.append(pl.col(c).round(10))
    return frame.with_columns(exprs) if exprs else frame


def csv_to_stdout(path: Any) -> bool:
    """True when ``--csv`` sends the table to standard output (then print nothing else there)."""
    from tariffsim.core.outputs import is_stdout

    return path is not None and is_stdout(path)


def report_bad_rows(
    name: str,
    problems: list[str],
    *,
    skip: bool,
    hint: str = "fix the rows listed above, or pass --skip-invalid to rate only the good rows",
) -> None:
    """The bad rows of a user's table on stderr, one line each (``error: file:line: …``); without
    ``skip``, then the InputError that ends the command (exit 2, nothing written). With ``skip``
    they are listed as ``skipped: …`` and the command goes on with the good rows."""
    from tariffsim.core.errors import InputError

    for p in problems:
        sys.stderr.write(f"{'skipped' if skip else 'error'}: {_clip_lines(p)}\n")
    if problems and not skip:
        k = len(problems)
        raise InputError(
            f"{k} bad row{'s' if k > 1 else ''}; nothing written",
            where=name,
            hint=hint,
        )


def note(text: str | None) -> None:
    """A ``note: …`` line on stderr (what a command skipped or assumed), if there is one."""
    if text:
        sys.stderr.write(f"note: {_clip_lines(text)}\n")


def say(text: str) -> None:
    """Print a line of prose, wrapped at word boundaries to the terminal's width (no markup)."""
    from rich.console import Console

    Console(highlight=False).print(text, markup=False, emoji=False)


def pct(x: float, digits: int = 2) -> str:
    """A fraction as human-facing percent text: 0.275 -> '27.50%'."""
    return f"{100 * x:.{digits}f}%"


MAX_ERROR_LINE = 500
"""Longest line of an error message shown (the rest is counted): a huge input is never echoed."""


def _clip_lines(text: str) -> str:
    return "\n".join(
        line
        if len(line) <= MAX_ERROR_LINE
        else f"{line[:MAX_ERROR_LINE]}… ({len(line):,} characters)"
        for line in text.splitlines() or [""]
    )


def print_error(exc: Exception) -> None:
    """``error: message`` and ``hint: …`` on stderr: user text is never read as markup or emoji
    codes (``:x:`` stays ``:x:``), and each line is cut at :data:`MAX_ERROR_LINE` characters."""
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    err.print(f"[bold red]error:[/] {escape(_clip_lines(str(exc)))}", markup=True, emoji=False)
    hint = getattr(exc, "hint", None)
    if hint:
        err.print(f"[yellow]hint:[/] {escape(_clip_lines(str(hint)))}", markup=True, emoji=False)
