"""Official-layout readers, on small files written here in the official layouts.

The figures in the fixtures are real: UN DESA International Migrant Stock 2024 (Myanmar-born in
Thailand, both sexes / male / female, 1990-2024), World Bank bilateral migration matrix 2013
(Myanmar -> Thailand 1,892,480; Lao PDR -> Thailand 926,427; Thailand -> Lao PDR 1,652) and UNHCR
refugees from Myanmar in Thailand (91,805 at end-2020; 81,005 at end-2024).
"""

from __future__ import annotations

import pandas as pd
import pytest

from mixedmig import data
from mixedmig.errors import DataError, InputError, SchemaError

YEARS_2024 = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
MMR_IN_THA_TOTAL = [1106, 1104, 136674, 696293, 1255912, 1429751, 1576317, 1708695]
MMR_IN_THA_MALE = [662, 661, 72288, 375784, 679280, 773816, 853579, 925560]
MMR_IN_THA_FEMALE = [444, 443, 64386, 320509, 576632, 655935, 722738, 783135]


def write_undesa_2024(path):
    header = (
        ["Index", "Region, development group, country or area of destination", "Coverage",
         "Data type", "Location code of destination",
         "Region, development group, country or area of origin", "Location code of origin"]
        + [str(y) for y in YEARS_2024] * 3
    )
    rows = [
        # an aggregate origin row (World, M49 900) that the reader must drop
        [7000, "Thailand*", "", "B R", 764, "World", 900] + [".."] * 24,
        [7001, "Thailand*", "", "B R", 764, "Myanmar", 104]
        + MMR_IN_THA_TOTAL + MMR_IN_THA_MALE + MMR_IN_THA_FEMALE,
        # an origin outside the 15 economies (India, M49 356) is dropped
        [7002, "Thailand*", "", "B R", 764, "India", 356] + [1] * 24,
    ]
    title = [["International Migrant Stock 2024"]] + [[""]] * 9
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(title).to_excel(writer, sheet_name="Table 1", header=False, index=False)
        pd.DataFrame(rows, columns=header).to_excel(
            writer, sheet_name="Table 1", startrow=10, index=False
        )


def test_undesa_2024_workbook_reads_into_the_curated_shape(tmp_path):
    path = tmp_path / "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx"
    write_undesa_2024(path)
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert list(long.columns) == ["edition", "year", "sex", "orig", "dest", "stock"]
    assert set(long["orig"]) == {"MMR"} and set(long["dest"]) == {"THA"}
    assert len(long) == 24
    by = long.set_index(["sex", "year"])["stock"]
    assert [by[("total", y)] for y in YEARS_2024] == MMR_IN_THA_TOTAL
    assert [by[("male", y)] for y in YEARS_2024] == MMR_IN_THA_MALE
    assert [by[("female", y)] for y in YEARS_2024] == MMR_IN_THA_FEMALE
    # male + female = both sexes in the official file, for every year
    assert all(m + f == t for m, f, t in zip(MMR_IN_THA_MALE, MMR_IN_THA_FEMALE, MMR_IN_THA_TOTAL))


def test_undesa_reader_agrees_with_the_curated_table(tmp_path):
    from mixedmig import data

    path = tmp_path / "ims2024.xlsx"
    write_undesa_2024(path)
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    curated = data.load("undesa_ims_bilateral")
    curated = curated[(curated["edition"] == 2024) & (curated["orig"] == "MMR")
                      & (curated["dest"] == "THA")]
    merged = long.merge(curated, on=["edition", "year", "sex", "orig", "dest"],
                        suffixes=("_read", "_curated"))
    assert len(merged) == 24
    assert (merged["stock_read"] == merged["stock_curated"]).all()


def test_undesa_reader_rejects_a_wrong_header_row(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    write_undesa_2024(path)
    with pytest.raises(SchemaError, match="is row 5 the header row"):
        data.read_undesa_bilateral_workbook(path, edition=2024, header_row=5)
    with pytest.raises(InputError, match="edition 2019 is not supported"):
        data.read_undesa_bilateral_workbook(path, edition=2019)


def test_readers_report_a_missing_file(tmp_path):
    for reader in (data.read_worldbank_matrix, data.read_unhcr_population):
        args = (tmp_path / "absent.csv", 2013) if reader is data.read_worldbank_matrix else (
            tmp_path / "absent.csv",)
        with pytest.raises(DataError, match="absent.csv.*file not found"):
            reader(*args)


def test_worldbank_matrix(tmp_path):
    names = ["Lao PDR", "Myanmar", "Thailand", "India"]
    values = {
        ("Lao PDR", "Thailand"): 926427,
        ("Myanmar", "Thailand"): 1892480,
        ("Thailand", "Lao PDR"): 1652,
        ("Thailand", "Myanmar"): 0,
    }
    header = ["Destination country (across) - Source country (down)", *names, "World"]
    body = [[src] + [values.get((src, dst), 0) for dst in names] + [""] for src in names]
    body.append(["World"] + [""] * (len(names) + 1))
    path = tmp_path / "bilateralmigrationmatrix20130.xlsx"
    frame = pd.DataFrame([["Bilateral Migration Matrix 2013"] + [""] * (len(names) + 1), header]
                         + body)
    frame.to_excel(path, header=False, index=False)
    long = data.read_worldbank_matrix(path, year=2013)
    table = long.set_index(["orig", "dest"])["migrants"]
    assert table[("MMR", "THA")] == 1892480
    assert table[("LAO", "THA")] == 926427
    assert table[("THA", "LAO")] == 1652
    assert "IND" not in set(long["orig"]) | set(long["dest"])
    assert not (long["orig"] == long["dest"]).any()


def test_unhcr_export_with_preamble(tmp_path):
    preamble = "\n".join(["UNHCR Refugee Data Finder", "Extracted data"] + [""] * 12)
    body = (
        "Year,Country of origin,Country of origin (ISO),Country of asylum,"
        "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers\n"
        "2020,Myanmar,MMR,Thailand,THA,91805,0\n"
        "2024,Myanmar,MMR,Thailand,THA,81005,0\n"
        "2024,Afghanistan,AFG,Germany,DEU,5,-\n"
    )
    path = tmp_path / "population.csv"
    path.write_text(preamble + "\n" + body)
    frame = data.read_unhcr_population(path, involving=["MMR"])
    assert frame["refugees"].tolist() == [91805, 81005]
    assert frame["orig"].tolist() == ["MMR", "MMR"]
    everything = data.read_unhcr_population(path)
    assert everything["asylum_seekers"].isna().sum() == 1


def test_unhcr_reader_names_missing_columns(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text("Year,Country of origin\n2020,Myanmar\n")
    with pytest.raises(SchemaError, match="missing column"):
        data.read_unhcr_population(path)


def test_unhcr_reader_locates_a_bad_year(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(
        "Year,Country of origin,Country of origin (ISO),Country of asylum,"
        "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers\n"
        "2020,Myanmar,MMR,Thailand,THA,91805,0\n"
        "20x4,Myanmar,MMR,Thailand,THA,81005,0\n"
    )
    with pytest.raises(SchemaError) as info:
        data.read_unhcr_population(path)
    assert info.value.row == 3 and info.value.column == "year"
    assert "'20x4' is not a year" in str(info.value)
