"""policykit: a company's written service standard as versioned, tested policy code."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
