"""Stage 1, parse: YAML text to plain data, with a line for every path.

Our own loader on top of PyYAML's safe loader: duplicate keys are errors, anchors
and aliases are refused (no alias bombs, no hidden sharing), dates stay strings (the
schema checks their format), and files over a size limit are refused before parsing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from policykit.errors import Diagnostic
from policykit.limits import DEFAULT
from policykit.policy.document import Document, Path, address
from policykit.policy.yaml_hints import yaml_hint

MAX_POLICY_BYTES = DEFAULT.policy_bytes
MAX_DEPTH = 64


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.mark = code, message, mark


class _Loader(yaml.SafeLoader):
    """Safe loader without timestamps, anchors or aliases."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table, replaced
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        refused = _refusal(self.peek_event(), self.depth)  # type: ignore[no-untyped-call]
        if refused is not None:
            raise refused
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_CBase: Any = getattr(yaml, "CSafeLoader", None)


def _refusal(event: Any, depth: int) -> _Refused | None:
    """Why a node event at ``depth`` is refused (too deep, an alias, an anchor, a tag), or None."""
    if depth >= MAX_DEPTH:
        return _Refused("too-deep", f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
    if isinstance(event, yaml.AliasEvent):
        return _Refused("yaml-alias", "aliases (*name) are not allowed in a policy", event.start_mark)
    if getattr(event, "anchor", None):
        return _Refused("yaml-anchor", "anchors (&name) are not allowed in a policy", event.start_mark)
    tag = getattr(event, "tag", None)
    if tag not in (None, "!") and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
        return _Refused("yaml-tag", f"explicit tags ({tag}) are not allowed in a policy", event.start_mark)
    return None


if _CBase is not None:

    class _CLoader(_CBase):  # type: ignore[misc]
        """libyaml's parser and composer (C: about a hundred times faster), with our resolvers."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    def _compose(text: str) -> tuple[Any, Any]:
        """Check every event first (anchors, aliases, tags, depth: nothing is built yet),
        then let libyaml compose the nodes."""
        depth = 0
        for event in yaml.parse(text, Loader=_CLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                refused = _refusal(event, depth)
                if refused is not None:
                    raise refused
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = _CLoader(text)
        return loader, loader.get_single_node()

else:  # pragma: no cover - PyYAML built without libyaml

    def _compose(text: str) -> tuple[Any, Any]:
        loader = _Loader(text)
        return loader, loader.get_single_node()


_EXPLAIN_CHARS = 256 * 1024


def _explain(text: str, file: str) -> list[Diagnostic] | None:
    """PyYAML's own (pure-Python) reading of a file libyaml refused: its messages name the
    character at fault.  Only for files small enough to read that way in well under a second."""
    loader = _Loader(text)
    try:
        loader.get_single_node()
    except _Refused as exc:
        line = exc.mark.line + 1
        return [Diagnostic(file, line, exc.mark.column + 1, exc.code, exc.message + yaml_hint(text, line))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = str(exc.problem or exc.context or exc) + yaml_hint(text, line)
        return [Diagnostic(file, line, col, "yaml-syntax", message)]
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    return None


def _build(
    loader: _Loader,
    node: Any,
    path: Path,
    lines: dict[Path, tuple[int, int]],
    errors: list[tuple[str, str, Any, Path]],
    scalars: dict[Path, tuple[int, int, str, str]],
    text: str,
) -> Any:
    start = node.start_mark
    lines[path] = (start.line + 1, start.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(("yaml-key", "mapping keys must be plain scalars", key_node.start_mark, path))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                errors.append(("yaml-merge", "merge keys (<<) are not allowed", key_node.start_mark, path))
                continue
            key = str(loader.construct_object(key_node))
            if key in out:
                first = lines.get(path + (key,), (0, 0))[0]
                errors.append(
                    (
                        "duplicate-key",
                        f"duplicate key '{key}' (first defined on line {first})",
                        key_node.start_mark,
                        path + (key,),
                    )
                )
                continue
            out[key] = _build(loader, value_node, path + (key,), lines, errors, scalars, text)
            lines[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, errors, scalars, text) for i, item in enumerate(node.value)]
    if node.style in (None, "", "'", '"') and node.end_mark.line == start.line:  # a text on one line
        scalars[path] = (start.line + 1, start.column + 1, node.style or "", text[start.index : node.end_mark.index])
    return loader.construct_object(node)


def load_yaml(
    text: str | bytes, file: str = "<policy>", max_bytes: int = MAX_POLICY_BYTES
) -> tuple[Document | None, list[Diagnostic]]:
    """Parse ``text``; return the document (or None) and the problems found."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > max_bytes:
        return None, [Diagnostic(file, 1, 1, "file-too-large", f"{size} bytes is over the limit of {max_bytes} bytes")]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [Diagnostic(file, 1, 1, "encoding", f"not valid UTF-8: {exc.reason} at byte {exc.start}")]
    lines: dict[Path, tuple[int, int]] = {}
    scalars: dict[Path, tuple[int, int, str, str]] = {}
    errors: list[tuple[str, str, Any, Path]] = []
    loader = None
    try:
        loader, node = _compose(text)
        data = _build(loader, node, (), lines, errors, scalars, text) if node is not None else None
    except _Refused as exc:
        line = exc.mark.line + 1
        return None, [Diagnostic(file, line, exc.mark.column + 1, exc.code, exc.message + yaml_hint(text, line))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met before ours
            return None, [Diagnostic(file, line, 1, "too-deep", f"nested more than {MAX_DEPTH} levels deep")]
        if len(text) <= _EXPLAIN_CHARS:
            explained = _explain(text, file)
            if explained is not None:
                return None, explained
        message = str(exc.problem or exc.context or exc) + yaml_hint(text, line)
        return None, [Diagnostic(file, line, col, "yaml-syntax", message)]
    except (yaml.YAMLError, RecursionError, ValueError, AttributeError, TypeError) as exc:
        return None, [
            Diagnostic(file, 0, 0, "yaml-syntax", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        ]
    finally:
        if loader is not None:
            loader.dispose()
    diags = [Diagnostic(file, m.line + 1, m.column + 1, code, msg, address(data, p)) for code, msg, m, p in errors]
    return Document(file, data, lines, scalars), diags


def iter_paths(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) in nested data, depth first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_paths(value, path + (i,))
