"""Grade one notebook in a sandboxed kernel; judge in this process.

Steps, in order: read -> plan (match against the source notebook) -> execute
(setup cells, the student's cells) -> probe (each function's cases, results
written to the kernel's results file) -> judge (against the reference, here)
-> result.  A timeout, a dead kernel, a kernel whose replies became unreadable
or a broken cell becomes an event line; the rest of the notebook is still
graded (after a restart, the cells that ran before are run again).

What reaches the kernel: the setup cells, the student's cells, the probe (a
module under a random name in ``sys.modules``, loaded again if the notebook
removes it), each test's encoded inputs, and the fixture source only with the
calls whose cases use fixtures.  Never the reference or its outcomes.  Each
probe call carries a fresh token; only result lines with that token count.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from ..config import GradingConfig
from .kernel import SandboxKernel
from . import batch
from .kernel_output import RunResult
from .sandbox import isolation_mode
from .notebook import Plan, SubmissionError, Template, looks_like, make_plan, read_notebook
from .notebook import one_line as _one_line
from ..paths import source_notebook
from .outcome import Outcome
from .prepare import PROBE_SOURCE, PreparedAssignment, known_assignments, prepare, wire_outcomes, judge_outcomes
from .results import Event, EventKind, IntegrityFlag, NotebookResult, Status, TestResult

MAX_RESULT_BYTES = 50_000_000


@dataclass
class GradedNotebook:
    """The result, plus the outputs of every cell that ran (by submission index)."""

    result: NotebookResult
    cell_outputs: dict = field(default_factory=dict)


def _inject_code(name: str, output_limit: int = 20_000) -> str:
    """Load the probe as module ``name`` in the kernel's ``sys.modules`` (not in the
    notebook's globals, where ``%reset`` or a student could remove or replace it),
    and cap what one execution may print at twice the output limit.  Fixtures are
    not loaded here: only the probe calls whose cases need them bring them along
    (some fixtures compute what a graded function computes)."""
    return (
        "def __dl_load():\n"
        "    import sys, types\n"
        f"    m = types.ModuleType({name!r})\n"
        f"    exec(compile({PROBE_SOURCE!r}, '<depthlab probe>', 'exec'), m.__dict__)\n"
        f"    sys.modules[{name!r}] = m\n"
        f"    m.cap_streams({2 * output_limit + 1000})\n"
        "__dl_load()\n"
        "del __dl_load\n"
    )


#: what a probe call raises when the notebook removed the probe (the grader then loads it again)
PROBE_MISSING = "depthlab: the probe is not loaded"


def _call_code(name: str, call: str) -> str:
    """Code that calls ``call`` (an expression using ``__dl_probe``) on the probe, or
    raises LookupError(PROBE_MISSING) when the notebook removed it.  Short on purpose:
    the kernel parses, echoes and the grader reads every call's code, and carrying the
    probe's source along each time (to load it again in place) cost 10 ms per call."""
    return (
        "import sys as __dl_sys\n"
        f"if not hasattr(__dl_sys.modules.get({name!r}), 'kernel_entry'):\n"
        "    del __dl_sys\n"
        f"    raise LookupError({PROBE_MISSING!r})\n"
        f"__dl_probe = __dl_sys.modules[{name!r}]\n"
        "del __dl_sys\n"
        f"{call}\n"
        "del __dl_probe\n"
    )


class NotebookGrader:
    """Grades notebooks of one assignment, one kernel per notebook."""

    def __init__(self, assignment: str, config: GradingConfig | None = None,
                 template: Template | None = None, kernel_factory: Callable[[], SandboxKernel] | None = None,
                 root: Path | None = None):
        """``root``: the course directory (its source notebook, its own checks); None: the
        package's checks and :func:`~depthlab.paths.course_root`'s source notebook."""
        self.assignment = assignment
        self.root = root
        self.config = config or GradingConfig.from_env()
        #: the sandbox level; IsolationUnavailable here, before anything is graded, when none is safe
        self.isolation = isolation_mode(getattr(self.config, "isolation", None))
        self.prepared: PreparedAssignment = prepare(assignment, root)
        self.template = template or Template.load(assignment, source_notebook(assignment, root))
        self.kernel_factory = kernel_factory or (lambda: SandboxKernel(
            memory_mb=self.config.memory_mb, output_limit=self.config.output_limit,
            interrupt_grace=getattr(self.config, "interrupt_grace", None),
            isolation=getattr(self.config, "isolation", None),
            scratch_mb=getattr(self.config, "scratch_mb", None)))

    # -- public -------------------------------------------------------------
    def grade_path(self, path: Path, engine: str = "direct", student: str | None = None, nb=None) -> GradedNotebook:
        """Grade the notebook at ``path`` (``nb``: the caller's already-read copy of it)."""
        start = time.monotonic()
        try:
            nb = nb if nb is not None else read_notebook(path)
        except SubmissionError as exc:
            return GradedNotebook(self.ungraded(str(path), engine, str(exc), student))
        graded = self.grade_nb(nb, str(path), engine, student)
        graded.result = replace(graded.result, seconds=round(time.monotonic() - start, 3))
        return graded

    def ungraded(self, notebook: str, engine: str, error: str, student: str | None = None) -> NotebookResult:
        tests = tuple(TestResult(pt.test.test_id, pt.test.function, 0.0, float(pt.test.points), False,
                                 f"{pt.test.function}: not graded ({error})", (), Status.UNGRADED,
                                 f"not graded ({error})", "", "ungraded")
                      for pt in self.prepared.tests)
        return NotebookResult(self.assignment, notebook, engine, tests, (), error, student=student,
                              isolation=self.isolation)

    def grade_nb(self, nb, notebook: str, engine: str, student: str | None = None) -> GradedNotebook:
        functions = self.prepared.spec.functions
        wrong = self._wrong_assignment(nb)
        if wrong:
            return GradedNotebook(self.ungraded(notebook, engine, wrong, student))
        plan = make_plan(self.template, nb, functions)
        try:
            run = _Run(self, plan)
        except RuntimeError as exc:   # the kernel could not start: nothing of this notebook ran
            return GradedNotebook(self.ungraded(notebook, engine, str(exc), student))
        try:
            run.execute()
            outcomes = run.probe_all()
        except RuntimeError as exc:
            return GradedNotebook(self.ungraded(notebook, engine, f"grading stopped: {exc}", student))
        finally:
            run.close()
        flags = list(plan.flags)
        banned = {f: _ban_reason(f, plan.flags) for f in plan.banned}
        for function, module in run.blocked:
            where = f"{function} tried" if function else "the notebook's cells tried"
            flags.append(IntegrityFlag("forbidden_import", f"{where} to import {module} while it was graded; "
                                       "no credit for the function that does", function))
            if function:
                banned.setdefault(function, f"{function} tried to import {module} while it was graded")
        reached = _reached_by(run.reached)
        for function, what in reached.items():
            where = f"{function}" if function else "the notebook's cells"
            flags.append(IntegrityFlag("reaches_outside_sandbox", f"{where} tried to {what}; the sandbox refused"
                                       + ("; no credit for the function that does" if function else ""), function))
            if function:
                banned.setdefault(function, f"{function} tried to {what.split(';')[0]} while it was graded")
        tests = judge_outcomes(self.prepared, outcomes)
        tests = [self._banned(t, banned[t.function]) if t.function in banned else t for t in tests]
        result = NotebookResult(self.assignment, notebook, engine, tuple(tests), tuple(flags),
                                None, student=student, events=tuple(run.events),
                                isolation=getattr(run.kernel, "isolation", self.isolation))
        return GradedNotebook(result, run.cell_outputs)

    # -- helpers ------------------------------------------------------------
    def _wrong_assignment(self, nb) -> Optional[str]:
        # ids of this assignment's own answers and tests (not "given_setup", which others share)
        mine = {t.grade_id for t in self.template.cells if t.kind in ("solution", "test", "written")}
        from .notebook import grade_id
        ids = {grade_id(c) for c in nb.cells} - {None}
        if ids & mine:
            return None
        code = "\n".join(c.source for c in nb.cells if c.get("cell_type") == "code")
        if any(f"def {f}(" in code for f in self.prepared.spec.functions):
            return None
        others = {}
        for name in known_assignments(self.root):
            if name != self.assignment:
                try:
                    others[name] = Template.load(name, source_notebook(name, self.root))
                except (SubmissionError, OSError):
                    continue
        guess = looks_like(nb, others)
        hint = f"; it looks like {guess[0]}" if guess else ""
        return (f"this notebook has none of {self.assignment}'s cells and defines none of its "
                f"functions{hint}. Was the wrong file submitted?")

    @staticmethod
    def _banned(t: TestResult, reason: str = "") -> TestResult:
        reason = reason or "its code imports the grading or reference code"
        return replace(t, points=0.0, passed=False, status=Status.INTEGRITY,
                       message=f"{t.function}: no credit (integrity): {reason}",
                       problem=f"no credit (integrity): {reason}", hint="", mistake="integrity")


class _Run:
    """The state of grading one notebook in one kernel."""

    def __init__(self, grader: NotebookGrader, plan: Plan):
        self.grader = grader
        self.config = grader.config
        self.plan = plan
        self.kernel = grader.kernel_factory()
        self.deadline = time.monotonic() + self.config.notebook_timeout
        self.events: list[Event] = []
        self.cell_outputs: dict = {}
        self.replay: list[str] = []
        self.blocked: list[tuple[Optional[str], str]] = []   # (function or None, module)
        self.reached: list[tuple[Optional[str], str]] = []   # (function or None, "open /path", ...)
        self.probe_name = f"_dl_{uuid.uuid4().hex[:12]}"
        self.inject = _inject_code(self.probe_name, self.config.output_limit)
        self._started = False
        self._out_of_time = False
        self.broken = False   # the kernel's messaging broke again and again: nothing more is run
        self.garbled = 0

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
        res = self.kernel.run(self.inject, 30)
        if res.status != "ok":
            raise RuntimeError(f"could not load the probe into the kernel: {res.ename} {res.evalue}")
        for code in self.replay:
            if self._left() <= 0:
                break
            res = self.kernel.run(code, max(0.5, min(self.config.cell_timeout, self._left())))
            if res.restarted:
                self.events.append(Event(EventKind.REPLAY, "after a restart, the notebook's earlier cells could "
                                         "not all be run again; later tests ran without them"))
                self.kernel.run(self.inject, 30)
                break

    def _run(self, code: str, timeout: float, label, clock: Optional[Callable[[], float]] = None) -> RunResult:
        """Run ``code``; ``label`` names it in events (or, called after the run, gives
        its name and time limit: a batch of tests names the one that was running)."""
        if self.broken:
            return RunResult("garbled")
        self._ensure_kernel()
        timeout = max(0.5, min(timeout, self._left()))
        res = self.kernel.run(code, timeout, clock) if clock is not None else self.kernel.run(code, timeout)
        label, timeout = label() if callable(label) else (label, timeout)
        if res.status == "garbled":
            self.garbled += 1
            if self.garbled >= 3:
                self.broken = True
                self.events.append(Event(EventKind.UNREADABLE, f"the kernel's replies could not be read after "
                                         f"{label} (did the notebook replace json or other code the kernel uses "
                                         "to talk to the grader?); this happened 3 times, nothing after it was run",
                                         label))
                return res
            self.events.append(Event(EventKind.UNREADABLE, f"the kernel's replies could not be read after {label} "
                                     "(did the notebook replace json or other code the kernel uses to talk to the "
                                     "grader?); the kernel was restarted without it", label))
            self.kernel.restart()
            self._prime()
            return res
        if res.status == "timeout":
            self.events.append(Event(EventKind.TIMEOUT, f"{label} timed out after {timeout:.3g} s" +
                                     ("; the kernel did not respond to an interrupt and was restarted"
                                      if res.restarted else "; it was interrupted"), label))
        elif res.status == "died":
            how = res.evalue or "it exited, crashed or ran out of memory"
            self.events.append(Event(EventKind.DIED, f"the kernel died while running {label} ({how}); "
                                     "it was restarted", label))
        if res.ename == "MemoryError":
            self.events.append(Event(EventKind.MEMORY, f"{label} ran out of memory (the kernel's limit is "
                                     f"{self.config.memory_mb} MB)", label))
        if res.restarted:
            self._prime()
        return res

    def execute(self) -> None:
        for cell in self.plan.setup:
            res = self._run(cell.source, self.config.cell_timeout, f"setup cell {cell.grade_id}")
            if res.status == "ok":
                self.replay.append(cell.source)
            elif res.status == "error":
                self.events.append(Event(EventKind.SETUP_ERROR, f"setup cell {cell.grade_id} raised "
                                         f"{res.ename}: {res.evalue[:200]}", f"setup cell {cell.grade_id}"))
                self.replay.append(cell.source)
        skipped = []
        for cell in self.plan.student:
            if self._left() <= 0:
                skipped.append(cell.label)
                continue
            res = self._run(cell.source, self.config.cell_timeout, cell.label)
            self.cell_outputs[cell.index] = res.outputs
            if res.status in ("ok", "error"):
                self.replay.append(cell.source)
            if res.status == "error" and res.ename != "MemoryError":
                self.events.append(Event(EventKind.CELL_ERROR, f"{cell.label} raised {res.ename}: "
                                         f"{_one_line(res.evalue)}", cell.label))
        if skipped:
            self._out_of_time = True
            self.events.append(Event(EventKind.NOTEBOOK_TIMEOUT, f"the notebook's time limit "
                                     f"({self.config.notebook_timeout:.3g} s) ran out; not run: {', '.join(skipped)}"))
        self._collect_blocked(None, self._call(lambda path, token: f"__dl_probe.report_blocked({path!r}, {token!r})",
                                                self.config.cell_timeout, "the check for blocked imports"))

    def _call(self, make_call: Callable[[str, str], str], timeout: float, label,
              clock: Optional[Callable[[], float]] = None) -> tuple[RunResult, list[dict]]:
        """Run a probe call (``make_call(results path, fresh token)`` is its code);
        return the run and the result lines carrying that token (or ``token.<i>``)."""
        token = uuid.uuid4().hex
        self._ensure_kernel()
        self.kernel.clear_results()
        call = make_call(str(self.kernel.results_path), token)
        res = self._run(_call_code(self.probe_name, call), timeout, label, clock)
        if res.status == "error" and res.ename == "LookupError" and res.evalue == PROBE_MISSING:
            self._run(self.inject, 30, label)   # the notebook removed it: load it again, once
            self.kernel.clear_results()
            res = self._run(_call_code(self.probe_name, call), timeout, label, clock)
        mine = (token, token + ".")
        lines = [d for d in _parse_lines(self.kernel.read_results(MAX_RESULT_BYTES))
                 if d.get("token") == token or str(d.get("token")).startswith(mine[1])]
        return res, lines

    def _collect_blocked(self, function: Optional[str], run) -> None:
        _res, lines = run
        for line in lines:
            for key, found in (("blocked", self.blocked), ("reached", self.reached)):
                names = line.get(key)
                if isinstance(names, list):
                    for name in names[:20]:
                        item = (function, str(name)[:220])
                        if item not in found and not (function is None and (function, item[1]) in found):
                            found.append(item)

    def probe_all(self) -> dict:
        """Every test's outcomes, in the tests' order: consecutive tests that all need
        fixtures, or all do not, run as one batch (:mod:`.batch`); a test a batch could
        not start runs on its own."""
        outcomes: dict = {}
        tests = list(self.grader.prepared.tests)
        while len(outcomes) < len(tests):
            pending = tests[len(outcomes):]
            group = batch.same_fixtures(self, pending) if batch.enabled() and self._left() > 0 else pending[:1]
            decided = batch.probe_batch(self, group) if len(group) > 1 else {}
            if not decided:
                decided = {pending[0].test.test_id: self.probe(pending[0])}
            outcomes.update(decided)
        return outcomes

    def needs_fixtures(self, pt) -> bool:
        return bool(self.grader.prepared.fixture_source) and '"$fixture"' in pt.cases_json

    def test_timeout(self, pt) -> float:
        return pt.test.timeout or self.config.test_timeout

    def probe(self, pt) -> list[Outcome]:
        n = len(pt.cases)
        fn = pt.test.function
        if self._left() <= 0:
            if not self._out_of_time:
                self._out_of_time = True
                self.events.append(Event(EventKind.NOTEBOOK_TIMEOUT, f"the notebook's time limit "
                                         f"({self.config.notebook_timeout:.3g} s) ran out before the hidden cases "
                                         f"of {fn}; they and the later tests were not run", fn))
            return [Outcome("timeout", detail="the notebook's time limit ran out")] * n
        source = self.grader.prepared.fixture_source
        fixtures = f"__dl_probe.load_fixtures([{source!r}])" if self.needs_fixtures(pt) else "None"

        def make_call(path: str, token: str) -> str:
            return f"__dl_probe.kernel_entry(globals(), {fn!r}, {pt.cases_json!r}, {fixtures}, {path!r}, {token!r})"

        res, lines = self._call(make_call, self.test_timeout(pt), f"the hidden cases of {fn}")
        return self.decide(pt, res, lines)

    def decide(self, pt, res: RunResult, lines: list[dict]) -> list[Outcome]:
        """A test's outcomes from its result lines and how the run that carried it ended."""
        n = len(pt.cases)
        fn = pt.test.function
        if res.status == "garbled":
            return [Outcome("error", error_type="KernelUnreadable", error_mro=("KernelUnreadable",),
                            error_message="the kernel's replies could not be read while it ran (see the events)")] * n
        self._collect_blocked(fn, (res, lines))
        outcomes = wire_outcomes(lines, n)
        if res.status in ("timeout", "died"):
            status = "timeout" if res.status == "timeout" else "died"
            first = next((i for i, o in enumerate(outcomes) if o.status == "not_run"), None)
            if first is not None:
                outcomes[first] = Outcome(status, detail=res.evalue or "")
        elif any(d.get("status") == "interrupted" for d in lines):
            # the student's code raised KeyboardInterrupt itself (the grader had not interrupted)
            first = next((i for i, o in enumerate(outcomes) if o.status == "not_run"), None)
            if first is not None:
                outcomes[first] = Outcome("error", error_type="KeyboardInterrupt",
                                          error_mro=("KeyboardInterrupt",),
                                          error_message="the remaining cases were not run")
        elif all(o.status == "not_run" for o in outcomes):
            why = (f"{res.ename}: {_one_line(res.evalue)}" if res.status == "error"
                   else "no results came back from the kernel")
            self.events.append(Event(EventKind.PROBE_FAILED, f"the hidden cases of {fn} could not be run ({why}); "
                                     "was the grader's code in the kernel changed?", fn))
            outcomes = [Outcome("error", error_type=res.ename or "ReportError", error_mro=(res.ename or "ReportError",),
                                error_message=f"grading could not call it ({why})")] * n
        if any(o.status == "error" and o.error_type == "MemoryError" for o in outcomes):
            self.events.append(Event(EventKind.MEMORY, f"{fn} ran out of memory on a hidden case (the kernel's "
                                     f"limit is {self.config.memory_mb} MB)", fn))
        return outcomes


def _reached_by(reached: list) -> dict:
    """{function or None: "open /x/solutions/ps2.py; list /; ... (5 in all)"}: what each
    function (or the cells) tried beyond the sandbox's view, duplicates of a
    function's attempts left out of the cells' list."""
    by: dict = {}
    for function, what in reached:
        by.setdefault(function, [])
        if what not in by[function]:
            by[function].append(what)
    if None in by:
        mine = {w for f, ws in by.items() if f for w in ws}
        by[None] = [w for w in by[None] if w not in mine]
        if not by[None]:
            del by[None]
    out = {}
    for function, items in by.items():
        shown = "; ".join(items[:3])
        out[function] = shown + (f" ({len(items)} in all)" if len(items) > 3 else "")
    return out


def _ban_reason(function: str, flags) -> str:
    """Why ``function`` gets no credit: its own integrity finding, else the notebook's."""
    from .notebook import BANNING
    mine = [f for f in flags if f.kind in BANNING and f.function == function]
    tamper = [f for f in flags if f.kind == "tampers_with_grader"]
    cells = [f for f in flags if f.kind in BANNING and f.function is None]
    chosen = (mine or tamper or cells or [None])[0]
    if chosen is not None and chosen.function != function:
        return chosen.detail.split("; no ")[0] + " (a cell of the notebook)"
    return chosen.detail.split("; no ")[0] if chosen else ""


def _parse_lines(data: bytes) -> list[dict]:
    out = []
    for raw in data.splitlines():
        try:
            item = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(item, dict):
            out.append(item)
    return out
