"""Hidden tests sent to the kernel in batches (issue 16, judge/batch.py).

Consecutive tests that share their need for fixtures go to the kernel as one
execution.  Asked here, with real sandboxed kernels: does a batch give every
test the result it gets on its own, with fewer executions?  Is a test that
hangs inside a batch interrupted at its own limit, named in the event, and are
the tests after it in the batch still graded?  And of the clock alone: can lines
a student writes into the results file move a test's deadline past the batch's?
"""
from __future__ import annotations

import json
import time

import pytest

from depthlab.config import GradingConfig
from depthlab.judge import batch
from depthlab.judge.kernel import SandboxKernel
from depthlab.judge.notebook import grade_id
from depthlab.judge.session import NotebookGrader

from hostile.build import ASSIGNMENT, perfect, solutions, write

LIMITS = GradingConfig(test_timeout=1.5, cell_timeout=10, notebook_timeout=120, memory_mb=1536)


class CountingKernels:
    """SandboxKernels that count the executions sent to them."""

    def __init__(self):
        self.runs = 0

    def __call__(self) -> SandboxKernel:
        kernel = SandboxKernel(memory_mb=LIMITS.memory_mb, output_limit=LIMITS.output_limit)
        plain_run = kernel.run

        def run(code, timeout, *clock):
            self.runs += 1
            return plain_run(code, timeout, *clock)

        kernel.run = run
        return kernel


def _grade(path, batched: bool, monkeypatch):
    monkeypatch.setenv("DEPTHLAB_BATCH_PROBES", "1" if batched else "0")
    kernels = CountingKernels()
    result = NotebookGrader(ASSIGNMENT, LIMITS, kernel_factory=kernels).grade_path(path, "direct", "s").result
    return result, kernels.runs


def _hanging(function: str):
    nb = perfect()
    for cell in nb.cells:
        if grade_id(cell) == f"solution_{function}":
            cell.source = f"def {function}(*args, **kwargs):\n    while True:\n        pass\n"
    return nb


@pytest.fixture(scope="module")
def groups():
    """The assignment's tests, cut into batches as the grader cuts them."""
    grader = NotebookGrader(ASSIGNMENT, LIMITS)
    tests, out = list(grader.prepared.tests), []
    run = type("Run", (), {"needs_fixtures": lambda self, pt: '"$fixture"' in pt.cases_json
                           and bool(grader.prepared.fixture_source)})()
    while tests:
        out.append(batch.same_fixtures(run, tests))
        tests = tests[len(out[-1]):]
    return out


def test_a_batch_gives_every_test_its_own_result_with_fewer_executions(tmp_path, monkeypatch, groups):
    path = tmp_path / "perfect.ipynb"
    write(perfect(), path)
    one_by_one, runs_alone = _grade(path, False, monkeypatch)
    batched, runs_batched = _grade(path, True, monkeypatch)
    assert [(t.id, t.points, t.status) for t in batched.tests] == \
           [(t.id, t.points, t.status) for t in one_by_one.tests]
    assert batched.score == batched.max_score > 0
    tests = sum(len(g) for g in groups)
    assert len(groups) < tests
    assert runs_alone - runs_batched == tests - len(groups), (runs_alone, runs_batched, len(groups))


def test_a_hang_inside_a_batch_costs_its_own_limit_and_the_rest_is_graded(tmp_path, monkeypatch, groups):
    first = max(groups, key=len)
    others = "\n".join(solutions().values())
    # a function in the middle of the longest batch that no other solution calls
    hang = next(pt.test.function for pt in first[1:-1] if others.count(f"{pt.test.function}(") == 1)
    path = tmp_path / "hangs.ipynb"
    write(_hanging(hang), path)
    start = time.monotonic()
    alone, _ = _grade(path, False, monkeypatch)
    seconds_alone = time.monotonic() - start
    start = time.monotonic()
    result, _ = _grade(path, True, monkeypatch)
    seconds = time.monotonic() - start
    tests = {t.function: t for t in result.tests}
    assert tests[hang].status == "timeout" and tests[hang].points == 0, tests[hang].message
    after = [pt.test.function for pt in first[first.index(next(p for p in first if p.test.function == hang)) + 1:]]
    assert after and all(tests[fn].passed for fn in after), [tests[fn].message for fn in after]
    assert sum(t.passed for t in result.tests) == len(result.tests) - 1
    lines = [e.detail for e in result.events]
    assert any(f"the hidden cases of {hang} timed out after 1.5 s; it was interrupted" in line for line in lines), lines
    assert [(t.id, t.points, t.status) for t in result.tests] == \
           [(t.id, t.points, t.status) for t in alone.tests]
    # its own limit (1.5 s), as alone; the batch's (1.5 s for each of its tests) would cost 6 s more
    assert seconds < seconds_alone + 3.0, (seconds, seconds_alone)


def _line(fh, token, status="started"):
    fh.write(json.dumps({"index": batch.FRAME_INDEX, "status": status, "token": token}) + "\n")
    fh.flush()


def test_the_clock_follows_started_lines_and_never_passes_the_batchs_limit(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text("")
    clock = batch.BatchClock(["a", "b", "c"], [0.3, 0.3, 0.3])
    clock.arm(str(path), ["t.0", "t.1", "t.2"])
    armed = clock.since
    assert clock() == pytest.approx(armed + 0.3)
    with open(path, "a") as fh:
        _line(fh, "t.0")
        _line(fh, "t.1")
        assert clock() == pytest.approx(time.monotonic() + 0.3, abs=0.05)
        assert clock.describe() == ("b", 0.3)
        _line(fh, "t.0")                 # back to an earlier test: ignored
        _line(fh, "someone-else.3")      # not this batch's: ignored
        fh.write('{"index": -2, "status": "started", "tok')   # half a line: read once it ends
        fh.flush()
        assert clock.describe() == ("b", 0.3)
    time.sleep(0.7)
    with open(path, "a") as fh:
        fh.write('en": "x"}\n')
        _line(fh, "t.2")   # a late (or forged) start of the last test: the batch's limit still holds
    assert clock.describe() == ("c", 0.3)
    assert clock() == pytest.approx(armed + 0.9)
    # the file cleared for a second try: read from its start again
    path.write_text("")
    clock.arm(str(path), ["u.0", "u.1"])
    with open(path, "a") as fh:
        _line(fh, "u.1")
    assert clock.describe() == ("b", 0.3)
