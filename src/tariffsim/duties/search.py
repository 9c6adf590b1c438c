"""Find an HTS code by words: ranked full-text search over the HTS descriptions, with the rate.

The index (SQLite FTS5, from the Python standard library) holds one document per HTS10 line of the
HTS editions the schedule uses (:func:`tariffsim.data.hts.descriptions`): the line's own text and
its heading path (chapter heading › … › parent levels) as two columns. Words are matched as words,
never as substrings (``wine`` does not find *swine*), after Porter stemming (``cars`` finds *car*)
and case folding. Hits are ranked by BM25 (Robertson & Zaragoza 2009, "The Probabilistic Relevance
Framework: BM25 and Beyond", *Foundations and Trends in IR* 3(4)) as SQLite computes it, with the
line's own text weighted :data:`LEAF_WEIGHT` times the heading path:

    score(d, q) = Σ_{t∈q} IDF(t) · f(t,d)(k₁+1) / (f(t,d) + k₁(1 − b + b·|d|/avgdl)),  k₁ = 1.2, b = 0.75,

reported with the sign flipped (higher is better). A query must match every word; when fewer lines
than asked for do, lines matching some of the words follow (each with its own, lower score).

Everyday words the HTS does not use (``laptop``, ``solar panels``, ``sneakers``) are rewritten by a
small curated table (:data:`SYNONYMS`) into the tariff's own words, and the lines under the heading
the everyday word means (``laptop`` → 8471.30, portable automatic data-processing machines) have
their score multiplied by :data:`BOOST`. A query of digits (``8703.23``) lists the lines whose code
starts with them.

With an origin and a date, each hit carries its total duty rate (:meth:`Schedule.compile`, the same
numbers as ``tariffsim rate``). ``tariffsim search`` and the web's HS search both call
:func:`search_hs`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from tariffsim.core.errors import InputError, show
from tariffsim.core.inputs import normalize_text

LEAF_WEIGHT = 3.0
"""BM25 weight of the line's own text relative to its heading path (weight 1)."""
BOOST = 4.0
"""Score multiplier for lines under the heading a synonym names."""
MAX_QUERY_CHARS = 200
"""Longest query read."""

# everyday words → (the tariff's words, HS prefixes they mean). Keys are lower case, matched as
# whole words or phrases (longest first); "s" plurals are matched too.
SYNONYMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "laptop": ("portable automatic data processing machines", ("847130",)),
    "notebook computer": ("portable automatic data processing machines", ("847130",)),
    "computer": ("automatic data processing machines", ("8471",)),
    "pc": ("automatic data processing machines", ("8471",)),
    "smartphone": ("smartphones", ("851713",)),
    "cell phone": ("smartphones", ("851713",)),
    "mobile phone": ("smartphones", ("851713",)),
    "solar panel": ("photovoltaic", ("854143",)),
    "solar module": ("photovoltaic", ("854143",)),
    "solar cell": ("photovoltaic cells", ("854142", "854143")),
    "semiconductor": ("semiconductor", ("8541", "8542")),
    "chip": ("electronic integrated circuits", ("8542",)),
    "microchip": ("electronic integrated circuits", ("8542",)),
    "sneaker": ("sports footwear", ("640411", "640219")),
    "trainer": ("sports footwear", ("640411", "640219")),
    "running shoe": ("sports footwear", ("640411", "640219")),
    "shoe": ("footwear", ("64",)),
    "car": ("motor cars", ("8703",)),
    "automobile": ("motor cars", ("8703",)),
    "passenger car": ("motor cars", ("8703",)),
    "electric vehicle": ("electric motor for propulsion", ("870380",)),
    "ev": ("electric motor for propulsion", ("870380",)),
    "truck": ("motor vehicles for the transport of goods", ("8704",)),
    "tyre": ("pneumatic tires", ("4011",)),
    "tire": ("pneumatic tires", ("4011",)),
    "tv": ("television receivers", ("852872",)),
    "television": ("television receivers", ("852872",)),
    "aluminium": ("aluminum", ("76",)),
    "furniture": ("furniture", ("9401", "9403")),
    "footwear": ("footwear", ("64",)),
    "lithium battery": ("lithium", ("850650", "850760")),
    "lithium ion battery": ("lithium-ion", ("850760",)),
    "medicine": ("medicaments", ("3004",)),
    "pharmaceutical": ("medicaments", ("3003", "3004")),
    "drug": ("medicaments", ("3003", "3004")),
    "lumber": ("wood sawn", ("4407",)),
    "timber": ("wood sawn", ("4407",)),
    "bike": ("bicycles", ("8712",)),
    "drone": ("unmanned aircraft", ("8806",)),
    "fridge": ("refrigerators", ("8418",)),
    "washing machine": ("washing machines", ("8450",)),
    "game console": ("video game consoles", ("950450",)),
    "t shirt": ("t-shirts", ("6109",)),
    "jeans": ("trousers denim", ("6203", "6204")),
    "wine": ("wine", ("2204",)),
}
"""The curated table of everyday words (documented in ``docs/search.md``)."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One HTS10 line found: ``hs`` (10 digits), ``description`` (its own text), ``path`` (heading
    › … › its text), ``score`` (higher is better), ``total_rate`` (fraction; with origin and date)."""

    hs: str
    description: str
    path: str
    score: float
    total_rate: float | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"hs", "description", "score"}`` (+ ``"total_rate"`` when rated); ``description`` is
        the heading path down to the line (a line's own text is often just "Other")."""
        out: dict[str, Any] = {"hs": self.hs, "description": self.path, "score": self.score}
        if self.total_rate is not None:
            out["total_rate"] = self.total_rate
        return out


EDITIONS = ("2026_basic", "2025_basic")
"""The HTS editions searched (a code in both keeps the newer text; :func:`data.hts.descriptions`)."""


class _Index:
    """The FTS5 index of the descriptions: an SQLite file in the cache folder, built once per data
    version (about 20,000 lines; a second or two) and opened read-only afterwards (milliseconds)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.con = _open_index()
        rows = self.con.execute("SELECT hts10, leaf, full FROM lines ORDER BY rowid").fetchall()
        self.codes: list[str] = [r[0] for r in rows]
        self.leaf: list[str] = [r[1] for r in rows]
        self.full: list[str] = [r[2] for r in rows]

    def query(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(row, relevance) of the lines matching the FTS5 expression ``match``, best first."""
        with self.lock:
            rows = self.con.execute(
                "SELECT rowid, -bm25(hts, ?, 1.0) AS s FROM hts WHERE hts MATCH ? "
                "ORDER BY s DESC LIMIT ?",
                (LEAF_WEIGHT, match, limit),
            ).fetchall()
        return [(int(r), float(s)) for r, s in rows]


def _index_key() -> str:
    """A key over the data the index is built from (the editions' source files) and this code."""
    import hashlib
    from pathlib import Path

    from tariffsim.data import paths, store

    deps = []
    for e in EDITIONS:
        p = paths.shared_file(f"usitc_hts/hts_{e}.json.gz") or paths.bundle_file(f"mfn_{e}.parquet")
        if p is not None:
            deps.append(p)
    h = hashlib.sha256(store.source_key(deps).encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:20]


def _open_index() -> sqlite3.Connection:
    """The index file for the current data (built when missing), opened read-only; in memory when
    the cache folder cannot be written."""
    import os
    import tempfile

    from tariffsim.data import paths

    try:
        folder = paths.cache_dir() / "search"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con)
        return con
    path = folder / f"hts-{_index_key()}.sqlite"
    if not path.is_file():
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".hts-", suffix=".sqlite")
        os.close(fd)
        try:
            con = sqlite3.connect(tmp)
            _fill(con)
            con.commit()
            con.close()
            os.replace(tmp, path)
            for old in folder.glob("hts-*.sqlite"):
                if old != path:
                    old.unlink(missing_ok=True)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def _fill(con: sqlite3.Connection) -> None:
    """Create and fill the tables: ``lines`` (code and texts) and the FTS5 table ``hts``."""
    from tariffsim.data.hts import descriptions

    d = descriptions(EDITIONS)
    codes = d.get_column("hts10").to_list()
    leaf = [x or "" for x in d.get_column("description").to_list()]
    full = [x or "" for x in d.get_column("description_full").to_list()]
    con.execute("CREATE TABLE lines(rowid INTEGER PRIMARY KEY, hts10 TEXT, leaf TEXT, full TEXT)")
    con.executemany(
        "INSERT INTO lines VALUES (?, ?, ?, ?)",
        zip(range(len(codes)), codes, leaf, full, strict=True),
    )
    con.execute("CREATE VIRTUAL TABLE hts USING fts5(leaf, path, tokenize='porter unicode61')")
    con.executemany(
        "INSERT INTO hts(rowid, leaf, path) VALUES (?, ?, ?)",
        ((i, lf, _parents(fl, lf)) for i, (lf, fl) in enumerate(zip(leaf, full, strict=True))),
    )


def _parents(full: str, leaf: str) -> str:
    """The heading path without the line's own text (the last level)."""
    parts = full.split(" › ")
    return " › ".join(parts[:-1]) if len(parts) > 1 and parts[-1] == leaf else full


_INDEX: _Index | None = None
_INDEX_LOCK = threading.Lock()


def _index() -> _Index:
    global _INDEX
    with _INDEX_LOCK:
        if _INDEX is None:
            _INDEX = _Index()
        return _INDEX


_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lower case without accents ("Gruyère" → "gruyere"), as the index's unicode61 tokenizer
    folds the HTS descriptions, so that an accented word stays one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _rewrite(text: str) -> tuple[list[str], tuple[str, ...]]:
    """The query's words with everyday phrases replaced by the tariff's words, and the HS prefixes
    those phrases mean."""
    words = _WORD.findall(_fold(text).replace("-", " "))
    out: list[str] = []
    prefixes: list[str] = []
    keys = sorted(SYNONYMS, key=lambda k: -len(k.split()))
    i = 0
    while i < len(words):
        for k in keys:
            kw = k.split()
            n = len(kw)
            cand = words[i : i + n]
            if len(cand) == n and all(
                c == w or (j == n - 1 and c in _plurals(w))
                for j, (c, w) in enumerate(zip(cand, kw, strict=True))
            ):
                repl, pre = SYNONYMS[k]
                out += _WORD.findall(repl.lower().replace("-", " "))
                prefixes += pre
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return list(dict.fromkeys(out)), tuple(dict.fromkeys(prefixes))


def _plurals(word: str) -> tuple[str, ...]:
    """English plural forms of a word (``car`` → cars; ``battery`` → batteries; ``jeans`` stays)."""
    out: tuple[str, ...] = (word + "s", word + "es")
    if word.endswith("y"):
        out += (word[:-1] + "ies",)
    return out


def search_hs(
    query: str,
    *,
    limit: int = 20,
    origin: str | None = None,
    on: Any = None,
    schedule: Any | None = None,
) -> list[SearchHit]:
    """HTS10 lines for ``query`` (words or a code prefix), best first (see the module doc).

    With ``origin`` and ``on``, each hit carries its total rate on that day (lines absent from the
    HTS edition in force then are left out). ``schedule``: the schedule that rates (default: the US
    library). Raises :class:`InputError` for an empty or over-long query.
    """
    text = normalize_text(query)
    if not text:
        raise InputError("empty search", hint="give words, e.g. tariffsim search lithium batteries")
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(
            f"search text {show(text)} is longer than {MAX_QUERY_CHARS} characters",
            hint="a few words are enough",
        )
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    if (origin is None) != (on is None):
        raise InputError(
            "give both an origin and a date to rate the hits",
            hint="e.g. --origin JPN --on 2025-09-20",
        )
    idx = _index()
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.isdigit() and digits.isascii():
        hits = [
            SearchHit(c, idx.leaf[i], idx.full[i], 1.0)
            for i, c in enumerate(idx.codes)
            if c.startswith(digits)
        ]
    else:
        hits = _word_hits(idx, text, limit if origin is None else 4 * limit)
    if origin is not None:
        hits = _rated(hits, origin, on, schedule)
    return hits[:limit]


def _word_hits(idx: _Index, text: str, limit: int) -> list[SearchHit]:
    words, prefixes = _rewrite(text)
    if not words:
        raise InputError(
            f"no words to search for in {show(text)}", hint="use letters, e.g. 'frozen fish'"
        )
    terms = [f'"{w}"' for w in words]  # quoted: user text is never FTS5 syntax
    found: dict[int, float] = {}
    pool = max(200, 10 * limit)
    for r, s in idx.query(" AND ".join(terms), pool):
        found[r] = s
    all_words = set(found)
    if len(found) < limit and len(terms) > 1:
        for r, s in idx.query(" OR ".join(terms), pool):
            found.setdefault(r, s)
    scored = []
    for r, s in found.items():
        boost = BOOST if prefixes and idx.codes[r].startswith(prefixes) else 1.0
        scored.append((s * boost * (1.0 if r in all_words else 0.5), r))
    scored.sort(key=lambda t: (-t[0], idx.codes[t[1]]))
    return [
        SearchHit(idx.codes[r], idx.leaf[r], idx.full[r], round(score, 6))
        for score, r in scored[:limit]
    ]


def _rated(hits: list[SearchHit], origin: str, on: Any, schedule: Any | None) -> list[SearchHit]:
    """The hits with their total rate from ``origin`` on ``on`` (lines the edition in force lacks
    are dropped)."""
    import numpy as np

    from tariffsim.duties.etr import _mfn_edition

    if schedule is None:
        from tariffsim.schedule import load_schedule

        schedule = load_schedule()
    day = schedule.check_date(on, field="--on")
    iso, members = schedule.resolve_origin(origin)
    if not hits:
        return []
    codes = np.array([h.hs for h in hits])
    ed = _mfn_edition(schedule, day)
    if ed is not None:
        known = ed.locate(codes.astype(np.int64))[1] >= 0
        hits = [h for h, k in zip(hits, known.tolist(), strict=True) if k]
        codes = codes[known]
    if not hits:
        return []
    # a group (EU) is rated for each member; its rate is theirs when they all pay the same
    k = len(members)
    # each hit is rated as one entry with no preference claim, as `tariffsim rate` rates it (not
    # at the trade data's claim shares, which price flows, not a shipment)
    c = schedule.compile(
        np.tile(codes, k), np.repeat(np.array(members), len(codes)), day, basis="entry"
    )
    each = np.asarray(c.total[0], dtype=float).reshape(k, len(codes))
    total = each[0]
    if k > 1 and np.ptp(each, axis=0).max() > 1e-12:
        raise InputError(
            f"the members of {iso} pay different rates on some of these lines",
            hint=f"give one member country, e.g. --origin {members[0]}",
        )
    return [
        SearchHit(h.hs, h.description, h.path, h.score, round(float(t), 10))
        for h, t in zip(hits, total.tolist(), strict=True)
    ]
