"""Where the engine gets its data: MFN tables, special rates, product lists, shares.

:class:`DataLayerSource` calls the data layer (``tariffsim.data.hts``, ``tariffsim.data.lists``);
:class:`FrameSource` serves polars frames given in memory (tests, notebooks). Both return polars
frames with the columns the data layer documents:

* ``mfn_table(edition)`` → ``hts10, description, ave, kind`` (``ave``: ad valorem rate or the ad
  valorem equivalent of a specific/compound rate; ``kind``: ``ad_valorem``/``free``/``specific``/
  ``compound``/…)
* ``special_rates(edition)`` → ``hts10, program, ave``
* ``product_list(name)`` → ``prefix, start`` (+ attributes; optional ``end``)
* ``usmca_shares()`` → ``hs10, iso3, usmca_share``
* ``metal_content_shares()`` → ``hs10, steel_share, aluminum_share, copper_share, metal_share``
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol


class Source(Protocol):
    def mfn_table(self, edition: str) -> Any: ...
    def special_rates(self, edition: str) -> Any: ...
    def product_list(self, name: str) -> Any: ...
    def usmca_shares(self) -> Any: ...
    def metal_content_shares(self) -> Any: ...
    def fingerprint(self) -> str: ...


class DataLayerSource:
    """The data layer of tariffsim (shared reference data, else the default bundle)."""

    def mfn_table(self, edition: str) -> Any:
        from tariffsim.data import hts

        return hts.mfn_table(edition)

    def special_rates(self, edition: str) -> Any:
        from tariffsim.data import hts

        return hts.special_rates(edition)

    def product_list(self, name: str) -> Any:
        from tariffsim.data import lists

        return lists.product_list(name)

    def usmca_shares(self) -> Any:
        from tariffsim.data import lists

        return lists.usmca_shares()

    def metal_content_shares(self) -> Any:
        from tariffsim.data import lists

        return lists.metal_content_shares()

    def fingerprint(self) -> str:
        """A hash of where the data comes from and of its files' sizes and times (cache key)."""
        from tariffsim.data import paths

        h = hashlib.sha256()
        roots = [paths.bundle_dir()]
        shared = paths.shared_data_dir()
        if shared is not None:
            roots += [shared / "usitc_hts", shared / "product_lists"]
        for root in roots:
            h.update(str(root).encode())
            if root.is_dir():
                for p in sorted(root.rglob("*")):
                    if p.is_file():
                        st = p.stat()
                        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
        # the data layer's own code decides how files are parsed
        import tariffsim.data as data_pkg

        pkg = data_pkg.__path__[0]
        from pathlib import Path

        for p in sorted(Path(pkg).rglob("*.py")):
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
        return h.hexdigest()[:16]


class FrameSource:
    """Data given as polars frames: ``mfn={edition: df}``, ``special={edition: df}``, ``lists={name: df}``."""

    def __init__(
        self,
        *,
        mfn: dict[str, Any] | None = None,
        special: dict[str, Any] | None = None,
        lists: dict[str, Any] | None = None,
        usmca: Any = None,
        metal: Any = None,
    ) -> None:
        self._mfn = mfn or {}
        self._special = special or {}
        self._lists = lists or {}
        self._usmca = usmca
        self._metal = metal

    def mfn_table(self, edition: str) -> Any:
        from tariffsim.core.errors import DataNotFoundError

        if edition not in self._mfn:
            raise DataNotFoundError(f"no MFN table for HTS edition {edition!r}")
        return self._mfn[edition]

    def special_rates(self, edition: str) -> Any:
        import polars as pl

        return self._special.get(
            edition, pl.DataFrame(schema={"hts10": pl.Utf8, "program": pl.Utf8, "ave": pl.Float64})
        )

    def product_list(self, name: str) -> Any:
        from tariffsim.core.errors import DataNotFoundError

        if name not in self._lists:
            raise DataNotFoundError(f"no product list table {name!r}")
        return self._lists[name]

    def usmca_shares(self) -> Any:
        import polars as pl

        if self._usmca is None:
            return pl.DataFrame(
                schema={"hs10": pl.Utf8, "iso3": pl.Utf8, "usmca_share": pl.Float64}
            )
        return self._usmca

    def metal_content_shares(self) -> Any:
        import polars as pl

        if self._metal is None:
            return pl.DataFrame(
                schema={
                    "hs10": pl.Utf8,
                    "steel_share": pl.Float64,
                    "aluminum_share": pl.Float64,
                    "copper_share": pl.Float64,
                    "metal_share": pl.Float64,
                }
            )
        return self._metal

    def fingerprint(self) -> str:
        return f"frames-{id(self)}"
