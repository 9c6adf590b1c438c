"""Download the official sources: USITC HTS JSON editions and the Census International Trade API.

Sources and URL formats
-----------------------
* **USITC HTS, one edition** — the JSON export the USITC publishes for each edition at
  ``https://www.usitc.gov/sites/default/files/tata/hts/hts_{year}_revision_{n}_json.json``
  (basic editions: ``hts_{year}_basic_edition_json.json``; the file names follow the archive list
  at https://hts.usitc.gov/download/archive). The *current* edition is also served by the HTS REST
  service, ``https://hts.usitc.gov/reststop/exportList?from=0101&to=9999&format=JSON&styles=false``
  (``edition="current"``). The JSON is a list of entries ``htsno, indent, description, superior,
  units, general, special, other, footnotes, quotaQuantity, additionalDuties``; it is saved gzipped
  as ``usitc_hts/hts_{edition}.json.gz``, the layout of the reference data, so the output folder
  can be used as ``TARIFFSIM_DATA``.
* **Census International Trade API** — imports by HS10 × country, endpoint
  ``https://api.census.gov/data/timeseries/intltrade/imports/hs`` with
  ``get=I_COMMODITY,CTY_CODE,CTY_NAME,CON_VAL_YR,CAL_DUT_YR``, ``COMM_LVL=HS10``,
  ``time={year}-12`` (``*_YR`` fields are year-to-date, so December gives the calendar year),
  one request per HS chapter (``I_COMMODITY=01*``), optional ``CTY_CODE`` and ``key`` (an API key is
  needed beyond 500 requests a day; read from ``$CENSUS_API_KEY``). The response is a JSON array of
  rows whose first row is the header. Country aggregates (codes starting with ``0`` such as the EU
  ``0003``, continent totals ``1XXX`` …, and the total ``-``) are dropped. Saved as
  ``census/us_imports_hs10_{year}.parquet`` (``hs10, cty_code, cty_name, value_usd, duty_usd``) and
  ``census/us_imports_hs10_by_partner_{year}.csv.gz`` (``hs10, cty_code, imports_usd``, chapters
  01–97: the reference layout).

Every request is retried on connection errors and HTTP 429/5xx with exponential backoff
(``Retry-After`` honoured); bodies are checked against an expected sha256 when one is given;
files are written to a temporary name in the target folder and renamed, so an error never leaves a
half-written file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tariffsim.core.errors import InputError, TariffsimError

USITC_ARCHIVE = "https://www.usitc.gov/sites/default/files/tata/hts/"
USITC_REST = "https://hts.usitc.gov/reststop/"
CENSUS_IMPORTS_HS = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
CENSUS_FIELDS = ("I_COMMODITY", "CTY_CODE", "CTY_NAME", "CON_VAL_YR", "CAL_DUT_YR")
USER_AGENT = "tariffsim (https://github.com/tariffsim; data download)"


class DownloadError(TariffsimError):
    """A download that failed after its retries (network, HTTP status, malformed body)."""

    exit_code = 1


class ChecksumError(DownloadError):
    """A body whose sha256 differs from the expected value; nothing is written."""


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries; waits ``backoff · 2^k`` seconds (at most ``max_backoff``) between them."""

    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 30.0
    statuses: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


@dataclass(frozen=True)
class DownloadResult:
    """What a download wrote: files, their sha256, bytes fetched, requests made."""

    files: tuple[Path, ...]
    sha256: dict[str, str]
    bytes_fetched: int
    requests: int
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [str(f) for f in self.files],
            "sha256": self.sha256,
            "bytes_fetched": self.bytes_fetched,
            "requests": self.requests,
            "source": self.source,
        }


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _client(client: httpx.Client | None) -> tuple[httpx.Client, bool]:
    if client is not None:
        return client, False
    return (
        httpx.Client(
            timeout=httpx.Timeout(60.0, connect=15.0),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        ),
        True,
    )


def _wait(resp: httpx.Response | None, attempt: int, retry: RetryPolicy) -> float:
    if resp is not None:
        ra = resp.headers.get("Retry-After")
        if ra:
            try:
                return min(float(ra), retry.max_backoff)
            except ValueError:
                pass
    return min(retry.backoff * (2**attempt), retry.max_backoff)


def fetch(
    client: httpx.Client,
    url: str,
    *,
    params: dict[str, str] | None = None,
    retry: RetryPolicy = RetryPolicy(),
    on_progress: Callable[[int, int | None], None] | None = None,
) -> tuple[bytes, int]:
    """GET ``url`` with retries; returns (body, number of requests made).

    ``on_progress(bytes_so_far, total_or_None)`` is called while streaming. HTTP 204 gives ``b""``.
    Other 4xx statuses are not retried: they raise :class:`DownloadError` at once.
    """
    last: str = ""
    for attempt in range(retry.attempts):
        resp: httpx.Response | None = None
        try:
            with client.stream("GET", url, params=params) as resp:
                if resp.status_code in retry.statuses:
                    last = f"HTTP {resp.status_code}"
                    resp.read()
                elif resp.status_code >= 400:
                    body = resp.read()[:200].decode("utf-8", "replace")
                    raise DownloadError(
                        f"{resp.request.url}: HTTP {resp.status_code} {body.strip()}",
                        hint="check the edition/year and the API key (CENSUS_API_KEY)",
                    )
                else:
                    total = resp.headers.get("Content-Length")
                    total_n = int(total) if total and total.isdigit() else None
                    buf = io.BytesIO()
                    for chunk in resp.iter_bytes():
                        buf.write(chunk)
                        if on_progress:
                            on_progress(buf.tell(), total_n)
                    return buf.getvalue(), attempt + 1
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
            resp = None
        if attempt + 1 < retry.attempts:
            retry.sleep(_wait(resp, attempt, retry))
    raise DownloadError(
        f"{url}: failed after {retry.attempts} attempts ({last})",
        hint="check the network connection and try again later",
    )


def _progress(enabled: bool, description: str):
    """A rich progress bar (or a no-op) used as a context manager yielding (progress, task)."""
    from contextlib import contextmanager

    @contextmanager
    def cm():
        if not enabled:
            yield None, None
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as p:
            yield p, p.add_task(description, total=None)

    return cm()


# --------------------------------------------------------------------------------------------------
# USITC HTS


def hts_url(edition: str) -> str:
    """The USITC URL of an edition's JSON export (``"current"`` → the REST export of the current one)."""
    if edition == "current":
        return USITC_REST + "exportList?from=0101&to=9999&format=JSON&styles=false"
    from tariffsim.data.hts import normalize_edition

    e = normalize_edition(edition)
    year, _, rest = e.partition("_")
    if rest == "basic":
        return f"{USITC_ARCHIVE}hts_{year}_basic_edition_json.json"
    return f"{USITC_ARCHIVE}hts_{year}_revision_{rest.removeprefix('rev_')}_json.json"


def _check_hts_body(body: bytes, url: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise DownloadError(
            f"{url}: not JSON ({exc})", hint="the edition may not be published yet"
        ) from None
    if (
        not isinstance(data, list)
        or not data
        or not isinstance(data[0], dict)
        or "htsno" not in data[0]
    ):
        raise DownloadError(
            f"{url}: not an HTS JSON export (expected a list of entries with htsno)"
        )
    return data


def download_hts(
    edition: str,
    out_dir: Path,
    *,
    expected_sha256: str | None = None,
    url: str | None = None,
    client: httpx.Client | None = None,
    retry: RetryPolicy = RetryPolicy(),
    progress: bool = True,
) -> DownloadResult:
    """Download one HTS edition to ``out_dir/usitc_hts/hts_{edition}.json.gz``.

    ``expected_sha256`` is checked against the downloaded JSON body (before compression); on a
    mismatch :class:`ChecksumError` is raised and nothing is written. The gzip file is written with
    a zero timestamp, so the same body always gives the same file.
    """
    name = "current" if edition == "current" else None
    if name is None:
        from tariffsim.data.hts import normalize_edition

        name = normalize_edition(edition)
    src = url or hts_url(edition)
    c, own = _client(client)
    try:
        with _progress(progress, f"HTS {name}") as (p, task):

            def cb(n: int, total: int | None) -> None:
                if p is not None:
                    p.update(task, completed=n, total=total)

            body, n_req = fetch(c, src, retry=retry, on_progress=cb)
    finally:
        if own:
            c.close()
    digest = sha256_bytes(body)
    if expected_sha256 and digest != expected_sha256.lower():
        raise ChecksumError(
            f"{src}: sha256 {digest} differs from the expected {expected_sha256}",
            hint="the file changed upstream or was corrupted in transit; nothing was written",
        )
    _check_hts_body(body, src)
    out = Path(out_dir) / "usitc_hts" / f"hts_{name}.json.gz"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(body)
    write_atomic(out, buf.getvalue())
    return DownloadResult(
        (out,), {"body": digest, out.name: sha256_file(out)}, len(body), n_req, src
    )


# --------------------------------------------------------------------------------------------------
# Census International Trade API


def _census_rows(body: bytes, url: str) -> list[list[str]]:
    if not body.strip():
        return []
    try:
        data = json.loads(body)
    except ValueError:
        raise DownloadError(
            f"{url}: not JSON: {body[:120].decode('utf-8', 'replace')}",
            hint="the Census API answers errors in plain text; check the year and the API key",
        ) from None
    if (
        not isinstance(data, list)
        or not data
        or list(data[0][: len(CENSUS_FIELDS)]) != list(CENSUS_FIELDS)
    ):
        raise DownloadError(f"{url}: unexpected header {data[0] if data else data!r}")
    return data[1:]


def census_params(
    year: int, chapter: str, *, cty_code: str | None = None, key: str | None = None
) -> dict[str, str]:
    """Query parameters of one Census API request (one HS chapter, all or one partner)."""
    params = {
        "get": ",".join(CENSUS_FIELDS),
        "COMM_LVL": "HS10",
        "time": f"{year}-12",
        "I_COMMODITY": f"{chapter}*",
    }
    if cty_code:
        params["CTY_CODE"] = cty_code
    if key:
        params["key"] = key
    return params


def download_census_imports(
    year: int,
    out_dir: Path,
    *,
    chapters: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    key: str | None = None,
    client: httpx.Client | None = None,
    retry: RetryPolicy = RetryPolicy(),
    progress: bool = True,
) -> DownloadResult:
    """Imports for consumption and calculated duty by HS10 × partner for a calendar ``year``.

    ``chapters``: two-digit HS chapters (default 01–99 except 77, which is reserved; chapter 99
    holds Census's estimate of low-value shipments, 9999.95.00.00); ``countries``:
    ISO3 codes or names to restrict to (one request per chapter and partner), default every partner.
    ``key`` defaults to ``$CENSUS_API_KEY``. Writes the two files named in the module docstring.
    """
    import polars as pl

    from tariffsim.core.countries import census_code, resolve

    this_year = dt.date.today().year
    if not 2013 <= int(year) <= this_year:
        raise InputError(
            f"year {year} is outside the Census API's HS10 series (2013–{this_year})",
            hint="e.g. --year 2024",
        )
    chaps = (
        sorted({f"{int(c):02d}" for c in chapters})
        if chapters
        else [f"{c:02d}" for c in range(1, 100) if c != 77]
    )
    ctys: list[str | None] = [census_code(resolve(c)) for c in countries] if countries else [None]
    key = key or os.environ.get("CENSUS_API_KEY") or None
    jobs = [(ch, cty) for ch in chaps for cty in ctys]
    rows: list[list[str]] = []
    n_bytes = 0
    n_req = 0
    c, own = _client(client)
    try:
        with _progress(progress, f"Census imports {year}") as (p, task):
            if p is not None:
                p.update(task, total=len(jobs))
            for ch, cty in jobs:
                body, k = fetch(
                    c,
                    CENSUS_IMPORTS_HS,
                    params=census_params(year, ch, cty_code=cty, key=key),
                    retry=retry,
                )
                n_req += k
                n_bytes += len(body)
                rows.extend(_census_rows(body, f"{CENSUS_IMPORTS_HS} chapter {ch}"))
                if p is not None:
                    p.advance(task)
    finally:
        if own:
            c.close()
    width = len(CENSUS_FIELDS)
    df = pl.DataFrame([r[:width] for r in rows], schema=list(CENSUS_FIELDS), orient="row")
    df = (
        df.filter(pl.col("CTY_CODE").str.contains(r"^[1-9]\d{3}$"))
        .filter(pl.col("I_COMMODITY").str.len_chars() == 10)
        .select(
            pl.col("I_COMMODITY").alias("hs10"),
            pl.col("CTY_CODE").alias("cty_code"),
            pl.col("CTY_NAME").alias("cty_name"),
            pl.col("CON_VAL_YR").cast(pl.Float64).alias("value_usd"),
            pl.col("CAL_DUT_YR").cast(pl.Float64).alias("duty_usd"),
        )
        .sort("hs10", "cty_code")
    )
    out_dir = Path(out_dir) / "census"
    pq = out_dir / f"us_imports_hs10_{year}.parquet"
    csv = out_dir / f"us_imports_hs10_by_partner_{year}.csv.gz"
    pq_buf = io.BytesIO()
    df.write_parquet(pq_buf, compression="zstd")
    body97 = (
        df.filter(pl.col("hs10").str.slice(0, 2) < "98")
        .filter(pl.col("value_usd") > 0)
        .select("hs10", "cty_code", pl.col("value_usd").alias("imports_usd"))
        .write_csv()
        .encode()
    )
    csv_buf = io.BytesIO()
    with gzip.GzipFile(fileobj=csv_buf, mode="wb", mtime=0) as gz:
        gz.write(body97)
    write_atomic(pq, pq_buf.getvalue())
    write_atomic(csv, csv_buf.getvalue())
    return DownloadResult(
        (pq, csv),
        {pq.name: sha256_file(pq), csv.name: sha256_file(csv)},
        n_bytes,
        n_req,
        CENSUS_IMPORTS_HS,
    )
