"""Notebooks 02 and 03 on a researcher's bilateral_stocks file without an ``edition`` column.

Such a file is analysed as one edition called "the undated edition" (the convention of notebook
01's validation cell): it is never labelled with an edition of another table, and the sections
that compare editions (02's sweep over SWEEP_EDITIONS, 03's edition-revision flags) say they do
not apply and are skipped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mixedmig import data
from mixedmig.notebook import run_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_full_system_notebook import _outputs  # noqa: E402  (one reader of run outputs)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_02 = ROOT / "notebooks" / "02-flows-from-stocks.ipynb"
NOTEBOOK_03 = ROOT / "notebooks" / "03-gravity-model.ipynb"




@pytest.fixture
def undated_file(tmp_path: Path) -> Path:
    # These are the SHIPPED 2024-edition UN DESA stocks relabelled as a user's file: the edition
    # column is dropped, so the file names no edition (test input, not a new data source).
    shipped = data.load("undesa_ims_bilateral")
    rows = shipped[shipped["edition"] == 2024].drop(columns=["edition"])
    path = tmp_path / "my_stocks.csv"
    rows.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("notebook", [NOTEBOOK_02, NOTEBOOK_03], ids=lambda p: p.stem[:2])
def test_file_without_editions_runs_as_the_undated_edition(notebook, undated_file, tmp_path):
    run = run_notebook(notebook, {"STOCKS": str(undated_file), "EDITION": None},
                       output_dir=tmp_path / "runs", timeout=900)
    text, errors = _outputs(run.notebook)
    assert not errors, errors
    assert "no edition given" in text
    assert "called 'the undated edition' below." in text  # EDITION = None: no "does not apply"
    assert "the undated edition" in text.replace("The undated edition", "the undated edition")
    # the file is never labelled with an edition of the shipped table
    assert not re.search(r"edition 20\d\d of \S*my_stocks", text)
    assert "my_stocks.csv edition 20" not in text
    assert "does not apply" in text  # the section comparing editions is skipped, and says so


def test_explicit_edition_on_an_undated_file_is_ignored_and_said(undated_file, tmp_path):
    # EDITION = 2024 (the default) names an edition the file does not have: the notebook says so
    run = run_notebook(NOTEBOOK_03, {"STOCKS": str(undated_file)},
                       output_dir=tmp_path / "runs", timeout=900)
    text, errors = _outputs(run.notebook)
    assert not errors, errors
    assert "EDITION = 2024 does not apply to it" in text


# -- every table input given as the path of a CSV file (data.load_as) ------------------------------

from test_ctdc_notebook_from_records import _texts  # noqa: E402  (one reader of cell texts)

#: Notebook -> {parameter: the shipped table it defaults to}. Each parameter is set to the path
#: of a copy of that table (outside the project, no manifest beside it).
TABLE_INPUTS = {
    "00-data-tour.ipynb": {"VICTIMS": "uniap_identified_victims"},
    "01-gms-migration-corridors.ipynb": {"TOTALS": "undesa_ims_totals"},
    "02-flows-from-stocks.ipynb": {"DISTANCES": "cepii_geodist"},
    "04-referral-mechanisms.ipynb": {"COMMIT": "commit_referrals", "VICTIMS": "uniap_identified_victims",
                                     "VICTIM_TOTALS": "uniap_identified_victims_totals",
                                     "REPATRIATIONS": "gms_repatriations"},
    "05-post-trafficking-pathways.ipynb": {"STEAM": "steam_cohort"},
    "06-trafficking-cases.ipynb": {"CORRIDOR_YEAR_TABLE": "ctdc_cases_corridor_year",
                                   "PROFILE_TABLE": "ctdc_cases_profile",
                                   "IDENTIFIED_VICTIMS_TABLE": "uniap_identified_victims",
                                   "REPATRIATIONS_TABLE": "gms_repatriations"},
    "07-fair-recruitment.ipynb": {"RECRUITMENT_TABLE": "recruitment_costs_gms",
                                  "THAILAND_TABLE": "thailand_migrant_workers"},
    "08-mixed-migration-corridors.ipynb": {
        "STOCKS": "undesa_ims_bilateral", "STOCKS_WORLD_BANK": "worldbank_bilateral_2013",
        "REFUGEES": "unhcr_refugees_gms", "THAI_WORKERS": "thailand_migrant_workers",
        "IDENTIFIED_VICTIMS": "uniap_identified_victims", "CTDC_CASES": "ctdc_cases_corridor_year",
        "REPATRIATIONS": "gms_repatriations", "CASE_TABLES": "gms_trafficking_cases",
        "RECRUITMENT": "recruitment_costs_gms"},
}


@pytest.mark.parametrize("name", sorted(TABLE_INPUTS), ids=lambda n: n[:2])
def test_csv_paths_in_place_of_the_shipped_tables_give_the_same_notebook(name, tmp_path):
    import shutil

    import nbformat

    folder = tmp_path / "my_files"
    folder.mkdir()
    parameters = {}
    for parameter, table in TABLE_INPUTS[name].items():
        parameters[parameter] = str(shutil.copy(data.data_dir() / f"{table}.csv", folder / f"my_{table}.csv"))
    parameters["PSA_SCHEDULER"] = "serial" if name.startswith("05") else None
    parameters = {k: v for k, v in parameters.items() if v is not None}
    notebook = ROOT / "notebooks" / name
    run = run_notebook(notebook, parameters, output_dir=tmp_path / "runs", timeout=900)
    fresh = [c for c in nbformat.read(run.notebook, as_version=4).cells
             if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    stored = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    paths = {parameters[p]: table for p, table in TABLE_INPUTS[name].items()}

    def named(cell):  # the texts of a fresh cell, each path written as the table it copies
        texts = _texts(cell)
        for path, table in paths.items():
            texts = [t.replace(path, table) for t in texts]
        return texts

    differences, provenance = [], 0
    for index, (a, b) in enumerate(zip(fresh, stored)):
        if named(a) == _texts(b):
            continue
        if "manifest" in b.source and any(w in "".join(_texts(a)) for w in ("of your own", "your table")):
            provenance += 1  # the provenance cell says the file is the user's
            continue
        if "PSA_SCHEDULER" in b.source:  # the PSA's engine line names where the chunks ran
            continue
        differences.append(f"code cell {index}:\n  with paths: {named(a)[:2]}\n  stored: {_texts(b)[:2]}")
    # the notebooks that print their inputs' manifests say, in that one cell, that a file is the user's
    assert provenance == (0 if name[:2] in ("02", "08") else 1)
    assert not differences, "\n".join(differences)
