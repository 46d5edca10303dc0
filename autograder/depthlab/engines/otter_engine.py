"""The otter engine: ``depthlab grade ... --engine otter``.

Each notebook goes through otter-grader's own autograder run (``otter run``'s
code path, through otter's Python API ``otter.api.grade_submission``) with the
Gradescope autograder zip that ``depthlab release`` generates
(``assignments/<a>/autograder/<a>-autograder.zip``).  The zip's otter config
names depthlab's plugin (:mod:`depthlab.engines.otter_plugin`), which grades
outside the student's kernel with depthlab's time limits; its result record
comes back through otter's ``results.pkl`` (plugin data), so the JSON printed
is the same as the nbgrader engine's, with ``"engine": "otter"``.

It grades the otter student notebook (``assignments/<a>/student/``) and the
nbgrader release notebook alike.  Running otter in this process (rather than
``otter run`` per file) saves otter's start-up (about 3 s) per notebook.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import nbformat

from ..config import GradingConfig
from ..judge.notebook import SubmissionError, read_notebook
from ..judge.results import NotebookResult, Status, TestResult
from ..paths import course_root
from . import otter_assign
from .otter_plugin import CONFIG_KEYS, ENGINE, PLUGIN_NAME, result_from_plugin_data


class OtterError(RuntimeError):
    """otter could not grade a notebook (the message says why)."""


class OtterBackend:
    """Grades notebooks of one assignment with otter and the generated autograder zip.

    ``autograder``: the zip to use (default: the committed
    ``assignments/<a>/autograder/<a>-autograder.zip``; generated into a scratch
    folder when it does not exist).  ``config``: depthlab's grading limits
    (default: :meth:`GradingConfig.from_env`).
    """

    def __init__(self, assignment: str, config: Optional[GradingConfig] = None, *,
                 autograder: Optional[Path] = None, root: Optional[Path] = None):
        self.assignment = assignment
        self.config = config
        self.root = Path(root or course_root())
        self._scratch: Optional[Path] = None
        self.autograder = Path(autograder) if autograder else self._default_zip()
        from ..config import load_course
        self.hidden_cases = load_course(self.root).terms(assignment).hidden_cases
        if config is not None or self.hidden_cases != "full":
            self.autograder = self._with_limits(self.autograder, config)

    def _scratch_dir(self) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="depthlab-otter-zip-"))
        return self._scratch

    def _with_limits(self, zip_path: Path, config: Optional[GradingConfig]) -> Path:
        """A copy of the autograder zip whose plugin entry in otter_config.json carries
        ``config``'s limits and the course's ``hidden_cases`` for the assignment: otter hands
        a plugin its entry, so they reach it the way they reach it on Gradescope, with no
        state in this process."""
        target = self._scratch_dir() / f"limits-{zip_path.name}"
        limits = {k: v for k, v in asdict(config).items() if k in CONFIG_KEYS} if config is not None else {}
        limits["hidden_cases"] = self.hidden_cases
        with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "otter_config.json":
                    otter_config = json.loads(data)
                    for entry in otter_config.get("plugins", []):
                        if isinstance(entry, dict) and PLUGIN_NAME in entry:
                            entry[PLUGIN_NAME] = {**(entry[PLUGIN_NAME] or {}), **limits}
                    data = json.dumps(otter_config, indent=2).encode()
                out.writestr(info, data)
        return target

    def _default_zip(self) -> Path:
        path = otter_assign.zip_path(self.assignment, self.root)
        if path.is_file():
            return path
        files = otter_assign.generate(self.assignment, self.root)
        rel = f"autograder/{self.assignment}-autograder.zip"
        target = self._scratch_dir() / f"{self.assignment}-autograder.zip"
        target.write_bytes(files[rel])
        return target

    def __call__(self, index: int, path: Path, nb=None) -> NotebookResult:
        path = Path(path)
        results = run_autograder(path, self.autograder, nb)
        result = result_from_plugin_data(results, str(path))
        if result is None:
            raise OtterError(_failure(results))
        return result

    def close(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def run_autograder(submission: Path, autograder: Path, nb=None):
    """Otter's autograder run on one file (what ``otter run`` does, in this process);
    returns otter's ``GradingResults``.  Otter's chatter is kept off stdout.  The
    grading limits are the zip's own (see :meth:`OtterBackend._with_limits`); ``nb``
    is the caller's already-read copy of the submission."""
    from otter.api import grade_submission
    submission = Path(submission)
    with contextlib.ExitStack() as stack:
        # otter only looks for *.ipynb files, and reads the file itself before any plugin runs
        # (nbformat: no BOM, a dict as metadata): it gets the notebook as depthlab reads it
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="depthlab-otter-sub-")))
        copy = tmp / f"{submission.stem or 'submission'}.ipynb"
        try:
            nbformat.write(nb if nb is not None else read_notebook(submission), str(copy))
        except SubmissionError:   # not a notebook: the plugin says why
            shutil.copyfile(submission, copy)
        submission = copy
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        return grade_submission(str(submission), str(autograder), quiet=True)


def _failure(results) -> str:
    if results is None:
        return "otter returned no results"
    error = getattr(results, "catastrophic_error", None)
    if error is not None:
        return f"otter failed: {error.__class__.__name__}: {error}"
    return "the depthlab otter plugin did not run (is it named in the zip's otter_config.json?)"


# --------------------------------------------------------------------------- otter run (command line)

def otter_run(submission: Path, autograder: Path, output_dir: Path, *, env: Optional[dict] = None,
              timeout: float = 900) -> dict:
    """Plain ``otter run -a ZIP -o DIR SUBMISSION`` in a child process; its ``results.json``."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    otter = Path(sys.executable).with_name("otter")
    cmd = [str(otter) if otter.exists() else "otter", "run", "-a", str(autograder), "-o", str(output_dir),
           "--no-logo", str(submission)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    results = output_dir / "results.json"
    if proc.returncode != 0 or not results.exists():
        raise OtterError(f"otter run failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    return json.loads(results.read_text())


def result_from_gradescope(data: dict, assignment: str, notebook: str) -> NotebookResult:
    """A result from Gradescope's ``results.json`` as the zip writes it (tests, points,
    messages; integrity notes and case details are not in that file)."""
    from ..judge.prepare import load_spec
    spec = load_spec(assignment)
    by_question = {otter_assign.question_name(t.test_id): t for t in spec.tests}
    tests = []
    for entry in data.get("tests", []):
        t = by_question.get(entry.get("name"))
        if t is None or "score" not in entry:
            continue
        output = entry.get("output", "")
        message = _message(output, t.test_id)
        points, max_points = float(entry["score"]), float(entry["max_score"])
        tests.append(TestResult(t.test_id, t.function, points, max_points, points >= max_points, message))
    missing = [t for t in spec.tests if t.test_id not in {x.id for x in tests}]
    error = None
    if missing:
        error = f"results.json has no result for {', '.join(t.test_id for t in missing)}"
        tests += [TestResult(t.test_id, t.function, 0.0, float(t.points), False, "not graded",
                                (), Status.UNGRADED, "not graded", "", "ungraded") for t in missing]
    order = {t.test_id: i for i, t in enumerate(spec.tests)}
    tests.sort(key=lambda t: order.get(t.id, len(order)))
    return NotebookResult(assignment, notebook, ENGINE, tuple(tests), (), error)


def _message(output: str, test_id: str) -> str:
    """depthlab's message inside otter's test summary text."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == f"{test_id} result:" and i + 1 < len(lines):
            return "\n".join(l.strip() for l in lines[i + 1:] if l.strip())
        if stripped.startswith(f"{test_id} message:"):
            return stripped[len(f"{test_id} message:"):].strip()
    return output.strip()
