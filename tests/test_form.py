"""The parsed form of an expression (policykit.lang.form): what the compiler reads, and what
the compile cache keeps, so that a cached run parses no text.  A form read back is checked
before use: anything but a form the compiler makes of an accepted expression is refused."""

from __future__ import annotations

import json
import marshal
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.lang.closures import compile_form
from policykit.lang.expr import Compiled, compile_expr
from policykit.lang.form import checked_form, walk
from policykit.lang.functions import FUNCTIONS
from policykit.lang.syntax import parse_form
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy

from .conftest import POLICY_FILE, ROOT

NAMES: dict[str, tuple[str, ...] | None] = {"a": None, "b.c": None, "e": ("x", "y"), "return.decision": None}


@pytest.fixture(scope="module")
def fresh() -> Policy:
    """The bundled policy compiled afresh: its memo keeps every expression compiled."""
    compiled, _ = load_policy(POLICY_FILE)
    return compiled


def test_every_form_of_the_policy_is_data_that_passes_its_own_check(fresh: Policy) -> None:
    """Each expression's form survives the cache's marshal unchanged, passes the check a
    cached form passes, reads the names the expression reads, and compiles to a closure."""
    every: dict[str, Compiled] = fresh.memo["compiled"]
    assert len(every) > 50
    names = next(iter(every.values())).names_map
    assert names is not None
    for source, compiled in every.items():
        form = compiled.form
        assert marshal.loads(marshal.dumps(form)) == form, source
        assert checked_form(form, names, FUNCTIONS) == compiled.names, source
        run, used, issues = compile_form(form, names)
        assert run is not None and used == compiled.names and issues == [], source


def test_exact_forms_built_from_the_parsed_forms_decide_as_the_parsed_text() -> None:
    """A policy whose exact forms are all made again from their parsed forms (no text
    parsed: each text is made one that would not parse) gives every example the same result."""
    policy, _ = load_policy(POLICY_FILE)
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    expected = [evaluate(policy, read_case(policy, c), date(2026, 11, 27)).to_dict() for c in cases]
    for compiled in policy.memo["compiled"].values():
        object.__setattr__(compiled, "exact", None)  # built again on first use, from the form
        object.__setattr__(compiled, "source", "not parsed (")
    assert [evaluate(policy, read_case(policy, c), date(2026, 11, 27)).to_dict() for c in cases] == expected


def test_a_form_the_compiler_refuses_gives_way_to_the_text() -> None:
    """A form that passes the check but not the compiler (a value not of the enum) is not
    run: the expression's text, parsed again, decides, and its form replaces the refused one."""
    refused = ("compare", ("Eq",), (("name", ("e",)), ("const", "nope")))
    assert checked_form(refused, NAMES, FUNCTIONS) == {"e"}
    compiled = Compiled("e == 'x'", frozenset({"e"}), None, None, NAMES, None, refused)
    env = SimpleNamespace(get={"e": "x"}.get)
    assert compiled.run(env) is True  # (the form would have compared with 'nope')
    # the refused form is not kept for another reader (the text view's notes): the text's is
    assert compiled.form == compiled.checked_form() == ("compare", ("Eq",), (("name", ("e",)), ("const", "x")))


HOSTILE: list[Any] = [
    ("call", "__import__", (("const", "os"),), False),
    ("call", "len", (("name", ("a",)),), True),  # keyword arguments
    ("call", "is_given", (("const", 1),), False),  # takes the name of a fact
    ("call", "len", (), False),  # too few arguments
    ("call", ("bad", "x", "y"), (), False),
    ("name", ("__class__",)),
    ("name", ("a", "__dict__")),
    ("name", ("no", "such")),
    ("name", ()),
    ("name", "a"),
    ("name", ("a", 1)),
    ("binop", "Pow", ("const", 2), ("const", 3)),
    ("unary", "Invert", ("const", 1)),
    ("compare", ("Is",), (("const", 1), ("const", 1))),
    ("compare", ("Eq",), (("const", 1),)),
    ("compare", (), (("const", 1),)),
    ("and", (("const", 1),)),
    ("bad", "syntax-not-allowed", "no"),
    ("const", b"bytes"),
    ("const", 10**12),
    ("const", "w" * 501),
    ("const", complex(1, 1)),
    ("const",),
    ["const", 1],
    ("list", [("const", 1)]),
    ("if", ("const", 1), ("const", 2)),
    ("lambda", ("const", 1)),
    ("Constant", 1),
    (),
    42,
    None,
    "lambda _e, _k: 1",
    {"const": 1},
]


def _deep(levels: int) -> Any:
    form: Any = ("name", ("a",))
    for _ in range(levels):
        form = ("unary", "Not", form)
    return form


@pytest.mark.parametrize(
    "form",
    [
        *(pytest.param(f, id=repr(f)[:40]) for f in HOSTILE),
        pytest.param(_deep(60), id="60 levels"),
        pytest.param(_deep(5000), id="5000 levels"),
    ],
)
def test_a_form_not_made_by_the_compiler_is_refused(form: Any) -> None:
    with pytest.raises(ValueError, match="not a parsed form"):
        checked_form(form, NAMES, FUNCTIONS)


_ATOMS = ["a", "b.c", "e", "return.decision", "1", "2.5", "'x'", "'q'", "null", "true", "_a", "a.__x", "[1, 'x']", "z"]
_OPS = ["==", "!=", "<", "in", "not in", "is", "+", "-", "*", "and", "or"]
_CALLS = ["is_known", "len", "add_days", "max", "nope"]


def _expressions() -> st.SearchStrategy[str]:
    atom = st.sampled_from(_ATOMS)
    return st.recursive(
        atom,
        lambda kids: st.one_of(
            st.tuples(kids, st.sampled_from(_OPS), kids).map(" ".join),
            kids.map(lambda k: f"not {k}"),
            st.tuples(kids, kids, kids).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(_CALLS), st.lists(kids, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_a_form_read_back_compiles_as_the_text_does(source: str) -> None:
    """For any text: its form, through marshal, compiles to what the text compiles to (the
    same names, the same issue), and an accepted one passes the cache's check."""
    compiled, issues = compile_expr(source, NAMES)
    try:
        form, _ = parse_form(source)
    except SyntaxError:
        assert compiled is None and issues[0].code == "expression-syntax"
        return
    run, used, found = compile_form(marshal.loads(marshal.dumps(form)), NAMES)
    assert found == issues
    if compiled is not None:
        assert run is not None and used == compiled.names
        assert checked_form(form, NAMES, FUNCTIONS) == compiled.names


def _forms() -> st.SearchStrategy[Any]:
    """Forms as the compiler makes them, and forms it never makes (an operator, a function,
    a name or a size not allowed), some of every kind, with data of no form among them."""
    leaf = st.one_of(
        st.tuples(
            st.just("const"), st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3))
        ),
        st.tuples(st.just("name"), st.sampled_from([("a",), ("b", "c"), ("e",), ("true",), ("z",), ("_a",), ()])),
        st.one_of(st.integers(), st.none(), st.text(max_size=2)),
    )

    def node(kids: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        many = st.lists(kids, max_size=3).map(tuple)
        return st.one_of(
            st.tuples(st.sampled_from(["list", "and", "or"]), many),
            st.tuples(st.just("unary"), st.sampled_from(["Not", "USub", "Invert"]), kids),
            st.tuples(st.just("binop"), st.sampled_from(["Add", "Sub", "Pow"]), kids, kids),
            st.tuples(st.just("compare"), st.lists(st.sampled_from(["Eq", "In", "Is"]), max_size=2).map(tuple), many),
            st.tuples(st.just("if"), kids, kids, kids),
            st.tuples(st.just("call"), st.sampled_from(["len", "is_given", "max", "nope"]), many, st.booleans()),
            st.tuples(st.just("bad"), st.just("lambda"), st.just("no")),
        )

    return st.recursive(leaf, node, max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(_forms())
def test_any_data_is_refused_or_compiled_never_a_crash(data: Any) -> None:
    """What the cache could hold: data that passes the check compiles (to a closure, or,
    for a value not of an enum, to a coded issue: the text then decides); anything else is
    refused with ValueError."""
    try:
        read = checked_form(data, NAMES, FUNCTIONS)
    except ValueError:
        return
    run, used, issues = compile_form(data, NAMES)
    assert (run is not None and used == read) or [i.code for i in issues] == ["unknown-value"]


def test_the_data_above_holds_forms_of_both_kinds() -> None:
    """(The law above is not empty: its data has forms the check takes and forms it refuses.)"""
    from hypothesis import find

    for passes in (True, False):

        def wanted(form: Any, passes: bool = passes) -> bool:
            return _passes(form) is passes and str(form).count("(") > 4

        assert _passes(find(_forms(), wanted)) is passes


def _passes(form: Any) -> bool:
    try:
        checked_form(form, NAMES, FUNCTIONS)
    except ValueError:
        return False
    return True


def test_walk_meets_the_nodes_in_the_order_of_ast_walk() -> None:
    """Breadth first, as ``ast.walk``: the warnings of a policy's comparisons with null keep
    their order.  Each comparison here has an operator of its own."""
    import ast

    from policykit.lang.syntax import parse_tree

    source = "(a == 1 or e != null) and len([b.c < 2, a]) >= (a if e in ['x'] else 3) and a not in [1]"
    ours = [node[1] for node in walk(parse_form(source)[0]) if node[0] == "compare"]
    theirs = [
        tuple(type(op).__name__ for op in n.ops) for n in ast.walk(parse_tree(source)) if isinstance(n, ast.Compare)
    ]
    assert ours == theirs
    assert [op for (op,) in ours] == ["GtE", "NotIn", "Eq", "NotEq", "In", "Lt"]
