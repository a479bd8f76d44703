"""Code generated from the compiled policy: one plain Python function per value (a
first-hit table or a collected list), built with ``compile()`` from the policy's own
rows, for the known road of :func:`policykit.engine.decide.decide`.

The interpreter (:mod:`policykit.engine.env`) stays the reference: on the first unknown
fact, or anything the generated code does not handle, the case is decided again by the
interpreter from the start, so results are the interpreter's by construction; the
differential tests check that the generated road agrees wherever it finishes.
"""

from policykit.engine.codegen.run import decide_generated

__all__ = ["decide_generated"]
