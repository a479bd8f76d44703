"""``python -m policykit``: the same as the ``policykit`` command."""

from policykit.cli.app import main

main()
