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
    assert err[-1] == f"mixedmig: 7 problem(s) in {own}; the first 3 are listed, 4 more are not"


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
