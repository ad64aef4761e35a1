"""Tests of mixedmig.countries: registry content, name resolution, errors, and agreement
with the reference extracts in ../shared/reference (skipped when that folder is absent)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig import countries
from mixedmig.countries import (
    ASEAN,
    COUNTRIES,
    GMS,
    ISO3_CODES,
    Country,
    codes,
    get,
    is_registry_code,
    name,
    normalize_name,
    table,
    to_iso3,
    to_iso3_series,
)
from mixedmig.errors import InputError, MixedmigError, UnknownCountryError

REFERENCE = Path(
    os.environ.get(
        "MIXEDMIG_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "reference"
    )
)

ALIAS_PAIRS = [(alias, c.iso3) for c in COUNTRIES for alias in (c.name, *c.aliases)]


def reference_csv(filename: str, **kwargs) -> pd.DataFrame:
    path = REFERENCE / filename
    if not path.exists():
        pytest.skip(f"reference extract {path} not available")
    return pd.read_csv(path, keep_default_na=False, **kwargs)


# --- registry content -------------------------------------------------------------------


def test_registry_order_and_groups():
    assert ISO3_CODES == (
        "KHM", "CHN", "LAO", "MMR", "THA", "VNM",
        "MYS", "SGP", "JPN", "KOR", "TWN", "HKG", "IDN", "PHL", "BGD",
    )
    assert GMS == ("KHM", "CHN", "LAO", "MMR", "THA", "VNM")
    # all 10 ASEAN members (Brunei joined the registry with the full ISO list)
    assert ASEAN == ("KHM", "LAO", "MMR", "THA", "VNM", "MYS", "SGP", "IDN", "PHL", "BRN")
    assert set(ASEAN) == {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}
    assert codes() == ISO3_CODES
    assert codes("GMS") == GMS and codes("gms") == GMS
    assert codes("ASEAN") == ASEAN
    assert codes("other") == codes("other Asia") == ISO3_CODES[6:]
    for country in COUNTRIES:
        assert ("GMS" in country.groups) != ("other" in country.groups)


def test_unknown_group_is_a_clear_error():
    with pytest.raises(InputError, match=r"'EU'.*'GMS', 'ASEAN', 'other' or 'all'"):
        codes("EU")
    assert issubclass(InputError, MixedmigError)


def test_country_is_frozen_and_codes_are_well_formed():
    with pytest.raises(dataclasses.FrozenInstanceError):
        COUNTRIES[0].iso3 = "XXX"
    for c in COUNTRIES:
        assert isinstance(c, Country)
        assert len(c.iso3) == 3 and c.iso3.isupper()
        assert len(c.iso2) == 2 and c.iso2.isupper()
        assert isinstance(c.m49, int) and 0 < c.m49 < 1000
        assert -90 <= c.capital_lat <= 90 and -180 <= c.capital_lon <= 180
        assert c.name in c.aliases
    assert len({c.iso2 for c in COUNTRIES}) == len({c.m49 for c in COUNTRIES}) == 15


def test_myanmar_capital_is_naypyidaw_not_yangon():
    mmr = get("MMR")
    assert mmr.capital == "Naypyidaw"
    # Wikipedia "Naypyidaw": 19 deg 45' N, 96 deg 6' E.
    assert (mmr.capital_lat, mmr.capital_lon) == (19.75, 96.1)


def test_table_has_one_row_per_economy():
    frame = table()
    assert list(frame.columns) == [
        "iso3", "iso2", "m49", "name", "capital", "capital_lat", "capital_lon", "gms", "asean",
    ]
    assert tuple(frame["iso3"]) == ISO3_CODES
    assert frame["m49"].dtype == "int64"
    assert tuple(frame.loc[frame["gms"], "iso3"]) == GMS
    assert tuple(frame.loc[frame["asean"], "iso3"]) == ASEAN[:9]  # the 9 study members
    assert frame.set_index("iso3").loc["LAO", "m49"] == 418


# --- resolution ---------------------------------------------------------------------------


@pytest.mark.parametrize(("alias", "iso3"), ALIAS_PAIRS)
def test_every_alias_round_trips(alias, iso3):
    assert to_iso3(alias) == iso3
    assert get(alias).iso3 == iso3


def test_codes_resolve():
    for c in COUNTRIES:
        for code in (c.iso3, c.iso2, c.iso3.lower(), c.iso2.lower(), c.m49, str(c.m49),
                     f"{c.m49:03d}", float(c.m49)):
            assert to_iso3(code) == c.iso3, code


@pytest.mark.parametrize(
    ("spelling", "iso3"),
    [
        ("Lao People's Dem. Rep.", "LAO"),
        ("LAO PDR*", "LAO"),
        ("China, Hong Kong SAR*", "HKG"),
        ("  Viêt   Nam ", "VNM"),
        ("Hong-Kong", "HKG"),  # CEPII's French name
        ("Korea, Rep", "KOR"),
        ("Lao People\u2019s Democratic Republic", "LAO"),  # typographic apostrophe
    ],
)
def test_punctuation_accents_and_footnotes_are_ignored(spelling, iso3):
    assert to_iso3(spelling) == iso3


def test_normalize_name():
    assert normalize_name("Lao People's Dem. Rep.*") == "lao peoples dem rep"
    assert normalize_name("China,  Hong Kong SAR") == "china hong kong sar"


def test_no_lookup_key_maps_to_two_countries():
    owner: dict[str, str] = {}
    for c in COUNTRIES:
        keys = {normalize_name(a) for a in (c.name, *c.aliases)} | {c.iso3.lower(), c.iso2.lower()}
        for key in keys:
            assert owner.setdefault(key, c.iso3) == c.iso3, (key, owner[key], c.iso3)


def test_index_builder_rejects_an_alias_shared_by_two_countries():
    clash = dataclasses.replace(COUNTRIES[1], aliases=("China", "Lao PDR"))
    with pytest.raises(InputError, match="'Lao PDR'.*already an alias of LAO"):
        countries._build_index((COUNTRIES[2], clash))


def test_is_registry_code_is_exact():
    assert all(is_registry_code(code) for code in ISO3_CODES)
    for not_code in ("tha", "TH", " THA", "PRK", 764, None, "Thailand"):
        assert not is_registry_code(not_code)


def test_name():
    assert name("LAO") == "Lao PDR"
    assert name("VNM") == "Viet Nam"
    assert name("Burma") == "Myanmar"


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_case_and_whitespace_variants_resolve(data):
    alias, iso3 = data.draw(st.sampled_from(ALIAS_PAIRS))
    flips = data.draw(st.lists(st.booleans(), min_size=len(alias), max_size=len(alias)))
    cased = "".join(ch.upper() if up else ch.lower() for ch, up in zip(alias, flips))
    words = cased.split(" ")
    gaps = data.draw(st.lists(st.sampled_from([" ", "  ", "\t", " \n "]),
                              min_size=len(words) - 1, max_size=len(words) - 1))
    spaced = words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:]))
    pad = data.draw(st.sampled_from(["", " ", "\t"]))
    marker = data.draw(st.sampled_from(["", "*", " *", "**"]))
    assert to_iso3(pad + spaced + pad + marker) == iso3


# --- errors -------------------------------------------------------------------------------


def test_unknown_name_error_quotes_input_and_suggests():
    with pytest.raises(UnknownCountryError) as info:
        to_iso3("Veit Nam")
    message = str(info.value)
    assert "'Veit Nam'" in message
    assert "Did you mean 'Viet Nam' (VNM)" in message
    assert "ISO 3166-1 code" in message and "M49" in message
    assert "aliases={'Veit Nam': '<ISO3>'}" in message and "mixedmig.countries" in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, MixedmigError)


@pytest.mark.parametrize(
    ("value", "explanation"),
    [
        ("Other Asia, nes", "not Taiwan"),
        (490, "M49 code 490 is not a country"),  # CEPII's cnum for Taiwan
        ("", "empty"),
        (None, "expected a country name or code"),
        (float("nan"), "missing value"),
        (50.5, "non-integer"),
        (True, "expected a country name or code"),
        ([], "got list"),
    ],
)
def test_non_registry_values_raise(value, explanation):
    with pytest.raises(UnknownCountryError, match=explanation) as info:
        to_iso3(value)
    assert "Did you mean" not in str(info.value)


# --- vectorised ---------------------------------------------------------------------------


def test_to_iso3_series_keeps_index_and_name():
    source = pd.Series(["Lao PDR", "Burma", 764, "VN", "Burma"], index=list("abcde"), name="orig")
    result = to_iso3_series(source)
    assert result.tolist() == ["LAO", "MMR", "THA", "VNM", "MMR"]
    assert result.index.tolist() == list("abcde") and result.name == "orig"
    assert to_iso3_series(["KH", 116]).tolist() == ["KHM", "KHM"]


def test_to_iso3_series_names_first_unknown_value_and_position():
    source = pd.Series(["Thailand", "Atlantis", "Laos", "Narnia"], index=[10, 11, 12, 13],
                       name="dest")
    with pytest.raises(UnknownCountryError) as info:
        to_iso3_series(source)
    message = str(info.value)
    assert "column 'dest', position 1 (index label 11)" in message
    assert "'Atlantis'" in message and "Narnia" not in message
    assert (info.value.value, info.value.position, info.value.label) == ("Atlantis", 1, 11)


def test_to_iso3_series_missing_values():
    source = pd.Series(["Japan", None, "Singapore"])
    with pytest.raises(UnknownCountryError, match="position 1"):
        to_iso3_series(source)
    result = to_iso3_series(source, allow_missing=True)
    assert result.iloc[0] == "JPN" and pd.isna(result.iloc[1]) and result.iloc[2] == "SGP"


# --- agreement with the reference extracts -----------------------------------------------


def assert_spellings_resolve(frame: pd.DataFrame, name_col: str, iso_col: str):
    pairs = frame.loc[frame[iso_col].isin(ISO3_CODES), [name_col, iso_col]].drop_duplicates()
    assert len(pairs) > 0
    for spelling, iso3 in pairs.itertuples(index=False):
        assert to_iso3(spelling) == iso3, (name_col, spelling)


def test_undesa_and_wpp_spellings_resolve():
    assert_spellings_resolve(reference_csv("undesa_ims_totals_asia.csv"), "name", "iso3")
    assert_spellings_resolve(reference_csv("wpp2024_population_asia.csv"), "wpp_name", "iso3")
    assert_spellings_resolve(reference_csv("capitals_asia.csv"), "name", "iso3")


def test_world_bank_spellings_resolve():
    frame = reference_csv("worldbank_bilateral_migration_2013_asia.csv")
    assert_spellings_resolve(frame, "orig_name_wb", "orig_iso3")
    assert_spellings_resolve(frame, "dest_name_wb", "dest_iso3")
    assert set(frame["orig_iso3"]) - set(ISO3_CODES) == {"WLD"}  # no stray economy


def test_unhcr_spellings_resolve():
    frame = reference_csv("unhcr_population_asia.csv")
    assert_spellings_resolve(frame, "coo_name", "coo_iso")
    assert_spellings_resolve(frame, "coa_name", "coa_iso")


def test_cepii_names_and_codes_agree():
    frame = reference_csv("cepii_geodist_geo_asia.csv", encoding="latin-1")
    assert_spellings_resolve(frame, "country", "iso3")
    for row in frame.itertuples(index=False):
        assert get(row.iso3).iso2 == row.iso2
        if row.iso3 == "TWN":
            # CEPII codes Taiwan with 490 ("Other Asia, nes" in UN trade statistics),
            # not M49 158; the registry keeps 158 and does not resolve 490.
            assert int(row.cnum) == 490
        else:
            assert get(row.iso3).m49 == int(row.cnum)


@pytest.mark.parametrize(
    ("spelling", "iso3"),
    [
        # World Bank names listed in research/migration_data_sources.md section 2
        ("Lao PDR", "LAO"), ("Vietnam", "VNM"), ("Korea, Rep.", "KOR"),
        ("Hong Kong SAR, China", "HKG"),
        # origin names of the 2017 UN DESA derived copy (undesa_ims_bilateral_asia.source.md)
        ("Laos", "LAO"), ("South Korea", "KOR"), ("China Hong Kong SAR", "HKG"),
    ],
)
def test_spellings_quoted_in_research_notes_resolve(spelling, iso3):
    assert to_iso3(spelling) == iso3


def test_m49_codes_agree_with_reference_files():
    for filename, iso_col, m49_col in [
        ("undesa_ims_totals_asia.csv", "iso3", "m49"),
        ("wpp2024_population_asia.csv", "iso3", "m49"),
        ("capitals_asia.csv", "iso3", "m49"),
        ("undesa_ims_bilateral_asia.csv", "dest_iso3", "dest_m49"),
        ("undesa_ims_bilateral_asia.csv", "orig_iso3", "orig_m49"),
    ]:
        pairs = reference_csv(filename)[[iso_col, m49_col]].drop_duplicates()
        assert len(pairs) >= 14, filename
        for iso3, m49 in pairs.itertuples(index=False):
            assert get(iso3).m49 == int(m49), (filename, iso3)
            assert to_iso3(int(m49)) == iso3


def test_capitals_agree_with_reference_file():
    frame = reference_csv("capitals_asia.csv")
    assert sorted(frame["iso3"]) == sorted(ISO3_CODES)
    for row in frame.itertuples(index=False):
        country = get(row.iso3)
        assert country.capital == row.capital_countryinfo
        assert country.capital_lat == float(row.capital_lat)
        assert country.capital_lon == float(row.capital_lon)
