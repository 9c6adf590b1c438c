"""``tariffsim search WORDS``: find HTS codes by words (ranked), with their rate for an origin and day."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def short_path(path: str, width: int = 90) -> str:
    """A heading path cut to fit ``width``: its first level (shortened) › … › the last levels that
    fit, whole levels only."""
    parts = path.split(" › ")
    head = parts[0] if len(parts[0]) <= 40 else parts[0][:39].rstrip() + "…"
    if len(parts) == 1:
        return head if len(path) <= width else path[: width - 1] + "…"
    keep: list[str] = []
    for part in reversed(parts[1:]):
        if keep and len(" › ".join([head, "…", part, *keep])) > width:
            break
        keep.insert(0, part)
    skipped = len(parts) - 1 - len(keep)
    out = " › ".join([head, *(["…"] if skipped else []), *keep])
    if len(out) <= width + 40:
        return out
    cut = out[: width + 39].rsplit(" ", 1)[0]
    return cut.rstrip(",;") + " …"


def search(
    words: list[str] = typer.Argument(..., help="words, e.g. lithium batteries (or a code prefix)"),
    origin: str | None = typer.Option(
        None, "--origin", help="rate each hit for this origin (ISO3, name or group) …"
    ),
    on: str | None = typer.Option(None, "--on", help="… on this date (YYYY-MM-DD)"),
    limit: int = typer.Option(20, "--limit", help="how many lines to show"),
    csv: Path | None = typer.Option(
        None, "--csv", help="also write the hits to this CSV file ('-' = standard output)"
    ),
    as_json: bool = typer.Option(
        False, "--json", help='print [{"hs", "description", "score"[, "total_rate"]}], best first'
    ),
) -> None:
    """Find HTS codes by words: ranked full-text search over the tariff's descriptions.

    Everyday words are translated into the tariff's own (laptop → portable automatic data
    processing machines, solar panels → photovoltaic cells; see docs/search.md). With --origin and
    --on each hit shows its total duty rate that day.
    """
    from tariffsim.cli.render import (
        check_output_path,
        csv_to_stdout,
        pct,
        print_json,
        print_table,
        write_csv,
    )
    from tariffsim.core.errors import InputError
    from tariffsim.core.hs import format_hs
    from tariffsim.duties.search import search_hs

    if limit < 1:
        raise InputError(f"--limit must be at least 1, got {limit}", hint="e.g. --limit 20")
    if csv is not None:
        check_output_path(csv, option="--csv", stdout_ok=True)
    hits = search_hs(" ".join(words), limit=limit, origin=origin, on=on)
    rated = origin is not None
    rows = [h.to_json() for h in hits]
    if csv is not None:
        write_csv(csv, rows, option="--csv")
        if csv_to_stdout(csv):
            return
    if as_json:
        print_json(rows)
        return
    query = " ".join(words)
    if not hits:
        print_table(f"No HTS line matches {query!r}", ["hs", "description"], [])
        return
    title = f"HTS lines for {query!r}" + (f" · rate from {origin} on {on}" if rated else "")
    print_table(
        title,
        ["#", "hs", "description", *(["rate"] if rated else [])],
        [
            [
                i + 1,
                format_hs(h.hs),
                short_path(h.path),
                *([pct(h.total_rate)] if h.total_rate is not None else []),
            ]
            for i, h in enumerate(hits)
        ],
        right={0, 3},
        nowrap={1},
    )
