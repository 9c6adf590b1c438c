"""Negotiation case files: YAML → a validated, frozen :class:`Case`.

A case describes one bilateral negotiation *as it stood on a date* (``as_of``): the parties and
their constituencies, the veto players (pivots), the issues with their levels and units, the
economic inputs (2024 trade read from the data layer, dated parameters) and the threat of no deal.

Rules the loader enforces (each violation is an :class:`InputError` naming ``file:line``):

* every source has a ``date`` and every number names a ``source`` (an id of ``sources:``);
* **no look-ahead**: a source, parameter, threat draw or trade input dated after ``as_of`` is
  refused — a case built on 15 April 2025 cannot use what became known later;
* every parameter a model refers to exists; every issue level list is non-empty and its no-deal
  and status-quo values are levels (or, for threats, numbers).

Shipped cases live in ``tariffsim/negotiation/cases/<id>.yaml``; :func:`load_case` takes an id or a
path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tariffsim.core.errors import InputError

CASES_DIR = Path(__file__).resolve().parent / "cases"

# --------------------------------------------------------------------------------------------
# YAML with line numbers
# --------------------------------------------------------------------------------------------


class _LineDict(dict):
    """A dict that remembers the 1-based line of each key (``lines``) and its own (``line``)."""

    line: int = 0
    lines: dict[str, int]


class _LineList(list):
    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise InputError(
                f"duplicate key {key!r}",
                where=f"{Path(loader.name).name}:{key_node.start_mark.line + 1}",
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[str(key)] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _LineList:
    out = _LineList(loader.construct_object(v, deep=True) for v in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [v.start_mark.line + 1 for v in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _read_yaml(path: Path) -> _LineDict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    loader = _Loader(text)
    loader.name = str(path)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise InputError(
            f"YAML syntax error: {exc.problem}",
            where=f"{path.name}:{line}",
            hint="check indentation and quoting",
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError("a case file must be a mapping at the top level", where=f"{path.name}:1")
    return data


class _Ctx:
    """Where-am-I helper for error messages: ``file:line: field``."""

    def __init__(self, path: Path) -> None:
        self.name = path.name

    def where(self, node: Any, key: str | int | None = None, field_name: str = "") -> str:
        line = getattr(node, "line", 0)
        if key is not None:
            lines = getattr(node, "lines", None)
            if isinstance(lines, dict) and str(key) in lines:
                line = lines[str(key)]
            elif isinstance(lines, list) and isinstance(key, int) and key < len(lines):
                line = lines[key]
        loc = f"{self.name}:{line}"
        return f"{loc}: {field_name}" if field_name else loc

    def need(self, node: Mapping, key: str, field_name: str) -> Any:
        if not isinstance(node, Mapping) or key not in node:
            raise InputError(
                f"missing required field {key!r}", where=self.where(node, None, field_name)
            )
        return node[key]


# --------------------------------------------------------------------------------------------
# The case model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    date: dt.date
    path: str = ""


@dataclass(frozen=True)
class Param:
    """A dated, sourced number. ``low``/``high`` bound it for sensitivity and draws."""

    name: str
    value: Any
    source: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    kind: str = "fact"  # "fact" or "judgement"
    date: dt.date | None = None
    note: str = ""

    @property
    def sd(self) -> float | None:
        """Standard deviation used for draws: (high − low) / 4 (the range is ±2 sd)."""
        if self.low is None or self.high is None:
            return None
        return (float(self.high) - float(self.low)) / 4.0


@dataclass(frozen=True)
class TradeInput:
    name: str
    partner: str
    select: str
    source: str
    hs_prefixes: tuple[str, ...] = ()
    fallback_usd: float | None = None
    authority: str = ""  # select: schedule_base — the authority whose duty must apply
    on: dt.date | None = None  # select: schedule_base — the day the schedule is evaluated


@dataclass(frozen=True)
class Constituency:
    name: str
    party: str
    weight: float
    stakes: Mapping[str, float | str]  # a number, or the name of a parameter
    source: str
    note: str = ""
    scale: float = 1.0  # tied-hands scaling of the stakes (1 = as in the case file)
    scaled_channels: tuple[str, ...] | None = None  # channels ``scale`` applies to (None: all)


@dataclass(frozen=True)
class Pivot:
    """A veto player: ratifies with probability Φ((U_pivot(p) − U_pivot(no deal)) / σ)."""

    name: str
    party: str
    constituency: str
    sigma: Param
    issues: tuple[str, ...] | None  # None = every issue
    source: str
    needed: float = 1.0  # probability that the pivot's consent is required at all


@dataclass(frozen=True)
class ThreatDraw:
    value: Any
    prob: float
    start: dt.date
    source: str
    note: str = ""


@dataclass(frozen=True)
class IssueSpec:
    name: str
    kind: str
    unit: str
    levels: tuple
    source: str
    model: str
    description: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Param] = field(default_factory=dict)  # direct valuations per channel
    symbolic: tuple[str, Param] | None = None
    positions: Mapping[str, Any] = field(default_factory=dict)
    status_quo: Any = None
    no_deal: tuple[ThreatDraw, ...] = ()
    terms: str = ""

    def level_index(self, value: Any) -> int:
        for i, lv in enumerate(self.levels):
            if self.kind == "numeric":
                if abs(float(lv) - float(value)) <= 1e-9 * max(1.0, abs(float(value))):
                    return i
            elif str(lv) == str(value):
                return i
        raise InputError(
            f"issue {self.name!r} has no level {value!r}", hint=f"levels: {list(self.levels)}"
        )


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    as_of: dt.date
    parties: tuple[str, str]  # (imposer, partner), e.g. ("USA", "JPN")
    party_names: Mapping[str, str]
    horizon_years: float
    sources: Mapping[str, Source]
    parameters: Mapping[str, Param]
    trade: Mapping[str, TradeInput]
    constituencies: Mapping[str, Constituency]
    pivots: tuple[Pivot, ...]
    issues: tuple[IssueSpec, ...]
    retaliation: Mapping[str, Any]
    uncertain: tuple[str, ...]
    path: Path | None = None
    # (constituency, factor, channels or None) for the tied-hands comparison
    tied_hands: tuple[str, float, tuple[str, ...] | None] | None = None
    protocol: Mapping[str, Any] = field(default_factory=dict)

    # ---- helpers -----------------------------------------------------------------------------
    @property
    def partner(self) -> str:
        return self.parties[1]

    def issue(self, name: str) -> IssueSpec:
        for i in self.issues:
            if i.name == name:
                return i
        raise InputError(
            f"case {self.id} has no issue {name!r}", hint=f"issues: {[i.name for i in self.issues]}"
        )

    def value(self, name: str) -> Any:
        """The value of parameter ``name``."""
        try:
            return self.parameters[name].value
        except KeyError:
            raise InputError(f"case {self.id} has no parameter {name!r}") from None

    def agenda(self):  # -> domain.Agenda
        from tariffsim.negotiation.domain import Agenda, Issue

        return Agenda(
            tuple(
                Issue(i.name, tuple(i.levels), i.unit, i.kind, i.description) for i in self.issues
            )
        )

    def with_values(self, overrides: Mapping[str, float]) -> Case:
        """A copy with parameter values replaced (pivot sigmas are addressed as ``sigma:<pivot>``,
        constituency weights as ``weight:<constituency>``). Unknown names are an error."""
        params = dict(self.parameters)
        pivots = list(self.pivots)
        cons = dict(self.constituencies)
        for name, v in overrides.items():
            if name.startswith("sigma:"):
                pv = name.split(":", 1)[1]
                idx = [p.name for p in pivots].index(pv) if pv in [p.name for p in pivots] else -1
                if idx < 0:
                    raise InputError(f"case {self.id} has no pivot {pv!r}")
                p = pivots[idx]
                pivots[idx] = dataclasses.replace(
                    p, sigma=dataclasses.replace(p.sigma, value=float(v))
                )
            elif name.startswith("weight:"):
                cn = name.split(":", 1)[1]
                if cn not in cons:
                    raise InputError(f"case {self.id} has no constituency {cn!r}")
                cons[cn] = dataclasses.replace(cons[cn], weight=float(v))
            elif name in params:
                params[name] = dataclasses.replace(params[name], value=v)
            else:
                raise InputError(f"case {self.id} has no parameter {name!r}")
        return dataclasses.replace(
            self, parameters=params, pivots=tuple(pivots), constituencies=cons
        )

    def scale_constituency(
        self, name: str, factor: float, channels: tuple[str, ...] | None = None
    ) -> Case:
        """Tighter (factor > 1) or looser domestic constraint: the constituency's weight in its party's
        utility and its stakes — on ``channels`` only, if given (e.g. the farm bloc's farm channels,
        leaving its stake in the national economy as it is) — are multiplied by ``factor``."""
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
            scale=c.scale * factor,
            scaled_channels=tuple(channels) if channels is not None else c.scaled_channels,
        )
        return dataclasses.replace(self, constituencies=cons)

    def stakes_of(self, name: str) -> dict[str, float]:
        """A constituency's stakes as numbers (parameter references resolved, tied-hands scale applied)."""
        c = self.constituencies[name]
        out = {}
        for ch, v in c.stakes.items():
            x = float(self.value(v)) if isinstance(v, str) else float(v)
            if c.scaled_channels is None or ch in c.scaled_channels:
                x *= c.scale
            out[ch] = x
        return out

    def numeric_params(self) -> dict[str, Param]:
        """Parameters with a low/high range (candidates for the tornado chart)."""
        out = {k: p for k, p in self.parameters.items() if p.low is not None and p.high is not None}
        for pv in self.pivots:
            if pv.sigma.low is not None and pv.sigma.high is not None:
                out[f"sigma:{pv.name}"] = pv.sigma
        return out


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _date(ctx: _Ctx, node: Any, key: str, field_name: str) -> dt.date:
    v = node[key]
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise InputError(
            f"{v!r} is not a date", where=ctx.where(node, key, field_name), hint="use YYYY-MM-DD"
        ) from None


def _num(ctx: _Ctx, node: Any, key: str, field_name: str) -> float:
    v = node[key]
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError(f"{v!r} is not a number", where=ctx.where(node, key, field_name))
    return float(v)


class _Parser:
    def __init__(self, path: Path, raw: _LineDict) -> None:
        self.path = path
        self.raw = raw
        self.ctx = _Ctx(path)
        self.as_of: dt.date = dt.date.min
        self.sources: dict[str, Source] = {}

    def check_source(self, node: Mapping, field_name: str, key: str = "source") -> str:
        sid = self.ctx.need(node, key, field_name)
        if sid not in self.sources:
            raise InputError(
                f"unknown source {sid!r}",
                where=self.ctx.where(node, key, f"{field_name}.{key}"),
                hint=f"add it under sources: (known: {sorted(self.sources)})",
            )
        return str(sid)

    def check_date(self, node: Mapping, key: str, field_name: str) -> dt.date:
        d = _date(self.ctx, node, key, field_name)
        if d > self.as_of:
            raise InputError(
                f"dated {d.isoformat()}, after the case's as-of date {self.as_of.isoformat()}",
                where=self.ctx.where(node, key, f"{field_name}.{key}"),
                hint="a case may only use information public by its as-of date; remove it or move as_of",
            )
        return d

    def param(
        self, name: str, node: Any, field_name: str, parent: Any = None, key: str | None = None
    ) -> Param:
        if not isinstance(node, Mapping):
            raise InputError(
                "a number needs its source: write {value: ..., source: ID}",
                where=self.ctx.where(parent if parent is not None else self.raw, key, field_name),
            )
        value = self.ctx.need(node, "value", field_name)
        if isinstance(value, dt.date):
            pass
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(
                f"{value!r} is not a number or date",
                where=self.ctx.where(node, "value", field_name),
            )
        src = self.check_source(node, field_name)
        date = self.check_date(node, "date", field_name) if "date" in node else None
        low = _num(self.ctx, node, "low", field_name) if "low" in node else None
        high = _num(self.ctx, node, "high", field_name) if "high" in node else None
        if (low is None) != (high is None):
            raise InputError(
                "give both low and high, or neither", where=self.ctx.where(node, None, field_name)
            )
        if low is not None and not (low <= float(value) <= high):
            raise InputError(
                f"value {value} outside [low, high] = [{low}, {high}]",
                where=self.ctx.where(node, "value", field_name),
            )
        kind = str(node.get("kind", "fact"))
        if kind not in ("fact", "judgement"):
            raise InputError(
                f"kind must be fact or judgement, not {kind!r}",
                where=self.ctx.where(node, "kind", field_name),
            )
        return Param(
            name=name,
            value=value,
            source=src,
            unit=str(node.get("unit", "")),
            low=low,
            high=high,
            kind=kind,
            date=date,
            note=str(node.get("note", "")),
        )

    def stake(self, v: Any, node: Any, key: str, fn: str) -> float | str:
        if isinstance(v, str):
            if v not in (self.raw.get("parameters") or {}):
                raise InputError(
                    f"stake refers to unknown parameter {v!r}",
                    where=self.ctx.where(node, key, f"{fn}.{key}"),
                )
            return v
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InputError(
                f"{v!r} is not a number", where=self.ctx.where(node, key, f"{fn}.{key}")
            )
        return float(v)

    def parse(self) -> Case:
        raw, ctx = self.raw, self.ctx
        cid = str(ctx.need(raw, "id", "id"))
        self.as_of = _date(ctx, raw, "as_of", "as_of") if "as_of" in raw else None  # type: ignore[assignment]
        if self.as_of is None:
            raise InputError(
                "missing required field 'as_of'", where=f"{ctx.name}:1", hint="as_of: 2025-04-15"
            )
        parties_node = ctx.need(raw, "parties", "parties")
        if not isinstance(parties_node, Mapping) or len(parties_node) != 2:
            raise InputError(
                "parties: exactly two parties", where=ctx.where(raw, "parties", "parties")
            )
        codes = tuple(str(k) for k in parties_node)
        partner = str(raw.get("partner", codes[1]))
        if partner not in codes:
            raise InputError(
                f"partner {partner!r} is not a party", where=ctx.where(raw, "partner", "partner")
            )
        parties = (codes[0], partner) if codes[1] == partner else (codes[1], codes[0])
        party_names = {k: str((v or {}).get("name", k)) for k, v in parties_node.items()}

        # sources
        src_node = ctx.need(raw, "sources", "sources")
        for sid, s in src_node.items():
            fn = f"sources.{sid}"
            if not isinstance(s, Mapping):
                raise InputError(
                    "a source is a mapping with title and date", where=ctx.where(src_node, sid, fn)
                )
            ctx.need(s, "date", fn)
            d = self.check_date(s, "date", fn)
            self.sources[str(sid)] = Source(
                str(sid), str(s.get("title", "")), d, str(s.get("path", ""))
            )

        params: dict[str, Param] = {}
        pnode = raw.get("parameters", {}) or {}
        for name, node in pnode.items():
            params[str(name)] = self.param(str(name), node, f"parameters.{name}", pnode, str(name))

        trade: dict[str, TradeInput] = {}
        for name, node in (raw.get("trade", {}) or {}).items():
            fn = f"trade.{name}"
            src = self.check_source(node, fn)
            select = str(ctx.need(node, "select", fn))
            selects = (
                "hs_prefix",
                "s232_auto_parts",
                "reciprocal_base",
                "schedule_base",
                "us_exports",
                "total_imports",
            )
            if select not in selects:
                raise InputError(
                    f"unknown trade selection {select!r}",
                    where=ctx.where(node, "select", fn),
                    hint=f"one of {', '.join(selects)}",
                )
            on = None
            if select == "schedule_base":
                ctx.need(node, "authority", fn)
                ctx.need(node, "day", fn)
                on = self.check_date(node, "day", fn)
            fb = node.get("fallback_usd")
            trade[str(name)] = TradeInput(
                name=str(name),
                partner=str(ctx.need(node, "partner", fn)),
                select=select,
                source=src,
                hs_prefixes=tuple(str(x) for x in node.get("hs_prefixes", ()) or ()),
                fallback_usd=float(fb) if fb is not None else None,
                authority=str(node.get("authority", "")),
                on=on,
            )

        cons: dict[str, Constituency] = {}
        for name, node in (raw.get("constituencies", {}) or {}).items():
            fn = f"constituencies.{name}"
            party = str(ctx.need(node, "party", fn))
            if party not in codes:
                raise InputError(
                    f"unknown party {party!r}",
                    where=ctx.where(node, "party", fn),
                    hint=f"parties: {list(codes)}",
                )
            w = _num(ctx, node, "weight", fn) if "weight" in node else None
            if w is None or w < 0:
                raise InputError("weight must be a number ≥ 0", where=ctx.where(node, "weight", fn))
            stakes = ctx.need(node, "stakes", fn)
            cons[str(name)] = Constituency(
                name=str(name),
                party=party,
                weight=w,
                stakes={
                    str(k): self.stake(v, stakes, str(k), f"{fn}.stakes") for k, v in stakes.items()
                },
                source=self.check_source(node, fn),
                note=str(node.get("note", "")),
            )

        issues: list[IssueSpec] = []
        inode = ctx.need(raw, "issues", "issues")
        for j, node in enumerate(inode):
            issues.append(self.issue(node, f"issues[{j}]", params))
        names = [i.name for i in issues]

        pivots: list[Pivot] = []
        for j, node in enumerate(raw.get("pivots", []) or []):
            fn = f"pivots[{j}]"
            cname = str(ctx.need(node, "constituency", fn))
            if cname not in cons:
                raise InputError(
                    f"unknown constituency {cname!r}", where=ctx.where(node, "constituency", fn)
                )
            iss = node.get("issues")
            if iss is not None:
                for k, x in enumerate(iss):
                    if x not in names:
                        raise InputError(
                            f"unknown issue {x!r}", where=ctx.where(iss, k, f"{fn}.issues")
                        )
            pivots.append(
                Pivot(
                    name=str(ctx.need(node, "name", fn)),
                    party=str(ctx.need(node, "party", fn)),
                    constituency=cname,
                    sigma=self.param(
                        "sigma", ctx.need(node, "sigma", fn), f"{fn}.sigma", node, "sigma"
                    ),
                    issues=tuple(iss) if iss is not None else None,
                    source=self.check_source(node, fn),
                    needed=_num(ctx, node, "needed", fn) if "needed" in node else 1.0,
                )
            )
            if not 0.0 <= pivots[-1].needed <= 1.0:
                raise InputError(
                    "needed must be a probability in [0, 1]", where=ctx.where(node, "needed", fn)
                )
            if pivots[-1].sigma.value <= 0:
                raise InputError("sigma must be > 0", where=ctx.where(node, "sigma", f"{fn}.sigma"))

        ret_node = raw.get("retaliation", {"allowed": False}) or {"allowed": False}
        ret = dict(ret_node)
        if ret.get("allowed"):
            self.check_source(ret_node, "retaliation")
            for key in ("rate", "prob"):
                ret[key] = self.param(
                    key, ctx.need(ret_node, key, "retaliation"), f"retaliation.{key}", ret_node, key
                )
        unc = tuple(str(x) for x in (raw.get("uncertainty", {}) or {}).get("draw", []) or [])
        for u in unc:
            if u not in params or params[u].low is None:
                raise InputError(
                    f"uncertain parameter {u!r} must be a parameter with low/high",
                    where=ctx.where(raw.get("uncertainty"), "draw", "uncertainty.draw"),
                )
        # every stake must name a channel some issue (or the retaliation) produces: catches typos
        produced = {"us_exporters", "partner_buyers", "partner_revenue"}
        for spec in issues:
            produced |= set(spec.channels.values()) | set(spec.values)
            if spec.symbolic is not None:
                produced.add(spec.symbolic[0])
        cnode = raw.get("constituencies", {}) or {}
        for cname, c in cons.items():
            for ch in c.stakes:
                if ch not in produced:
                    raise InputError(
                        f"stake in unknown channel {ch!r}",
                        where=ctx.where(
                            cnode[cname].get("stakes"), ch, f"constituencies.{cname}.stakes"
                        ),
                        hint=f"channels produced by the issues: {sorted(produced)}",
                    )
        tied = None
        if "tied_hands" in raw:
            tn = raw["tied_hands"]
            tc = str(ctx.need(tn, "constituency", "tied_hands"))
            if tc not in cons:
                raise InputError(
                    f"unknown constituency {tc!r}",
                    where=ctx.where(tn, "constituency", "tied_hands"),
                )
            chans = tn.get("channels")
            tied = (
                tc,
                _num(ctx, tn, "factor", "tied_hands") if "factor" in tn else 2.0,
                tuple(str(x) for x in chans) if chans else None,
            )
            if chans:
                for k, ch in enumerate(chans):
                    if ch not in cons[tc].stakes:
                        raise InputError(
                            f"constituency {tc!r} has no stake in {ch!r}",
                            where=ctx.where(chans, k, "tied_hands.channels"),
                        )
        case = Case(
            id=cid,
            title=str(raw.get("title", cid)),
            as_of=self.as_of,
            parties=parties,  # type: ignore[arg-type]
            party_names=party_names,
            horizon_years=float(raw.get("horizon_years", 1.0)),
            sources=self.sources,
            parameters=params,
            trade=trade,
            constituencies=cons,
            pivots=tuple(pivots),
            issues=tuple(issues),
            retaliation=ret,
            uncertain=unc,
            path=self.path,
            tied_hands=tied,
            protocol=dict(raw.get("protocol", {}) or {}),
        )
        # the package space must be describable by the domain layer
        try:
            case.agenda()
        except InputError as exc:
            raise InputError(exc.message, where=ctx.where(inode), hint=exc.hint) from None
        return case

    def issue(self, node: Mapping, fn: str, params: Mapping[str, Param]) -> IssueSpec:
        ctx = self.ctx
        name = str(ctx.need(node, "name", fn))
        fn = f"{fn} ({name})"
        kind = str(ctx.need(node, "kind", fn))
        levels = ctx.need(node, "levels", fn)
        if not isinstance(levels, list) or not levels:
            raise InputError("levels must be a non-empty list", where=ctx.where(node, "levels", fn))
        if kind == "numeric":
            for k, v in enumerate(levels):
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise InputError(
                        f"level {v!r} is not a number", where=ctx.where(levels, k, f"{fn}.levels")
                    )
            levels_t = tuple(float(v) for v in levels)
        elif kind == "categorical":
            levels_t = tuple(str(v) for v in levels)
        else:
            raise InputError(
                f"kind must be numeric or categorical, not {kind!r}",
                where=ctx.where(node, "kind", fn),
            )
        model = str(ctx.need(node, "model", fn))
        from tariffsim.negotiation.preferences import MODELS

        if model not in MODELS:
            raise InputError(
                f"unknown economic model {model!r}",
                where=ctx.where(node, "model", fn),
                hint=f"one of {sorted(MODELS)}",
            )
        args = {str(k): str(v) for k, v in (node.get("args", {}) or {}).items()}
        for k, v in args.items():
            if v not in params and v not in (self.raw.get("trade", {}) or {}):
                raise InputError(
                    f"argument {k} refers to unknown parameter {v!r}",
                    where=ctx.where(node["args"], k, f"{fn}.args.{k}"),
                    hint="define it under parameters: (or trade:)",
                )
        missing = [a for a in MODELS[model].required if a not in args]
        if missing:
            raise InputError(
                f"model {model} needs args {missing}", where=ctx.where(node, "model", fn)
            )
        channels = {str(k): str(v) for k, v in (node.get("channels", {}) or {}).items()}
        values: dict[str, Param] = {}
        for ch, vnode in (node.get("values", {}) or {}).items():
            vfn = f"{fn}.values.{ch}"
            vals = ctx.need(vnode, "values", vfn)
            if len(vals) != len(levels_t):
                raise InputError(
                    f"{len(vals)} values for {len(levels_t)} levels",
                    where=ctx.where(vnode, "values", vfn),
                )
            values[str(ch)] = Param(
                name=str(ch),
                value=tuple(float(x) for x in vals),
                source=self.check_source(vnode, vfn),
                kind=str(vnode.get("kind", "fact")),
                note=str(vnode.get("note", "")),
            )
        symbolic = None
        if "symbolic" in node:
            sn = node["symbolic"]
            symbolic = (
                str(ctx.need(sn, "channel", f"{fn}.symbolic")),
                self.param(
                    "per_100k_t",
                    ctx.need(sn, "per_100k_t", f"{fn}.symbolic"),
                    f"{fn}.symbolic.per_100k_t",
                    sn,
                    "per_100k_t",
                ),
            )
        spec = IssueSpec(
            name=name,
            kind=kind,
            unit=str(ctx.need(node, "unit", fn)),
            levels=levels_t,
            source=self.check_source(node, fn),
            model=model,
            description=str(node.get("description", "")),
            args=args,
            channels=channels,
            values=values,
            symbolic=symbolic,
            positions=dict(node.get("positions", {}) or {}),
            status_quo=node.get("status_quo"),
            terms=str(node.get("terms", "")),
        )
        for party, pos in spec.positions.items():
            try:
                spec.level_index(pos)
            except InputError as exc:
                raise InputError(
                    exc.message,
                    where=ctx.where(node["positions"], party, f"{fn}.positions"),
                    hint=exc.hint,
                ) from None
        if spec.status_quo is not None:
            try:
                spec.level_index(spec.status_quo)
            except InputError as exc:
                raise InputError(
                    exc.message, where=ctx.where(node, "status_quo", fn), hint=exc.hint
                ) from None
        draws: list[ThreatDraw] = []
        if "no_deal" in node:
            nd = node["no_deal"]
            self.check_source(nd, f"{fn}.no_deal")
            dn = ctx.need(nd, "draws", f"{fn}.no_deal")
            for k, d in enumerate(dn):
                dfn = f"{fn}.no_deal.draws[{k}]"
                v = ctx.need(d, "value", dfn)
                if kind == "numeric":
                    v = _num(ctx, d, "value", dfn)
                else:
                    spec.level_index(v)
                prob = _num(ctx, d, "prob", dfn)
                draws.append(
                    ThreatDraw(
                        value=v,
                        prob=prob,
                        start=_date(ctx, d, "start", dfn),  # a scheduled date may lie after as_of
                        source=self.check_source(d, dfn),
                        note=str(d.get("note", "")),
                    )
                )
            total = sum(d.prob for d in draws)
            if abs(total - 1.0) > 1e-6:
                raise InputError(
                    f"threat probabilities sum to {total:.4f}, not 1",
                    where=ctx.where(nd, "draws", f"{fn}.no_deal"),
                )
        return dataclasses.replace(spec, no_deal=tuple(draws))


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
        hint=f"shipped cases: {', '.join(list_cases())}; or give a path to a YAML file",
    )


def list_cases() -> list[str]:
    """Ids of the shipped case files."""
    return sorted(p.stem for p in CASES_DIR.glob("*.yaml"))


def load_case(case: str | Path) -> Case:
    """Load and validate a case (id of a shipped case, or a path). Raises InputError with file:line."""
    path = case_path(case)
    raw = _read_yaml(path)
    return _Parser(path, raw).parse()
