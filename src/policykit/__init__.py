"""policykit: a company's written service standard as versioned, tested policy code."""

from __future__ import annotations

from policykit.version import __version__

__all__ = ["__version__"]
