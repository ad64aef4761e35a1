"""No person-level case record in the project, and every case-derived table is safe to publish.

The rules (issue 10, "Done when"):

1. **Case-derived tables declare themselves.**  A table of ``data/raw`` is case-derived when its
   manifest has a ``disclosure_control`` block with ``case_derived: true``.  Any table whose
   manifest cites CTDC (Counter Trafficking Data Collaborative), or whose header holds two or
   more case-record variables (CTDC's own names such as ``gender``, ``ageBroad``,
   ``isForcedLabour``, or the tidy ``case_records`` names such as ``age_band``,
   ``forced_labour``), must be declared case-derived.  Otherwise it might be one row per person.
2. **A case-derived table is a count table.**  Its manifest names an integer ``count_column``
   that the schema defines and the CSV has, a marker column and the marker (``[c]``), and a
   threshold k >= 11 (CTDC's own).
3. **No small visible cell.**  Every visible count is 0 or >= k (a table of ones, i.e. one row
   per person, fails here); a hidden cell has an empty count and the marker, a visible one no
   marker.
4. **The audit holds.**  The table is pivoted as its manifest says, the totals the suppression
   assumed published are taken from the manifest (or, with nothing hidden, from the cells), and
   :func:`mixedmig.privacy.disclosure_intervals` is re-run treating *every* hidden cell as small
   (the reader cannot tell primary from complementary cells): no hidden cell may be pinned to
   one value or bounded below k.
5. **No raw CTDC header** (``yearOfRegistration`` with ``ageBroad`` on one line) appears in a file
   of ``data/raw``, ``notebooks`` or ``docs``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from mixedmig import data, privacy
from mixedmig.results import diagnostics_frame

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
CASE_VARIABLES = {
    # CTDC's names (k-anonymised release and synthetic data)
    "yearofregistration", "gender", "agebroad", "isforcedlabour", "issexualexploit", "countryofexploitation",
    "majoritystatus", "datasource",
    # the tidy case_records names
    "year_of_registration", "age_band", "forced_labour", "sexual_exploitation", "country_of_exploitation",
}
CTDC_WORDS = re.compile(r"counter[- ]?trafficking data collaborative|\bCTDC\b", re.IGNORECASE)


def _manifests() -> list[Path]:
    return sorted(RAW.glob("*.yml"))


def _load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _is_case_derived(raw: dict) -> bool:
    control = raw.get("disclosure_control")
    return isinstance(control, dict) and control.get("case_derived") is True


def _case_derived() -> list[str]:
    return [p.stem for p in _manifests() if _is_case_derived(_load_yaml(p))]


def _header(csv_path: Path) -> list[str]:
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


# ------------------------------------------------------------------ the rules as functions


def undeclared_case_tables(raw_dir: Path) -> list[str]:
    """Rule 1: tables that cite CTDC or look like case records without declaring themselves."""
    bad = []
    for csv_path in sorted(raw_dir.glob("*.csv")):
        yml = csv_path.with_suffix(".yml")
        raw = _load_yaml(yml) if yml.is_file() else {}
        declared = _is_case_derived(raw)
        header = {h.strip().lower() for h in _header(csv_path)}
        looks_like_records = len(header & CASE_VARIABLES) >= 2
        cites_ctdc = bool(CTDC_WORDS.search(yaml.safe_dump(raw.get("sources") or raw.get("source") or {})))
        if (looks_like_records or cites_ctdc) and not declared:
            bad.append(f"{csv_path.name}: " + ("header holds case-record variables "
                                               f"{sorted(header & CASE_VARIABLES)}" if looks_like_records
                                               else "manifest cites CTDC") +
                       " but the manifest declares no disclosure_control with case_derived: true")
    return bad


def cell_problems(table: pd.DataFrame, control: dict, name: str) -> list[str]:
    """Rules 2 and 3 on a loaded table."""
    count, marker_column, marker, k = (control.get("count_column"), control.get("marker_column"),
                                       control.get("marker"), control.get("threshold"))
    problems = []
    if not isinstance(k, int) or k < 11:
        problems.append(f"{name}: threshold {k!r} must be a whole number >= 11 (CTDC's own k)")
        return problems
    for column in (count, marker_column):
        if column not in table.columns:
            problems.append(f"{name}: no column {column!r}; a case-derived table is a count table")
    if problems:
        return problems
    counts = pd.to_numeric(table[count], errors="coerce").astype("Float64")
    flagged = table[marker_column].astype("string").eq(marker).fillna(False).to_numpy(bool)
    visible = counts.notna().to_numpy(bool)
    values = counts.fillna(0).to_numpy(float)
    for i in np.flatnonzero(visible & (values > 0) & (values < k)):
        problems.append(f"{name}, row {i + 2}: visible count {int(values[i])} is below k = {k}")
    for i in np.flatnonzero(visible & flagged):
        problems.append(f"{name}, row {i + 2}: a visible count carries the marker {marker!r}")
    for i in np.flatnonzero(~visible & ~flagged):
        problems.append(f"{name}, row {i + 2}: an empty count without the marker {marker!r}")
    return problems


def audit_table(table: pd.DataFrame, control: dict) -> pd.DataFrame:
    """Rule 4: the reader's feasible interval of every hidden cell, every hidden cell taken as
    small.  Returns disclosure_intervals' table (empty when nothing is hidden)."""
    pivot = control["pivot"]
    rows, column, sep, missing = pivot["rows"], pivot["columns"], pivot["row_label_separator"], \
        pivot["missing_label"]
    count, k = control["count_column"], int(control["threshold"])

    def label(value) -> str:
        return missing if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) \
            else str(value)

    keys = [sep.join(label(v) for v in r) for r in table[rows].itertuples(index=False)]
    cols = [label(v) for v in table[column]]
    row_labels, col_labels = list(dict.fromkeys(keys)), list(dict.fromkeys(cols))
    published = pd.DataFrame(np.nan, index=row_labels, columns=col_labels)
    for key, col, value in zip(keys, cols, table[count], strict=True):
        published.at[key, col] = np.nan if value is pd.NA or pd.isna(value) else float(value)
    hidden = published.isna()
    if not hidden.to_numpy().any():
        return pd.DataFrame(columns=["row", "column", "kind", "lower", "upper", "width", "required", "protected"])
    totals = control.get("published_totals")
    assert totals, "cells are hidden, so the manifest must list the totals the audit assumed (published_totals)"
    table_out = pd.DataFrame({c: pd.array([None if np.isnan(v) else int(v) for v in published[c]], dtype="Int64")
                              for c in col_labels}, index=row_labels)
    table_out["Total"] = [int(totals["rows"][r]) for r in row_labels]
    total_row = {c: int(totals["columns"][c]) for c in col_labels}
    total_row["Total"] = int(sum(total_row.values()))
    table_out = pd.concat([table_out, pd.DataFrame([total_row], index=["Total"]).astype("Int64")])
    result = privacy.SuppressionResult(
        table=table_out, primary=hidden.copy(), secondary=hidden & False, threshold=k, provenance={},
        row_totals=True, col_totals=True, suppress_zeros=False, margins_name="Total",
        diagnostics=diagnostics_frame())
    return privacy.disclosure_intervals(result)


# ------------------------------------------------------------------ the tests on data/raw


def test_no_undeclared_case_table_in_data_raw():
    assert undeclared_case_tables(RAW) == []


def test_ctdc_tables_are_declared_case_derived():
    assert {"ctdc_cases_corridor_year", "ctdc_cases_profile"} <= set(_case_derived())


@pytest.mark.parametrize("name", _case_derived())
def test_case_derived_table_is_a_safe_count_table(name):
    manifest = data.manifest(name)
    control = manifest.raw["disclosure_control"]
    specs = {c.name: c for c in manifest.schema.columns}
    assert specs[control["count_column"]].type == "integer"
    assert specs[control["count_column"]].minimum == 0
    table = data.load(name)
    assert cell_problems(table, control, name) == []


@pytest.mark.parametrize("name", _case_derived())
def test_case_derived_table_passes_the_audit_again(name):
    control = data.manifest(name).raw["disclosure_control"]
    table = data.load(name)
    intervals = audit_table(table, control)
    assert int((~table[control["count_column"]].notna()).sum()) == int(control["hidden_cells"]) == len(intervals)
    assert intervals["protected"].all() if len(intervals) else True
    # with nothing hidden, re-suppressing the published table at k hides nothing either
    if not len(intervals):
        pivot = control["pivot"]
        wide = table.pivot_table(index=pivot["rows"], columns=pivot["columns"], values=control["count_column"],
                                 aggfunc="sum", dropna=False, observed=True).fillna(0).astype(np.int64)
        wide.index = [" | ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in wide.index]
        again = privacy.suppress_small_cells(wide, int(control["threshold"]))
        assert int(again.suppressed.to_numpy().sum()) == 0


def test_no_raw_ctdc_header_in_the_project():
    found = []
    for folder in ("data/raw", "notebooks", "docs"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in {".csv", ".yml", ".ipynb", ".md", ".txt", ".json"}:
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    if "yearOfRegistration" in line and "ageBroad" in line:
                        found.append(str(path.relative_to(REPO)))
                        break
    assert found == []


# ------------------------------------------------------------------ the rules can fail


def test_rules_catch_person_level_and_small_cells(tmp_path):
    # made-up test values: a table of one row per person, undeclared
    (tmp_path / "cases.csv").write_text("year_of_registration,sex,age_band,citizenship\n2015,male,30-38,MMR\n",
                                        encoding="utf-8")
    (tmp_path / "cases.yml").write_text("name: cases\n", encoding="utf-8")
    assert len(undeclared_case_tables(tmp_path)) == 1
    control = {"count_column": "cases", "marker_column": "flag", "marker": "[c]", "threshold": 11}
    ones = pd.DataFrame({"cases": pd.array([1, 1, 0, 25, None], dtype="Int64"),
                         "flag": [None, None, None, "[c]", None]})  # made-up test values
    problems = cell_problems(ones, control, "t")
    assert len(problems) == 4  # two visible ones, a marked visible cell, an unmarked empty cell
    assert cell_problems(ones, {**control, "threshold": 5}, "t")[0].startswith("t: threshold 5")
    assert "no column" in cell_problems(ones.drop(columns="flag"), control, "t")[0]


def test_audit_catches_a_recoverable_hidden_cell():
    # made-up test values: one hidden cell alone in its row, the row total published
    table = pd.DataFrame({"cit": ["A", "A", "B", "B"], "year": [1, 2, 1, 2],
                          "cases": pd.array([None, 40, 30, 50], dtype="Int64"),
                          "flag": ["[c]", None, None, None]})
    control = {"count_column": "cases", "threshold": 11,
               "pivot": {"rows": ["cit"], "columns": "year", "row_label_separator": " | ",
                         "missing_label": "(missing)"},
               "published_totals": {"rows": {"A": 45, "B": 80}, "columns": {"1": 35, "2": 90}}}
    table["year"] = table["year"].astype(str)
    intervals = audit_table(table, control)
    assert intervals[["lower", "upper"]].to_numpy().tolist() == [[5.0, 5.0]]  # 45 - 40: pinned
    assert not intervals["protected"].any()
