"""Prepare an assignment for grading: its cases, encoded, and the reference's outcomes.

Done once per grading process (cached): the reference runs here, in the grading
process, through the same :mod:`probe` code the student's kernel runs, unless
:mod:`.refcache` already holds its outcomes on these very cases.
"""
from __future__ import annotations

import functools
import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..checks import registry
from . import probe, refcache
from .outcome import Outcome
from .results import TestResult
from .scoring import score_test
from .spec import AX, AssignmentSpec, Case, Fixture, FunctionTest


PROBE_SOURCE = Path(probe.__file__).read_text(encoding="utf-8")


class UnknownAssignment(LookupError):
    """No check module exists for the name given."""


def known_assignments(root: Optional[Path] = None) -> list[str]:
    """Every assignment registered in :mod:`depthlab.checks` or by the course at ``root``, sorted."""
    return registry.assignments(root)


def load_spec(assignment: str, root: Optional[Path] = None) -> AssignmentSpec:
    """``assignment``'s checks: the course's at ``root`` (its ``checks/``), else the package's."""
    module = registry.checks_module(assignment, root)
    if module is None:
        raise UnknownAssignment(
            f"no assignment named {assignment!r}; known: {', '.join(known_assignments(root)) or 'none'}")
    return registry.spec_of(module)


def encode_arg(value: Any) -> Any:
    if isinstance(value, Fixture):
        return {"$fixture": [value.name, probe.encode(dict(value.params))]}
    if value is AX:
        return {"$ax": None}
    if isinstance(value, tuple):
        return {"$tuple": [encode_arg(v) for v in value]}
    if isinstance(value, list):
        return [encode_arg(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[k, encode_arg(v)] for k, v in value.items()]}
    return probe.encode(value)


def encode_case(case: Case) -> dict:
    out = {"args": [encode_arg(a) for a in case.args],
           "kwargs": {"$dict": [[k, encode_arg(v)] for k, v in case.kwargs.items()]}}
    if case.then is not None:
        out["then"] = encode_arg(tuple(tuple(a) for a in case.then))
    return out


@dataclass(frozen=True)
class PreparedTest:
    test: FunctionTest
    cases: tuple
    cases_json: str
    reference: tuple   # Outcome per case


@dataclass(frozen=True)
class PreparedAssignment:
    spec: AssignmentSpec
    tests: tuple       # PreparedTest
    fixture_source: str


def fixture_source(spec: AssignmentSpec) -> str:
    if not spec.fixture_module:
        return ""
    module = importlib.import_module(spec.fixture_module)
    return Path(module.__file__).read_text(encoding="utf-8")


def wire_outcomes(lines: list[dict], n_cases: int) -> list[Outcome]:
    """Outcomes from the probe's JSON lines; cases without a line are 'not_run'."""
    got: list[Optional[Outcome]] = [None] * n_cases
    for data in lines:
        index = data.get("index")
        if data.get("status") == "missing":
            return [Outcome("missing", detail=str(data.get("detail", "")))] * n_cases
        if isinstance(index, int) and 0 <= index < n_cases and data.get("status") in ("ok", "error"):
            try:
                got[index] = Outcome.from_wire(data)
            except (ValueError, TypeError, KeyError) as exc:
                got[index] = Outcome("error", error_type="ReportError", error_mro=("ReportError",),
                                     error_message=f"its result could not be read back ({exc})")
    return [g if g is not None else Outcome("not_run") for g in got]


def _lines_in_process(fn: Callable, prepared: PreparedTest, fixtures) -> list[dict]:
    """The probe's JSON lines for ``fn`` run on the prepared cases here."""
    lines: list = []
    cases = json.loads(prepared.cases_json)
    probe.run_function(fn, cases, fixtures,
                       lambda i, o: lines.append(json.loads(json.dumps({**o, "index": i}))))
    return lines


def run_in_process(fn: Optional[Callable], prepared: PreparedTest, fixtures) -> list[Outcome]:
    """Run ``fn`` on the prepared cases here, through the probe and the wire format."""
    if fn is None or not callable(fn):
        return [Outcome("missing", detail="not defined")] * len(prepared.cases)
    return wire_outcomes(_lines_in_process(fn, prepared, fixtures), len(prepared.cases))


def _reference_lines(assignment: str, reference, partials: list, fixtures, source: str) -> list:
    """The reference's lines for every test: from :mod:`.refcache` when this very
    reference already ran on these very cases, else run here (and kept there)."""
    fns = [getattr(reference, pt.test.function, None) for pt in partials]
    if not all(callable(fn) for fn in fns):
        missing = [{"status": "missing", "detail": "not defined"}]
        return [_lines_in_process(fn, pt, fixtures) if callable(fn) else missing for fn, pt in zip(fns, partials)]
    name = refcache.key(assignment, reference, [(pt.test.function, pt.cases_json) for pt in partials], source,
                        PROBE_SOURCE)
    cached = refcache.load(name)
    if cached is not None and len(cached) == len(partials):
        return cached
    lines = [_lines_in_process(fn, pt, fixtures) for fn, pt in zip(fns, partials)]
    refcache.store(name, lines)
    return lines


def prepare(assignment: str, root: Optional[Path] = None) -> PreparedAssignment:
    """The assignment's cases and the reference's outcomes, made once per process (and
    course, for a course's own assignment)."""
    own = root is not None and assignment in registry.course_assignments(root)
    return _prepare(assignment, Path(root).resolve() if own else None)


@functools.lru_cache(maxsize=None)
def _prepare(assignment: str, root: Optional[Path]) -> PreparedAssignment:
    spec = load_spec(assignment, root)
    source = fixture_source(spec)
    fixtures = probe.load_fixtures([source] if source else [])
    reference = importlib.import_module(spec.reference_module)
    partials = []
    for test in spec.tests:
        cases = tuple(test.make_cases(spec.name))
        partials.append(PreparedTest(test, cases, json.dumps([encode_case(c) for c in cases], allow_nan=True), ()))
    tests = []
    for partial, lines in zip(partials, _reference_lines(assignment, reference, partials, fixtures, source)):
        test, cases = partial.test, partial.cases
        ref = wire_outcomes(lines, len(cases))
        broken = [c.describe(test.function) for c, r in zip(cases, ref) if r.status not in ("ok", "error")]
        if broken:
            raise RuntimeError(f"{assignment}: the reference could not run {broken[0]}")
        tests.append(PreparedTest(test, cases, partial.cases_json, tuple(ref)))
    return PreparedAssignment(spec, tuple(tests), source)


def judge_outcomes(prepared: PreparedAssignment, outcomes: dict[str, list[Outcome]]) -> list[TestResult]:
    """Score every test from the student's outcomes (keyed by test id)."""
    results = []
    for pt in prepared.tests:
        got = outcomes.get(pt.test.test_id) or [Outcome("not_run")] * len(pt.cases)
        results.append(score_test(pt.test, pt.cases, got, pt.reference))
    return results


def grade_namespace(assignment: str, namespace: dict, only: Optional[set] = None,
                    root: Optional[Path] = None) -> list[TestResult]:
    """Grade functions living in ``namespace`` in this process (no kernel);
    ``only`` limits grading to those functions.

    For testing the checks themselves: mutants and valid alternatives.  Real
    submissions are graded in a sandboxed kernel by :mod:`depthlab.judge.session`.
    """
    prepared = prepare(assignment, root)
    fixtures = probe.load_fixtures([prepared.fixture_source] if prepared.fixture_source else [])
    tests = [pt for pt in prepared.tests if only is None or pt.test.function in only]
    outcomes = {pt.test.test_id: run_in_process(namespace.get(pt.test.function), pt, fixtures) for pt in tests}
    return [r for r in judge_outcomes(prepared, outcomes) if only is None or r.function in only]
