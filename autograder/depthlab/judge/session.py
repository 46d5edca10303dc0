"""Grade one notebook in a sandboxed kernel; judge in this process.

Steps, in order: read -> plan (match against the source notebook) -> execute
(setup cells, the student's cells) -> probe (each function's cases, results
written to a file) -> judge (against the reference, here) -> result.
A timeout, a dead kernel or a broken cell becomes an event line; the rest of
the notebook is still graded.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from ..config import GradingConfig
from . import probe as probe_module
from .kernel import RunResult, SandboxKernel
from .notebook import Plan, SubmissionError, Template, looks_like, make_plan, read_notebook
from .outcome import Outcome
from .prepare import PreparedAssignment, known_assignments, prepare, wire_outcomes, judge_outcomes
from .results import IntegrityFlag, NotebookResult, TestResult

PROBE_SOURCE = Path(probe_module.__file__).read_text(encoding="utf-8")
MAX_RESULT_BYTES = 50_000_000


@dataclass
class GradedNotebook:
    """The result, plus the outputs of every cell that ran (by submission index)."""

    result: NotebookResult
    cell_outputs: dict = field(default_factory=dict)
    test_outputs: dict = field(default_factory=dict)   # test id -> outputs


def _inject_code(fixture_source: str) -> str:
    return (
        "import types as _dl_types\n"
        "__depthlab__ = _dl_types.ModuleType('__depthlab_probe__')\n"
        f"exec(compile({PROBE_SOURCE!r}, '<depthlab probe>', 'exec'), __depthlab__.__dict__)\n"
        f"__depthlab_fixtures__ = __depthlab__.load_fixtures([{fixture_source!r}] if {bool(fixture_source)!r} else [])\n"
        "del _dl_types\n"
    )


class NotebookGrader:
    """Grades notebooks of one assignment, one kernel per notebook."""

    def __init__(self, assignment: str, config: GradingConfig | None = None,
                 template: Template | None = None, kernel_factory: Callable[[], SandboxKernel] | None = None):
        self.assignment = assignment
        self.config = config or GradingConfig.from_env()
        self.prepared: PreparedAssignment = prepare(assignment)
        self.template = template or Template.load(assignment)
        self.kernel_factory = kernel_factory or (lambda: SandboxKernel(
            memory_mb=self.config.memory_mb, output_limit=self.config.output_limit))

    # -- public -------------------------------------------------------------
    def grade_path(self, path: Path, engine: str = "direct", student: str | None = None) -> GradedNotebook:
        start = time.monotonic()
        try:
            nb = read_notebook(path)
        except SubmissionError as exc:
            return GradedNotebook(self.ungraded(str(path), engine, str(exc), student))
        graded = self.grade_nb(nb, str(path), engine, student)
        graded.result = replace(graded.result, seconds=round(time.monotonic() - start, 3))
        return graded

    def ungraded(self, notebook: str, engine: str, error: str, student: str | None = None) -> NotebookResult:
        tests = tuple(TestResult(pt.test.test_id, pt.test.function, 0.0, float(pt.test.points), False,
                                 f"{pt.test.function}: not graded ({error})", (), "ungraded")
                      for pt in self.prepared.tests)
        return NotebookResult(self.assignment, notebook, engine, tests, (), error, student=student)

    def grade_nb(self, nb, notebook: str, engine: str, student: str | None = None) -> GradedNotebook:
        functions = self.prepared.spec.functions
        wrong = self._wrong_assignment(nb)
        if wrong:
            return GradedNotebook(self.ungraded(notebook, engine, wrong, student))
        plan = make_plan(self.template, nb, functions)
        run = _Run(self, plan)
        try:
            run.execute()
            outcomes = run.probe_all()
        finally:
            run.close()
        tests = judge_outcomes(self.prepared, outcomes)
        tests = [self._banned(t) if t.function in plan.banned else t for t in tests]
        result = NotebookResult(self.assignment, notebook, engine, tuple(tests), plan.flags,
                                None, student=student, events=tuple(run.events))
        return GradedNotebook(result, run.cell_outputs, run.test_outputs)

    # -- helpers ------------------------------------------------------------
    def _wrong_assignment(self, nb) -> Optional[str]:
        mine = set(self.template.by_id())
        from .notebook import grade_id
        ids = {grade_id(c) for c in nb.cells} - {None}
        if ids & mine:
            return None
        code = "\n".join(c.source for c in nb.cells if c.get("cell_type") == "code")
        if any(f"def {f}(" in code for f in self.prepared.spec.functions):
            return None
        others = {}
        for name in known_assignments():
            if name != self.assignment:
                try:
                    others[name] = Template.load(name)
                except (SubmissionError, OSError):
                    continue
        guess = looks_like(nb, others)
        hint = f"; it looks like {guess[0]}" if guess else ""
        return (f"this notebook has none of {self.assignment}'s cells and defines none of its "
                f"functions{hint}. Was the wrong file submitted?")

    @staticmethod
    def _banned(t: TestResult) -> TestResult:
        return replace(t, points=0.0, passed=False, status="integrity",
                       message=f"{t.function}: no credit: its code imports the grading or reference code")


class _Run:
    """The state of grading one notebook in one kernel."""

    def __init__(self, grader: NotebookGrader, plan: Plan):
        self.grader = grader
        self.config = grader.config
        self.plan = plan
        self.kernel = grader.kernel_factory()
        self.deadline = time.monotonic() + self.config.notebook_timeout
        self.events: list[str] = []
        self.cell_outputs: dict = {}
        self.test_outputs: dict = {}
        self.replay: list[str] = []
        self.results_dir = Path(self.kernel.workdir).parent / f"results-{uuid.uuid4().hex}"
        self.results_dir.mkdir()
        self._started = False

    def close(self) -> None:
        self.kernel.close()

    def _left(self) -> float:
        return self.deadline - time.monotonic()

    def _ensure_kernel(self) -> None:
        if not self._started:
            self.kernel.start()
            self._started = True
            self._prime()
        elif not self.kernel.alive():
            self.kernel.restart()
            self._prime()

    def _prime(self) -> None:
        """(Re)load the probe, then replay everything that ran before a restart."""
        res = self.kernel.run(_inject_code(self.grader.prepared.fixture_source), 30)
        if res.status != "ok":
            raise RuntimeError(f"could not load the probe into the kernel: {res.ename} {res.evalue}")
        for code in self.replay:
            self.kernel.run(code, self.config.cell_timeout)

    def _run(self, code: str, timeout: float, label: str) -> RunResult:
        self._ensure_kernel()
        timeout = max(0.5, min(timeout, self._left()))
        res = self.kernel.run(code, timeout)
        if res.status == "timeout":
            self.events.append(f"{label} timed out after {timeout:.0f} s" +
                               ("; the kernel did not respond to an interrupt and was restarted" if res.restarted else ""))
        elif res.status == "died":
            self.events.append(f"the kernel died while running {label}; it was restarted")
        if res.restarted:
            self._prime()
        return res

    def execute(self) -> None:
        for cell in self.plan.setup:
            res = self._run(cell.source, self.config.cell_timeout, f"setup cell {cell.grade_id}")
            if res.status == "ok":
                self.replay.append(cell.source)
            elif res.status == "error":
                self.events.append(f"setup cell {cell.grade_id} raised {res.ename}: {res.evalue[:200]}")
                self.replay.append(cell.source)
        for cell in self.plan.student:
            if self._left() <= 0:
                self.events.append(f"{cell.label} not run: the notebook's time limit ran out")
                continue
            res = self._run(cell.source, self.config.cell_timeout, cell.label)
            self.cell_outputs[cell.index] = res.outputs
            if res.status in ("ok", "error"):
                self.replay.append(cell.source)

    def probe_all(self) -> dict:
        outcomes = {}
        for pt in self.grader.prepared.tests:
            outcomes[pt.test.test_id] = self.probe(pt)
        return outcomes

    def probe(self, pt) -> list[Outcome]:
        n = len(pt.cases)
        if self._left() <= 0:
            return [Outcome("timeout", detail="the notebook's time limit ran out")] * n
        path = self.results_dir / f"{pt.test.test_id}-{uuid.uuid4().hex[:8]}.jsonl"
        code = (f"__depthlab__.kernel_entry(globals(), {pt.test.function!r}, {pt.cases_json!r}, "
                f"__depthlab_fixtures__, {str(path)!r})")
        timeout = pt.test.timeout or self.config.test_timeout
        res = self._run(code, timeout, f"the hidden cases of {pt.test.function}")
        self.test_outputs[pt.test.test_id] = res.outputs
        lines = _read_lines(path)
        outcomes = wire_outcomes(lines, n)
        if res.status in ("timeout", "died"):
            status = "timeout" if res.status == "timeout" else "died"
            first = next((i for i, o in enumerate(outcomes) if o.status == "not_run"), None)
            if first is not None:
                outcomes[first] = Outcome(status, detail=res.evalue or "")
        elif res.status == "error" and all(o.status == "not_run" for o in outcomes):
            outcomes = [Outcome("error", error_type=res.ename, error_mro=(res.ename,),
                                error_message=f"grading could not call it ({res.ename}: {res.evalue[:200]})")] * n
        return outcomes


def _read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    with path.open("rb") as fh:
        data = fh.read(MAX_RESULT_BYTES)
    for raw in data.splitlines():
        try:
            item = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(item, dict):
            out.append(item)
    return out
