"""mixedmig: a research toolkit for mixed-migration and human-trafficking studies in the
Greater Mekong Sub-region and the wider Asian migration system.

Rooms (one concept each): ``errors`` and ``results`` (the exception taxonomy and the result
protocol), ``countries`` (the registry of the 15 economies), ``data`` (curated and derived tables,
official-file readers, the build), the methods ``flows``, ``indices``, ``gravity``, ``networks``,
``referral``, ``pathways``, ``stats`` and ``privacy``, then ``plotting``, and the application layer
``cli``, ``notebook`` and ``teaching``.  ``docs/architecture.md`` maps every module and states the
dependency rule.
"""

from __future__ import annotations

from .errors import MixedmigError

__version__ = "0.1.0"

__all__ = ["MixedmigError", "__version__", "notebook_setup"]


def notebook_setup(seed: int = 2013):
    """Prepare a notebook session (see :func:`mixedmig.notebook.notebook_setup`).

    Seeds numpy's legacy global generator, applies the house plot style and sets pandas
    display options.

    Parameters
    ----------
    seed : int, default 2013
        The random seed.

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng(seed)``.
    """
    from .notebook import notebook_setup as _setup

    return _setup(seed)
