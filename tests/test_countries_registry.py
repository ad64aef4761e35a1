"""Tests of the full country registry (issue 9, section 1): every ISO 3166-1 / M49 country and
area, publishers' spellings, aggregates refused, explicit code lookups, coordinates, speed, and
every spelling of the shipped reference files (../shared/reference; skipped when absent)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig import countries
from mixedmig.countries import (
    ALL_CODES,
    REGISTRY,
    from_iso2,
    from_m49,
    get,
    is_aggregate,
    is_country_code,
    is_registry_code,
    is_study_code,
    to_iso3,
    to_iso3_series,
)
from mixedmig.errors import InputError, UnknownCountryError

REFERENCE = Path(
    os.environ.get(
        "MIXEDMIG_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "reference"
    )
)

# --- content --------------------------------------------------------------------------------


def test_registry_is_iso_3166_plus_kosovo_and_channel_islands():
    iso = {c.alpha_3 for c in pycountry.countries}
    assert len(iso) == 249
    assert set(ALL_CODES) == iso | {"XKX", "CHI"}
    assert len(REGISTRY) == len(ALL_CODES) == 251
    assert list(ALL_CODES) == sorted(ALL_CODES)
    # codes are unique and agree with pycountry (ISO numeric = M49 for every ISO entry)
    for c in REGISTRY:
        entry = pycountry.countries.get(alpha_3=c.iso3)
        if entry is not None:
            assert (c.iso2, c.m49) == (entry.alpha_2, int(entry.numeric)), c.iso3
    m49 = [c.m49 for c in REGISTRY if c.m49 is not None]
    iso2 = [c.iso2 for c in REGISTRY if c.iso2]
    assert len(m49) == len(set(m49)) == 250 and len(iso2) == len(set(iso2)) == 250


def test_kosovo_and_channel_islands():
    kosovo, channel = get("XKX"), get("CHI")
    assert (kosovo.iso2, kosovo.m49, kosovo.name, kosovo.capital) == ("XK", None, "Kosovo", "Pristina")
    assert (channel.iso2, channel.m49, channel.name) == (None, 830, "Channel Islands")
    for spelling in ("Kosovo", "XK", "xkx", "UVK", "KSV", "Kosovo (under UNSC res. 1244)"):
        assert to_iso3(spelling) == "XKX", spelling
    assert to_iso3(830) == to_iso3("Channel Islands") == "CHI"
    # UNHCR reports Kosovo within Serbia; Sark is refused with an explanation
    assert to_iso3("Serbia and Kosovo: S/RES/1244 (1999)") == "SRB"
    with pytest.raises(UnknownCountryError, match="Guernsey"):
        to_iso3("Sark")
    with pytest.raises(UnknownCountryError, match="Guernsey"):
        to_iso3(680)
    # Channel Islands' point: mean of Jersey (49.25, -2.16666666) and Guernsey
    # (49.46666666, -2.58333333) centroids of countryinfo 1.0.1, by hand: (49.358333, -2.375)
    assert channel.point == pytest.approx((49.358333, -2.375), abs=1e-6)


def test_groups():
    assert countries.codes() == countries.codes("study") == countries.ISO3_CODES
    assert len(countries.codes("all")) == 251
    assert countries.codes("ASEAN") == ("KHM", "LAO", "MMR", "THA", "VNM", "MYS", "SGP", "IDN",
                                        "PHL", "BRN")
    assert get("BRN").groups == ("ASEAN",) and get("IND").groups == ()
    assert countries.table("all").shape == (251, 9)
    assert countries.table("ASEAN")["iso3"].tolist()[-1] == "BRN"
    assert countries.table("all")["m49"].isna().sum() == 1  # Kosovo
    frame = countries.registry()
    assert frame["study"].sum() == 15 and frame["asean"].sum() == 10 and frame["gms"].sum() == 6


def test_code_predicates():
    assert is_registry_code("THA") and is_study_code("THA") and is_country_code("THA")
    assert not is_registry_code("IND") and not is_study_code("IND") and is_country_code("IND")
    for value in ("ind", "IN", " IND", 356, None, "WLD", "World"):
        assert not is_country_code(value), value


# --- the variants of the brief and the publishers ----------------------------------------------

VARIANTS = [
    ("Korea DPR", "PRK"), ("Dem. People's Republic of Korea", "PRK"),
    ("Democratic People's Republic of Korea", "PRK"), ("Korea, Dem. People's Rep.", "PRK"),
    ("Dem. People's Rep. of Korea", "PRK"), ("North Korea", "PRK"), ("KP", "PRK"), (408, "PRK"),
    ("Macao SAR, China", "MAC"), ("China, Macao SAR", "MAC"), ("Macau", "MAC"), ("MO", "MAC"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Turkiye", "TUR"),
    ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Cote d\u2019Ivoire", "CIV"),
    ("Congo", "COG"), ("Congo, Rep.", "COG"),
    ("Democratic Republic of the Congo", "COD"), ("Congo, Dem. Rep.", "COD"),
    ("Dem. Rep. of the Congo", "COD"),
    ("Kosovo", "XKX"),
    ("Bolivia (Plurinational State of)", "BOL"), ("Iran (Islamic Republic of)", "IRN"),
    ("Venezuela (Bolivarian Republic of)", "VEN"), ("Venezuela, RB", "VEN"),
    ("United Republic of Tanzania", "TZA"), ("Micronesia (Fed. States of)", "FSM"),
    ("Micronesia, Fed. Sts.", "FSM"), ("State of Palestine", "PSE"), ("West Bank and Gaza", "PSE"),
    ("Curaçao", "CUW"), ("Curacao", "CUW"), ("Réunion", "REU"), ("Saint Helena", "SHN"),
    ("Eswatini", "SWZ"), ("Swaziland", "SWZ"), ("North Macedonia", "MKD"),
    ("TFYR Macedonia", "MKD"), ("Czechia", "CZE"), ("Czech Republic", "CZE"),
    ("Cabo Verde", "CPV"), ("Cape Verde", "CPV"), ("Myanmar", "MMR"), ("Burma", "MMR"),
    ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("India", "IND"), ("Egypt, Arab Rep.", "EGY"),
    ("Gambia, The", "GMB"), ("Bahamas, The", "BHS"), ("Yemen, Rep.", "YEM"),
    ("Kyrgyz Republic", "KGZ"), ("St. Lucia", "LCA"), ("Virgin Islands (U.S.)", "VIR"),
    ("Sint Maarten (Dutch part)", "SXM"), ("Netherlands (Kingdom of the)", "NLD"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
    ("United States of America", "USA"), ("Russian Federation", "RUS"),
    ("Holy See", "VAT"), ("Faeroe Islands", "FRO"), ("Falkland Islands (Malvinas)", "FLK"),
    ("Wallis and Futuna Islands", "WLF"), ("Brunei Darussalam", "BRN"), ("Timor-Leste", "TLS"),
    ("ROM", "ROU"), ("ZAR", "COD"), ("TMP", "TLS"),  # CEPII's former ISO codes
    ("Namibia", "NAM"), ("NA", "NAM"), ("na", "NAM"), (516, "NAM"),
]


@pytest.mark.parametrize(("spelling", "iso3"), VARIANTS)
def test_publishers_variants_resolve(spelling, iso3):
    assert to_iso3(spelling) == iso3


def test_known_aliases_never_raise_so_never_suggest_another_country():
    # the DPRK and Macao spellings once got "Did you mean 'Republic of Korea' / 'Hong Kong'"
    for spelling in ("Korea, Dem. Rep.", "Korea DPR", "China, Macao SAR", "Macao SAR, China",
                     "India"):
        assert to_iso3(spelling) not in ("KOR", "HKG", "IDN")


# A new-user review: 'DPRK' and 'Macao, China' were unknown while 'Macau, China' worked, and
# UN DESA's "Other countries" (location code 2003) was an "unknown country", not an aggregate.
MACAO_SPELLINGS = ["Macao", "Macao SAR", "China, Macao SAR", "China Macao SAR",
                   "China, Macao Special Administrative Region", "Macao SAR, China",
                   "Macao, China", "Macao Special Administrative Region of China"]


@pytest.mark.parametrize("spelling", ["DPRK", "D.P.R.K.", "D.P.R. Korea", "DPR Korea",
                                      "dprk"])
def test_dprk_spellings_resolve(spelling):
    assert to_iso3(spelling) == "PRK"
    assert to_iso3(spelling, kind="name") == "PRK"


@pytest.mark.parametrize("spelling", MACAO_SPELLINGS)
def test_macao_and_macau_are_both_accepted_in_every_spelling(spelling):
    macau = spelling.replace("Macao", "Macau")
    assert macau != spelling
    assert to_iso3(spelling) == to_iso3(macau) == "MAC"
    assert to_iso3(macau, kind="name") == "MAC"


def test_every_macao_alias_has_its_macau_twin_and_back():
    keys = {countries.normalize_name(a) for a in countries.get("MAC").aliases}
    for key in [k for k in keys if "maca" in k]:
        assert key.replace("macao", "macau") in keys and key.replace("macau", "macao") in keys


@pytest.mark.parametrize("value", ["Other countries", "OTHER COUNTRIES", 2003, "2003"])
def test_undesa_other_countries_is_an_aggregate_to_drop(value):
    assert is_aggregate(value)
    with pytest.raises(UnknownCountryError, match="is an aggregate, not a country") as info:
        to_iso3(value)
    assert "unknown country" not in str(info.value)
    assert "drop these rows" in str(info.value)


def test_namibia_iso2_explicit_lookups():
    assert to_iso3("NA", kind="iso2") == from_iso2("NA") == from_iso2(" na ") == "NAM"
    assert from_m49("004") == from_m49(4) == "AFG"
    assert to_iso3("THA", kind="iso3") == "THA"
    with pytest.raises(UnknownCountryError, match="not an ISO2 code"):
        from_iso2("THA")
    with pytest.raises(UnknownCountryError, match="not an ISO3 code"):
        to_iso3("TH", kind="iso3")
    with pytest.raises(UnknownCountryError, match="not a country name"):
        to_iso3("NA", kind="name")  # a code is not a name
    with pytest.raises(UnknownCountryError, match="aggregate"):
        from_m49(142)  # Asia
    with pytest.raises(InputError, match="unknown kind 'isbn'"):
        to_iso3("THA", kind="isbn")
    series = pd.Series(["NA", "TH", "KH"], name="citizenship")
    assert to_iso3_series(series, kind="iso2").tolist() == ["NAM", "THA", "KHM"]


def test_user_aliases():
    assert to_iso3("Siam", aliases={"Siam": "THA"}) == "THA"
    assert to_iso3_series(["Siam", "Laos"], aliases={"siam": "THA"}).tolist() == ["THA", "LAO"]
    with pytest.raises(InputError, match="'Siam' maps to 'XXX'"):
        to_iso3("Siam", aliases={"Siam": "XXX"})


# --- aggregates ---------------------------------------------------------------------------------

AGGREGATES = [
    "World", "WORLD", "Asia", "South-Eastern Asia", "Eastern Asia", "Sub-Saharan Africa",
    "Latin America and the Caribbean", "Northern America", "Micronesia", "Polynesia",
    "Central and Southern Asia", "Eastern and South-Eastern Asia", "Europe and Northern America",
    "Oceania (excluding Australia and New Zealand)", "Other South", "Other North",
    "Least developed countries", "Less developed regions", "More developed regions",
    "Less developed regions, excluding least developed countries",
    "Land-locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)",
    "High-income countries", "Upper-middle-income countries", "High income",
    "Low & middle income", "Upper middle income", "Lower middle income", "Low income",
    "East Asia & Pacific", "Europe & Central Asia", "Middle East & North Africa", "South Asia",
    "Euro area", "European Union", "WLD", "HIC", "LMY", "EAS", "SSF",
    "Various/unknown", "Unknown", "Stateless", "UKN", "UNK", "XXA", "00", "-99",
    "Other Asia, nes", "Other Asia nes", "GMS", "ASEAN", "Total",
    1, 142, "142", "035", 900,
]


@pytest.mark.parametrize("value", AGGREGATES)
def test_aggregates_are_recognised_and_refused(value):
    assert is_aggregate(value)
    with pytest.raises(UnknownCountryError, match="aggregate, not a country") as info:
        to_iso3(value)
    assert "Did you mean" not in str(info.value)


def test_not_aggregates():
    for value in ("India", "Micronesia (Fed. States of)", "Namibia", "NA", 104, None, float("nan"),
                  "Atlantis", "Netherlands Antilles", True):
        assert not is_aggregate(value), value


def test_former_countries_name_their_successors():
    with pytest.raises(UnknownCountryError, match="CUW.*SXM.*BES"):
        to_iso3("Netherlands Antilles")
    with pytest.raises(UnknownCountryError, match="SRB.*MNE"):
        to_iso3("SCG")


def test_aggregate_and_country_keys_are_disjoint():
    agg = countries.aggregates()
    keys = {countries.normalize_name(n) for n in agg["name"]}
    assert not keys & set(countries._INDEX)
    assert not set(agg["m49"].dropna().astype(int)) & {c.m49 for c in REGISTRY}
    assert set(agg["kind"]) <= {"region", "development group", "income group", "group", "other",
                                "total", "unknown", "stateless", "former", "part"}


# --- coordinates ----------------------------------------------------------------------------


def test_every_country_has_a_point_except_three_uninhabited_areas():
    pointless = sorted(c.iso3 for c in REGISTRY if not all(map(math.isfinite, c.point)))
    assert pointless == ["ATA", "BVT", "UMI"]
    for c in REGISTRY:
        lat, lon = c.point
        if math.isfinite(lat):
            assert -90 <= lat <= 90 and -180 <= lon <= 180, c.iso3


def test_misplaced_countryinfo_capitals_fall_back_to_the_centroid():
    # countryinfo 1.0.1 puts Dili at 28.65 N 77.22 E (Delhi): the registry drops it.
    tls = get("TLS")
    assert tls.capital == "Dili" and math.isnan(tls.capital_lat)
    assert tls.point == (tls.centroid_lat, tls.centroid_lon)
    # Timor-Leste lies between 8 and 10 degrees south
    assert -10 < tls.point[0] < -8


# --- properties and speed -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(country=st.sampled_from(REGISTRY))
def test_every_code_round_trips(country):
    assert to_iso3(country.iso3) == to_iso3(country.iso3.lower()) == country.iso3
    assert to_iso3(country.name) == country.iso3
    if country.iso2:
        assert from_iso2(country.iso2) == country.iso3
    if country.m49 is not None:
        assert from_m49(country.m49) == to_iso3(f"{country.m49:03d}") == country.iso3
    for alias in country.aliases:
        assert to_iso3(alias) == country.iso3, alias


def test_fifty_thousand_lookups_resolve_each_value_as_to_iso3_does():
    # (its speed is measured by benchmarks/bench_countries.py, never asserted here)
    names = [c.name for c in REGISTRY] + [a for c in REGISTRY for a in c.aliases[:2]]
    values = pd.Series((names * (50_000 // len(names) + 1))[:50_000], dtype=object)
    result = to_iso3_series(values)
    assert len(result) == 50_000 and result.notna().all()
    expected = {name: to_iso3(name) for name in set(names)}
    assert result.tolist() == [expected[v] for v in values]


# --- every spelling of the shipped reference files ----------------------------------------

#: Every CSV of ../shared/reference and its country columns: (column, kind, paired ISO3 column
#: that says what the value must resolve to, or None). Columns of UNHCR's own codes (coo, coa)
#: are checked separately: they clash with ISO ("AUS" is Austria) and are not resolved.
REFERENCE_COLUMNS = {
    "capitals_asia.csv": [("iso3", None, "iso3"), ("name", None, "iso3"), ("m49", "m49", "iso3")],
    "cepii_geodist_dist_asia.csv": [("iso_o", "iso3", "iso_o"), ("iso_d", "iso3", "iso_d")],
    "cepii_geodist_geo_asia.csv": [("iso3", "iso3", "iso3"), ("iso2", "iso2", "iso3"),
                                   ("country", "name", "iso3")],
    "ctdc_gms_2020_04_14.csv": [("citizenship", "iso2", None),
                                ("CountryOfExploitation", "iso2", None)],
    "ctdc_schema.csv": [],  # a codebook: no country values
    "recruitment_costs_gms.csv": [("origin_iso3", "iso3", "origin_iso3"),
                                  ("destination_iso3", None, None)],
    "thailand_migrant_workers_points.csv": [("nationality_iso3", None, None)],
    "undesa_ims_bilateral_asia.csv": [("dest_iso3", "iso3", "dest_iso3"),
                                      ("orig_iso3", "iso3", "orig_iso3"),
                                      ("dest_m49", "m49", "dest_iso3"),
                                      ("orig_m49", "m49", "orig_iso3"),
                                      ("dest_group", None, None), ("orig_group", None, None)],
    "undesa_ims_totals_asia.csv": [("iso3", "iso3", "iso3"), ("name", "name", "iso3"),
                                   ("m49", "m49", "iso3"), ("group", None, None)],
    "unhcr_population_asia.csv": [("coo_name", "name", "coo_iso"), ("coa_name", "name", "coa_iso"),
                                  ("coo_iso", "iso3", "coo_iso"), ("coa_iso", "iso3", "coa_iso")],
    "wdi_population_gdppc_asia.csv": [("iso3", "iso3", "iso3")],
    "worldbank_bilateral_migration_2013_asia.csv": [
        ("orig_iso3", None, "orig_iso3"), ("dest_iso3", None, "dest_iso3"),
        ("orig_name_wb", None, "orig_iso3"), ("dest_name_wb", None, "dest_iso3")],
    "wpp2024_population_asia.csv": [("iso3", "iso3", "iso3"), ("wpp_name", "name", "iso3"),
                                    ("m49", "m49", "iso3")],
}
#: Values that are notes, not codes (the recruitment-cost table states no destination split).
FREE_TEXT = {"(all destinations; not broken down in Table 1)"}
#: UNHCR's ISO-style codes for non-countries: they must be aggregates, not resolve.
NON_COUNTRY_CODES = {"UNK", "XXA", "WLD"}

#: Hand-checked expectations, independent of the registry (spelling -> ISO3).
SPOT_CHECKS = {
    "Lao People's Dem. Rep.": "LAO", "Rep. of Korea": "KOR", "China, Hong Kong SAR": "HKG",
    "China, Macao SAR": "MAC", "Dem. People's Rep. of Korea": "PRK", "Dem. Rep. of the Congo": "COD",
    "Congo": "COG", "Iran (Islamic Rep. of)": "IRN", "Palestinian": "PSE", "Türkiye": "TUR",
    "Central African Rep.": "CAF", "Cote d'Ivoire": "CIV", "Egypt": "EGY", "Niger": "NER",
    "Nigeria": "NGA", "United Rep. of Tanzania": "TZA", "South Africa": "ZAF",
    "Serbia and Kosovo: S/RES/1244 (1999)": "SRB", "Timor-Leste": "TLS", "Eswatini": "SWZ",
    "Syrian Arab Rep.": "SYR", "Rep. of Moldova": "MDA", "North Macedonia": "MKD",
    "Netherlands (Kingdom of the)": "NLD", "Austria": "AUT", "Australia": "AUS",
    "United Arab Emirates": "ARE", "Germany": "DEU", "Switzerland": "CHE", "Czechia": "CZE",
    "United Kingdom of Great Britain and Northern Ireland": "GBR", "Guinea": "GIN",
    "Guinea-Bissau": "GNB", "Papua New Guinea": "PNG", "India": "IND", "Sudan": "SDN",
    "South Sudan": "SSD", "Bolivia (Plurinational State of)": "BOL", "China": "CHN",
    "Korea": "KOR", "Burma": "MMR", "Hong Kong SAR, China": "HKG", "Vietnam": "VNM",
    "MU": "MUS", "US": "USA", "BD": "BGD", "ID": "IDN", "CLM": None, "KLMV": None, "ALL": None,
}


def _reference(filename: str) -> pd.DataFrame:
    encoding = "latin-1" if filename.startswith("cepii") else "utf-8"
    return pd.read_csv(REFERENCE / filename, keep_default_na=False, dtype=str, encoding=encoding)


def _reference_dir():
    if not REFERENCE.is_dir():
        pytest.skip(f"reference folder {REFERENCE} not available")
    return REFERENCE


def test_every_reference_csv_is_mapped():
    folder = _reference_dir()
    assert sorted(p.name for p in folder.glob("*.csv")) == sorted(REFERENCE_COLUMNS)


@pytest.mark.parametrize("filename", sorted(REFERENCE_COLUMNS))
def test_every_reference_spelling_resolves_or_is_an_aggregate(filename):
    _reference_dir()
    if not (REFERENCE / filename).exists():
        pytest.skip(f"{filename} not in {REFERENCE}")
    frame = _reference(filename)
    checked = 0
    for column, kind, expected_column in REFERENCE_COLUMNS[filename]:
        assert column in frame.columns, (filename, column)
        pairs = frame[[column] + ([expected_column] if expected_column else [])].drop_duplicates()
        for row in pairs.itertuples(index=False):
            value = row[0]
            if value == "" or value in FREE_TEXT:  # missing, or a note
                continue
            checked += 1
            expected = row[1] if expected_column else None
            if value in NON_COUNTRY_CODES or (expected in NON_COUNTRY_CODES):
                assert is_aggregate(value), (filename, column, value)
                continue
            if is_aggregate(value):
                assert expected is None, (filename, column, value)
                continue
            got = to_iso3(value, kind=kind)
            if expected is not None:
                assert got == expected, (filename, column, value, got)
            if value in SPOT_CHECKS:
                assert got == SPOT_CHECKS[value], (filename, column, value)
    if REFERENCE_COLUMNS[filename]:
        assert checked > 0
    # the borders of capitals_asia.csv are ';'-separated ISO3 codes
    if filename == "capitals_asia.csv":
        for borders in frame["borders_countryinfo"]:
            for code in filter(None, borders.split(";")):
                assert is_country_code(code), code


def test_reference_spot_checks_cover_the_unhcr_names():
    _reference_dir()
    frame = _reference("unhcr_population_asia.csv")
    names = set(frame["coo_name"]) | set(frame["coa_name"])
    present = {k: v for k, v in SPOT_CHECKS.items() if k in names}
    assert len(present) >= 30
    for spelling, iso3 in present.items():
        assert to_iso3(spelling) == iso3, spelling
    for spelling, iso3 in SPOT_CHECKS.items():
        if iso3 is None:
            assert is_aggregate(spelling), spelling


def test_ctdc_namibia_survives_reading():
    """CTDC's ISO2 'NA' is Namibia: read with keep_default_na=False it stays a code."""
    _reference_dir()
    frame = _reference("ctdc_gms_2020_04_14.csv")
    codes = frame["citizenship"].replace("", pd.NA)
    resolved = to_iso3_series(codes, kind="iso2", allow_missing=True)
    assert set(resolved.dropna()) <= set(ALL_CODES)
    assert resolved.isna().sum() == (frame["citizenship"] == "").sum()
