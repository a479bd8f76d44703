"""``python -m policykit`` and the ``policykit`` command.

The CLI is imported inside a guard, so that Ctrl-C in the first milliseconds (while
modules load) ends quietly with status 130, as it does later."""

from __future__ import annotations


def main() -> None:
    try:
        from policykit.cli.app import main as run_main
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    run_main()


if __name__ == "__main__":
    main()
