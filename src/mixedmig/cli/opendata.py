"""Open-data commands: ``fetch`` and ``import`` (official files)."""

from __future__ import annotations

__all__ = ["register"]


def register(sub) -> None:
    """Add these commands to the sub-parser collection ``sub`` (none yet)."""
