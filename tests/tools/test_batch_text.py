"""The batch's text view: written as ``printable`` writes it (a case's own control
characters escaped), with no work where there is nothing to escape."""

from __future__ import annotations

from policykit.errors import printable
from policykit.tools.document import _escaped, _none_escaped, _printable


def test_the_text_view_escapes_what_printable_escapes_but_its_own_lines() -> None:
    """The text view's quick check finds every character ``printable`` would escape
    (keeping tabs and newlines): for each character, and with text around it."""
    for ch in map(chr, range(0x110000)):
        assert (_escaped().search(ch) is None) == (printable(ch, keep="\n\t") == ch), hex(ord(ch))
        assert _none_escaped(ch) == (_escaped().search(ch) is None), hex(ord(ch))  # (told without re)
    for text in ["质保\t期内\n", "a\x1b[31mb\n", "\u2028\n", "x\ud800y\n", "plain\n", "西安市\u3000高新区\xa0一号\n"]:
        assert _printable(text) == printable(text, keep="\n\t")
