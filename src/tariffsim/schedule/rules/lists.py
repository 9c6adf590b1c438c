"""Product lists in resolved form: prefixes with dated membership ``[start, end)``, and the
builder from a list definition and the data layer's tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.core.errors import DataNotFoundError, InputError
from tariffsim.schedule.rules.base import DAY_MAX, DAY_MIN, as_date, day, prefixes_by_length

if TYPE_CHECKING:
    from tariffsim.schedule import schema as S


SCAN_LOOKUPS = 8
"""Scalar lookups of a list answered by a scan before :meth:`ListRule.member_on` indexes it."""


@dataclass(slots=True)
class ListRule:
    """Items of a product list: prefix digit strings with membership ``[start, end)`` day numbers,
    and exceptions (prefixes out of the list whatever its items say) over ``[except_start,
    except_end)``.

    Publication (for the law as known on a day, :meth:`known_on`): an item is known from
    ``published`` (default: its start), its end from ``end_published`` (default: its end), an
    exception from ``except_published`` (default: its start).
    """

    name: str
    prefixes: np.ndarray  # (m,) str
    start: np.ndarray  # (m,) int64
    end: np.ndarray  # (m,) int64
    reference: str
    except_prefixes: tuple[str, ...] = ()  # one per exception (a prefix may repeat with dates)
    except_start: np.ndarray | None = None  # (x,) int64, DAY_MIN = from always
    except_end: np.ndarray | None = None  # (x,) int64, DAY_MAX = for ever
    published: np.ndarray | None = None  # (m,) int64
    end_published: np.ndarray | None = None  # (m,) int64
    except_published: np.ndarray | None = None  # (x,) int64
    index: dict[str, list[tuple[int, int]]] | None = None  # prefix -> [(start, end)], built on use
    lookups: int = 0  # scalar lookups answered by scanning the items (see member_on)
    lengths: tuple[int, ...] = ()
    grouped: Any = None  # see groups(), built on use
    xgrouped: Any = None  # see except_groups(), built on use

    def _x(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.except_prefixes)
        xs = self.except_start if self.except_start is not None else np.full(n, DAY_MIN)
        xe = self.except_end if self.except_end is not None else np.full(n, DAY_MAX)
        return np.asarray(xs, dtype=np.int64), np.asarray(xe, dtype=np.int64)

    def excepted_on(self, hs10: str, day: int) -> bool:
        """Is ``hs10`` taken out of the list on ``day`` by an exception?"""
        xs, xe = self._x()
        return any(
            hs10.startswith(p) and s <= day < e
            for p, s, e in zip(self.except_prefixes, xs.tolist(), xe.tolist(), strict=True)
        )

    def member_on(self, hs10: str, day: int) -> bool:
        """Is ``hs10`` covered by an item whose membership ``[start, end)`` contains ``day``, and
        not taken out by an exception in force that day?

        The first :data:`SCAN_LOOKUPS` calls scan the items (one vectorised pass: a single
        ``tariffsim rate`` asks ~20 lists once each, and building their indexes would cost more
        than the answer); a list asked more often (a server, a timeline) gets a prefix index."""
        if self.index is None and self.lookups < SCAN_LOOKUPS:
            self.lookups += 1
            if self.except_prefixes and self.excepted_on(hs10, day):
                return False
            if not len(self.prefixes):
                return False
            hit = np.strings.startswith(hs10, self.prefixes)
            return bool((hit & (self.start <= day) & (self.end > day)).any())
        if self.index is None:
            idx: dict[str, list[tuple[int, int]]] = {}
            for p, s, e in zip(
                self.prefixes.tolist(), self.start.tolist(), self.end.tolist(), strict=True
            ):
                idx.setdefault(p, []).append((s, e))
            self.index = idx
            self.lengths = tuple(sorted({len(p) for p in idx}))
        if self.except_prefixes and self.excepted_on(hs10, day):
            return False
        for n in self.lengths:
            for s, e in self.index.get(hs10[:n], ()):
                if s <= day < e:
                    return True
        return False

    def groups(self) -> tuple[np.ndarray, np.ndarray, list[dict[int, np.ndarray]]]:
        """Items grouped by membership: (starts (P,), ends (P,), per group {length: sorted int prefixes})."""
        if self.grouped is None:
            self.grouped = _group(self.prefixes, self.start, self.end)
        return self.grouped  # type: ignore[no-any-return]

    def except_groups(self) -> tuple[np.ndarray, np.ndarray, list[dict[int, np.ndarray]]]:
        """Exceptions grouped by their ``[start, end)`` like :meth:`groups`."""
        if self.xgrouped is None:
            xs, xe = self._x()
            self.xgrouped = _group(np.asarray(self.except_prefixes, dtype=str), xs, xe)
        return self.xgrouped  # type: ignore[no-any-return]

    def change_days(self) -> set[int]:
        out = {int(x) for x in self.start if x != DAY_MIN}
        out |= {int(x) for x in self.end if x != DAY_MAX}
        xs, xe = self._x()
        out |= {int(x) for x in xs if x != DAY_MIN}
        out |= {int(x) for x in xe if x != DAY_MAX}
        return out

    def known_on(self, cutoff: int) -> ListRule:
        """The list as known on day ``cutoff``: items and exceptions published later dropped, ends
        published later not yet known (the item continues)."""
        pub = self.published if self.published is not None else self.start
        endp = self.end_published if self.end_published is not None else self.end
        keep = np.asarray(pub) <= cutoff
        end = np.where(np.asarray(endp) <= cutoff, self.end, DAY_MAX)
        xs, xe = self._x()
        xp = self.except_published if self.except_published is not None else xs
        xkeep = np.asarray(xp) <= cutoff
        return ListRule(
            name=self.name,
            prefixes=self.prefixes[keep],
            start=self.start[keep],
            end=end[keep],
            reference=self.reference,
            except_prefixes=tuple(p for p, k in zip(self.except_prefixes, xkeep, strict=True) if k),
            except_start=xs[xkeep],
            except_end=xe[xkeep],
            published=np.asarray(pub)[keep],
            end_published=np.asarray(endp)[keep],
            except_published=np.asarray(xp)[xkeep],
        )


def _group(
    prefixes: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[dict[int, np.ndarray]]]:
    pairs = np.stack([start, end], axis=1) if len(start) else np.zeros((0, 2), dtype=np.int64)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    per = [prefixes_by_length(prefixes[inv == p]) for p in range(len(uniq))]
    return uniq[:, 0].copy(), uniq[:, 1].copy(), per


def list_rule(name: str, d: S.ListDef, source: Any, where: str) -> ListRule:
    """Resolve a list: the source table filtered by ``where`` plus inline items, with dates."""
    import polars as pl

    prefixes: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pubs: list[int] = []
    end_pubs: list[int] = []
    default_start = day(d.start, DAY_MIN)
    default_end = day(d.end, DAY_MAX)
    list_pub = day(d.published, DAY_MIN) if d.published is not None else None
    if d.source is not None:
        try:
            df = source.product_list(d.source)
        except (DataNotFoundError, InputError, KeyError, ValueError) as exc:
            raise InputError(
                f"lists.{name}.source: {exc}",
                where=where,
                hint=getattr(exc, "hint", None) or "name a table of tariffsim.data.lists",
            ) from None
        for col, want in (d.where or {}).items():
            if col not in df.columns:
                raise InputError(
                    f"lists.{name}.where: table {d.source!r} has no column {col!r} (columns: {', '.join(df.columns)})",
                    where=where,
                )
            vals = [want] if isinstance(want, str) else list(want)
            df = df.filter(pl.col(col).cast(pl.Utf8).is_in(vals))
        pcol = (
            "prefix"
            if "prefix" in df.columns
            else next((c for c in ("hts10", "hts8", "hts_prefix", "hs10") if c in df.columns), None)
        )
        if pcol is None:
            raise InputError(
                f"lists.{name}.source: table {d.source!r} has no prefix column", where=where
            )
        df = df.filter(pl.col(pcol).is_not_null())
        p = [str(x).replace(".", "").strip() for x in df.get_column(pcol).to_list()]
        prefixes += p
        if "start" in df.columns or "effective_date" in df.columns:
            scol = df.get_column("start" if "start" in df.columns else "effective_date")
            starts += [
                default_start if x is None else day(as_date(x), default_start)
                for x in scol.to_list()
            ]
        else:
            starts += [default_start] * len(p)
        if "end" in df.columns:
            ends += [
                default_end if x is None else day(as_date(x), default_end)
                for x in df.get_column("end").to_list()
            ]
        else:
            ends += [default_end] * len(p)
        pubcol: list[Any] = (
            df.get_column("published").to_list() if "published" in df.columns else [None] * len(p)
        )
        for x, s0 in zip(pubcol, starts[len(pubs) :], strict=True):
            given = as_date(x) if x is not None else None
            pubs.append(
                day(given, DAY_MIN)
                if given is not None
                else (list_pub if list_pub is not None else s0)
            )
        end_pubs += ends[len(end_pubs) :]
    for it in d.items or []:
        prefixes.append(it.prefix)
        starts.append(day(it.start, default_start))
        ends.append(day(it.end, default_end))
        pubs.append(
            day(it.published, DAY_MIN)
            if it.published is not None
            else (list_pub if list_pub is not None else starts[-1])
        )
        end_pubs.append(day(it.end_published, DAY_MAX) if it.end_published else ends[-1])
    excepts = sorted(d.except_ or [], key=lambda e: (e.prefix, e.start or dt.date.min))
    bad = [x for x in prefixes if not (x.isdigit() and 2 <= len(x) <= 10)]
    if bad:
        raise InputError(
            f"lists.{name}: {len(bad)} items are not HS prefixes, e.g. {bad[0]!r}", where=where
        )
    return ListRule(
        name=name,
        prefixes=np.asarray(prefixes, dtype=str) if prefixes else np.zeros(0, dtype="<U10"),
        start=np.asarray(starts, dtype=np.int64),
        end=np.asarray(ends, dtype=np.int64),
        reference=d.reference,
        except_prefixes=tuple(e.prefix for e in excepts),
        except_start=np.asarray([day(e.start, DAY_MIN) for e in excepts], dtype=np.int64),
        except_end=np.asarray([day(e.end, DAY_MAX) for e in excepts], dtype=np.int64),
        published=np.asarray(pubs, dtype=np.int64),
        end_published=np.asarray(end_pubs, dtype=np.int64),
        except_published=np.asarray(
            [day(e.published or e.start, DAY_MIN) for e in excepts], dtype=np.int64
        ),
    )
