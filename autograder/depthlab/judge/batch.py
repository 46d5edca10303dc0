"""Several hidden tests in one kernel execution, each still under its own time limit.

One execution costs about 3 ms of CPU however little it runs (the kernel's
messages, its status updates, the grader reading them): with one execution per
test that was a tenth of a light notebook's grading.  A batch sends consecutive
tests together to the probe's ``kernel_batch``, which frames each test's result
lines with a "started" and a "finished" line.  While the batch runs, the grader
reads those lines (:class:`BatchClock`, a few times a second) and interrupts the
test that runs past its own limit, as it would had the test run alone; the tests
after it run in a new batch.

Only tests that all need fixtures, or all do not, share a batch: the fixtures'
source reaches the kernel only with calls whose cases use them, as before.

A student's function can read a batch's tokens (they are arguments on its call
stack) and write "started" lines of its own; that can move a test's timer, never
past the batch's limit, the sum of its tests' limits (the time the tests would
have had one by one) and never past the notebook's limit.  Its result values are
the kernel's claims, as they always were, and judged here against the reference.

``DEPTHLAB_BATCH_PROBES=0`` sends each test on its own.
"""
from __future__ import annotations

import json
import os
import time

from .. import config
from .kernel_output import RunResult

#: a batch's started/finished lines carry this index (case lines have 0.., notices -1)
FRAME_INDEX = -2
#: what the clock reads of the results file at one look, and keeps of an unfinished line
READ_LIMIT = 1 << 20


def enabled() -> bool:
    return config.switched_on("DEPTHLAB_BATCH_PROBES")


def same_fixtures(run, pending: list) -> list:
    """The first pending tests that share the first one's need for fixtures (``run``:
    the session's grading of one notebook, ``session._Run``, as in :func:`probe_batch`)."""
    need = run.needs_fixtures(pending[0])
    group = []
    for pt in pending:
        if run.needs_fixtures(pt) != need:
            break
        group.append(pt)
    return group


class BatchClock:
    """When to interrupt a running batch: the running test's start (as seen in the
    results file) plus its limit, and never later than the batch's limit."""

    def __init__(self, labels: list[str], timeouts: list[float]):
        self.labels = labels
        self.timeouts = timeouts
        self.tokens: dict[str, int] = {}
        self.path = ""
        self.arm("", [])

    def arm(self, path: str, tokens: list[str]) -> None:
        """Start timing: the batch's code is about to be sent."""
        self.path = path
        self.tokens = {t: i for i, t in enumerate(tokens)}
        self.current = 0
        self.since = time.monotonic()
        self.limit = self.since + sum(self.timeouts)
        self.offset = 0
        self.partial = b""

    def __call__(self) -> float:
        self._read()
        return min(self.limit, self.since + self.timeouts[self.current])

    def describe(self) -> tuple[str, float]:
        """The running test's name and limit (for the events of the run)."""
        self._read()
        return self.labels[self.current], self.timeouts[self.current]

    def _read(self) -> None:
        if not self.path:
            return
        try:
            with open(self.path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size < self.offset:   # cleared for a second try
                    self.offset, self.partial = 0, b""
                fh.seek(self.offset)
                data = fh.read(READ_LIMIT)
        except OSError:
            return
        self.offset += len(data)
        *lines, self.partial = (self.partial + data).split(b"\n")
        self.partial = self.partial[-READ_LIMIT:]
        for raw in lines:
            if b'"started"' not in raw:
                continue
            try:
                item = json.loads(raw)
            except (ValueError, UnicodeDecodeError, RecursionError):
                continue
            index = self.tokens.get(item.get("token")) if isinstance(item, dict) else None
            if item.get("status") == "started" and index is not None and index > self.current:
                self.current, self.since = index, time.monotonic()


def probe_batch(run, group: list) -> dict:
    """Run ``group``'s tests in one execution; return the outcomes of the tests it
    decided, a prefix of ``group`` (empty when none started)."""
    need = run.needs_fixtures(group[0])
    source = run.grader.prepared.fixture_source if need else None
    timeouts = [run.test_timeout(pt) for pt in group]
    clock = BatchClock([f"the hidden cases of {pt.test.function}" for pt in group], timeouts)
    tokens: list[str] = []

    def make_call(path: str, token: str) -> str:
        tokens.extend(f"{token}.{i}" for i in range(len(group)))
        clock.arm(path, tokens)
        calls = [[pt.test.function, pt.cases_json, need, tok] for pt, tok in zip(group, tokens)]
        return f"__dl_probe.kernel_batch(globals(), {calls!r}, {source!r}, {path!r})"

    res, lines = run._call(make_call, sum(timeouts), clock.describe, clock)
    started, finished = set(), set()
    by_token: dict[str, list] = {t: [] for t in tokens}
    for line in lines:
        token = line.get("token")
        if token not in by_token:
            continue
        if line.get("index") == FRAME_INDEX:
            (started if line.get("status") == "started" else finished).add(token)
        else:
            by_token[token].append(line)
    decided = {}
    for pt, token in zip(group, tokens):
        if token not in started:
            break
        ended = RunResult("ok") if token in finished else res
        decided[pt.test.test_id] = run.decide(pt, ended, by_token[token])
    return decided
