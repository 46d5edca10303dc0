"""The nbgrader engine: nbgrader's autograde pipeline with depthlab's judge in it.

Two preprocessors plug into ``nbgrader autograde``:

- :class:`SnapshotSubmission` (first of the sanitize steps) keeps the cells as
  the student submitted them, before nbgrader restores locked cells, so edits
  and deletions can be reported; then leaves nbgrader only metadata it can
  process: the instructor's for each known ``grade_id`` (first copy only),
  none for unknown or malformed ones, and every deleted grade cell put back
  (nbgrader 0.9.6 aborts the whole submission on a duplicated ``grade_id``, an
  unknown one, or a deleted cell next to another missing one);
- :class:`DepthlabJudge` (in place of nbgrader's ``Execute``) grades the
  notebook in a sandboxed kernel, judges outside it, and writes each test
  cell's points as its output, which nbgrader's ``SaveAutoGrades`` stores in
  the gradebook; every code grade cell gets an explicit result (an empty one
  would be full marks).  The full result travels in ``metadata.depthlab``.

The repository's ``nbgrader_config.py`` installs both, so plain
``nbgrader autograde`` in this course grades the same way; and
:class:`CourseLockExporter`, which holds the course lock (:mod:`depthlab.courselock`)
so that it never grades while a ``depthlab autograde`` of the course runs.
"""
from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Optional

from nbconvert.exporters import NotebookExporter
from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import (AssignLatePenalties, ClearOutput, DeduplicateIds,
                                    IgnorePattern, LimitOutput, NbGraderPreprocessor, OverwriteKernelspec)
from traitlets import Bool, Enum, Float, Integer
from traitlets.config import Config

from ..config import GradingConfig, load_course
from ..courselock import CourseBusy, CourseLock
from ..judge.notebook import notebook_from_json, read_notebook, with_cell_ids
from ..judge.results import NotebookResult
from ..tools import ensure_tools_on_path
from ..judge.session import GradedNotebook, NotebookGrader
from .gradebook_lookups import OverwriteCellsOnce, SaveAutoGradesOnce
from .late_penalty import late_penalty_config
from .metadata_check import CheckCellMetadataOnce

# nbgrader 0.9.6's gradebook triggers SQLAlchemy autoflush warnings on every
# autograde; they say nothing about the submission.
warnings.filterwarnings("ignore", message=r"Object of type <.*> not in session")

SNAPSHOT_KEY = "depthlab_submitted"
RESULT_KEY = "depthlab"


class SnapshotSubmission(NbGraderPreprocessor):
    """Keep the submitted cells; leave nbgrader only metadata it can process.

    nbgrader aborts a whole submission on a duplicated ``grade_id`` ("old metadata
    version"), on a ``grade_id`` the gradebook does not know (``KeyError`` in
    ``OverwriteCells``) and on malformed metadata.  Here every cell's nbgrader
    metadata is replaced by the instructor's for a known, first-seen ``grade_id``
    and removed otherwise (the cell then counts as the student's own); what the
    student did is reported from the snapshot by the judge.
    """

    def preprocess(self, nb, resources):
        nb.metadata[SNAPSHOT_KEY] = [_without_outputs(c) for c in nb.cells]
        source = source_cells(resources["nbgrader"]["assignment"], course_of(self))
        canonical = {gid: meta for gid, _kind, _text, meta in source}
        seen = set()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if "nbgrader" not in cell.metadata:
                continue
            if not isinstance(gid, str) or gid not in canonical or gid in seen:
                del cell.metadata["nbgrader"]   # graded once, from the instructor's copy
                continue
            seen.add(gid)
            cell.metadata["nbgrader"] = copy.deepcopy(canonical[gid])
        _restore_grade_cells(nb, source, seen)
        return nb, resources


def _restore_grade_cells(nb, source, present: set) -> None:
    """Put back every grade cell the submission lacks, after the nearest earlier
    cell of the assignment that is there.  (nbgrader's own ``add_missing_cells``
    raises ``KeyError`` when the cell before a missing one is missing too, or is a
    locked given cell: one deleted written answer would abort the submission.)"""
    import nbformat
    position = {}
    for index, cell in enumerate(nb.cells):
        gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if gid:
            position.setdefault(gid, index)
    previous = None
    for gid, cell_type, text, meta in source:
        if meta.get("grade") and gid not in present:
            note = f"This cell ({gid}) was missing from the submission; depthlab put the original back."
            if cell_type == "code":
                cell = nbformat.v4.new_code_cell("# " + note + "\n" + text)
            else:
                cell = nbformat.v4.new_markdown_cell(note + "\n\n" + ("YOUR ANSWER HERE" if meta.get("solution") else text))
            cell.metadata["nbgrader"] = copy.deepcopy(meta)
            cell.id = ("restored-" + re.sub(r"[^A-Za-z0-9_-]", "-", gid))[:64]   # the same on every regrade
            at = position[previous] + 1 if previous in position else 0
            nb.cells.insert(at, cell)
            for key, value in position.items():
                if value >= at:
                    position[key] = value + 1
            position[gid] = at
            present.add(gid)
        if gid in position:
            previous = gid


def _without_outputs(cell) -> dict:
    out = {k: copy.deepcopy(v) for k, v in dict(cell).items() if k not in ("outputs", "attachments")}
    if cell.get("cell_type") == "code":
        out["outputs"] = []
    return out


def course_of(preprocessor) -> Optional[Path]:
    """The course nbgrader grades in (``CourseDirectory.root`` of its configuration), or None."""
    root = preprocessor.config.get("CourseDirectory", {}).get("root")
    return Path(root) if isinstance(root, str) and root else None


def source_cells(assignment: str, root: Optional[Path] = None) -> list:
    """(grade_id, cell_type, released source, nbgrader metadata) of the source notebook's
    nbgrader cells, in order (the first of a repeated grade_id)."""
    from ..paths import source_notebook
    path = source_notebook(assignment, root)
    return list(_cells_of(str(path), path.stat().st_mtime_ns if path.exists() else 0))


@functools.lru_cache(maxsize=8)
def _cells_of(path: str, mtime_ns: int) -> tuple:
    """The nbgrader cells of the notebook at ``path`` as it was at ``mtime_ns`` (a memo of
    a pure function: an edited notebook is read again)."""
    from ..judge.notebook import released_text
    nb = read_notebook(Path(path))
    found, seen = [], set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) and meta["grade_id"] not in seen:
            seen.add(meta["grade_id"])
            found.append((meta["grade_id"], cell.cell_type, released_text(cell.source), dict(meta)))
    return tuple(found)


class DepthlabJudge(NbGraderPreprocessor):
    """Grade with depthlab and hand nbgrader the points as test-cell outputs.

    Every code grade cell gets an explicit result (nbgrader gives full points to
    a grade cell without output): the test's points, or 0 with the reason when
    the notebook could not be graded or no depthlab test matches the cell.
    """

    # Limits, settable like any nbgrader option (``c.DepthlabJudge.test_timeout = 30`` in
    # nbgrader_config.py); unset ones come from $DEPTHLAB_<NAME>, then GradingConfig's defaults.
    cell_timeout = Float(None, allow_none=True, help="Seconds one student cell may run (default 30; "
                         "c.Execute.timeout / c.ExecutePreprocessor.timeout set it too)").tag(config=True)
    test_timeout = Float(None, allow_none=True, help="Seconds one function's hidden cases may run together "
                         "(default 20)").tag(config=True)
    notebook_timeout = Float(None, allow_none=True, help="Seconds one notebook may take (default 600)").tag(config=True)
    memory_mb = Integer(None, allow_none=True, help="Memory limit of the student's kernel, MiB (default 4096)"
                        ).tag(config=True)
    output_limit = Integer(None, allow_none=True, help="Characters of output kept per cell").tag(config=True)
    interrupt_grace = Float(None, allow_none=True, help="Seconds a kernel gets to answer an interrupt"
                            ).tag(config=True)
    scratch_mb = Integer(None, allow_none=True, help="Size of the kernel's scratch folder, MiB").tag(config=True)
    isolation = Enum(("auto", "namespace", "landlock", "none"), None, allow_none=True,
                     help="How the student's kernel is isolated (default auto: the strongest this machine "
                          "gives; see `depthlab doctor`)").tag(config=True)

    #: a grader bound by :func:`judge_with` (a batch worker's, with its kernel pool); None: made here
    bound_grader: Optional[NotebookGrader] = None

    def grading_config(self) -> GradingConfig:
        """The limits: this preprocessor's options, nbgrader's familiar cell timeout, the environment."""
        options = {name: getattr(self, name) for name in LIMITS}
        if options["cell_timeout"] is None:
            for section in ("Execute", "ExecutePreprocessor"):
                if "timeout" in self.config.get(section, {}):
                    options["cell_timeout"] = float(self.config[section]["timeout"])
        return GradingConfig.from_env(**options)

    def grader(self, assignment: str) -> NotebookGrader:
        if self.bound_grader is not None:
            return self.bound_grader
        config = self.grading_config()
        if self._grader is None or self._grader.assignment != assignment or self._grader.config != config:
            self._grader = NotebookGrader(assignment, config, root=course_of(self))
        return self._grader

    _grader: Optional[NotebookGrader] = None

    def preprocess(self, nb, resources):
        import nbformat

        info = resources["nbgrader"]
        grader = self.grader(info["assignment"])
        # the cells as submitted (the snapshot, when SnapshotSubmission took one); the JSON
        # round trip below is the copy
        snapshot = nb.metadata.get(SNAPSHOT_KEY)
        submitted = {**{k: v for k, v in nb.items() if k != "cells"},
                     "cells": nb.cells if snapshot is None else snapshot}
        nb.metadata.pop(SNAPSHOT_KEY, None)
        name = f"{info['student']}/{info['notebook']}.ipynb"
        try:
            # the cells as submitted, in the shape grading relies on (odd metadata dropped)
            submitted = notebook_from_json(json.loads(json.dumps(submitted, default=str)), name)
            graded = grader.grade_nb(submitted, name, "nbgrader", info["student"])
        except Exception as exc:   # never leave grade cells empty: that would be full marks
            self.log.error("depthlab could not grade %s: %s", name, exc)
            graded = GradedNotebook(grader.ungraded(name, "nbgrader", f"depthlab could not grade it: {exc}",
                                                    info["student"]))
        result = graded.result
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []   # the student's own outputs come back below, from the sandboxed run
        write_test_outputs(nb, student_copy(result, course_of(self)))
        for index, outputs in graded.cell_outputs.items():
            # outputs of the student's own cells (solution cells by grade_id, added cells by cell id)
            if index < len(submitted.cells):
                cell = submitted.cells[index]
                gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
                target = next((c for c in nb.cells if gid and (c.metadata.get("nbgrader") or {}).get("grade_id") == gid
                               and not (c.metadata.get("nbgrader") or {}).get("grade")), None)
                if target is None and isinstance(cell.get("id"), str):
                    target = next((c for c in nb.cells if c.get("id") == cell["id"]
                                   and not (c.metadata.get("nbgrader") or {}).get("grade")), None)
                if target is not None and target.cell_type == "code":
                    target.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.metadata[RESULT_KEY] = result.to_record()
        return nb, resources


def student_copy(result: NotebookResult, root: Optional[Path]) -> NotebookResult:
    """What the student may read of ``result``: the assignment's ``hidden_cases`` in the
    course's course.toml, as of now (:mod:`depthlab.judge.visibility`)."""
    from ..judge.visibility import for_students
    terms = load_course(root).terms(result.assignment) if root is not None else None
    return for_students(result, terms.hidden_cases, terms.due) if terms is not None else result


def write_test_outputs(nb, result: NotebookResult) -> None:
    """Each code grade cell's outputs: PASSED/FAILED with the test's message, and its points
    (what nbgrader's SaveAutoGrades stores and its feedback shows).  Every code grade cell
    gets one: nbgrader gives full points to a grade cell without output.  Other cells
    are left alone."""
    import nbformat
    by_id = {t.id: t for t in result.tests}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        t = by_id.get(gid)
        if t is not None:
            text = ("PASSED: " if t.passed else "FAILED: ") + t.message + "\n"
            points = t.points
        else:
            text = f"FAILED: depthlab has no test for the cell {gid}; it gets no automatic points\n"
            points = 0.0
        # what nbformat.v4.new_output makes, without its per-output schema check: nbconvert
        # validates the whole notebook once after the preprocessors (3% of a worker's CPU)
        cell.outputs = [nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": text}),
                        nbformat.from_dict({"output_type": "execute_result", "metadata": {},
                                            "data": {"text/plain": f"{points}"}, "execution_count": None})]


class StudentMessages(NbGraderPreprocessor):
    """In ``nbgrader generate_feedback``: the test cells' outputs written again from the
    result the autograded notebook carries, as the assignment's ``hidden_cases`` allows
    now (so ``after_due`` feedback generated after the due date shows the cases)."""

    def preprocess(self, nb, resources):
        record = nb.metadata.get(RESULT_KEY)
        if record:
            write_test_outputs(nb, student_copy(NotebookResult.from_record(record), course_of(self)))
        return nb, resources


class CourseLockExporter(NotebookExporter):
    """nbgrader autograde's exporter, holding the course lock for the whole run.

    nbgrader makes it once per run, before it touches any submission (with
    ``--force`` it deletes each student's ``autograded/`` folder and rewrites the
    gradebook's submission before any preprocessor runs, so a preprocessor would
    check too late).  Another run holding the lock makes it refuse with a
    message, or with ``--CourseLockExporter.wait=True`` wait.  Inside a
    ``depthlab autograde`` worker the parent's lock covers it.
    """

    wait = Bool(False, help="Wait for another autograde of this course to finish instead of refusing."
                ).tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        converter = self.parent
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or not hasattr(converter, "convert_notebooks"):
            return   # not inside an nbgrader converter: no course to lock
        lock = CourseLock(Path(coursedir.root), "nbgrader autograde", coursedir.assignment_id,
                          wait_hint="run it with --CourseLockExporter.wait=True to queue behind it")
        if lock.held_by_parent():
            return
        try:
            lock.acquire(self.wait, on_wait=self.log.warning)
        except CourseBusy as exc:
            self.log.error("%s", exc)
            raise NbGraderException(str(exc)) from None
        run = converter.convert_notebooks

        # nbgrader has no hook at the end of a run: wrap this converter's
        # convert_notebooks (its last step) so the lock is given up when the run
        # ends, not when a long-lived process (formgrader) collects the converter
        def convert_notebooks_then_unlock():
            try:
                return run()
            finally:
                lock.release()

        converter.convert_notebooks = convert_notebooks_then_unlock


#: GradingConfig fields that DepthlabJudge takes as options
LIMITS = ("cell_timeout", "test_timeout", "notebook_timeout", "memory_mb", "output_limit", "interrupt_grace",
          "scratch_mb", "isolation")


def judge_with(grader: NotebookGrader) -> type:
    """A DepthlabJudge that grades with ``grader`` (its configuration and kernel pool):
    handed to nbgrader as a class in the configuration, the one way nbgrader takes a
    preprocessor, so no module state is needed to reach it."""
    return type("DepthlabJudge", (DepthlabJudge,), {"bound_grader": grader})


def nbgrader_config(root: Path, *, grading: Optional[GradingConfig] = None,
                    grader: Optional[NotebookGrader] = None) -> Config:
    """The nbgrader configuration depthlab grades with (also used by nbgrader_config.py).

    ``grading`` sets DepthlabJudge's limits; ``grader`` makes it grade with that grader.
    The course id and the late penalty come from the course's ``course.toml``
    (:func:`~depthlab.config.load_course`)."""
    course = load_course(root)
    c = Config()
    if grading is not None:
        for name in LIMITS:
            setattr(c.DepthlabJudge, name, getattr(grading, name))
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = course.course_id
    c.CourseDirectory.db_url = f"sqlite:///{root}/gradebook.db"
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.OverwriteCells.add_missing_cells = True
    # OverwriteCellsOnce, SaveAutoGradesOnce: nbgrader's, with one gradebook query per
    # notebook instead of per cell (engines/gradebook_lookups.py)
    c.Autograde.sanitize_preprocessors = [SnapshotSubmission, ClearOutput, DeduplicateIds,
                                          OverwriteKernelspec, OverwriteCellsOnce, CheckCellMetadataOnce]
    c.Autograde.autograde_preprocessors = [judge_with(grader) if grader is not None else DepthlabJudge,
                                           IgnorePattern, LimitOutput, SaveAutoGradesOnce,
                                           AssignLatePenalties, CheckCellMetadataOnce]
    c.Autograde.exporter_class = CourseLockExporter
    # nbconvert's own setting: validate the notebook once after all preprocessors instead of
    # after each of them (six times per pass), the same check; 0.08 s of a notebook
    c.CourseLockExporter.optimistic_validation = True
    c.GenerateFeedback.preprocessors = _feedback_preprocessors()
    if course.late_penalty != "none":   # else nbgrader's own LateSubmissionPlugin settings stand
        c.merge(late_penalty_config(course.late_penalty, course.per_day))
    return c


def _feedback_preprocessors():
    """nbgrader's feedback steps with hidden tests cleared first and the test cells' messages
    as the student may read them (:class:`StudentMessages`)."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades
    return [ClearHiddenTests, StudentMessages, GetGrades, CSSHTMLHeaderPreprocessor]


def student_id(index: int, path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-")[:40] or "notebook"
    return f"{index:03d}-{stem}"


class NbgraderCourse:
    """A scratch nbgrader course directory holding one assignment."""

    def __init__(self, assignment: str, source_root: Path, workdir: Optional[Path] = None,
                 config: Optional[GradingConfig] = None, grader: Optional[NotebookGrader] = None):
        ensure_tools_on_path()   # nbgrader runs alembic by name
        self.assignment = assignment
        self.config = config
        self.grader = grader
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
        return NbGraderAPI(config=nbgrader_config(self.root, grading=self.config, grader=self.grader))

    def grade(self, notebook: Path, student: str, nb=None) -> NotebookResult:
        """Grade ``notebook`` (``nb``: the caller's already-read copy of it) as ``student``."""
        import nbformat
        dest = self.root / "submitted" / student / self.assignment
        dest.mkdir(parents=True, exist_ok=True)
        # any nbformat version nbformat can read, saved as the current one (cell ids added)
        nb = with_cell_ids(nb if nb is not None else read_notebook(Path(notebook)))
        nbformat.write(nb, str(dest / f"{self.assignment}.ipynb"))
        start = time.monotonic()
        res = self.api.autograde(self.assignment, student, force=True)
        out = self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        if not res["success"] or not out.exists():
            log = res.get("log", "")
            raise RuntimeError(_last_error(log))
        data = json.loads(out.read_text())
        return replace(NotebookResult.from_record(data["metadata"][RESULT_KEY]),
                       seconds=round(time.monotonic() - start, 3))

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
