"""The depthlab otter plugin: otter-grader runs the autograder, depthlab judges outside the student's kernel.

Named in every generated autograder zip's ``otter_config.json`` (see
:mod:`depthlab.engines.otter_assign`), so ``otter run`` and Gradescope both
call it.  Otter's own grading runs the submission and its tests in the
student's kernel, where a student can patch ``np.allclose`` or otter's test
runner, print the hidden tests, or loop forever (``otter run`` has no time
limit).  This plugin keeps the student's code away from all of that:

- ``before_execution``: grades the submission with depthlab's
  :class:`~depthlab.judge.session.NotebookGrader` (a sandboxed kernel, per-cell,
  per-test and per-notebook time limits, the judge in this process) and hands
  otter an empty notebook in its place, so no student code runs in otter's
  kernel (``before_grading`` spares otter's kernel run of that empty notebook
  altogether, see :func:`skip_otter_kernel`);
- ``after_grading``: replaces otter's results with depthlab's, one otter test
  per graded function, whose only output is depthlab's message for students
  (never test code or the reference); the full result record is kept as plugin
  data (``results.pkl``), where :mod:`depthlab.engines.otter_engine` reads it;
- ``generate_report``: the isolation level the student's kernels had
  ("depthlab: kernels isolated by landlock"), integrity notes and events for the
  autograder's stdout, which Gradescope shows to instructors only
  (``results.json`` says ``stdout_visibility: "hidden"``, see :class:`GradescopeResults`).

The otter init and ``grader.check`` cells of depthlab's otter student notebook
are dropped before grading (they do nothing for the judge); everything else is
graded exactly as the nbgrader engine grades it, so the same notebook gets the
same result from both engines.
"""
from __future__ import annotations

import re
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Optional

from otter.plugins import AbstractOtterPlugin
from otter.test_files import GradingResults

from ..config import GradingConfig
from ..judge.notebook import SubmissionError, Template, read_notebook
from ..judge.results import NotebookResult

PLUGIN_NAME = "depthlab.engines.otter_plugin.DepthlabPlugin"
ENGINE = "otter"
#: the grading limits the plugin takes from its entry in otter_config.json
CONFIG_KEYS = ("cell_timeout", "test_timeout", "notebook_timeout", "memory_mb", "output_limit",
               "interrupt_grace", "isolation", "scratch_mb")


#: the first cell of depthlab's otter student notebook
INIT_SOURCE = (
    "# Initialize Otter: grader.check(\"<function>\") runs a function's public tests.\n"
    "# (No file name is given, so this works whatever this notebook is called.)\n"
    "import otter\n"
    "grader = otter.Notebook(tests_dir=\"tests\")"
)
#: a check cell otter assign writes after a question
CHECK_RE = re.compile(r'^\s*grader\.check\(\s*"(?P<q>[A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*$')
_INIT_LINE = re.compile(r"^(import otter|grader\s*=\s*otter\.Notebook\(.*\))$")


def question_name(test_id: str) -> str:
    """The otter question of a depthlab test: ``test_sigmoid`` -> ``sigmoid``."""
    return test_id[len("test_"):] if test_id.startswith("test_") else test_id


def is_otter_cell(cell) -> bool:
    """An otter init cell (``import otter`` / ``grader = otter.Notebook(...)``, comments
    allowed) or a ``grader.check("q")`` cell, as otter assign writes them."""
    if cell.get("cell_type") != "code":
        return False
    source = cell.get("source", "")
    if CHECK_RE.match(source):
        return True
    lines = [l.strip() for l in source.splitlines() if l.strip() and not l.strip().startswith("#")]
    return bool(lines) and all(_INIT_LINE.match(l) for l in lines) and any(l.startswith("grader") for l in lines)


_EXPORT_TAG = re.compile(r"\A(?:[ \t]*<!--\s*(?:BEGIN|END) QUESTION\s*-->[ \t]*(?:\n|\Z)(?:[ \t]*\n)?)+")


def without_otter_cells(nb):
    """The notebook without what otter assign adds: its init and check cells (which
    neither define nor test anything) and the PDF-filtering comments it puts at the
    top of the markdown cells around written questions."""
    nb.cells = [c for c in nb.cells if not is_otter_cell(c)]
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown" and "QUESTION" in cell.get("source", ""):
            cell["source"] = _EXPORT_TAG.sub("", cell["source"])
    return nb


def grade_file(path: Path, assignment: str, *, template: Optional[Path] = None,
               config: Optional[GradingConfig] = None, notebook: Optional[str] = None,
               root: Optional[Path] = None) -> NotebookResult:
    """Grade one submission file with depthlab's judge, as the otter engine does
    (``root``: a folder with the course's own checks, when the assignment is one)."""
    from ..judge.session import NotebookGrader
    config = config or GradingConfig.from_env()
    tmpl = Template.load(assignment, template) if template is not None and Path(template).is_file() else None
    grader = NotebookGrader(assignment, config, template=tmpl, root=root)
    name = notebook or Path(path).name
    start = time.monotonic()
    try:
        nb = read_notebook(Path(path))
    except SubmissionError as exc:
        return grader.ungraded(name, ENGINE, str(exc))
    result = grader.grade_nb(without_otter_cells(nb), name, ENGINE).result
    return replace(result, seconds=round(time.monotonic() - start, 3))


class DepthlabPlugin(AbstractOtterPlugin):
    """Grade with depthlab inside otter's autograder run (see the module docstring).

    Plugin configuration (``otter_config.json``): ``assignment`` (required),
    ``template`` (the judge's template notebook, relative to the autograder's
    ``source/`` folder), ``course`` (the folder there holding a course's own checks
    and reference, for an assignment that is not depthlab's) and optionally the grading limits ``cell_timeout``,
    ``test_timeout``, ``notebook_timeout``, ``memory_mb``, ``output_limit``.
    """

    def __init__(self, submission_path, submission_metadata, plugin_config):
        super().__init__(submission_path, submission_metadata, plugin_config or {})
        self.result: Optional[NotebookResult] = None
        self.autograder_dir: Optional[str] = None

    # -- configuration -----------------------------------------------------
    @property
    def assignment(self) -> str:
        name = self.plugin_config.get("assignment")
        if not name:
            raise ValueError("the depthlab otter plugin needs 'assignment' in its configuration")
        return name

    def _template(self) -> Optional[Path]:
        rel = self.plugin_config.get("template")
        if rel and self.autograder_dir:
            path = Path(self.autograder_dir) / "source" / rel
            if path.is_file():
                return path
        return None

    def _course(self) -> Optional[Path]:
        rel = self.plugin_config.get("course")
        return Path(self.autograder_dir) / "source" / rel if rel and self.autograder_dir else None

    def _config(self) -> GradingConfig:
        limits = {k: self.plugin_config[k] for k in CONFIG_KEYS if k in self.plugin_config}
        return GradingConfig.from_env(**limits)

    # -- otter's events ----------------------------------------------------
    def before_grading(self, config):
        self.autograder_dir = getattr(config, "autograder_dir", None)
        skip_otter_kernel()

    def depthlab_grades_outside_the_kernel(self):
        """Marks a plugin collection holding this plugin (see :func:`skip_otter_kernel`)."""
        return True

    def before_execution(self, submission):
        import nbformat
        try:
            self.result = grade_file(Path(self.submission_path), self.assignment, template=self._template(),
                                     config=self._config(), root=self._course())
        except Exception as exc:   # a grading failure is a result with an error, not a crashed autograder
            traceback.print_exc()
            self.result = NotebookResult(self.assignment, Path(self.submission_path).name, ENGINE, (), (),
                                         f"depthlab could not grade this notebook: {exc.__class__.__name__}: {exc}")
        # Otter executes what this returns in its own kernel: nothing of the student's.
        return nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}})

    def after_grading(self, results):
        if self.result is None:
            return
        replace_results(results, self.result, self.plugin_config.get("hidden_cases", "full"))

    def generate_report(self):
        r = self.result
        if r is None:
            return "depthlab did not grade this submission.\n" + self._isolation_line(None)
        lines = [f"depthlab ({r.assignment}): {r.score:g} / {r.max_score:g} in {r.seconds:.1f} s",
                 self._isolation_line(r)]
        if r.error:
            lines.append(f"error: {r.error}")
        lines += [f"integrity: {f.kind}: {f.detail}" for f in r.integrity]
        lines += [f"event: {e}" for e in r.events]
        return "\n".join(lines)

    def _isolation_line(self, result: Optional[NotebookResult]) -> str:
        """Which isolation the student's kernels had, for the instructor (the stdout is
        instructors-only: ``stdout_visibility`` is "hidden", see :class:`GradescopeResults`)."""
        level = getattr(result, "isolation", None)
        if not level:
            try:
                from ..judge.kernel import isolation_mode
                level = isolation_mode(self._config().isolation)
            except Exception as exc:   # auto refuses when no safe level works: say why (never crash the report)
                return f"depthlab: no kernel isolation level: {exc.__class__.__name__}: {exc}"
        return f"depthlab: kernels isolated by {level}"


def skip_otter_kernel() -> bool:
    """Spare otter's kernel run for this autograder run (it would execute nothing).

    With this plugin, otter's own execution step only runs the empty notebook
    :meth:`DepthlabPlugin.before_execution` returns: a Jupyter kernel start and
    ``import otter`` in it, several seconds per submission for no result.  This
    replaces otter's ``grade_notebook`` in its Python runner, for one call, by
    the part of it that matters here: the plugins' ``before_execution`` (where
    depthlab grades) and ``after_grading`` events.  A run whose plugins do not
    include this one goes to otter's function unchanged.  Returns False (and
    otter runs its kernel as usual) if otter's runner has no such function.
    """
    try:
        from otter.run.run_autograder.runners import python_runner
    except ImportError:
        return False
    original = getattr(python_runner, "grade_notebook", None)
    if original is None:
        return False
    original = getattr(original, "__depthlab_original__", original)

    def grade_notebook(submission_path, *args, plugin_collection=None, **kwargs):
        python_runner.grade_notebook = original          # one run only
        if args or plugin_collection is None or not any(plugin_collection.run("depthlab_grades_outside_the_kernel")):
            return original(submission_path, *args, plugin_collection=plugin_collection, **kwargs)
        import nbformat
        from otter.test_files import GradingResults
        nb = plugin_collection.before_execution(nbformat.read(submission_path, as_version=4))
        results = GradingResults([], notebook=nb)
        plugin_collection.run("after_grading", results)
        return results

    grade_notebook.__depthlab_original__ = original
    python_runner.grade_notebook = grade_notebook
    return True


class GradescopeResults(GradingResults):
    """Otter's results, written to Gradescope's ``results.json`` as its specification
    (https://gradescope-autograders.readthedocs.io/en/latest/specs/) asks:

    - ``stdout_visibility: "hidden"``: the autograder's stdout (integrity notes,
      events, the isolation level) is for instructors only (otter writes the key
      only to show the stdout to students, with ``show_stdout``);
    - a top-level ``score``, depthlab's total: the specification requires it when
      not every test has a score, and otter's "Public Tests" summary has none;
    - each depthlab test's ``visibility`` as the assignment's ``hidden_cases`` asks
      (:func:`depthlab.judge.visibility.gradescope_visibility`: ``after_due_date`` for
      a test failing on a hidden case under ``after_due``, else ``visible``).
    """

    #: otter test name -> Gradescope visibility (set by :func:`replace_results`)
    depthlab_visibility: dict = {}

    def to_gradescope_dict(self, ag_config):
        out = super().to_gradescope_dict(ag_config)
        out["stdout_visibility"] = "hidden"
        out.setdefault("score", round(self.total, 5))
        for test in out.get("tests", []):
            if test.get("name") in self.depthlab_visibility:
                test["visibility"] = self.depthlab_visibility[test["name"]]
        return out


def replace_results(results, result: NotebookResult, hidden_cases: str = "full") -> None:
    """Put depthlab's result into otter's ``GradingResults``: one public otter test per
    depthlab test, scored with depthlab's points and worded with depthlab's message as the
    student may read it (``hidden_cases``: the plugin configuration's, from course.toml,
    see :mod:`depthlab.judge.visibility`; with ``after_due`` the message is the full one,
    and Gradescope holds the test back until the due date).  The object becomes a
    :class:`GradescopeResults` (instructor-only stdout); the full result stays in the
    plugin data, for the instructor."""
    from otter.test_files.abstract_test import TestCase, TestCaseResult
    from otter.test_files.exception_test import ExceptionTestFile
    from ..judge.visibility import AFTER_DUE, FULL, for_students, gradescope_visibility
    shown = for_students(result, FULL if hidden_cases == AFTER_DUE else hidden_cases)
    visibility = {question_name(t.id): gradescope_visibility(hidden_cases, t) for t in result.tests}
    files = []
    for t in shown.tests:
        case = TestCase(name=t.id, body=None, hidden=False, points=float(t.max_points),
                        success_message=t.message if t.passed else None, failure_message=None)
        tf = ExceptionTestFile(question_name(t.id), f"depthlab:{t.id}", [case], all_or_nothing=False)
        tf.test_case_results = [TestCaseResult(test_case=case, message=t.message, passed=bool(t.passed))]
        tf.update_score(float(t.points))
        files.append(tf)
    results.results = {tf.name: tf for tf in files}
    if type(results) is GradingResults:
        results.__class__ = GradescopeResults
    results.depthlab_visibility = visibility
    if getattr(results, "_catastrophic_error", None) is not None:
        results._catastrophic_error = None   # otter's empty run failing says nothing about depthlab's grading
    notes = []
    if result.error:
        notes.append(f"This notebook could not be graded: {result.error}")
    notes += [e.detail for e in result.events]
    results.set_output("Graded by depthlab outside your notebook's kernel.\n" + "\n".join(notes) if notes
                       else "Graded by depthlab outside your notebook's kernel.")
    results.set_plugin_data(PLUGIN_NAME, result.to_record())


def result_from_plugin_data(results, notebook: Optional[str] = None) -> Optional[NotebookResult]:
    """The depthlab result an otter run stored, or None if the plugin did not run."""
    record = results.get_plugin_data(PLUGIN_NAME) if results is not None else None
    if not record:
        return None
    result = NotebookResult.from_record(record)
    return replace(result, engine=ENGINE, notebook=notebook or result.notebook)
