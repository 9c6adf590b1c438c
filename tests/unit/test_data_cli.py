"""``tariffsim data`` commands (info, cache, download argument errors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.cli.main import main


def test_data_info_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert Path(d["shared_data"]) == shared_data
    assert "2025_rev_7" in d["hts_editions"] and len(d["hts_editions"]) == 44  # files in usitc_hts/
    assert d["read_from"]["imports_2024"] == "shared"
    assert d["bundle_bytes"] <= 15_000_000


def test_data_info_without_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TARIFFSIM_DATA", str(tmp_path))
    assert main(["data", "info", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["read_from"] == {k: "bundle" for k in d["read_from"]}
    assert d["hts_editions"] == []


def test_cache_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path / "c"))
    (tmp_path / "c" / "frames").mkdir(parents=True)
    (tmp_path / "c" / "frames" / "x-123.parquet").write_bytes(b"x")
    assert main(["data", "cache", "clear", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["removed"] == 1
    assert not (tmp_path / "c" / "frames").exists()


def test_download_bad_edition_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "download", "hts", "--revision", "rev x", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown HTS edition" in err and "hint:" in err
    assert not any(tmp_path.iterdir())


def test_download_bad_year_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "download", "census", "--year", "1990", "--out", str(tmp_path)]) == 2
