"""All of the class grading's access to nbgrader's gradebook and API, in one place:
the assignment's entry (``generate_assignment``), the students it holds, and
nbgrader's own autograde of one submission.

nbgrader (and ``engines.nbgrader_engine``, which imports it) are imported inside
the functions on purpose: they take seconds to import, and the otter and direct
engines, the report and the feedback never need them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from ..judge.session import NotebookGrader
from ..paths import source_notebook
from ..tools import ensure_tools_on_path
from .store import file_sha, write_atomic


def nbgrader_api(root: Path, grader: Optional[NotebookGrader] = None):
    """nbgrader's API on the course ``root``; its autograde grades with ``grader`` when given."""
    from nbgrader.apps import NbGraderAPI   # heavy: lazy
    from ..engines.nbgrader_engine import nbgrader_config
    c = nbgrader_config(root, grader=grader)
    # the gradebook entries come from the source notebook; release/ is left alone
    c.CourseDirectory.release_directory = str(root / ".depthlab" / "nbgrader-release")
    c.Application.log_level = "WARN"
    return NbGraderAPI(config=c)


def db_url(root: Path) -> str:
    return f"sqlite:///{root}/gradebook.db"


def ensure_gradebook(assignment: str, root: Path) -> None:
    """Put the assignment's cells in the course's gradebook (nbgrader
    generate_assignment, releasing into ``.depthlab/``) when its source changed."""
    ensure_tools_on_path()
    stamp = root / ".depthlab" / "gradebook" / f"{assignment}.sha"
    digest = file_sha(source_notebook(assignment, root))
    if stamp.exists() and stamp.read_text() == digest and _assignment_in_gradebook(assignment, root):
        return
    res = nbgrader_api(root).generate_assignment(assignment, force=True)
    if not res["success"]:
        from ..engines.nbgrader_engine import _last_error
        raise RuntimeError(f"nbgrader could not add {assignment} to the gradebook: {_last_error(res.get('log', ''))}")
    write_atomic(stamp, digest.encode())


def _assignment_in_gradebook(assignment: str, root: Path) -> bool:
    if not (root / "gradebook.db").exists():
        return False
    from nbgrader.api import Gradebook, MissingEntry   # heavy: lazy
    with Gradebook(db_url(root), "depthlab") as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def gradebook_students(assignment: str, root: Path) -> set:
    """Students with a submission of ``assignment`` in the gradebook."""
    if not (root / "gradebook.db").exists():
        return set()
    from nbgrader.api import Gradebook, MissingEntry   # heavy: lazy
    with Gradebook(db_url(root), "depthlab") as gb:
        try:
            return {s.student.id for s in gb.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()


class NbgraderAutograde:
    """``nbgrader autograde`` of one student's submission, run through nbgrader's
    API with ``grader`` (depthlab's judge, in place of Execute) doing the grading,
    so the gradebook and ``autograded/`` hold what nbgrader itself stores."""

    def __init__(self, assignment: str, root: Path, grader: NotebookGrader):
        self.assignment = assignment
        self.root = root
        # DepthlabJudge (inside nbgrader's autograde) grades with this grader and its pool
        self.api = nbgrader_api(root, grader)

    def autograded(self, student: str) -> Path:
        return self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"

    def run(self, student: str) -> str:
        """nbgrader's autograde of ``student``: "" when it stored a graded notebook, else why not."""
        from ..engines.nbgrader_engine import _last_error   # heavy (nbgrader): lazy
        res = self.api.autograde(self.assignment, student, force=True)
        if not res["success"] or not self.autograded(student).exists():
            return f"nbgrader could not grade it: {_last_error(res.get('log', ''))}"
        return ""

    def record(self, student: str) -> dict:
        """The result record nbgrader's autograde stored in ``student``'s graded notebook."""
        from ..engines.nbgrader_engine import RESULT_KEY   # heavy (nbgrader): lazy
        return json.loads(self.autograded(student).read_text())["metadata"][RESULT_KEY]
