"""Code generated from the compiled policy: one plain Python function per value (a
first-hit table or a collected list), built with ``compile()`` from the policy's own
rows, that works the value out where everything it reads is known.

:class:`policykit.engine.env.CaseEnv` calls it first for every value of every case,
including the cases it makes to settle a value over its unknowns and to find the
defaults a result rests on; a value the generated road cannot work out (it reads an
unknown) is worked out by the interpreter's three-valued tables, and the case goes on in
generated code.  The interpreter alone (``decide_case(..., generated=False)``) stays the
reference: ``--explain`` runs it, and the differential tests compare the two.
"""

from policykit.engine.codegen.generate import GIVE_UP, Fallback, Generated, functions, value_functions

__all__ = ["GIVE_UP", "Fallback", "Generated", "functions", "value_functions"]
