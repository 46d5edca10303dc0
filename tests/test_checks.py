"""Test the tests: every hidden test passes the reference, fails each typical
wrong implementation kept in tests/mutants/, and passes each valid alternative
kept in tests/alternatives/.

This runs the checks in-process (the same probe and judge code the kernel path
uses); tests/test_grading_e2e.py runs a sample of the same files through real
kernels and nbgrader.

A data file is ``<assignment>/<function>__<what>.py``; it defines the function
(and may define helpers). A mutant may set ``EXPECT = r"regex"``: the failing
message must match it.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from depthlab.judge.prepare import grade_namespace, known_assignments, load_spec

HERE = Path(__file__).resolve().parent


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


@pytest.mark.parametrize("assignment", known_assignments())
def test_reference_gets_full_marks(assignment):
    results = grade_namespace(assignment, reference_namespace(assignment))
    failed = [r.message for r in results if not r.passed]
    assert not failed, failed
    assert sum(r.points for r in results) == load_spec(assignment).max_score


@pytest.mark.parametrize("assignment", known_assignments())
def test_blank_gets_zero(assignment):
    results = grade_namespace(assignment, {})
    assert sum(r.points for r in results) == 0
    assert all("not defined" in r.message for r in results)


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


@pytest.mark.parametrize("assignment", known_assignments())
def test_every_function_has_two_mutants(assignment):
    names = {p.stem.split("__")[0] for p in data_files("mutants") if p.parent.name == assignment}
    counts = {f: sum(1 for p in data_files("mutants") if p.parent.name == assignment and p.stem.split("__")[0] == f)
              for f in load_spec(assignment).functions}
    thin = {f: n for f, n in counts.items() if n < 2}
    assert not thin, f"functions with fewer than two mutants: {thin}"
    assert names <= set(counts), f"mutants for unknown functions: {names - set(counts)}"
