"""Stage "languages": every text of the policy in each language the policy speaks.

The policy speaks the languages of its title (``metadata.title``).  A text is a mapping of
some of those languages to strings (a reason, a label, a question, a message...); one that
lacks a language is shown in another there (a reason in Chinese on an English page), so
it is named, as a warning, where it is written."""

from __future__ import annotations

from policykit.errors import Diagnostic
from policykit.policy.document import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


def check_languages(doc: Document) -> Iterator[Diagnostic]:
    """A warning for each text lacking a language of the policy's title."""
    title = doc.data.get("metadata", {}).get("title")
    if not isinstance(title, dict) or len(title) < 2:
        return
    spoken = tuple(title)
    for path, text in _texts(doc.data, (), frozenset(spoken)):
        lacking = [lang for lang in spoken if not text.get(lang)]
        shown = next((lang for lang in spoken if text.get(lang)), None)
        if lacking and shown is None:
            yield doc.diag(path, "missing-language", "this text is empty in every language", "warning")
        elif lacking:
            yield doc.diag(
                path,
                "missing-language",
                f"this text has no {', '.join(lacking)} (the policy speaks {', '.join(spoken)}): "
                f"{', '.join(lacking)} readers see the {shown} one",
                "warning",
            )


def _texts(
    node: Any, path: tuple[Any, ...], spoken: frozenset[str]
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path, text) of every text in ``node``: a mapping of some of ``spoken`` to strings."""
    if isinstance(node, dict):
        if node and spoken.issuperset(node) and all(isinstance(v, str) for v in node.values()):
            yield path, node
            return
        for key, value in node.items():
            yield from _texts(value, (*path, key), spoken)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, (*path, i), spoken)
