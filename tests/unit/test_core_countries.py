"""Country vocabulary: ISO3 codes, Census codes, names, aliases and groups.

Expected values: ISO 3166-1 alpha-3 codes; Census Schedule C codes from census_codes.csv
(Japan 5880, Germany 4280, Korea 5800); the 27 EU member states (Treaty on European Union, since
Croatia's accession on 1 July 2013 and the UK's exit on 31 January 2020).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tariffsim.core import countries
from tariffsim.core.errors import InputError, UnknownCountryError

EU27 = {
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JPN", "JPN"),
        ("jpn", "JPN"),
        ("Japan", "JPN"),
        ("south korea", "KOR"),
        ("Korea", "KOR"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("United Kingdom", "GBR"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("European Union", "EU"),
        ("eu", "EU"),
        ("usmca", "USMCA"),
        ("5880", "JPN"),  # Census code of Japan
        ("4280", "DEU"),
        ("Côte d'Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Republic of Korea", "KOR"),  # from "South Korea (Republic of Korea)" in census_codes.csv
        ("Denmark", "DNK"),  # from "Denmark, except Greenland"
        ("United States", "USA"),
        ("  china ", "CHN"),
    ],
)
def test_resolve(text: str, expected: str) -> None:
    assert countries.resolve(text) == expected


def test_unknown_country_suggests_nearest_names() -> None:
    with pytest.raises(UnknownCountryError) as exc:
        countries.resolve("Japna")
    assert isinstance(exc.value, InputError)  # CLI exit code 2
    assert exc.value.suggestions[0] == "Japan (JPN)"
    with pytest.raises(UnknownCountryError) as exc:
        countries.resolve("Germny")
    assert exc.value.suggestions == ["Germany (DEU)"]
    assert "did you mean Germany (DEU)" in exc.value.hint


def test_unknown_census_code() -> None:
    with pytest.raises(UnknownCountryError):
        countries.resolve("9999")


def test_groups() -> None:
    assert set(countries.expand("EU")) == EU27
    assert len(countries.GROUPS["EU"]) == 27
    assert countries.expand("USMCA") == ("CAN", "MEX")
    assert countries.expand("JPN") == ("JPN",)
    assert countries.expand("japan") == ("JPN",)
    assert countries.is_group("EU") and not countries.is_group("JPN")


def test_names_and_census_codes() -> None:
    assert countries.name("JPN") == "Japan"
    assert countries.name("EU") == "European Union"
    assert countries.iso3_from_census("5880") == "JPN"
    assert countries.iso3_from_census(5800) == "KOR"
    assert countries.iso3_from_census("0000") is None
    assert countries.census_code("JPN") == "5880"
    # Gaza Strip (5082) and West Bank (5083) are both PSE
    assert countries.iso3_from_census("5082") == countries.iso3_from_census("5083") == "PSE"
    # US and territories, absent from the partner file, carry their ISO 3166 codes
    assert countries.iso3_from_census("9030") == "PRI"


def test_census_to_iso3_vectorised() -> None:
    out = countries.census_to_iso3(np.array(["5880", "4280", "5880", "9999"]))
    assert out.tolist() == ["JPN", "DEU", "JPN", None]
    s = countries.census_to_iso3(pl.Series(["1220", "2010", "0001"]))
    assert s.to_list() == ["CAN", "MEX", None]


def test_table_size() -> None:
    # census_codes.csv has 240 codes; PSE has two of them -> 239 ISO3 codes
    assert len(countries.countries()) == 239
