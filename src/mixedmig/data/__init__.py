"""The data layer: curated tables with YAML manifests, derived tables, official-file readers.

``load(name)`` returns a validated, typed pandas DataFrame by name:

- a **curated table** ``data/raw/NAME.csv``: its sha256 is checked against ``data/raw/NAME.yml``
  and every row is validated against the manifest's schema;
- a **derived table** (``gravity_pairs``, ``identified_victims_wide``,
  ``undesa_od/edition-E/year-Y``): read from ``data/processed`` when ``mixedmig build`` has
  written it (checked against ``data/processed/manifest.json``), else built in memory from the
  curated tables; both give the same frame.

``validate_file(path, schema=NAME)`` applies a named schema to a researcher's own CSV; the
``read_*`` functions read official file layouts (UN DESA workbook, World Bank matrix, UNHCR export)
into the curated tables' long shape; ``build()`` writes ``data/processed`` deterministically and
atomically. Every failure raises a :class:`mixedmig.errors.DataError` subclass (``SchemaError``,
``ManifestError``, ``IntegrityError``) whose message names the file, the line (header = line 1) and
the column, and says how to fix it; bad arguments raise :class:`mixedmig.errors.InputError`.

Submodules: :mod:`~mixedmig.data.catalog` (locations, manifests, ``load``),
:mod:`~mixedmig.data.schema` (column specifications, manifest parsing, validation),
:mod:`~mixedmig.data.readers`, :mod:`~mixedmig.data.derived`, :mod:`~mixedmig.data.build`.
The manifest format is documented in ``docs/data-manifests.md``.
"""

from __future__ import annotations

# Each submodule declares its public API in ``__all__``; the data layer's API is their union.
from . import build as _build_module
from . import catalog, derived, readers, schema
from .build import *
from .catalog import *
from .derived import *
from .readers import *
from .schema import *

__all__ = (
    catalog.__all__ + _build_module.__all__ + derived.__all__ + readers.__all__ + schema.__all__
)
