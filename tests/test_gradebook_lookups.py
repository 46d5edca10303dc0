"""OverwriteCellsOnce and SaveAutoGradesOnce (engines/gradebook_lookups.py) leave the
gradebook and the autograded notebook exactly as nbgrader's own OverwriteCells and
SaveAutoGrades do.

Two scratch courses grade the same submissions through real nbgrader and the same
depthlab judge (one kernel pool): one with depthlab's configuration, one with
nbgrader's two classes put back.  The submissions: the source notebook, the blank
release, a generated class (reference, blank, mixed and hostile students), and the
filled release edited as students edit: a test cell, an answer cell or a task cell
deleted, points, lock, checksum, cell type and ids changed.  Then a TA's manual score
and comment, and a regrade, which nbgrader must flag for review in both.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import nbformat
import pytest

from depthlab.classgen import generate_class
from depthlab.classgrade.pool import KernelPool
from depthlab.config import GradingConfig
from depthlab.engines.gradebook_lookups import OverwriteCellsOnce, SaveAutoGradesOnce
from depthlab.engines.nbgrader_engine import NbgraderCourse
from depthlab.judge.session import NotebookGrader
from depthlab.paths import course_root, release_notebook, source_notebook
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades
from test_grading_e2e import filled

pytestmark = pytest.mark.slow
A = "ps1_gradient_ratios"
FAST = GradingConfig(test_timeout=4, cell_timeout=10, notebook_timeout=120)
STOCK = {OverwriteCellsOnce: OverwriteCells, SaveAutoGradesOnce: SaveAutoGrades}


class StockCourse(NbgraderCourse):
    """depthlab's nbgrader configuration with nbgrader's own OverwriteCells and SaveAutoGrades."""

    def _api(self):
        api = super()._api()
        for name in ("sanitize_preprocessors", "autograde_preprocessors"):
            steps = api.config.Autograde[name]
            assert any(s in STOCK for s in steps), f"{name} no longer holds depthlab's classes: {steps}"
            api.config.Autograde[name] = [STOCK.get(s, s) for s in steps]
        from nbgrader.apps import NbGraderAPI
        return NbGraderAPI(config=api.config)


def _ids(nb):
    return [(c.metadata.get("nbgrader") or {}).get("grade_id") for c in nb.cells]


def _edits(nb) -> dict:
    """Name -> function editing a copy of the filled release as a student might."""
    def first(pred):
        return next(i for i, c in enumerate(nb.cells) if pred(c.metadata.get("nbgrader") or {}, c))

    test = first(lambda m, c: m.get("grade") and not m.get("solution") and c.cell_type == "code")
    answer = first(lambda m, c: m.get("grade") and m.get("solution") and c.cell_type == "markdown")
    locked = first(lambda m, c: m.get("locked") and not m.get("grade"))
    task = next((i for i, c in enumerate(nb.cells) if (c.metadata.get("nbgrader") or {}).get("task")), None)

    def delete(i):
        return lambda n: n.cells.pop(i)

    def meta(i, **kw):
        return lambda n: n.cells[i].metadata.nbgrader.update(kw)

    def retype(i):
        def edit(n):
            c = n.cells[i]
            n.cells[i] = nbformat.v4.new_markdown_cell(c.source, metadata=c.metadata, id=c.get("id"))
        return edit

    def edit_source(i):
        def edit(n):
            n.cells[i].source += "\nprint('mine')"
        return edit

    def unknown_id(n):
        c = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade": True, "solution": False,
                                      "locked": False, "points": 5, "grade_id": "made_up", "schema_version": 3}})
        n.cells.append(c)

    def duplicate_id(n):
        n.cells.append(nbformat.from_dict(json.loads(json.dumps(n.cells[test]))))

    edits = {"test_deleted": delete(test), "answer_deleted": delete(answer),
             "points_changed": meta(test, points=99), "unlocked": meta(locked, locked=False),
             "checksum_changed": meta(test, checksum="0" * 32), "test_retyped": retype(test),
             "locked_edited": edit_source(locked), "answer_edited": edit_source(answer),
             "unknown_id": unknown_id, "duplicate_id": duplicate_id,
             "answer_and_test_deleted": lambda n: [n.cells.pop(i) for i in sorted((test, answer), reverse=True)]}
    if task is not None:
        edits["task_deleted"] = delete(task)
    return edits


ROWS = """
SELECT sa.student_id, nb.name, c.name, c.type, {columns}
FROM {table} g JOIN base_cell c ON c.id = g.cell_id
JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN notebook nb ON nb.id = sn.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id ORDER BY 1, 2, 3, 4
"""


def _gradebook(root: Path) -> dict:
    """The gradebook's grades, comments and submissions, by names (ids are random)."""
    with sqlite3.connect(root / "gradebook.db") as db:
        return {
            "grade": db.execute(ROWS.format(table="grade", columns="g.auto_score, g.manual_score, "
                                            "g.extra_credit, g.needs_manual_grade")).fetchall(),
            "comment": db.execute(ROWS.format(table="comment", columns="g.auto_comment, g.manual_comment"))
                         .fetchall(),
            "submitted": db.execute("SELECT student_id, late_submission_penalty FROM submitted_assignment sa "
                                    "JOIN submitted_notebook sn ON sn.assignment_id = sa.id ORDER BY 1").fetchall(),
        }


def _autograded(root: Path, student: str):
    nb = json.loads((root / "autograded" / student / A / f"{A}.ipynb").read_text())
    nb["metadata"].pop("depthlab", None)   # holds the seconds the judge took
    for cell in nb["cells"]:
        if "was missing from the submission" in "".join(cell["source"]):
            cell.pop("id")                     # nbgrader puts a cell back with a random id
    return nb["cells"], nb["metadata"]


def _set_manual(root: Path, student: str) -> None:
    """A TA's score on the first grade and comment on the first comment (as formgrader stores them)."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        sub = gb.find_submission_notebook(A, A, student)
        grade = sorted(sub.grades, key=lambda g: g.name)[0]
        grade.manual_score = 0.5
        comment = sorted(sub.comments, key=lambda c: c.name)[0]
        comment.manual_comment = "see me"
        gb.db.commit()


def test_the_gradebook_and_notebooks_are_nbgraders_own(tmp_path):
    root = course_root()
    pool = KernelPool(FAST, size=1)
    grader = NotebookGrader(A, FAST, kernel_factory=pool.take)
    ours = NbgraderCourse(A, root, workdir=tmp_path / "ours", config=FAST, grader=grader)
    stock = StockCourse(A, root, workdir=tmp_path / "stock", config=FAST, grader=grader)
    try:
        cases = {"source": source_notebook(A), "blank": release_notebook(A)}
        roster = generate_class(A, 4, tmp_path / "class", layout="flat", seed=3, hostile=("edited_test",))
        cases.update({f"class-{s}": Path(p) for s, p in roster.files.items()})
        base = filled(A, tmp_path, "filled")
        cases["filled"] = base
        original = nbformat.read(base, 4)
        edits = _edits(original)
        assert len(edits) >= 11
        for name, edit in edits.items():
            nb = nbformat.read(base, 4)
            edit(nb)
            assert _ids(nb) != _ids(original) or nb != original, name
            cases[name] = tmp_path / f"{name}.ipynb"
            nbformat.write(nb, cases[name])
        scores = {}
        for student, path in cases.items():
            results = [course.grade(path, student) for course in (ours, stock)]
            assert results[0].score == results[1].score, student
            assert _autograded(ours.root, student) == _autograded(stock.root, student), student
            scores[student] = results[0].score
        assert _gradebook(ours.root) == _gradebook(stock.root)
        # the cases reach different paths: full marks, none, and some in between
        assert scores["blank"] == 0 and len(set(scores.values())) >= 3, scores

        for course in (ours, stock):
            _set_manual(course.root, "filled")
            course.grade(base, "filled")
        after = _gradebook(ours.root)
        assert after == _gradebook(stock.root)
        flagged = [r for r in after["grade"] if r[0] == "filled" and r[5] == 0.5]
        assert flagged and all(r[7] for r in flagged), "a TA's score must be flagged for review on regrade"
        assert any(r[0] == "filled" and r[5] == "see me" for r in after["comment"])
    finally:
        ours.close()
        stock.close()
        pool.close()
