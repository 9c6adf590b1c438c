"""Reforms: a patch file (add / change / remove measures) → a new Schedule.

The baseline is never mutated: the pydantic models are frozen and copied with ``model_copy``; the
baseline's resolved lists, HTS editions and shares are shared read-only with the new rules.

Change semantics (``docs/measure-format.md``, "A reform (patch) file"): ``values`` replaces the
step function; ``append_values`` amends it from its first start on (baseline values starting on or
after that day are dropped); ``suspensions`` replaces, ``append_suspensions`` adds; every other field
given replaces the baseline's. Removing a measure that another still names in ``excluded_by`` or
``floor_base`` is an error. The result is validated like a library (same checks, same ``file:line``
errors pointing into the reform file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tariffsim.core.errors import InputError
from tariffsim.schedule import schema as S
from tariffsim.schedule.yamlio import FORMAT_HINT, line_of, read_yaml, validate


def read_reform(path: str | Path) -> tuple[S.Reform, Any, str]:
    p = Path(path)
    name = p.name if not p.is_absolute() else str(p)
    name = str(path)
    data = read_yaml(p, name=name)
    if data is None:
        raise InputError(
            "empty reform file", where=f"{name}:1", hint="give add:, change: or remove:"
        )
    return validate(S.Reform, data, name), data, name


def apply_reform(baseline: Any, reform: Any) -> Any:
    """A new :class:`~tariffsim.schedule.engine.Schedule` = ``baseline`` with ``reform`` applied.

    ``reform``: a path to a YAML patch file, or a :class:`~tariffsim.schedule.schema.Reform`.
    """
    from tariffsim.schedule.engine import Schedule
    from tariffsim.schedule.loader import LibrarySpec, check_library
    from tariffsim.schedule.rules import build_rules

    if isinstance(reform, S.Reform):
        model, data, name = reform, None, "<reform>"
    else:
        model, data, name = read_reform(reform)

    def fail(path: tuple[Any, ...], msg: str, hint: str | None = None) -> InputError:
        line = line_of(data, path) if data is not None else 1
        ftxt = ""
        for p in path:
            ftxt += f"[{p}]" if isinstance(p, int) else (f".{p}" if ftxt else str(p))
        return InputError(f"{ftxt}: {msg}", where=f"{name}:{line}", hint=hint or FORMAT_HINT)

    base = baseline.spec
    measures: dict[str, S.Measure] = dict(base.measures)
    places: dict[str, tuple[str, tuple[Any, ...]]] = {}
    known = ", ".join(sorted(measures))

    for i, mid in enumerate(model.remove):
        if mid not in measures:
            raise fail(("remove", i), f"unknown measure {mid!r}", hint=f"known: {known}")
        del measures[mid]
    for mid, ch in model.change.items():
        if mid not in measures:
            raise fail(("change", mid), f"unknown measure {mid!r}", hint=f"known: {known}")
        old = measures[mid]
        update: dict[str, Any] = {}
        for f in ch.model_fields_set:
            if f in ("append_values", "append_suspensions"):
                continue
            update[f] = getattr(ch, f)
        if ch.append_values:
            first = ch.append_values[0].start
            kept = [v for v in old.values if v.start < first]
            update["values"] = [*kept, *ch.append_values]
        if ch.append_suspensions:
            update["suspensions"] = [
                *(update.get("suspensions") or old.suspensions),
                *ch.append_suspensions,
            ]
        new = S.Measure.model_validate(
            {**old.model_dump(), **{k: _dump(v) for k, v in update.items()}}
        )
        measures[mid] = new
        places[mid] = (name, ("change", mid))
    for i, m in enumerate(model.add):
        if m.id in measures:
            raise fail(
                ("add", i, "id"), f"measure {m.id!r} already exists", hint="use change: to amend it"
            )
        measures[m.id] = m
        places[m.id] = (name, ("add", i))

    # a removed measure must not still be referred to
    for m in measures.values():
        named = [("excluded_by", m.excluded_by), ("floor_base", m.floor_base)]
        named += [("values.excluded_by", v.excluded_by or []) for v in m.values]
        for key, refs in named:
            for ref in refs:
                if ref in model.remove:
                    where = places.get(m.id)
                    raise fail(
                        ("remove", model.remove.index(ref)),
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
        lists=base.lists,
        coverage=base.coverage,
        files=dict(base.files),
        raw=raw,
    )
    check_library(spec, places=places)
    rules = build_rules(spec, baseline._source, reuse=baseline.rules)
    label = model.title or name
    return Schedule(
        rules,
        root=baseline._root,
        spec=spec,
        source=baseline._source,
        name=baseline.name,
        reform=label,
    )


def _dump(v: Any) -> Any:
    if isinstance(v, list):
        return [_dump(x) for x in v]
    if hasattr(v, "model_dump"):
        return v.model_dump(exclude_unset=False)
    return v
