"""``tariffsim data``: where data is read from, downloads of the official sources, the cache."""

from __future__ import annotations

from pathlib import Path

import typer

data_app = typer.Typer(
    help="Reference data: where it is read from, downloads, cache.", no_args_is_help=True
)
download_app = typer.Typer(
    help="Download the official sources (USITC HTS, Census trade API).", no_args_is_help=True
)
cache_app = typer.Typer(help="The cache of parsed data.", no_args_is_help=True)
data_app.add_typer(download_app, name="download")
data_app.add_typer(cache_app, name="cache")

JSON_OPT = typer.Option(False, "--json", help="Print JSON.")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


def _info() -> dict:
    from tariffsim.data import paths, store

    shared = paths.shared_data_dir()
    bundle = paths.bundle_dir()
    files = sorted(f for f in bundle.iterdir() if f.is_file()) if bundle.is_dir() else []
    sources = {}
    checks = {
        "imports_2024": "census/us_imports_hs10_by_partner_2024.csv.gz",
        "partner_totals": "census/us_trade_by_partner_2024.csv",
        "hts_editions": "usitc_hts/hts_2025_basic.json.gz",
        "product_lists": "product_lists/ieepa_exempt_products.csv",
    }
    for k, rel in checks.items():
        sources[k] = "shared" if paths.shared_file(rel) else "bundle"
    from tariffsim.data.hts import editions

    return {
        "shared_data": str(shared) if shared else None,
        "shared_data_from": "TARIFFSIM_DATA"
        if shared and paths.ENV_DATA in __import__("os").environ
        else ("../shared/data" if shared else None),
        "bundle_dir": str(bundle),
        "bundle_files": len(files),
        "bundle_bytes": sum(f.stat().st_size for f in files),
        "hts_editions": editions(),
        "read_from": sources,
        "cache": store.info(),
    }


@data_app.command("info")
def info(json_out: bool = JSON_OPT) -> None:
    """Show where data is read from (shared data, bundle) and the cache."""
    from tariffsim.cli.render import print_json, print_table

    d = _info()
    if json_out:
        print_json(d)
        return
    rows = [
        ("shared data", d["shared_data"] or "— (not found; set TARIFFSIM_DATA)"),
        ("  found via", d["shared_data_from"] or "—"),
        (
            "bundle",
            f"{d['bundle_dir']} ({d['bundle_files']} files, {d['bundle_bytes'] / 1e6:.2f} MB)",
        ),
        (
            "HTS editions",
            f"{len(d['hts_editions'])}: {', '.join(d['hts_editions'][:3])} … {', '.join(d['hts_editions'][-2:])}"
            if d["hts_editions"]
            else "bundle only: 2025_basic, 2026_basic (MFN tables)",
        ),
        *((f"  {k}", v) for k, v in d["read_from"].items()),
        (
            "cache",
            f"{d['cache']['cache_dir']} ({d['cache']['frames']} frames, {d['cache']['bytes'] / 1e6:.2f} MB)",
        ),
    ]
    print_table("tariffsim data", ["what", "where"], rows)


@download_app.command("hts")
def download_hts(
    revision: str = typer.Option(
        ..., "--revision", "-r", help="Edition: 2025_basic, 2025_rev_7, …, or 'current'."
    ),
    out: Path = typer.Option(
        Path("data"), "--out", "-o", help="Output folder (files go to OUT/usitc_hts/)."
    ),
    sha256: str | None = typer.Option(None, "--sha256", help="Expected sha256 of the JSON body."),
    url: str | None = typer.Option(None, "--url", help="Override the USITC URL."),
    json_out: bool = JSON_OPT,
) -> None:
    """Download one USITC HTS JSON edition (retries, checksum, atomic write)."""
    import sys

    from tariffsim.cli.render import print_json
    from tariffsim.data import download

    res = download.download_hts(
        revision,
        out,
        expected_sha256=sha256,
        url=url,
        progress=sys.stderr.isatty() and not json_out,
    )
    _report(res, json_out, print_json)


@download_app.command("census")
def download_census(
    year: int = typer.Option(..., "--year", "-y", help="Calendar year, e.g. 2024."),
    out: Path = typer.Option(
        Path("data"), "--out", "-o", help="Output folder (files go to OUT/census/)."
    ),
    country: list[str] = typer.Option(
        None, "--country", "-c", help="Partner(s) to restrict to (ISO3 or name); default all."
    ),
    chapter: list[str] = typer.Option(None, "--chapter", help="HS chapter(s), default 01–99."),
    key: str | None = typer.Option(None, "--key", envvar="CENSUS_API_KEY", help="Census API key."),
    json_out: bool = JSON_OPT,
) -> None:
    """Download imports by HS10 × country for a year from the Census International Trade API."""
    import sys

    from tariffsim.cli.render import print_json
    from tariffsim.data import download

    res = download.download_census_imports(
        year,
        out,
        chapters=chapter or None,
        countries=country or None,
        key=key,
        progress=sys.stderr.isatty() and not json_out,
    )
    _report(res, json_out, print_json)


def _report(res, json_out: bool, print_json) -> None:
    if json_out:
        print_json(res.as_dict())
        return
    from tariffsim.cli.render import print_table

    print_table(
        f"downloaded from {res.source} ({res.requests} requests, {res.bytes_fetched / 1e6:.2f} MB)",
        ["file", "sha256"],
        [(str(f), res.sha256.get(f.name, "")) for f in res.files],
    )


@cache_app.command("clear")
def cache_clear(json_out: bool = JSON_OPT) -> None:
    """Delete the cached parsed frames."""
    from tariffsim.cli.render import print_json
    from tariffsim.data import paths, store

    n = store.clear()
    if json_out:
        print_json({"removed": n, "cache_dir": str(paths.cache_dir())})
    else:
        typer.echo(f"removed {n} cached file(s) from {paths.cache_dir()}")


@cache_app.command("info")
def cache_info(json_out: bool = JSON_OPT) -> None:
    """Show the cache folder and its frames."""
    from tariffsim.cli.render import print_json
    from tariffsim.data import store

    d = store.info()
    if json_out:
        print_json(d)
    else:
        typer.echo(f"{d['cache_dir']}: {d['frames']} frames, {d['bytes'] / 1e6:.2f} MB")
        for n in d["names"]:
            typer.echo(f"  {n}")
