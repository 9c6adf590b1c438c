"""Dates and half-open intervals.

One rule everywhere: an interval ``[start, end)`` contains ``start`` and not ``end``; ``end`` is the
first day a rule no longer applies. ``end=None`` means open-ended. Dates are ``datetime.date``; never
compare date strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tariffsim.core.inputs import parse_date

__all__ = ["Date", "Interval", "Period", "from_day_number", "parse_date", "to_day_number"]

Date = dt.date


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open date interval ``[start, end)``; ``end=None`` is open-ended."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"empty interval [{self.start}, {self.end})")

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Interval) -> bool:
        a_end = self.end or dt.date.max
        b_end = other.end or dt.date.max
        return self.start < b_end and other.start < a_end


@dataclass(frozen=True, slots=True)
class Period:
    """A bounded half-open interval ``[start, end)`` (e.g. a library's coverage, a user's range)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty period [{self.start}, {self.end})")

    @classmethod
    def from_inclusive(
        cls, first: dt.date, last: dt.date, *, fields: tuple[str, str] = ("--from", "--to")
    ) -> Period:
        """The period of the days ``first`` … ``last`` *inclusive* — the one conversion from the
        inclusive ranges users type (``--from``/``--to``, the web's date pickers) to the project's
        ``[start, end)``. ``last`` before ``first`` is an InputError naming both fields."""
        if last < first:
            from tariffsim.core.errors import InputError

            raise InputError(
                f"{fields[1]} {last} is before {fields[0]} {first}",
                hint=f"{fields[1]} is the last day included",
            )
        return cls(first, last + dt.timedelta(days=1))

    @property
    def last_day(self) -> dt.date:
        """The last day inside the period (``end`` − 1 day)."""
        return self.end - dt.timedelta(days=1)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def days(self) -> int:
        return (self.end - self.start).days


def to_day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the numpy ``datetime64[D]`` integer), for vectorised work."""
    return (day - dt.date(1970, 1, 1)).days


def from_day_number(n: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))
