"""YAML files → validated measure library (:class:`LibrarySpec`), with ``file:line`` errors.

Shape checks are the pydantic models of :mod:`tariffsim.schedule.schema`; this module adds the
checks that need the whole library (list in :data:`CHECKS`). Every failure raises
:class:`~tariffsim.core.errors.InputError` ``"<file>:<line>: <field>: <problem>"``.

Run ``python -m tariffsim.schedule.loader [ROOT]`` to validate a library folder (default: the US one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tariffsim.core.errors import InputError, UnknownCountryError
from tariffsim.core.yamlio import FORMAT_HINT, line_of, read_yaml, validate
from tariffsim.schedule import resolve
from tariffsim.schedule import schema as S

US_ROOT = Path(__file__).resolve().parents[1] / "jurisdictions" / "us"

DEFAULT_COVERAGE = (dt.date(2024, 1, 1), dt.date(2026, 7, 1))
"""Days a library supports when it has no ``library.yaml``, half-open ``[start, end)``."""

EARLIEST_DATE = dt.date(1930, 6, 17)  # Tariff Act of 1930: no US measure can start earlier

CHECKS = (
    "YAML is well formed, read with the safe loader; duplicate keys are errors",
    "every field is known and well typed (pydantic, extra fields forbidden)",
    "rates are fractions in [0, 10]; a value gives `rate` or `rates`, an origin `rate` or `floor`",
    "HS prefixes are quoted strings of 2-10 digits (dots allowed)",
    "measure ids are snake_case, unique, and equal to the file stem",
    "value starts strictly increase; dates are on or after 1930-06-17",
    "no value starts after the coverage end unless it stops the measure",
    "suspensions start within coverage and end after they start",
    "excluded_by and floor_base name known measures, authorities or sets ({set: NAME, except: [...]})",
    "the stacking relations have no cycle (the evaluation order is derived from them)",
    "member_of names sets of library.yaml; `except:` names members of the set",
    "a set with must_include: AUTHORITY holds every measure of it not declared content_based",
    "rates_from names non-MFN measures, without cycles; rates_by_origin dates fall within the values",
    "origins (scope, rates keys, suspensions, programs) are ISO3 codes or groups, or '*'",
    "two groups in one `rates` mapping may not share a member",
    "lists used by measures are defined once across lists*.yaml",
    "MFN measures give an HTS edition on every value that is not a stop; others give no edition",
    "non-MFN measures give scope.products",
)


@dataclass
class LibrarySpec:
    """The validated files of a library: measures (by id, as written), lists, sets and coverage.

    ``coverage`` is half-open: (first day, first day not covered). :meth:`resolved` gives the measures in
    evaluation order with sets, ``rates_from`` and ``rates_by_origin`` resolved
    (:mod:`tariffsim.schedule.resolve`).
    """

    root: Path
    measures: dict[str, S.Measure]
    lists: dict[str, S.ListDef]
    coverage: tuple[dt.date, dt.date]
    files: dict[str, str] = field(default_factory=dict)  # measure id / list name -> display file
    raw: dict[str, Any] = field(default_factory=dict)  # display file -> data read (for lines)
    sets: dict[str, S.SetDef] = field(default_factory=dict)
    _resolved: list[resolve.Resolved] | None = field(default=None, repr=False, compare=False)

    def resolved(self) -> list[resolve.Resolved]:
        if self._resolved is None:
            self._resolved = resolve.resolve(self)
        return self._resolved

    def ordered(self) -> list[S.Measure]:
        """The measures in evaluation order (as written)."""
        return [r.measure for r in self.resolved()]


def _err(
    name: str, data: Any, path: tuple[Any, ...], field_text: str, msg: str, hint: str | None = None
) -> InputError:
    line = line_of(data, path) if data is not None else 1
    return InputError(
        f"{field_text}: {msg}" if field_text else msg,
        where=f"{name}:{line}",
        hint=hint or FORMAT_HINT,
    )


def _measure_files(root: Path) -> list[Path]:
    d = root / "measures"
    return sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")) if d.is_dir() else []


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def read_measure(path: Path, name: str) -> tuple[S.Measure, Any]:
    data = read_yaml(path, name=name)
    m = validate(S.Measure, data, name)
    return m, data


def load_library(root: Path | None = None) -> LibrarySpec:
    """Read and validate every file of a library folder (``measures/*.yaml``, ``lists*.yaml``,
    optional ``library.yaml``)."""
    root = Path(root) if root is not None else US_ROOT
    coverage = DEFAULT_COVERAGE
    raw: dict[str, Any] = {}
    sets: dict[str, S.SetDef] = {}
    files: dict[str, str] = {}
    lib_file = root / "library.yaml"
    if lib_file.is_file():
        name = _display(lib_file, root)
        data = read_yaml(lib_file, name=name)
        lib = validate(S.LibraryFile, data, name)
        raw[name] = data
        coverage = (lib.coverage.start, lib.coverage.end)
        sets = dict(lib.sets)
        for sname in sets:
            files["set:" + sname] = name

    lists: dict[str, S.ListDef] = {}
    for path in sorted(root.glob("lists*.yaml")):
        name = _display(path, root)
        data = read_yaml(path, name=name)
        lf = validate(S.ListsFile, data, name)
        raw[name] = data
        for lname, ldef in lf.lists.items():
            if lname in lists:
                raise _err(
                    name,
                    data,
                    ("lists", lname),
                    f"lists.{lname}",
                    f"list defined twice (also in {files['list:' + lname]})",
                )
            lists[lname] = ldef
            files["list:" + lname] = name

    measures: dict[str, S.Measure] = {}
    for path in _measure_files(root):
        name = _display(path, root)
        m, data = read_measure(path, name)
        raw[name] = data
        if m.id != path.stem:
            raise _err(
                name,
                data,
                ("id",),
                "id",
                f"{m.id!r} must equal the file stem {path.stem!r}",
                hint=f"rename the file to {m.id}.yaml or set id: {path.stem}",
            )
        if m.id in measures:
            raise _err(name, data, ("id",), "id", f"duplicate measure id (also in {files[m.id]})")
        measures[m.id] = m
        files[m.id] = name

    spec = LibrarySpec(
        root=root,
        measures=measures,
        lists=lists,
        coverage=coverage,
        files=files,
        raw=raw,
        sets=sets,
    )
    check_library(spec)
    return spec


# --- whole-library checks ---------------------------------------------------------------------


def _origin_ok(code: str, *, allow_star: bool) -> str | None:
    """None if ``code`` is a canonical ISO3 code or group (or ``*``); else the problem text."""
    if code == "*":
        return None if allow_star else "'*' is not allowed here"
    from tariffsim.core import countries

    try:
        got = countries.resolve(code)
    except UnknownCountryError as exc:
        return f"unknown origin {code!r}" + (
            f" (did you mean {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
        )
    if got != code:
        return f"write the code {got!r}, not {code!r}"
    return None


def check_measure(
    m: S.Measure,
    *,
    name: str,
    data: Any,
    measures: dict[str, S.Measure],
    lists: set[str],
    sets: dict[str, S.SetDef],
    coverage: tuple[dt.date, dt.date],
    prefix: tuple[Any, ...] = (),
) -> None:
    """Checks of one measure against the library (see :data:`CHECKS`); references to other
    measures are checked when they are resolved (:func:`check_library`).

    ``data`` is the structure read from ``name`` (for lines); ``prefix`` is where the measure sits
    in it (``()`` for a measure file, ``("add", 0)`` or ``("change", "s232_autos")`` in a reform).
    """

    def fail(path: tuple[Any, ...], msg: str, hint: str | None = None) -> None:
        raise _err(name, data, (*prefix, *path), field_text((*prefix, *path)), msg, hint)

    if m.is_mfn:
        for key in ("excluded_by", "rates_from", "rates_by_origin", "member_of"):
            if getattr(m, key):
                fail((key,), f"the MFN measure takes no `{key}:`")
        for j, v in enumerate(m.values):
            if v.excluded_by is not None:
                fail(("values", j, "excluded_by"), "MFN values take no `excluded_by:`")
    for i, sname in enumerate(m.member_of):
        if sname not in sets:
            fail(
                ("member_of", i),
                f"unknown measure set {sname!r}",
                hint=f"declare it under sets: in library.yaml (known: {', '.join(sorted(sets)) or 'none'})",
            )
    if m.content_based is not None:
        for sname in m.member_of:
            if sname in sets and sets[sname].must_include == m.authority:
                fail(
                    ("content_based",),
                    f"a member of {sname!r} (which the other duties exclude) is not content-based",
                    hint=f"drop content_based: or leave the set {sname!r}",
                )
    for i, sid in enumerate(m.rates_from or []):
        if sid not in measures:
            fail(
                ("rates_from", i),
                f"unknown measure {sid!r}",
                hint="name measure ids (file stems) whose rates this measure charges",
            )
    for o, hist in (m.rates_by_origin or {}).items():
        p = _origin_ok(o, allow_star=False)
        if p:
            fail(("rates_by_origin", o), p)
        for d in hist:
            if d >= coverage[1]:
                fail(
                    ("rates_by_origin", o, d),
                    f"{d} is after the library's last day {coverage[1] - dt.timedelta(days=1)}",
                )

    # origins
    for key in ("origins", "exclude_origins"):
        for i, o in enumerate(getattr(m.scope, key)):
            p = _origin_ok(o, allow_star=key == "origins")
            if p:
                fail(("scope", key, i), p)
    # products
    if not m.is_mfn and m.scope.products is None:
        fail(("scope",), '`products:` is required (use ["*"] for every product)')
    for key in ("products", "exclude_products"):
        for i, prod in enumerate(getattr(m.scope, key) or []):
            if isinstance(prod, S.ListRef) and prod.list not in lists:
                fail(
                    ("scope", key, i),
                    f"unknown list {prod.list!r}",
                    hint=f"define it in lists.yaml (known: {', '.join(sorted(lists)) or 'none'})",
                )
            if key == "exclude_products" and prod == "*":
                fail(("scope", key, i), "'*' would exclude every product")

    # values
    prev: dt.date | None = None
    from tariffsim.core import countries

    for i, v in enumerate(m.values):
        if v.start < EARLIEST_DATE:
            fail(("values", i, "start"), f"{v.start} is before 1930-06-17 (a typo?)")
        if prev is not None and v.start <= prev:
            fail(
                ("values", i, "start"),
                f"{v.start} must be after the previous start {prev} (starts strictly increase; append amendments in date order)",
            )
        prev = v.start
        if v.start >= coverage[1] and not v.stops:
            fail(
                ("values", i, "start"),
                f"{v.start} is after the library's last day {coverage[1] - dt.timedelta(days=1)}",
                hint="only a value that stops the measure (rate: null) may lie beyond coverage",
            )
        if m.is_mfn:
            if v.rate is not None or v.rates is not None:
                fail(("values", i), "an MFN value gives `hts:` (an edition), not rates")
            if v.hts is None and not v.stops:
                fail(("values", i), "an MFN value needs `hts:` (e.g. 2025_basic)")
            for o in v.programs or {}:
                p = _origin_ok(o, allow_star=False)
                if p:
                    fail(("values", i, "programs", o), p)
            for j, o in enumerate(v.column2.origins if v.column2 else []):
                p = _origin_ok(o, allow_star=False)
                if p:
                    fail(("values", i, "column2", "origins", j), p)
        else:
            for key in ("hts", "programs", "program_shares", "column2"):
                if getattr(v, key) is not None:
                    fail(("values", i, key), f"`{key}:` is only for the MFN measure")
        if v.rates:
            members: dict[str, str] = {}
            for o in v.rates:
                p = _origin_ok(o, allow_star=True)
                if p:
                    fail(("values", i, "rates", o), p)
                if o != "*" and countries.is_group(o):
                    for mem in countries.expand(o):
                        if mem in members:
                            fail(
                                ("values", i, "rates", o),
                                f"groups {members[mem]} and {o} both contain {mem}",
                            )
                        members[mem] = o
    # suspensions
    for i, s in enumerate(m.suspensions):
        if m.is_mfn:
            fail(("suspensions", i), "MFN has no suspensions")
        if s.start >= coverage[1] or s.start < EARLIEST_DATE:
            fail(
                ("suspensions", i, "start"),
                f"{s.start} is outside the library's coverage (last day "
                f"{coverage[1] - dt.timedelta(days=1)})",
            )
        for key in ("origins", "except_origins"):
            for j, o in enumerate(getattr(s, key)):
                p = _origin_ok(o, allow_star=key == "origins")
                if p:
                    fail(("suspensions", i, key, j), p)


def field_text(path: tuple[Any, ...]) -> str:
    """A location in a measure or reform file as text: ``values[1].rate`` (dates as ISO)."""
    ftxt = ""
    for p in path:
        if isinstance(p, int):
            ftxt += f"[{p}]"
        else:
            p = p.isoformat() if isinstance(p, dt.date) else p
            ftxt += f".{p}" if ftxt else str(p)
    return ftxt


def check_library(
    spec: LibrarySpec, *, places: dict[str, tuple[str, tuple[Any, ...]]] | None = None
) -> None:
    """Whole-library checks. ``places`` maps measure ids to (file, path prefix) when they were not
    read from their own file (reforms)."""

    def where(mid: str) -> tuple[str, tuple[Any, ...]]:
        return (places or {}).get(mid, (spec.files.get(mid, mid), ()))

    def fail(mid: str, path: tuple[Any, ...], msg: str, hint: str | None = None) -> InputError:
        name, prefix = where(mid)
        full = (*prefix, *path)
        return _err(name, spec.raw.get(name), full, field_text(full), msg, hint)

    for m in sorted(spec.measures.values(), key=lambda x: x.id):
        name, prefix = where(m.id)
        check_measure(
            m,
            name=name,
            data=spec.raw.get(name),
            measures=spec.measures,
            lists=set(spec.lists),
            sets=spec.sets,
            coverage=spec.coverage,
            prefix=prefix,
        )
    # a set that must hold every measure of an authority
    members = resolve.set_members(spec.measures, spec.sets)
    for sname, sdef in sorted(spec.sets.items()):
        if sdef.must_include is None:
            continue
        for m in sorted(spec.measures.values(), key=lambda x: x.id):
            if (
                m.authority == sdef.must_include
                and m.id not in members[sname]
                and m.content_based is None
            ):
                raise fail(
                    m.id,
                    ("authority",),
                    f"a {m.authority} measure in no set that the other duties exclude: add "
                    f"`member_of: [{sname}]` ({sdef.title}), or `content_based: <why the other "
                    "duties may stack on it>` if it taxes only part of the value",
                    hint=f"see docs/adding-a-measure.md; set {sname!r} is declared in "
                    f"{spec.files.get('set:' + sname, 'library.yaml')}",
                )
    try:
        resolved = spec.resolved()
    except resolve.ResolveError as exc:
        raise fail(exc.measure, exc.path, exc.message, exc.hint) from None
    from tariffsim.core import countries

    for r in resolved:
        for v in r.values:
            members_of: dict[str, str] = {}
            for o in v.rates or {}:
                if o != "*" and countries.is_group(o):
                    for mem in countries.expand(o):
                        if mem in members_of:  # own values were checked: a history made this
                            raise fail(
                                r.measure.id,
                                ("rates_by_origin",),
                                f"groups {members_of[mem]} and {o} both contain {mem} "
                                f"(value of {v.start} once the histories apply)",
                            )
                        members_of[mem] = o


def read_cases(path: Path, *, name: str | None = None) -> tuple[S.CasesFile, Any]:
    """Read a legal-case file (``cases: [...]``)."""
    name = name or str(path)
    data = read_yaml(path, name=name)
    return validate(S.CasesFile, data, name), data


def unpublished(spec: LibrarySpec) -> list[str]:
    """The values and suspensions that give no ``published`` date (``measure: value of DAY``): the
    law as known on a day treats them as known from their legal start (audit them)."""
    out: list[str] = []
    for mid in sorted(spec.measures):
        m = spec.measures[mid]
        out += [f"{mid}: value of {v.start}" for v in m.values if v.published is None]
        out += [f"{mid}: suspension of {x.start}" for x in m.suspensions if x.published is None]
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m tariffsim.schedule.loader [ROOT] [--published]``: validate a library folder and
    its cases; ``--published`` also lists the values and suspensions without a publication date."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    audit = "--published" in args
    args = [a for a in args if a != "--published"]
    root = Path(args[0]) if args else US_ROOT
    try:
        spec = load_library(root)
        n_cases = 0
        for p in sorted((root / "cases").glob("*.yaml")):
            cf, _ = read_cases(p, name=_display(p, root))
            n_cases += len(cf.cases)
    except InputError as exc:
        print(f"error: {exc}")
        if exc.hint:
            print(f"hint: {exc.hint}")
        for where, msg in getattr(exc, "errors", [])[1:]:
            print(f"       {where}: {msg}")
        return 2
    print(f"ok: {len(spec.measures)} measures, {len(spec.lists)} lists, {n_cases} cases in {root}")
    if audit:
        missing = unpublished(spec)
        print(
            f"{len(missing)} values or suspensions give no published date (known from their start):"
        )
        for line in missing:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
