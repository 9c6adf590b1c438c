"""Shared rendering for the CLI: JSON output, rich tables, error lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any


def print_json(obj: Any) -> None:
    """Print JSON to stdout (dates as ISO strings, numpy scalars as numbers)."""
    sys.stdout.write(json.dumps(obj, default=_default, indent=2, ensure_ascii=False) + "\n")


def _default(o: Any) -> Any:
    import datetime as dt

    if isinstance(o, dt.date):
        return o.isoformat()
    if hasattr(o, "item"):  # numpy scalar
        return o.item()
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


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

    table = Table(title=title, show_lines=False)
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
        table.add_row(*[str(x) for x in r])
    Console().print(table)


def check_output_path(path: Any, *, option: str, suffix: str | None = None) -> None:
    """Check, before any work is done, that ``path`` can be written (folder exists; suffix).

    Raises :class:`~tariffsim.core.errors.InputError` naming the option and the fix, so a long
    computation never ends in a traceback because an output folder is missing.
    """
    import os
    from pathlib import Path

    from tariffsim.core.errors import InputError

    p = Path(path)
    if suffix is not None and p.suffix.lower() != suffix:
        raise InputError(
            f"{option} {str(p)!r} must be a {suffix} file", hint=f"e.g. {option} chart{suffix}"
        )
    if p.is_dir():
        raise InputError(
            f"{option} {str(p)!r} is a folder, not a file",
            hint=f"give a file name, e.g. {option} {p / ('out' + (suffix or '.csv'))}",
        )
    parent = p.resolve().parent
    if not parent.is_dir():
        raise InputError(
            f"{option}: folder {str(parent)!r} does not exist",
            hint=f"create it first (mkdir -p {parent}) or write elsewhere",
        )
    if not os.access(parent, os.W_OK):
        raise InputError(
            f"{option}: folder {str(parent)!r} is not writable", hint="write elsewhere"
        )


def say(text: str) -> None:
    """Print a line of prose, wrapped at word boundaries to the terminal's width (no markup)."""
    from rich.console import Console

    Console(highlight=False).print(text, markup=False, emoji=False)


def pct(x: float, digits: int = 2) -> str:
    """A fraction as human-facing percent text: 0.275 -> '27.50%'."""
    return f"{100 * x:.{digits}f}%"


def print_error(exc: Exception) -> None:
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
    hint = getattr(exc, "hint", None)
    if hint:
        err.print(f"[yellow]hint:[/] {escape(str(hint))}", markup=True)
