"""The data layer: curated tables with YAML manifests, schema kinds, derived and imported
tables, official-file readers.

``load(source)`` returns a validated, typed pandas DataFrame, by name or by path:

- a **curated table** ``data/raw/NAME.csv``: its sha256 is checked against ``data/raw/NAME.yml``
  and every row is validated against the manifest's schema;
- a **derived table** (``gravity_pairs``, ``identified_victims_wide``,
  ``undesa_od/edition-E/year-Y``): read from ``data/processed`` when ``mixedmig build`` has
  written it (checked against ``data/processed/manifest.json``), else built in memory from the
  curated tables; both give the same frame;
- an **imported table** written by ``save_imported`` (``mixedmig import``) into
  ``imports_dir()`` (``$MIXEDMIG_IMPORTS``), checked against its manifest and its schema kind;
- a **path** to a CSV file of a **schema kind** (``kinds``: ``bilateral_stocks``, ``od_flows``,
  ``population``, ``country_covariates``, ``case_records``, ``referral_actors``,
  ``referral_events``; any year, any country of the registry, any edition), returned in the
  kind's tidy shape.

``validate_file(path, schema)`` applies a schema kind or a curated table's schema to a
researcher's own CSV and reports every problem; the ``read_*`` functions read official file
layouts (UN DESA workbook, World Bank matrix, UNHCR export) into the curated tables' long shape;
``build()`` writes ``data/processed`` deterministically and atomically. Every failure raises a
:class:`mixedmig.errors.DataError` subclass (``SchemaError``, ``ManifestError``,
``IntegrityError``) whose message names the file, the line (header = line 1) and the column, and
says how to fix it; bad arguments raise :class:`mixedmig.errors.InputError`.

Submodules: :mod:`~mixedmig.data.catalog` (locations, manifests, ``load``, imports),
:mod:`~mixedmig.data.schema` (column specifications, manifest parsing, validation),
:mod:`~mixedmig.data.kinds` (schema kinds), :mod:`~mixedmig.data.readers`,
:mod:`~mixedmig.data.fetch` (official downloads; ``fetch_official``),
:mod:`~mixedmig.data.importing` (official files into kinds; ``import_official``),
:mod:`~mixedmig.data.derived`, :mod:`~mixedmig.data.build`. The manifest format is documented
in ``docs/data-manifests.md``; bringing your own data in ``docs/bringing-your-own-data.md``.
"""

from __future__ import annotations

# Each submodule declares its public API in ``__all__``; the data layer's API is their union.
from . import build as _build_module
from . import catalog, ctdc, derived, fetch, importing, kinds, readers, schema
from .build import *
from .catalog import *
from .derived import *
from .fetch import fetch as fetch_official
from .fetch import official_file, registry_table
from .importing import *
from .ctdc import read_ctdc
from .kinds import *
from .readers import *
from .schema import *

# (a name two submodules export, e.g. one re-exported from ``kinds``, is listed once)
__all__ = list(dict.fromkeys(
    catalog.__all__ + _build_module.__all__ + derived.__all__ + kinds.__all__ + readers.__all__
    + schema.__all__ + importing.__all__ + ["fetch_official", "official_file", "registry_table", "read_ctdc"]
))
