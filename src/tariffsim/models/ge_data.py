"""Data and calibration of the multi-country general-equilibrium tariff model.

The model is that of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), "Making America Great
Again? The Economic Impacts of Liberation Day Tariffs", *Journal of International Economics* 157,
written out in ``docs/ge-model-spec.md``. Inputs (``ge_2023/`` of the reference data, from
the paper's replication files): a 194 x 194 goods-trade matrix for 2023 in thousands of USD
(row = exporter j, column = importer i, diagonal blank), GDP in USD, and the April-2025 US
"reciprocal" tariff on each exporter.

Calibration (spec, "Calibration"):

1. Import-side share ν from the two-region system (everyone but the US = region 1, the US = 2):
   ``E_r = Y2_r + (1-ν_r)(Σ_s X2[s,r] - Σ_s (1-ν_s) X2[r,s])``,
   ``a_1 = (E_1 - X2[2,1]) / (E_1 - X2[2,1] + X2[1,2])``, ``a_2`` symmetrically, and
   ``(1-a_1) ν_2 + a_1 ν_1 = 0.12``, ``a_2 ν_2 + (1-a_2) ν_1 = 0.26``; negatives floored at 0.
2. ``T_i = (1-ν_i)(Σ_j X[j,i] - Σ_k (1-ν_k) X[i,k])``, ``E_i = Y_i + T_i``,
   ``X[i,i] = max(E_i - Σ_{j≠i} X[j,i], 0)``.
3. On the completed matrix: ``E_i = Σ_j X[j,i]``, ``Y_i = Σ_k (1-ν_k) X[i,k] + ν_i Σ_j X[j,i]``,
   ``T_i = E_i - Y_i``, ``λ[j,i] = X[j,i] / E_i``.
4. ``ε = 4``, ``κ = 0.5``, ``ψ = 0.67/ε``, ``θ = ε/0.67``,
   ``φ̃_i = (1+θ)/((1-ν_i)θ) - 1/θ - 1``, ``φ_i = 1 + φ̃_i``.

Variants: incomplete firm-level pass-through (``φ_i = 0.25 + φ̃_i``), ``ε = 8`` in the equilibrium
only (ψ and φ keep their ε = 4 values), Eaton–Kortum–Krugman (``ν = 0``, ``φ = 1``,
``Y_i = Σ_k X[i,k]``, ``T_i = E_i - Y_i``, same completed matrix, E and λ), and ``short_run``: the
short-run trade elasticity of :func:`tariffsim.models.horizons.ge_trade_elasticity` (ε = 4 × 0.38)
in the equilibrium only, ψ and φ kept at their ε = 4 values as in the ε = 8 variant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from tariffsim.core.errors import DataNotFoundError, InputError

#: EU as the paper's tables define it: the 27 members less Czechia and Slovakia (spec, "Regions").
EU_MEMBERS: tuple[str, ...] = (
    "AUT", "BEL", "BGR", "CYP", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN",
    "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVN", "SWE",
)  # fmt: skip

#: Targets of the two-region ν system (spec, calibration step 1).
NU_TARGETS = (0.12, 0.26)

Variant = Literal["baseline", "partial_passthrough", "eps8", "ekk", "short_run"]
VARIANTS: tuple[str, ...] = ("baseline", "partial_passthrough", "eps8", "ekk", "short_run")

_DATA_SUBDIR = "ge_2023"


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


def default_data_dir() -> Path:
    """The reference data folder (``$TARIFFSIM_DATA``, else ``../shared/data`` beside the checkout).

    Resolved by :func:`tariffsim.data.paths.shared_data_dir`; raises
    :class:`~tariffsim.core.errors.DataNotFoundError` when there is none (the GE inputs then come from
    the package's default bundle, see :func:`load_raw`).
    """
    from tariffsim.data.paths import shared_data_dir

    root = shared_data_dir()
    if root is None:
        raise DataNotFoundError(
            "no reference data folder (../shared/data) found",
            hint="set TARIFFSIM_DATA to the reference data folder",
        )
    return root


class _Countries:
    """Country lookup shared by the raw data and the calibrated model (both hold ``iso3``)."""

    iso3: tuple[str, ...]
    _what = "GE data"

    @property
    def n(self) -> int:
        return len(self.iso3)

    def index(self, code: str) -> int:
        """Position of a country code; :class:`InputError` if unknown."""
        try:
            return self.iso3.index(code.upper())
        except ValueError:
            raise InputError(
                f"country {code!r} is not among the {self.n} countries of the {self._what}",
                hint="use an ISO 3166 alpha-3 code such as CHN",
            ) from None


@dataclass(frozen=True)
class GERawData(_Countries):
    """The paper's baseline data as read from ``ge_2023/`` (thousands of USD).

    Attributes:
        iso3: country codes in data order (the US at index 184 of 194; ZWE last).
        names: country names.
        trade: ``trade[j, i]`` = exports of j to i; blank = 0; diagonal 0.
        gdp: GDP in thousands of USD (``gdp.csv`` / 1000).
        ustr_tariff: the April-2025 US tariff on each exporter (fraction; ``tariffs.csv``).
        source: folder the files were read from.
    """

    iso3: tuple[str, ...]
    names: tuple[str, ...]
    trade: np.ndarray
    gdp: np.ndarray
    ustr_tariff: np.ndarray
    source: str


def _read_numeric_csv(path: Path, ncols: int | None) -> np.ndarray:
    if not path.is_file():
        raise DataNotFoundError(f"{path} not found", hint="check TARIFFSIM_DATA")
    rows: list[list[float]] = []
    with path.open(encoding="utf-8") as fh:
        header = fh.readline()
        width = len(header.split(","))
        for lineno, line in enumerate(fh, start=2):
            cells = line.rstrip("\n\r").split(",")
            if ncols is not None and len(cells) != width:
                raise InputError(
                    f"expected {width} cells, found {len(cells)}", where=f"{path}:{lineno}"
                )
            try:
                rows.append([float(c) if c.strip() else 0.0 for c in cells])
            except ValueError as exc:
                raise InputError(f"not a number ({exc})", where=f"{path}:{lineno}") from None
    return np.asarray(rows, dtype=float)


def load_raw(data_dir: str | os.PathLike[str] | None = None) -> GERawData:
    """Read the GE inputs.

    With ``data_dir`` (the ``ge_2023`` folder or the reference data root): ``trade_cepii.csv``,
    ``gdp.csv``, ``tariffs.csv`` and ``country_labels.csv``. Without it: the same files in the
    reference data (:mod:`tariffsim.data.paths`), else the package's default bundle
    (``ge_countries.parquet``, ``ge_trade.parquet``, derived from those files; see the bundle's
    PROVENANCE.md).
    """
    if data_dir is None:
        from tariffsim.data.paths import bundle_file, shared_file

        trade_csv = shared_file(f"{_DATA_SUBDIR}/trade_cepii.csv")
        if trade_csv is not None:
            return _load_csv_folder(trade_csv.parent)
        countries, trade = bundle_file("ge_countries.parquet"), bundle_file("ge_trade.parquet")
        if countries is None or trade is None:
            from tariffsim.data.paths import missing

            raise missing(f"{_DATA_SUBDIR}/trade_cepii.csv", bundle_name="ge_trade.parquet")
        return _load_bundle(countries, trade)
    base = Path(data_dir)
    return _load_csv_folder(base / _DATA_SUBDIR if (base / _DATA_SUBDIR).is_dir() else base)


def _load_bundle(countries: Path, trade: Path) -> GERawData:
    import polars as pl

    c = pl.read_parquet(countries)
    x = pl.read_parquet(trade).to_numpy().astype(float)
    iso3 = tuple(c["iso3"].to_list())
    if x.shape != (len(iso3), len(iso3)):
        raise InputError(
            f"bundle trade matrix has shape {x.shape} for {len(iso3)} countries", where=str(trade)
        )
    x = np.nan_to_num(x)
    np.fill_diagonal(x, 0.0)
    return GERawData(
        iso3=iso3,
        names=tuple(c["CountryName"].to_list()),
        trade=_frozen(x),
        gdp=_frozen(c["gdp_usd"].to_numpy() / 1000.0),
        ustr_tariff=_frozen(c["ustr_tariff"].to_numpy()),
        source=f"bundle:{trade.parent}",
    )


def _load_csv_folder(folder: Path) -> GERawData:
    labels = folder / "country_labels.csv"
    if not labels.is_file():
        raise DataNotFoundError(f"{labels} not found", hint="set TARIFFSIM_DATA")
    iso3: list[str] = []
    names: list[str] = []
    with labels.open(encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            code, _num, name = line.rstrip("\n\r").split(",", 2)
            iso3.append(code)
            names.append(name.strip('"'))
    trade = _read_numeric_csv(folder / "trade_cepii.csv", ncols=len(iso3))
    gdp = _read_numeric_csv(folder / "gdp.csv", ncols=None).ravel() / 1000.0
    tariffs = _read_numeric_csv(folder / "tariffs.csv", ncols=None).ravel()
    n = len(iso3)
    if trade.shape != (n, n) or gdp.shape != (n,) or tariffs.shape != (n,):
        raise InputError(
            f"inconsistent shapes: trade {trade.shape}, gdp {gdp.shape}, tariffs {tariffs.shape}, "
            f"{n} countries",
            where=str(folder),
        )
    np.fill_diagonal(trade, 0.0)
    return GERawData(
        iso3=tuple(iso3),
        names=tuple(names),
        trade=_frozen(trade),
        gdp=_frozen(gdp),
        ustr_tariff=_frozen(tariffs),
        source=str(folder),
    )


@dataclass(frozen=True)
class GEModel(_Countries):
    """A calibrated economy: everything the equilibrium needs (spec, "Calibration").

    Attributes:
        iso3, names: countries in data order.
        X: completed trade matrix (diagonal = domestic absorption), thousands of USD.
        E: expenditure ``Σ_j X[j,i]``; Y: wage income; T: deficit transfer ``E - Y``.
        lam: expenditure shares ``λ[j,i] = X[j,i]/E_i``.
        nu: import-side share ν_i used in the equilibrium (0 in the EKK variant).
        phi: pass-through parameter φ_i used in the equilibrium.
        eps: trade elasticity ε of the equilibrium; kappa: labour-supply elasticity κ;
        psi: scale economies ψ.
        nu2: the calibrated two-region (ν_1 non-US, ν_2 US) before flooring-to-countries.
        us: index of the United States.
        variant: which calibration variant.
        ustr_tariff: the April-2025 US tariff by exporter (fraction).
        provenance: data folder and parameters.
    """

    iso3: tuple[str, ...]
    names: tuple[str, ...]
    X: np.ndarray
    E: np.ndarray
    Y: np.ndarray
    T: np.ndarray
    lam: np.ndarray
    nu: np.ndarray
    phi: np.ndarray
    eps: float
    kappa: float
    psi: float
    nu2: tuple[float, float]
    us: int
    variant: str
    ustr_tariff: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)
    _what = "GE model"

    def with_params(
        self,
        *,
        eps: float | None = None,
        kappa: float | None = None,
        psi: float | None = None,
        phi: np.ndarray | None = None,
    ) -> GEModel:
        """A copy with some equilibrium parameters replaced (used by Monte Carlo and variants)."""
        return replace(
            self,
            eps=float(self.eps if eps is None else eps),
            kappa=float(self.kappa if kappa is None else kappa),
            psi=float(self.psi if psi is None else psi),
            phi=self.phi if phi is None else _frozen(np.broadcast_to(phi, (self.n,))),
        )


def two_region(raw_trade: np.ndarray, y: np.ndarray, us: int) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate a trade matrix and income to regions (1 = all but the US, 2 = the US).

    Returns ``(X2, Y2)`` with ``X2[r, s]`` summed over exporters in r and importers in s.
    """
    n = raw_trade.shape[0]
    member = np.zeros((n, 2))
    member[:, 0] = 1.0
    member[us, 0] = 0.0
    member[us, 1] = 1.0
    x2 = member.T @ raw_trade @ member
    y2 = member.T @ y
    return x2, y2


def solve_nu(
    x2: np.ndarray, y2: np.ndarray, targets: tuple[float, float] = NU_TARGETS
) -> np.ndarray:
    """Solve the two-region system for (ν_1, ν_2) (spec step 1) and floor negatives at 0.

    ``E_r(ν) = Y2_r + (1-ν_r)(Σ_s X2[s,r] - Σ_s (1-ν_s) X2[r,s])``; ``a_1, a_2`` as in the spec;
    equations ``(1-a_1)ν_2 + a_1 ν_1 = t_1`` and ``a_2 ν_2 + (1-a_2)ν_1 = t_2``.
    """
    from scipy.optimize import fsolve

    imports = x2.sum(axis=0)

    def resid(nu: np.ndarray) -> np.ndarray:
        e = y2 + (1.0 - nu) * (imports - x2 @ (1.0 - nu))
        a1 = (e[0] - x2[1, 0]) / (e[0] - x2[1, 0] + x2[0, 1])
        a2 = (e[1] - x2[0, 1]) / (e[1] - x2[0, 1] + x2[1, 0])
        return np.array(
            [(1 - a1) * nu[1] + a1 * nu[0] - targets[0], a2 * nu[1] + (1 - a2) * nu[0] - targets[1]]
        )

    sol, _info, ier, msg = fsolve(resid, np.array([0.1, 0.3]), full_output=True, xtol=1e-13)
    if ier != 1 or np.max(np.abs(resid(sol))) > 1e-10:
        raise InputError(f"the two-region ν system has no solution on these data ({msg})")
    return np.maximum(sol, 0.0)


def calibrate(
    raw: GERawData,
    *,
    variant: Variant = "baseline",
    eps: float = 4.0,
    kappa: float = 0.5,
    scale_share: float = 0.67,
) -> GEModel:
    """Calibrate the economy to the baseline data (spec, "Calibration", steps 1–4 and variants).

    Args:
        raw: the data (:func:`load_raw`).
        variant: ``"baseline"``, ``"partial_passthrough"`` (φ = 0.25 + φ̃), ``"eps8"`` (ε = 2·eps in
            the equilibrium only), ``"ekk"`` (ν = 0, φ = 1, Y = total sales) or ``"short_run"``
            (ε scaled by the one-year / long-run ratio of Boehm et al. in the equilibrium only).
        eps: trade elasticity ε used for ψ = 0.67/ε and θ = ε/0.67 (and in the equilibrium).
        kappa: labour-supply elasticity κ.
        scale_share: the 0.67 of ψ = 0.67/ε and θ = ε/0.67.
    """
    if variant not in VARIANTS:
        raise InputError(
            f"unknown GE variant {variant!r}", hint=f"choose from {', '.join(VARIANTS)}"
        )
    if not eps > 0 or not kappa >= 0:
        raise InputError(f"need ε > 0 and κ ≥ 0 (got ε={eps}, κ={kappa})")
    us = raw.index("USA")
    n = raw.n
    x = np.array(raw.trade, dtype=float)
    y0 = np.array(raw.gdp, dtype=float)

    # 1. ν by the two-region system.
    x2, y2 = two_region(x, y0, us)
    nu2 = solve_nu(x2, y2)
    nu = np.full(n, nu2[0])
    nu[us] = nu2[1]

    # 2. Domestic absorption.
    imports = x.sum(axis=0)
    t0 = (1.0 - nu) * (imports - x @ (1.0 - nu))
    e0 = y0 + t0
    np.fill_diagonal(x, np.maximum(e0 - imports, 0.0))

    # 3. Recompute on the completed matrix.
    e = x.sum(axis=0)
    y = x @ (1.0 - nu) + nu * e
    lam = x / e[None, :]

    # 4. Parameters.
    psi = scale_share / eps
    theta = eps / scale_share
    phi_tilde = (1.0 + theta) / ((1.0 - nu) * theta) - 1.0 / theta - 1.0
    eps_eq = eps
    if variant == "baseline":
        phi = 1.0 + phi_tilde
    elif variant == "partial_passthrough":
        phi = 0.25 + phi_tilde
    elif variant == "eps8":
        phi = 1.0 + phi_tilde
        eps_eq = 2.0 * eps
    elif variant == "short_run":
        from tariffsim.models.horizons import GE_EPS_LONG_RUN, ge_trade_elasticity

        phi = 1.0 + phi_tilde
        eps_eq = eps * ge_trade_elasticity("short-run")[0] / GE_EPS_LONG_RUN
    else:  # ekk
        nu = np.zeros(n)
        phi = np.ones(n)
        y = x.sum(axis=1)
    t = e - y
    return GEModel(
        iso3=raw.iso3,
        names=raw.names,
        X=_frozen(x),
        E=_frozen(e),
        Y=_frozen(y),
        T=_frozen(t),
        lam=_frozen(lam),
        nu=_frozen(nu),
        phi=_frozen(phi),
        eps=float(eps_eq),
        kappa=float(kappa),
        psi=float(psi),
        nu2=(float(nu2[0]), float(nu2[1])),
        us=us,
        variant=variant,
        ustr_tariff=raw.ustr_tariff,
        provenance={
            "data": raw.source,
            "paper": "Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), JIE 157",
            "variant": variant,
            "eps_calibration": eps,
            "eps": eps_eq,
            "kappa": kappa,
            "psi": psi,
            "nu_non_us": float(nu2[0]),
            "nu_us": float(nu2[1]),
        },
    )


@lru_cache(maxsize=4)
def _cached_raw(data_dir: str | None) -> GERawData:
    return load_raw(data_dir)


@lru_cache(maxsize=16)
def load_model(variant: Variant = "baseline", data_dir: str | None = None) -> GEModel:
    """The calibrated model of the paper (cached per process)."""
    return calibrate(_cached_raw(data_dir), variant=variant)


def load_raw_cached(data_dir: str | None = None) -> GERawData:
    """The raw data (cached per process)."""
    return _cached_raw(data_dir)
