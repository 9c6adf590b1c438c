"""What the stakes of :mod:`tariffsim.models.stakes` are computed from, per process and on disk.

* the 2024 Census flows (:func:`flows_2024`, :class:`Flows2024`), also read by the negotiation
  layer;
* the baseline (:func:`base`): what every date and horizon shares — the flows, the law on the PE
  and GE baseline dates, the measure library's product lists, the PE rows sorted by product with
  their σ and pass-through;
* the law of a day (:func:`law_on_day`): the schedule compiled on one day for every flow;
* the as-of PE state (:class:`State`, :func:`state`): the duties on the as-of date, the 2024 flows
  carried by the PE from the baseline law to that law, the GE tariff vector.

**Caching.** Each is computed once per process for its key and kept in memory, the few most recent
(:func:`clear_cache` forgets them). The keys hash the measure library and data layer
(:func:`schedule_key`), the sizes and times of the model modules and data files read, the date,
the law-as-known-on date and the PE parameters: a change of any gives new keys, and stale files are
never read. On disk (``$TARIFFSIM_CACHE``) go the flows (``stakes-flows-*.npz``), the baseline
(``stakes-base-*.pkl``) and a date's own arrays only: its duties and GE tariff vector, shared by
both horizons (``stakes-day-*.pkl``), and each horizon's as-of flows (``stakes-state-*.pkl``).
Processes building the same file at once wait for the first (a lock file beside it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.bounded import Bounded
from tariffsim.core.errors import InputError

RECIPROCAL = "ieepa_reciprocal"
_STATE_VERSION = "stakes-v3"


@dataclass
class State:
    """The as-of state of one date and horizon (:func:`state`)."""

    key: str
    as_of: dt.date
    horizon: str
    hs10: np.ndarray
    origin: np.ndarray
    v2024: np.ndarray
    t_asof: np.ndarray
    t_ge_base: np.ndarray
    mfn: np.ndarray
    parts: dict[str, tuple[np.ndarray, np.ndarray]]  # measure id -> (rows, values), nonzero only
    authority: dict[str, str]  # measure id -> authority
    list_measures: dict[str, list[str]]  # named list -> measures taxing it
    displaced_by: dict[str, list[str]]  # measure -> measures that do not apply where it does
    list_prefixes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # list -> (items, except)
    v_asof: np.ndarray
    problem: Any  # PEProblem over rows with origin and value (t0 = t1 = t_asof, v0 = v_asof)
    rows_of_problem: np.ndarray  # problem row -> state row
    ge_rates: np.ndarray  # GE US tariff by exporter on the as-of date (law_tariffs)
    origin_names: np.ndarray = field(default_factory=lambda: np.zeros(0, "<U3"))
    origin_code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    reciprocal_mask: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    pos_of_state: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    group_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    group_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rho_rows: Any = None  # pass-through of each problem row (or a scalar)
    instrument_cache: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)
    hs_int: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    known: dt.date | None = None  # the law as published by this day (None: the law in force)
    params: Any = None
    ge: Any = None  # (model, equilibrium) of the status quo, built on first GE use
    levels: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # -> stakes.LevelStakes
    pe_ctx: Bounded[tuple[Any, ...], Any] = field(
        default_factory=lambda: Bounded(64)
    )  # issue rows -> _LevelContext


#: States in memory (most recent last; a backtest walks many dates, so the oldest are dropped).
_STATES: Bounded[str, State] = Bounded(8)


def schedule_key() -> str:
    from tariffsim.schedule.cache import US_ROOT, library_hash
    from tariffsim.schedule.sources import DataLayerSource

    return f"{library_hash(US_ROOT)}-{DataLayerSource().fingerprint()}"


def _code_stamp() -> str:
    """Sizes and times of the model modules the state depends on (a code change invalidates)."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    parts = []
    for name in (
        "stakes.py",
        "stakes_state.py",
        "pe.py",
        "pe_core.py",
        "pe_params.py",
        "horizons.py",
        "law_tariffs.py",
    ):
        st = (here / name).stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


@dataclass
class _Base:
    """What the states of every date and horizon share, built once per process and law version.

    The 2024 flows and their codes, the law on the PE and GE baseline dates, the PE rows sorted by
    product and origin (σ attached per clipping range) and the pass-through of each row (per
    parameter set), the measure library's product lists.
    """

    schedule: Any
    hs10: np.ndarray
    origin: np.ndarray
    v2024: np.ndarray
    shares: dict[str, Any]
    hs_int: np.ndarray
    origin_names: np.ndarray
    origin_code: np.ndarray
    t_law0: np.ndarray  # the law on tariffsim.models.pe.BASELINE_DATE
    t_ge_base: np.ndarray  # the law on tariffsim.models.law_tariffs.BASELINE
    list_measures: dict[str, list[str]]
    displaced_by: dict[str, list[str]]
    list_prefixes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    problems: dict[tuple[float, float], tuple[Any, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    rho: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def problem(
        self, sigma_min: float, sigma_max: float
    ) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
        """(PE problem with zero tariffs, problem row → flow row, flow row → problem row or -1,
        [start, end) of each product's rows)."""
        got = self.problems.get((sigma_min, sigma_max))
        if got is None:
            from tariffsim.duties.flows import Flows
            from tariffsim.models.pe import build_problem

            zeros = np.zeros(len(self.v2024))
            flows = Flows(hs10=self.hs10, origin=self.origin, value_usd=self.v2024, source="")
            prob = build_problem(flows, zeros, zeros, sigma_min=sigma_min, sigma_max=sigma_max)
            # the rows as a base read from disk has them (product and origin as <U10 / <U3)
            got = _rows_from_disk(self, _rows_on_disk(prob))
            self.problems[(sigma_min, sigma_max)] = got
        return got

    def passthrough(self, params: Any, product: np.ndarray) -> Any:
        """``params.row_passthrough`` of the sorted PE rows (``product``, the same order whatever
        the σ clipping), computed once per parameter set."""
        key = (params.passthrough, params.passthrough_products)
        if key not in self.rho:
            self.rho[key] = params.row_passthrough(product)
        return self.rho[key]


_BASES: Bounded[tuple[Any, ...], _Base] = Bounded(2)
#: The law on one day for every flow (per process: the short and long run of a date share it).
_DAY_LAW: Bounded[tuple[Any, ...], tuple[Any, ...]] = Bounded(4)


def _schedule(as_known_on: dt.date | None) -> Any:
    from tariffsim.schedule import load_schedule

    sched = load_schedule()
    return sched if as_known_on is None else sched.as_known_on(as_known_on)


_BASE_VERSION = "stakes-base-v2"
_FLOWS_VERSION = "stakes-flows-v1"


def _inputs_stamp() -> str:
    """Sizes and times of the data files the base reads beyond the schedule's key: the 2024
    Census flows and the elasticities (``default_flows``, ``sigma_for``)."""
    from tariffsim.data import paths

    parts = []
    shared = paths.shared_data_dir()
    for rel in ("census", "elasticities"):
        root = None if shared is None else shared / rel
        if root is None or not root.is_dir():
            parts.append(f"{rel}:-")
            continue
        for f in sorted(p for p in root.rglob("*") if p.is_file()):
            st = f.stat()
            parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _base_path(known: dt.date | None, skey: str) -> Any:
    """The disk file of the base for the law version ``skey`` (and ``known``): keyed by the
    schedule's key, the models' code, the data files read and this format's version."""
    from tariffsim.data.paths import cache_dir

    raw = json.dumps(
        [_BASE_VERSION, skey, _code_stamp(), _inputs_stamp(), None if known is None else str(known)]
    )
    return cache_dir() / f"stakes-base-{hashlib.sha256(raw.encode()).hexdigest()[:24]}.pkl"


_BASE_FIELDS = (
    "t_law0",
    "t_ge_base",
    "list_measures",
    "displaced_by",
    "list_prefixes",
)


def base(known: dt.date | None, skey: str) -> _Base:
    """The process's :class:`_Base` for the law version ``skey``: from memory, else from
    ``$TARIFFSIM_CACHE`` (``stakes-base-*.pkl``: the law on the baseline dates, the product lists
    and the PE rows of the default σ clipping in the compact form of :func:`_rows_on_disk` — the
    same numbers as a build), else built and stored. The flows come from :func:`flows_2024`, the
    schedule from the schedule's own cache."""
    key = (skey, known)
    got = _BASES.get(key)
    if got is not None:
        return got
    path = _base_path(known, skey)
    with _lock(path):
        saved = _read_own(path)
        if saved is not None:
            got = _Base(
                schedule=_schedule(known),
                **_flow_fields(flows_2024()),
                **{k: saved[k] for k in _BASE_FIELDS},
            )
            for clip, light in saved["problems"].items():
                got.problems[clip] = _rows_from_disk(got, light)
        else:
            from tariffsim.models.pe_params import PEParams

            got = _build_base(known)
            got.problem(PEParams.sigma_min, PEParams.sigma_max)  # every horizon's clipping
            from tariffsim.core.cachefile import write_pickle

            write_pickle(
                path,
                {
                    "version": _STATE_VERSION,
                    **{k: getattr(got, k) for k in _BASE_FIELDS},
                    "problems": {c: _rows_on_disk(p[0]) for c, p in got.problems.items()},
                },
            )
    return _BASES.put(key, got)


_ROW_FIELDS = ("groups", "products", "sigma_raw", "sigma_source", "level", "dropped_usd", "rows")


def _rows_on_disk(prob: Any) -> dict[str, Any]:
    """What a PE problem of the base adds to the flows: the sort of its rows (``rows``), their
    products (``groups``, ``products``) and σ. Its HTS10, origin and value are those of the flows
    at ``rows`` and its tariffs zero (:meth:`_Base.problem`), so they are not stored."""
    return {k: getattr(prob, k) for k in _ROW_FIELDS}


def _rows_from_disk(
    base: _Base, light: dict[str, Any]
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """The PE problem of :func:`_rows_on_disk` on the base's flows, with its row maps (as
    :meth:`_Base.problem` returns them)."""
    from tariffsim.models.pe import PEProblem

    rows = np.asarray(light["rows"])
    zeros = np.zeros(len(rows))
    prob = PEProblem(
        product=base.hs10[rows],
        origin=base.origin[rows],
        v0=base.v2024[rows],
        t0=zeros,
        t1=zeros,
        **{k: light[k] for k in _ROW_FIELDS},
    )
    pos = np.full(len(base.v2024), -1, np.int64)
    pos[rows] = np.arange(len(rows))
    counts = np.bincount(prob.groups, minlength=prob.n_products)
    end = np.cumsum(counts)
    return prob, rows, pos, np.stack([end - counts, end])


@dataclass(frozen=True, eq=False)
class Flows2024:
    """The 2024 Census flows (:func:`tariffsim.duties.flows.default_flows`, same rows and order)
    with what every reader of them derives: the HTS10 codes as integers and the origins factorised
    (``origin == origin_names[origin_code]``)."""

    hs10: np.ndarray  # <U10
    origin: np.ndarray  # <U3 ISO3 ("" where the Census gives none)
    value: np.ndarray  # US$, float64
    codes: np.ndarray  # int64 HTS10 (8703230190)
    origin_names: np.ndarray  # sorted distinct origins
    origin_code: np.ndarray  # int64 index into origin_names
    shares: dict[str, np.ndarray]


_FLOWS: dict[str, Flows2024] = {}


def flows_2024() -> Flows2024:
    """The 2024 flows of the stakes and of the negotiation layer's law on a day: from memory, else
    from ``$TARIFFSIM_CACHE`` (``stakes-flows-*.npz``, stored as is — HTS10 codes as integers,
    origins as codes — keyed by the data files read and the models' code), else from the Census
    table (:func:`~tariffsim.duties.flows.default_flows`) and stored."""
    from tariffsim.data.paths import cache_dir

    raw = json.dumps([_FLOWS_VERSION, _code_stamp(), _inputs_stamp()])
    path = cache_dir() / f"stakes-flows-{hashlib.sha256(raw.encode()).hexdigest()[:24]}.npz"
    got = _FLOWS.get(str(path))
    if got is not None:
        return got
    z: dict[str, np.ndarray] | None = None
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as npz:
                z = {k: npz[k] for k in npz.files}
        except Exception:  # a broken entry is rebuilt
            z = None
    if z is not None:
        origin_code = z["origin_code"].astype(np.int64)
        got = Flows2024(
            hs10=hs10_strings(z["codes"]),
            origin=z["origin_names"][origin_code],
            value=z["value"],
            codes=z["codes"],
            origin_names=z["origin_names"],
            origin_code=origin_code,
            shares={k.removeprefix("share:"): v for k, v in z.items() if k.startswith("share:")},
        )
    else:
        from tariffsim.duties.flows import default_flows
        from tariffsim.schedule.compile import hs10_codes  # the schedule's one HTS10 -> int

        f = default_flows()
        hs10, origin = np.asarray(f.hs10), np.asarray(f.origin)
        names, code = np.unique(origin, return_inverse=True)
        got = Flows2024(
            hs10=hs10,
            origin=origin,
            value=np.asarray(f.value_usd, float),
            codes=hs10_codes(hs10),
            origin_names=names,
            origin_code=code.ravel().astype(np.int64),
            shares={k: np.asarray(v) for k, v in f.shares.items()},
        )
        arrays: dict[str, Any] = {
            "codes": got.codes,
            "origin_names": names,
            "origin_code": got.origin_code.astype(np.int32),
            "value": got.value,
            **{f"share:{k}": v for k, v in got.shares.items()},
        }
        from tariffsim.core.cachefile import write_cache

        write_cache(path, lambda fh: np.savez(fh, **arrays))
    _FLOWS.clear()
    _FLOWS[str(path)] = got
    return got


def hs10_strings(codes: np.ndarray) -> np.ndarray:
    r"""Integer HTS10 codes as 10-digit strings (``<U10``, leading zeros kept): the digits
    :math:`d_i = \lfloor c / 10^{9-i} \rfloor \bmod 10` written as UCS-4 code points."""
    c = np.asarray(codes, dtype=np.int64)
    digits = np.empty((len(c), 10), dtype=np.uint32)
    for i in range(9, -1, -1):
        c, d = np.divmod(c, 10)
        digits[:, i] = d
    digits += 48  # "0"
    return digits.view("<U10").ravel()


def _flow_fields(f: Flows2024) -> dict[str, Any]:
    return {
        "hs10": f.hs10,
        "origin": f.origin,
        "v2024": f.value,
        "shares": dict(f.shares),
        "hs_int": f.codes,
        "origin_names": f.origin_names,
        "origin_code": f.origin_code,
    }


def _build_base(known: dt.date | None) -> _Base:
    """Compile the law on the PE and GE baseline dates for every 2024 flow (see :class:`_Base`)."""
    from tariffsim.models.law_tariffs import BASELINE as GE_BASE
    from tariffsim.models.pe import BASELINE_DATE

    sched = _schedule(known)
    fields = _flow_fields(flows_2024())
    lo, hi = min(BASELINE_DATE, GE_BASE), max(BASELINE_DATE, GE_BASE)
    c = sched.compile(
        hs10=fields["hs10"],
        origin=fields["origin"],
        start=lo,
        end=hi + dt.timedelta(days=1),
        shares=fields["shares"],
    )
    rules = sched.rules
    list_measures: dict[str, list[str]] = {}
    for m in rules.measures:
        for name in m.products.lists:
            list_measures.setdefault(name, []).append(m.id)
    displaced_by: dict[str, list[str]] = {}
    for m in rules.measures:
        for j in m.excluded_by:
            displaced_by.setdefault(rules.measures[j].id, []).append(m.id)
    return _Base(
        schedule=sched,
        **fields,
        t_law0=np.asarray(c.at(BASELINE_DATE), float),
        t_ge_base=np.asarray(c.at(GE_BASE), float),
        list_measures=list_measures,
        displaced_by=displaced_by,
        list_prefixes={
            name: (tuple(np.asarray(lr.prefixes).astype(str).tolist()), tuple(lr.except_prefixes))
            for name, lr in rules.lists.items()
        },
    )


#: The schedule compiled on one day for every flow (per process: the law on the day read by a
#: caller through :func:`law_on_day` and the state of that day share one compile).
_DAY_COMPILED: Bounded[tuple[Any, ...], Any] = Bounded(2)


def _compiled_day(base: _Base, day: dt.date, key: tuple[Any, ...]) -> Any:
    got = _DAY_COMPILED.get(key)
    if got is None:
        got = base.schedule.compile(
            hs10=base.hs10,
            origin=base.origin,
            start=day,
            end=day + dt.timedelta(days=1),
            shares=base.shares,
        )
        _DAY_COMPILED.put(key, got)
    return got


def law_on_day(day: dt.date) -> Any:
    """The law in force on ``day`` compiled for every 2024 flow (one segment): the schedule's
    compiled result (``total``, ``by_authority``, ``part`` …) on the flows of :func:`base`, in
    their order. The as-of state of ``day`` reuses it, so reading the day's rates and then its
    stakes compile the day once per process."""
    skey = schedule_key()
    return _compiled_day(base(None, skey), day, (skey, None, day))


def _day_law(
    base: _Base, day: dt.date, key: tuple[Any, ...]
) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]], dict[str, str]]:
    """Total duty, every measure's duty (sparse: rows, values) and authorities of every flow on
    ``day`` (one compile of one day, shared by the horizons)."""
    got = _DAY_LAW.get(key)
    if got is None:
        c = _compiled_day(base, day, key)
        parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        authority: dict[str, str] = {}
        for mid, auth in zip(c.measure_ids, c.measure_authorities, strict=True):
            arr = np.asarray(c.part(mid)[0], float)
            authority[mid] = auth
            nz = np.flatnonzero(arr)
            parts[mid] = (nz, arr[nz])
        got = (np.asarray(c.total[0], float), parts, authority)
        _DAY_LAW.put(key, got)
    return got


def _ge_rates(base: _Base, t_asof: np.ndarray, day: dt.date, known: dt.date | None) -> np.ndarray:
    r"""The GE US tariff vector on ``day`` from the flows' duties: per exporter j,
    :math:`\sum_h V_{hj}(1+t_{hj})/(1+t^0_{hj}) / \sum_h V_{hj} - 1` as
    :func:`tariffsim.models.law_tariffs.ge_tariffs_from_schedule` maps the law (that function is
    called itself only when a GE country has no 2024 flow: it rates the import basket for it)."""
    from tariffsim.models.ge_data import load_raw_cached

    iso3 = load_raw_cached().iso3
    n = len(base.origin_names)
    g = (1.0 + t_asof) / (1.0 + base.t_ge_base)
    num = np.bincount(base.origin_code, weights=g * base.v2024, minlength=n)
    den = np.bincount(base.origin_code, weights=base.v2024, minlength=n)
    pos = {str(c): i for i, c in enumerate(base.origin_names)}
    missing = [c for c in iso3 if c != "USA" and (c not in pos or den[pos[c]] <= 0)]
    if missing:
        if known is not None:
            raise InputError(
                f"GE countries without 2024 US imports ({', '.join(missing[:5])}) cannot be "
                "rated on the law as known on a date",
                hint="leave as_known_on out",
            )
        from tariffsim.models.law_tariffs import ge_tariffs_from_schedule

        return ge_tariffs_from_schedule(on=day, iso3=iso3)
    return np.array([0.0 if c == "USA" else num[pos[c]] / den[pos[c]] - 1.0 for c in iso3])


def _state_key(as_of: dt.date, known: dt.date | None, params: Any, skey: str) -> str:
    raw = json.dumps(
        [
            _STATE_VERSION,
            skey,
            _code_stamp(),
            as_of.isoformat(),
            None if known is None else known.isoformat(),
            None if params is None else params.describe(),
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def state(as_of: dt.date, horizon: str, known: dt.date | None = None) -> State:
    """The as-of state: from memory, else from ``$TARIFFSIM_CACHE``, else built (and stored).

    On disk only what is the date's own is kept, in two files: the day's (the day's duties and
    the GE tariff vector, ``stakes-day-*.pkl``, shared by the horizons) and the horizon's (the
    as-of flows, ``stakes-state-*.pkl``); the rest is the process's :class:`_Base`. Processes
    building the same file at once wait for the first (a lock file beside it).
    """
    from tariffsim.models.horizons import pe_params

    params = pe_params(horizon, as_of=as_of)
    skey = schedule_key()
    key = _state_key(as_of, known, params, skey)
    st = _STATES.get(key)
    if st is None:
        from tariffsim.data.paths import cache_dir

        path = cache_dir() / f"stakes-state-{key}.pkl"
        with _lock(path):
            own = _read_own(path)
            shared = base(known, skey)
            day = _day_own(shared, as_of, known, skey)
            if own is None:
                own = _build_own(shared, as_of, params, day["t_asof"])
                _write_own(path, own)
        st = _assemble(key, as_of, horizon, params, known, shared, {**day, **own})
        _STATES.put(key, st)
    return st


#: The day's own part of the states (per process: the short and long run of a date share it).
_DAY_OWN: Bounded[str, dict[str, Any]] = Bounded(4)


def _day_own(base: _Base, day: dt.date, known: dt.date | None, skey: str) -> dict[str, Any]:
    """The day's duties (total, every measure's nonzero duties, authorities) and the GE tariff
    vector: from memory, else from ``$TARIFFSIM_CACHE`` (``stakes-day-*.pkl``, rows stored as
    int32), else compiled (:func:`_day_law`, :func:`_ge_rates`) and stored."""
    key = _state_key(day, known, None, skey)
    got = _DAY_OWN.get(key)
    if got is not None:
        return got
    from tariffsim.data.paths import cache_dir

    path = cache_dir() / f"stakes-day-{key}.pkl"
    with _lock(path):
        saved = _read_own(path)
        if saved is not None:
            got = {
                "t_asof": saved["t_asof"],
                "parts": {m: (r.astype(np.int64), v) for m, (r, v) in saved["parts"].items()},
                "authority": saved["authority"],
                "ge_rates": saved["ge_rates"],
            }
        else:
            base.schedule.check_date(day, field="as_of")
            t_asof, parts, authority = _day_law(base, day, (skey, known, day))
            got = {
                "t_asof": t_asof,
                "parts": parts,
                "authority": authority,
                "ge_rates": _ge_rates(base, t_asof, day, known),
            }
            small = {m: (r.astype(np.int32), v) for m, (r, v) in parts.items()}
            _write_own(path, {"version": _STATE_VERSION, **got, "parts": small})
    return _DAY_OWN.put(key, got)


def _lock(path: Any) -> Any:
    """An exclusive lock on ``<path>.lock`` (a no-op where ``fcntl`` does not exist)."""
    import contextlib

    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def held() -> Any:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{path}.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    return held()


def _read_own(path: Any) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            own = pickle.load(fh)
        return own if isinstance(own, dict) and own.get("version") == _STATE_VERSION else None
    except Exception:  # a stale or broken cache is rebuilt
        return None


def _write_own(path: Any, own: dict[str, Any]) -> None:
    from tariffsim.core.cachefile import write_pickle

    write_pickle(path, own)


def _build_own(base: _Base, as_of: dt.date, params: Any, t_asof: np.ndarray) -> dict[str, Any]:
    """The horizon's own part of a state: the as-of flows, the 2024 flows carried by the PE (of
    ``params``) from the law of :data:`tariffsim.models.pe.BASELINE_DATE` to the law on ``as_of``
    (``t_asof``)."""
    from dataclasses import replace

    from tariffsim.models.pe import solve_problem

    prob, rows, _pos, _bounds = base.problem(params.sigma_min, params.sigma_max)
    prob0 = replace(prob, t0=base.t_law0[rows], t1=t_asof[rows])
    out0 = solve_problem(prob0, params, passthrough=base.passthrough(params, prob.product))
    return {"version": _STATE_VERSION, "v_sorted": out0.v1}


def _assemble(
    key: str,
    as_of: dt.date,
    horizon: str,
    params: Any,
    known: dt.date | None,
    base: _Base,
    own: dict[str, Any],
) -> State:
    from dataclasses import replace

    t_asof, parts, authority = own["t_asof"], own["parts"], own["authority"]
    prob, rows, pos, bounds = base.problem(params.sigma_min, params.sigma_max)
    n = len(t_asof)
    mfn = np.zeros(n)
    reciprocal_mask = np.zeros(n, bool)
    for mid, auth in authority.items():
        if auth == "mfn":
            r, v = parts[mid]
            mfn[r] += v
        elif auth == RECIPROCAL:
            reciprocal_mask[parts[mid][0]] = True
    t_sorted = t_asof[rows]
    v_asof = np.zeros(n)
    v_asof[rows] = own["v_sorted"]
    return State(
        key=key,
        as_of=as_of,
        horizon=horizon,
        hs10=base.hs10,
        origin=base.origin,
        v2024=base.v2024,
        t_asof=t_asof,
        t_ge_base=base.t_ge_base,
        mfn=mfn,
        parts=parts,
        authority=authority,
        list_measures=base.list_measures,
        displaced_by=base.displaced_by,
        list_prefixes=base.list_prefixes,
        v_asof=v_asof,
        problem=replace(prob, v0=own["v_sorted"], t0=t_sorted, t1=t_sorted),
        rows_of_problem=rows,
        ge_rates=own["ge_rates"],
        origin_names=base.origin_names,
        origin_code=base.origin_code,
        reciprocal_mask=reciprocal_mask,
        pos_of_state=pos,
        group_start=bounds[0],
        group_end=bounds[1],
        rho_rows=base.passthrough(params, prob.product),
        hs_int=base.hs_int,
        known=known,
        params=params,
    )


def clear_cache() -> None:
    """Forget the in-memory states and what they share (the disk cache stays)."""
    _STATES.clear()
    _DAY_OWN.clear()
    _DAY_COMPILED.clear()
    _BASES.clear()
    _DAY_LAW.clear()
