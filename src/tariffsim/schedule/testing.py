"""A small synthetic measure library and data, for tests and examples of the engine.

The numbers are invented to be easy to compute by hand (they are not the law); the shapes follow
the real US measures (MFN with programs, a Section 232 duty with a deal floor, reciprocal duties with
a pause and Annex II, fentanyl duties weighted by the non-USMCA share).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MEASURES: dict[str, str] = {
    "mfn": """\
id: mfn
title: MFN (column 1 general) rates
authority: mfn
values:
  - start: 2024-01-01
    hts: 2025_basic
    programs: {JPN: [JP], CAN: [S, "S+"], MEX: [S, "S+"]}
    reference: "HTS 2025 basic (synthetic)"
  - start: 2026-01-01
    hts: 2026_basic
    programs: {JPN: [JP], CAN: [S, "S+"], MEX: [S, "S+"]}
    reference: "HTS 2026 basic (synthetic)"
""",
    "s232_autos": """\
id: s232_autos
title: Section 232 autos and parts (synthetic)
authority: s232
scope:
  origins: ["*"]
  exclude_origins: [USA]
  products: ["8703", {list: auto_parts}]
values:
  - start: 2025-04-03
    rate: 0.25
    reference: "Proclamation A"
    heading: "9903.94.01"
  - start: 2025-09-16
    rates:
      JPN: {floor: 0.15, heading: "9903.94.41", reference: "EO J"}
      "*": 0.25
    reference: "Proclamation A"
""",
    "s232_steel": """\
id: s232_steel
title: Section 232 steel (synthetic)
authority: s232
scope:
  products: ["7208"]
values:
  - start: 2025-03-12
    rate: 0.25
    reference: "Proclamation S1"
  - start: 2025-06-04
    rates: {GBR: 0.25, "*": 0.50}
    reference: "Proclamation S2"
""",
    "s232_derivatives": """\
id: s232_derivatives
title: Section 232 steel content of derivatives (synthetic)
authority: s232
share: steel_content
scope:
  products: ["8429.52"]
values:
  - start: 2025-06-04
    rate: 0.50
    reference: "Proclamation D"
""",
    "fentanyl": """\
id: fentanyl
title: IEEPA fentanyl duties (synthetic)
authority: ieepa_fentanyl
share: non_usmca
scope:
  origins: [CAN, MEX, CHN]
  products: ["*"]
values:
  - start: 2025-03-04
    rates: {CAN: 0.25, MEX: 0.25, CHN: 0.10}
    reference: "EO F"
  - start: 2025-11-10
    rate: null
    reference: "EO F-end"
""",
    "reciprocal": """\
id: reciprocal
title: IEEPA reciprocal duties (synthetic)
authority: ieepa_reciprocal
scope:
  origins: ["*"]
  exclude_origins: [CAN, MEX, USA]
  products: ["*"]
  exclude_products: [{list: annex_ii}]
excluded_by: [s232]
values:
  - start: 2025-04-05
    rate: 0.10
    reference: "EO R §2"
  - start: 2025-04-09
    rates: {JPN: 0.24, EU: 0.20, CHN: 0.34, DEU: 0.22, "*": 0.10}
    reference: "EO R Annex I"
  - start: 2025-08-07
    rates:
      JPN: {floor: 0.15}
      EU: {floor: 0.15}
      CHN: 0.34
      "*": 0.10
    reference: "EO R2"
  - start: 2026-02-24
    rate: null
    reference: "Court ruling"
suspensions:
  - start: 2025-04-10
    end: 2025-08-07
    origins: ["*"]
    except_origins: [CHN]
    rate_during: 0.10
    reference: "EO P §4"
""",
}

LISTS = """\
lists:
  annex_ii:
    items: ["8471"]
    reference: "Annex II (synthetic)"
  auto_parts:
    items: [{prefix: "8708", start: 2025-05-03}]
    reference: "Annex I-B (synthetic)"
"""

# hts10, MFN rate (ave), kind, general text, description
MFN_ROWS: list[tuple[str, float | None, str, str, str]] = [
    ("8703230190", 0.025, "ad_valorem", "2.5%", "Passenger cars, 1,500-3,000 cc, other"),
    ("8708299000", 0.025, "ad_valorem", "2.5%", "Parts of bodies, other"),
    ("8429521010", 0.0, "free", "Free", "Excavators, track-laying"),
    ("7208100000", 0.0, "free", "Free", "Flat-rolled iron, hot-rolled"),
    ("6110200000", 0.165, "ad_valorem", "16.5%", "Sweaters of cotton"),
    ("8471300100", 0.0, "free", "Free", "Portable computers"),
    ("2204210000", 0.03, "specific", "6.3¢/liter", "Wine in containers ≤ 2 l"),
    ("9403608081", 0.025, "ad_valorem", "2.5%", "Wooden furniture, other"),
    (
        "8703230100",
        0.025,
        "ad_valorem",
        "2.5%",
        "Passenger cars, other (sole line of 8703.23.01 here)",
    ),
    ("6110200010", 0.20, "ad_valorem", "20%", "Sweaters of cotton, knitted, men's"),
    ("6110200020", 0.20, "ad_valorem", "20%", "Sweaters of cotton, knitted, women's"),
    ("8409100000", 0.025, "ad_valorem", "2.5%", "Parts for aircraft engines (synthetic)"),
    ("8802400070", 0.0, "free", "Free", "Airplanes, unladen weight over 15,000 kg (synthetic)"),
]

# hts10, program, ave
SPECIAL_ROWS: list[tuple[str, str, float]] = [
    ("6110200000", "S", 0.0),
    ("6110200000", "JP", 0.0),
    ("8703230190", "S", 0.0),
    ("8708299000", "S", 0.0),
    ("2204210000", "S", 0.0),
    ("8409100000", "C", 0.0),
]

# hs10, steel, aluminum, copper, metal (all metals)
METAL_ROWS: list[tuple[str, float, float, float, float]] = [
    ("8429521010", 0.2, 0.01, 0.02, 0.25),
]

USMCA_ROWS: list[tuple[str, str, float]] = [
    ("6110200000", "CAN", 0.6),
    ("8703230190", "MEX", 0.8),
]


# Column 2 ("other") AVEs of the synthetic editions; lines not named have none (column 1 is used).
OTHER_ROWS: dict[str, float] = {"6110200000": 0.50, "8703230190": 0.10}

_PROGRAMS = '    programs: {JPN: [JP], CAN: [S, "S+"], MEX: [S, "S+"]}\n'

# The extended library: the synthetic one plus the format features of the engine-fix audit
# (column 2 origins, list exceptions, a declared share, a value-level excluded_by, origin shares).
EXTENDED_MEASURES: dict[str, str] = {
    **MEASURES,
    "mfn": MEASURES["mfn"].replace(
        _PROGRAMS,
        _PROGRAMS + '    column2: {origins: [RUS], reference: "General Note 3(b) (synthetic)"}\n',
    ),
    "s232_steel": """\
id: s232_steel
title: Section 232 steel (synthetic; the fentanyl duty takes precedence until 2025-06-04)
authority: s232
scope:
  products: ["7208"]
values:
  - start: 2025-03-12
    rates:
      CAN: {rate: 0.25, share: usmca}
      MEX: {rate: 0.25, share: usmca}
      "*": 0.25
    reference: "Proclamation S1"
  - start: 2025-06-04
    rates: {GBR: 0.25, "*": 0.50}
    reference: "Proclamation S2"
""",
    "fentanyl": """\
id: fentanyl
title: IEEPA fentanyl duties (synthetic)
authority: ieepa_fentanyl
share: non_usmca
scope:
  origins: [CAN, MEX, CHN]
  products: ["*"]
excluded_by: [s232_steel]
values:
  - start: 2025-03-04
    rates: {CAN: 0.25, MEX: 0.25, CHN: 0.10}
    excluded_by: []
    reference: "EO F"
  - start: 2025-06-04
    rates: {CAN: 0.25, MEX: 0.25, CHN: 0.10}
    reference: "Proclamation S2 (order of precedence)"
  - start: 2025-11-10
    rate: null
    reference: "EO F-end"
""",
    "semis": """\
id: semis
title: Section 232 advanced chips (synthetic; declared share; 6110 to test exclusions)
authority: s232
share: declared:advanced_semiconductor
share_default: 0.0
scope:
  products: ["8471", "6110"]
values:
  - start: 2026-01-15
    rate: 0.25
    reference: "Proclamation C"
""",
}

EXTENDED_LISTS = LISTS.replace(
    '    items: ["8471"]\n    reference: "Annex II (synthetic)"\n',
    '    items: ["8471", "8429"]\n    reference: "Annex II (synthetic)"\n'
    '    except_reference: "audit (synthetic): 8429.52 is not in Annex II"\n'
    '    except: ["8429.52"]\n',
)

# HTS10 codes that the synthetic editions lack but can rate: 6110.20.00.90 by its HTS8 6110.20.00
# (mean of 16.5%, 20%, 20% in 2025), 8429.52.99.99 by its HS6 family 8429.52 (one line, Free).
FALLBACK_HS = ["6110200090", "8429529999"]


def write_library(
    root: Path, *, measures: dict[str, str] | None = None, lists: str | None = None
) -> Path:
    """Write the synthetic library (or the given files) under ``root``; return ``root``."""
    (root / "measures").mkdir(parents=True, exist_ok=True)
    for mid, text in (measures if measures is not None else MEASURES).items():
        (root / "measures" / f"{mid}.yaml").write_text(text, encoding="utf-8")
    (root / "lists.yaml").write_text(lists if lists is not None else LISTS, encoding="utf-8")
    return root


def source(*, mfn_2026: dict[str, float] | None = None, drop_2026: tuple[str, ...] = ()) -> Any:
    """A :class:`~tariffsim.schedule.sources.FrameSource` with the synthetic data.

    The 2026 edition equals 2025 except rates overridden by ``mfn_2026`` (default: the sweater
    6110.20.00.00 at 16%) and lines retired in ``drop_2026``.
    """
    import polars as pl

    from tariffsim.schedule.sources import FrameSource

    def mfn(over: dict[str, float], drop: tuple[str, ...] = ()) -> pl.DataFrame:
        rows = [
            (h, over.get(h, r), k, g, d, OTHER_ROWS.get(h), "exact" if h in OTHER_ROWS else "other")
            for h, r, k, g, d in MFN_ROWS
            if h not in drop
        ]
        return pl.DataFrame(
            rows,
            schema={
                "hts10": pl.Utf8,
                "ave": pl.Float64,
                "kind": pl.Utf8,
                "general_text": pl.Utf8,
                "description": pl.Utf8,
                "other_ave": pl.Float64,
                "other_method": pl.Utf8,
            },
            orient="row",
        )

    special = pl.DataFrame(SPECIAL_ROWS, schema=["hts10", "program", "ave"], orient="row")
    over = mfn_2026 if mfn_2026 is not None else {"6110200000": 0.16}
    return FrameSource(
        mfn={"2025_basic": mfn({}), "2026_basic": mfn(over, drop_2026)},
        special={"2025_basic": special, "2026_basic": special},
        usmca=pl.DataFrame(USMCA_ROWS, schema=["hs10", "iso3", "usmca_share"], orient="row"),
        metal=pl.DataFrame(
            METAL_ROWS,
            schema=["hs10", "steel_share", "aluminum_share", "copper_share", "metal_share"],
            orient="row",
        ),
    )


def load(root: Path, **kw: Any) -> Any:
    """Write the synthetic library under ``root`` and load it (no disk cache)."""
    from tariffsim.schedule import load_schedule

    write_library(root, **kw)
    return load_schedule(root=root, source=source(), cache=False)


# The features library: the extended one plus claims, in-transit, publication dates, dated list
# exceptions and a product of shares (the issue-11 engine features), for the property tests.
FEATURE_MEASURES: dict[str, str] = {
    **EXTENDED_MEASURES,
    "s232_autos": MEASURES["s232_autos"].replace(
        "authority: s232\n", "authority: s232\nshare: non_usmca\n"
    ),
    "autos_usmca_content": """\
id: autos_usmca_content
title: Section 232 autos on the non-US content of USMCA-qualifying vehicles (synthetic)
authority: s232
scope:
  origins: [CAN, MEX]
  products: ["8703"]
share: [usmca, declared:non_us_content]
share_default: 1.0
share_default_flows: 0.5
values:
  - start: 2025-04-03
    rate: 0.25
    reference: "Proclamation A, note 33 (synthetic)"
    published: 2025-03-26
""",
    "reciprocal": MEASURES["reciprocal"]
    .replace(
        "  exclude_products: [{list: annex_ii}]\n",
        "  exclude_products:\n"
        "    - {list: annex_ii}\n"
        "    - {list: civil_aircraft}\n"
        "    - {list: civil_aircraft_parts, claim: civil_aircraft, claim_default: 0.5}\n",
    )
    .replace(
        '    reference: "EO R Annex I"\n',
        '    reference: "EO R Annex I"\n'
        "    published: 2025-04-02\n"
        "    in_transit:\n"
        "      loaded_before: 2025-04-09\n"
        "      entered_before: 2025-05-27\n"
        '      reference: "EO R §5 (synthetic)"\n',
    )
    .replace('    reference: "EO R2"\n', '    reference: "EO R2"\n    published: 2025-08-20\n'),
}

FEATURE_LISTS = (
    EXTENDED_LISTS.replace(
        '    except: ["8429.52"]\n',
        "    except:\n"
        '      - "8429.52"\n'
        '      - {prefix: "8471.30", start: 2025-10-01, published: 2025-10-15, reference: "out"}\n',
    )
    + """\
  civil_aircraft:
    items: ["8802"]
    reference: "civil aircraft by definition (synthetic)"
  civil_aircraft_parts:
    items: [{prefix: "8409", start: 2025-09-01, published: 2025-09-25}]
    reference: "civil aircraft parts, exempt when claimed (synthetic; retroactive)"
"""
)


def load_features(root: Path) -> Any:
    """The features synthetic library (``FEATURE_MEASURES``, ``FEATURE_LISTS``), loaded."""
    return load(root, measures=FEATURE_MEASURES, lists=FEATURE_LISTS)


def load_extended(root: Path) -> Any:
    """The extended synthetic library (``EXTENDED_MEASURES``, ``EXTENDED_LISTS``), loaded."""
    return load(root, measures=EXTENDED_MEASURES, lists=EXTENDED_LISTS)
