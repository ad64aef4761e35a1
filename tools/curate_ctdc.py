#!/usr/bin/env python3
"""Curate aggregate tables of CTDC trafficking cases into ``data/raw``, under disclosure control.

Input: ``ctdc_gms_2020_04_14.csv`` in the reference folder (``../shared/reference``; read its
``.source.md``): the 3,685 records of the Counter Trafficking Data Collaborative's k-anonymised
Global Dataset (release of 14 April 2020, k = 11) whose citizenship or country of exploitation
is a GMS country, in a 7-column subset of the 63-column release written by a third party.

**The person-level records never enter the project.**  This script reads them with
:func:`mixedmig.data.ctdc.read_ctdc`, counts them, and writes only aggregate tables, each
passed through the project's small-cell suppression (:func:`mixedmig.privacy.suppress_small_cells`)
at CTDC's own threshold k = 11 with row and column totals assumed published, and audited
(:func:`mixedmig.privacy.disclosure_intervals`); the script stops if the audit fails.  Hidden
cells are empty in ``cases`` and carry the project's single marker ``[c]`` in ``flag``.

Tables written:

* ``ctdc_cases_corridor_year``: citizenship x country of exploitation x year of registration
  (every combination of the corridors and years that occur, zeros included);
* ``ctdc_cases_profile``: citizenship x sex x age band x form of exploitation (every
  combination of the citizenship-sex-age groups that occur with the five forms).

Both tables share only their citizenship totals (and the grand total), which their own row
totals already give, so auditing each table with its totals published also covers the pair.

Output is deterministic (rows sorted by key, ``\\n`` line endings; the manifest records the
sha256 of the CSV and of the input file).  Run twice, the bytes are identical.

Usage::

    python tools/curate_ctdc.py               # write data/raw/ctdc_*.csv + .yml
    python tools/curate_ctdc.py --out DIR     # write elsewhere
    python tools/curate_ctdc.py --check       # exit 1 if data/raw differs from a rebuild

The reference folder is found as in ``tools/curate_reference.py`` (``$MIXEDMIG_REFERENCE_DIR``,
``$MIXEDMIG_SHARED``, else ``../shared/reference``).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from curate_reference import (  # noqa: E402
    RETRIEVED,
    Table,
    col,
    reference_dir,
    curation_parser,
    write_or_check,
    write_table,
)

from mixedmig import privacy  # noqa: E402
from mixedmig.data.ctdc import AGE_BANDS, FORMS_OF_EXPLOITATION, case_counts, read_ctdc  # noqa: E402

EXTRACT = "ctdc_gms_2020_04_14.csv"
K = 11  # CTDC's own k-anonymity threshold
MARKER = "[c]"
MISSING = "(missing)"  # label of a missing value inside the suppression step only
SEP = " | "

CTDC_SOURCE = {
    "id": "CTDC Global Dataset 14 Apr 2020",
    "publisher": "Counter Trafficking Data Collaborative (CTDC): International Organization for "
                 "Migration (IOM), Polaris and Liberty Shared",
    "citation": "Counter Trafficking Data Collaborative (2020). The Global Dataset 14 Apr 2020 "
                "(k-anonymised, k = 11). Source: Counter-Trafficking Data Collaborative (CTDC), Global "
                "Dataset, 14 April 2020 release.",
    "url": "https://www.ctdatacollaborative.org",
    "edition": "The Global Dataset 14 Apr 2020 (k-anonymised release, k = 11)",
    "licence": "CTDC terms of use (https://www.ctdatacollaborative.org/terms-use): users accept them and "
               "attribute CTDC; whether the records may be redistributed was not confirmed, so the project "
               "ships only these aggregates, never the records",
    "retrieved": RETRIEVED,
    "via": "third-party 7-column subset of the release: wellingtonf-souza/Human-Trafficking @ "
           "a1fb877c5025e69b019eccfc6dbff4c70e362eb2, dados_app.csv (sha256 "
           "881eeb7b25a6d9f11ac3cc4d752df05eb6b67d5bcd0a779a36cfef094aef4cdf; 2019 registrations "
           "removed by that author); GMS rows extracted in shared/reference/ctdc_gms_2020_04_14.csv",
}

CAVEATS = (
    "Registered cases are identified or assisted victims registered by the organisations that "
    "contribute to CTDC (case management and hotlines); they are not a sample and not prevalence "
    "estimates, and spikes show programmes and cases (e.g. 1,011 Myanmar nationals registered in "
    "2015 with Indonesia as the country of exploitation). The year is the year of registration, "
    "not of exploitation. The release is k-anonymised (k = 11): rare combinations were suppressed "
    "or generalised, so small nationalities are under-represented or missing. The extract is a "
    "third-party subset of 7 of the 63 columns: a blank country there is missing or Namibia "
    "(pandas blanked the code NA); rows registered in 2019 were removed by that third party; the "
    "rows were not compared with the original release. Releases are revised and overlap: never "
    "merge releases."
)


class CaseTable(Table):
    """A curated table whose manifest names this script."""

    def manifest_text(self, digest: str) -> str:
        text = super().manifest_text(digest)
        return text.replace("# Written by tools/curate_reference.py;", "# Written by tools/curate_ctdc.py;", 1)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def suppressed_long(counts: pd.DataFrame, rows: list[str], column: str, column_values: list,
                    row_order: list[tuple]) -> tuple[list[dict], privacy.SuppressionResult, pd.DataFrame]:
    """Suppress ``counts`` (rows x column) at k with row and column totals, audited, and return
    the cells as records (``cases`` None and ``flag`` "[c]" when hidden), the pivot's result
    and its audit (:func:`mixedmig.privacy.suppress_long_counts`)."""
    published = privacy.suppress_long_counts(
        counts, rows, column, K, count="cases", row_order=row_order, column_order=column_values,
        marker=MARKER, separator=SEP, missing_label=MISSING)
    if int(published.wide.table.iloc[-1, -1]) != int(counts["cases"].sum()):
        raise SystemExit("internal error: the pivot lost records")
    table = published.table
    records = [
        {name: (None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
                else int(value) if isinstance(value, (int, np.integer)) else value)
         for name, value in zip(table.columns, row)}
        for row in table.astype(object).itertuples(index=False, name=None)
    ]
    return records, published.wide, published.intervals


def disclosure_block(result, intervals, rows: list[str], column: str, linked_note: str) -> dict:
    """The manifest's account of the disclosure control (no count of primary cells: it would
    tell a reader more than the table does).  When cells are hidden, the totals the audit
    assumed published are listed, so that tests/test_case_data_disclosure.py can re-run it."""
    hidden = int(result.suppressed.to_numpy().sum())
    block = {
        "case_derived": True,
        "unit_of_observation": "cell of a count table of registered cases (never one row per person)",
        "count_column": "cases",
        "marker_column": "flag",
        "marker": MARKER,
        "threshold": K,
        "threshold_source": "CTDC's own k-anonymity threshold (k = 11) of the Global Dataset",
        "method": result.provenance["method"],
        "protection_rule": result.provenance["protection_rule"],
        "totals_assumed_published": "every row total and column total of the table as pivoted "
                                    "(see description) and the grand total",
        "hidden_cells": hidden,
        "audit": (f"mixedmig.privacy.disclosure_intervals: {len(intervals)} hidden cell(s), all protected"
                  if hidden else "mixedmig.privacy.disclosure_intervals: no cell below k = 11, nothing "
                  "hidden, nothing to infer"),
        "linked_tables": linked_note,
        "pivot": {"rows": list(rows), "columns": column, "row_label_separator": SEP,
                  "missing_label": MISSING},
    }
    if hidden:
        margins = result.margins_name
        data_rows = list(result.primary.index)
        block["published_totals"] = {
            "rows": {str(r): int(result.table.at[r, margins]) for r in data_rows},
            "columns": {str(c): int(result.table.at[margins, c]) for c in result.primary.columns},
        }
    return block


LINKED_NOTE = ("ctdc_cases_corridor_year and ctdc_cases_profile share only their citizenship totals and the "
               "grand total, which each table's own row totals already give; auditing each table with its "
               "totals published therefore covers the pair")


def _input_block(path: Path, n_records: int) -> dict:
    return {"file": EXTRACT, "sha256": sha256_of(path), "records": n_records,
            "note": "person-level input read outside the project; only these aggregates are written"}


def build_corridor_year(records: pd.DataFrame, path: Path) -> CaseTable:
    by = ["citizenship", "country_of_exploitation", "year_of_registration"]
    counts = case_counts(records, by)
    corridors = case_counts(records, by[:2])[by[:2]]
    order = [tuple(r) for r in corridors.itertuples(index=False)]
    years = sorted(int(y) for y in counts["year_of_registration"].dropna().unique())
    if counts["year_of_registration"].isna().any():
        raise SystemExit("records without a year of registration: add a column for them before curating")
    rows, result, intervals = suppressed_long(counts, by[:2], "year_of_registration", years, order)
    description = (
        f"Registered trafficking cases in the CTDC Global Dataset (14 April 2020 release) by citizenship, "
        f"country of exploitation and year of registration, for the {int(counts['cases'].sum()):,} records "
        f"whose citizenship or country of exploitation is a GMS country. One row per corridor and year: every "
        f"corridor (citizenship -> country of exploitation, either may be missing) and every year that occurs "
        f"in the extract ({years[0]}-{years[-1]}; years without GMS records are absent, not zero; 2019 was "
        f"removed by the third party), zeros included. Pivoted as corridor (rows) x year (columns) for "
        f"disclosure control. Citizenship equal to country of exploitation is internal trafficking. "
        + CAVEATS
    )
    return CaseTable(
        name="ctdc_cases_corridor_year",
        title="CTDC registered trafficking cases by citizenship, country of exploitation and year of "
              "registration, GMS (14 Apr 2020 release)",
        description=description,
        units="registered cases (records of identified or assisted victims)",
        reliability="Counts of a third-party subset of the k-anonymised release, not checked against the "
                    "original; see description.",
        columns=[
            col("citizenship", "iso3", "citizenship of the registered person, ISO3; empty = missing in the "
                "extract (or Namibia blanked by the third party)", nullable=True),
            col("country_of_exploitation", "iso3", "country of exploitation, ISO3; empty = missing (or Namibia)",
                nullable=True),
            col("year_of_registration", "integer", "year the case was registered (not the year of exploitation)",
                allowed=years),
            col("cases", "integer", f"registered cases; empty where suppressed (flag {MARKER})", nullable=True,
                minimum=0),
            col("flag", "string", f"{MARKER} = hidden by disclosure control at k = {K} (one marker for every "
                "hidden cell); empty = published", nullable=True, allowed=[MARKER]),
        ],
        primary_key=by,
        rows=rows,
        sources=[CTDC_SOURCE],
        extra={"kind": None, "derived_from": _input_block(path, len(records)),
               "disclosure_control": disclosure_block(result, intervals, by[:2], by[2], LINKED_NOTE)},
    )


def build_profile(records: pd.DataFrame, path: Path) -> CaseTable:
    by = ["citizenship", "sex", "age_band"]
    counts = case_counts(records, by + ["form_of_exploitation"])
    groups = case_counts(records, by)[by]
    order = [tuple(r) for r in groups.itertuples(index=False)]
    rows, result, intervals = suppressed_long(counts, by, "form_of_exploitation", list(FORMS_OF_EXPLOITATION),
                                              order)
    description = (
        f"Registered trafficking cases in the CTDC Global Dataset (14 April 2020 release) by citizenship, sex, "
        f"age band at registration and form of exploitation, for the {int(counts['cases'].sum()):,} records "
        f"whose citizenship or country of exploitation is a GMS country. One row per citizenship-sex-age group "
        f"that occurs and per form (zeros included). Form of exploitation from the release's two flags: "
        f"forced labour (isForcedLabour = 1, isSexualExploit not 1), sexual exploitation (the reverse), both, "
        f"neither flagged (both 0: another form or none recorded), not recorded (no flag 1 and a flag missing). "
        f"Pivoted as citizenship x sex x age band (rows) x form (columns) for disclosure control. " + CAVEATS
    )
    return CaseTable(
        name="ctdc_cases_profile",
        title="CTDC registered trafficking cases by citizenship, sex, age band and form of exploitation, GMS "
              "(14 Apr 2020 release)",
        description=description,
        units="registered cases (records of identified or assisted victims)",
        reliability="Counts of a third-party subset of the k-anonymised release, not checked against the "
                    "original; see description.",
        columns=[
            col("citizenship", "iso3", "citizenship, ISO3; empty = missing (or Namibia)", nullable=True),
            col("sex", "string", "sex as recorded (gender in the release)", allowed=["female", "male", "transgender"]),
            col("age_band", "string", "age band at registration (ageBroad); empty = missing", nullable=True,
                allowed=list(AGE_BANDS)),
            col("form_of_exploitation", "string", "form of exploitation from the two flags (see description)",
                allowed=list(FORMS_OF_EXPLOITATION)),
            col("cases", "integer", f"registered cases; empty where suppressed (flag {MARKER})", nullable=True,
                minimum=0),
            col("flag", "string", f"{MARKER} = hidden by disclosure control at k = {K} (one marker for every "
                "hidden cell); empty = published", nullable=True, allowed=[MARKER]),
        ],
        primary_key=by + ["form_of_exploitation"],
        rows=rows,
        sources=[CTDC_SOURCE],
        extra={"kind": None, "derived_from": _input_block(path, len(records)),
               "disclosure_control": disclosure_block(result, intervals, by, "form_of_exploitation",
                                                    LINKED_NOTE)},
    )


def build_all(out: Path, ref: Path) -> list[tuple[str, int]]:
    path = ref / EXTRACT
    if not path.is_file():
        raise SystemExit(f"reference extract not found: {path} (see --help for the location)")
    records = read_ctdc(path, layout="k_anonymised_subset")
    written = []
    for table in (build_corridor_year(records, path), build_profile(records, path)):
        write_table(table, out)
        written.append((table.name, len(table.rows)))
    return written


def main(argv=None) -> int:
    parser = curation_parser(__doc__)
    args = parser.parse_args(argv)
    ref = reference_dir(args.reference)
    if not ref.is_dir():
        parser.error(f"reference folder {ref} not found; pass --reference")
    return write_or_check(build_all, Path(args.out), ref, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
