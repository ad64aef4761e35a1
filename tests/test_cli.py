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
