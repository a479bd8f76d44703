"""``python -m policykit`` and the ``policykit`` command.

The CLI is imported inside a guard, so that Ctrl-C in the first milliseconds (while
modules load) ends quietly with status 130, as it does later; the cycle collector is
paused while it loads."""

from __future__ import annotations


def main() -> None:
    import gc

    # A cold start allocates tens of thousands of objects (modules, the policy, its code)
    # and frees few: the cycle collector would walk them dozens of times (4 to 8 ms of a
    # ~60 ms run).  cli.app.main turns it back on, for every command but one case.
    gc.disable()
    try:
        from policykit.fastload import install

        install("policykit")  # the command's own modules read from their byte code at once
        from policykit.cli.app import main as run_main
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    run_main(end_at_once=True)  # this process is policykit's own command


if __name__ == "__main__":
    main()
