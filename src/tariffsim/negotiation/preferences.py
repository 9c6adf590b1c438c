"""Preferences built from economics and politics.

For every issue the case names an *economic model* that turns a level ``x`` (a duty rate, $bn/yr of
purchases, tonnes of rice, a categorical choice) into money flows on named **channels** (US$ bn per
year): US tariff revenue, the cost borne by US buyers, Japanese exporters' losses, US farm income …
Each constituency weighs channels by its **stakes**; a party's utility is the weighted sum of its
constituencies' utilities:

    u_c(p) = Σ_i Σ_ch stake_c[ch] · V_ch,i(x_i(p))            (constituency c)
    U_P(p) = Σ_{c ∈ P} w_c · u_c(p)                             (party P)

Everything is additive over issues, so each party's utility is one
:class:`~tariffsim.negotiation.domain.AdditiveUtility` whose per-issue tables are the values at the
levels (inspectable with ``tariffsim negotiate CASE --explain``).

Economic models (``x`` in issue units; ``V`` the 2024 import value in US$ from the data layer):

``ad_valorem_duty`` — a duty ``t`` (total, fraction) on imports worth ``V`` at the 2024 rate ``t0``.
  Buyers see ``ρ t`` of it (pass-through ``ρ``); imports follow a constant-elasticity demand
  ``V1 = V ((1 + ρ t) / (1 + ρ t0))^(−ε)``. Channels:
  revenue ``t V1``; US buyers ``−(ρ t V1 + ½ ρ (t − t0)(V − V1))`` (the Harberger triangle);
  exporters ``−((1 − ρ) t V1 + μ (V − V1))`` (their share of the duty plus the margin ``μ`` on lost
  sales); US domestic producers ``+ s δ (V − V1)`` (share ``s`` of lost imports made at home at margin
  ``δ``). With ``extra_base`` (Section 232 parts) the increment ``t − mfn`` applies to it as well.
``purchases`` — ``q`` $bn/yr bought from the US: sellers ``+a q``, the US President's deficit
  concern ``+w q``, the buyer's premium over its next-best supplier ``−b q``, displaced domestic
  producers ``−c q``.
``quota_access`` — ``T`` tonnes of US rice; reference ``T0 = r0 · Q`` (Q the minimum-access quota):
  US farm ``+a p (T − T0)``; Japanese farm income ``−W (d_in ΔT_in + d_out ΔT_out)`` where ``W`` is
  the out-of-quota duty in US$/t (the protection wedge: ¥341/kg ÷ ¥/$), ``ΔT_in`` the increase within
  the quota and ``ΔT_out`` the tonnes above it; plus an optional symbolic (electoral) cost per
  100,000 t.
``tonnage_purchase`` — ``T`` tonnes at price ``p``: as ``purchases`` with ``q = p T / 10^9``.
``pledge`` — ``I`` $bn of investment pledged: host ``+v I``; investor ``−c I (1 + I / S)``.
``linear`` — ``+a x`` to the imposer's channel, ``−b x`` to the partner's.
``direct`` — per-level values given in the case file for each channel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

# ---------------------------------------------------------------------------------------------
# Trade inputs from the data layer
# ---------------------------------------------------------------------------------------------

_CTY = {"JPN": "5880", "KOR": "5800", "VNM": "5520", "CHN": "5700", "CAN": "1220", "MEX": "2010"}
_METAL_CHAPTERS = ("72", "73", "76")


@lru_cache(maxsize=8)
def _partner_imports(partner: str) -> Any:
    """2024 US imports for consumption from ``partner`` by HTS10 (polars frame ``hs10, imports_usd``),
    or None when no data folder is available."""
    import polars as pl

    try:  # the data layer's loader, when it exists
        from tariffsim.data import census  # type: ignore[attr-defined]

        df = census.imports_2024()
        if "iso3" in df.columns:
            return df.filter(pl.col("iso3") == partner).select("hs10", "imports_usd")
    except (ImportError, AttributeError):
        pass
    from tariffsim.data import paths

    f = paths.shared_file("census/us_imports_hs10_by_partner_2024.csv.gz")
    if f is None or partner not in _CTY:
        return None
    df = pl.read_csv(
        f, schema_overrides={"hs10": pl.Utf8, "cty_code": pl.Utf8, "imports_usd": pl.Float64}
    )
    return df.filter(pl.col("cty_code") == _CTY[partner]).select(
        pl.col("hs10").str.zfill(10), "imports_usd"
    )


def _product_list(name: str) -> list[str] | None:
    from tariffsim.data import paths

    f = paths.shared_file(f"product_lists/{name}")
    if f is None:
        return None
    if name.endswith(".txt"):
        return [ln.strip() for ln in f.read_text().splitlines() if ln.strip()]
    import polars as pl

    df = pl.read_csv(f, infer_schema_length=0)
    return df[df.columns[0]].to_list()


def _mask_prefixes(hs: Any, prefixes: list[str]) -> Any:
    import polars as pl

    if not prefixes:
        return pl.lit(False)
    return pl.any_horizontal([pl.col("hs10").str.starts_with(p) for p in prefixes])


@lru_cache(maxsize=64)
def trade_value_usd(partner: str, select: str, hs_prefixes: tuple[str, ...] = ()) -> float | None:
    """2024 trade value (US$) for one selection, from the data layer; None without data.

    ``hs_prefix``: imports whose HTS10 starts with one of ``hs_prefixes`` (e.g. 8703 = cars).
    ``s232_auto_parts``: imports on the Section 232 auto-parts list, cars (8703) excluded.
    ``reciprocal_base``: imports subject to the reciprocal duty as of April 2025 — all imports less
    cars, listed auto parts, Annex II exemptions (EO 14257) and steel/aluminium (chapters 72, 73, 76,
    under Section 232). ``total_imports``: all imports. ``us_exports``: 2024 US exports to the partner.
    """
    import polars as pl

    if select == "us_exports":
        from tariffsim.data import paths

        f = paths.shared_file("census/us_trade_by_partner_2024.csv")
        if f is None:
            return None
        t = pl.read_csv(f, schema_overrides={"cty_code": pl.Utf8})
        row = t.filter(pl.col("iso3") == partner)
        return float(row["exports_usd"][0]) if row.height else None
    df = _partner_imports(partner)
    if df is None:
        return None
    if select == "total_imports":
        return float(df["imports_usd"].sum())
    if select == "hs_prefix":
        return float(df.filter(_mask_prefixes(df, list(hs_prefixes)))["imports_usd"].sum())
    parts = _product_list("s232_auto_parts.txt")
    if parts is None:
        return None
    cars = pl.col("hs10").str.starts_with("8703")
    if select == "s232_auto_parts":
        return float(df.filter(_mask_prefixes(df, parts) & ~cars)["imports_usd"].sum())
    if select == "reciprocal_base":
        exempt = _product_list("ieepa_exempt_products.csv") or []
        metal = pl.col("hs10").str.slice(0, 2).is_in(list(_METAL_CHAPTERS))
        keep = ~cars & ~_mask_prefixes(df, parts) & ~pl.col("hs10").is_in(exempt) & ~metal
        return float(df.filter(keep)["imports_usd"].sum())
    raise InputError(f"unknown trade selection {select!r}")


@lru_cache(maxsize=16)
def schedule_base_usd(partner: str, authority: str, on: str) -> float | None:
    """2024 imports from ``partner`` on which ``authority`` levies a duty on day ``on``, according to
    the US measure library (:func:`tariffsim.duties.etr.duties_on`: the schedule's own scope rules —
    Annex II exemptions, Section 232 non-stacking …). None when the schedule layer is unavailable."""
    import polars as pl

    try:
        from tariffsim.duties.etr import duties_on

        r = duties_on(on)
    except ImportError:
        return None
    except Exception as exc:  # the schedule or the data could not be loaded: fall back, say so
        from tariffsim.core.errors import TariffsimError

        if isinstance(exc, TariffsimError):
            return None
        raise
    col = f"rate_{authority}"
    if col not in r.rows.columns:
        raise InputError(
            f"the schedule has no authority {authority!r}",
            hint=f"authorities: {list(r.authorities)}",
        )
    rows = r.rows.filter((pl.col("origin") == partner) & (pl.col(col) > 0))
    return float(rows["imports_usd"].sum())


def resolve_trade(case: Any) -> dict[str, tuple[float, str]]:
    """Each trade input of the case → (US$ value, where it came from).

    ``schedule_base`` inputs come from the US measure library through the duties layer (``"schedule"``)
    or, if that is unavailable, from the product-list proxy ``reciprocal_base`` (``"product lists"``);
    other selections come from the 2024 Census data (``"data"``); without data, the case file's
    ``fallback_usd`` (``"fallback"``).
    """
    out: dict[str, tuple[float, str]] = {}
    for name, t in case.trade.items():
        if t.select == "schedule_base":
            v = schedule_base_usd(t.partner, t.authority, t.on.isoformat())
            if v is not None:
                out[name] = (v, "schedule")
                continue
            v = trade_value_usd(t.partner, "reciprocal_base")
            if v is not None:
                out[name] = (v, "product lists")
                continue
        else:
            v = trade_value_usd(t.partner, t.select, tuple(t.hs_prefixes))
        if v is not None:
            out[name] = (v, "data")
        elif t.fallback_usd is not None:
            out[name] = (float(t.fallback_usd), "fallback")
        else:
            from tariffsim.core.errors import DataNotFoundError

            raise DataNotFoundError(
                f"trade input {name!r} of case {case.id} needs the reference data",
                hint="set TARIFFSIM_DATA, or give fallback_usd in the case file",
            )
    return out


def japan_rice_wto_tariff_yen_per_kg() -> float | None:
    """The out-of-quota (WTO bound) duty on milled rice 1006.30 in Japan's tariff schedule (¥/kg),
    read from the schedule file (``*(341円/kg)`` in the ``wto`` column); None without data."""
    import re

    import polars as pl

    from tariffsim.data import paths

    f = paths.shared_file("japan/japan_tariff_schedule_2025.csv.gz")
    if f is None:
        return None
    df = pl.read_csv(f, infer_schema_length=0)
    rows = df.filter(pl.col("stat_code").str.starts_with("1006.30") & pl.col("wto").is_not_null())
    for text in rows["wto"].to_list():
        m = re.search(r"([\d,.]+)\s*円/kg", text)
        if m:
            return float(m.group(1).replace(",", ""))
    return None


def japan_car_tariffs_free() -> bool | None:
    """True when every 8703 line of Japan's schedule has a general rate of 無税 (free): Japan has no
    tariff on cars to give, so the US asks concern non-tariff barriers (vehicle standards). None
    without data."""
    import polars as pl

    from tariffsim.data import paths

    f = paths.shared_file("japan/japan_tariff_schedule_2025.csv.gz")
    if f is None:
        return None
    df = pl.read_csv(f, infer_schema_length=0)
    rows = df.filter(pl.col("stat_code").str.starts_with("8703") & pl.col("general").is_not_null())
    return bool(rows.height) and all(g.strip() == "無税" for g in rows["general"].to_list())


# ---------------------------------------------------------------------------------------------
# Economic models: level values → channel flows (US$ bn/yr)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    name: str
    required: tuple[str, ...]
    fn: Callable[[np.ndarray, Mapping[str, float]], dict[str, np.ndarray]]


def _ad_valorem(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    rho, eps, mu = a["pass_through"], a["elasticity"], a["exporter_margin"]
    s, delta = a.get("domestic_share", 0.0), a.get("domestic_margin", 0.0)
    t0 = a.get("mfn", 0.0)

    def flows(V: float, t: np.ndarray, base_t0: float) -> dict[str, np.ndarray]:
        V1 = V * ((1.0 + rho * t) / (1.0 + rho * base_t0)) ** (-eps)
        lost = V - V1
        return {
            "duty_static": t * V,  # the tracker-style duty bill on 2024 values (no volume response)
            "imports_after": V1,
            "revenue": t * V1,
            "buyers": -(rho * t * V1 + 0.5 * rho * (t - base_t0) * lost),
            "exporters": -((1.0 - rho) * t * V1 + mu * lost),
            "domestic": s * delta * lost,
        }

    t = np.asarray(x, dtype=float)
    out = flows(a["base"], t, t0)
    if "extra_base" in a:  # the same increment over MFN on listed parts
        extra = flows(a["extra_base"], np.maximum(t - t0, 0.0), 0.0)
        out["duty_static_extra"] = extra["duty_static"]
        out = {k: out[k] + extra[k] if k in extra and k != "duty_static" else out[k] for k in out}
    return {k: v / 1e9 for k, v in out.items()}


def _purchases(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    q = np.asarray(x, dtype=float)
    return {
        "sellers": a["seller_margin"] * q,
        "balance": a.get("balance_weight", 0.0) * q,
        "buyer": -a["buyer_premium"] * q,
        "domestic": -a.get("domestic_displacement", 0.0) * q,
    }


def _tonnage(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    q = np.asarray(x, dtype=float) * a["price_usd_per_t"] / 1e9
    return _purchases(q, a)


def rice_wedge_usd_per_t(a: Mapping[str, float]) -> float:
    """Out-of-quota duty as US$ per tonne: ¥/kg × 1000 kg/t ÷ ¥/$."""
    return a["tariff_yen_per_kg"] * 1000.0 / a["yen_per_usd"]


def _quota_access(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    T = np.asarray(x, dtype=float)
    Q = a["quota_t"]
    T0 = a["reference_share"] * Q
    d_in = np.minimum(T, Q) - min(T0, Q)
    d_out = np.maximum(T - Q, 0.0) - max(T0 - Q, 0.0)
    wedge = rice_wedge_usd_per_t(a)
    return {
        "sellers": a["seller_margin"] * a["price_usd_per_t"] * (T - T0) / 1e9,
        "farm_loss": -wedge * (a["displacement_in"] * d_in + a["displacement_out"] * d_out) / 1e9,
        "_delta_t": T - T0,
    }


def _pledge(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    inv = np.asarray(x, dtype=float)
    return {
        "host": a["us_value_per_bn"] * inv,
        "investor": -a["partner_cost_per_bn"] * inv * (1.0 + inv / a["convexity_bn"]),
    }


def _linear(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    v = np.asarray(x, dtype=float)
    return {"us": a["us_value"] * v, "partner": -a["partner_cost"] * v}


def _direct(x: np.ndarray, a: Mapping[str, float]) -> dict[str, np.ndarray]:
    return {}  # handled from the case's per-level values


MODELS: dict[str, Model] = {
    "ad_valorem_duty": Model(
        "ad_valorem_duty", ("base", "pass_through", "elasticity", "exporter_margin"), _ad_valorem
    ),
    "purchases": Model("purchases", ("seller_margin", "buyer_premium"), _purchases),
    "tonnage_purchase": Model(
        "tonnage_purchase", ("price_usd_per_t", "seller_margin", "buyer_premium"), _tonnage
    ),
    "quota_access": Model(
        "quota_access",
        (
            "quota_t",
            "reference_share",
            "price_usd_per_t",
            "seller_margin",
            "tariff_yen_per_kg",
            "yen_per_usd",
            "displacement_in",
            "displacement_out",
        ),
        _quota_access,
    ),
    "pledge": Model("pledge", ("us_value_per_bn", "partner_cost_per_bn", "convexity_bn"), _pledge),
    "linear": Model("linear", ("us_value", "partner_cost"), _linear),
    "direct": Model("direct", (), _direct),
}


def _args(case: Any, spec: Any, trade: Mapping[str, tuple[float, str]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, ref in spec.args.items():
        if ref in trade:
            out[k] = float(trade[ref][0])
        else:
            out[k] = float(case.value(ref))
    return out


def issue_economics(
    case: Any, issue: str, x: Any, *, trade: Mapping[str, tuple[float, str]] | None = None
) -> dict[str, np.ndarray]:
    """The economic model's raw outputs (US$ bn/yr; before mapping to channels) at values ``x``.

    For ``ad_valorem_duty``: ``duty_static`` (rate × 2024 value of the base, the trackers'
    pre-substitution duty bill), ``duty_static_extra`` (the increment on listed parts),
    ``imports_after`` (import value after the volume response), ``revenue``, ``buyers``,
    ``exporters``, ``domestic``. Empty for ``direct`` issues.
    """
    spec = case.issue(issue)
    if spec.model == "direct":
        return {}
    trade = resolve_trade(case) if trade is None else trade
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    out = MODELS[spec.model].fn(xs, _args(case, spec, trade))
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def issue_channels(
    case: Any, issue: str, x: Any, *, trade: Mapping[str, tuple[float, str]] | None = None
) -> dict[str, np.ndarray]:
    """Channel flows (US$ bn/yr, keyed by the case's channel names) of ``issue`` at values ``x``.

    ``x`` may be any numbers for numeric issues (off-grid threat rates too) or level names for
    categorical ones.
    """
    spec = case.issue(issue)
    trade = resolve_trade(case) if trade is None else trade
    xs = np.atleast_1d(np.asarray(x, dtype=object if spec.kind == "categorical" else float))
    out: dict[str, np.ndarray] = {}

    def add(ch: str, v: np.ndarray) -> None:
        out[ch] = out.get(ch, 0.0) + np.asarray(v, dtype=float)

    if spec.model == "direct" or spec.values:
        idx = np.asarray([spec.level_index(v) for v in xs], dtype=int)
        for ch, p in spec.values.items():
            add(ch, np.asarray(p.value, dtype=float)[idx])
    if spec.model != "direct":
        flows = MODELS[spec.model].fn(xs.astype(float), _args(case, spec, trade))
        delta_t = flows.pop("_delta_t", None)
        for key, v in flows.items():
            ch = spec.channels.get(key)
            if ch is not None:
                add(ch, v)
        if spec.symbolic is not None and delta_t is not None:
            ch, p = spec.symbolic
            add(ch, float(p.value) * np.asarray(delta_t) / 1e5)
    return out


# ---------------------------------------------------------------------------------------------
# Constituency and party utilities
# ---------------------------------------------------------------------------------------------


def weigh(stakes: Mapping[str, float], channels: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Σ_ch stake[ch] · V_ch — a constituency's money-metric utility from channel flows."""
    tot = np.zeros(n)
    for ch, v in channels.items():
        s = stakes.get(ch, 0.0)
        if s:
            tot = tot + s * np.broadcast_to(v, (n,))
    return tot


@dataclass(frozen=True, eq=False)
class Preferences:
    """Everything utility-related of a case, at one set of parameter values.

    ``channels[issue][channel]``: flows at each level; ``constituency[c]``: per-issue tables of
    constituency ``c``; ``utilities[party]``: the party's :class:`AdditiveUtility`.
    """

    case: Any
    agenda: Any
    trade: Mapping[str, tuple[float, str]]
    channels: Mapping[str, Mapping[str, np.ndarray]]
    constituency: Mapping[str, tuple[np.ndarray, ...]]
    utilities: Mapping[str, Any]
    economics: Mapping[str, Mapping[str, np.ndarray]]

    def party_tables(self, party: str) -> tuple[np.ndarray, ...]:
        return self.utilities[party].tables

    def explain(self) -> list[dict[str, Any]]:
        """One row per (issue, level): each party's utility and every channel's flow, US$ bn/yr."""
        rows: list[dict[str, Any]] = []
        for j, spec in enumerate(self.case.issues):
            for k, lv in enumerate(spec.levels):
                row: dict[str, Any] = {"issue": spec.name, "level": lv, "unit": spec.unit}
                for party, u in self.utilities.items():
                    row[party] = float(u.tables[j][k])
                row["channels"] = {ch: float(v[k]) for ch, v in self.channels[spec.name].items()}
                row["economics"] = {e: float(v[k]) for e, v in self.economics[spec.name].items()}
                rows.append(row)
        return rows


def build_preferences(
    case: Any, *, trade: Mapping[str, tuple[float, str]] | None = None
) -> Preferences:
    """Per-issue tables of every constituency and party of ``case`` (vectorised over levels)."""
    from tariffsim.negotiation.domain import AdditiveUtility

    trade = resolve_trade(case) if trade is None else trade
    agenda = case.agenda()
    channels: dict[str, dict[str, np.ndarray]] = {}
    for spec in case.issues:
        channels[spec.name] = issue_channels(case, spec.name, list(spec.levels), trade=trade)
    cons: dict[str, tuple[np.ndarray, ...]] = {}
    for cname in case.constituencies:
        cons[cname] = tuple(
            weigh(case.stakes_of(cname), channels[spec.name], len(spec.levels))
            for spec in case.issues
        )
    utilities = {}
    for party in case.parties:
        tables = [np.zeros(len(spec.levels)) for spec in case.issues]
        for cname, c in case.constituencies.items():
            if c.party == party:
                for j in range(len(tables)):
                    tables[j] = tables[j] + c.weight * cons[cname][j]
        utilities[party] = AdditiveUtility(agenda, tuple(tables))
    economics = {
        spec.name: issue_economics(case, spec.name, list(spec.levels), trade=trade)
        if spec.kind == "numeric"
        else {}
        for spec in case.issues
    }
    return Preferences(case, agenda, trade, channels, cons, utilities, economics)
