"""Reforms: a patch (add / change / remove measures) applied to a library spec → a new spec.

:func:`apply_to_spec` is a pure function ``LibrarySpec × Reform → LibrarySpec``; the baseline is
never mutated (pydantic models are frozen and copied). :meth:`Schedule.apply_reform
<tariffsim.schedule.engine.Schedule.apply_reform>` builds the new schedule from the new spec.

Operations on a measure (``change: {id: …}``), each touching only what it names
(``docs/measure-format.md``, "A reform (patch) file"):

* ``set_rate: [{origin, start, end?, rate | floor, reference, …}]`` — one origin's rate from a date
  (to ``end``, exclusive; afterwards what it paid before). Written into the measure's
  ``rates_by_origin``: entries of that origin in ``[start, end)`` are replaced; without ``end`` every
  later entry of that origin is. Measures that take their rates from this one (``rates_from``)
  follow.
* ``insert_values`` — values added to the step function; one whose start equals an existing
  value's replaces it; later values are kept. ``remove_values: [start, …]`` deletes values.
  ``values`` replaces the whole step function.
* ``add_products``, ``add_exclude_products``, ``add_origins``, ``add_exclude_origins`` — items
  appended to the scope; ``scope`` replaces it.
* ``append_suspensions`` adds, ``suspensions`` replaces; every other field replaces the measure's.

A reform may also add product lists (``lists:``) and measure sets (``sets:``). Removing a measure
that another still names (``excluded_by``, ``floor_base``, ``rates_from``, a set's ``except``) is an
error. The result is validated like a library, with errors pointing into the reform file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tariffsim.core.errors import InputError
from tariffsim.core.yamlio import FORMAT_HINT, line_of
from tariffsim.schedule import schema as S
from tariffsim.schedule.loader import LibrarySpec, check_library, field_text


def read_reform(path: str | Path) -> S.Reform:
    """A reform file read and validated (errors ``file:line: field: problem``)."""
    from tariffsim.core.yamlio import read_yaml, validate

    name = str(path)
    data = read_yaml(Path(path), name=name)
    if data is None:
        raise InputError(
            "empty reform file", where=f"{name}:1", hint="give add:, change: or remove:"
        )
    model: S.Reform = validate(S.Reform, data, name)
    return model.with_source(data, name)


def _dump(m: Any) -> Any:
    return m.model_dump(by_alias=True) if hasattr(m, "model_dump") else m


def _set_rate(hist: dict[str, dict[dt.date, Any]], op: S.SetRate) -> dict[str, dict[dt.date, Any]]:
    """``hist`` (rates_by_origin) with ``op`` written in (see the module docstring)."""
    orig = dict(hist.get(op.origin, {}))
    h = {d: e for d, e in orig.items() if d < op.start or (op.end is not None and d >= op.end)}
    h[op.start] = op.spec()
    if op.end is not None and op.end not in orig:
        before = [d for d in orig if d < op.end]
        h[op.end] = orig[max(before)] if before else S.INHERIT
    return {**hist, op.origin: dict(sorted(h.items()))}


def _changed(old: S.Measure, ch: S.MeasureChange, fail: Any, mid: str) -> S.Measure:
    special = {
        "set_rate",
        "insert_values",
        "remove_values",
        "add_products",
        "add_exclude_products",
        "add_origins",
        "add_exclude_origins",
        "append_suspensions",
        "order",
        "append_values",
    }
    update: dict[str, Any] = {f: getattr(ch, f) for f in ch.model_fields_set if f not in special}
    values = list(update.get("values", old.values))
    if ch.remove_values:
        starts = [v.start for v in values]
        for i, d in enumerate(ch.remove_values):
            if d not in starts:
                raise fail(
                    ("change", mid, "remove_values", i),
                    f"{mid} has no value starting on {d}",
                    hint="its values start on: " + ", ".join(str(s) for s in starts),
                )
        values = [v for v in values if v.start not in set(ch.remove_values)]
    if ch.insert_values:
        by_start = {v.start: v for v in values}
        for v in ch.insert_values:
            by_start[v.start] = v
        values = [by_start[d] for d in sorted(by_start)]
    if ch.remove_values or ch.insert_values:
        update["values"] = values
    if ch.set_rate:
        hist = {
            o: dict(h)
            for o, h in (update.get("rates_by_origin") or old.rates_by_origin or {}).items()
        }
        for op in ch.set_rate:
            hist = _set_rate(hist, op)
        update["rates_by_origin"] = hist
    scope_adds = {
        "products": ch.add_products,
        "exclude_products": ch.add_exclude_products,
        "origins": ch.add_origins,
        "exclude_origins": ch.add_exclude_origins,
    }
    if any(v for v in scope_adds.values()):
        scope = old.scope
        upd: dict[str, Any] = {}
        for key, add in scope_adds.items():
            if add:
                upd[key] = [*(getattr(scope, key) or []), *add]
        update["scope"] = scope.model_copy(update=upd)
    if ch.append_suspensions:
        update["suspensions"] = [
            *(update.get("suspensions") or old.suspensions),
            *ch.append_suspensions,
        ]
    data = old.model_dump(by_alias=True)
    for k, v in update.items():
        data[k] = [_dump(x) for x in v] if isinstance(v, list) else _dump(v)
    return S.Measure.model_validate(data)


def apply_to_spec(base: LibrarySpec, reform: S.Reform) -> LibrarySpec:
    """A new spec = ``base`` with ``reform`` applied (pure: ``base`` is not changed)."""
    data, name = reform.source()

    def fail(path: tuple[Any, ...], msg: str, hint: str | None = None) -> InputError:
        line = line_of(data, path) if data is not None else 1
        return InputError(
            f"{field_text(path)}: {msg}", where=f"{name}:{line}", hint=hint or FORMAT_HINT
        )

    measures: dict[str, S.Measure] = dict(base.measures)
    places: dict[str, tuple[str, tuple[Any, ...]]] = {}
    files = dict(base.files)
    known = ", ".join(sorted(measures))

    lists = dict(base.lists)
    for lname, ldef in reform.lists.items():
        if lname in lists:
            raise fail(("lists", lname), f"list {lname!r} already exists", hint="choose a new name")
        lists[lname] = ldef
        files["list:" + lname] = name
    sets = dict(base.sets)
    for sname, sdef in reform.sets.items():
        if sname in sets:
            raise fail(("sets", sname), f"set {sname!r} already exists", hint="choose a new name")
        sets[sname] = sdef
        files["set:" + sname] = name

    for i, mid in enumerate(reform.remove):
        if mid not in measures:
            raise fail(("remove", i), f"unknown measure {mid!r}", hint=f"known: {known}")
        del measures[mid]
    for mid, ch in reform.change.items():
        if mid not in measures:
            raise fail(("change", mid), f"unknown measure {mid!r}", hint=f"known: {known}")
        try:
            measures[mid] = _changed(measures[mid], ch, fail, mid)
        except InputError:
            raise
        except ValueError as exc:  # a pydantic rule of the combined measure
            raise fail(("change", mid), str(exc).splitlines()[-1].strip()) from None
        places[mid] = (name, ("change", mid))
    for i, m in enumerate(reform.add):
        if m.id in measures:
            raise fail(
                ("add", i, "id"), f"measure {m.id!r} already exists", hint="use change: to amend it"
            )
        measures[m.id] = m
        places[m.id] = (name, ("add", i))

    # a removed measure must not still be named
    removed = set(reform.remove)
    for m in measures.values():
        named: list[tuple[str, list[str]]] = [
            ("excluded_by", [r for r in m.excluded_by if isinstance(r, str)]),
            ("floor_base", list(m.floor_base)),
            ("rates_from", list(m.rates_from or [])),
        ]
        named += [
            (
                "excluded_by",
                [x for r in m.excluded_by if isinstance(r, S.SetRef) for x in r.except_],
            )
        ]
        named += [
            ("values.excluded_by", [r for r in v.excluded_by or [] if isinstance(r, str)])
            for v in m.values
        ]
        for key, refs in named:
            for ref in refs:
                if ref in removed:
                    where = places.get(m.id)
                    raise fail(
                        ("remove", reform.remove.index(ref)),
                        f"{m.id}.{key} still names {ref!r}"
                        + ("" if where else f" (in {base.files.get(m.id, m.id)})"),
                        hint=f"also change {m.id}.{key} in the reform",
                    )

    raw = dict(base.raw)
    if data is not None:
        raw[name] = data
    spec = LibrarySpec(
        root=base.root,
        measures=measures,
        lists=lists,
        coverage=base.coverage,
        files=files,
        raw=raw,
        sets=sets,
    )
    check_library(spec, places=places)
    return spec
