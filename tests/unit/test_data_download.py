"""Downloader, tested offline: httpx.MockTransport serves the real files of ../shared/data.

* HTS: the real JSON of 2025 revision 7 (hts_2025_rev_7.json.gz, decompressed) served at the USITC
  URL; the downloaded file must parse to the same entries (35k+; 9903.01.25 "+ 10%").
* Census: API JSON rows built from the real 2024 Japan duty extract (CTY_CODE 5880), plus an EU
  aggregate row (0003) that must be dropped; the totals must equal the extract's (JPN duty
  2.282 bn, data README).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import httpx
import polars as pl
import pytest

from tariffsim.core.errors import InputError
from tariffsim.data import download, hts
from tariffsim.data.download import ChecksumError, DownloadError, RetryPolicy

NO_WAIT = RetryPolicy(attempts=4, backoff=0.0, sleep=lambda s: None)


@pytest.fixture(scope="module")
def rev7_body(shared_data: Path) -> bytes:
    return gzip.decompress((shared_data / "usitc_hts/hts_2025_rev_7.json.gz").read_bytes())


def test_hts_urls() -> None:
    assert (
        download.hts_url("2025_rev_7")
        == "https://www.usitc.gov/sites/default/files/tata/hts/hts_2025_revision_7_json.json"
    )
    assert download.hts_url("2026_basic").endswith("/hts_2026_basic_edition_json.json")
    assert download.hts_url("current").startswith(
        "https://hts.usitc.gov/reststop/exportList?from=0101&to=9999&format=JSON"
    )


def test_download_hts_real_file(
    rev7_body: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(str(req.url))
        assert str(req.url) == download.hts_url("2025_rev_7")
        return httpx.Response(
            200, content=rev7_body, headers={"Content-Length": str(len(rev7_body))}
        )

    client = httpx.Client(transport=httpx.MockTransport(handler))
    sha = hashlib.sha256(rev7_body).hexdigest()
    res = download.download_hts(
        "2025_rev_7", tmp_path, expected_sha256=sha, client=client, retry=NO_WAIT, progress=False
    )
    out = tmp_path / "usitc_hts/hts_2025_rev_7.json.gz"
    assert res.files == (out,) and res.sha256["body"] == sha and res.requests == 1
    assert gzip.decompress(out.read_bytes()) == rev7_body
    # the output folder works as TARIFFSIM_DATA
    monkeypatch.setenv("TARIFFSIM_DATA", str(tmp_path))
    rev = hts.load_revision("2025_rev_7")
    assert rev.filter(pl.col("htsno") == "9903.01.25")["general"][0].endswith("+ 10%")
    assert rev.height == len(json.loads(rev7_body))


def test_retry_after_500(rev7_body: bytes, tmp_path: Path) -> None:
    calls = {"n": 0}
    waits: list[float] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(500, text="server error")
        if calls["n"] == 2:
            return httpx.Response(503, headers={"Retry-After": "2"})
        return httpx.Response(200, content=rev7_body)

    retry = RetryPolicy(attempts=4, backoff=0.25, sleep=waits.append)
    res = download.download_hts(
        "2025_rev_7",
        tmp_path,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        retry=retry,
        progress=False,
    )
    assert calls["n"] == 3 and res.requests == 3
    assert waits == [0.25, 2.0]  # exponential backoff, then Retry-After
    assert (tmp_path / "usitc_hts/hts_2025_rev_7.json.gz").is_file()


def test_gives_up_and_writes_nothing(tmp_path: Path) -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=req)

    with pytest.raises(DownloadError, match="failed after 4 attempts"):
        download.download_hts(
            "2025_rev_7",
            tmp_path,
            client=httpx.Client(transport=httpx.MockTransport(handler)),
            retry=NO_WAIT,
            progress=False,
        )
    assert not any(tmp_path.rglob("*"))


def test_404_is_not_retried(tmp_path: Path) -> None:
    calls = {"n": 0}

    def handler(req: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(404, text="Not Found")

    with pytest.raises(DownloadError, match="HTTP 404"):
        download.download_hts(
            "2030_rev_1",
            tmp_path,
            client=httpx.Client(transport=httpx.MockTransport(handler)),
            retry=NO_WAIT,
            progress=False,
        )
    assert calls["n"] == 1


def test_checksum_mismatch_writes_nothing(rev7_body: bytes, tmp_path: Path) -> None:
    out = tmp_path / "usitc_hts/hts_2025_rev_7.json.gz"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"previous version")
    client = httpx.Client(
        transport=httpx.MockTransport(lambda req: httpx.Response(200, content=rev7_body))
    )
    with pytest.raises(ChecksumError):
        download.download_hts(
            "2025_rev_7",
            tmp_path,
            expected_sha256="0" * 64,
            client=client,
            retry=NO_WAIT,
            progress=False,
        )
    assert out.read_bytes() == b"previous version"  # untouched
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "hts_2025_rev_7.json.gz"
    ]  # no temp files


def test_truncated_body_is_rejected(rev7_body: bytes, tmp_path: Path) -> None:
    client = httpx.Client(
        transport=httpx.MockTransport(lambda req: httpx.Response(200, content=rev7_body[:5000]))
    )
    with pytest.raises(DownloadError, match="not JSON"):
        download.download_hts("2025_rev_7", tmp_path, client=client, retry=NO_WAIT, progress=False)
    assert not any(tmp_path.rglob("*.gz"))


# --- Census ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def japan_rows(shared_data: Path) -> list[list[str]]:
    d = pl.read_parquet(shared_data / "census/us_imports_hs10_with_duty_2024_JPN.parquet")
    return d.select(*download.CENSUS_FIELDS).rows()


def _census_handler(japan_rows: list[list[str]], requests: list[httpx.Request]):
    def handler(req: httpx.Request) -> httpx.Response:
        requests.append(req)
        q = req.url.params
        assert q["get"] == "I_COMMODITY,CTY_CODE,CTY_NAME,CON_VAL_YR,CAL_DUT_YR"
        assert q["COMM_LVL"] == "HS10" and q["time"] == "2024-12"
        ch = q["I_COMMODITY"].rstrip("*")
        rows = [list(r) for r in japan_rows if r[0].startswith(ch)]
        if not rows:
            return httpx.Response(204)
        # an aggregate row (EU 0003) as the API returns it for all-partner queries
        rows.append([rows[0][0], "0003", "EUROPEAN UNION", "1000", "10"])
        rows.append([rows[0][0], "-", "TOTAL FOR ALL COUNTRIES", "99999", "10"])
        return httpx.Response(200, json=[list(download.CENSUS_FIELDS), *rows])

    return handler


def test_download_census_from_real_extract(japan_rows, shared_data: Path, tmp_path: Path) -> None:
    reqs: list[httpx.Request] = []
    client = httpx.Client(transport=httpx.MockTransport(_census_handler(japan_rows, reqs)))
    res = download.download_census_imports(
        2024, tmp_path, key="TESTKEY", client=client, retry=NO_WAIT, progress=False
    )
    assert len(reqs) == 98  # chapters 01-99 without the reserved 77
    assert reqs[0].url.params["key"] == "TESTKEY"
    d = pl.read_parquet(tmp_path / "census/us_imports_hs10_2024.parquet")
    assert set(d["cty_code"].unique()) == {"5880"}  # aggregates dropped
    # same totals as the extract (data README: Japan duty 2024 = 2.282 bn)
    assert d["duty_usd"].sum() / 1e9 == pytest.approx(2.282, abs=0.0005)
    assert d.height == len(japan_rows)
    csv = pl.read_csv(
        tmp_path / "census/us_imports_hs10_by_partner_2024.csv.gz",
        schema_overrides={"hs10": pl.Utf8, "cty_code": pl.Utf8},
    )
    assert csv.columns == ["hs10", "cty_code", "imports_usd"]
    assert not csv["hs10"].str.starts_with("98").any()
    assert set(res.sha256) == {
        "us_imports_hs10_2024.parquet",
        "us_imports_hs10_by_partner_2024.csv.gz",
    }


def test_download_census_one_country_retry(japan_rows, tmp_path: Path) -> None:
    reqs: list[httpx.Request] = []
    inner = _census_handler(japan_rows, reqs)
    state = {"failed": False}

    def handler(req: httpx.Request) -> httpx.Response:
        if not state["failed"]:
            state["failed"] = True
            return httpx.Response(500)
        return inner(req)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    res = download.download_census_imports(
        2024,
        tmp_path,
        chapters=["87"],
        countries=["Japan"],
        client=client,
        retry=NO_WAIT,
        progress=False,
    )
    assert res.requests == 2 and reqs[0].url.params["CTY_CODE"] == "5880"
    d = pl.read_parquet(tmp_path / "census/us_imports_hs10_2024.parquet")
    assert d["hs10"].str.starts_with("87").all() and d.height > 0


def test_census_bad_year(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        download.download_census_imports(1990, tmp_path, progress=False)


def test_census_error_text_is_reported(tmp_path: Path) -> None:
    client = httpx.Client(
        transport=httpx.MockTransport(
            lambda req: httpx.Response(200, text="error: unknown variable 'X'")
        )
    )
    with pytest.raises(DownloadError, match="not JSON"):
        download.download_census_imports(
            2024, tmp_path, chapters=["01"], client=client, retry=NO_WAIT, progress=False
        )
    assert not any(tmp_path.rglob("*.parquet"))
