"""Grading end to end: real sandboxed kernels and real nbgrader, judged outside the kernel.

Questions answered here, for every registered assignment (a missing source or
release notebook fails):
- does the reference earn every point and the blank release none (and does
  grading the blank finish)?
- does nbgrader's gradebook hold the same score as our JSON?
- do mutants kept as test data lose points on their function through a real kernel?
- do the tamper cases earn nothing that the same wrong answers would not earn plainly?
"""
from __future__ import annotations

import inspect
import importlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from depthlab.config import GradingConfig
from depthlab.judge.results import EventKind
from depthlab.grading import grade_notebooks
from depthlab.judge.prepare import known_assignments, load_spec
from depthlab.paths import course_root, release_notebook, source_notebook

pytestmark = pytest.mark.slow
ROOT = course_root()
HERE = Path(__file__).resolve().parent
ASSIGNMENTS = known_assignments()
FAST = GradingConfig(test_timeout=4, cell_timeout=10, notebook_timeout=120)


def reference_sources(assignment: str) -> dict[str, str]:
    module = importlib.import_module(load_spec(assignment).reference_module)
    return {fn: inspect.getsource(getattr(module, fn)) for fn in load_spec(assignment).functions}


def filled(assignment: str, tmp: Path, name: str, replace: dict[str, str] | None = None,
           blank: tuple = (), edit=None) -> Path:
    """The release notebook with every solution cell filled from the reference,
    some replaced, some left blank; ``edit(nb)`` may tamper further."""
    nb = nbformat.read(release_notebook(assignment), 4)
    sources = {**reference_sources(assignment), **(replace or {})}
    for cell in nb.cells:
        gid = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        if gid.startswith("solution_"):
            fn = gid[len("solution_"):]
            if fn in sources and fn not in blank:
                cell.source = sources[fn]
    if edit:
        edit(nb)
    path = tmp / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def by_function(result) -> dict:
    return {t.function: t for t in result.tests}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def assignment(request):
    return request.param


def test_reference_full_blank_zero_and_gradebook_agrees(assignment, tmp_path):
    """The source notebook and the filled release earn every point, the blank none,
    through nbgrader; the gradebook holds the same totals."""
    from depthlab.engines.nbgrader_engine import NbgraderCourse
    spec = load_spec(assignment)
    course = NbgraderCourse(assignment, ROOT)
    try:
        cases = {"source": source_notebook(assignment), "blank": release_notebook(assignment),
                 "filled": filled(assignment, tmp_path, "filled")}
        results = {name: course.grade(path, name) for name, path in cases.items()}
        for name, result in results.items():
            assert course.gradebook_score(name) == pytest.approx(result.score), name
    finally:
        course.close()
    assert results["source"].score == spec.max_score, [t.message for t in results["source"].tests if not t.passed]
    assert results["filled"].score == spec.max_score
    assert results["blank"].score == 0 and results["blank"].error is None
    assert all("NotImplementedError" in t.message for t in results["blank"].tests)
    assert results["source"].integrity == ()


def test_mutants_lose_points_through_a_real_kernel(assignment, tmp_path):
    """One mutant per function (catalogued by the checks or kept as a file), graded
    in one batch by the nbgrader engine."""
    from depthlab.classgen import variant_sources
    chosen = {fn: variants[0] for fn, variants in variant_sources(assignment, "mutants").items()}
    notebooks = [filled(assignment, tmp_path, f"{fn}__{name}", replace={fn: code})
                 for fn, (name, code) in chosen.items()]
    results = grade_notebooks(assignment, notebooks, engine="nbgrader", config=FAST)
    for (fn, (name, _)), result in zip(chosen.items(), results):
        t = by_function(result)[fn]
        assert t.points < t.max_points, f"{fn}__{name} earned full marks on {fn}"
        others = [o for o in result.tests if o.function != fn and not o.passed]
        # other functions may call the broken one; the mutant's own test must say what is wrong
        assert t.message.startswith(f"{fn}("), t.message


TAMPER = {
    "allclose_patched": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n",
    "sys_modules_lookup": (
        "import sys, gc\n"
        "def _steal(name, me):\n"
        "    for mod in list(sys.modules.values()):\n"
        "        f = getattr(mod, name, None)\n"
        "        if callable(f) and f is not me:\n"
        "            return f\n"
        "    for obj in gc.get_objects():\n"
        "        if callable(obj) and getattr(obj, '__name__', '') == name and obj is not me:\n"
        "            return obj\n"
        "    raise NotImplementedError\n"),
}


def test_tamper_cases_earn_nothing(assignment, tmp_path):
    """A blank notebook that patches numpy's comparisons, edits or deletes test
    cells, or looks up the reference in sys.modules/gc scores exactly what the
    blank scores: 0."""
    spec = load_spec(assignment)
    first = spec.functions[0]

    def patch_numpy(nb):
        nb.cells.insert(1, nbformat.v4.new_code_cell(TAMPER["allclose_patched"]))

    def edit_tests(nb):
        for cell in nb.cells:
            if (cell.metadata.get("nbgrader") or {}).get("grade"):
                cell.source = "pass"

    def delete_tests(nb):
        nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader") or {}).get("grade")]

    stealers = {fn: TAMPER["sys_modules_lookup"] +
                f"def {fn}(*args, **kwargs):\n    return _steal({fn!r}, {fn})(*args, **kwargs)\n"
                for fn in spec.functions}
    notebooks = [
        filled(assignment, tmp_path, "patched", blank=tuple(spec.functions), edit=patch_numpy),
        filled(assignment, tmp_path, "edited", blank=tuple(spec.functions), edit=edit_tests),
        filled(assignment, tmp_path, "deleted", blank=tuple(spec.functions), edit=delete_tests),
        filled(assignment, tmp_path, "stealer", replace=stealers),
        filled(assignment, tmp_path, "imports_solutions", replace={
            first: f"from solutions.{assignment} import {first}\n"}),
    ]
    results = grade_notebooks(assignment, notebooks, engine="nbgrader", config=FAST)
    patched, edited, deleted, stealer, importer = results
    for r in (patched, edited, deleted, stealer):
        assert r.score == 0, (r.notebook, [t.message for t in r.tests if t.passed])
    assert any(f.kind == "monkeypatch" for f in patched.integrity)
    assert any(f.kind == "edited_test_cell" for f in edited.integrity)
    assert any(f.kind == "deleted_test_cell" for f in deleted.integrity)
    assert any(f.kind == "introspection" for f in stealer.integrity)
    assert by_function(importer)[first].points == 0
    assert any(f.kind == "forbidden_import" for f in importer.integrity)


def test_endless_loop_costs_one_function_and_a_dead_kernel_is_reported(tmp_path):
    """An infinite loop in one function and os._exit in another cost those
    functions only, within the time limits; the rest is graded."""
    assignment = ASSIGNMENTS[0]
    spec = load_spec(assignment)
    loop_fn, exit_fn = spec.functions[0], spec.functions[-1]
    path = filled(assignment, tmp_path, "hostile", replace={
        loop_fn: f"def {loop_fn}(*args, **kwargs):\n    while True:\n        pass\n",
        exit_fn: f"def {exit_fn}(*args, **kwargs):\n    import os\n    os._exit(1)\n"})
    (result,) = grade_notebooks(assignment, [path], engine="direct", config=FAST)
    tests = by_function(result)
    assert tests[loop_fn].points == 0 and "time limit" in tests[loop_fn].message
    assert tests[exit_fn].points == 0 and "kernel died" in tests[exit_fn].message
    graded_ok = [t for t in result.tests if t.function not in (loop_fn, exit_fn)]
    assert sum(t.passed for t in graded_ok) >= len(graded_ok) - 3  # dependents may fail with them
    kinds = {e.kind for e in result.events}
    assert EventKind.TIMEOUT in kinds and EventKind.DIED in kinds, result.events
    assert result.seconds < 60


def test_cli_json_lines_and_exit_status(tmp_path):
    """`depthlab grade --json` prints one JSON object per notebook and exits 1
    when one of them cannot be graded, after grading the others."""
    assignment = ASSIGNMENTS[0]
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    proc = subprocess.run([sys.executable, "-m", "depthlab.cli", "grade", assignment, str(broken),
                           str(release_notebook(assignment)), "--json", "--engine", "direct"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    assert proc.returncode == 1
    assert [l["notebook"] for l in lines] == [str(broken), str(release_notebook(assignment))]
    assert "not valid JSON" in lines[0]["error"] and lines[0]["score"] == 0
    assert set(lines[1]) >= {"assignment", "notebook", "engine", "score", "max_score", "tests", "integrity"}
    listed = {"id", "function", "points", "max_points", "passed", "message"}     # ../shared/ASSIGNMENTS.md
    added = {"status", "problem", "hint", "mistake"}                                  # README: the added fields
    assert all(listed <= set(t) <= listed | added for t in lines[1]["tests"]), lines[1]["tests"]
    assert all(t["status"] == "graded" for t in lines[1]["tests"])
    assert all(("problem" in t) == (not t["passed"]) for t in lines[1]["tests"])
