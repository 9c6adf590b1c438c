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
) -> None:
    """Render a table with rich; columns whose index is in ``right`` are right-aligned."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    right = right or set()
    for i, c in enumerate(columns):
        table.add_column(c, justify="right" if i in right else "left")
    for r in rows:
        table.add_row(*[str(x) for x in r])
    Console().print(table)


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
