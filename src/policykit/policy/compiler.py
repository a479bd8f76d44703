"""The pipeline: parse -> schema -> references, bounds, contract, status, given values ->
expressions and assembly, each stage a function of its own module that yields diagnostics
and checks one thing.  :func:`load_policy` stops after the schema if it found errors, and
before the expressions if the references or bounds did (the assembly reads what they
check); otherwise every stage's problems are told together, and it returns a frozen
:class:`~policykit.model.Policy` ready to evaluate many cases (from the compile cache when
asked and possible).
"""

from __future__ import annotations

from policykit.digest import sha256_hex
from policykit.errors import Diagnostic, PolicyError
from policykit.limits import DEFAULT, LimitError, Limits, note_need, read_bounded
from policykit.policy.build import build
from policykit.policy.document import AskedDocument, Document, KeptDocument
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path
    from typing import Any


def amends_a_version(raw: bytes) -> bool:
    """Whether a line of ``raw`` starts with ``amends:`` (as ``re.search(rb"^amends:", raw,
    re.MULTILINE)`` finds it): a bytes search, some ten times quicker on a 125 KB policy,
    and no pattern to compile at every start."""
    return raw.startswith(b"amends:") or b"\namends:" in raw


def check_schema(doc: Document) -> Iterator[Diagnostic]:
    """The policy against schemas/policy.schema.json."""
    from policykit.policy.schema_check import schema_errors

    yield from schema_errors(doc, "policy.schema.json")


# The stages import their modules when they run: a policy read from the compile cache
# runs none of them, and a cold start does not pay for importing them.  A stage that
# checks the document against a limit notes in ``needs`` the least value of it that
# passes (:func:`policykit.limits.note_need`).
def _references(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.references import check_references

    return check_references(doc)


def _bounds(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.bounds import check_bounds

    return check_bounds(doc, limits, needs)


def _contract(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.contract import check_contract

    return check_contract(doc)


def _status(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.status import check_status

    return check_status(doc)


def _given_values(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.given_values import check_given_values

    return check_given_values(doc)


def _languages(doc: Document, limits: Limits, needs: dict[str, int]) -> Iterable[Diagnostic]:
    from policykit.policy.languages import check_languages

    return check_languages(doc)


_BUILD_NEEDS = frozenset({"references", "bounds"})  # stages whose errors the assembly cannot be made past

STAGES: tuple[tuple[str, Callable[[Document, Limits, dict[str, int]], Iterable[Diagnostic]]], ...] = (
    ("schema", lambda doc, limits, needs: check_schema(doc)),
    ("references", _references),
    ("bounds", _bounds),
    ("contract", _contract),
    ("status", _status),
    ("given values", _given_values),
    ("languages", _languages),
)


def compile_document(doc: Document, sha: str, limits: Limits = DEFAULT) -> tuple[Policy | None, list[Diagnostic]]:
    """Run the named stages in order: the schema, then the others all (each reads the
    document alone), then the expressions and the assembly unless the references or bounds
    found an error; the policy only if no stage did.

    The policy's ``memo["needs"]`` says the least value of each limit the compile checked
    that it passes under: it compiles under any limits that allow them
    (:meth:`~policykit.limits.Limits.allows`), and under no others."""
    diags: list[Diagnostic] = []
    needs: dict[str, int] = {}
    try:
        blocked = False  # whether the expressions and the assembly cannot be made
        for name, stage in STAGES:
            found = list(stage(doc, limits, needs))
            diags.extend(found)
            if any(d.severity == "error" for d in found):
                # the schema first: every later stage reads a well-formed document, and
                # reads nothing of the others, so an editor hears of all their problems
                # at once; the assembly reads what the schema, references and bounds check
                if name == "schema":
                    return None, diags
                blocked = blocked or name in _BUILD_NEEDS
        if blocked:
            return None, diags
        policy, found = build(doc, sha, limits=limits)
        if any(d.severity == "error" for d in diags):
            return None, sorted(diags + found)
    except LimitError as exc:
        # placed where the work went over, if the stage said (else at the file)
        return None, diags + [d if d.file else d.replace(file=doc.file) for d in exc.diagnostics]
    diags.extend(found)
    if policy is not None:
        for name, amount in policy.memo.get("needs", {}).items():
            note_need(needs, name, amount)
        policy.memo["needs"] = needs
    return policy, diags


def load_policy_text(
    raw: bytes, file: str, limits: Limits = DEFAULT, folder: Path | None = None
) -> tuple[Policy | None, list[Diagnostic]]:
    """Parse and compile policy bytes; return the policy (or None) and every diagnostic.

    An amendment (``amends: VERSION``) is resolved against the versions in ``folder``
    (default: the file's folder) first."""
    policy, diags, _ = _compile_text(raw, file, limits, folder)
    return policy, diags


def _compile_text(
    raw: bytes, file: str, limits: Limits, folder: Path | None
) -> tuple[Policy | None, list[Diagnostic], Document | None]:
    """:func:`load_policy_text`, and the document compiled (an amendment's resolved one)."""
    from policykit.policy.amend import is_amendment, resolve
    from policykit.policy.yamlload import load_yaml

    doc, diags = load_yaml(raw, file, limits.policy_bytes)
    if doc is None or any(d.severity == "error" for d in diags):
        return None, diags, None
    if doc.data is None:  # nothing but blanks and comments, or a null
        said = "the file holds no policy (it is empty, or null): a policy starts with 'policykit: 1'"
        return None, [Diagnostic(file, 1, 1, "schema", said)], None
    if not isinstance(doc.data, dict):
        return None, [Diagnostic(file, 1, 1, "schema", "a policy must be a mapping at the top level")], None
    sha = sha256_hex(raw)
    resolved = None
    if is_amendment(doc.data):
        from pathlib import Path

        resolved, found = resolve(doc, raw, folder or Path(file).parent, most=limits.policy_bytes)
        if resolved is None:
            return None, sorted(set(diags + found)), None
        doc, sha = resolved.doc, resolved.sha256
    policy, more = compile_document(doc, sha, limits)
    if policy is not None and is_amendment(doc.data) and resolved is not None:
        policy.memo["amendment_chain"] = resolved.chain
    return policy, sorted(set(diags + more)), doc


_ONCE: dict[tuple[str, str, bool, Limits], tuple[Policy, list[Diagnostic]] | PolicyError] | None = None


class loading_once:
    """Within ``with loading_once():``, :func:`load_policy` compiles each file once: a
    later load of the same file (path, name shown, cache use and limits) gives what the
    first gave, the same policy and warnings or the same problems.  ``validate`` loads a
    folder's set, then each of its files, then each amendment's base: each once."""

    def __enter__(self) -> None:
        global _ONCE
        self.outer = _ONCE
        if _ONCE is None:
            _ONCE = {}

    def __exit__(self, *exc: object) -> None:
        global _ONCE
        _ONCE = self.outer


def load_policy(
    path: str | Path, display: str | None = None, use_cache: bool = False, limits: Limits = DEFAULT
) -> tuple[Policy, list[Diagnostic]]:
    """Load and compile a policy file; raise :class:`PolicyError` with every problem if it is invalid.

    With ``use_cache``, a policy compiled before (same bytes, same tool) is read from the
    compile cache instead, if ``limits`` allow what its compile checked against the limits
    then (the entry keeps it: ``needs``); it was valid then, so it is valid now, and no
    warning is repeated.  Under limits that do not allow it, it is compiled afresh, and
    refused as it would be without the cache.  An amendment's entry is named by the bytes
    of its folder's policy files too (:mod:`policykit.policy.amend_key`): its meaning
    depends on its base.  Within :class:`loading_once`, each file is compiled once.
    """
    if _ONCE is None:
        return _load_policy(path, display, use_cache, limits)
    import os

    key = (os.path.realpath(path), display or str(path), use_cache, limits)
    found = _ONCE.get(key)
    if found is None:
        try:
            found = _load_policy(path, display, use_cache, limits)
        except PolicyError as exc:
            found = exc
        _ONCE[key] = found
    if isinstance(found, PolicyError):
        raise found.with_traceback(None)  # its problems as capped the first time (not capped again)
    return found[0], list(found[1])


def _load_policy(
    path: str | Path, display: str | None = None, use_cache: bool = False, limits: Limits = DEFAULT
) -> tuple[Policy, list[Diagnostic]]:
    """The body of :func:`load_policy`, whatever was loaded before."""
    name = display or str(path)
    raw = read_bounded(path, limits.policy_bytes, name, PolicyError)
    key = _cache_key(raw, path, limits) if use_cache else None
    if key is not None:
        from policykit.policy import cache

        entry = cache.read(key[0])
        if entry is not None and limits.allows(entry.get("needs")):
            # the policy's SHA-256 (every result shows it) as worked out when the entry was written
            sha = entry.get("sha256")
            policy = _from_cache(entry, name, sha, path, key[1], limits) if isinstance(sha, str) else None
            if policy is not None:
                return policy, []
    from pathlib import Path

    policy, diags, doc = _compile_text(raw, name, limits, Path(path).parent)
    if policy is None:
        raise PolicyError([d for d in diags if d.severity == "error"] or diags)
    if key is not None and doc is not None:
        chain = policy.memo.get("amendment_chain")
        # an amendment is stored only under a name its folder is part of, and only if the
        # folder is as it was when that name was made (not edited while it compiled)
        if chain is None or (key[1] and _cache_key(raw, path, limits) == key):
            _store(policy, key[0], doc, key[1], chain, limits)
    return policy, [d for d in diags if d.severity != "error"]


def _cache_key(raw: bytes, path: str | Path, limits: Limits) -> tuple[str, bool] | None:
    """The name of the entry of a policy file with bytes ``raw``, and whether its folder is
    part of it (an amendment's); None if it cannot be named (an unreadable folder)."""
    from policykit.policy import cache

    if not amends_a_version(raw):
        return cache.key_of(raw), False
    import os

    from policykit.policy.amend_key import amendment_key_bytes

    named = amendment_key_bytes(raw, os.path.dirname(os.fspath(path)), limits.policy_bytes)
    return (cache.key_of(named), True) if named is not None else None


def _from_cache(
    entry: dict[str, Any], name: str, sha: str, path: str | Path, amendment: bool, limits: Limits
) -> Policy | None:
    """The policy built (under ``limits``, which allow its ``needs``) from an authentic
    cache entry, keeping those needs; None (build it afresh) if the entry
    is not of the shape this version writes, lacks a place the build asks for (a
    :class:`KeptDocument` raises KeyError), or keeps an amendment's chain under a name its
    folder is no part of (``amendment``)."""
    try:
        data, lines, exprs, days = entry["data"], entry["lines"], entry["exprs"], entry["calendar"]
        if not (isinstance(data, dict) and isinstance(lines, dict) and isinstance(exprs, dict)):
            return None
        if not isinstance(days, dict):
            return None
        # an entry named by its folder too says whether it is an amendment's: None, or its chain
        chain = entry["chain"] if amendment else entry.get("chain")
        if chain is not None:
            if not (amendment and isinstance(chain, list) and all(isinstance(n, str) for n in chain)):
                return None
            from policykit.policy.amend_key import chain_paths

            chain = (name, *chain_paths(path, chain))
        policy, _ = build(KeptDocument(name, data, lines), sha, entry, limits)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    if policy is not None:
        policy.memo["needs"] = entry["needs"]
        if chain is not None:
            policy.memo["amendment_chain"] = chain
    return policy


def _store(
    policy: Policy, key: str, doc: Document, amendment: bool, chain: tuple[str, ...] | None, limits: Limits
) -> None:
    """Write the entry of ``policy``, compiled from ``doc`` (an amendment's resolved
    document, resolved from the files of ``chain``) under ``limits``, under a name of its
    folder too (``amendment``: the entry says then whether it is an amendment's).

    The name carries no limit: a policy compiles to the same under any limits it passes
    (a limit only refuses).  The entry keeps instead what the compile checked against them
    (``needs``), and a run under other limits uses it only if they allow that."""
    from policykit.policy import cache

    compiled = policy.memo.pop("compiled", {})
    exprs = {source: (sorted(c.names), c.fast_source, c.form) for source, c in compiled.items()}
    calendar = policy.calendar
    years = calendar.reach(policy.today())
    entry = {
        "sha256": policy.sha256,
        "data": doc.data,
        "exprs": exprs,
        "calendar": calendar.table(years),
        "published": calendar.published_through(),
        "case_schema": policy.case_schema,
        "needs": policy.memo["needs"],
    }
    if amendment:
        from policykit.policy.amend_key import chain_names

        entry["chain"] = chain_names(chain) if chain is not None else None
    # the places of the rows, clauses, facts... a build from the entry asks for: a few
    # hundred of the thousands of the file's (the entry read back at every start is half the
    # size).  A later build that asks for another place finds it missing (KeptDocument) and
    # compiles afresh: the entry's name need not carry a trace of the build.
    asked = AskedDocument(doc.file, doc.data, doc.lines)
    build(asked, policy.sha256, {**entry, "lines": doc.lines}, limits)
    cache.write(key, {**entry, "lines": asked.asked})
