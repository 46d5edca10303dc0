"""All of depthlab's access to nbgrader's gradebook and API, in one place:
the assignment's entry (``generate_assignment``) with its due date, the
students it holds and their extensions, nbgrader's own autograde of one
submission, and each student's final grade (:func:`final_grades`).

nbgrader (and ``engines.nbgrader_engine``, which imports it) are imported inside
the functions on purpose: they take seconds to import, and the otter and direct
engines, the report and the feedback never need them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..config import AssignmentTerms, load_course
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


def open_gradebook(root: Path):
    """nbgrader's :class:`~nbgrader.api.Gradebook` of the course (use it in a ``with``)."""
    from nbgrader.api import Gradebook   # heavy: lazy
    return Gradebook(db_url(root), load_course(root).course_id)


def _naive_utc(when: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """nbgrader stores times as naive UTC (nbgrader.utils.parse_utc)."""
    return None if when is None else when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def apply_terms(assignment: str, root: Path, terms: AssignmentTerms, students, identities: dict) -> None:
    """The assignment's due date, and per student their extension and what the
    LMS says about them (name, email, LMS user id), into the gradebook, before
    nbgrader's autograde computes lateness from ``timestamp.txt``.  With nothing to
    write, the gradebook (and nbgrader) is not opened at all."""
    if terms.due is None and not any(identities.get(s) is not None or terms.extension_hours(s)
                                     for s in students):
        return
    with open_gradebook(root) as gb:
        if terms.due is not None:   # else keep what nbgrader has (db_assignments, formgrader)
            gb.update_or_create_assignment(assignment, duedate=_naive_utc(terms.due))
        for student in students:
            who = identities.get(student)
            info = {}
            if who is not None:
                first, _, last = (who.name or "").partition(" ")
                info = {k: v for k, v in (("first_name", first), ("last_name", last), ("email", who.email),
                                          ("lms_user_id", who.user_id)) if v}
            hours = terms.extension_hours(student)
            if not info and not hours:
                continue
            gb.update_or_create_student(student, **info)
            if hours:
                gb.update_or_create_submission(assignment, student, extension=dt.timedelta(hours=hours))


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


def _read_gradebook(root: Path, query: str, *args) -> Optional[list]:
    """The rows of a read-only ``query`` on the course's gradebook, read with sqlite3;
    None when the database does not have the tables and columns it names.

    Why not nbgrader's Gradebook here: a run's parent process asks only these two
    questions before its workers grade, and importing nbgrader for them cost 1.2 s of
    CPU at the moment the workers import it too.  The queries use nbgrader's own
    schema (``nbgrader/api.py``: ``assignment.name``, ``submitted_assignment``'s
    ``assignment_id`` and ``student_id``); should a later nbgrader change it, the
    callers ask nbgrader instead."""
    import sqlite3
    db = root / "gradebook.db"
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return con.execute(query, args).fetchall()
    except sqlite3.Error:
        return None
    finally:
        con.close()


def _assignment_in_gradebook(assignment: str, root: Path) -> bool:
    if not (root / "gradebook.db").exists():
        return False
    rows = _read_gradebook(root, "SELECT 1 FROM assignment WHERE name = ?", assignment)
    if rows is not None:
        return bool(rows)
    from nbgrader.api import MissingEntry   # heavy: lazy
    with open_gradebook(root) as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def gradebook_students(assignment: str, root: Path) -> set:
    """Students with a submission of ``assignment`` in the gradebook."""
    if not (root / "gradebook.db").exists():
        return set()
    rows = _read_gradebook(root, "SELECT s.student_id FROM submitted_assignment s JOIN assignment a "
                                 "ON s.assignment_id = a.id WHERE a.name = ?", assignment)
    if rows is not None:
        return {student for (student,) in rows}
    from nbgrader.api import MissingEntry   # heavy: lazy
    with open_gradebook(root) as gb:
        try:
            return {s.student.id for s in gb.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()


def share_gradebook_engines() -> None:
    """One SQLAlchemy engine per gradebook database in this process, not one per
    ``Gradebook()``.  nbgrader opens the gradebook nine times per autograded notebook,
    each time with a new engine, whose statement cache then starts empty: its 110
    queries per notebook were compiled again every time.  ``Gradebook.close()``
    still disposes of the engine's connections (SQLAlchemy reconnects on next use),
    so what reaches the database is unchanged.  For a process that autogrades many
    notebooks (a batch worker): measured 0.04 s of CPU less per notebook."""
    import nbgrader.api as api   # heavy: lazy
    if getattr(api.create_engine, "depthlab_shared", False):
        return
    original, made = api.create_engine, {}

    def create_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in made:
            made[key] = original(url, **options)
        return made[key]

    create_engine.depthlab_shared = True
    api.create_engine = create_engine
    _check_schema_once(api)


def _check_schema_once(api) -> None:
    """nbgrader's ``Gradebook()`` lists the database's tables and runs ``create_all``
    (a PRAGMA per table) on every opening: 9% of a batch worker's CPU (py-spy, ps2).
    With one engine per database (above), the check runs again only when the
    database file is not the one checked (deleted, replaced): the checked file is
    kept open, so its inode cannot be reused by another, and is compared with the
    path's.  nbgrader's own calls make every decision, so a new or emptied database
    is set up as nbgrader does.  No hook in nbgrader for this: its module's two names
    are wrapped, for this process only."""
    if getattr(api.inspect, "depthlab_once", False):
        return
    # engine -> the database file nbgrader last checked, held open (never closed: closing
    # any descriptor of a file drops this process's SQLite locks on it)
    checked: dict = {}
    retired: list = []   # handles of replaced files, kept open for the same reason
    inspect, create_all = api.inspect, api.Base.metadata.create_all

    def known(engine) -> bool:
        held = checked.get(engine)
        if held is None:
            return False
        try:
            now, then = os.stat(engine.url.database), os.fstat(held.fileno())
        except (OSError, TypeError, ValueError):
            return False
        return (now.st_dev, now.st_ino) == (then.st_dev, then.st_ino) and then.st_nlink > 0

    class Tables:   # what Gradebook.__init__ asks of sqlalchemy.inspect(): the table names
        depthlab_once = True

        def __init__(self, engine):
            self.engine = engine

        def get_table_names(self):
            if known(self.engine):
                return ["(checked)"]
            if self.engine in checked:          # create_all, next, must run
                retired.append(checked.pop(self.engine))
            return inspect(self.engine).get_table_names()

    def create_all_once(bind=None, **kw):
        if bind is not None and known(bind):
            return
        create_all(bind=bind, **kw)
        try:
            if bind in checked:
                retired.append(checked.pop(bind))
            checked[bind] = open(bind.url.database, "rb")   # noqa: SIM115 (held on purpose)
        except (OSError, TypeError, ValueError, AttributeError):
            pass

    api.inspect = Tables
    api.Base.metadata.create_all = create_all_once


class NbgraderAutograde:
    """``nbgrader autograde`` of one student's submission, run through nbgrader's
    API with ``grader`` (depthlab's judge, in place of Execute) doing the grading,
    so the gradebook and ``autograded/`` hold what nbgrader itself stores."""

    def __init__(self, assignment: str, root: Path, grader: NotebookGrader):
        self.assignment = assignment
        self.root = root
        share_gradebook_engines()
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


@dataclass(frozen=True)
class FinalGrade:
    """One student's grade for one assignment, as nbgrader's gradebook holds it.

    auto: the auto-graded points (code and task cells, TA overrides included);
    manual: the TA's points for the written answers (formgrader);
    raw: auto + manual (nbgrader's ``SubmittedAssignment.score``);
    penalty: the late penalty nbgrader's ``AssignLatePenalties`` stored;
    score: ``max(0, raw - penalty)``, what ``nbgrader export`` writes;
    needs_manual: a written answer is still ungraded (score counts it as 0);
    timestamp, duedate: naive UTC, or None; seconds_late: after any extension.
    """

    assignment: str
    student: str
    auto: float
    manual: float
    raw: float
    penalty: float
    score: float
    max_score: float
    needs_manual: bool
    timestamp: Optional[dt.datetime]
    duedate: Optional[dt.datetime]
    seconds_late: float


def final_grades(assignment: str, root: Path) -> list:
    """Every submission of ``assignment`` in the gradebook as a :class:`FinalGrade`,
    computed as nbgrader's own ``CsvExportPlugin`` does (score = raw score minus
    the late penalty, never below 0), so ``nbgrader export`` and ours agree."""
    from nbgrader.api import MissingEntry   # heavy: lazy
    if not (root / "gradebook.db").exists():
        raise FileNotFoundError(f"{root / 'gradebook.db'} does not exist: grade {assignment} with "
                                f"`depthlab autograde {assignment}` (nbgrader engine) first")
    out = []
    with open_gradebook(root) as gb:
        try:
            entry = gb.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(f"{assignment} is not in {root / 'gradebook.db'}: grade it with "
                             f"`depthlab autograde {assignment}` (nbgrader engine) first") from None
        for sub in sorted(entry.submissions, key=lambda s: s.student.id):
            raw = float(sub.score or 0.0)
            written = float(sub.written_score or 0.0)
            penalty = float(sub.late_submission_penalty or 0.0)
            out.append(FinalGrade(assignment, sub.student.id, raw - written, written, raw, penalty,
                                  max(0.0, raw - penalty), float(entry.max_score or 0.0),
                                  bool(sub.needs_manual_grade), sub.timestamp, entry.duedate,
                                  float(sub.total_seconds_late or 0.0)))
    return out
