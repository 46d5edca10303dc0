"""When hidden cases are shown (issue 15, item 5): course.toml's ``hidden_cases`` per assignment.

``full`` shows a failing hidden case's input and expected value, ``hint`` only which
function failed and the hint, ``after_due`` nothing until the due date, then as
``full``.  Checked on what each place shows the student: depthlab's feedback
page, the test cells' outputs of nbgrader's autograded notebook and its
``generate_feedback`` page, and otter's results for Gradescope (per-test
``visibility``, https://gradescope-autograders.readthedocs.io/en/latest/specs/).
The instructor's record (stored result, plugin data) keeps everything.

The engine tests grade one notebook (the ps2 release, the reference with a
mistake in sigmoid that only a hidden case finds) once per choice and engine: six gradings, marked slow.
"""
from __future__ import annotations

import datetime as dt
import json
from html import unescape
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from depthlab import classgen
from depthlab.config import CourseConfigError, load_course
from depthlab.engines import otter_assign
from depthlab.engines.otter_plugin import replace_results, result_from_plugin_data
from depthlab.judge.prepare import load_spec
from depthlab.judge.results import CaseResult, NotebookResult
from depthlab.judge.results import TestResult as _TestResult
from depthlab.judge.visibility import for_students
from depthlab.paths import course_root

A = "ps2_vanishing_gradients"
FUNCTION, MISTAKE = "sigmoid", "naive_overflows"   # its first failing case is a hidden one, with a hint
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
PAST, FUTURE = dt.datetime(2026, 10, 1, 23, 59, tzinfo=UTC), dt.datetime(2026, 10, 9, 23, 59, tzinfo=UTC)
PROBLEM = "backprop_chain(w=[0.3, -1.2], x=0.5): entry [0] of the result is 0.05611, expected -0.0202"
HINT = "each step multiplies by the weight w[t] as well as by sigmoid'(w[t] * h[t])"


def toml(shown: str, due: dt.datetime | None = None, default: str | None = None) -> str:
    head = f'hidden_cases = "{default}"\n' if default else ""
    return head + f'[assignments.{A}]\nhidden_cases = "{shown}"\n' + (f"due = {due:%Y-%m-%dT%H:%M:%SZ}\n" if due else "")


def failing(public: bool = False) -> NotebookResult:
    cases = (CaseResult("case 1", True, "", True),
             CaseResult("hidden 3", False, f"{PROBLEM}. Hint: {HINT}", public, PROBLEM, HINT, "forgets_weight"),
             CaseResult("hidden 4", False, "backprop_chain(w=[2.0], x=1.0): expected 0.1", False, "p", HINT))
    bad = _TestResult("test_backprop_chain", "backprop_chain", 1.0, 3.0, False, f"{PROBLEM}. Hint: {HINT}", cases,
                     problem=PROBLEM, hint=HINT, mistake="forgets_weight")
    good = _TestResult("test_sigmoid", "sigmoid", 2.0, 2.0, True, "all 12 cases passed")
    return NotebookResult(A, "nb.ipynb", "nbgrader", (good, bad), student="alice")


# --------------------------------------------------------------------------- course.toml

def test_hidden_cases_come_from_course_toml_per_assignment_with_a_course_default(tmp_path):
    (tmp_path / "course.toml").write_text(toml("hint", default="full")
                                          + '[assignments.ps1_gradient_ratios]\ndue = 2026-10-01T23:59:00Z\n')
    course = load_course(tmp_path)
    assert course.terms(A).hidden_cases == "hint"
    assert course.terms("ps1_gradient_ratios").hidden_cases == "full"
    assert course.terms("ps4_convexity").hidden_cases == "full"        # not in the file: the default
    assert load_course(tmp_path / "nowhere").terms(A).hidden_cases == "full"


@pytest.mark.parametrize("text, says", [
    (toml("secret"), r"hidden_cases is 'secret'; use \"full\""),
    ('hidden_cases = "never"\n', r"hidden_cases is 'never'"),
    (toml("after_due"), "needs a due date"),
    ('hidden_cases = "after_due"\n[assignments.ps1_gradient_ratios]\nextensions = { a = 1 }\n', "needs a due date"),
])
def test_a_bad_hidden_cases_setting_says_what_to_write(tmp_path, text, says):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(CourseConfigError, match=says):
        load_course(tmp_path)


# --------------------------------------------------------------------------- the student's copy

def test_full_shows_everything():
    assert for_students(failing(), "full", PAST, NOW) == failing()


def test_hint_names_the_function_and_the_hint_only():
    got = {t.id: t for t in for_students(failing(), "hint", None, NOW).tests}
    t = got["test_backprop_chain"]
    assert t.message == f"backprop_chain: fails on a hidden case. Hint: {HINT}"
    assert "0.3" not in json.dumps(t.__dict__, default=str) and t.problem == ""
    assert [c.label for c in t.cases] == ["case 1"]                      # no hidden case left
    assert (t.points, t.passed) == (1.0, False) and got["test_sigmoid"] == failing().tests[0]


def test_after_due_shows_nothing_before_the_due_date_and_everything_after():
    before = for_students(failing(), "after_due", FUTURE, NOW).tests[1]
    assert before.message == "backprop_chain: fails on a hidden case; which one is shown after the due date " \
                             "(2026-10-09 23:59 UTC)."
    assert HINT not in before.message and before.hint == "" and before.problem == ""
    assert for_students(failing(), "after_due", PAST, NOW) == failing()


def test_a_failing_case_the_notebook_shows_is_never_hidden():
    assert for_students(failing(public=True), "hint", None, NOW) == failing(public=True)


def test_gradescope_results_carry_the_choice_as_visibility():
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults
    seen = {}
    for shown in ("full", "hint", "after_due"):
        results = GradingResults([])
        replace_results(results, failing(), shown)
        out = results.to_gradescope_dict(AutograderConfig({"show_all_public": True}))
        seen[shown] = {t["name"]: t for t in out["tests"] if "score" in t}
        assert result_from_plugin_data(results).tests == failing().tests   # the instructor's record: everything
    name = otter_assign.question_name("test_backprop_chain")
    assert seen["full"][name]["visibility"] == "visible" and PROBLEM in seen["full"][name]["output"]
    assert seen["hint"][name]["visibility"] == "visible" and PROBLEM not in seen["hint"][name]["output"]
    assert HINT in seen["hint"][name]["output"]
    # after_due: Gradescope holds the failing test back until the due date, then shows it in full
    assert seen["after_due"][name]["visibility"] == "after_due_date" and PROBLEM in seen["after_due"][name]["output"]
    assert seen["after_due"][otter_assign.question_name("test_sigmoid")]["visibility"] == "visible"


def test_nbgrader_feedback_rewrites_only_the_test_cells(tmp_path):
    """StudentMessages (in generate_feedback) writes the graded cells' messages as the student
    may read them, from the record the autograded notebook carries; the student's own
    outputs stay."""
    from depthlab.engines.nbgrader_engine import RESULT_KEY, StudentMessages
    (tmp_path / "course.toml").write_text(toml("hint"))
    own = nbformat.v4.new_output("stream", name="stdout", text="my own print\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('my own print')", outputs=[own]),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {"grade": True, "grade_id": "test_backprop_chain",
                                                             "points": 3.0}})])
    nb.metadata[RESULT_KEY] = failing().to_record()
    StudentMessages(config=Config({"CourseDirectory": {"root": str(tmp_path)}})).preprocess(nb, {})
    assert nb.cells[0].outputs == [own]
    assert nb.cells[1].outputs[0]["text"] == f"FAILED: backprop_chain: fails on a hidden case. Hint: {HINT}\n"
    assert nb.cells[1].outputs[1]["data"]["text/plain"] == "1.0"


# --------------------------------------------------------------------------- both engines, one notebook

@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Path:
    """The ps2 release with the reference answers, ``sigmoid`` with a mistake kept as test data."""
    wrong = dict(classgen.variant_sources(A, "mutants")[FUNCTION])[MISTAKE]
    answers = {**classgen.reference_sources(A), FUNCTION: wrong}
    path = tmp_path_factory.mktemp("visibility") / f"{A}.ipynb"
    nbformat.write(classgen.fill_release(A, answers), str(path))
    return path


def _course(tmp_path: Path, shown: str, due=None) -> Path:
    root = tmp_path / "course"
    root.mkdir(exist_ok=True)
    (root / "course.toml").write_text(toml(shown, due))
    return root


def _check(shown: str, full: _TestResult, text: str) -> None:
    """What the student reads about the failing function under ``shown`` (full: the stored record)."""
    first = next(c for c in full.cases if not c.passed)
    assert full.problem and full.hint and not full.passed and not first.public
    assert FUNCTION in text
    if shown == "full":
        assert full.problem in text and first.label in text
    else:
        assert full.problem not in text and first.label not in text
        assert (full.hint in text) == (shown == "hint")
        assert ("after the due date" in text) == (shown == "after_due")


def failed_output(root: Path) -> str:
    """The failing test cell's output on nbgrader's feedback page (the notebook's only failing test)."""
    page = unescape((root / "feedback" / "alice" / A / f"{A}.html").read_text())
    assert page.count("FAILED: ") == 1
    return page.split("FAILED: ", 1)[1].split("</pre>", 1)[0]


CHOICES = [("full", None), ("hint", None), ("after_due", dt.datetime(2100, 1, 1, tzinfo=UTC))]


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("shown, due", CHOICES, ids=[c[0] for c in CHOICES])
def test_nbgrader_engine_outputs_and_feedback_follow_the_choice(tmp_path, submission, shown, due):
    from depthlab.engines.nbgrader_engine import NbgraderCourse
    root = _course(tmp_path, shown, due)
    course = NbgraderCourse(A, course_root(), workdir=root)
    full = {t.id: t for t in course.grade(submission, "alice").tests}["test_sigmoid"]
    nb = nbformat.read(str(root / "autograded" / "alice" / A / f"{A}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid")
    _check(shown, full, cell.outputs[0]["text"])
    assert nb.metadata["depthlab"]["tests"]                               # the full record travels on
    assert course.api.generate_feedback(A, "alice", force=True)["success"]
    _check(shown, full, failed_output(root))
    if shown == "after_due":   # the due date passes: feedback generated now shows the case in full
        (root / "course.toml").write_text(toml(shown, dt.datetime(2000, 1, 1, tzinfo=UTC)))
        assert course.api.generate_feedback(A, "alice", force=True)["success"]
        _check("full", full, failed_output(root))


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("shown, due", CHOICES, ids=[c[0] for c in CHOICES])
def test_otter_engine_results_follow_the_choice(tmp_path, submission, shown, due):
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from depthlab.engines.otter_engine import OtterBackend, run_autograder
    root = _course(tmp_path, shown, due)
    backend = OtterBackend(A, root=root, autograder=otter_assign.zip_path(A, course_root()))
    try:
        results = run_autograder(submission, backend.autograder)
    finally:
        backend.close()
    full = {t.id: t for t in result_from_plugin_data(results).tests}["test_sigmoid"]
    out = results.to_gradescope_dict(AutograderConfig({"show_all_public": True}))
    test = next(t for t in out["tests"] if t["name"] == otter_assign.question_name("test_sigmoid"))
    if shown == "after_due":   # Gradescope shows it after the due date, in full
        assert test["visibility"] == "after_due_date"
        _check("full", full, test["output"])
    else:
        assert test["visibility"] == "visible"
        _check(shown, full, test["output"])
