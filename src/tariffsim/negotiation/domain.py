"""The vocabulary of a negotiation: issues, agendas, packages, additive utilities, bargaining problems.

A *package* (NegMAS calls it an outcome) fixes one level for every issue of the agenda. In code a
package is a row of level indices (``numpy`` integer array of length ``k``); many packages are an
``(m, k)`` array. Level *values* (a rate of 0.15, $8bn/yr of LNG, ``"partial"`` recognition) live in
the :class:`Issue` and are looked up only to describe results.

Packages are numbered in mixed radix with the last issue varying fastest (C order, like
``numpy.unravel_index``): package ``(l_1, …, l_k)`` has index ``Σ_i l_i · Π_{j>i} n_j``. Agendas of
10^10 packages are normal (10 issues × 10 levels); nothing here enumerates them unless asked, and
:meth:`BargainingProblem.candidate_packages` refuses to enumerate more than its limit.

Utilities are additive over issues (the case files build them from economics and political weights):

    u(p) = c + Σ_i T_i[l_i]

which is what lets :mod:`tariffsim.negotiation.pareto` compute exact frontiers issue by issue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from tariffsim.core.errors import InputError

IssueKind = Literal["numeric", "categorical"]

#: Default ceiling on the number of packages that may be enumerated explicitly.
ENUMERATION_LIMIT = 5_000_000

FeasibleFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Issue:
    """One negotiable issue with a finite, ordered list of levels.

    ``kind="numeric"``: levels are floats in ``unit`` (rates as fractions: 0.10, 0.15, 0.24;
    purchases in $bn/yr). ``kind="categorical"``: levels are strings ("none", "partial", "full").
    """

    name: str
    levels: tuple
    unit: str
    kind: IssueKind
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise InputError(
                "an issue needs a non-empty string name", hint="e.g. 'reciprocal_rate'"
            )
        if self.kind not in ("numeric", "categorical"):
            raise InputError(
                f"issue {self.name!r}: kind must be 'numeric' or 'categorical', not {self.kind!r}"
            )
        levels = tuple(self.levels)
        if len(levels) < 1:
            raise InputError(f"issue {self.name!r} has no levels", hint="give at least one level")
        if self.kind == "numeric":
            try:
                levels = tuple(float(v) for v in levels)
            except (TypeError, ValueError):
                raise InputError(
                    f"issue {self.name!r}: numeric levels must be numbers, got {list(self.levels)!r}",
                    hint="use kind: categorical for named levels",
                ) from None
            if any(not math.isfinite(v) for v in levels):
                raise InputError(f"issue {self.name!r}: numeric levels must be finite")
        else:
            levels = tuple(str(v) for v in levels)
        if len(set(levels)) != len(levels):
            raise InputError(f"issue {self.name!r}: levels repeat: {list(levels)!r}")
        object.__setattr__(self, "levels", levels)

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    def index(self, level: Any) -> int:
        """Index of ``level`` (a value for numeric issues matches within 1e-12)."""
        if self.kind == "numeric":
            try:
                v = float(level)
            except (TypeError, ValueError):
                raise InputError(f"issue {self.name!r}: {level!r} is not a number") from None
            for i, lv in enumerate(self.levels):
                if abs(lv - v) <= 1e-12 * max(1.0, abs(v)):
                    return i
        elif str(level) in self.levels:
            return self.levels.index(str(level))
        raise InputError(
            f"issue {self.name!r} has no level {level!r}",
            hint=f"levels are {list(self.levels)!r}",
        )

    def values(self, indices: np.ndarray) -> np.ndarray:
        """Level values for an array of level indices (floats for numeric, objects otherwise)."""
        arr = np.asarray(self.levels, dtype=float if self.kind == "numeric" else object)
        return arr[np.asarray(indices, dtype=np.intp)]


@dataclass(frozen=True)
class Party:
    """A negotiating party (a government). ``code`` is how it is named on the command line (JPN)."""

    code: str
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Agenda:
    """The ordered issues under negotiation; the package space is the product of their levels."""

    issues: tuple[Issue, ...]

    def __post_init__(self) -> None:
        issues = tuple(self.issues)
        if not issues:
            raise InputError("an agenda needs at least one issue")
        names = [i.name for i in issues]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"agenda: issue names repeat: {dup}")
        object.__setattr__(self, "issues", issues)

    # --- shape -------------------------------------------------------------------------------
    @property
    def k(self) -> int:
        """Number of issues."""
        return len(self.issues)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.issues)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(i.n_levels for i in self.issues)

    @property
    def n_packages(self) -> int:
        """Size of the package space, an exact Python int (may be 10^10 or more)."""
        return math.prod(self.sizes)

    @property
    def dtype(self) -> np.dtype:
        """Integer dtype of package rows: int16 unless an issue has more than 32,767 levels."""
        return (
            np.dtype(np.int16) if max(self.sizes) <= np.iinfo(np.int16).max else np.dtype(np.int32)
        )

    def issue(self, name: str) -> Issue:
        return self.issues[self.position(name)]

    def position(self, name: str) -> int:
        """Column of issue ``name`` in package arrays."""
        for j, i in enumerate(self.issues):
            if i.name == name:
                return j
        raise InputError(f"agenda has no issue {name!r}", hint=f"issues are {list(self.names)!r}")

    # --- numbering ---------------------------------------------------------------------------
    def _radix(self) -> np.ndarray:
        if self.n_packages > np.iinfo(np.int64).max:
            raise InputError(
                f"agenda of {self.n_packages:.3e} packages is too large to number with int64",
                hint="work with package rows (level indices) instead of package numbers",
            )
        sizes = self.sizes
        weights = [1] * self.k
        for j in range(self.k - 2, -1, -1):
            weights[j] = weights[j + 1] * sizes[j + 1]
        return np.asarray(weights, dtype=np.int64)

    def decode(self, index: np.ndarray | Sequence[int] | int) -> np.ndarray:
        """Package numbers → ``(m, k)`` level-index array (last issue fastest)."""
        idx = np.atleast_1d(np.asarray(index, dtype=np.int64))
        if idx.size and (idx.min() < 0 or idx.max() >= self.n_packages):
            raise InputError(f"package number out of range [0, {self.n_packages})")
        radix = self._radix()
        sizes = np.asarray(self.sizes, dtype=np.int64)
        out = (idx[:, None] // radix[None, :]) % sizes[None, :]
        return out.astype(self.dtype)

    def encode(self, packages: np.ndarray) -> np.ndarray:
        """``(m, k)`` level-index array (or one row) → package numbers (int64)."""
        pk = self.validate(packages)
        return pk.astype(np.int64) @ self._radix()

    def validate(self, packages: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Check shape and ranges; return an ``(m, k)`` array of this agenda's dtype."""
        pk = np.asarray(packages)
        if pk.ndim == 1:
            pk = pk[None, :]
        if pk.ndim != 2 or pk.shape[1] != self.k:
            raise InputError(
                f"packages must have shape (m, {self.k}) for this agenda, got {np.shape(packages)}"
            )
        if pk.size:
            if not np.issubdtype(pk.dtype, np.integer):
                raise InputError("packages must be integer level indices")
            sizes = np.asarray(self.sizes)
            if (pk < 0).any() or (pk >= sizes[None, :]).any():
                bad = int(np.argmax(((pk < 0) | (pk >= sizes[None, :])).any(axis=0)))
                raise InputError(
                    f"level index out of range for issue {self.names[bad]!r} "
                    f"(has {sizes[bad]} levels)"
                )
        return pk.astype(self.dtype, copy=False)

    def all_packages(self, *, limit: int = ENUMERATION_LIMIT) -> np.ndarray:
        """Every package as an ``(n, k)`` array — refused above ``limit`` packages."""
        n = self.n_packages
        if n > limit:
            raise InputError(
                f"agenda has {n:,} packages, more than the enumeration limit {limit:,}",
                hint="use the issue-by-issue Pareto merge (tariffsim.negotiation.pareto) instead",
            )
        grids = np.meshgrid(*[np.arange(s, dtype=self.dtype) for s in self.sizes], indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1)

    # --- levels ↔ indices ------------------------------------------------------------------
    def package(self, levels: Mapping[str, Any]) -> np.ndarray:
        """One package from ``{issue name: level value}`` (every issue must be given)."""
        missing = [n for n in self.names if n not in levels]
        extra = [n for n in levels if n not in self.names]
        if missing or extra:
            raise InputError(
                f"package must give every issue exactly once (missing {missing}, unknown {extra})"
            )
        return np.asarray([i.index(levels[i.name]) for i in self.issues], dtype=self.dtype)

    def describe(self, package: np.ndarray | Sequence[int]) -> dict[str, Any]:
        """One package row → ``{issue name: level value}`` in issue units."""
        row = np.asarray(package).reshape(-1)
        if row.shape[0] != self.k:
            raise InputError(f"a package of this agenda has {self.k} entries, got {row.shape[0]}")
        return {i.name: i.levels[int(row[j])] for j, i in enumerate(self.issues)}

    def values(self, packages: np.ndarray, issue: str) -> np.ndarray:
        """Level values of one issue across ``(m, k)`` packages (floats for numeric issues)."""
        j = self.position(issue)
        return self.issues[j].values(np.asarray(packages)[:, j])


@dataclass(frozen=True, eq=False)
class AdditiveUtility:
    """``u(p) = constant + Σ_i tables[i][p_i]`` — one value table per issue.

    ``tables[i]`` has one float per level of ``agenda.issues[i]``. Evaluation of ``m`` packages is one
    gather per issue, ``O(m k)``.
    """

    agenda: Agenda
    tables: tuple[np.ndarray, ...]
    constant: float = 0.0

    def __post_init__(self) -> None:
        tables = tuple(np.asarray(t, dtype=float).reshape(-1) for t in self.tables)
        if len(tables) != self.agenda.k:
            raise InputError(
                f"additive utility needs one table per issue ({self.agenda.k}), got {len(tables)}"
            )
        for t, issue in zip(tables, self.agenda.issues, strict=True):
            if t.shape[0] != issue.n_levels:
                raise InputError(
                    f"utility table for issue {issue.name!r} has {t.shape[0]} values, "
                    f"the issue has {issue.n_levels} levels"
                )
            if not np.isfinite(t).all():
                raise InputError(f"utility table for issue {issue.name!r} has non-finite values")
            t.setflags(write=False)
        if not math.isfinite(float(self.constant)):
            raise InputError("utility constant must be finite")
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "constant", float(self.constant))

    def evaluate(self, packages: np.ndarray) -> np.ndarray:
        """Utilities of ``(m, k)`` packages → ``(m,)`` floats."""
        pk = np.asarray(packages)
        if pk.ndim == 1:
            pk = pk[None, :]
        out = np.full(pk.shape[0], self.constant, dtype=float)
        for j, t in enumerate(self.tables):
            out += t[pk[:, j]]
        return out

    __call__ = evaluate

    def best(self) -> tuple[np.ndarray, float]:
        """The package with the highest utility (ties → lowest level index) and its value."""
        row = np.asarray([int(np.argmax(t)) for t in self.tables], dtype=self.agenda.dtype)
        return row, self.max_value

    def worst(self) -> tuple[np.ndarray, float]:
        row = np.asarray([int(np.argmin(t)) for t in self.tables], dtype=self.agenda.dtype)
        return row, self.min_value

    @property
    def max_value(self) -> float:
        return self.constant + float(sum(t.max() for t in self.tables))

    @property
    def min_value(self) -> float:
        return self.constant + float(sum(t.min() for t in self.tables))

    def affine(self, scale: float, shift: float = 0.0) -> AdditiveUtility:
        """``scale · u + shift`` (``scale > 0`` keeps preferences)."""
        return AdditiveUtility(
            self.agenda, tuple(t * scale for t in self.tables), self.constant * scale + shift
        )

    def normalized(self, reservation: float | None = None) -> AdditiveUtility:
        """Affine rescaling with ``u(reservation) = 0`` and ``u(best) = 1``.

        Without ``reservation`` the worst package maps to 0. A utility whose best package is not
        better than the reservation cannot be normalised (raises :class:`InputError`).
        """
        lo = self.min_value if reservation is None else float(reservation)
        span = self.max_value - lo
        if span <= 0:
            raise InputError(
                "cannot normalise a utility whose best package is not above its reservation value",
                hint="this party prefers no deal to every package",
            )
        return self.affine(1.0 / span, -lo / span)


@dataclass(frozen=True, eq=False)
class BargainingProblem:
    """Two parties, one agenda, additive utilities and no-deal (reservation) values.

    ``feasible`` (vectorised: ``(m, k)`` packages → bool ``(m,)``) and ``candidates`` (an explicit
    ``(m, k)`` set of packages) restrict the packages that may be agreed — the case engineer applies
    ratification filters this way. With neither, every package of the agenda is feasible and the
    additive structure is exploited (exact frontiers of 10^10 packages).
    """

    agenda: Agenda
    utilities: tuple[AdditiveUtility, AdditiveUtility]
    reservation: tuple[float, float]
    names: tuple[str, str] = ("A", "B")
    feasible: FeasibleFn | None = None
    candidates: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        if len(self.utilities) != 2 or len(self.reservation) != 2 or len(self.names) != 2:
            raise InputError("a bargaining problem has exactly two parties")
        for u in self.utilities:
            if u.agenda != self.agenda:
                raise InputError("both utilities must be defined on the problem's agenda")
        if self.names[0] == self.names[1]:
            raise InputError(f"the two parties need different names, both are {self.names[0]!r}")
        res = tuple(float(r) for r in self.reservation)
        if not all(math.isfinite(r) for r in res):
            raise InputError("reservation values must be finite")
        object.__setattr__(self, "reservation", res)
        object.__setattr__(self, "utilities", tuple(self.utilities))
        object.__setattr__(self, "names", tuple(self.names))
        if self.candidates is not None:
            cand = self.agenda.validate(self.candidates)
            cand = np.ascontiguousarray(cand)
            cand.setflags(write=False)
            object.__setattr__(self, "candidates", cand)

    @property
    def is_unrestricted(self) -> bool:
        """True when every package of the agenda may be agreed (no filter, no candidate set)."""
        return self.feasible is None and self.candidates is None

    def party(self, who: str | int) -> int:
        """Index (0 or 1) of a party given by name or index."""
        if isinstance(who, int | np.integer) and int(who) in (0, 1):
            return int(who)
        if who in self.names:
            return self.names.index(who)
        raise InputError(f"unknown party {who!r}", hint=f"parties are {list(self.names)}")

    def evaluate(self, packages: np.ndarray) -> np.ndarray:
        """``(m, k)`` packages → ``(m, 2)`` utilities (column 0 = ``names[0]``)."""
        pk = np.asarray(packages)
        if pk.ndim == 1:
            pk = pk[None, :]
        return np.stack([u.evaluate(pk) for u in self.utilities], axis=1)

    def is_feasible(self, packages: np.ndarray) -> np.ndarray:
        """Bool mask of packages passing ``feasible`` (membership in ``candidates`` is not checked)."""
        pk = np.asarray(packages)
        if pk.ndim == 1:
            pk = pk[None, :]
        if self.feasible is None:
            return np.ones(pk.shape[0], dtype=bool)
        mask = np.asarray(self.feasible(pk), dtype=bool).reshape(-1)
        if mask.shape[0] != pk.shape[0]:
            raise InputError("the feasibility filter must return one bool per package")
        return mask

    def candidate_packages(self, *, limit: int = ENUMERATION_LIMIT) -> np.ndarray:
        """The explicit set of agreeable packages: ``candidates`` (filtered by ``feasible``), or the
        whole agenda filtered by ``feasible`` when it has at most ``limit`` packages."""
        pk = (
            self.candidates
            if self.candidates is not None
            else self.agenda.all_packages(limit=limit)
        )
        if self.feasible is not None:
            pk = pk[self.is_feasible(pk)]
        return pk

    def with_reservation(self, reservation: tuple[float, float]) -> BargainingProblem:
        return BargainingProblem(
            self.agenda, self.utilities, reservation, self.names, self.feasible, self.candidates
        )

    def with_candidates(self, candidates: np.ndarray | None) -> BargainingProblem:
        return BargainingProblem(
            self.agenda, self.utilities, self.reservation, self.names, self.feasible, candidates
        )


def numeric_issue(name: str, levels: Sequence[float], unit: str, description: str = "") -> Issue:
    """Shorthand for a numeric issue."""
    return Issue(name, tuple(levels), unit, "numeric", description)


def categorical_issue(
    name: str, levels: Sequence[str], description: str = "", unit: str = "level"
) -> Issue:
    """Shorthand for a categorical issue."""
    return Issue(name, tuple(levels), unit, "categorical", description)
