"""nbgrader's OverwriteCells and SaveAutoGrades, with the gradebook's per-cell lookups
answered from one query per notebook.

nbgrader 0.9.6 asks the gradebook, for every graded cell of every notebook, for the
cell's source entry and its graded entry (OverwriteCells), then for its grade and
its comment, committing after each (SaveAutoGrades): about 110 SQL queries and 40
commits per depthlab notebook, 37% of a batch worker's CPU for ps2 (py-spy, 40
notebooks), more than depthlab's judge.  The subclasses here run nbgrader's own
``preprocess`` and ``preprocess_cell`` unchanged; only the gradebook they talk to
is a stand-in (:class:`Lookups`) that answers ``find_source_cell``,
``find_graded_cell``, ``find_grade`` and ``find_comment`` from what one query per
notebook loaded, with nbgrader's precedence (a grade cell before a task cell of the
same name, a solution cell before a task cell) and nbgrader's ``MissingEntry``; and
SaveAutoGrades's commits become one, made before nbgrader closes the gradebook.
Everything else reaches the real gradebook.  The gradebook ends up holding the same
rows (tests/test_gradebook_lookups.py compares them with stock nbgrader's).

Written here because nbgrader has no batch lookup API and no hook between opening
its gradebook and processing the cells; the mixins sit between nbgrader's class and
``NbGraderPreprocessor`` in the method order, which is inside nbgrader's
``with gradebook:`` block.
"""
from __future__ import annotations

from nbgrader.api import BaseCell, Comment, Grade, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells, SaveAutoGrades


class _DeferredCommit:
    """The gradebook's session, with ``commit`` put off until :meth:`commit_now`."""

    def __init__(self, db):
        self._db = db

    def commit(self) -> None:
        pass

    def commit_now(self) -> None:
        self._db.commit()

    def __getattr__(self, name):
        return getattr(self._db, name)


class Lookups:
    """A gradebook whose named lookups come from dicts ``{kind: {name: entry}}``;
    anything else is the real gradebook's."""

    def __init__(self, gradebook, found: dict, what: str, db=None):
        self._gradebook = gradebook
        self._found = found
        self._what = what            # for the MissingEntry message, as nbgrader words it
        self.db = db if db is not None else gradebook.db

    def _find(self, kind: str, name: str):
        try:
            return self._found[kind][name]
        except KeyError:
            raise MissingEntry(f"No such {kind}: {self._what}/{name}") from None

    def find_source_cell(self, name, notebook, assignment):
        return self._find("source cell", name)

    def find_graded_cell(self, name, notebook, assignment):
        return self._find("graded cell", name)

    def find_grade(self, grade_cell, notebook, assignment, student):
        return self._find("grade", grade_cell)

    def find_comment(self, solution_cell, notebook, assignment, student):
        return self._find("comment", solution_cell)

    def __getattr__(self, name):
        return getattr(self._gradebook, name)


def _by_name(rows, preferred: str) -> dict:
    """{cell name: entry} from ``(entry, name, type)`` rows, a ``preferred``-type cell
    winning over another type of the same name (nbgrader queries it first)."""
    found: dict = {}
    for entry, name, kind in rows:
        if name not in found or kind == preferred:
            found[name] = entry
    return found


class _SourceLookups(NbGraderPreprocessor):
    """Inside OverwriteCells's ``with gradebook:``: the notebook's source and graded
    cells, loaded once."""

    def preprocess(self, nb, resources):
        real = self.gradebook
        try:
            notebook = real.find_notebook(self.notebook_id, self.assignment_id)
        except MissingEntry:
            return super().preprocess(nb, resources)   # nbgrader's own lookups say what is missing
        graded = [(c, c.name, c.type) for c in list(notebook.grade_cells) + list(notebook.task_cells)]
        found = {"source cell": {c.name: c for c in notebook.source_cells},
                 "graded cell": _by_name(graded, "GradeCell")}
        self.gradebook = Lookups(real, found, f"{self.assignment_id}/{self.notebook_id}")
        try:
            return super().preprocess(nb, resources)
        finally:
            self.gradebook = real


class OverwriteCellsOnce(OverwriteCells, _SourceLookups):
    """nbgrader's OverwriteCells (same checks, messages and settings), two queries per notebook."""


def _named(db, table, submitted_id, kinds) -> list:
    """``(entry, cell name, cell type)`` for the submitted notebook's rows of ``table``
    (Grade or Comment) whose cell is one of ``kinds``, as nbgrader's lookups join them."""
    return (db.query(table, BaseCell.name, BaseCell.type).join(BaseCell, BaseCell.id == table.cell_id)
            .filter(table.notebook_id == submitted_id, BaseCell.type.in_(kinds)).all())


class _SubmissionLookups(NbGraderPreprocessor):
    """Inside SaveAutoGrades's ``with gradebook:``: the submitted notebook's grades and
    comments, loaded once, and one commit at the end."""

    def preprocess(self, nb, resources):
        real = self.gradebook
        db = real.db
        try:
            submitted = real.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
        except MissingEntry:
            return super().preprocess(nb, resources)
        grades = _named(db, Grade, submitted.id, ("GradeCell", "TaskCell"))
        comments = _named(db, Comment, submitted.id, ("SolutionCell", "TaskCell"))
        session = _DeferredCommit(db)
        self.gradebook = Lookups(real, {"grade": _by_name(grades, "GradeCell"),
                                        "comment": _by_name(comments, "SolutionCell")},
                                 f"{self.assignment_id}/{self.notebook_id}", db=session)
        try:
            nb, resources = super().preprocess(nb, resources)
            session.commit_now()
            return nb, resources
        finally:
            self.gradebook = real


class SaveAutoGradesOnce(SaveAutoGrades, _SubmissionLookups):
    """nbgrader's SaveAutoGrades (same scores, comments and review flags), three queries
    and one commit per notebook."""
