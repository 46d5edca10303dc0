"""Feedback for students: ``depthlab feedback ASSIGNMENT``.

One self-contained HTML page per graded student, written where nbgrader puts
feedback (``feedback/<student>/<a>/<a>.html``, so ``nbgrader release_feedback``
can hand it out): the score, each test passed or failed with its message (and
the other failing cases, by their labels), notes about the submission, and the
student's written answers with the TA's grade and comment once the gradebook
has them.

Built only from the stored results and the student's own notebook: it never
contains a test cell, hidden-test code or reference code.  Everything the
student wrote is escaped.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .judge.notebook import SubmissionError, grade_id, read_notebook
from .judge.results import NotebookResult
from .paths import course_root

MAX_CASES_LISTED = 5
STUB = "YOUR ANSWER HERE"

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
.score{font-size:1.3em;font-weight:600}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.4em;vertical-align:top;text-align:left}
.pass{color:#1a7f37;font-weight:600} .fail{color:#cf222e;font-weight:600}
.msg{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;white-space:pre-wrap;overflow-wrap:anywhere}
.answer{background:#f6f8fa;border-left:3px solid #999;padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere}
.note{background:#fff8c5;padding:.5em;border-radius:4px}
ul.cases{margin:.3em 0 0 1em;padding:0}
"""


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
        from nbgrader.api import Gradebook, MissingEntry
        with Gradebook(f"sqlite:///{root}/gradebook.db", "depthlab") as gb:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            comments = {c.name: (c.manual_comment or "") for c in sub.comments}
            return {g.name: (g.manual_score, comments.get(g.name, "")) for g in sub.grades
                    if g.manual_score is not None or comments.get(g.name)}
    except Exception:   # no gradebook entry yet: nothing graded by hand
        return {}


def render(result: NotebookResult, written: Iterable[WrittenAnswer] = ()) -> str:
    """The feedback page of one student (escaped, self-contained)."""
    e = html.escape
    who = result.student or Path(result.notebook).stem
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8>",
             f"<title>{e(result.assignment)}: feedback for {e(who)}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(result.assignment)}: feedback for {e(who)}</h1>",
             f"<p class=score>Auto-graded score: {result.score:g} / {result.max_score:g}</p>"]
    written = list(written)
    if written:
        pending = [w for w in written if w.score is None and w.answer]
        manual = sum(w.score for w in written if w.score is not None)
        total = sum(w.points or 0 for w in written)
        parts.append(f"<p>Written answers ({total:g} points) are graded by a TA: "
                     + (f"{manual:g} points so far" if any(w.score is not None for w in written) else "not graded yet")
                     + (f", {len(pending)} waiting" if pending and any(w.score is not None for w in written) else "")
                     + ".</p>")
    if result.error:
        parts.append(f"<p class=note>Your notebook could not be graded: {e(result.error)}</p>")
    notes = [f.detail for f in result.integrity] + list(result.events)
    if notes:
        parts.append("<h2>Notes about your submission</h2><ul>"
                     + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    parts.append("<h2>Tests</h2><table><tr><th>function</th><th>points</th><th>result</th></tr>")
    for t in result.tests:
        status = "<span class=pass>passed</span>" if t.passed else "<span class=fail>failed</span>"
        failing = [c for c in t.cases if not c.passed]
        more = ""
        if len(failing) > 1:
            listed = "".join(f"<li class=msg>{e(c.message)}</li>" for c in failing[1:1 + MAX_CASES_LISTED])
            extra = len(failing) - 1 - MAX_CASES_LISTED
            more = f"<ul class=cases>{listed}</ul>" + (f"<p>and {extra} more failing cases</p>" if extra > 0 else "")
        parts.append(f"<tr><td>{e(t.function or t.id)}</td><td>{t.points:g} / {t.max_points:g}</td>"
                     f"<td>{status}<div class=msg>{e(t.message)}</div>{more}</td></tr>")
    parts.append("</table>")
    if written:
        parts.append("<h2>Your written answers</h2>")
        for w in written:
            grade = (f"<p>TA grade: {w.score:g} / {w.points or 0:g}" + (f" &mdash; {e(w.comment)}" if w.comment else "")
                     + "</p>") if w.score is not None else "<p>Not graded yet.</p>"
            parts.append(f"<h3>{e(w.grade_id)}</h3>"
                         + (f"<div class=msg>{e(w.question.strip())}</div>" if w.question.strip() else "")
                         + f"<div class=answer>{e(w.answer) if w.answer else '<em>no answer</em>'}</div>{grade}")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def feedback(assignment: str, *, root: Optional[Path] = None, out: Optional[Path] = None,
             students: Optional[Iterable[str]] = None) -> list[Path]:
    """Write one feedback page per stored result; return the paths written."""
    from .batch import _write_atomic, load_results
    root = Path(root or course_root())
    out = Path(out) if out else root / "feedback"
    wanted = set(students) if students else None
    written = []
    for result in load_results(assignment, root):
        student = result.student
        if not student or (wanted is not None and student not in wanted):
            continue
        notebook = root / "submitted" / student / assignment / f"{assignment}.ipynb"
        manual = _manual_grades(assignment, student, root)
        answers = [WrittenAnswer(w.grade_id, w.question, w.answer, w.points,
                                 manual.get(w.grade_id, (None, ""))[0], manual.get(w.grade_id, (None, ""))[1] or "")
                   for w in written_answers(notebook)]
        path = out / student / assignment / f"{assignment}.html"
        _write_atomic(path, render(result, answers).encode("utf-8"))
        written.append(path)
    return written
