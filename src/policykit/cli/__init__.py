"""The command line: ``policykit`` and its commands."""

from policykit.cli.app import main, run

__all__ = ["main", "run"]
