"""The data layer: curated tables in ``data/raw`` with YAML manifests, loaded and validated.

``load(name)`` reads ``data/raw/NAME.csv`` and ``data/raw/NAME.yml``, checks the CSV's sha256
against the manifest, validates every row against the manifest's schema and returns a typed
pandas DataFrame. ``validate_file(path, schema=NAME)`` applies a named schema to a researcher's
own CSV. Every failure raises a :class:`mixedmig.errors.DataError` subclass whose message names
the file, the line (header = line 1) and the column, and says how to fix it.

The manifest format is documented in ``docs/data-manifests.md``.
"""

from __future__ import annotations

from .build import PROCESSED_NAME, build
from .catalog import (
    data_dir,
    repo_root,
    sha256_file,
    manifest,
    dataset_names,
    list_datasets,
    load,
    validate_file,
    validate_all,
    datasets_markdown,
)
from .derived import (
    undesa_od_tables,
    gravity_pairs,
    identified_victims_wide,
    build_outputs,
)
from .readers import (
    UNDESA_SEXES,
    UNDESA_YEARS,
    read_undesa_bilateral_workbook,
    WORLD_BANK_AGGREGATES,
    read_worldbank_matrix,
    UNHCR_COLUMNS,
    UNHCR_PACKAGE_COLUMNS,
    read_unhcr_population,
)
from .schema import (
    COLUMN_TYPES,
    RELIABILITY_VALUES,
    REQUIRED_MANIFEST_KEYS,
    REQUIRED_SOURCE_KEYS,
    ColumnSpec,
    Schema,
    Manifest,
    read_manifest,
    validate_frame,
)

__all__ = [
    "PROCESSED_NAME",
    "build",
    "data_dir",
    "repo_root",
    "sha256_file",
    "manifest",
    "dataset_names",
    "list_datasets",
    "load",
    "validate_file",
    "validate_all",
    "datasets_markdown",
    "undesa_od_tables",
    "gravity_pairs",
    "identified_victims_wide",
    "build_outputs",
    "UNDESA_SEXES",
    "UNDESA_YEARS",
    "read_undesa_bilateral_workbook",
    "WORLD_BANK_AGGREGATES",
    "read_worldbank_matrix",
    "UNHCR_COLUMNS",
    "UNHCR_PACKAGE_COLUMNS",
    "read_unhcr_population",
    "COLUMN_TYPES",
    "RELIABILITY_VALUES",
    "REQUIRED_MANIFEST_KEYS",
    "REQUIRED_SOURCE_KEYS",
    "ColumnSpec",
    "Schema",
    "Manifest",
    "read_manifest",
    "validate_frame",
]
