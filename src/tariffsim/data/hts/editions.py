"""HTS editions: which USITC JSON exports the reference data hold, and each one read as a frame.

Sources: ``usitc_hts/hts_<edition>.json.gz`` in the reference data — the official USITC JSON export
of each edition (``2025_basic``, ``2025_rev_1`` … ``2026_rev_10``), a list of entries with
``htsno, indent, description, superior, units, general, special, other, footnotes, quotaQuantity,
additionalDuties``. ``general`` is the column 1 (MFN) rate text, ``special`` the preferential rates by
program code, ``other`` the column 2 rate.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.core.errors import InputError
from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl


def normalize_edition(edition: str) -> str:
    """``"hts_2025_rev_7.json.gz"``, ``"2025_rev_7"``, ``"2025-rev7"`` → ``"2025_rev_7"``."""
    e = edition.strip().lower()
    e = e.removeprefix("hts_").removesuffix(".json.gz").removesuffix(".json").replace("-", "_")
    e = re.sub(r"rev_?(\d+)", r"rev_\1", e)
    if not re.fullmatch(r"20\d\d_(basic|rev_\d+)", e):
        raise InputError(
            f"unknown HTS edition {edition!r}",
            hint="write an edition such as 2025_basic or 2025_rev_7 (the file names in usitc_hts/)",
        )
    return e


def editions() -> list[str]:
    """The editions present in the reference data, in publication order."""
    root = paths.shared_data_dir()
    if root is None or not (root / "usitc_hts").is_dir():
        return []
    found = [
        p.name.removeprefix("hts_").removesuffix(".json.gz")
        for p in (root / "usitc_hts").glob("hts_*.json.gz")
    ]

    def key(e: str) -> tuple[int, int]:
        year, _, rest = e.partition("_")
        return int(year), (0 if rest == "basic" else int(rest.removeprefix("rev_")))

    return sorted(found, key=key)


def edition_path(edition: str) -> Path:
    """The JSON file of an edition in the reference data; DataNotFoundError if absent."""
    e = normalize_edition(edition)
    rel = f"usitc_hts/hts_{e}.json.gz"
    p = paths.shared_file(rel)
    if p is None:
        raise paths.missing(rel)
    return p


def _read_entries(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rb") as f:
        return json.load(f)


def _footnotes_text(fn: Any) -> str:
    if not fn:
        return ""
    parts = []
    for f in fn:
        v = (f.get("value") or "").strip() if isinstance(f, dict) else str(f).strip()
        if v:
            cols = ",".join(f.get("columns") or []) if isinstance(f, dict) else ""
            parts.append(f"[{cols}] {v}" if cols else v)
    return "; ".join(parts)


def _revision_frame(entries: list[dict[str, Any]]) -> pl.DataFrame:
    import polars as pl

    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "line",
            "htsno",
            "digits",
            "indent",
            "description",
            "superior",
            "units",
            "general",
            "special",
            "other",
            "footnotes",
            "quota_quantity",
            "additional_duties",
        )
    }
    for i, e in enumerate(entries):
        htsno = (e.get("htsno") or "").strip()
        cols["line"].append(i)
        cols["htsno"].append(htsno)
        cols["digits"].append(re.sub(r"\D", "", htsno))
        try:
            cols["indent"].append(int(e.get("indent") or 0))
        except ValueError:
            cols["indent"].append(0)
        cols["description"].append((e.get("description") or "").strip())
        cols["superior"].append(str(e.get("superior")).lower() == "true")
        cols["units"].append(",".join(e.get("units") or []))
        cols["general"].append((e.get("general") or "").strip())
        cols["special"].append((e.get("special") or "").strip())
        cols["other"].append((e.get("other") or "").strip())
        cols["footnotes"].append(_footnotes_text(e.get("footnotes")))
        cols["quota_quantity"].append((e.get("quotaQuantity") or "").strip())
        ad = e.get("additionalDuties") or e.get("addiitionalDuties") or ""
        cols["additional_duties"].append(ad.strip() if isinstance(ad, str) else json.dumps(ad))
    return pl.DataFrame(cols, schema_overrides={"line": pl.Int32, "indent": pl.Int8})


def load_revision(edition: str) -> pl.DataFrame:
    """All entries of an HTS edition, in file order (chapter 99 included).

    Columns: line (position in the file), htsno (dotted), digits (htsno without dots; "" for
    heading-less text lines), indent, description, superior, units, general, special, other,
    footnotes (``"[general] See 9903.88.15."``; several joined by ``"; "``), quota_quantity,
    additional_duties. Cached (see :mod:`tariffsim.data.store`).
    """
    from tariffsim.data import store

    path = edition_path(edition)
    return store.cached_frame(
        f"hts_revision_{normalize_edition(edition)}",
        [path],
        lambda: _revision_frame(_read_entries(path)),
    )
