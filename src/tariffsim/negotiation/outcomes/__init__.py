"""What happened: one dated, sourced file per deal of 2025–26 and per impasse.

The forecasting code may read outcomes **only** through :func:`known_outcomes` (deals concluded
strictly before a date, as they were known then — for precedent and hazard fitting). The backtest's
scorer reads them all through :func:`all_outcomes`. Models in :mod:`.schema`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from tariffsim.core.dates import parse_date
from tariffsim.core.errors import InputError
from tariffsim.negotiation.facts import sources
from tariffsim.negotiation.facts._io import FACTS_DIR, cached, name_of, read_model
from tariffsim.negotiation.outcomes.schema import OutcomeFile

OUTCOMES_DIR = Path(__file__).resolve().parent

__all__ = ["OUTCOMES_DIR", "OutcomeFile", "all_outcomes", "known_outcomes", "load_outcome_file"]


def load_outcome_file(path: str | Path) -> OutcomeFile:
    """Read one outcome file (strict; errors name ``file:line``); its ``id`` must be its stem."""
    p = Path(path)
    o = read_model(OutcomeFile, p, sources())
    if o.id != p.stem:
        raise InputError(
            f"id {o.id!r} differs from the file name {p.stem!r}",
            where=f"{name_of(p)}:1",
            hint="name the file <id>.yaml",
        )
    return o


@lru_cache(maxsize=1)
def _all() -> tuple[OutcomeFile, ...]:
    files = sorted(OUTCOMES_DIR.glob("*.yaml"))
    deps = [*files, *(FACTS_DIR / "sources.yaml",)]
    return cached("outcomes", deps, lambda: _read_all(files))


def _read_all(files: list[Path]) -> tuple[OutcomeFile, ...]:
    out = tuple(load_outcome_file(p) for p in files)
    return tuple(sorted(out, key=lambda o: (o.dates.announced, o.id)))


def all_outcomes() -> list[OutcomeFile]:
    """Every outcome file (deals and impasses), by announcement (or reference) date — for scoring."""
    return list(_all())


def _as_known(o: OutcomeFile, day: dt.date) -> OutcomeFile:
    """The deal as public before ``day``: items dated on or after ``day`` are dropped."""

    def keep(items: list[Any]) -> list[Any]:
        return [x for x in items if x.date is None or x.date < day]

    upd: dict[str, Any] = {
        "sectoral": keep(o.sectoral),
        "other_rates": keep(o.other_rates),
        "partner_concessions": keep(o.partner_concessions),
        "pledges": o.pledges.model_copy(
            update={
                "investment": keep(o.pledges.investment),
                "purchases": keep(o.pledges.purchases),
            }
        ),
        "dates": o.dates.model_copy(
            update={
                "instruments": keep(o.dates.instruments),
                "signed": o.dates.signed if o.dates.signed and o.dates.signed < day else None,
            }
        ),
    }
    return o.model_copy(update=upd)


def known_outcomes(as_of: Any) -> list[OutcomeFile]:
    """Deals concluded **strictly before** ``as_of``, as they were public before ``as_of``.

    Impasses are not returned (an impasse is only known in hindsight; its dated breakdowns and
    extensions are in the fact calendar). Oldest first.
    """
    return list(_known(parse_date(as_of, field="as_of")))


@lru_cache(maxsize=1024)
def _known(day: dt.date) -> tuple[OutcomeFile, ...]:
    return tuple(
        _as_known(o, day)
        for o in _all()
        if o.kind == "deal" and o.concluded is not None and o.concluded < day
    )
