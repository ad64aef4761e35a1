"""A researcher's own tables in the profiles' notebooks: ``mixedmig profile ISO3 -p NAME VALUE``
runs notebooks/profile.ipynb on them, and notebook 08 says which inputs are the user's.

The user's tables are real rows of UNHCR's population table (the shared reference extract,
``/work/shared/reference/unhcr_population_asia.csv``, UNHCR's R package 2025.12.1), read here with
pandas; the tests skip where that extract is not in the checkout.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mixedmig.cli import build_parser, main
from mixedmig.notebook import run_notebook

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "unhcr_population_asia.csv"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(),
                                     reason="shared/reference extract not in this checkout")
#: UNHCR's own country names and codes, beside the ISO3 columns the schema kind reads.
UNHCR_NAMES = ["coo_name", "coo", "coa_name", "coa"]


def _texts(path: Path) -> tuple[str, list]:
    """Every text output of an executed notebook, and its errors."""
    nb = nbformat.read(path, as_version=4)
    texts, errors = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{output['ename']}: {output['evalue']}")
            texts.append(output.get("text", ""))
            for kind in ("text/markdown", "text/plain", "text/html"):
                texts.append(output.get("data", {}).get(kind, ""))
    return "\n".join(texts), errors


def _reference(query: str) -> pd.DataFrame:
    ref = pd.read_csv(REFERENCE, keep_default_na=False, na_values=[""])
    return ref.query(query).reset_index(drop=True)


def test_profile_accepts_parameters_like_run():
    args = build_parser().parse_args(["profile", "BGD", "-p", "REFUGEES", "mine.csv",
                                      "-p", "TOP", "5"])
    assert args.iso3 == "BGD"
    assert args.parameters == [["REFUGEES", "mine.csv"], ["TOP", "5"]]


@pytest.mark.parametrize("name", ["ISO3", "FIGURES"])
def test_profile_refuses_the_parameters_it_sets_itself(name, tmp_path, capsys):
    status = main(["profile", "BGD", "-p", name, "x", "-o", str(tmp_path)])
    assert status == 2
    assert f"-p {name} cannot be given" in capsys.readouterr().err


@needs_reference
def test_mixedmig_profile_uses_the_researchers_unhcr_table(tmp_path, capsys):
    # every UNHCR row with Bangladesh as origin or asylum, in UNHCR's ISO3 columns: it holds the
    # stateless persons in Bangladesh (origin XXA), which the shipped GMS table does not
    rows = _reference("coo_iso == 'BGD' or coa_iso == 'BGD'")
    stateless = (rows[rows["coa_iso"] == "BGD"].groupby("year")["stateless"].sum())
    stateless = stateless[stateless > 0]
    xxa = rows.query("coo_iso == 'XXA' and coa_iso == 'BGD'").set_index("year")["stateless"]
    assert xxa.loc[2017:2021].min() > 850_000  # ~900,000 stateless persons, 2017-2021
    path = tmp_path / "unhcr_bgd.csv"
    rows.drop(columns=UNHCR_NAMES).to_csv(path, index=False)
    out = tmp_path / "profiles"
    status = main(["profile", "BGD", "-p", "REFUGEES", str(path), "-o", str(out)])
    assert status == 0, capsys.readouterr().err
    text, errors = _texts(out / "profile-BGD.ipynb")
    assert not errors, errors
    # the user's figures, from the user's table (the stateless table shows the last 10 years)
    last = stateless.index.max()
    assert f"In {last} UNHCR counts for Bangladesh: {stateless[last]:,} stateless" in text
    for year in stateless.index[-10:]:
        assert str(stateless[year]) in text
    # and the profile says whose table it is
    assert f"**Your data.** These inputs are your tables, not curated ones: `{path}` in place " \
           f"of `unhcr_refugees_gms`" in text
    assert f"Your table ({path}), read in place of unhcr_refugees_gms" in text
    assert "This is not Bangladesh's total" not in text  # the GMS-only note is the shipped one's
    assert "mid-year" not in text  # the user's export is read as end-year


@needs_reference
def test_notebook_08_says_which_inputs_are_the_users(tmp_path):
    rows = _reference("coo_iso == 'MMR' and coa_iso == 'BGD' and year <= 2023")
    path = tmp_path / "my_unhcr_export.csv"
    rows.drop(columns=UNHCR_NAMES).to_csv(path, index=False)
    run = run_notebook(ROOT / "notebooks" / "08-mixed-migration-corridors.ipynb",
                       {"ORIGIN": "MMR", "DESTINATION": "BGD", "REFUGEES": str(path)},
                       output_dir=tmp_path / "runs", timeout=900)
    text, errors = _texts(run.notebook)
    assert not errors, errors
    # caveats: the user's table named; references: UNHCR not cited for it, the others cited
    assert f"The profile holds **your tables** for `unhcr_refugees_gms`: `{path}`" in text
    assert f"Your table for unhcr_refugees_gms: `{path}`" in text
    assert "UNHCR (2025). Refugee Data Finder" not in text
    assert "UNHCR's last year (2025) may be a mid-year count" not in text
    assert "International Migrant Stock" in text
    # the refugees' sentence: the export's last year, end-year, from the export's figures
    refugees = rows.set_index("year")["refugees"]
    counted = refugees[refugees > 0]
    # the export's peak is its last year (971,964 at the end of 2023): said once, not twice
    assert int(counted.idxmax()) == 2023
    assert (f"from {int(counted.index.min())} to 2023: the latest, **{counted[2023]:,.0f}** "
            f"(end-2023), is also the peak.") in text
    assert "may be a mid-year count" not in text
