"""Test the tests: every hidden test passes the reference, fails each typical
wrong implementation, and passes each valid alternative kept in tests/alternatives/.

The typical wrong implementations are, first, the mistakes each check module
catalogues (``@mistake(hint)``, see :mod:`depthlab.checks.mistakes`): graded as
a student's cell, each must fail its function with its own hint.  Second, the
files ``mutants/<assignment>/<function>__<what>.py`` for mistakes that no hint of
the catalogue names (a warning, an error, a changed input, a shape): each must
lose points on its function, and may set ``EXPECT = r"regex"`` that the failing
message must match.

This runs the checks in-process (the same probe and judge code the kernel path
uses); tests/test_grading_e2e.py runs a sample of the same mistakes through real
kernels and nbgrader.

A data file is ``<assignment>/<function>__<what>.py``; it defines the function
(and may define helpers).
"""
from __future__ import annotations

import builtins
import dis
import importlib
import inspect
import re
from pathlib import Path

import pytest

from depthlab.checks.mistakes import Catalogue
from depthlab.judge.prepare import grade_namespace, known_assignments, load_spec, prepare

HERE = Path(__file__).resolve().parent
ASSIGNMENTS = known_assignments()


def reference_namespace(assignment: str) -> dict:
    """The reference solution as one namespace, as a student's kernel would hold it."""
    module = importlib.import_module(load_spec(assignment).reference_module)
    ns: dict = {"__name__": "student"}
    exec(compile(Path(module.__file__).read_text(), module.__file__, "exec"), ns)
    return ns


def data_files(kind: str) -> list[Path]:
    return sorted(p for p in (HERE / kind).glob("*/*.py") if "__" in p.stem)


def namespace_with(path: Path) -> tuple[dict, dict]:
    ns = reference_namespace(path.parent.name)
    extra: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    exec(compile(path.read_text(), str(path), "exec"), extra)
    return ns, extra


def catalogued() -> list[tuple[str, object]]:
    """(assignment, Mistake) for every mistake the check modules catalogue."""
    return [(a, m) for a in ASSIGNMENTS for t in load_spec(a).tests for m in t.mistakes]


def mistake_names(assignment: str) -> list[str]:
    """``<function>__<what>`` of every typical mistake: catalogued, then kept as a file."""
    return ([f"{m.function}__{m.name}" for a, m in catalogued() if a == assignment]
            + [p.stem for p in data_files("mutants") if p.parent.name == assignment])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_gets_full_marks(assignment):
    results = grade_namespace(assignment, reference_namespace(assignment))
    failed = [r.message for r in results if not r.passed]
    assert not failed, failed
    assert sum(r.points for r in results) == load_spec(assignment).max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_gets_zero(assignment):
    results = grade_namespace(assignment, {})
    assert sum(r.points for r in results) == 0
    assert all("not defined" in r.message for r in results)


@pytest.mark.parametrize("assignment, mistake", catalogued(),
                         ids=lambda v: f"{v.function}__{v.name}" if not isinstance(v, str) else v)
def test_catalogued_mistake_fails_with_its_hint(assignment, mistake):
    """The mistake, as a student's cell, fails its function, and the first failing case
    that tells it apart from the earlier mistakes names it."""
    ns = reference_namespace(assignment)
    exec(compile(mistake.source(), f"<{mistake.function}__{mistake.name}>", "exec"), ns)
    (result,) = grade_namespace(assignment, ns, only={mistake.function})
    assert result.points < result.max_points and not result.passed, f"{mistake.name} earned full marks"
    assert result.message.startswith(f"{mistake.function}("), result.message
    (pt,) = [pt for pt in prepare(assignment).tests if pt.test.function == mistake.function]
    told = [(case, c.message) for case, ref, c in zip(pt.cases, pt.reference, result.cases)
            if not c.passed and pt.test.mistakes.recognise(
                case, pt.test.mistakes.outcome(mistake, case), ref,
                pt.test.rtol if case.rtol is None else case.rtol,
                pt.test.atol if case.atol is None else case.atol) == mistake.hint_for(case)]
    assert told, f"no failing case tells {mistake.name} apart: {result.message}"
    case, message = told[0]
    assert f"Hint: {mistake.hint_for(case)}" in message, message


def globals_read(function) -> set:
    """The global names ``function``'s code reads (attribute names excluded)."""
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names |= {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
        codes += [c for c in code.co_consts if inspect.iscode(c)]
    return names


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogued_mistakes_are_cells_of_their_own(assignment):
    """A mistake uses numpy, builtins and the graded functions by name only, and its
    cell defines its function and nothing else, so the other functions' tests are not touched."""
    allowed = {"np", *load_spec(assignment).functions, *vars(builtins)}
    for _, mistake in (e for e in catalogued() if e[0] == assignment):
        assert globals_read(mistake.wrong) <= allowed, (mistake.name, globals_read(mistake.wrong) - allowed)
        assert not inspect.getclosurevars(mistake.wrong).nonlocals, mistake.name
        ns: dict = {}
        exec(mistake.source(), ns)
        assert {k for k, v in ns.items() if inspect.isfunction(v)} == {mistake.function}, mistake.name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_catalogued_mistake_is_attached_to_its_test(assignment):
    module = importlib.import_module(f"depthlab.checks.{assignment}")
    tests = {t.function: t for t in load_spec(assignment).tests}
    for catalogue in (v for v in vars(module).values() if isinstance(v, Catalogue)):
        for function in catalogue.functions:
            assert function in tests, f"mistakes of an unknown function {function}"
            assert tuple(tests[function].mistakes) == catalogue.of(function).entries, function


@pytest.mark.parametrize("path", data_files("mutants"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mutant_loses_points_on_its_function(path):
    ns, extra = namespace_with(path)
    function = extra.get("FUNCTION", path.stem.split("__")[0])
    (result,) = grade_namespace(path.parent.name, ns, only={function})
    assert result.points < result.max_points, f"{path.name} earned full marks on {function}"
    assert not result.passed
    assert result.message.startswith(f"{function}("), result.message
    if extra.get("EXPECT"):
        assert re.search(extra["EXPECT"], result.message), result.message


@pytest.mark.parametrize("path", data_files("alternatives"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_valid_alternative_gets_full_marks(path):
    ns, extra = namespace_with(path)
    function = extra.get("FUNCTION", path.stem.split("__")[0])
    failed = [r.message for r in grade_namespace(path.parent.name, ns, only={function}) if not r.passed]
    assert not failed, failed


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_function_has_two_mutants(assignment):
    """Catalogued or kept as a file, each mistake once: two or more per function."""
    names = mistake_names(assignment)
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"mistakes written twice (catalogued and as a file): {twice}"
    functions = load_spec(assignment).functions
    counts = {f: sum(1 for n in names if n.split("__")[0] == f) for f in functions}
    thin = {f: n for f, n in counts.items() if n < 2}
    assert not thin, f"functions with fewer than two mutants: {thin}"
    unknown = {n.split("__")[0] for n in names} - set(functions)
    assert not unknown, f"mutants for unknown functions: {unknown}"
