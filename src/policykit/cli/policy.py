"""The policy editor's commands: validate, check, diff (with impact) and replay."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from policykit.cli.streams import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    as_of_option,
    as_of_warning,
    limits_option,
    progress_stream,
    read_input,
)
from policykit.engine.case import parse_json
from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.limits import DEFAULT, Limits
from policykit.policy.origin import origin
from policykit.policy.resources import policies_dir


def validate_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from policykit.policy.compiler import loading_once

    with loading_once():  # a folder's files are loaded as a set, then one by one: each compiled once
        return _validate(args, out, err)


def _about_the_set(diag: Diagnostic, files: list[str]) -> bool:
    """Whether a problem of loading a folder as a set is the set's (an empty folder, the
    versions' chain, a breaking change between them) rather than one file's, which the
    check of that file reports after."""
    if diag.code.startswith(("set-", "contract-breaking")):
        return True
    return os.path.realpath(diag.file) not in {os.path.realpath(f) for f in files}


def _validate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    limits = limits_option(args.limit)
    paths, names = _policy_paths(args.policies, whole_set=True)
    status = EXIT_OK
    summaries = []
    lines: list[str] = []  # stdout's summaries, written only if every file passed
    expanded: list[str] = []
    said: set[Diagnostic] = set()
    for path in paths:
        if Path(path).is_dir():
            from policykit.tools.versions import load_policy_set, policy_files

            files = [str(p) for p in policy_files(Path(path))]
            expanded.extend(files)
            try:
                policy_set = load_policy_set(path, limits=limits)
                count = len(policy_set.versions)
                lines.append(
                    f"{names.get(path, path)}: ok: a set of {count} version{'' if count == 1 else 's'}: "
                    + ", ".join(f"{p.version} ({p.status})" for p in policy_set.versions)
                )
                for diag in translation_warnings(policy_set.versions):
                    print(diag.format().replace(f": {diag.code}:", f": warning: {diag.code}:", 1), file=err)
            except PolicykitError as exc:
                chain = [d for d in exc.diagnostics if _about_the_set(d, files)]
                for diag in chain:
                    print(diag.format(), file=err)
                    said.add(diag)
                if chain:
                    status = EXIT_BAD_INPUT
        else:
            expanded.append(path)
    for path in expanded:
        loaded = load_or_report(path, err, limits, names.get(path))
        if loaded is None:
            status = EXIT_BAD_INPUT
            continue
        policy, warnings = loaded
        breaking = amendment_contract(policy, path, limits)
        for diag in breaking:
            if diag not in said:  # the set's check said it already
                print(diag.format(), file=err)
        if breaking:
            status = EXIT_BAD_INPUT
            continue
        from policykit.policy.status import calendar_warnings
        from policykit.tools.checks import check_policy, located

        said_by_compile = {(w.code, w.line) for w in warnings}  # (an uncited clause: both find it)
        findings = [
            d
            for d in located(policy, check_policy(policy, limits), policy.lines)
            if d.severity != "info" and (d.code, d.line) not in said_by_compile
        ]
        findings.extend(calendar_warnings(policy, policy.today()))
        for diag in sorted([*warnings, *findings]):  # by place, as errors are
            print(diag.format().replace(f": {diag.code}:", f": warning: {diag.code}:", 1), file=err)
        rules = sum(len(v.rules) + (v.otherwise is not None) for v in policy.values.values())  # as coverage counts rows
        decisions = sum(1 for v in policy.values.values() if v.output)
        summary = {
            "file": policy.file,
            "id": policy.id,
            "version": policy.version,
            "status": policy.status,
            "clauses": len(policy.clauses),
            "parameters": len(policy.parameters),
            "facts": len(policy.facts),
            "decisions": decisions,
            "rules": rules,
            "actions": len(policy.actions),
            "sha256": policy.sha256,
        }
        summaries.append(summary)
        lines.append(
            f"{policy.file}: ok: {policy.id} {policy.version} ({policy.status}): {len(policy.clauses)} clauses, "
            f"{len(policy.parameters)} parameters, {len(policy.facts)} facts, {decisions} decisions, "
            f"{rules} rules, {len(policy.actions)} actions"
        )
    if status != EXIT_OK:
        return status  # a file refused: its problems on stderr, nothing on stdout
    if args.format == "json":
        print(json.dumps(summaries, ensure_ascii=False, indent=2), file=out)
    else:
        out.write("".join(line + "\n" for line in lines))
    return status


def _policy_paths(given: list[str] | None, whole_set: bool = False) -> tuple[list[str], dict[str, str]]:
    """The policy files to read, and the name each is shown by: the files given as given,
    else every version of the working copy's set (named from the project root), or of the
    bundled one; ``whole_set``: the set's folder itself, so that the set is checked as one
    (its chain of versions) besides each of its files."""
    if given:
        return list(given), {}
    from policykit.tools.versions import policy_files

    folder = policies_dir()
    files = [str(p) for p in policy_files(folder)]
    names = {f: origin(f) for f in files}
    if whole_set and len(files) > 1:  # (a set of one version has no chain to check)
        names[str(folder)] = os.path.dirname(names[files[0]]) or "."
        return [str(folder)], names
    return files, names


def translation_warnings(versions: Any) -> list[Diagnostic]:
    """Each approved version's clauses whose text changed without their en, or the reverse."""
    from policykit.tools.checks import subject_address
    from policykit.tools.stale import translation_findings

    by_version = {p.version: p for p in versions}
    out: list[Diagnostic] = []
    for p in versions:
        older = by_version.get(str(p.metadata.get("supersedes")))
        if p.status == "approved" and older is not None:
            out.extend(
                Diagnostic(p.file, line, 0, "translation-stale", message, subject_address(p, subject), "warning")
                for line, subject, message in translation_findings(older, p)
            )
    return out


def amendment_contract(policy: Any, path: str | None = None, limits: Limits = DEFAULT) -> list[Diagnostic]:
    """A version (read from ``path``, default its file) that breaks the contract of the
    version it amends or supersedes (a file of the same folder, loaded under ``limits``),
    without a new major version."""
    from policykit.policy.amend import find_version
    from policykit.policy.compiler import load_policy
    from policykit.tools.versions import contract_findings

    wanted = policy.raw.get("amends") or (policy.raw.get("metadata") or {}).get("supersedes")
    if not wanted:
        return []
    file = Path(path or policy.file)
    base = find_version(file.parent, str(wanted), file)
    return contract_findings(load_policy(base, limits=limits)[0], policy) if base else []


def diff_command(args: argparse.Namespace, out: IO[str], err: IO[str], inp: IO[str] | None = None) -> int:
    from policykit.cli.schema import version_file
    from policykit.policy.compiler import load_policy
    from policykit.tools.diff import diff_policies
    from policykit.tools.diff_text import render_diff, same_version

    limits = limits_option(args.limit)
    # each a file, or a version of the policy set (the files a worker or the cluster loads)
    args.old, args.new = (str(version_file(args.policy_set, named)) for named in (args.old, args.new))
    old, _ = load_policy(args.old, limits=limits)
    new, _ = load_policy(args.new, limits=limits)
    changes = diff_policies(old, new, limits)
    impact = None
    if not args.cases and getattr(args, "jobs", None) is not None:
        raise InputError(
            [Diagnostic("--jobs", 0, 0, "usage", "--jobs works with --cases (the impact run): give --cases FILE")]
        )
    if args.cases:
        from policykit.tools.impact import measure_impact

        as_of = as_of_option(args.as_of) or new.today()
        jobs = getattr(args, "jobs", None) or 1
        if getattr(args, "engine", "local") == "dask":
            from policykit.cli.distributed import DASK_STDIN, impact_on_dask

            if args.cases == "-":
                raise InputError([DASK_STDIN])

            impact = impact_on_dask(args, as_of, err, limits)
        else:
            progress = progress_stream(err)
            source: Any = args.cases
            if source == "-":  # JSON Lines on standard input, as evaluate --batch - reads them
                source = sys.stdin if inp is None else inp
                source = source.buffer if hasattr(source, "buffer") else source
            impact = measure_impact(old, new, source, as_of, progress, jobs, (args.old, args.new), limits)
    refused = None
    if impact is not None:
        from policykit.tools.impact import cases_label

        refused = impact.refused(cases_label(args.cases))
    if refused is not None:
        raise refused
    if impact is not None and impact.early and args.as_of is not None:
        file, _, line = impact.early_first.rpartition(":")
        file, line = (file, line) if line.isdigit() else (impact.early_first, "0")
        print(as_of_warning(as_of, file, int(line), 0, impact.early), file=err)
    if args.format == "json":
        data: dict[str, Any] = {
            "old": {"id": old.id, "version": old.version, "sha256": old.sha256, "file": origin(old.file)},
            "new": {"id": new.id, "version": new.version, "sha256": new.sha256, "file": origin(new.file)},
            "changes": [c.to_dict() for c in changes],
        }
        if impact is not None:
            from policykit.tools.impact import summarize

            data["impact"] = {
                **impact.to_dict(),
                "summary": summarize(impact, old, new),
                "decided_on_one_side": impact.one_sided_dict(old.version, new.version),
            }
        note = same_version(old, new, changes)
        if note is not None:  # (after the keys there were: a reader of the JSON finds them where they were)
            data["note"] = note
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_diff(old, new, changes))
        if impact is not None:
            from policykit.tools.impact import render_impact

            out.write("\n" + render_impact(old, new, impact))
    return EXIT_OK


def show_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """The resolved policy of a version: what evaluate, diff and the docs read."""
    import yaml

    from policykit.cli.schema import version_file
    from policykit.policy.compiler import load_policy

    policy, _ = load_policy(version_file(args.policy_set, args.version))
    # the version as one file: an amendment's changes applied, so no longer amending any
    data = {k: v for k, v in policy.raw.items() if k != "amends"}
    if args.format == "json":
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    chain = policy.memo.get("amendment_chain") or (policy.file,)
    out.write(f"# {policy.id} {policy.version}, resolved from {' <- '.join(origin(f) for f in chain)}\n")
    out.write(f"# sha256 {policy.sha256}\n")
    out.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))
    return EXIT_OK


def replay_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from policykit.tools.replay import replay
    from policykit.tools.versions import load_policy_set

    limits = limits_option(args.limit)
    stored_raw, stored_name = read_input(args.result, sys.stdin, limits.result_bytes)
    try:
        stored = parse_json(stored_raw, stored_name, limits.result_bytes)
    except PolicykitError as exc:
        raise InputError(
            [Diagnostic(stored_name, d.line, d.col, d.code, f"not a JSON result: {d.message}") for d in exc.diagnostics]
        ) from None
    if not isinstance(stored, dict):
        raise InputError([Diagnostic(stored_name, 0, 0, "not-a-result", "not a policykit JSON result")])
    case_raw, case_name = read_input(args.case, sys.stdin, limits.case_bytes)
    policies = load_policy_set(args.policy_set or policies_dir(), limits=limits)
    outcome = replay(stored, case_raw, case_name, policies, stored_name, limits)
    head = f"{outcome.policy.id} {outcome.policy.version}"
    if not outcome.differences:
        print(f"identical: the case decides the same under {head} (sha256 {outcome.policy.sha256[:12]}…)", file=out)
        return EXIT_OK
    print(f"different under {head}:", file=out)
    for line in outcome.differences:
        print(f"  {line}", file=out)
    return 1


def load_or_report(
    path: str, err: IO[str], limits: Limits = DEFAULT, display: str | None = None
) -> tuple[Any, list[Diagnostic]] | None:
    """The policy at ``path`` (shown as ``display``) and its warnings, or None after printing
    every problem with it."""
    from policykit.policy.compiler import load_policy

    try:
        return load_policy(path, display, limits=limits)
    except PolicykitError as exc:
        for diag in exc.diagnostics:
            print(diag.format(), file=err)
        return None


def check_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from policykit.tools.checks import check_policy, located

    status = EXIT_OK
    report = []
    lines: list[str] = []  # the text report, written once every file has loaded
    limits = limits_option(args.limit)
    paths, names = _policy_paths(args.policies)
    for path in paths:
        loaded = load_or_report(path, err, limits, names.get(path))
        if loaded is None:
            status = EXIT_BAD_INPUT
            continue
        policy = loaded[0]
        diags = located(policy, check_policy(policy, limits), policy.lines)
        open_findings = [d for d in diags if d.severity != "info"]
        report.extend(diags)
        for d in diags:
            lines.append(d.format().replace(f": {d.code}:", f": {d.severity}: {d.code}:", 1))
        explained = len(diags) - len(open_findings)
        found = f"{len(open_findings)} finding{'' if len(open_findings) == 1 else 's'}"
        lines.append(f"{policy.file}: {found}, {explained} explained as intended")
        if open_findings and status == EXIT_OK:
            status = 1
    if status == EXIT_BAD_INPUT:
        return status  # a policy that does not load: its problems on stderr, nothing on stdout
    if args.format == "text":
        out.write("".join(line + "\n" for line in lines))
    else:
        items = [
            {
                "file": d.file,
                "line": d.line,
                "code": d.code,
                "severity": d.severity,
                "subject": d.path,
                "message": d.message,
            }
            for d in report
        ]
        out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    return status
