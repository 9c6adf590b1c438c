"""Trade flows that duties are computed on: the 2024 HS10 × partner imports, or a user's table.

A :class:`Flows` holds parallel arrays — HTS10 code, origin (ISO3), customs value (USD) — plus the
per-row shares the schedule's measures multiply by (USMCA-qualifying share of Canadian and Mexican
imports, metal content of Section 232 derivatives). The default is US imports for consumption in
2024 by HTS10 × partner (Census, chapters 01–97; 334,728 rows, 3,123.8 bn USD), with:

- ``steel_content`` / ``aluminum_content`` / ``copper_content`` / ``metal_content``: the metal share of
  the product's value from BEA input–output tables (``product_lists/metal_content_shares_bea_hs10.csv``),
  with an HTS8/HS6 fallback for codes the table lacks (:func:`metal_content_shares`);
- ``usmca``: the share of each HTS10 × Canada/Mexico value that entered under USMCA in 2024
  (``product_lists/usmca_product_shares_2024.csv``), attached by the schedule itself; a user's table
  may override it with a ``usmca_share`` column.

The schedule derives ``non_usmca`` = 1 − usmca and ``non_metal_content`` = 1 − metal_content.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from tariffsim.core.errors import InputError


@dataclass(frozen=True, eq=False)
class Flows:
    """Import flows: ``hs10`` (str), ``origin`` (ISO3 str), ``value_usd`` (float), all of length n.

    ``shares`` maps schedule share names (``usmca``, ``steel_content`` …) to arrays of length n.
    ``source`` says where the flows come from (kept as provenance in every result).
    """

    hs10: np.ndarray
    origin: np.ndarray
    value_usd: np.ndarray
    shares: Mapping[str, np.ndarray] = field(default_factory=dict)
    source: str = "user table"
    lines: np.ndarray | None = None  # line number of each row in the user's file, for errors

    def __post_init__(self) -> None:
        n = len(self.hs10)
        if len(self.origin) != n or len(self.value_usd) != n:
            raise ValueError("hs10, origin and value_usd must have the same length")
        for k, v in self.shares.items():
            if len(v) != n:
                raise ValueError(f"share {k!r} has length {len(v)}, expected {n}")

    @property
    def n(self) -> int:
        return len(self.hs10)

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "hs10": self.hs10.astype(str),
                "origin": self.origin.astype(str),
                "imports_usd": self.value_usd.astype(np.float64),
            }
        )


_DEFAULT: Flows | None = None

_METALS = ("steel_content", "aluminum_content", "copper_content", "metal_content")


def metal_content_shares(hs10: np.ndarray | list[str]) -> dict[str, np.ndarray]:
    """Steel / aluminum / copper / total metal content (share of value) of each HTS10 code.

    The schedule's own shares (:meth:`tariffsim.schedule.rules.Shares.metal_values`): the BEA
    input–output shares by HTS10 (``lists.metal_content_shares``), clipped to [0, 1]; the table is
    keyed by the HTS10 codes of its vintage and statistical suffixes change every year (the 2024
    trade data have 3004.90.92.01, the table 3004.90.92.03), so a code absent from it takes the mean
    of its HTS8, else of its HS6 family; only a code unknown at HS6 gets 1.0 (the whole value).
    The schedule derives these itself when rating; this exposes them for reports and tests.
    """
    from tariffsim.schedule import load_schedule

    codes = np.asarray(hs10).astype(np.int64)
    sh = load_schedule().rules.shares
    return {name: sh.metal_values(name, codes) for name in _METALS}


def default_flows() -> Flows:
    """US imports for consumption 2024 by HTS10 × partner (cached; 334,728 rows).

    The schedule attaches the per-row shares itself: metal contents (:func:`metal_content_shares`)
    and the USMCA claim shares (by HTS10 × origin, ``lists.usmca_shares``).
    """
    global _DEFAULT
    if _DEFAULT is not None:
        return _DEFAULT
    from tariffsim.data import census

    imp = census.imports_2024().select("hs10", "iso3", "imports_usd")
    n = imp.height
    hs10 = imp["hs10"].to_numpy().astype("<U10")
    _DEFAULT = Flows(
        hs10=hs10,
        origin=imp["iso3"].fill_null("").to_numpy().astype("<U3"),
        value_usd=imp["imports_usd"].cast(pl.Float64).to_numpy(),
        source=f"Census imports for consumption 2024, HTS10 x partner ({n:,} rows)",
    )
    return _DEFAULT


# ---------------------------------------------------------------------------------------------
# A user's import table


def read_user_table(path: str | Path) -> Flows:
    """Read a CSV import table with columns ``origin, hs, value_usd`` (one entry per line).

    ``origin``: ISO3 code, country name or Census code; ``hs``: an HTS10 code (dots allowed);
    ``value_usd``: customs value. Every bad row is reported at once (InputError naming file:line and
    field); nothing is computed if any row is bad. Optional ``usmca_share`` column (0–1, blank = 0):
    the share of the line's value entered under USMCA; without the column, the schedule uses the
    2024 claim share of the HTS10 × origin (Canada, Mexico).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(
            f"{p}: {'is a folder, not a file' if p.is_dir() else 'no such file'}",
            hint="give the path of a CSV with columns origin,hs,value_usd",
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
            hint="save the table as 'CSV UTF-8' (comma-separated, UTF-8 encoded)",
        ) from None
    return parse_user_table(text, name=str(p))


def parse_user_table(text: str, *, name: str = "<table>") -> Flows:
    """Parse CSV text (see :func:`read_user_table`)."""
    from tariffsim.core import countries
    from tariffsim.core.hs import normalize_hs

    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    aliases = {"hs10": "hs", "hts": "hs", "hts10": "hs", "value": "value_usd", "country": "origin"}
    cols = [aliases.get(c, c) for c in cols]
    need = {"origin", "hs", "value_usd"}
    if not need <= set(cols):
        raise InputError(
            f"missing column(s) {', '.join(sorted(need - set(cols)))} (found: {', '.join(cols) or 'none'})",
            where=f"{name}:1",
            hint="the first line must be a header: origin,hs,value_usd",
        )
    errors: list[str] = []
    line_out: list[int] = []
    hs_out: list[str] = []
    org_out: list[str] = []
    val_out: list[float] = []
    usmca: list[float] = []
    has_share = "usmca_share" in cols
    for lineno, raw in enumerate(reader, start=2):
        row = {
            aliases.get(k.strip().lower(), k.strip().lower()): (v or "").strip()
            for k, v in raw.items()
            if k
        }
        bad: list[str] = []
        try:
            hs = normalize_hs(row["hs"], field="hs")
            if len(hs) != 10:
                bad.append(f"hs: {row['hs']!r} has {len(hs)} digits; give the 10-digit HTS code")
        except InputError as e:
            bad.append(e.message)
            hs = ""
        try:
            iso = countries.resolve(row["origin"])
            if countries.is_group(iso):
                bad.append(f"origin: {row['origin']!r} is a group; give one country (ISO3)")
        except InputError as e:
            bad.append(f"origin: {e.message}" + (f" ({e.hint})" if e.hint else ""))
            iso = ""
        try:
            v = float(row["value_usd"].replace(",", "").replace("_", ""))
            if not np.isfinite(v) or v < 0:
                raise ValueError
        except ValueError:
            bad.append(f"value_usd: {row['value_usd']!r} is not a non-negative number")
            v = 0.0
        share = 0.0
        if row.get("usmca_share"):
            try:
                share = float(row["usmca_share"])
                if not 0.0 <= share <= 1.0:
                    raise ValueError
            except ValueError:
                bad.append(f"usmca_share: {row['usmca_share']!r} is not a number in [0, 1]")
        if bad:
            errors.extend(f"{name}:{lineno}: {b}" for b in bad)
            continue
        line_out.append(lineno)
        hs_out.append(hs)
        org_out.append(iso)
        val_out.append(v)
        usmca.append(share)
    if errors:
        raise InputError(
            f"{len(errors)} bad field(s) in {name}:\n  " + "\n  ".join(errors),
            hint="fix the rows listed (origin: ISO3 code or country name; hs: 10-digit HTS; value_usd: number)",
        )
    if not hs_out:
        raise InputError(
            f"{name}: no data rows", hint="add lines origin,hs,value_usd below the header"
        )
    n = len(hs_out)
    shares: dict[str, np.ndarray] = {}
    if has_share:
        shares["usmca"] = np.array(usmca)
    return Flows(
        hs10=np.array(hs_out, dtype="<U10"),
        origin=np.array(org_out, dtype="<U3"),
        value_usd=np.array(val_out, dtype=np.float64),
        shares=shares,
        lines=np.array(line_out, dtype=np.int64),
        source=f"user table {name} ({n} rows)",
    )
