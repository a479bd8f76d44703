"""A progress line for long runs (a batch, the impact of a new version): on a terminal only,
redrawn in place at most a few times a second, cleared before any other line is written to
the same stream, and ended with the count, the time taken and the rate."""

from __future__ import annotations

from time import monotonic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

# a line redrawn more often than this is unreadable, and costs the run its writes
EVERY_SECONDS = 0.2
_CLEAR = "\r\x1b[K"  # back to the start of the line, and erase it


class Progress:
    """``update(count)`` as the run goes, ``clear()`` before writing anything else to
    ``stream``, ``done(count)`` at the end.  ``what`` names what is counted, as a phrase
    after the number ("lines decided")."""

    __slots__ = ("every", "last", "shown", "started", "stream", "what")

    def __init__(self, stream: IO[str], what: str, every: float = EVERY_SECONDS) -> None:
        self.stream, self.what, self.every = stream, what, every
        self.started = monotonic()
        self.shown = False
        self.last = self.started - every  # the first update is shown

    def _line(self, count: int, now: float, final: bool = False) -> str:
        seconds = now - self.started
        rate = f"{count / seconds:,.0f}/s" if seconds > 0 else ""
        taken = f" in {seconds:.1f} s" if final else ""
        return f"  {count:,} {self.what}{taken}" + (f" ({rate})" if rate else "")

    def update(self, count: int) -> None:
        now = monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        self.stream.write(_CLEAR + self._line(count, now))
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the line (if shown), so that what is written next starts a clean line."""
        if self.shown:
            self.stream.write(_CLEAR)
            self.shown = False

    def done(self, count: int) -> None:
        """The last line, kept: how many, in how long, how fast."""
        self.stream.write(_CLEAR + self._line(count, monotonic(), final=True) + "\n")
        self.stream.flush()
        self.shown = False
