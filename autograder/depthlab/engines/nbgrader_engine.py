"""The nbgrader engine: nbgrader's autograde pipeline with depthlab's judge in it.

Two preprocessors plug into ``nbgrader autograde``:

- :class:`SnapshotSubmission` (first of the sanitize steps) keeps the cells as
  the student submitted them, before nbgrader restores locked cells, so edits
  and deletions can be reported, and renames a duplicated ``grade_id`` that
  would otherwise abort the submission;
- :class:`DepthlabJudge` (in place of nbgrader's ``Execute``) grades the
  notebook in a sandboxed kernel, judges outside it, and writes each test
  cell's points as its output, which nbgrader's ``SaveAutoGrades`` stores in
  the gradebook.  The full result travels in ``metadata.depthlab``.

The repository's ``nbgrader_config.py`` installs both, so plain
``nbgrader autograde`` in this course grades the same way.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    IgnorePattern, LimitOutput, NbGraderPreprocessor, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)
from traitlets.config import Config

from ..config import GradingConfig
from ..judge.notebook import SubmissionError, read_notebook
from ..judge.results import NotebookResult
from ..judge.session import NotebookGrader

SNAPSHOT_KEY = "depthlab_submitted"
RESULT_KEY = "depthlab"


class SnapshotSubmission(NbGraderPreprocessor):
    """Keep the submitted cells; make duplicated grade ids unique."""

    def preprocess(self, nb, resources):
        nb.metadata[SNAPSHOT_KEY] = [copy.deepcopy(dict(c)) for c in nb.cells]
        seen = set()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if gid is None:
                continue
            if gid in seen:
                del cell.metadata["nbgrader"]   # graded once, from the instructor's copy
            seen.add(gid)
        return nb, resources


_graders: dict = {}


def grader_for(assignment: str) -> NotebookGrader:
    if assignment not in _graders:
        _graders[assignment] = NotebookGrader(assignment, GradingConfig.from_env())
    return _graders[assignment]


class DepthlabJudge(NbGraderPreprocessor):
    """Grade with depthlab and hand nbgrader the points as test-cell outputs."""

    def preprocess(self, nb, resources):
        import nbformat

        info = resources["nbgrader"]
        grader = grader_for(info["assignment"])
        submitted = copy.deepcopy(nb)
        if SNAPSHOT_KEY in nb.metadata:
            submitted.cells = [nbformat.from_dict(c) for c in nb.metadata.pop(SNAPSHOT_KEY)]
        graded = grader.grade_nb(submitted, f"{info['student']}/{info['notebook']}.ipynb", "nbgrader",
                                 info["student"])
        result = graded.result
        by_id = {t.id: t for t in result.tests}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            if gid in by_id and meta.get("grade"):
                t = by_id[gid]
                text = ("PASSED: " if t.passed else "FAILED: ") + t.message + "\n"
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text),
                                nbformat.v4.new_output("execute_result", data={"text/plain": f"{t.points}"},
                                                       execution_count=None)]
        for index, outputs in graded.cell_outputs.items():
            # outputs of the student's own cells, matched by position in the submission
            if index < len(submitted.cells):
                gid = (submitted.cells[index].metadata.get("nbgrader") or {}).get("grade_id")
                target = next((c for c in nb.cells if gid and (c.metadata.get("nbgrader") or {}).get("grade_id") == gid), None)
                if target is not None and target.cell_type == "code":
                    target.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.metadata[RESULT_KEY] = result.to_record()
        return nb, resources


def nbgrader_config(root: Path) -> Config:
    """The nbgrader configuration depthlab grades with (also used by nbgrader_config.py)."""
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = "depthlab"
    c.CourseDirectory.db_url = f"sqlite:///{root}/gradebook.db"
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.sanitize_preprocessors = [SnapshotSubmission, ClearOutput, DeduplicateIds,
                                          OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    c.Autograde.autograde_preprocessors = [DepthlabJudge, IgnorePattern, LimitOutput, SaveAutoGrades,
                                           AssignLatePenalties, CheckCellMetadata]
    c.GenerateFeedback.preprocessors = _feedback_preprocessors()
    return c


def _feedback_preprocessors():
    """nbgrader's feedback steps with hidden tests cleared first."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades
    return [ClearHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]


def student_id(index: int, path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-")[:40] or "notebook"
    return f"{index:03d}-{stem}"


class NbgraderCourse:
    """A scratch nbgrader course directory holding one assignment."""

    def __init__(self, assignment: str, source_root: Path, workdir: Optional[Path] = None):
        self.assignment = assignment
        self.root = Path(workdir or tempfile.mkdtemp(prefix="depthlab-nbgrader-"))
        self._own = workdir is None
        src = source_root / "source" / assignment
        shutil.copytree(src, self.root / "source" / assignment, dirs_exist_ok=True)
        self.api = self._api()
        res = self.api.generate_assignment(assignment, force=True)
        if not res["success"]:
            raise RuntimeError(f"nbgrader could not generate {assignment}:\n{res['log'][-2000:]}")

    def _api(self):
        from nbgrader.apps import NbGraderAPI
        return NbGraderAPI(config=nbgrader_config(self.root))

    def grade(self, notebook: Path, student: str) -> NotebookResult:
        dest = self.root / "submitted" / student / self.assignment
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, dest / f"{self.assignment}.ipynb")
        res = self.api.autograde(self.assignment, student, force=True)
        out = self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        if not res["success"] or not out.exists():
            log = res.get("log", "")
            raise RuntimeError(_last_error(log))
        data = json.loads(out.read_text())
        return NotebookResult.from_record(data["metadata"][RESULT_KEY])

    def gradebook_score(self, student: str) -> float:
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.root}/gradebook.db") as gb:
            return float(gb.find_submission(self.assignment, student).score)

    def close(self) -> None:
        if self._own:
            shutil.rmtree(self.root, ignore_errors=True)


def _last_error(log: str) -> str:
    lines = [l for l in log.splitlines() if "ERROR" in l or "Error" in l]
    return (lines[-1] if lines else log.strip().splitlines()[-1] if log.strip() else "nbgrader failed without a log")[:500]
