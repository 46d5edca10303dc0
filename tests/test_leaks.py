"""Nothing a student receives holds a solution, a hidden test or reference code (issue 8).

Secret lines are the lines of the source notebooks' solution blocks, written
model answers and hidden-test blocks, and of ``solutions/*.py``, minus every
line the source notebook shows students anyway (its cells without those
blocks) and trivial lines (shorter than 16 characters, the markers).  They are
looked for in:

- ``release/<a>/`` (committed) and a fresh ``nbgrader generate_assignment``;
- the otter student material, ``assignments/<a>/student/``;
- nbgrader's feedback HTML (``nbgrader generate_feedback`` with this course's
  configuration) and depthlab's own feedback (``depthlab.feedback``);
- everything the grader sends into a student's kernel while grading.

And the run-time files that do hold them (``gradebook.db``, ``autograded/``,
``submitted/``, ``feedback/``) are ignored by git.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from depthlab import feedback
from depthlab.judge.notebook import HIDDEN, grade_id
from depthlab.judge.prepare import known_assignments
from depthlab.paths import course_root, source_notebook

from hostile.build import ASSIGNMENT, release_dir, release_nb, write

ROOT = course_root()
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M)
#: every registered assignment: a missing source notebook, release or student folder fails
ASSIGNMENTS = known_assignments()
MIN_LENGTH = 16
pytestmark = pytest.mark.xdist_group("leaks")


def _norm(line: str) -> str:
    return " ".join(line.split())


#: boilerplate a solution shares with any numpy code (converting an argument)
GENERIC = re.compile(r"^\w+ = np\.(asarray|array)\(\w+(, dtype=float)?\)$")


@lru_cache(maxsize=None)
def _blocks(assignment: str) -> tuple:
    """(secret-looking lines, lines the notebook shows students) of one source notebook."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    secret, public = set(), set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("solution") and cell.cell_type != "code" and not SOLUTION.search(cell.source):
            secret |= {_norm(l) for l in cell.source.splitlines()}     # a written model answer and rubric
            continue
        for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            secret |= {_norm(l) for l in block.splitlines()}
        public |= {_norm(l) for l in HIDDEN.sub("", SOLUTION.sub("", cell.source)).splitlines()}
    reference = ROOT / "solutions" / f"{assignment}.py"       # a missing reference fails, it does not shrink
    secret |= {_norm(l) for l in reference.read_text().splitlines()}
    return frozenset(secret), frozenset(public)


@lru_cache(maxsize=None)
def secret_lines(assignment: str) -> frozenset:
    """Lines students must never see, for one assignment: not shown by any
    assignment's notebook, not trivial, not boilerplate."""
    shown = frozenset().union(*(_blocks(a)[1] for a in ASSIGNMENTS))
    return frozenset(l for l in _blocks(assignment)[0] - shown
                     if len(l) >= MIN_LENGTH and not l.startswith("###") and not GENERIC.match(l))


def all_secrets() -> dict:
    return {line: a for a in ASSIGNMENTS for line in secret_lines(a)}


def notebook_text(path: Path) -> str:
    """Sources, outputs and metadata of a notebook, as plain lines."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = [json.dumps(nb.get("metadata", {}))]
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        parts.append("".join(source) if isinstance(source, list) else source)
        parts.append(json.dumps(cell.get("metadata", {})))
        for out in cell.get("outputs", []):
            for key in ("text", "traceback", "evalue"):
                value = out.get(key)
                if value:
                    parts.append("".join(value) if isinstance(value, list) else str(value))
            for value in (out.get("data") or {}).values():
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def html_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def file_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return notebook_text(path)
    if path.suffix in (".html", ".htm"):
        return html_text(path)
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        return ""      # binary (images, zips of the student material are not expected here)
    return data.decode("utf-8", errors="replace")


def leaks(text: str, secrets: dict) -> list:
    lines = {_norm(l) for l in text.splitlines()}
    flat = _norm(text)
    return sorted({f"{secrets[s]}: {s}" for s in secrets if s in lines or (len(s) >= 30 and s in flat)})


def assert_no_leak(paths, what: str) -> int:
    secrets = all_secrets()
    checked = 0
    for path in paths:
        found = leaks(file_text(path), secrets)
        assert not found, f"{what} {path} holds secret lines: {found[:5]}"
        checked += 1
    return checked


def test_secret_lines_are_found():
    """The yardstick is not empty: solutions, hidden tests and model answers are in it."""
    for a in ASSIGNMENTS:
        secrets = secret_lines(a)
        assert len(secrets) > 20, (a, len(secrets))
    assert ASSIGNMENT in ASSIGNMENTS, (ASSIGNMENT, ASSIGNMENTS)
    ps2 = secret_lines(ASSIGNMENT)
    assert any("np.exp(-np.abs(z))" in s for s in ps2)            # the reference sigmoid
    assert any(s.startswith("_") for s in ps2)                      # hidden-test helper lines
    assert any("Rubric" in s or "rubric" in s for s in ps2)         # the written answer's rubric


def test_the_check_catches_a_leak(tmp_path):
    """A release notebook with one solution cell left in is caught."""
    nb = release_nb()
    source = nbformat.read(source_notebook(ASSIGNMENT), as_version=4)
    solution = next(c.source for c in source.cells if grade_id(c) == "solution_sigmoid")
    nb.cells[next(i for i, c in enumerate(nb.cells) if grade_id(c) == "solution_sigmoid")].source = solution
    path = write(nb, tmp_path / "leaky.ipynb")
    assert leaks(file_text(path), all_secrets())
    hidden = next(c.source for c in source.cells if grade_id(c) == "test_sigmoid")
    nb.cells[0].source = HIDDEN.search(hidden).group(0)
    assert len(leaks(notebook_text(write(nb, tmp_path / "leaky2.ipynb")), all_secrets())) > 1


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_has_no_secret(assignment):
    folder = ROOT / "release" / assignment
    assert folder.is_dir(), f"release/{assignment} is missing (make release)"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert assert_no_leak(files, "release file") >= 1


@pytest.mark.slow
def test_fresh_release_has_no_secret():
    files = [p for p in release_dir().rglob("*") if p.is_file()]
    assert assert_no_leak(files, "generated release file") >= 1


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_otter_student_material_has_no_secret(assignment):
    folder = ROOT / "assignments" / assignment / "student"
    assert folder.is_dir(), f"assignments/{assignment}/student is missing"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert assert_no_leak(files, "otter student file") >= 1


@pytest.mark.slow
def test_nbgrader_feedback_has_no_secret(tmp_path):
    """Autograde two submissions (the blank release and one that prints and fails)
    through this course's nbgrader configuration, generate the feedback HTML, and
    look for hidden tests and reference code in it."""
    from depthlab.config import GradingConfig
    from depthlab.engines.nbgrader_engine import NbgraderCourse
    from hostile.build import with_snippets
    from depthlab.tools import ensure_tools_on_path
    ensure_tools_on_path()
    course = NbgraderCourse(ASSIGNMENT, ROOT, config=GradingConfig(test_timeout=5, cell_timeout=10))
    try:
        submissions = {"blank": write(release_nb(), tmp_path / "blank.ipynb"),
                       "wrong": write(with_snippets(["spectral_radius__plain_wrong", "cell__long_error_message"],
                                                    base=release_nb()), tmp_path / "wrong.ipynb")}
        for student, path in submissions.items():
            result = course.grade(path, student)
            assert result.error is None
        res = course.api.generate_feedback(ASSIGNMENT, force=True)
        assert res["success"], res.get("log", "")[-2000:]
        pages = sorted(course.root.glob(f"feedback/*/{ASSIGNMENT}/*.html"))
        assert len(pages) == 2, pages
        text = html_text(pages[0])
        assert "FAILED" in text or "PASSED" in text     # the judge's lines are in the feedback
        assert assert_no_leak(pages, "feedback page") == 2
        # the autograded notebooks DO hold hidden tests: that is why they stay with the instructor
        autograded = list(course.root.glob(f"autograded/*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        assert any(leaks(notebook_text(p), all_secrets()) for p in autograded)
    finally:
        course.close()


@pytest.mark.slow
def test_depthlab_feedback_has_no_secret(tmp_path):
    """depthlab's own feedback pages (``depthlab.feedback.render``) for the blank
    release and a wrong, noisy submission, written answers included."""
    from depthlab.config import GradingConfig
    from depthlab.grading import grade_notebooks
    from hostile.build import with_snippets
    notebooks = [write(release_nb(), tmp_path / "blank.ipynb"),
                 write(with_snippets(["spectral_radius__plain_wrong", "cell__long_error_message",
                                      "jacobian_power_norms__long_error_message"], base=release_nb()),
                       tmp_path / "wrong.ipynb")]
    results = grade_notebooks(ASSIGNMENT, notebooks, engine="direct", config=GradingConfig(test_timeout=5))
    pages = []
    for path, result in zip(notebooks, results):
        page = tmp_path / f"{path.stem}.html"
        page.write_text(feedback.render(result, feedback.written_answers(path)))
        pages.append(page)
    assert "failed" in html_text(pages[1])
    assert assert_no_leak(pages, "feedback page") == 2


@pytest.mark.slow
def test_nothing_secret_enters_the_students_kernel(tmp_path, monkeypatch):
    """Every piece of code the grader runs in a student's kernel (setup cells, the
    student's cells, the probe, the cases) while grading the blank release: no
    solution line, no hidden test, no reference code."""
    from depthlab.config import GradingConfig
    from depthlab.judge import kernel as kernel_module
    from depthlab.judge.session import NotebookGrader
    sent = []
    original = kernel_module.SandboxKernel.run

    def spy(self, code, timeout, clock=None):
        sent.append(code)
        return original(self, code, timeout, clock)

    monkeypatch.setattr(kernel_module.SandboxKernel, "run", spy)
    result = NotebookGrader(ASSIGNMENT, GradingConfig(test_timeout=5)).grade_path(
        write(release_nb(), tmp_path / "blank.ipynb")).result
    assert result.score == 0 and len(sent) > len(result.tests)
    found = leaks("\n".join(sent), all_secrets())
    assert not found, found[:5]


def test_run_time_files_are_git_ignored():
    """gradebook.db, autograded/, submitted/ and feedback/ hold hidden tests and
    grades: git ignores them and none is tracked."""
    paths = ["gradebook.db", "autograded/s1/ps2/ps2.ipynb", "submitted/s1/ps2/ps2.ipynb",
             "feedback/s1/ps2/ps2.html", "autograded/", "submitted/", "feedback/"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr      # 128: not a git checkout (the tests run in one)
    ignored = set(proc.stdout.split())
    assert ignored == set(paths), set(paths) - ignored
    tracked = subprocess.run(["git", "ls-files", "gradebook.db", "autograded", "submitted", "feedback"],
                             cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked == [], tracked
