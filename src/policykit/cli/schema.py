"""``policykit schema case|contract``: the JSON files generated from the policy's contract.

policykit schema case                                   # to stdout
policykit schema case --out schemas/case.schema.json    # write the file
policykit schema case --out schemas/case.schema.json --check   # CI: exit 1 if stale
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from policykit.cli.streams import EXIT_OK, read_output, write_output
from policykit.errors import Diagnostic, InputError

EXIT_STALE = 1  # as `git diff --exit-code`: a stale file is a finding; bad input is 2


def add_parser(sub: Any) -> None:
    sc = sub.add_parser("schema", help="print or write the JSON Schemas generated from the policy's contract")
    sc.add_argument("kind", choices=["case", "contract"], help="case: the case format; contract: the decisions")
    sc.add_argument("--version", dest="policy_version", metavar="V", help="a version of the policy set")
    sc.add_argument(
        "--policy",
        metavar="FILE",
        help="a policy file (default: the working copy's standard; not with --policy-set or --version)",
    )
    sc.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions: its latest, or the --version named (default: the working copy's standard)",
    )
    sc.add_argument("--out", metavar="FILE", help="write this file instead of printing")
    sc.add_argument("--check", action="store_true", help="with --out: change nothing, exit 1 if the file is stale")


def set_folder(given: str) -> Path:
    """The folder named by ``--policy-set``, refused (exit 2) when it is no folder or holds
    no policy file: said as ``evaluate --policy-set`` says it, not as an unknown version."""
    from policykit.tools.versions import no_folder, policy_files

    folder = Path(given)
    if not folder.is_dir():
        raise InputError([no_folder(folder)])
    if not policy_files(folder):
        raise InputError([Diagnostic(str(folder), 0, 0, "empty-set", "no policy file in this folder")])
    return folder


def unknown_version(folder: Path, version: str) -> InputError:
    """The refusal of a version ``folder`` does not have, naming those it has (and the one
    meant, where one is close)."""
    from policykit.errors import PolicykitError
    from policykit.lang.hints import suggest_version
    from policykit.tools.versions import load_policy_set

    try:
        known = [p.version for p in load_policy_set(folder).versions]
    except PolicykitError:  # a folder whose set does not load: the version alone is named
        known = []
    listed = f" (its versions: {', '.join(known)}{suggest_version(version, known)})" if known else ""
    return InputError([Diagnostic(str(folder), 0, 0, "unknown-version", f"no version {version} here{listed}")])


def schema_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from policykit.policy.amend import find_version
    from policykit.policy.compiler import load_policy
    from policykit.policy.resources import policies_dir, shown
    from policykit.tools.schemas import generated_text
    from policykit.tools.versions import latest_file

    if args.check and not args.out:
        raise InputError([Diagnostic("policykit", 0, 0, "usage", "--check needs --out FILE: the file to compare")])
    if args.policy_version:
        folder = set_folder(args.policy_set) if args.policy_set else policies_dir()
        path = find_version(folder, args.policy_version, folder)
        if path is None:
            raise unknown_version(folder, args.policy_version)
    elif args.policy_set:
        from policykit.tools.versions import load_policy_set

        path = Path(load_policy_set(args.policy_set).latest.file)
    else:
        path = Path(args.policy) if args.policy else Path(latest_file())
    policy, _ = load_policy(path)
    text = generated_text(policy, args.kind)
    if not args.out:
        out.write(text)
        return EXIT_OK
    if args.check:
        found = read_output(args.out)
        if found != text:
            what = (
                f"missing: there is no such file to hold what the contract of {shown(path)} generates"
                if found is None
                else f"stale: it is not what the contract of {shown(path)} generates"
            )
            print(f"{args.out}: {what}; run: policykit schema {args.kind} --out {args.out}", file=err)
            return EXIT_STALE
        print(f"{args.out}: up to date with {shown(path)}", file=out)
        return EXIT_OK
    write_output(args.out, text)
    print(f"{args.out}: written from {shown(path)} ({policy.id} {policy.version})", file=out)
    return EXIT_OK


def version_file(policy_set: str | None, named: str) -> Path:
    """The policy file ``named`` names: a path (one with a folder or a policy file's suffix
    is always one, and the compiler says what is wrong with it), else a version of the
    policy set (``--policy-set``, default the working copy's; without ``--policy-set``, a
    file of that name comes first), refused naming the versions there are."""
    from policykit.policy.amend import find_version
    from policykit.policy.resources import policies_dir

    if "/" in named or "\\" in named or named.endswith((".yaml", ".yml")):
        return Path(named)
    if not policy_set:
        try:
            if Path(named).is_file():
                return Path(named)
        except OSError:  # a name no file can have (too long...): the compiler words it
            return Path(named)
    folder = set_folder(policy_set) if policy_set else policies_dir()
    path = find_version(folder, named, folder)
    if path is None:
        raise unknown_version(folder, named)
    other = find_version(folder, named, path)
    if other is not None:  # a set holds one file a version: which of two was meant is not ours to guess
        raise InputError([Diagnostic(str(other), 1, 0, "set-duplicate-version", f"version {named} is also {path}")])
    return path
