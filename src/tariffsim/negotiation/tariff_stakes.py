"""What a tariff issue is worth to each side, level by level — from the project's models.

The negotiation layer has no trade model of its own. For the tariff issues of a case it asks
:func:`tariffsim.models.stakes.stakes_for_issues` (PE per HTS10, every competitor at its own rate on
the as-of date, scopes of the case's issues resolved together so no flow is priced twice) for the
value of every level, relative to the law in force on the as-of date, in US$ bn a year, on both
horizons of the models (``short-run`` and ``long-run``, :mod:`tariffsim.models.horizons`). The
preferences weigh the two by the share of the case's discounted horizon that falls in its first
year (short run) and after it (long run).

Outputs per level (the models' figures, renamed for the case's channels):

``revenue``        US tariff revenue (``us_tariff_revenue_bn``);
``buyers``         US buyers' surplus (``us_buyers_surplus_bn``);
``exporters``      the duty the partner's exporters absorb (``partner_exporters_surplus_bn``);
``sales_change``   the change in the partner's sales in the US (``partner_sales_change_bn``), to
                   which the case applies the share of income the partner loses with a lost sale;
``import_loss``    the fall in total US imports of the products (``−us_imports_change_bn``);
``imports_before`` / ``imports_after`` the partner's goods in scope.

The law on a day for every 2024 flow (:func:`law_on`) is read here too, for the generator's agenda
(the rates in force, the scope of an issue); it is cached on disk per version of the law and day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from tariffsim.core.errors import InputError

if TYPE_CHECKING:
    from tariffsim.models.stakes import Form

HORIZONS = ("short-run", "long-run")
OUTPUTS = {
    "revenue": "us_tariff_revenue_bn",
    "buyers": "us_buyers_surplus_bn",
    "exporters": "partner_exporters_surplus_bn",
    "sales_change": "partner_sales_change_bn",
    "import_loss": "us_imports_change_bn",
    "imports_before": "partner_imports_before_bn",
    "imports_after": "partner_imports_after_bn",
}
_SIGN = {"import_loss": -1.0}

#: US measures (as named in the fact files) → the schedule authority carrying them
MEASURE_AUTHORITY = {
    "reciprocal": "ieepa_reciprocal",
    "fentanyl": "ieepa_fentanyl",
    "brazil": "ieepa_other",
    "russia_oil": "ieepa_other",
    "china_export_controls": "ieepa_other",
}


@dataclass(frozen=True, eq=False)
class StakeTable:
    """Values of one tariff issue at every requested (level, form), on each horizon.

    ``outputs[name]`` has shape ``(len(HORIZONS), len(levels))`` (US$ bn/yr)."""

    partner: str
    day: dt.date
    levels: tuple[float, ...]
    forms: tuple[str, ...]
    outputs: dict[str, np.ndarray]
    base_usd: float
    provenance: dict[str, Any] = field(default_factory=dict)
    status_quo_level: float = 0.0

    def at(self, name: str, short_run_weight: np.ndarray | float) -> np.ndarray:
        """Output ``name`` weighed ``w`` short run, ``1 − w`` long run: ``(n, L)`` for ``w (n,)``."""
        arr = self.outputs[name]
        w = np.atleast_1d(np.asarray(short_run_weight, dtype=float))[:, None]
        return w * arr[0][None, :] + (1.0 - w) * arr[1][None, :]


def model_issue(name: str, spec: Any, form: str, levels: Sequence[float]) -> Any:
    """The models' :class:`~tariffsim.models.stakes.TariffIssue` of a case issue in one form."""
    from tariffsim.models.stakes import TariffIssue

    return TariffIssue(
        name,
        scope=tuple(spec.scope),
        form=cast("Form", form),  # TariffIssue refuses an unknown form
        levels=tuple(float(x) for x in levels),
        replaces=None if spec.replaces is None else tuple(spec.replaces),
    )


def stakes_tables(
    partner: str,
    day: dt.date,
    issues: Sequence[tuple[str, Any, Sequence[float], Sequence[str]]],
) -> dict[str, StakeTable]:
    """Tables of a case's tariff issues: ``issues`` = ``[(name, StakesSpec, levels, forms)]`` with
    one form per level. Scopes are resolved together, once per form of the first issue that has
    several (each valuation sees the case's other tariff issues at their status quo)."""
    key = tuple(
        (
            n,
            tuple(s.scope),
            None if s.replaces is None else tuple(s.replaces),
            tuple(map(float, lv)),
            tuple(fm),
        )
        for n, s, lv, fm in issues
    )
    return _tables_cached(partner, day, key, tuple((n, s) for n, s, _, _ in issues))


_SPEC_MEMO: dict[tuple[Any, ...], Any] = {}


def _tables_cached(
    partner: str, day: dt.date, key: tuple[Any, ...], specs: tuple[Any, ...]
) -> dict[str, StakeTable]:
    got = _SPEC_MEMO.get((partner, day, key))
    if got is not None:
        return got
    got = _from_disk(partner, day, key)
    if got is None:
        got = _from_models(partner, day, key, specs)
        _to_disk(partner, day, key, got)
    _SPEC_MEMO[(partner, day, key)] = got
    return got


def _disk_path(partner: str, day: dt.date, key: tuple[Any, ...]) -> Any:
    from tariffsim.negotiation import cache

    return cache.entry("stakes", {"p": partner, "d": day, "k": key})


def _from_disk(partner: str, day: dt.date, key: tuple[Any, ...]) -> dict[str, StakeTable] | None:
    import json

    from tariffsim.negotiation import cache

    z = cache.load(_disk_path(partner, day, key))
    if z is None:
        return None
    meta = json.loads(str(z["meta"]))
    out = {}
    for name, m in meta.items():
        out[name] = StakeTable(
            partner,
            day,
            tuple(m["levels"]),
            tuple(m["forms"]),
            {k: z[f"{name}|{k}"] for k in OUTPUTS},
            float(m["base_usd"]),
            m["provenance"],
            float(m["status_quo_level"]),
        )
    return out


def _to_disk(partner: str, day: dt.date, key: tuple[Any, ...], tabs: dict[str, StakeTable]) -> None:
    import json

    from tariffsim.negotiation import cache

    arrays: dict[str, np.ndarray] = {}
    meta = {}
    for name, t in tabs.items():
        for k, v in t.outputs.items():
            arrays[f"{name}|{k}"] = v
        meta[name] = {
            "levels": list(t.levels),
            "forms": list(t.forms),
            "base_usd": t.base_usd,
            "provenance": t.provenance,
            "status_quo_level": t.status_quo_level,
        }
    arrays["meta"] = np.asarray(json.dumps(meta, default=str))
    cache.save(_disk_path(partner, day, key), arrays)


def _from_models(
    partner: str, day: dt.date, key: tuple[Any, ...], specs: tuple[Any, ...]
) -> dict[str, StakeTable]:
    from tariffsim.models.stakes import stakes_for_issues

    spec_of = dict(specs)
    forms_needed: dict[str, dict[str, list[float]]] = {}
    order: list[tuple[str, list[tuple[float, str]]]] = []
    for name, _scope, _rep, levels, forms in key:
        pts = list(zip(levels, forms, strict=True))
        order.append((name, pts))
        by = forms_needed.setdefault(name, {})
        for lv, fm in pts:
            by.setdefault(fm, [])
            if lv not in by[fm]:
                by[fm].append(lv)
    # one call per combination of forms: each issue in one form per call, scopes resolved together
    n_calls = max(len(v) for v in forms_needed.values()) if forms_needed else 0
    values: dict[tuple[str, float, str, str], np.ndarray] = {}
    meta: dict[str, Any] = {}
    for h in HORIZONS:
        for c in range(n_calls):
            batch = []
            for name, by in forms_needed.items():
                fms = list(by)
                fm = fms[min(c, len(fms) - 1)]
                batch.append(model_issue(name, spec_of[name], fm, by[fm]))
            res = stakes_for_issues(partner, day, batch, horizon=h, ge=False)
            for iss in batch:
                st = res[iss.name]
                meta.setdefault(iss.name, {"short-run": st, "status_quo": st.status_quo_level})
                for lv in st.levels:
                    row = np.asarray(
                        [_SIGN.get(k, 1.0) * lv.value(v) for k, v in OUTPUTS.items()], dtype=float
                    )
                    values[(iss.name, round(lv.level, 9), iss.form, h)] = row
    out: dict[str, StakeTable] = {}
    for name, pts in order:
        arr = np.zeros((len(HORIZONS), len(OUTPUTS), len(pts)))
        for j, (lv, fm) in enumerate(pts):
            for hi, h in enumerate(HORIZONS):
                arr[hi, :, j] = values[(name, round(float(lv), 9), fm, h)]
        st = meta[name]["short-run"]
        f0 = st.levels[0].figures if st.levels else {}
        prov = {
            "model": (next(iter(f0.values())).model if f0 else "PE per HTS10")
            + "; short and long run weighed by the case's horizon",
            "data": next(iter(f0.values())).source if f0 else "",
            "models_api": "tariffsim.models.stakes.stakes_for_issues",
            "instrument": st.provenance.get("instrument"),
            "excluded_usd_bn": dict(st.excluded_bn),
            "pe_parameters": st.provenance.get("pe"),
        }
        out[name] = StakeTable(
            partner,
            day,
            tuple(float(p[0]) for p in pts),
            tuple(p[1] for p in pts),
            {k: arr[:, q, :] for q, k in enumerate(OUTPUTS)},
            st.base_bn * 1e9,
            prov,
            st.status_quo_level,
        )
    return out


# --------------------------------------------------------------------------------------------
# The law on a day, for every 2024 flow (memoised per process, cached on disk)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LawOnDay:
    day: dt.date
    hs10: np.ndarray
    origin: np.ndarray
    value: np.ndarray
    total: np.ndarray
    mfn: np.ndarray
    s232: np.ndarray
    reciprocal: np.ndarray
    version: str
    parts: dict[str, np.ndarray] = field(default_factory=dict)  # every authority's part
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # int64 HTS10

    def headline(self, measures: Sequence[str] = ("reciprocal",)) -> np.ndarray:
        """The part of every row's rate that a headline rate of ``measures`` replaces."""
        auth = {MEASURE_AUTHORITY.get(m, "ieepa_other") for m in measures}
        out = np.zeros_like(self.total)
        for a in auth:
            if a in self.parts:
                out = out + self.parts[a]
        return out


_PARTS = ("mfn", "s232", "ieepa_reciprocal", "ieepa_fentanyl", "ieepa_other", "s122", "s301")


@lru_cache(maxsize=16)
def law_on(day: dt.date, as_known_on: dt.date | None = None) -> LawOnDay:
    """Rates of every 2024 HTS10 × partner flow on ``day`` (total and by authority), by the US
    measure library — as known on ``as_known_on`` when the schedule supports that. Cached on disk
    per library version and day."""
    import inspect

    from tariffsim.models.stakes_state import flows_2024
    from tariffsim.negotiation import cache
    from tariffsim.schedule import load_schedule

    kw: dict[str, Any] = {}
    if as_known_on is not None and "as_known_on" in inspect.signature(load_schedule).parameters:
        kw["as_known_on"] = as_known_on
    path = cache.entry("law", {"day": day, "known": kw.get("as_known_on")})
    flows = flows_2024()  # the models' own store: one copy in memory and on disk for both layers
    z = cache.load(path)
    if z is None:
        if kw:
            c = load_schedule(**kw).compile(
                hs10=flows.hs10,
                origin=flows.origin,
                start=day,
                end=day + dt.timedelta(days=1),
                shares=flows.shares,
            )
        else:
            # the law in force: the models' compile of the day, which the day's stakes reuse
            from tariffsim.models.stakes_state import law_on_day

            c = law_on_day(day)
        ba = c.by_authority
        z = {"total": np.asarray(c.total[0], float)}
        for name in _PARTS:
            if name in ba:
                z[name] = np.asarray(ba[name][0], float)
        cache.save(path, z)
    zero = np.zeros(flows.hs10.shape[0])
    parts = {k: v for k, v in z.items() if k != "total"}
    return LawOnDay(
        day=day,
        hs10=flows.hs10,
        origin=flows.origin,
        value=flows.value,
        total=z["total"],
        mfn=parts.get("mfn", zero),
        s232=parts.get("s232", zero),
        reciprocal=parts.get("ieepa_reciprocal", zero),
        version=cache.law_key(),
        parts=parts,
        codes=flows.codes,
    )


def partner_codes(partner: str) -> tuple[str, ...]:
    """ISO3 codes of a partner (a group such as EU expands to its members)."""
    from tariffsim.core import countries

    return tuple(countries.expand(partner)) if countries.is_group(partner) else (partner,)


@lru_cache(maxsize=32)
def list_prefixes(name: str) -> tuple[str, ...]:
    """HS prefixes of a product list of the data layer (:func:`tariffsim.data.lists.product_list`),
    in the list's order; cached on disk per version of the law and data (reading a list takes
    the data frame library and the list file, most of a second in a fresh process)."""
    from tariffsim.negotiation import cache

    path = cache.entry("list", {"list": name})
    z = cache.load(path)
    if z is not None:
        return tuple(str(x) for x in z["prefix"].tolist())
    from tariffsim.data.lists import product_list

    got = tuple(product_list(name)["prefix"].to_list())
    if all(isinstance(x, str) for x in got):
        cache.save(path, {"prefix": np.asarray(got, dtype=str)})
    return got


_ORIGINS: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []


def partner_rows(law: LawOnDay, partner: str) -> np.ndarray:
    """Rows of the partner's goods (a group: any member's). The origins are factorised once per
    flow array (kept with it), so each call tests the few distinct codes, not every row."""
    got = next((g for g in _ORIGINS if g[0] is law.origin), None)
    if got is None:
        names, inverse = np.unique(law.origin, return_inverse=True)
        got = (law.origin, names, inverse.ravel())
        _ORIGINS[:] = [got]
    _, names, inverse = got
    return np.isin(names, np.asarray(partner_codes(partner)))[inverse]


def nominal_rate(rates: np.ndarray, weights: np.ndarray) -> float:
    """The value-weighted most common positive rate (4 decimals): the rate a deal would name."""
    pos = rates > 0
    if not pos.any():
        return 0.0
    vals, inv = np.unique(np.round(rates[pos], 4), return_inverse=True)
    return float(vals[int(np.argmax(np.bincount(inv, weights=weights[pos])))])


def check_form(form: str) -> str:
    if form not in ("add_on", "floor", "total"):
        raise InputError(f"unknown form {form!r}", hint="add_on, floor or total")
    return form
