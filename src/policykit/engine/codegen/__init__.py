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

from policykit.engine.codegen.generate import GIVE_UP, Fallback, Generated, NeedsBudget, functions

__all__ = ["GIVE_UP", "Fallback", "Generated", "NeedsBudget", "functions"]
