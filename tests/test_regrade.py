"""Regrading after a fix, and grading one late student: after the checks change,
does ``depthlab autograde`` say whose score changed, by how much and which test
did it; does ``--student`` grade that student only; does the TA report link each
failing student to a feedback page that shows their code beside the message?
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from depthlab import classgen
from depthlab.classgrade.regrade import compare, load_changes, score_changes
from depthlab.classgrade.store import ResultStore
from depthlab.judge import results as R

from test_batch import A, BIN, _course, _env

PACKAGE = Path(__file__).resolve().parents[1] / "autograder" / "depthlab"


def _entry(student, points_by_test, fingerprint="f1", sha="s1"):
    tests = tuple(R.TestResult(t, t.removeprefix("test_"), p, 3.0, p == 3.0, f"{t} message {p}")
                  for t, p in points_by_test.items())
    record = R.NotebookResult(A, f"{student}.ipynb", "direct", tests, student=student).to_record()
    return {"student": student, "fingerprint": fingerprint, "sha256": sha, "engine": "direct", "record": record}


def test_a_change_names_the_test_the_delta_and_the_cause():
    old = _entry("ann", {"test_a": 3.0, "test_b": 1.0})
    new = _entry("ann", {"test_a": 3.0, "test_b": 3.0}, fingerprint="f2")
    change = compare("ann", old, new)
    assert (change.before, change.after, change.delta) == (4.0, 6.0, 2.0)
    assert [(t.test, t.before, t.after) for t in change.tests] == [("test_b", 1.0, 3.0)]
    assert "checks" in change.cause and "the notebook changed" not in change.cause
    assert compare("ann", old, _entry("ann", {"test_a": 3.0, "test_b": 1.0}, fingerprint="f2")) is None
    changes = score_changes({"ann": old, "ben": None}, {"ann": new, "ben": new})
    assert [c.student for c in changes] == ["ann"]     # ben was graded for the first time: not a change


def _autograde(root: Path, *args, **env) -> str:
    proc = subprocess.run([str(BIN / "depthlab"), "autograde", A, "--engine", "direct", "--jobs", "1", "--quiet",
                           *args], cwd=root, env=_env(root, **env), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.slow
@pytest.mark.timeout(1200)   # two class gradings through real kernels; minutes at a load average of 15
def test_regrading_after_a_check_changes_reports_who_changed_by_how_much_and_why(tmp_path):
    """Grade a class of 3; reweight test_backprop_chain (3 -> 5 points) in a copy of
    the checks; regrade: every student earning points on it is listed with +2/3 of
    the share they earned, the test named, in the output, the store and the report."""
    root = _course(tmp_path)
    roster = classgen.generate_class(A, 3, root, seed=5)
    _autograde(root)
    before = {r.student: r for r in ResultStore(A, root).results()}
    fixed = tmp_path / "fixed"
    shutil.copytree(PACKAGE, fixed / "depthlab", ignore=shutil.ignore_patterns("__pycache__"))
    checks = fixed / "depthlab" / "checks" / f"{A}.py"
    text = checks.read_text()
    assert 'FunctionTest("backprop_chain", 3,' in text
    checks.write_text(text.replace('FunctionTest("backprop_chain", 3,', 'FunctionTest("backprop_chain", 5,'))
    out = _autograde(root, PYTHONPATH=fixed)
    earned = {s: next(t.points for t in r.tests if t.id == "test_backprop_chain") for s, r in before.items()}
    movers = {s for s, p in earned.items() if p > 0}
    assert movers, f"no student earned points on backprop_chain: {earned}"
    when, changes = load_changes(A, root)
    assert when and {c.student for c in changes} == movers
    for c in changes:
        expected = round(earned[c.student] * 5 / 3, 2) - earned[c.student]
        assert c.delta == pytest.approx(expected, abs=0.02)
        assert [t.test for t in c.tests] == ["test_backprop_chain"]
        assert "checks" in c.cause
        line = next(l for l in out.splitlines() if l.strip().startswith(f"{c.student}:"))
        assert f"({c.delta:+g})" in line and "test_backprop_chain" in line
    assert f"{len(changes)} scores changed" in out
    page = (root / "reports" / A / "report.html").read_text()
    assert "Scores changed by the last regrade" in page and "test_backprop_chain" in page
    assert all(c.student in page for c in changes)
    untouched = [s.id for s in roster.students if s.id not in movers]
    assert all(f"{s}:" not in out.split("scores changed by the last regrade")[-1] for s in untouched)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_one_late_student_is_graded_alone_and_linked_from_the_report(tmp_path):
    """``--student`` grades that student only (everyone else's stored result is kept
    byte for byte); ``feedback --student`` writes that page only; the report links
    each student of a failing group to their page, which shows their code of the
    failing function beside the message."""
    root = _course(tmp_path)
    roster = classgen.generate_class(A, 3, root, seed=5)
    late = roster.students[-1].id
    kept = {s.id: s for s in roster.students[:-1]}
    shutil.rmtree(root / "submitted" / late)
    _autograde(root)
    store = ResultStore(A, root)
    saved = {p.stem: p.read_bytes() for p in store.folder.glob("*.json")}
    assert set(saved) == set(kept)
    classgen.write_class(classgen.make_class(A, 3, seed=5), root)        # the late notebook arrives
    for s in kept:   # the others' notebooks change too, yet are not regraded
        nb = root / "submitted" / s / A / f"{A}.ipynb"
        nb.write_text(nb.read_text().replace("YOUR ANSWER HERE", "changed after the deadline"))
    out = _autograde(root, "--student", late)
    assert "1 graded, 0 kept" in out
    now = {p.stem: p.read_bytes() for p in store.folder.glob("*.json")}
    assert set(now) == set(kept) | {late} and all(now[s] == saved[s] for s in kept)
    bad = subprocess.run([str(BIN / "depthlab"), "autograde", A, "--student", "nobody"], cwd=root, env=_env(root),
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "no submission of nobody" in bad.stderr

    proc = subprocess.run([str(BIN / "depthlab"), "feedback", A, "--student", late], cwd=root, env=_env(root),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    pages = sorted(p.relative_to(root / "feedback").parts[0] for p in (root / "feedback").rglob("*.html"))
    assert pages == [late]
    subprocess.run([str(BIN / "depthlab"), "feedback", A], cwd=root, env=_env(root), check=True, capture_output=True)
    subprocess.run([str(BIN / "depthlab"), "report", A], cwd=root, env=_env(root), check=True, capture_output=True)
    report = (root / "reports" / A / "report.html").read_text()
    failing = [r for r in store.results() for t in r.tests if not t.passed and not r.error]
    assert failing, "the generated class has no failing test to link from"
    r = failing[0]
    test = next(t for t in r.tests if not t.passed)
    href = f"../../feedback/{r.student}/{A}/{A}.html"
    assert f'<a href="{href}">{r.student}</a>' in report
    page = (root / "reports" / A / href).resolve().read_text()
    code = json.loads((root / "submitted" / r.student / A / f"{A}.ipynb").read_text())
    cell = next(c for c in code["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == f"solution_{test.function}")
    source = "".join(cell["source"])
    body = [l for l in source.splitlines() if l.strip() and not l.strip().startswith(("#", '"', "'"))][-1]
    from markupsafe import escape
    assert f"your code of {test.function}" in page and str(escape(body)) in page
    assert re.search(r"your code, where a test failed", page)


def test_the_feedback_page_shows_the_students_code_of_a_failing_function_only():
    from depthlab.feedback import render
    tests = (R.TestResult("test_sigmoid", "sigmoid", 0.0, 2.0, False, "sigmoid(z=0): returned <nan>, expected 0.5"),
             R.TestResult("test_forward_chain", "forward_chain", 2.0, 2.0, True, "forward_chain: all cases passed"))
    result = R.NotebookResult(A, "ann.ipynb", "direct", tests, student="ann")
    code = {"sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z)) if z < 0 else '<b>'\n",
            "forward_chain": "def forward_chain(w, x):\n    return SECRET_OF_A_PASSING_FUNCTION\n"}
    page = render(result, (), code)
    assert "your code of sigmoid" in page and "return 1 / (1 + np.exp(-z)) if z &lt; 0 else &#39;&lt;b&gt;&#39;" in page
    assert "SECRET_OF_A_PASSING_FUNCTION" not in page and "your code of forward_chain" not in page
    assert "your code of" not in render(result, ())
