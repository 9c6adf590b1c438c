"""Errors that reach users.

Every error a user can cause derives from :class:`InputError`; the CLI prints it as one line
(``error: <message>``) plus a hint line, and exits with code 2. Solvers that do not converge raise
:class:`ConvergenceError` carrying their diagnostics; they never return numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SHOW_CHARS = 40
"""How many characters of a user's value a message quotes (the rest is counted, not shown)."""


def show(value: Any, limit: int = SHOW_CHARS) -> str:
    """A user's value quoted for a message: ``'8703.23…' (1,000,000 characters)`` when too long.

    Blank values (``None``, NaN, empty or white-space text) are shown as ``blank``; numpy strings
    and other objects are shown by their text, never by their Python ``repr`` (no ``np.str_``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "blank"
    text = str(value)
    if not text.strip():
        return "blank"
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


class TariffsimError(Exception):
    """Base class of all tariffsim errors."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(TariffsimError):
    """Bad input from a user: a file, a line, a field, an argument. CLI exit code 2.

    ``where`` names the place (``"cases.csv:14"`` or ``"measures/s232_autos.yaml:12: values[2].rate"``)
    and is prefixed to the message.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class UnknownCountryError(InputError):
    """A country name or code that is not known; carries the nearest known names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(suggestions)}?"
            if suggestions
            else "use an ISO 3166 alpha-3 code such as JPN, or a group such as EU"
        )
        super().__init__(f"unknown country {show(text)}", hint=hint)


class DataNotFoundError(TariffsimError):
    """Reference data that is required and cannot be found."""

    exit_code = 2


@dataclass
class SolverDiagnostics:
    """What a solver did: iterations, final residual norm, tolerance, and free-form details."""

    iterations: int
    residual_norm: float
    tolerance: float
    converged: bool
    details: dict[str, Any] = field(default_factory=dict)


class ConvergenceError(TariffsimError):
    """A solver that did not converge. ``diagnostics`` says how far it got."""

    def __init__(self, message: str, *, diagnostics: SolverDiagnostics) -> None:
        self.diagnostics = diagnostics
        super().__init__(
            f"{message} (iterations={diagnostics.iterations}, "
            f"residual={diagnostics.residual_norm:.3e}, tol={diagnostics.tolerance:.1e})",
            hint="try other starting values or parameters; see the diagnostics",
        )
