"""The worker processes of the class grading: hand each (student, notebook) task to
a worker, collect the answers, and stand in for a worker that dies or hangs
(its notebook becomes that student's ungraded result; a new worker takes over).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Optional

from .. import config as _config
from ..config import GradingConfig
from . import worker

#: seconds past the notebook time limit after which a worker stuck on one notebook is stopped
STUCK_GRACE = 120.0
#: what every worker imports, imported once by multiprocessing's fork server; a worker
#: started with "spawn" imported them again (1.5 s of CPU per worker, most of it nbgrader)
WORKER_PRELOAD = ["depthlab.classgrade.worker", "depthlab.engines.nbgrader_engine", "nbgrader.apps"]


def worker_context(extra: tuple = ()):
    """How workers start: forked from multiprocessing's fork server, which imported
    WORKER_PRELOAD (and ``extra``) once and runs no thread and no student code (a fork of
    the batch itself would inherit its threads and open files); "spawn" where there is no
    fork server or with ``DEPTHLAB_WORKER_FORKSERVER=0``.  The preload counts when the
    server starts: the first run of a process decides it."""
    if _config.switched_on("DEPTHLAB_WORKER_FORKSERVER") and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD + list(extra))
        return ctx
    return mp.get_context("spawn")


def ensure_fork_server(extra: tuple = ()) -> str:
    """The workers' start method ("forkserver" or "spawn"); the fork server is running
    (with WORKER_PRELOAD and ``extra``) when it is "forkserver"."""
    method = worker_context(extra).get_start_method()
    if method == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()
    return method


def start_fork_server(extra: tuple = ()) -> None:
    """Start the workers' fork server now, in a thread: its imports overlap with the
    batch's own start (collecting submissions) instead of delaying the first worker."""
    threading.Thread(target=ensure_fork_server, args=(extra,), daemon=True).start()


def take_environment(environ: dict) -> None:
    """This worker process's environment becomes ``environ``, the batch's as it was when it
    started the worker.  A worker forked from the fork server has the server's, from when
    the server started (maybe an earlier run in the same process): a spawned one would
    have had the batch's."""
    os.environ.clear()
    os.environ.update(environ)
    tempfile.tempdir = None    # gettempdir() reads TMPDIR again


def _start(target: Callable, conn, setup: dict, environ: dict) -> None:
    """A local worker's first step."""
    take_environment(environ)
    target(conn, setup)


class Started:
    """Worker processes started before the batch knows its tasks, so that their start-up
    (imports, the reference, the fork server and first kernel) overlaps with the
    parent's (collecting submissions, the gradebook); :func:`run_workers` takes them over."""

    def __init__(self, assignment: str, engine: str, root: Path, config: GradingConfig, prestart: int,
                 jobs: int, target: Optional[Callable] = None):
        self.setup = worker.worker_setup(assignment, engine, root, config, prestart)
        self.target = target or worker.main
        self.workers: dict = {}     # pid -> process
        self.pipes: dict = {}       # pid -> the batch's end of its pipe
        self.context = worker_context()
        # started from a thread: the first start waits for the fork server's imports,
        # which overlap with the batch's own work this way; :meth:`wait` joins it
        self._starting = threading.Thread(target=lambda: [self.spawn() for _ in range(jobs)], daemon=True)
        self._starting.start()

    def wait(self) -> None:
        """Until the workers asked for at the start are started (their start-up goes on)."""
        self._starting.join()

    def spawn(self) -> None:
        ctx = self.context
        mine, theirs = ctx.Pipe()
        p = ctx.Process(target=_start, args=(self.target, theirs, self.setup, dict(os.environ)), daemon=True)
        p.start()
        theirs.close()
        self.workers[p.pid], self.pipes[p.pid] = p, mine

    def close(self) -> None:
        """Stop the workers :func:`run_workers` did not (there was nothing to grade, or it
        never ran): they got no work, so they are stopped as a stuck one is (SIGTERM: the
        worker kills its kernels and fork server and exits)."""
        self.wait()
        for p in self.workers.values():
            if p.is_alive():
                p.terminate()
        for p in self.workers.values():
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        for conn in self.pipes.values():
            conn.close()
        self.workers.clear()
        self.pipes.clear()


def run_workers(assignment: str, engine: str, root: Path, config: GradingConfig, tasks: list,
                jobs: int, prestart: int, done: Callable[[str, dict], None], subs: dict,
                target: Optional[Callable] = None, started: Optional[Started] = None) -> None:
    """Hand tasks to ``jobs`` worker processes until every task has an answer.

    Each worker has its own pipe and gets its next notebook when it reports the
    last one, so the batch always knows who holds which notebook.  A worker that
    dies, or spends longer than the notebook time limit (plus STUCK_GRACE) on one
    notebook and is stopped, turns that notebook into an ungraded result and is
    replaced.  ``target`` replaces :func:`~depthlab.classgrade.worker.main` (tests); it gets its end
    of the pipe and the setup dict.  ``started``: workers started earlier (:class:`Started`),
    used first; the extra ones get no task and stop.
    """
    todo = deque(tasks)
    jobs = max(1, min(jobs, len(tasks)))
    limit = config.notebook_timeout + STUCK_GRACE
    if started is None:
        started = Started(assignment, engine, root, config, prestart, 0, target)
    started.wait()
    workers: dict = started.workers     # pid -> process
    pipes: dict = started.pipes         # pid -> the batch's end of its pipe
    assigned: dict = {}    # pid -> (student it is grading, since when)
    stopping: dict = {}    # pid -> when it was told to stop for taking too long
    ready: set = set()
    pending = {student for student, _ in tasks}
    failures = 0

    spawn = started.spawn

    def send(pid: int, message) -> None:
        try:
            pipes[pid].send(message)
        except (OSError, EOFError):
            pass   # it died; reap() answers for its notebook

    def give(pid: int) -> None:
        if todo:
            task = todo.popleft()
            assigned[pid] = (task[0], time.monotonic())
            send(pid, task)
        else:
            send(pid, None)

    def handle(pid: int, message) -> None:
        nonlocal failures
        kind, _pid, student, payload = message
        if kind == "ready":
            ready.add(pid)
            give(pid)
        elif kind == "done":
            if assigned.get(pid, (None,))[0] == student:
                del assigned[pid]
            if student in pending:
                pending.discard(student)
                done(student, payload)
            give(pid)
        elif kind == "failed":
            failures += 1
            if failures > 2 * jobs:
                raise RuntimeError(f"the grading workers could not start: {payload}")

    def receive(timeout: float) -> None:
        by_conn = {c: pid for pid, c in pipes.items()}
        for conn in wait(list(by_conn), timeout=timeout):
            pid = by_conn[conn]
            try:
                message = conn.recv()
            except (EOFError, OSError):
                continue   # the worker is gone (or going): reap() sees it
            handle(pid, message)

    def police(now: float):
        for pid, (student, since) in list(assigned.items()):
            p = workers.get(pid)
            if p is None or not p.is_alive():
                continue
            if pid not in stopping and now - since > limit:
                stopping[pid] = now
                p.terminate()            # the worker stops its kernels, then exits
            elif pid in stopping and now - stopping[pid] > 10:
                p.kill()

    def reap():
        nonlocal failures
        for pid in [pid for pid, p in workers.items() if p.exitcode is not None]:
            conn = pipes[pid]
            try:   # what it sent before dying is still in its pipe
                while conn.poll():
                    handle(pid, conn.recv())
            except (EOFError, OSError):
                pass
            p = workers.pop(pid)
            pipes.pop(pid).close()
            if pid not in ready:
                failures += 1
                if failures > 2 * jobs:
                    raise RuntimeError(f"the grading workers could not start (exit code {p.exitcode}); "
                                       "a script calling autograde() needs `if __name__ == '__main__':`")
            lost, _since = assigned.pop(pid, (None, 0))
            if lost in pending:
                pending.discard(lost)
                why = (f"grading took longer than {limit:.0f} s and was stopped" if pid in stopping
                       else f"grading crashed (worker process exit code {p.exitcode})")
                done(lost, worker.ungraded(assignment, engine, subs[lost][0], why, root).to_record())
            if todo and len(workers) < jobs:
                spawn()

    for _ in range(jobs - len(workers)):
        spawn()
    try:
        while pending:
            receive(0.5)
            police(time.monotonic())
            reap()
            if not workers and pending:
                raise RuntimeError(f"the grading workers stopped with {len(pending)} notebook(s) left; "
                                   "run the same command again to grade them")
    finally:
        for pid, p in workers.items():
            if p.is_alive():
                if pending:
                    p.terminate()
                else:
                    send(pid, None)
        deadline = time.monotonic() + 30
        for p in workers.values():
            p.join(timeout=max(0.1, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
        for conn in pipes.values():
            conn.close()
