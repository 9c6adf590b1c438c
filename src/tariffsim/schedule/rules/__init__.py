"""The resolved form of a library: plain dataclasses and numpy arrays, ready to rate and to pickle.

:func:`build_rules` turns the validated files (:class:`~tariffsim.schedule.loader.LibrarySpec`,
resolved by :mod:`tariffsim.schedule.resolve`) and the data (:mod:`tariffsim.schedule.sources`) into
:class:`Rules`: measures in evaluation order with origin groups expanded, references to other
measures as indices, dates as day numbers (days since 1970-01-01), product lists as (prefix, start,
end) arrays, MFN editions as sorted HS10 arrays. No pydantic here, so a cached Rules loads fast.

One module per sub-domain, each class next to its builder: :mod:`.measures` (measures, values,
suspensions, product sets), :mod:`.lists` (product lists), :mod:`.editions` (HTS editions),
:mod:`.shares` (per-row shares from the data), :mod:`.build` (the container and the builder);
:mod:`.base` holds the shared array helpers.
"""

from tariffsim.schedule.rules.base import (
    DAY_MAX,
    DAY_MIN,
    DECLARED_PREFIX,
    hs_int,
    lookup,
    prefixes_by_length,
)
from tariffsim.schedule.rules.build import Rules, build_rules
from tariffsim.schedule.rules.editions import AveFlag, Edition, edition_rule
from tariffsim.schedule.rules.lists import ListRule, list_rule
from tariffsim.schedule.rules.measures import (
    DEFAULT_PROGRAM_SHARES,
    MeasureRule,
    OriginRule,
    ProductSet,
    SuspensionRule,
    ValueRule,
    measure_rule,
)
from tariffsim.schedule.rules.shares import Shares, shares_rule

__all__ = [
    "DAY_MAX",
    "DAY_MIN",
    "DECLARED_PREFIX",
    "DEFAULT_PROGRAM_SHARES",
    "AveFlag",
    "Edition",
    "ListRule",
    "MeasureRule",
    "OriginRule",
    "ProductSet",
    "Rules",
    "Shares",
    "SuspensionRule",
    "ValueRule",
    "build_rules",
    "edition_rule",
    "hs_int",
    "list_rule",
    "lookup",
    "measure_rule",
    "prefixes_by_length",
    "shares_rule",
]
