"""Code generated from the compiled policy: one plain Python function per value (a
first-hit table or a collected list), built with ``compile()`` from the policy's own
rows, that works the value out where everything it reads is known.

:class:`policykit.engine.env.CaseEnv` calls it first for every value of every case,
including the cases it makes to settle a value over its unknowns and to find the
defaults a result rests on.  A value that may read an unknown fact is worked out by
:mod:`policykit.engine.codegen.tristate`: the three-valued tables (Kleene's logic, row
by row) as generated code too.  The interpreter alone (``decide_case(...,
generated=False)``) stays the reference: ``--explain`` runs it, and the differential
tests compare the two.

:mod:`policykit.engine.codegen.request` generates, per request type, one function that
works out all its decisions at once (the lean road of ``decide``: the values alone), the
expressions' fast forms inlined, each value worked out on first use into a slot of the
case; it gives up to the full road at the first unknown it reads.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from policykit.engine.codegen.generate import GIVE_UP, Fallback, Generated, NeedsBudget, functions
else:

    def __getattr__(name: str) -> object:
        """The names of :mod:`.generate`, imported when first asked for (then kept as
        attributes): a process that decides one case on the interpreter never imports the
        generator."""
        if name in __all__:
            from policykit.engine.codegen import generate

            found = globals()[name] = getattr(generate, name)  # an attribute from now on
            return found
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["GIVE_UP", "Fallback", "Generated", "NeedsBudget", "functions"]
