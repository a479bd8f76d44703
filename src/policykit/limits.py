"""Every limit policykit works under, in one place: how much it reads, how much work one
evaluation, validation, check or diff may do, and how large a value may grow.

A :class:`Limits` is a frozen set of numbers with documented defaults (``DEFAULT``);
a caller (a command, a server request) passes its own with :meth:`Limits.replace`.
A :class:`Budget` counts the work of one job against them.  Going over a limit raises
:class:`LimitError`, a coded error (exit status 2) that names the limit and its value:
never a hang, never a MemoryError.
"""

from __future__ import annotations

import os
import stat
import time

from policykit.errors import Diagnostic, PolicykitError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple

MiB = 1024 * 1024


class Limits(NamedTuple):
    """The limits of one job.  Sizes are in bytes, characters or items; times in seconds.
    ``MEANING`` says what each one bounds.  Immutable and hashable (a named tuple: its class
    costs next to nothing to define on a cold start)."""

    case_bytes: int = MiB
    policy_bytes: int = 2 * MiB
    result_bytes: int = 8 * MiB
    test_file_bytes: int = 4 * MiB
    operations: int = 2_000_000
    list_items: int = 10_000
    string_chars: int = 100_000
    seconds: float = 5.0
    check_operations: int = 5_000_000
    text_diff_chars: int = 5_000
    value_depth: int = 50

    def replace(self, **changes: Any) -> Limits:
        """These limits with some changed (unknown names raise TypeError)."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"no limit {sorted(unknown)[0]!r}")
        return self._replace(**changes)

    def table(self) -> list[tuple[str, Any, str]]:
        """(name, value, meaning) of each limit, for the docs."""
        return [(name, getattr(self, name), MEANING[name]) for name in self._fields]

    def allows(self, needs: Any) -> bool:
        """Whether these limits allow ``needs``: ``{limit name: the least value of it a job
        passes under}``, as a compiled policy keeps what its compile checked (see
        :func:`note_need`).  Anything but such a mapping is not allowed: a name of a limit
        counted in whole units, each with a whole number from 0."""
        if not isinstance(needs, dict):
            return False
        defaults = self._field_defaults
        for name, amount in needs.items():
            if defaults.get(name).__class__ is not int or amount.__class__ is not int or amount < 0:
                return False
            if amount > getattr(self, name):
                return False
        return True

    @classmethod
    def kinds(cls) -> dict[str, type]:
        """Each limit's name and the kind of its value (``int`` or ``float``)."""
        return {name: type(value) for name, value in cls._field_defaults.items()}


MEANING = {
    "case_bytes": "a case file, standard input, or one line of a batch (its newline not counted)",
    "policy_bytes": "a policy file",
    "result_bytes": "a stored result read by `replay`",
    "test_file_bytes": "a policy test file (a case file it names is a case: case_bytes)",
    "operations": "units of work of one evaluation: a value worked out and each row it may read, "
    "each item a function reads, each working day walked, each character a text will show / 16; "
    "and of compiling a policy's expressions: 1 + its characters / 16 each",
    "list_items": "items of a list worked out while deciding",
    "string_chars": "characters of a string worked out while deciding, or of a policy's string parameter",
    "seconds": "wall time of one evaluation, of compiling a policy's expressions, "
    "and of the static checks of one policy",
    "check_operations": "units of work of the static checks of one policy (rows times the inputs tried)",
    "text_diff_chars": "a clause text longer than this is compared line by line in `diff`, not character by character",
    "value_depth": "a chain of derived values, each worked out from the next",
}


DEFAULT = Limits()


def note_need(needs: dict[str, int] | None, name: str, amount: int) -> None:
    """Note in ``needs`` (when given) that a check passes only if limit ``name`` is at least
    ``amount``: what a check that compares a measure with a limit records, so that a result
    kept from a run under some limits is used under others only if they allow it too
    (:meth:`Limits.allows`)."""
    if needs is not None and amount > needs.get(name, 0):
        needs[name] = amount


class LimitError(PolicykitError):
    """A job went over one of its limits (exit status 2)."""

    code = "limit-exceeded"
    within: str | None = None

    def working_out(self, name: str) -> LimitError:
        """This error, saying which value was being worked out (the innermost one)."""
        if self.within is not None:
            return self
        first = self.diagnostics[0]
        found = LimitError([first.replace(message=f"{first.message}, working out '{name}'")])
        found.within = name
        return found


def limit_error(name: str, limit: Any, what: str, file: str = "") -> LimitError:
    """The error for going over limit ``name``: ``what`` says what went over it."""
    return LimitError([Diagnostic(file, 0, 0, "limit-exceeded", f"{what}: over the limit {name} = {limit}")])


_CLOCK_EVERY = 512  # units of work between two looks at the clock


class Budget:
    """The work left to one job: operations counted down, and a deadline checked as work is charged."""

    __slots__ = ("deadline", "left", "limits", "next_check", "operations_name", "total")

    def __init__(self, limits: Limits = DEFAULT, operations: int | None = None, name: str = "operations") -> None:
        self.limits = limits
        self.total = limits.operations if operations is None else operations
        self.left = self.total
        self.operations_name = name
        self.deadline = time.monotonic() + limits.seconds
        self.next_check = self.left  # the first charge looks at the clock

    def charge(self, amount: int = 1) -> None:
        """Spend ``amount`` units of work; raise :class:`LimitError` when none is left or time is up."""
        self.left -= amount
        if self.left < self.next_check:
            if self.left < 0:
                raise limit_error(self.operations_name, self.total, "too much work")
            self.next_check = max(self.left - _CLOCK_EVERY, 0)
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise limit_error("seconds", self.limits.seconds, "took too long")

    def size_of_join(self, a: Any, b: Any) -> None:
        """Refuse (before it is made) a list or string ``a + b`` over its limit; charge its size."""
        n = len(a) + len(b)
        if a.__class__ is list:
            if n > self.limits.list_items:
                raise limit_error("list_items", self.limits.list_items, f"a list of {n} items")
            self.charge(n // 16 + 1)
        else:
            if n > self.limits.string_chars:
                raise limit_error("string_chars", self.limits.string_chars, f"a string of {n} characters")
            self.charge(n // 256 + 1)

    def size(self, value: Any) -> Any:
        """``value``, refused when it is a list or string over its limit (and charged by its size)."""
        if value.__class__ is list:
            if len(value) > self.limits.list_items:
                raise limit_error("list_items", self.limits.list_items, f"a list of {len(value)} items")
            self.charge(len(value) // 16 + 1)
        elif value.__class__ is str:
            if len(value) > self.limits.string_chars:
                raise limit_error("string_chars", self.limits.string_chars, f"a string of {len(value)} characters")
            self.charge(len(value) // 256 + 1)
        return value


def read_bounded(
    path: str | os.PathLike[str],
    limit: int,
    display: str | None = None,
    error: type[PolicykitError] | None = None,
    inside: str | os.PathLike[str] | None = None,
) -> bytes:
    """The bytes of a file, read no further than ``limit`` (one byte more tells it is over).

    Devices, sockets and folders are refused before anything is read; a pipe is read
    within the limit.  With ``inside``, a path that leads (by ``..`` or a symlink) out of
    that folder is refused.  Problems raise ``error`` (default :class:`InputError`)."""
    from policykit.errors import InputError

    name = display or str(path)
    kind = error or InputError

    def refuse(code: str, message: str) -> PolicykitError:
        return kind([Diagnostic(name, 0, 0, code, message)])

    try:
        if inside is not None:
            real, root = os.path.realpath(path), os.path.realpath(inside)
            if os.path.commonpath([real, root]) != root:
                raise refuse("outside", f"leads outside {inside}; only files inside it are read")
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("not-a-file", "is a directory, not a file")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise refuse("not-a-file", "is a device or socket, not a file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise refuse("too-large", f"{info.st_size} bytes is over the limit of {limit} bytes")
        with open(path, "rb") as handle:
            return read_stream(handle, limit, name, kind)
    except FileNotFoundError:
        raise refuse("not-found", "no such file") from None
    except (OSError, ValueError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise refuse("unreadable", message) from None


def read_stream(handle: Any, limit: int, name: str = "<stdin>", error: type[PolicykitError] | None = None) -> bytes:
    """At most ``limit`` bytes of a binary stream; more is a ``too-large`` error (the rest is not read)."""
    from policykit.errors import InputError

    data = handle.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise (error or InputError)(
            [Diagnostic(name, 0, 0, "too-large", f"more than {limit} bytes is over the limit of {limit} bytes")]
        )
    return bytes(data or b"")
