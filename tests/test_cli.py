"""The ``mixedmig`` command on real-world CSVs (issue 8, item 5): every problem listed, one line
each, nothing from the file echoed raw to the terminal, every curated table checked.

All tables here are MADE-UP fixtures in a temporary data folder (MIXEDMIG_DATA).
"""

from __future__ import annotations

import pytest
from test_data_layer import GOOD_CSV, write_table

from mixedmig.cli import main

HEADER = "year,orig,dest,stock,note\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_DATA", str(tmp_path / "raw"))
    (tmp_path / "raw").mkdir()
    write_table(tmp_path / "raw", GOOD_CSV)
    return tmp_path


def test_validate_lists_every_problem_one_line_each(folder, capsys):
    own = folder / "mine.csv"
    own.write_text(HEADER + "2000,Vietnam,THA,1,\n2000,LAO,THA,1,\n2000,Laos,THA,2,\n")
    assert main(["validate", str(own), "--schema", "toy"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"mixedmig: error: file {own}, line 2, column 'orig': "
                             "unknown country code 'Vietnam'")
    assert err[1].startswith(f"mixedmig: error: file {own}, line 4, column 'orig': "
                             "unknown country code 'Laos'. did you mean 'LAO'?")
    assert err[2] == f"mixedmig: 2 problem(s) in {own}"


def test_validate_counts_problems_beyond_max_problems(folder, capsys):
    own = folder / "mine.csv"
    own.write_text(HEADER + "".join(f"2000,Lao{i},THA,{i},\n" for i in range(7)))
    assert main(["validate", str(own), "--schema", "toy", "--max-problems", "3"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4
    # the count names the option that lists the rest (a reviewer found no way to see them)
    assert err[-1] == (f"mixedmig: 7 problem(s) in {own}; the first 3 are listed, 4 more are "
                       "not (--max-problems 7 lists them all)")
    assert main(["validate", str(own), "--schema", "toy", "--max-problems", "7"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"mixedmig: 7 problem(s) in {own}"


def test_validate_never_echoes_control_characters(folder, capsys):
    own = folder / "mine\x1b[2J.csv"
    own.write_text(HEADER + "2000,\x1b[31mLAO,THA,1,\x1b]0;title\x07\n", encoding="utf-8")
    assert main(["validate", str(own), "--schema", "toy"]) == 2
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x07" not in stream
    assert "\\x1b[31mLAO" in captured.err and "mine\\x1b[2J.csv" in captured.err
    own.write_text(HEADER + "2000,LAO,THA,1,\n")
    assert main(["validate", str(own), "--schema", "toy"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "ok  " in out and "mine\\x1b[2J.csv" in out


def test_validate_without_file_checks_every_table_after_a_failure(folder, capsys):
    # "aaa" sorts first and fails; "toy" must still be checked and reported
    write_table(folder / "raw", HEADER + "1990,MMR,THA,-1,\n", name="aaa", schema=None)
    assert main(["validate"]) == 2
    captured = capsys.readouterr()
    assert "line 2, column 'stock': negative value -1" in captured.err
    assert "ok  toy (2 rows)" in captured.out
    assert "mixedmig: 1 table(s) failed" in captured.err


def test_validate_without_file_also_checks_the_imported_tables(folder, capsys, monkeypatch):
    import pandas as pd

    from mixedmig import data

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(folder / "imports"))
    # made-up stocks, saved as two imported tables; then one CSV is changed behind its manifest
    stocks = pd.DataFrame({"year": [2020], "orig": ["KHM"], "dest": ["THA"], "stock": [5]})
    data.save_imported(stocks, "mine_ok", kind="bilateral_stocks", source="made-up test table")
    path = data.save_imported(stocks, "mine_edited", kind="bilateral_stocks", source="made-up test table")
    path.write_text(path.read_text(encoding="utf-8").replace(",5", ",6"), encoding="utf-8")
    assert main(["validate"]) == 2
    captured = capsys.readouterr()
    assert "ok  toy (2 rows)" in captured.out
    assert "ok  mine_ok (1 rows, imported)" in captured.out
    assert "mine_edited" in captured.err and "mixedmig: 1 table(s) failed" in captured.err


def test_version_prints_the_package_version(capsys):
    import mixedmig

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"mixedmig {mixedmig.__version__}"


# -- schema kinds, imports and the terminal width (issue 9) ----------------------------------


def test_validate_accepts_a_2021_survey_with_india_against_a_kind(folder, capsys):
    own = folder / "survey.csv"  # made-up test values
    own.write_text("year,orig,dest,stock,edition\n2021,India,THA,1500,2021\n"
                   "2021,MMR,IND,20,2021\n")
    assert main(["validate", str(own), "--schema", "bilateral_stocks"]) == 0
    assert capsys.readouterr().out == (f"ok  {own} matches schema kind 'bilateral_stocks' "
                                       "(2 rows)\n")
    own.write_text("year,orig,dest,stock\n2021,World,THA,1\n2021,IND,IND,2\n")
    assert main(["validate", str(own), "--schema", "bilateral_stocks"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "line 2, column 'orig': 'World' is an aggregate" in err[0]
    assert "line 3, column 'dest': orig and dest are the same ('IND')" in err[1]
    assert err[2] == f"mixedmig: 2 problem(s) in {own}"


def test_validate_help_and_kinds_list_every_kind(capsys):
    from mixedmig import data

    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for option in (["validate", "--kinds"], ["list", "--kinds"]):
        assert main(option) == 0
        out = capsys.readouterr().out
        for kind in data.kind_names():
            assert f"\n{kind}: " in out
            assert kind in help_text


@pytest.mark.parametrize("columns", [40, 72])
def test_list_wraps_to_the_terminal_width(folder, capsys, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Curated tables (data/raw):\n  toy - 2 rows\n")
    assert "publisher: United Nations Department of Economic and Social Affairs" in " ".join(
        out.split())  # nothing lost in the wrapping
    assert max(len(line) for line in out.splitlines()) <= columns


def test_list_shows_imports_in_their_own_section(folder, capsys, monkeypatch):
    import pandas as pd

    from mixedmig import data

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(folder / "imports"))
    monkeypatch.setenv("COLUMNS", "200")
    survey = pd.DataFrame({"year": [2021], "orig": ["IND"], "dest": ["NPL"],
                           "stock": [5]})  # made-up test values
    data.save_imported(survey, "survey", kind="bilateral_stocks", source="made-up survey")
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    section = out.split("Imported tables")[1]
    assert str(folder / "imports") in section.splitlines()[0]
    assert "  survey - 1 rows - kind bilateral_stocks" in section
    assert "toy" not in section and "survey" not in out.split("Imported tables")[0]


# -- the new-user review ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["list", "--kinds"], ["fetch", "--list"]])
def test_a_closed_pipe_ends_the_command_quietly(command):
    # `mixedmig list | head -1`: the reader goes away before the command writes; the Python
    # docs' recipe: no traceback, no "Exception ignored", exit status 1
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "mixedmig.cli", *command],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # closed long before the interpreter has imported mixedmig
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1
    assert err == ""


def test_fetch_list_has_a_header_and_fits_the_terminal(capsys, monkeypatch):
    from mixedmig.data.fetch import registry_table

    table = registry_table()
    monkeypatch.setenv("COLUMNS", "400")
    assert main(["fetch", "--list"]) == 0
    wide = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(wide) if line.startswith("SOURCE"))
    assert wide[header].split() == ["SOURCE", "EDITION", "STATUS", "URL"]
    rows = [line.split() for line in wide[header + 1:] if not line.startswith(" ")]
    assert rows == [[r.source, r.edition, r.status, r.url]
                    for r in table.itertuples(index=False)]
    monkeypatch.setenv("COLUMNS", "72")
    assert main(["fetch", "--list"]) == 0
    narrow = capsys.readouterr().out.splitlines()
    urls = set(table["url"])
    # every line fits, except a URL, which stays whole on its own line (to be copied)
    assert all(len(line) <= 72 or line.strip() in urls for line in narrow)
    assert {line.strip() for line in narrow} >= urls
    header = next(i for i, line in enumerate(narrow) if line.startswith("SOURCE"))
    assert narrow[header].split() == ["SOURCE", "EDITION", "STATUS"]
    assert narrow[header + 1] == "    URL"


def test_validate_names_a_workbook_and_never_prints_its_bytes(tmp_path, capsys):
    import zipfile

    book = tmp_path / "survey.xlsx"  # the members an .xlsx holds; no values needed
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert main(["validate", str(book), "--schema", "bilateral_stocks"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"mixedmig: error: file {book}: this is an Excel workbook (.xlsx), not a CSV text "
        "file. Save it as CSV UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma "
        "delimited)'; in LibreOffice: File > Save As > 'Text CSV', character set 'Unicode "
        "(UTF-8)', field delimiter ',') and give that .csv file.")
    assert "PK" not in err and "not UTF-8" not in err and len(err.splitlines()) == 2


def test_validate_a_semicolon_file_names_the_separator(tmp_path, capsys):
    own = tmp_path / "survey.csv"  # made-up test values, as Excel saves them in many locales
    own.write_bytes(b"\xef\xbb\xbforig;dest;year;sex;stock;source\r\n"
                    b"MMR;THA;2020;total;1200;x\r\n")
    assert main(["validate", str(own), "--schema", "bilateral_stocks"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"mixedmig: error: file {own}, line 1: the file uses ';' "
                             "(semicolons) as separator, not commas")
    assert "Save it comma-separated (CSV UTF-8)" in err[0]
    assert err[1] == f"mixedmig: 1 problem(s) in {own}"


def test_validate_against_a_table_hints_at_its_kind(tmp_path, capsys):
    own = tmp_path / "survey.csv"  # made-up test values
    own.write_text("year,orig,dest,stock\n2020,MMR,THA,1200\n")
    assert main(["validate", str(own), "--schema", "undesa_ims_bilateral"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("mixedmig: hint: the file matches schema kind "
                              "'bilateral_stocks'")
    assert "mixedmig validate FILE --schema bilateral_stocks" in err[-1]
    assert main(["validate", str(own), "--schema", "bilateral_stocks"]) == 0


# -- a raw official file checked against a kind, a tidy file given to `mixedmig import` ----------


def test_validate_a_raw_unhcr_export_hints_at_the_import(tmp_path, capsys):
    from test_displacement_kind import api_export

    from mixedmig import data
    from mixedmig.errors import SchemaError

    path = api_export(tmp_path)  # real rows, the export's layout (preamble, Returned IDPss)
    assert main(["validate", str(path), "--schema", "displacement_stocks"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "mixedmig: hint: this looks like a UNHCR population export, not a table in the shape "
        "of kind 'displacement_stocks': import it with `mixedmig import unhcr_population "
        "population.csv` (Python: import_official('unhcr_population', path)), then load it by "
        "the name it prints")
    # the refugees-only import produces bilateral stocks; against the curated table's schema too
    assert main(["validate", str(path), "--schema", "bilateral_stocks"]) == 2
    assert "`mixedmig import unhcr_refugees population.csv`" in capsys.readouterr().err
    assert main(["validate", str(path), "--schema", "unhcr_refugees_gms"]) == 2
    assert "`mixedmig import unhcr_population population.csv`" in capsys.readouterr().err
    # no import of a UNHCR file produces population: no hint
    assert main(["validate", str(path), "--schema", "population"]) == 2
    assert "hint" not in capsys.readouterr().err
    # data.load by path carries the same hint
    with pytest.raises(SchemaError) as info:
        data.load(path, kind="displacement_stocks")
    assert "mixedmig import unhcr_population" in info.value.hint


def test_validate_a_raw_wdi_file_hints_at_the_import(tmp_path, capsys):
    from test_data_import import WDI_BULK

    path = tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2_1.csv"
    path.write_text(WDI_BULK)  # made-up values in the bulk layout
    assert main(["validate", str(path), "--schema", "country_covariates"]) == 2
    assert "`mixedmig import wdi API_SP.POP.TOTL_DS2_en_csv_v2_1.csv`" in \
        capsys.readouterr().err


def test_import_of_a_file_already_in_the_kinds_shape_says_how_to_load_it(tmp_path, capsys,
                                                                         monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    tidy = tmp_path / "tidy.csv"  # real row: line 8783 of unhcr_population_asia.csv
    tidy.write_text("year,orig,asylum,refugees,asylum_seekers,idps,returned_idps\n"
                    "2022,MMR,MMR,0,0,1504848,325206\n")
    assert main(["import", "unhcr_population", str(tidy)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s)" in err
    assert ("tidy.csv is already in the shape of schema kind 'displacement_stocks' (not an "
            "official unhcr_population file), so no import is needed: load it with "
            'data.load(path, kind="displacement_stocks")') in err
    assert "REFUGEES (notebook 08; profile)" in err
    assert main(["validate", str(tidy), "--schema", "displacement_stocks"]) == 0


def test_cli_import_reports_columns_not_read(tmp_path, capsys, monkeypatch):
    from test_displacement_kind import API_EXPORT_HEADER, API_EXPORT_ROWS, api_export

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    # MADE-UP extra column 'Notes' (empty cells) beside real rows
    path = api_export(tmp_path, header=API_EXPORT_HEADER + ",Notes",
                      rows=[r + "," for r in API_EXPORT_ROWS[:3]])
    assert main(["import", "unhcr_population", str(path), "--edition", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Columns not read: 'Notes'" in out
    assert "-p REFUGEES unhcr_population_2025" in out
