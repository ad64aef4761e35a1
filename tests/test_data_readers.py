"""Official-layout readers, on small files written here in the official layouts.

The figures in the fixtures are real unless a comment marks them MADE-UP: UN DESA International
Migrant Stock 2024 (Myanmar-born in Thailand, both sexes / male / female, 1990-2024), World Bank
bilateral migration matrix 2013 (the GMS block, e.g. Myanmar -> Thailand 1,892,480; Lao PDR ->
Thailand 926,427; Thailand -> Lao PDR 1,652) and UNHCR refugees and asylum-seekers from Myanmar
(in Thailand 91,805 at end-2020 and 81,005 at end-2024; Malaysia and Bangladesh as quoted below),
all as extracted in ../shared/reference (see the *.source.md files there). The bad cells, made-up
names and corrupted totals that the error tests need are MADE-UP and marked where they are set.
"""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixedmig import data
from mixedmig.data.readers import _parse_count
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
    with pytest.raises(InputError, match="edition 2022 is not supported.*2017 and 2019"):
        data.read_undesa_bilateral_workbook(path, edition=2022)
    # edition 2019 goes to the wide reader, which finds no wide header in a 2024 file
    with pytest.raises(SchemaError, match="no header row of the UN DESA wide bilateral table"):
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


# ---------------------------------------------------------------------------------------------
# Issue 8, item 4: never a silently wrong or missing number. Every file below is written here in
# the official layout (../shared/research/official_downloads.md, migration_data_sources.md 1.5,
# 2 and 5). Values are the real published figures quoted at the top of this module unless a
# comment says MADE-UP.
# ---------------------------------------------------------------------------------------------

UNDESA_KEY_2024 = ["Index", "Region, development group, country or area of destination",
                   "Coverage", "Data type", "Location code of destination",
                   "Region, development group, country or area of origin",
                   "Location code of origin"]
UNDESA_KEY_2020 = ["Index", "Region, development group, country or area of destination",
                   "Notes of destination", "Location code of destination",
                   "Type of data of destination",
                   "Region, development group, country or area of origin",
                   "Location code of origin"]
SEX_LABEL = {"total": "Both sexes", "male": "Male", "female": "Female"}
MMR_IN_THA = {
    **{("total", y): v for y, v in zip(YEARS_2024, MMR_IN_THA_TOTAL)},
    **{("male", y): v for y, v in zip(YEARS_2024, MMR_IN_THA_MALE)},
    **{("female", y): v for y, v in zip(YEARS_2024, MMR_IN_THA_FEMALE)},
}


def write_undesa_workbook(path, rows, *, years=YEARS_2024, key=UNDESA_KEY_2024,
                          title="International Migrant Stock 2024", title_rows=10,
                          block_order=("total", "male", "female"), year_order=None,
                          sex_labels=True, merges=()):
    """A bilateral workbook in the official layout, written cell by cell with openpyxl.

    ``rows`` are ``(destination name, destination code, origin name, origin code, values)``
    with ``values`` a dict ``(sex, year) -> cell``; the sex of each block of year columns is
    written on the row above the header and merged over the block, as in the official file.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 1"
    sheet.cell(row=1, column=5, value=title)
    header_row = title_rows + 1
    ordered = list(year_order or years)
    slots = [(sex, y) for sex in block_order for y in ordered]
    first = len(key) + 1
    if sex_labels:
        for b, sex in enumerate(block_order):
            start = first + b * len(ordered)
            sheet.cell(row=header_row - 1, column=start, value=SEX_LABEL[sex])
            sheet.merge_cells(start_row=header_row - 1, start_column=start,
                              end_row=header_row - 1, end_column=start + len(ordered) - 1)
    for j, label in enumerate(key + [y for _, y in slots], start=1):
        sheet.cell(row=header_row, column=j, value=label)
    for i, (dest_name, dest, orig_name, orig, values) in enumerate(rows, start=header_row + 1):
        cells = [7000 + i, dest_name, "", "B R", dest, orig_name, orig]
        if key is UNDESA_KEY_2020:
            cells = [7000 + i, dest_name, "", dest, "B R", orig_name, orig]
        cells += [values.get(slot) for slot in slots]
        for j, value in enumerate(cells, start=1):
            if value is not None:
                sheet.cell(row=i, column=j, value=value)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return header_row


def stock_of(long, sex, year, orig="MMR", dest="THA"):
    row = long[(long["sex"] == sex) & (long["year"] == year) & (long["orig"] == orig)
               & (long["dest"] == dest)]
    assert len(row) == 1
    return row["stock"].iloc[0]


def test_undesa_reads_thousands_separators_and_footnote_marks(tmp_path):
    # the real figures, written as the publisher's text formats: "1,104", "136674*", "1,255,912*"
    text = {slot: (f"{v:,}" if i % 2 else f"{v}*") for i, (slot, v) in enumerate(MMR_IN_THA.items())}
    text[("total", 2010)] = "1,255,912*"
    text[("male", 1995)] = "\u00a0661 "
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, text)])
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    for (sex, year), value in MMR_IN_THA.items():
        assert stock_of(long, sex, year) == value, (sex, year)


def test_undesa_missing_marks_stay_missing(tmp_path):
    values = dict(MMR_IN_THA)
    values.update({("total", 1990): "..", ("male", 1990): "-", ("female", 1990): "*"})
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert all(pd.isna(stock_of(long, sex, 1990)) for sex in ("total", "male", "female"))
    assert stock_of(long, "total", 1995) == 1104


@pytest.mark.parametrize("cell, reason", [(-5, "negative"), ("-5", "negative"),
                                          ("12x", "is not a count"), ("1.104", "not a whole"),
                                          (True, "true/false")])
def test_undesa_rejects_a_bad_count_naming_file_sheet_cell_and_column(tmp_path, cell, reason):
    values = dict(MMR_IN_THA)
    values[("male", 2000)] = cell  # MADE-UP bad cell in place of the real 72,288
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match=reason) as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    # male block starts at column P (16); 2000 is its third year -> column R
    assert info.value.row == header + 1 and info.value.column == "2000 (male)"
    assert "ims2024.xlsx" in str(info.value) and f"sheet 'Table 1', cell R{header + 1}" in str(
        info.value)


def test_undesa_year_columns_are_matched_by_label_not_position(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)],
                          year_order=YEARS_2024[::-1], sex_labels=False)
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert stock_of(long, "total", 1990) == 1106
    assert stock_of(long, "total", 2024) == 1708695
    assert stock_of(long, "female", 2000) == 64386


def test_undesa_sex_blocks_are_matched_by_their_merged_labels(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)],
                          block_order=("female", "total", "male"), year_order=YEARS_2024[::-1])
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    for (sex, year), value in MMR_IN_THA.items():
        assert stock_of(long, sex, year) == value, (sex, year)


def test_undesa_edition_written_in_the_file_must_match_the_argument(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)])
    with pytest.raises(DataError, match="2024 edition; pass edition=2024"):
        data.read_undesa_bilateral_workbook(path, edition=2020)
    # a workbook whose title block names another revision than the argument
    relabelled = tmp_path / "relabelled.xlsx"
    write_undesa_workbook(relabelled, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)],
                          title="POP/DB/MIG/Stock/Rev.2020")
    with pytest.raises(DataError, match="states it is the 2020 edition"):
        data.read_undesa_bilateral_workbook(relabelled, edition=2024)


def test_undesa_2020_layout_is_read_by_labels(tmp_path):
    # MADE-UP figures (the 2020 bilateral workbook was not obtainable) in the 2020 column layout:
    # codes in columns D and G, seven years per sex block
    years = YEARS_2024[:-1]
    values = {**{("total", y): 30 + k for k, y in enumerate(years)},
              **{("male", y): 10 + k for k, y in enumerate(years)},
              **{("female", y): 20 for y in years}}
    path = tmp_path / "ims2020.xlsx"
    write_undesa_workbook(path, [("Thailand", 764, "Lao People's Democratic Republic", 418, values)],
                          years=years, key=UNDESA_KEY_2020, title="POP/DB/MIG/Stock/Rev.2020")
    long = data.read_undesa_bilateral_workbook(path, edition=2020)
    assert set(long["edition"]) == {2020} and sorted(set(long["year"])) == years
    assert stock_of(long, "total", 2020, orig="LAO") == 36
    assert stock_of(long, "male", 1995, orig="LAO") == 11
    with pytest.raises(DataError, match="2020 edition; pass edition=2020"):
        data.read_undesa_bilateral_workbook(path, edition=2024)


def test_undesa_duplicate_pair_is_refused(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA),
                                          ("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)])
    with pytest.raises(DataError, match=f"also on row {header + 1}") as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    assert info.value.row == header + 2


def test_undesa_merged_destination_cells_keep_every_row(tmp_path):
    # MADE-UP figures for three origins in one destination block whose name and code cells are
    # merged down the block (as a user's Excel edit, or a regional table, writes them)
    made_up = {o: {**{("total", y): 100 * o for y in YEARS_2024},
                   **{("male", y): 60 * o for y in YEARS_2024},
                   **{("female", y): 40 * o for y in YEARS_2024}} for o in (1, 2, 3)}
    rows = [("Thailand*", 764, "Myanmar", 104, made_up[1]),
            (None, None, "Lao People's Democratic Republic", 418, made_up[2]),
            (None, None, "Cambodia", 116, made_up[3])]
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, rows, merges=("B12:B14", "E12:E14"))
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    got = long[(long["sex"] == "total") & (long["year"] == 2024)].set_index("orig")["stock"]
    assert got.to_dict() == {"KHM": 300, "LAO": 200, "MMR": 100}
    assert set(long["dest"]) == {"THA"}


def test_undesa_blank_code_beside_counts_and_merged_counts_are_refused(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA),
                                          ("", None, "Cambodia", 116, MMR_IN_THA)])
    with pytest.raises(SchemaError, match="cell is blank") as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    assert info.value.row == header + 2 and info.value.column == "Location code of destination"
    merged = tmp_path / "merged.xlsx"
    write_undesa_workbook(merged, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA),
                                   ("Thailand*", 764, "Cambodia", 116, MMR_IN_THA)],
                          merges=("H12:H13",))
    with pytest.raises(SchemaError, match="H12:H13 are merged"):
        data.read_undesa_bilateral_workbook(merged, edition=2024)


def test_undesa_males_plus_females_must_equal_both_sexes(tmp_path):
    values = dict(MMR_IN_THA)
    values[("total", 2015)] = 1429751 + 5000  # MADE-UP corruption of the real 1,429,751
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match="773,816 \\+ females 655,935 = 1,429,751") as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    assert info.value.row == header + 1 and info.value.column == "2015 (total)"


def test_undesa_header_is_found_below_a_title_block_of_any_height(tmp_path):
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, MMR_IN_THA)], title_rows=4)
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert stock_of(long, "total", 2024) == 1708695


# --- World Bank ------------------------------------------------------------------------------

#: World Bank 2013 matrix, GMS block (rows = source, columns = destination), real figures from
#: bilateralmigrationmatrix20130.xlsx as extracted in ../shared/reference/
#: worldbank_bilateral_migration_2013_asia.csv (World Bank / KNOMAD, 2013).
WB_NAMES = ["Cambodia", "China", "Lao PDR", "Myanmar", "Thailand", "Vietnam"]
WB_ISO = ["KHM", "CHN", "LAO", "MMR", "THA", "VNM"]
WB_GMS = [
    [0, 464, 1201, 0, 750109, 2485],
    [1550, 0, 3014, 47742, 149352, 8639],
    [265, 1373, 0, 0, 926427, 4284],
    [53, 39776, 282, 0, 1892480, 9783],
    [31472, 23357, 1652, 0, 0, 512],
    [37225, 36205, 11447, 0, 17663, 0],
]
WB_CORNER = "Destination country (across) - Source country (down)"


def worldbank_cells(*, title_rows=1, world=True):
    """The matrix as rows of cells, official layout: title, header, sources, World, notes.

    The World row and column of this six-economy excerpt are the sums of the rows and columns
    written here (in the official file World sums all 217 rows), computed independently below.
    """
    cells = [["Bilateral Estimates of Migrant Stocks in 2013"]] + [[]] * (title_rows - 1)
    cells.append([WB_CORNER] + WB_NAMES + (["World"] if world else []))
    for name, row in zip(WB_NAMES, WB_GMS):
        cells.append([name] + row + ([sum(row)] if world else []))
    if world:
        columns = [sum(r[j] for r in WB_GMS) for j in range(len(WB_NAMES))]
        cells.append(["World"] + columns + [sum(columns)])
    notes = "These estimates are based on the Migration and Remittances Factbook 2016"
    cells += [[], ["Notes:"], [notes]]
    return cells


def write_worldbank_xlsx(path, cells, *, notes_first=False):
    book = openpyxl.Workbook()
    if notes_first:
        book.active.title = "Notes"
        book.active["A1"] = "Notes"
        book.active["A2"] = "World: all countries"
        sheet = book.create_sheet("Bilateral Migration 2013")
    else:
        sheet = book.active
        sheet.title = "Bilateral Migration 2013"
    for row in cells:
        sheet.append(row if row else [None])
    book.save(path)


def assert_gms_block(long):
    table = long.set_index(["orig", "dest"])["migrants"]
    for i, orig in enumerate(WB_ISO):
        for j, dest in enumerate(WB_ISO):
            if i != j:
                assert table[(orig, dest)] == WB_GMS[i][j], (orig, dest)
    assert len(long) == 30


def test_worldbank_header_on_another_row(tmp_path):
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, worldbank_cells(title_rows=4))
    assert_gms_block(data.read_worldbank_matrix(path, 2013))


def test_worldbank_notes_sheet_placed_first(tmp_path):
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, worldbank_cells(), notes_first=True)
    assert_gms_block(data.read_worldbank_matrix(path, 2013))


def test_worldbank_semicolon_csv_with_european_thousands(tmp_path):
    path = tmp_path / "matrix.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        for row in worldbank_cells():
            writer.writerow([f"{v:,}".replace(",", ".") if isinstance(v, int) else v for v in row])
    assert "1.892.480" in path.read_text()
    assert_gms_block(data.read_worldbank_matrix(path, 2013))


def test_worldbank_matrix_without_a_study_economy_is_an_error(tmp_path):
    # MADE-UP names and figures: nothing of the 15 economies, so the table would be empty
    path = tmp_path / "matrix.csv"
    path.write_text(f"Title\n{WB_CORNER},Atlantis,Lemuria,World\nAtlantis,0,5,5\nLemuria,7,0,7\n")
    with pytest.raises(SchemaError, match="no pair of the 15 economies"):
        data.read_worldbank_matrix(path, 2013)
    assert len(data.read_worldbank_matrix(path, 2013, keep_all=True)) == 4


def test_worldbank_world_totals_are_checked(tmp_path):
    cells = worldbank_cells()
    cells[2 + 3][5] += 1000  # MADE-UP: Myanmar -> Thailand typed 1,000 too high
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, cells)
    with pytest.raises(DataError, match="disagrees with the sum") as info:
        data.read_worldbank_matrix(path, 2013)
    assert info.value.row in (6, 9)  # the Myanmar row's World cell or the World row


@pytest.mark.parametrize("cell, reason", [(-3, "negative"), ("n.a.x", "is not a count")])
def test_worldbank_bad_counts_are_located(tmp_path, cell, reason):
    cells = worldbank_cells(world=False)
    cells[2][3] = cell  # MADE-UP bad cell: Cambodia -> Lao PDR
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, cells)
    with pytest.raises(DataError, match=reason) as info:
        data.read_worldbank_matrix(path, 2013)
    assert info.value.row == 3 and info.value.column == "Lao PDR"
    assert "cell D3" in str(info.value)


def test_worldbank_stated_year_and_duplicate_sources(tmp_path):
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, worldbank_cells())
    with pytest.raises(DataError, match=r"states the year\(s\) \[2013\].*pass year=2013"):
        data.read_worldbank_matrix(path, 2017)
    cells = worldbank_cells(world=False)
    cells.insert(4, list(cells[2]))  # Cambodia twice
    write_worldbank_xlsx(path, cells)
    with pytest.raises(SchemaError, match="'Cambodia' is also on row 3"):
        data.read_worldbank_matrix(path, 2013)


# --- UNHCR -----------------------------------------------------------------------------------

UNHCR_HEADER = ("Year,Country of origin,Country of origin (ISO),Country of asylum,"
                "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers")
UNHCR_PREAMBLE = "\n".join(["UNHCR Refugee Data Finder", "Extracted data"] + [""] * 12)
#: Real figures (UNHCR population statistics, refugees data package 2025.12.1, as in
#: ../shared/reference/unhcr_population_asia.csv): refugees and asylum-seekers from Myanmar.
UNHCR_ROWS = [
    '2020,Myanmar,MMR,Thailand,THA,"91,805",0',
    '2020,Myanmar,MMR,Malaysia,MYS,"119,578","34,459"',
    '2024,Myanmar,MMR,Bangladesh,BGD,"1,005,561",35',
]


def unhcr_file(tmp_path, rows, *, extra="", encoding="utf-8", header=UNHCR_HEADER):
    path = tmp_path / "population.csv"
    path.write_bytes((UNHCR_PREAMBLE + "\n" + header + "\n" + "\n".join(rows) + "\n"
                      + extra).encode(encoding))
    return path


def test_unhcr_thousands_separators(tmp_path):
    frame = data.read_unhcr_population(unhcr_file(tmp_path, UNHCR_ROWS))
    assert frame["refugees"].tolist() == [119578, 91805, 1005561]
    assert frame["asylum_seekers"].tolist() == [34459, 0, 35]


def test_unhcr_footnote_rows_are_skipped(tmp_path):
    notes = ("* Provisional figures, subject to change, as reported by governments, partners, "
             "and UNHCR offices, in the countries, concerned\n"
             "Source: UNHCR Refugee Data Finder\n")
    frame = data.read_unhcr_population(unhcr_file(tmp_path, UNHCR_ROWS, extra=notes))
    assert frame["refugees"].tolist() == [119578, 91805, 1005561]


def test_unhcr_year_with_a_footnote_mark(tmp_path):
    rows = UNHCR_ROWS[:2] + ['2024*,Myanmar,MMR,Bangladesh,BGD,"1,005,561",35']
    frame = data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert frame["year"].tolist() == [2020, 2020, 2024]


def test_unhcr_latin1_file(tmp_path):
    # MADE-UP row with an accented name, saved in Latin-1 as a spreadsheet program might
    rows = UNHCR_ROWS + ["2024,Myanmar,MMR,Côte d'Ivoire,CIV,3,-"]
    path = unhcr_file(tmp_path, rows, encoding="latin-1")
    frame = data.read_unhcr_population(path)
    assert "Côte d'Ivoire" in set(frame["asylum_name"])
    assert frame.set_index("asylum")["refugees"].to_dict()["CIV"] == 3
    with pytest.raises(DataError, match="not valid utf-8") as info:
        data.read_unhcr_population(path, encoding="utf-8")
    assert info.value.row == 15 + len(rows)


def test_unhcr_semicolon_export(tmp_path):
    rows = [r.replace(",", ";").replace('"', "") for r in
            ["2020,Myanmar,MMR,Thailand,THA,91805,0", "2024,Myanmar,MMR,Thailand,THA,81005,0"]]
    path = unhcr_file(tmp_path, rows, header=UNHCR_HEADER.replace(",", ";"))
    assert data.read_unhcr_population(path)["refugees"].tolist() == [91805, 81005]


def test_unhcr_bad_counts_duplicates_and_shifted_columns_are_located(tmp_path):
    # MADE-UP: a negative count on line 18
    rows = UNHCR_ROWS[:2] + ["2024,Myanmar,MMR,Bangladesh,BGD,-35,0"]
    with pytest.raises(DataError, match="negative") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert info.value.row == 18 and info.value.column == "refugees"
    with pytest.raises(DataError, match="also on line 16") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, UNHCR_ROWS + [UNHCR_ROWS[0]]))
    assert info.value.row == 19
    # a name with an unquoted comma shifts every later field
    shifted = UNHCR_ROWS + ["2024,Myanmar,MMR,Korea, Rep. of,KOR,5,0"]
    with pytest.raises(SchemaError, match="beyond the header's 7 columns") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, shifted))
    assert info.value.row == 19
    shifted = UNHCR_ROWS + ["2024,Myanmar,MMR,Korea, Rep. of,KOR,5"]
    with pytest.raises(SchemaError, match="'Rep. of' is not an ISO3 code") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, shifted))
    assert info.value.row == 19 and info.value.column == "asylum"


def test_unhcr_counts_without_a_year_are_refused(tmp_path):
    rows = UNHCR_ROWS + [',Myanmar,MMR,Thailand,THA,0,"81,005"']  # MADE-UP: year left blank
    with pytest.raises(SchemaError, match="holds counts but its year cell is 'blank'") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert info.value.row == 19 and info.value.column == "year"


def test_unhcr_total_row_is_checked(tmp_path):
    total = 91805 + 119578 + 1005561
    good = unhcr_file(tmp_path, UNHCR_ROWS + [f'Total,,,,,"{total:,}",{34459 + 35}'])
    assert len(data.read_unhcr_population(good)) == 3
    bad = unhcr_file(tmp_path, UNHCR_ROWS + [f'Total,,,,,"{total + 100:,}",{34459 + 35}'])
    with pytest.raises(DataError, match="disagrees with the sum"):
        data.read_unhcr_population(bad)


# --- the one number parser -------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**13), st.sampled_from(["", "*", "**", "\u2020"]))
def test_count_parser_reads_every_publisher_format(n, mark):
    assert _parse_count(n) == n
    assert _parse_count(float(n)) == n
    assert _parse_count(f"{n:,}{mark}") == n
    assert _parse_count(f" {n:,}".replace(",", "\u00a0") + mark) == n
    assert _parse_count(f"{n:,}".replace(",", "."), decimal=",") == n
    assert _parse_count(f"{n}.0") == n


@given(st.integers(min_value=1, max_value=10**13))
def test_count_parser_refuses_negative_counts(n):
    for cell in (-n, f"-{n:,}", f"\u2212{n}", float(-n)):
        with pytest.raises(DataError, match="negative"):
            _parse_count(cell)


def test_count_parser_missing_marks_and_refusals():
    assert [_parse_count(v) for v in ("..", "-", "*", "", " ", "\u2026", None, float("nan"))] \
        == [None] * 8
    for cell in ("1,10", "1.104", "12 345 67", "1e3", "ten", float("inf"), "1,104.5"):
        with pytest.raises(DataError):
            _parse_count(cell)


# ---------------------------------------------------------------------------------------------
# Issue 8, item 4, hostile review of the readers: formula cells without a stored value, the
# ambiguous ".000", UNHCR column/row/key faults, exact totals, and error attributes. Every value
# below that is not one of the real figures above is MADE-UP and marked where it is set.
# ---------------------------------------------------------------------------------------------

NO_VALUE = "formula without a stored value; open and save the file in Excel or LibreOffice"


def store_formula_values(path, values):
    """Give formula cells a stored value, as a spreadsheet program does when it saves the file.

    openpyxl writes ``<f>...</f><v></v>`` (no value); ``values`` maps a formula text (without
    ``=``) to the value to store in its ``<v>``.
    """
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, content in members.items():
        if name.startswith("xl/worksheets/sheet"):
            for formula, value in values.items():
                content = content.replace(f"<f>{formula}</f><v></v>".encode(),
                                          f"<f>{formula}</f><v>{value}</v>".encode())
            members[name] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@pytest.mark.parametrize("slot", [("total", 2015), ("male", 2015), ("female", 1990)])
def test_undesa_formula_without_stored_value_is_a_located_error(tmp_path, slot):
    values = dict(MMR_IN_THA)
    values[slot] = "=1000+1"  # MADE-UP formula in place of the real figure, never computed
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match=NO_VALUE) as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    error = info.value
    assert error.row == header + 1 and error.sheet == "Table 1"
    assert error.column == str(slot[1]) and "'=1000+1'" in str(error)


def test_undesa_formula_with_a_stored_value_is_read(tmp_path):
    values = dict(MMR_IN_THA)
    values[("total", 2015)] = "=773816+655935"  # the real male + female, as a formula
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    store_formula_values(path, {"773816+655935": 1429751})  # as Excel saves it
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert stock_of(long, "total", 2015) == 1429751


def test_undesa_missing_total_beside_its_parts_is_refused(tmp_path):
    values = dict(MMR_IN_THA)
    values[("total", 2005)] = ".."  # MADE-UP: the real 696,293 lost, males and females kept
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match="both sexes is missing for 2005") as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    assert info.value.row == header + 1 and info.value.column == "2005 (total)"
    # a total missing with its parts missing too stays missing (real files have such rows)
    values[("male", 2005)] = values[("female", 2005)] = ".."
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    long = data.read_undesa_bilateral_workbook(path, edition=2024)
    assert pd.isna(stock_of(long, "total", 2005))


def test_undesa_one_sex_may_not_exceed_both_sexes(tmp_path):
    values = dict(MMR_IN_THA)
    values[("female", 2000)] = "-"  # MADE-UP: females missing, males 72,288 kept
    values[("total", 2000)] = 72288 - 1  # MADE-UP: below the males alone
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match="males 72,288 .*exceed both sexes = 72,287"):
        data.read_undesa_bilateral_workbook(path, edition=2024)


def test_undesa_males_plus_females_must_match_exactly(tmp_path):
    # off by one person: inside the old tolerance of 1, outside the exact rule
    values = dict(MMR_IN_THA)
    values[("total", 2020)] = 853579 + 722738 + 1  # MADE-UP: the real 1,576,317 plus one
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match="= 1,576,317, but both sexes = 1,576,318"):
        data.read_undesa_bilateral_workbook(path, edition=2024)


def test_worldbank_formula_without_stored_value_is_a_located_error(tmp_path):
    cells = worldbank_cells()
    cells[2 + 3][5] = "=1892480"  # MADE-UP: Myanmar -> Thailand as a never-computed formula
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, cells)
    with pytest.raises(DataError, match=NO_VALUE) as info:
        data.read_worldbank_matrix(path, 2013)
    assert info.value.row == 6 and info.value.column == "Thailand"
    assert info.value.sheet == "Bilateral Migration 2013" and "cell F6" in str(info.value)
    # the same cell with the value stored, as a spreadsheet program saves it, is read
    store_formula_values(path, {"1892480": 1892480})
    assert_gms_block(data.read_worldbank_matrix(path, 2013))


def test_unhcr_workbook_formula_without_stored_value_is_a_located_error(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "population"
    sheet.append(UNHCR_HEADER.split(","))
    sheet.append([2020, "Myanmar", "MMR", "Thailand", "THA", 91805, 0])
    sheet.append([2020, "Myanmar", "MMR", "Malaysia", "MYS", "=119578", 34459])  # MADE-UP formula
    path = tmp_path / "population.xlsx"
    book.save(path)
    with pytest.raises(DataError, match=NO_VALUE) as info:
        data.read_unhcr_population(path)
    assert (info.value.row, info.value.column, info.value.sheet) == (
        3, "Refugees under UNHCR's mandate", "population")


# --- the ambiguous ".000" ----------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_count_parser_refuses_a_three_digit_decimal_part_as_ambiguous(n, fraction):
    # n.fff reads as n + fff/1000 (decimal mark) or n * 1000 + fff (thousands separator)
    grouped = n * 1000 + fraction
    for decimal in (".", ","):
        cell = f"{n}{decimal}{fraction:03d}"
        with pytest.raises(DataError, match="ambiguous") as info:
            _parse_count(cell, decimal=decimal)
        assert f"{grouped:,}" in str(info.value)


def test_count_parser_reads_a_decimal_part_the_cell_itself_settles():
    assert _parse_count("1,234.000") == 1234  # ',' groups thousands, so '.000' is a fraction
    assert _parse_count("1234.000") == 1234  # four digits cannot open a thousands group
    assert _parse_count("0.000") == 0
    assert _parse_count("12.0") == 12 and _parse_count("12.00") == 12
    assert _parse_count("1.234,000", decimal=",") == 1234
    assert _parse_count("12.000", decimal=",") == 12000  # '.' groups thousands in this file
    for cell in ("12.5", "12.50", "1,234.500"):
        with pytest.raises(DataError, match="not a whole"):
            _parse_count(cell)


def test_unhcr_count_with_dot_thousands_is_refused_not_read_1000_times_too_small(tmp_path):
    # MADE-UP: the real 91,805 exported with '.' between thousands in a comma-separated file
    rows = ['2020,Myanmar,MMR,Thailand,THA,91.805,0'] + UNHCR_ROWS[1:]
    with pytest.raises(DataError, match="ambiguous.*91,805") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert info.value.row == 16 and info.value.column == "refugees"
    assert "without separators (91805 or 91)" in str(info.value)


def test_undesa_text_count_with_dot_thousands_is_refused(tmp_path):
    values = dict(MMR_IN_THA)
    values[("total", 1990)] = "1.106"  # MADE-UP spelling of the real 1,106
    path = tmp_path / "ims2024.xlsx"
    write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError, match="ambiguous"):
        data.read_undesa_bilateral_workbook(path, edition=2024)


def test_semicolon_file_with_a_comma_decimal_part_of_three_digits_is_refused(tmp_path):
    # in a ';'-separated file ',' is the decimal mark: '1,652' is 1.652 or 1,652
    path = tmp_path / "matrix.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        for row in worldbank_cells(world=False):
            writer.writerow([f"{v:,}" if isinstance(v, int) else v for v in row])
    with pytest.raises(DataError, match="ambiguous"):
        data.read_worldbank_matrix(path, 2013)


# --- UNHCR columns, rows and keys ---------------------------------------------------------------


def test_unhcr_repeated_column_label_is_refused(tmp_path):
    header = UNHCR_HEADER + ",Refugees under UNHCR's mandate"
    rows = [r + ",0" for r in UNHCR_ROWS]  # MADE-UP second refugees column
    with pytest.raises(SchemaError, match="Refugees under UNHCR's mandate.? appears twice "
                                          "in the header \\(field 6 and field 8\\)") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows, header=header))
    assert info.value.row == 15 and info.value.sheet is None


def test_unhcr_truncated_row_is_refused(tmp_path):
    # MADE-UP: the Bangladesh row lost its last field (asylum-seekers) in an export
    rows = UNHCR_ROWS[:2] + ['2024,Myanmar,MMR,Bangladesh,BGD,"1,005,561"']
    with pytest.raises(SchemaError, match="6 fields but the header has 7: the row is "
                                          "truncated") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert info.value.row == 18 and info.value.column == "Asylum-seekers"
    # an empty last field is a missing count, not a truncated row
    rows = UNHCR_ROWS[:2] + ['2024,Myanmar,MMR,Bangladesh,BGD,"1,005,561",']
    frame = data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert frame["asylum_seekers"].isna().sum() == 1


def test_worldbank_truncated_csv_row_is_refused(tmp_path):
    cells = worldbank_cells(world=False)
    cells[2 + 3] = cells[2 + 3][:-1]  # MADE-UP: the Myanmar row lost its last field (Vietnam)
    path = tmp_path / "matrix.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(cells)
    with pytest.raises(SchemaError, match="truncated") as info:
        data.read_worldbank_matrix(path, 2013)
    assert info.value.row == 6 and info.value.column == "Vietnam"


@pytest.mark.parametrize("row, column", [
    ('2024,Myanmar,,Bangladesh,BGD,"1,005,561",35', "orig"),
    ('2024,Myanmar,MMR,Bangladesh,,"1,005,561",35', "asylum"),
    ('2024,Myanmar,MMR,Bangladesh,-,"1,005,561",35', "asylum"),
])
def test_unhcr_blank_iso3_is_refused(tmp_path, row, column):
    rows = UNHCR_ROWS[:2] + [row]  # MADE-UP: an ISO3 code left blank
    with pytest.raises(SchemaError, match="ISO3 cell is") as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    assert info.value.row == 18 and info.value.column == column


# --- totals are exact -----------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=300),
       st.integers(min_value=-3, max_value=3))
def test_totals_of_whole_counts_must_match_exactly_whatever_the_number_of_parts(parts, gap):
    from mixedmig.data.readers import _check_total

    total = sum(parts) + gap  # the sum worked here, independently of the reader
    assert (_check_total(parts, total) is None) == (gap == 0)


def test_unhcr_total_row_off_by_one_is_refused(tmp_path):
    total = 91805 + 119578 + 1005561
    bad = unhcr_file(tmp_path, UNHCR_ROWS + [f'Total,,,,,"{total + 1:,}",{34459 + 35}'])
    with pytest.raises(DataError, match="disagrees with the sum") as info:
        data.read_unhcr_population(bad)
    assert info.value.row == 19 and info.value.column == "refugees"


def test_worldbank_world_total_off_by_one_is_refused(tmp_path):
    cells = worldbank_cells()
    cells[-4][1] += 1  # MADE-UP: the World row's Cambodia cell one person too high
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, cells)
    with pytest.raises(DataError, match="disagrees with the sum") as info:
        data.read_worldbank_matrix(path, 2013)
    assert info.value.row == 9 and info.value.column == "Cambodia"


def test_worldbank_unrounded_stored_values_are_checked_before_rounding(tmp_path):
    # MADE-UP unrounded estimates: each rounds down, their sum does not (0.4 * 6 = 2.4)
    cells = worldbank_cells()
    for r in range(2, 8):
        for c in range(1, 7):
            cells[r][c] = cells[r][c] + 0.4 if cells[r][c] else 0
        cells[r][7] = sum(cells[r][1:7])
    del cells[8]  # no World row: the World column holds the row totals checked here
    path = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(path, cells)
    long = data.read_worldbank_matrix(path, 2013)
    assert long.set_index(["orig", "dest"])["migrants"][("MMR", "THA")] == 1892480
    cells[4][7] += 1.0  # MADE-UP: the Lao PDR row's World one person too high
    write_worldbank_xlsx(path, cells)
    with pytest.raises(DataError, match="disagrees with the sum"):
        data.read_worldbank_matrix(path, 2013)


# --- where an error is ----------------------------------------------------------------------------


def test_workbook_errors_carry_the_sheet_and_say_row(tmp_path):
    values = dict(MMR_IN_THA)
    values[("male", 2000)] = "12x"  # MADE-UP bad cell
    path = tmp_path / "ims2024.xlsx"
    header = write_undesa_workbook(path, [("Thailand*", 764, "Myanmar", 104, values)])
    with pytest.raises(DataError) as info:
        data.read_undesa_bilateral_workbook(path, edition=2024)
    error = info.value
    assert (error.sheet, error.row, error.column) == ("Table 1", header + 1, "2000 (male)")
    assert error.path == str(path)
    assert f"row {header + 1}" in str(error) and "line" not in str(error)
    with pytest.raises(SchemaError) as info:
        data.read_undesa_bilateral_workbook(path, edition=2024, header_row=5)
    assert info.value.sheet == "Table 1" and info.value.row == 5
    assert "row 5" in str(info.value) and "line" not in str(info.value)
    cells = worldbank_cells(world=False)
    cells.insert(4, list(cells[2]))  # MADE-UP: Cambodia twice
    matrix = tmp_path / "matrix.xlsx"
    write_worldbank_xlsx(matrix, cells)
    with pytest.raises(SchemaError) as info:
        data.read_worldbank_matrix(matrix, 2013)
    assert info.value.sheet == "Bilateral Migration 2013" and info.value.row == 5
    assert "row 5" in str(info.value) and "line" not in str(info.value)


def test_text_file_errors_have_no_sheet_and_say_line(tmp_path):
    rows = UNHCR_ROWS[:2] + ["2024,Myanmar,MMR,Bangladesh,BGD,12x,0"]  # MADE-UP bad count
    with pytest.raises(DataError) as info:
        data.read_unhcr_population(unhcr_file(tmp_path, rows))
    error = info.value
    assert (error.sheet, error.row, error.column) == (None, 18, "refugees")
    assert "line 18, field 6, column 'refugees'" in str(error)


# --------------------------------------------------------------------------- UN DESA 2017/2019 (wide)

REFERENCE = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "reference" / (
    "undesa_ims_bilateral_asia.csv")
WIDE_KEYS = ["Year", "Sort\norder", "Major area, region, country or area of destination",
             "Notes", "Code", "Type of data (a)"]


def write_undesa_wide(path, edition, origins, rows, *, title=True, sheets=("Table 1", "Table 2",
                                                                           "Table 3")):
    """A workbook in the legacy 2017/2019 destination x origin layout (CONTENTS, Tables 1-3,
    ANNEX, NOTES; title block; key labels on row 15 merged down to row 16; origin names on
    row 16 after Total, Other North, Other South; data from row 17).

    ``rows``: (year, destination name, code, totals, males) with one value per origin; a value
    given as text ('..', '-', bad cells) is written as is in all three tables; females are
    totals - males. Total = the sum of the numeric origins; Other North / South = '..'.
    """
    book = openpyxl.Workbook()
    book.active.title = "CONTENTS"
    for k, name in enumerate(sheets):
        sheet = book.create_sheet(name)
        if title:
            sheet["A1"] = "United Nations, Department of Economic and Social Affairs"
            sheet["A6"] = (f"International migrant stock {edition}: by destination and origin "
                           "(MADE-UP TEST VALUES)")
        for col, label in enumerate(WIDE_KEYS, start=1):
            sheet.cell(row=15, column=col, value=label)
            sheet.merge_cells(start_row=15, start_column=col, end_row=16, end_column=col)
        sheet.cell(row=15, column=10, value="Country or area of origin")
        for col, label in enumerate(["Total", "Other North", "Other South", *origins], start=7):
            sheet.cell(row=16, column=col, value=label)
        for n, (year, dname, code, totals, males) in enumerate(rows, start=1):
            values = []
            for t, m in zip(totals, males):
                if isinstance(t, str):
                    values.append(t)
                else:
                    values.append((t, m, t - m)[k])
            numeric = [v for v in values if not isinstance(v, str)]
            sheet.append([year, n, dname, None, code, "B", sum(numeric), "..", "..", *values])
    book.create_sheet("ANNEX")["A16"] = "Index"
    book.create_sheet("NOTES")["A1"] = "NOTES"
    book.save(path)
    return path


def reference_total(edition, year, dest, orig):
    frame = pd.read_csv(REFERENCE)
    row = frame[(frame["edition"] == edition) & (frame["year"] == year)
                & (frame["dest_iso3"] == dest) & (frame["orig_iso3"] == orig)]
    assert len(row) == 1
    return int(row["stock_total"].iloc[0])


WIDE_ORIGINS = ["Cambodia", "Lao People's Democratic Republic", "Myanmar*", "Thailand", "India"]


def wide_2019_rows():
    """Totals of Cambodia, Lao PDR and Myanmar-born in Thailand and Myanmar-born in Malaysia,
    1990 and 2019, are the published 2019-edition figures (../shared/reference); India's
    column, the aggregate rows and every male figure are MADE-UP test values."""
    rows = []
    for year in (1990, 2019):
        tha = [reference_total(2019, year, "THA", o) for o in ("KHM", "LAO", "MMR")]
        mys_mmr = reference_total(2019, year, "MYS", "MMR")
        rows += [
            (year, "WORLD", 900, [9, 9, 9, 9, 9], [4, 4, 4, 4, 4]),  # made-up
            (year, "South-Eastern Asia", 920, [8, 8, 8, 8, 8], [3, 3, 3, 3, 3]),  # made-up
            (year, "Thailand", 764, tha + [5, 7], [v // 2 for v in tha] + [2, 3]),
            (year, "Malaysia", 458, ["-", "..", mys_mmr, 11, 13],
             ["-", "..", mys_mmr // 3, 5, 6]),
        ]
    return rows


def test_undesa_wide_2019_reads_the_published_totals_and_three_sexes(tmp_path):
    path = write_undesa_wide(tmp_path / "UN_MigrantStockByOriginAndDestination_2019.xlsx", 2019,
                             WIDE_ORIGINS, wide_2019_rows())
    long = data.read_undesa_bilateral_wide_workbook(path)
    assert list(long.columns) == ["edition", "year", "sex", "orig", "dest", "stock"]
    assert set(long["edition"]) == {2019} and set(long["year"]) == {1990, 2019}
    # the 15 study economies only: India's column, WORLD and the region rows are dropped;
    # Thailand -> Thailand (self-pair) is dropped
    assert set(zip(long["orig"], long["dest"])) == {
        ("KHM", "THA"), ("LAO", "THA"), ("MMR", "THA"), ("KHM", "MYS"), ("LAO", "MYS"),
        ("MMR", "MYS"), ("THA", "MYS")}
    by = long.set_index(["year", "sex", "orig", "dest"])["stock"]
    assert by[(2019, "total", "MMR", "THA")] == 1858735  # published, 2019 edition
    assert by[(1990, "total", "MMR", "THA")] == 229504
    assert by[(2019, "total", "LAO", "THA")] == 934936
    assert by[(1990, "total", "KHM", "THA")] == 73756
    assert by[(2019, "total", "MMR", "MYS")] == 345947
    # males + females = both sexes for every pair and year
    wide = long.pivot_table(index=["year", "orig", "dest"], columns="sex", values="stock",
                            aggfunc="first")
    known = wide.dropna()
    assert len(known) == 10
    assert (known["male"] + known["female"] == known["total"]).all()
    # '-' and '..' stay missing in all three sexes
    for orig in ("KHM", "LAO"):
        for sex in ("total", "male", "female"):
            assert pd.isna(by[(2019, sex, orig, "MYS")])
    # every reference row of the pairs read agrees with the reader (2019 edition, totals)
    ref = pd.read_csv(REFERENCE)
    ref = ref[(ref["edition"] == 2019) & ref["year"].isin([1990, 2019])
              & ref["dest_iso3"].eq("THA") & ref["orig_iso3"].isin(["KHM", "LAO", "MMR"])]
    for _, r in ref.iterrows():
        assert by[(r["year"], "total", r["orig_iso3"], "THA")] == r["stock_total"]
    # keep_all keeps India and the Thailand column as an origin of Malaysia
    every = data.read_undesa_bilateral_wide_workbook(path, edition=2019, keep_all=True)
    assert ("IND", "THA") in set(zip(every["orig"], every["dest"]))
    # the 2020/2024 entry point hands the wide editions to this reader
    assert data.read_undesa_bilateral_workbook(path, edition=2019).equals(long)


def test_undesa_wide_2017_edition_from_title_years_or_name(tmp_path):
    lao, mmr = (reference_total(2017, 2017, "THA", o) for o in ("LAO", "MMR"))
    rows = [(2017, "Thailand", 764, [lao, mmr], [400000, 900000])]  # males made-up
    titled = write_undesa_wide(tmp_path / "stocks.xlsx", 2017, ["Lao PDR", "Myanmar"], rows)
    long = data.read_undesa_bilateral_wide_workbook(titled)
    assert set(long["edition"]) == {2017}
    assert long.set_index(["sex", "orig"])["stock"][("total", "MMR")] == 1835106
    # from the years alone (no title block, a name without a year)
    untitled = write_undesa_wide(tmp_path / "plain.xlsx", 2017, ["Lao PDR", "Myanmar"], rows,
                                 title=False)
    assert set(data.read_undesa_bilateral_wide_workbook(untitled)["edition"]) == {2017}
    # only 1990 rows: neither the title nor the years tell; the file name does
    early = [(1990, "Thailand", 764, [1, 2], [0, 1])]  # made-up
    named = write_undesa_wide(tmp_path / "UN_MigrantStockByOriginAndDestination_2017.xlsx",
                              2017, ["Lao PDR", "Myanmar"], early, title=False)
    assert set(data.read_undesa_bilateral_wide_workbook(named)["edition"]) == {2017}
    unnamed = write_undesa_wide(tmp_path / "x.xlsx", 2017, ["Lao PDR", "Myanmar"], early,
                                title=False)
    with pytest.raises(InputError, match="cannot tell the edition.*edition=2019"):
        data.read_undesa_bilateral_wide_workbook(unnamed)
    # the argument must agree with the title and with the years
    with pytest.raises(DataError, match=r"sheet 'Table 1', cell A6, row 6: .*states it is the "
                                        r"2017 edition.*pass edition=2017"):
        data.read_undesa_bilateral_wide_workbook(titled, edition=2019)
    with pytest.raises(DataError, match=r"cell A17, row 17, column 'Year'.*2017.*pass "
                                        r"edition=2017"):
        data.read_undesa_bilateral_wide_workbook(untitled, edition=2019)
    with pytest.raises(InputError, match="not supported by the wide reader"):
        data.read_undesa_bilateral_wide_workbook(titled, edition=2020)


def test_undesa_wide_problems_are_located(tmp_path):
    origins = ["Myanmar", "Lao People's Democratic Republic"]
    good = [(2019, "Thailand", 764, [10, 20], [4, 5])]  # made-up test values
    # a bad cell (MADE-UP 'n/a'), located in every table it is in
    bad = write_undesa_wide(tmp_path / "bad.xlsx", 2019, origins,
                            [(2019, "Thailand", 764, [10, "n/a"], [4, "n/a"])])
    with pytest.raises(DataError) as info:
        data.read_undesa_bilateral_wide_workbook(bad)
    err = info.value
    assert (err.sheet, err.row) == ("Table 1", 17)
    assert err.column == "Lao People's Democratic Republic (2019)"
    assert "cell K17" in str(err) and "bad.xlsx" in str(err)
    # males + females != both sexes (MADE-UP corrupted female cell)
    path = write_undesa_wide(tmp_path / "sum.xlsx", 2019, origins, good)
    book = openpyxl.load_workbook(path)
    book["Table 3"]["J17"] = 7
    book.save(path)
    with pytest.raises(DataError, match=r"sheet 'Table 1', cell J17, row 17, column "
                                        r"'Myanmar \(2019\)': males 4 .*females 7"):
        data.read_undesa_bilateral_wide_workbook(path)
    # a destination twice in a year
    dup = write_undesa_wide(tmp_path / "dup.xlsx", 2019, origins, good + good)
    with pytest.raises(DataError, match=r"cell E18, row 18.*also on row 17"):
        data.read_undesa_bilateral_wide_workbook(dup)
    # a year of no wide edition (MADE-UP row)
    odd = write_undesa_wide(tmp_path / "odd.xlsx", 2019, origins,
                            [(2018, "Thailand", 764, [1, 2], [0, 1])])
    with pytest.raises(DataError, match=r"cell A17.*year 2018 is not a year of the 2019"):
        data.read_undesa_bilateral_wide_workbook(odd)
    # a row of counts without its code
    blank = write_undesa_wide(tmp_path / "blank.xlsx", 2019, origins,
                              [(2019, "Thailand", None, [1, 2], [0, 1])])
    with pytest.raises(SchemaError, match=r"cell E17, row 17, column 'Code'.*blank"):
        data.read_undesa_bilateral_wide_workbook(blank)
    # a missing sex table
    short = write_undesa_wide(tmp_path / "short.xlsx", 2019, origins, good,
                              sheets=("Table 1", "Table 2"))
    with pytest.raises(DataError, match=r"no sheet 'Table 3'"):
        data.read_undesa_bilateral_wide_workbook(short)
    # an origin heading two columns
    twice = write_undesa_wide(tmp_path / "twice.xlsx", 2019, ["Myanmar", "Myanmar*"],
                              good)
    with pytest.raises(SchemaError, match=r"origin 'Myanmar\*?' heads two columns, J and K"):
        data.read_undesa_bilateral_wide_workbook(twice)
    # the 2020/2024 reader on the wide file says where to go for other editions
    with pytest.raises(InputError, match="read_undesa_bilateral_wide_workbook"):
        data.read_undesa_bilateral_workbook(path, edition=2019, sheet="Table 2")
