"""Negotiation cases: a validated, frozen :class:`Case` from a case file or from the generator.

The file format is :mod:`tariffsim.negotiation.schema` (pydantic); files are read with the project's
line-aware YAML reader, so every error names ``file:line: field``. A file with ``generate:
{partner: JPN}`` starts from the generated case of that partner on the file's ``as_of``
(:func:`tariffsim.negotiation.generate.generate_case_file`) and overrides it: entries of
``sources``, ``parameters``, ``constituencies`` replace the generated ones of the same name, issues
and pivots replace those of the same name (others are added), and top-level scalars replace.

Shipped cases live in ``tariffsim/negotiation/cases/<id>.yaml``; :func:`load_case` takes an id, a
path, or a :class:`~tariffsim.negotiation.schema.CaseFile`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tariffsim.core.errors import InputError
from tariffsim.negotiation.schema import CaseFile, IssueSpec, PowerSpec, check_references

CASES_DIR = Path(__file__).resolve().parent / "cases"
FORMAT_HINT = "see docs/negotiation.md (case files) for the format"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    date: dt.date
    path: str = ""


@dataclass(frozen=True)
class Param:
    """A dated, sourced number with its unit, help line and (for priors) range."""

    name: str
    value: Any
    source: str
    unit: str = ""
    help: str = ""
    low: float | None = None
    high: float | None = None
    kind: str = "fact"
    date: dt.date | None = None
    note: str = ""
    derived: tuple[str, float] | None = None  # (prior, factor): value = factor × prior

    @property
    def ranged(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True)
class Constituency:
    name: str
    party: str
    weight: float
    stakes: Mapping[str, float | str]  # a number, or the name of a parameter
    source: str
    note: str = ""
    scale: float = 1.0  # tied-hands scaling of the stakes (1 = as in the case file)
    scaled_channels: tuple[str, ...] | None = None
    weight_ref: str | None = None  # the parameter the weight comes from, if any


@dataclass(frozen=True)
class Pivot:
    """A veto point: passes with probability Φ((U_v(p) − U_v(no deal) − threshold) / σ)."""

    name: str
    party: str
    constituency: str
    sigma: Param
    threshold: Param
    issues: tuple[str, ...] | None
    source: str
    needed: Param
    note: str = ""
    active_from: dt.date | None = None
    active_until: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        if self.active_from is not None and day < self.active_from:
            return False
        return not (self.active_until is not None and day >= self.active_until)


@dataclass(frozen=True)
class ThreatDraw:
    value: Any
    prob: float | str
    start: dt.date
    source: str
    note: str = ""


Issue = IssueSpec
"""A case issue is its schema entry (frozen)."""


@dataclass(frozen=True)
class Case:
    """A negotiation case at one set of parameter values (see :meth:`with_values`)."""

    id: str
    title: str
    as_of: dt.date
    parties: tuple[str, str]  # (imposer, partner)
    party_names: Mapping[str, str]
    horizon_years: float
    sources: Mapping[str, Source]
    parameters: Mapping[str, Param]
    constituencies: Mapping[str, Constituency]
    pivots: tuple[Pivot, ...]
    issues: tuple[IssueSpec, ...]
    retaliation: Mapping[str, Any]
    spec: CaseFile
    path: Path | None = None
    tied_hands: tuple[str, float, tuple[str, ...] | None] | None = None
    bargaining_power: float | str | PowerSpec | None = None
    discount_rate: float | str = 0.0
    provenance: Mapping[str, Any] = field(default_factory=dict)

    # ---- lookups ----------------------------------------------------------------------------
    @property
    def partner(self) -> str:
        return self.parties[1]

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.issues)

    def issue(self, name: str) -> IssueSpec:
        for i in self.issues:
            if i.name == name:
                return i
        raise InputError(
            f"case {self.id} has no issue {name!r}", hint=f"issues: {list(self.issue_names)}"
        )

    def has_issue(self, name: str) -> bool:
        return name in self.issue_names

    def value(self, name: str) -> Any:
        """The value of parameter ``name``."""
        try:
            return self.parameters[name].value
        except KeyError:
            raise InputError(f"case {self.id} has no parameter {name!r}") from None

    def number(self, ref: float | str) -> float:
        """A literal number, the value of the parameter it names, or ``1-name`` (its complement)."""
        if isinstance(ref, str):
            if ref.startswith("1-"):
                return 1.0 - float(self.value(ref[2:]))
            return float(self.value(ref))
        return float(ref)

    def stakes_of(self, name: str) -> dict[str, float]:
        """A constituency's stakes as numbers (parameters resolved, tied-hands scale applied)."""
        c = self.constituencies[name]
        out = {}
        for ch, v in c.stakes.items():
            x = self.number(v)
            if c.scaled_channels is None or ch in c.scaled_channels:
                x *= c.scale
            out[ch] = x
        return out

    def numeric_params(self) -> dict[str, Param]:
        """Parameters with a [low, high] range (the priors varied jointly by the uncertainty)."""
        return {k: p for k, p in self.parameters.items() if p.ranged}

    def agenda(self) -> Any:  # -> domain.Agenda
        from tariffsim.negotiation.domain import Agenda, Issue

        return Agenda(
            tuple(
                Issue(i.name, tuple(i.levels), i.unit, i.kind, i.description) for i in self.issues
            )
        )

    # ---- variants -----------------------------------------------------------------------------
    def with_values(self, overrides: Mapping[str, Any]) -> Case:
        """A copy with parameter values replaced. Constituency weights given as numbers are
        addressed as ``weight:<constituency>``; unknown names are an error."""
        params = dict(self.parameters)
        cons = dict(self.constituencies)
        for name, v in overrides.items():
            if name.startswith(("sigma:", "threshold:")):
                kind, pv_name = name.split(":", 1)
                pv = next((x for x in self.pivots if x.name == pv_name), None)
                if pv is None:
                    raise InputError(f"case {self.id} has no pivot {pv_name!r}")
                ref = getattr(pv, kind).name
                if ref not in params:
                    raise InputError(
                        f"the {kind} of pivot {pv_name!r} is a number in the case file"
                    )
                params[ref] = dataclasses.replace(params[ref], value=float(v))
            elif name.startswith("weight:"):
                cn = name.split(":", 1)[1]
                if cn not in cons:
                    raise InputError(f"case {self.id} has no constituency {cn!r}")
                c = cons[cn]
                if c.weight_ref is not None:
                    params[c.weight_ref] = dataclasses.replace(params[c.weight_ref], value=float(v))
                cons[cn] = dataclasses.replace(c, weight=float(v))
            elif name in params:
                params[name] = dataclasses.replace(params[name], value=v)
            else:
                raise InputError(f"case {self.id} has no parameter {name!r}")
        # weights that name a parameter follow it
        for cn, c in cons.items():
            if c.weight_ref is not None:
                cons[cn] = dataclasses.replace(c, weight=float(params[c.weight_ref].value))
        return dataclasses.replace(self, parameters=params, constituencies=cons)

    def scale_constituency(
        self, name: str, factor: float, channels: tuple[str, ...] | None = None
    ) -> Case:
        """The constituency's weight and stakes (on ``channels`` only, if given) × ``factor``."""
        if name not in self.constituencies:
            raise InputError(f"case {self.id} has no constituency {name!r}")
        c = self.constituencies[name]
        if channels is not None:
            unknown = [ch for ch in channels if ch not in c.stakes]
            if unknown:
                raise InputError(f"constituency {name!r} has no stake in {unknown}")
        cons = dict(self.constituencies)
        cons[name] = dataclasses.replace(
            c,
            weight=c.weight * factor,
            weight_ref=None,
            scale=c.scale * factor,
            scaled_channels=tuple(channels) if channels is not None else c.scaled_channels,
        )
        return dataclasses.replace(self, constituencies=cons)


# --------------------------------------------------------------------------------------------
# CaseFile → Case
# --------------------------------------------------------------------------------------------


def _param(
    name: str, ref: float | str, params: Mapping[str, Param], unit: str, source: str
) -> Param:
    if isinstance(ref, str):
        return params[ref]
    return Param(name=name, value=float(ref), source=source, unit=unit, help=name)


def build_case(cf: CaseFile, *, path: Path | None = None) -> Case:
    """The runtime :class:`Case` of a validated case file (references already checked)."""
    sources = {k: Source(k, s.title, s.date, s.path or s.url or "") for k, s in cf.sources.items()}
    params: dict[str, Param] = {}
    for k, p in cf.parameters.items():
        params[k] = Param(
            name=k,
            value=p.value,
            source=p.source,
            unit=p.unit,
            help=p.help,
            low=p.low,
            high=p.high,
            kind=p.kind,
            date=p.date or sources[p.source].date,
            note=p.note,
            derived=(p.derived.prior, float(p.derived.factor)) if p.derived else None,
        )
    cons: dict[str, Constituency] = {}
    for k, c in cf.constituencies.items():
        ref = c.weight if isinstance(c.weight, str) else None
        cons[k] = Constituency(
            name=k,
            party=c.party,
            weight=float(params[ref].value) if ref else float(c.weight),
            stakes=dict(c.stakes),
            source=c.source,
            note=c.note,
            weight_ref=ref,
        )
    pivots = tuple(
        Pivot(
            name=pv.name,
            party=pv.party,
            constituency=pv.constituency,
            sigma=_param(f"sigma:{pv.name}", pv.sigma, params, "USD bn/yr", pv.source),
            threshold=_param(f"threshold:{pv.name}", pv.threshold, params, "USD bn/yr", pv.source),
            issues=tuple(pv.issues) if pv.issues is not None else None,
            source=pv.source,
            needed=_param(f"needed:{pv.name}", pv.needed, params, "probability", pv.source),
            note=pv.note,
            active_from=pv.active_from,
            active_until=pv.active_until,
        )
        for pv in cf.pivots
    )
    r = cf.retaliation
    ret: dict[str, Any] = {"allowed": r.allowed, "note": r.note}
    if r.allowed:
        ret.update(rate=r.rate, prob=r.prob, source=r.source)
    th = cf.tied_hands
    imposer, partner = cf.party_codes
    return Case(
        id=cf.id,
        title=cf.title,
        as_of=cf.as_of,
        parties=(imposer, partner),
        party_names={k: v.name for k, v in cf.parties.items()},
        horizon_years=float(cf.horizon_years),
        sources=sources,
        parameters=params,
        constituencies=cons,
        pivots=pivots,
        issues=tuple(cf.issues),
        retaliation=ret,
        spec=cf,
        path=path,
        tied_hands=None
        if th is None
        else (th.constituency, float(th.factor), tuple(th.channels) if th.channels else None),
        bargaining_power=cf.bargaining_power,
        discount_rate=cf.discount_rate,
        provenance=dict(cf.provenance),
    )


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _yamlio() -> Any:
    from tariffsim.core import yamlio

    return yamlio


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """A generated case (``base``, plain dicts) overridden by a file's entries (``over``)."""
    out = dict(base)
    for key, val in over.items():
        if key == "generate":
            continue
        if key in ("sources", "parameters", "constituencies") and isinstance(val, Mapping):
            merged = dict(out.get(key) or {})
            merged.update(val)
            out[key] = merged
        elif key in ("issues", "pivots") and isinstance(val, list):
            items = list(out.get(key) or [])
            names = [i.get("name") for i in items]
            for item in val:
                name = item.get("name") if isinstance(item, Mapping) else None
                if name in names:
                    items[names.index(name)] = item
                else:
                    items.append(item)
            out[key] = items
        else:
            out[key] = val
    return out


def case_path(case: str | Path) -> Path:
    """Resolve a case id (shipped) or a path to a YAML file."""
    p = Path(case)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise InputError(
                f"case file not found: {p}", hint="give a shipped case id or an existing YAML file"
            )
        return p
    shipped = CASES_DIR / f"{case}.yaml"
    if shipped.is_file():
        return shipped
    raise InputError(
        f"unknown case {str(case)!r}",
        hint=f"shipped cases: {', '.join(list_cases())}; a path to a YAML file; or a partner with "
        "--as-of (tariffsim negotiate JPN --as-of 2025-04-15)",
    )


def list_cases() -> list[str]:
    """Ids of the shipped case files."""
    return sorted(p.stem for p in CASES_DIR.glob("*.yaml"))


def validate_case(raw: Any, name: str, *, path: Path | None = None) -> Case:
    """Validate a case read from YAML (``raw``, line-aware) or built in memory; errors name
    ``name:line: field``."""
    yamlio = _yamlio()
    if isinstance(raw, Mapping) and raw.get("generate") is not None:
        gen = raw["generate"]
        partner = gen.get("partner") if isinstance(gen, Mapping) else None
        as_of = raw.get("as_of")
        if not isinstance(partner, str) or as_of is None:
            raise InputError(
                "generate: needs partner, and the file needs as_of",
                where=f"{name}:{yamlio.line_of(raw, ('generate',))}",
            )
        from tariffsim.negotiation.generate import generate_case_file

        base = generate_case_file(partner, _as_date(as_of, name, raw)).model_dump(mode="json")
        merged = _merge(base, raw)
        cf = _validated(merged, raw, name)
    else:
        cf = _validated(raw, raw, name)

    def where(p: tuple[Any, ...]) -> str:
        return f"{name}:{yamlio.line_of(raw, p)}: " + ".".join(
            f"[{x}]" if isinstance(x, int) else str(x) for x in p
        ).replace(".[", "[")

    check_references(cf, where)
    return build_case(cf, path=path)


def _as_date(v: Any, name: str, raw: Any) -> dt.date:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise InputError(f"as_of {v!r} is not a date", where=f"{name}", hint="YYYY-MM-DD") from None


def _validated(data: Any, raw: Any, name: str) -> CaseFile:
    from pydantic import ValidationError

    yamlio = _yamlio()
    if not isinstance(data, Mapping):
        raise InputError("a case file must be a mapping at the top level", where=f"{name}:1")
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        err = yamlio.validation_error(exc, raw, name)
        err.hint = FORMAT_HINT
        raise err from None


def load_case(case: str | Path | CaseFile) -> Case:
    """Load and validate a case (shipped id, path, or CaseFile). Errors name ``file:line``."""
    if isinstance(case, CaseFile):
        check_references(case, lambda p: f"{case.id}: " + ".".join(map(str, p)))
        return build_case(case)
    path = case_path(case)
    yamlio = _yamlio()
    name = path.name
    raw = yamlio.read_yaml(path, name=name)
    return validate_case(raw, name, path=path)


# ---- shims for modules that still read YAML through this module (backtest.py, owned by
# research; removed once it uses core.yamlio) --------------------------------------------------


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.name = Path(path).name

    def where(self, node: Any, key: Any = None, field_name: str = "") -> str:
        line = getattr(node, "line", 0)
        if key is not None:
            kl = getattr(node, "key_lines", None)
            il = getattr(node, "item_lines", None)
            if isinstance(kl, dict) and key in kl:
                line = kl[key]
            elif isinstance(il, list) and isinstance(key, int) and key < len(il):
                line = il[key]
        loc = f"{self.name}:{line}"
        return f"{loc}: {field_name}" if field_name else loc

    def need(self, node: Any, key: str, field_name: str) -> Any:
        if not isinstance(node, Mapping) or key not in node:
            raise InputError(
                f"missing required field {key!r}", where=self.where(node, None, field_name)
            )
        return node[key]


def _read_yaml(path: Path) -> Any:
    data = _yamlio().read_yaml(Path(path), name=Path(path).name)
    if not isinstance(data, dict):
        raise InputError(
            "a case file must be a mapping at the top level", where=f"{Path(path).name}:1"
        )
    return data
