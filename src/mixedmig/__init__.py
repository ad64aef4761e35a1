"""mixedmig: a research toolkit for mixed-migration and human-trafficking studies in the
Greater Mekong Sub-region and the wider Asian migration system.

Modules (one concept each): ``countries``, ``data``, ``flows``, ``indices``, ``gravity``,
``networks``, ``referral``, ``pathways``, ``stats``, ``privacy``, ``plotting``, ``readers``,
``pipeline``, ``cli``,
``teaching``.  See ``DESIGN.md`` in the repository for the architecture.
"""

from __future__ import annotations

from .errors import MixedmigError

__version__ = "0.1.0"

__all__ = ["MixedmigError", "notebook_setup", "__version__"]


def notebook_setup(seed: int = 2013):
    """Prepare a notebook session: seed numpy's legacy RNG, apply the house plot style and
    set pandas display options. Returns a ``numpy.random.Generator`` seeded with ``seed``."""
    from .notebook import notebook_setup as _setup

    return _setup(seed)
