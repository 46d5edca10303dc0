"""Final grades of a class graded without nbgrader's gradebook (``--engine direct`` or
``--engine otter``), from depthlab's result store.

The same :class:`~.gradebook.FinalGrade` as :func:`~.gradebook.final_grades`
gives for an nbgrader-engine class, computed the same way: the auto-graded
points, and the late penalty charged by the same plugin nbgrader's
``AssignLatePenalties`` calls (:class:`~depthlab.engines.late_penalty.PerDayLatePenalty`),
from the submission's ``timestamp.txt`` (kept in the store entry when it was
graded), the due date and the student's extension in ``course.toml``.  What
the store cannot have: the TA's written-answer scores (they live in nbgrader's
formgrader), so ``manual`` is 0 and :data:`NOTE` says so in the export.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import load_course
from ..judge.results import NotebookResult
from .gradebook import FinalGrade
from .store import ResultStore

NOTE = ("graded without nbgrader's gradebook (direct or otter engine): auto-graded points and late "
        "penalty only; written answers get their TA scores in nbgrader's formgrader (grade with "
        "--engine nbgrader for them)")


def store_final_grades(assignment: str, root: Path) -> list:
    """Every stored result of ``assignment`` as a :class:`FinalGrade` (empty when none)."""
    from nbgrader.utils import parse_utc   # nbgrader's own reading of timestamp.txt
    from ..engines.late_penalty import PerDayLatePenalty
    course = load_course(root)
    terms = course.terms(assignment)
    plugin = PerDayLatePenalty(penalty_method=course.late_penalty, per_day=course.per_day)
    due = terms.due.astimezone(dt.timezone.utc).replace(tzinfo=None) if terms.due else None
    out = []
    for entry in ResultStore(assignment, root).entries():
        result = NotebookResult.from_record(entry["record"])
        if result.error or not entry.get("student"):
            continue   # not graded: no grade to send (the report lists it)
        student, score = entry["student"], float(result.score)
        stamp = parse_utc(entry["submitted"]) if entry.get("submitted") else None
        late = 0.0
        if stamp is not None and due is not None:
            deadline = due + dt.timedelta(hours=terms.extension_hours(student))
            late = max(0.0, (stamp - deadline).total_seconds())
        penalty = float(plugin.late_submission_penalty(student, score, late) or 0.0) if late > 0 else 0.0
        out.append(FinalGrade(assignment, student, score, 0.0, score, penalty, max(0.0, score - penalty),
                              float(result.max_score), False, stamp, due, late))
    return sorted(out, key=lambda g: g.student)
