"""Reading a case: JSON text -> validated facts, or every problem with its field path.

A case takes one pass through the reader generated from its policy's case format
(:mod:`policykit.engine.case_reader`) when it is plainly good.  Otherwise the exact
reader (:mod:`policykit.engine.case_exact`) decides and words every problem.  JSON is
parsed by orjson where that must give the same data, else by the exact parser (duplicate
keys, numbers too large, lone surrogates...).
"""

from __future__ import annotations

from policykit import json_accel
from policykit.engine.case_reader.model import Case as Case
from policykit.engine.case_reader.model import dotted as dotted
from policykit.errors import CaseError, Diagnostic
from policykit.json_accel import REFUSED
from policykit.lang.values import finite
from policykit.limits import DEFAULT
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MAX_CASE_BYTES = DEFAULT.case_bytes


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key '{key}'")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _finite(text: str) -> float:
    value = float(text)
    if not finite(value):  # NaN, or past the largest float
        raise ValueError(f"{text} is too large a number")
    return value


class _Hooks:
    """What the decoder of a case hands its scanner: ``json.JSONDecoder(object_pairs_hook=
    _no_duplicates, parse_constant=_reject_constant, parse_float=_finite)`` has these
    attributes (``tests/test_json_accel.py``)."""

    strict = True
    object_hook = None
    object_pairs_hook = staticmethod(_no_duplicates)
    parse_float = staticmethod(_finite)
    parse_int = int
    parse_constant = staticmethod(_reject_constant)


HOOKS = _Hooks()
_SCAN = json_accel.scanner(HOOKS)  # None: no accelerator


def _scan(text: str) -> Any:
    """The data of ``text`` by the C scanner, as the decoder gives it, or REFUSED where the
    decoder would raise (it is asked then, for its words): :mod:`json` is not imported
    for a good case (:mod:`policykit.json_accel`)."""
    if _SCAN is None:  # pragma: no cover - no accelerator
        return REFUSED
    return json_accel.scan(_SCAN, text)


def decoder() -> Any:
    """The decoder of a case (:class:`json.JSONDecoder` with the hooks), made when first asked for."""
    if not _DECODER:
        import json

        _DECODER.append(
            json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=_finite)
        )
    return _DECODER[0]


_DECODER: list[Any] = []
_LOCATE_CHARS = 1 << 20  # a refused text read again, by the slower scanner, to say where: up to 1 MiB


def _lone_surrogate(data: Any) -> tuple[Any, ...] | None:
    """The path of the first string holding a lone surrogate (not a character; not UTF-8)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(node, dict):
            for key, value in node.items():
                stack.append((path + (key,), key))
                stack.append((path + (key,), value))
        elif isinstance(node, list):
            stack.extend((path + (i,), value) for i, value in enumerate(node))
    return None


def parse_json(text: str | bytes, file: str, limit: int = MAX_CASE_BYTES) -> Any:
    """JSON text -> data; a :class:`CaseError` for bad bytes, bad JSON, duplicate keys,
    numbers too large to be finite, or strings that are not Unicode (a lone surrogate)."""
    if isinstance(text, bytes) and len(text) <= limit:
        loads = _FAST_LOADS[0] if _FAST_LOADS else _fast_loads()
        data = loads(text)  # orjson, where it must give what the exact parser gives
        if data is not None:
            return data
    return parse_json_exact(text, file, limit)


_FAST_LOADS: list[Callable[[bytes], Any]] = []  # the fast parser, once imported


def _fast_loads() -> Callable[[bytes], Any]:
    """The fast parser (:mod:`~policykit.engine.case_reader.json_fast`), imported when a case is
    first read and kept (an import statement run per case costs half a microsecond)."""
    from policykit.engine.case_reader.json_fast import loads

    _FAST_LOADS.append(loads)
    return loads


def parse_json_exact(text: str | bytes, file: str, limit: int = MAX_CASE_BYTES) -> Any:
    """The exact parser: the reference of the fast one, and the words of every problem."""
    size = len(text)
    if size > limit:
        raise CaseError([Diagnostic(file, 0, 0, "too-large", f"{size} bytes is over the case limit of {limit}")])
    if isinstance(text, bytes):
        raw = text[3:] if text[:3] == b"\xef\xbb\xbf" else text
        try:  # as the codec utf-8-sig decodes (a byte order mark dropped), without importing it
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]  # good UTF-8: the line and the column of the bad byte
            line_start = before.rfind(b"\n") + 1
            line, col = before.count(b"\n") + 1, len(before[line_start:].decode("utf-8")) + 1
            said = f"not valid UTF-8 (byte {exc.start}: 0x{raw[exc.start]:02x})"
            raise CaseError([Diagnostic(file, line, col, "encoding", said)]) from None
    data = _scan(text)  # (a good case: without importing json)
    if data is REFUSED:
        data = _decode(text, file)
    if "\\ud" in text or "\\uD" in text:  # an escape that may be a surrogate's (\ud800-\udfff)
        bad = _lone_surrogate(data)
        if bad is not None:
            raise CaseError(
                [
                    Diagnostic(
                        file, 0, 0, "encoding", "a lone surrogate (\\ud800-\\udfff) is not a character", dotted(bad)
                    )
                ]
            )
    return data


def _decode(text: str, file: str) -> Any:
    """``text`` decoded by :mod:`json` (what the C scanner refused: mostly bad JSON, which
    it words), a :class:`CaseError` for every problem."""
    import json

    try:
        return decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise CaseError([Diagnostic(file, exc.lineno, exc.colno, "json", exc.msg)]) from None
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        if "integer string conversion" in message:  # Python's own words would tell a user to call sys
            message = "a number of more digits than a case may give (4300)"
        line = col = 0
        path = ""
        if isinstance(exc, ValueError) and len(text) <= _LOCATE_CHARS:
            # a value the parser refused (NaN, 1e999, a duplicate key...): where it stands, its field
            from policykit.engine.json_where import refused_at

            found = refused_at(text, decoder())
            if found is not None:
                line, col, at = found
                path = dotted(at) if at else ""
        raise CaseError([Diagnostic(file, line, col, "json", message, path)]) from None


def read_case(
    policy: Policy,
    data: Any,
    file: str = "<case>",
    text: str | bytes | None = None,
    lang: str = "en",
    generated: bool = True,
) -> Case:
    """Validate ``data`` and return its facts; raise :class:`CaseError` with every problem,
    each worded in ``lang`` (``text``, the case's JSON, places them on their lines).
    ``generated=False``: a good case is read by walking the case format instead of by the
    reader generated from it (the same case, without generating and compiling code: for
    a process that reads one case)."""
    fast: Any = policy.memo.get("case_reader", False)  # the generated reader, once made (None: there is none)
    if fast is False and not generated:
        from policykit.engine.case_reader.reader import walked

        fast = walked(policy)
    elif fast is False:
        from policykit.engine.case_reader.reader import reader  # the engine: imported when a case is first read

        fast = reader(policy)
    if fast is not None:
        case: Case | None = fast(data)
        if case is not None:
            return case
    return read_case_exact(policy, data, file, text, lang)


def read_case_exact(
    policy: Policy, data: Any, file: str = "<case>", text: str | bytes | None = None, lang: str = "en"
) -> Case:
    """The exact reader (:func:`policykit.engine.case_exact.read_case_exact`): the reference
    of the generated one, and the words of every problem; imported when a case first needs it."""
    from policykit.engine.case_exact import read_case_exact as exact

    return exact(policy, data, file, text, lang)
