"""One worker process of the class grading: it receives (student, notebook) tasks
on its pipe, grades each with the chosen engine (nbgrader, otter or depthlab's
own) in a kernel from its :class:`~depthlab.classgrade.pool.KernelPool`, and
sends the result record back.  Also the ungraded result of a student whose
notebook could not be graded at all.
"""
from __future__ import annotations

import os
import signal
import threading
import time
import warnings
from dataclasses import asdict, replace
from pathlib import Path

from ..config import GradingConfig
from ..judge import forkserver
from ..judge.notebook import SubmissionError, read_notebook
from ..judge.results import NotebookResult
from ..judge.session import NotebookGrader
from ..tools import ensure_tools_on_path
from .collect import Submission
from .gradebook import NbgraderAutograde
from .pool import POOLS, KernelPool, import_code, setup_modules


def ungraded(assignment: str, engine: str, sub: Submission, why: str, root: Path) -> NotebookResult:
    """The result of a submission that was not graded (refused, crashed, hung), saying why."""
    return NotebookGrader(assignment, root=root).ungraded(sub.origin, engine, why, sub.student)


def worker_setup(assignment: str, engine: str, root: Path, config: GradingConfig, prestart: int) -> dict:
    """What a worker needs to know, as plain data (it crosses a pipe or the network)."""
    return {"assignment": assignment, "engine": engine, "root": str(root), "config": asdict(config),
            "prestart": prestart}


class Worker:
    """What one worker process holds: the grader, its kernel pool, the engine."""

    def __init__(self, setup: dict):
        self.assignment = setup["assignment"]
        self.engine = setup["engine"]
        self.root = Path(setup["root"])
        self.config = GradingConfig(**setup["config"])
        modules = setup_modules(self.assignment, self.root) if setup.get("warm", True) else []
        self.pool = KernelPool(self.config, size=setup.get("prestart", 1), warm=import_code(modules),
                               preload=tuple(modules))
        self.grader = NotebookGrader(self.assignment, self.config, kernel_factory=self.pool.take, root=self.root)
        self.nbgrader = None
        self.otter = None
        if self.engine == "nbgrader":
            self.nbgrader = NbgraderAutograde(self.assignment, self.root, self.grader)
        elif self.engine == "otter":
            from ..engines.otter_engine import OtterBackend   # heavy (otter): lazy
            self.otter = OtterBackend(self.assignment, self.config, root=self.root)

    def grade(self, student: str, path: str) -> dict:
        start = time.monotonic()
        result = self._grade(student, Path(path))
        result = replace(result, student=student, notebook=_rel(Path(path), self.root),
                         seconds=round(time.monotonic() - start, 3))
        return result.to_record()

    def grade_safely(self, student: str, path: str) -> dict:
        """:meth:`grade`, with a grading bug turned into this student's problem line, not the batch's end."""
        try:
            return self.grade(student, path)
        except Exception as exc:
            return self.grader.ungraded(path, self.engine, f"grading failed: {exc.__class__.__name__}: {exc}",
                                        student).to_record()

    def _grade(self, student: str, path: Path) -> NotebookResult:
        unreadable = nb = None
        try:
            nb = read_notebook(path)     # read once: the direct and otter engines grade this copy
        except SubmissionError as exc:
            unreadable = str(exc)
        if self.engine == "direct":
            return self.grader.grade_path(path, "direct", student, nb=nb).result
        if self.engine == "otter":
            if unreadable:
                return self.grader.ungraded(str(path), "otter", unreadable, student)
            try:
                return self.otter(0, path, nb)
            except Exception as exc:   # otter's failure is this student's line, not the batch's end
                return self.grader.ungraded(str(path), "otter", f"otter could not grade it: {exc}", student)
        # nbgrader: its own autograde, even for a file it cannot read, so the
        # gradebook holds what nbgrader itself would store for this submission
        why = self.nbgrader.run(student)
        if unreadable:
            return self.grader.ungraded(str(path), "nbgrader", unreadable, student)
        if why:
            return self.grader.ungraded(str(path), "nbgrader", why, student)
        return NotebookResult.from_record(self.nbgrader.record(student))

    def close(self) -> None:
        self.pool.close()
        if self.otter is not None and hasattr(self.otter, "close"):
            self.otter.close()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def main(conn, setup: dict) -> None:
    """A worker process: grade the (student, path) tasks that arrive on ``conn`` until a
    None arrives; answer ("ready"|"failed"|"done", pid, student, record) on ``conn``.

    Each worker has a pipe of its own: a worker that dies mid-message breaks only
    its own pipe, never the others' (a shared queue's lock could be left held).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides when to stop
    warnings.filterwarnings("ignore", module="nbgrader")    # SQLAlchemy's autoflush chatter inside nbgrader
    warnings.filterwarnings("ignore", message=".*not in session.*")
    ensure_tools_on_path()
    parent = os.getppid()

    def stop(*_):
        for pool in POOLS:
            pool.kill_all()
        forkserver.close_all()   # os._exit skips atexit
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)

    def watch():   # the parent was killed: take the kernels down too
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                stop()

    threading.Thread(target=watch, daemon=True).start()
    try:
        worker = Worker(setup)
    except Exception as exc:
        conn.send(("failed", os.getpid(), None, f"{exc.__class__.__name__}: {exc}"))
        for pool in POOLS:
            pool.kill_all()
        return
    try:
        conn.send(("ready", os.getpid(), None, None))
        while True:
            task = conn.recv()
            if task is None:
                break
            student, path = task
            conn.send(("done", os.getpid(), student, worker.grade_safely(student, path)))
    except (EOFError, BrokenPipeError):
        pass   # the batch went away
    finally:
        worker.close()
