"""The default dataset shipped in the package: size limit, provenance, and the same answers as the
reference data (loaders run once on ../shared/data and once with TARIFFSIM_DATA pointing at an empty
folder, which forces the bundle)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tariffsim.core.errors import DataNotFoundError
from tariffsim.data import census, hts, lists, paths

LOADERS: dict[str, Callable[[], pl.DataFrame]] = {
    "imports_2024": census.imports_2024,
    "partner_totals": census.partner_totals,
    "with_duty_JPN": lambda: census.imports_with_duty("JPN"),
    "with_duty_EU": lambda: census.imports_with_duty("EU"),
    "mfn_2025_basic": lambda: hts.mfn_table("2025_basic"),
    "mfn_2026_basic": lambda: hts.mfn_table("2026_basic"),
    "special_2025_basic": lambda: hts.special_rates("2025_basic"),
    "special_2026_basic": lambda: hts.special_rates("2026_basic", programs=["JP", "KR", "S"]),
    "revisions": hts.revisions,
    "usmca_shares": lists.usmca_shares,
    "metal_content_shares": lists.metal_content_shares,
    **{f"list_{n}": (lambda n=n: lists.product_list(n)) for n in lists.LISTS},
}


def test_bundle_size_at_most_15_mb() -> None:
    total = sum(f.stat().st_size for f in paths.bundle_dir().rglob("*") if f.is_file())
    assert total <= 15_000_000, f"bundle is {total / 1e6:.2f} MB"


def test_provenance_lists_every_file() -> None:
    text = (paths.bundle_dir() / "PROVENANCE.md").read_text(encoding="utf-8")
    for f in paths.bundle_dir().iterdir():
        if f.is_file() and f.name != "PROVENANCE.md":
            assert f"`{f.name}`" in text, f.name
    assert "sha256" in text and "public domain" in text and "MIT" in text


@pytest.fixture
def no_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TARIFFSIM_DATA", str(empty))


@pytest.mark.filterwarnings("ignore:ieepa_exempt_products.csv")
@pytest.mark.parametrize("name", list(LOADERS))
def test_bundle_gives_the_same_answers(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    from_shared = LOADERS[name]()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TARIFFSIM_DATA", str(empty))
    assert paths.shared_file("census/us_trade_by_partner_2024.csv") is None
    from_bundle = LOADERS[name]()
    assert_frame_equal(from_shared, from_bundle)


def test_bundle_only_values(no_shared: None) -> None:
    # the headline figures hold from the bundle alone (data README)
    assert census.imports_2024().height == 334_728
    jp = census.partner_totals().filter(pl.col("iso3") == "JPN")
    assert jp["imports_usd"][0] / 1e9 == pytest.approx(148.21, abs=0.005)
    car = hts.mfn_table("2025_basic").filter(pl.col("hts10") == "8703230190")
    assert car["general_text"][0] == "2.5%"


def test_missing_file_names_the_fix(no_shared: None) -> None:
    with pytest.raises(DataNotFoundError) as exc:
        hts.load_revision("2025_rev_7")  # HTS JSON is not bundled
    assert "usitc_hts/hts_2025_rev_7.json.gz" in str(exc.value)
    assert "TARIFFSIM_DATA" in exc.value.hint
    with pytest.raises(DataNotFoundError):
        hts.mfn_table("2025_rev_7")  # only the basic editions are bundled


def test_bad_env_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARIFFSIM_DATA", str(tmp_path / "nope"))
    with pytest.raises(DataNotFoundError) as exc:
        paths.shared_data_dir()
    assert "TARIFFSIM_DATA" in str(exc.value)


def test_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert paths.bundle_dir().name == "bundle" and paths.bundle_dir().is_dir()
    monkeypatch.setenv("TARIFFSIM_CACHE", str(tmp_path / "c"))
    assert paths.cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()
