"""The Harmonized Tariff Schedule of the United States (USITC JSON exports), in five parts.

* :mod:`~tariffsim.data.hts.rate_text` — rate texts parsed (:func:`parse_rate`, :func:`parse_special`);
* :mod:`~tariffsim.data.hts.editions` — the editions present and each read as a frame
  (:func:`editions`, :func:`load_revision`);
* :mod:`~tariffsim.data.hts.ave` — ad valorem equivalents of specific and compound rates;
* :mod:`~tariffsim.data.hts.mfn` — column 1 rates per HTS10 line (:func:`mfn_table`,
  :func:`mfn_for_codes`, :func:`descriptions`);
* :mod:`~tariffsim.data.hts.special` — special-program rates per line (:func:`special_rates`);
* :mod:`~tariffsim.data.hts.revisions` — revision dates (:func:`revisions`).

Everything public is re-exported here, so ``from tariffsim.data.hts import mfn_table`` keeps working.
"""

from __future__ import annotations

from tariffsim.core.errors import DataNotFoundError
from tariffsim.data.hts.ave import AVE_METHODS, ave_from_mfn, with_column2
from tariffsim.data.hts.editions import edition_path, editions, load_revision, normalize_edition
from tariffsim.data.hts.mfn import descriptions, mfn_for_codes, mfn_table
from tariffsim.data.hts.rate_text import KINDS, ParsedRate, parse_rate, parse_special
from tariffsim.data.hts.revisions import revisions
from tariffsim.data.hts.special import special_rates

# names kept for code written against the single-module layout
_with_column2 = with_column2
_ave_from_mfn = ave_from_mfn

__all__ = [
    "AVE_METHODS",
    "KINDS",
    "DataNotFoundError",
    "ParsedRate",
    "ave_from_mfn",
    "descriptions",
    "edition_path",
    "editions",
    "load_revision",
    "mfn_for_codes",
    "mfn_table",
    "normalize_edition",
    "parse_rate",
    "parse_special",
    "revisions",
    "special_rates",
    "with_column2",
]
