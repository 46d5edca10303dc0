"""Feedback for students: ``depthlab feedback ASSIGNMENT``.

One self-contained HTML page per graded student, written where nbgrader puts
feedback (``feedback/<student>/<a>/<a>.html``, so ``nbgrader release_feedback``
can hand it out): the score, each test passed or failed with its message (and
the other failing cases, by their labels), notes about the submission, and the
student's written answers with the TA's grade and comment once the gradebook
has them.  A failing hidden case shows what the assignment's ``hidden_cases``
in course.toml allows (:mod:`depthlab.judge.visibility`).  Beside a failing test's message is the student's own code of that
function (their solution cell), so a TA following the report's link reads
both.

Built only from the stored results and the student's own notebook: it never
contains a test cell, hidden-test code or reference code.  Everything the
student wrote is escaped (the template ``templates/feedback.html`` renders with
autoescape on).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from . import templates
from .judge.notebook import SubmissionError, grade_id, read_notebook
from .classgrade.store import load_results, write_atomic
from .judge.results import NotebookResult
from .paths import course_root
from .studentcode import solution_code

MAX_CASES_LISTED = 5
STUB = "YOUR ANSWER HERE"


@dataclass(frozen=True)
class WrittenAnswer:
    """One written question: the prompt shown, the student's answer, the TA's grade if any."""

    grade_id: str
    question: str
    answer: str
    points: Optional[float] = None        # max points
    score: Optional[float] = None         # the TA's score, once graded
    comment: str = ""


def written_answers(notebook: Optional[Path]) -> list[WrittenAnswer]:
    """The written-answer cells of a submission (the markdown cell before each is its question)."""
    if notebook is None or not Path(notebook).is_file():
        return []
    try:
        nb = read_notebook(Path(notebook))
    except SubmissionError:
        return []
    out = []
    previous = ""
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if cell.get("cell_type") == "markdown" and meta.get("grade") and meta.get("solution"):
            answer = cell.get("source", "").strip()
            out.append(WrittenAnswer(grade_id(cell) or "written", previous,
                                     "" if answer == STUB else answer, meta.get("points")))
        elif cell.get("cell_type") == "markdown":
            previous = cell.get("source", "")
    return out


def _manual_grades(assignment: str, student: str, root: Path) -> dict:
    """``{grade_id: (score, comment)}`` of manually graded cells in the gradebook."""
    if not (root / "gradebook.db").exists():
        return {}
    try:
        from .classgrade.gradebook import open_gradebook
        with open_gradebook(root) as gb:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            comments = {c.name: (c.manual_comment or "") for c in sub.comments}
            return {g.name: (g.manual_score, comments.get(g.name, "")) for g in sub.grades
                    if g.manual_score is not None or comments.get(g.name)}
    except Exception:   # no gradebook entry yet: nothing graded by hand
        return {}


def render(result: NotebookResult, written: Iterable[WrittenAnswer] = (), code: Optional[dict] = None) -> str:
    """The feedback page of one student (``templates/feedback.html``: autoescaped, self-contained).

    code: ``{function: the student's own solution cell}``; a failing test shows its
    function's code beside the message (the student's code only, never the reference)."""
    written = list(written)
    graded = [w.score for w in written if w.score is not None]
    tally = {"total": sum(w.points or 0 for w in written),
             "so_far": sum(graded) if graded else None,
             "waiting": sum(1 for w in written if w.score is None and w.answer)}
    return templates.render("feedback.html", r=result, who=result.student or Path(result.notebook).stem,
                            written=written, tally=tally, max_cases=MAX_CASES_LISTED, code=code or {},
                            notes=[f.detail for f in result.integrity] + [e.detail for e in result.events])


def feedback(assignment: str, *, root: Optional[Path] = None, out: Optional[Path] = None,
             students: Optional[Iterable[str]] = None) -> list[Path]:
    """Write one feedback page per stored result (only ``students``' when given: an id
    without a stored result raises ``ValueError``); return the paths written."""
    root = Path(root or course_root())
    out = Path(out) if out else root / "feedback"
    wanted = set(students) if students else None
    results = load_results(assignment, root)
    unknown = sorted((wanted or set()) - {r.student for r in results})
    if unknown:
        raise ValueError(f"no graded result of {', '.join(unknown)} for {assignment}: "
                         f"run `depthlab autograde {assignment} --student ID` first")
    from .config import load_course
    from .judge.visibility import for_students
    terms = load_course(root).terms(assignment)   # what a failing hidden case may show (course.toml)
    written = []
    for result in results:
        result = for_students(result, terms.hidden_cases, terms.due)
        student = result.student
        if not student or (wanted is not None and student not in wanted):
            continue
        notebook = root / "submitted" / student / assignment / f"{assignment}.ipynb"
        manual = _manual_grades(assignment, student, root)
        answers = [WrittenAnswer(w.grade_id, w.question, w.answer, w.points,
                                 manual.get(w.grade_id, (None, ""))[0], manual.get(w.grade_id, (None, ""))[1] or "")
                   for w in written_answers(notebook)]
        path = out / student / assignment / f"{assignment}.html"
        write_atomic(path, render(result, answers, solution_code(notebook)).encode("utf-8"))
        _exchange_files(notebook.parent, path.parent)
        written.append(path)
    return written


#: what ``nbgrader release_feedback`` reads beside each page: the submission's time and the
#: secret its exchange file name is hashed with (nbgrader 0.9.6, exchange/default/release_feedback.py;
#: ``nbgrader submit`` writes both, ``collect`` brings them into submitted/<student>/<a>/)
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def _exchange_files(submitted: Path, feedback_dir: Path) -> None:
    """Copy the submission's exchange files beside its feedback page, as ``nbgrader
    generate_feedback`` does, so that ``nbgrader release_feedback`` hands out our page."""
    import shutil
    for name in EXCHANGE_FILES:
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, feedback_dir / name)
