"""Grading on a Dask distributed cluster: ``depthlab autograde A SOURCE --scheduler ADDRESS``.

The same grading as the local worker processes (:mod:`.dispatch`), with Dask's
scheduler handing the notebooks out instead of our pipes: each Dask worker
process holds one :class:`~depthlab.classgrade.worker.Worker` (its own pool of
pre-started sandboxed kernels, its own grader), set up by a worker plugin when
the worker joins and closed when the run ends.  Results come back to the
process that ran ``depthlab autograde`` one by one, as they finish, and go
through the same ``done`` callback as a local run: the same store (so a killed
run resumes), the same progress bar, gradebook and grades.csv.

Dask is used, not a hand-written protocol, because it already does what a
cluster needs: workers joining and leaving, a task whose worker died handed to
another worker (and, after ``distributed.scheduler.allowed-failures`` deaths,
given up as ``KilledWorker``: that notebook becomes the student's ungraded
result, as a crashing local worker's does), and the step to SLURM or
Kubernetes (dask-jobqueue, the Dask Helm chart, dask-kubernetes).

Requirements on the workers: depthlab installed (``pip install
depthlab[cluster]``), the course directory at the same path (a shared file
system: the workers read the submissions and the source notebook there and,
with the nbgrader engine, write ``autograded/`` and the gradebook), and one
thread per worker (``dask worker --nthreads 1``; more workers per machine with
``--nworkers``): a worker grades one notebook at a time whatever its threads.
"""
from __future__ import annotations

import asyncio
import os
import threading
import uuid
from pathlib import Path
from typing import Callable

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
    from distributed.scheduler import KilledWorker
except ImportError as exc:   # the optional extra
    raise ImportError(f"grading on a Dask cluster (--scheduler) needs Dask distributed ({exc}); "
                      "install it with: pip install 'depthlab[cluster]'") from None

from ..config import GradingConfig
from ..courselock import ENV as COURSE_LOCK
from ..courselock import adopt_token

# .worker and .dispatch (nbgrader, the judge) are imported where they are used, not here: a Dask worker
# imports this module on its event loop when the plugin arrives, and should not stall there

#: seconds to wait for the scheduler, and for the plugin to reach every worker
CONNECT_TIMEOUT = 60


#: Dask's own periodic work, turned down in a local cluster's scheduler, nannies and workers,
#: which share the machine's cores with the grading: the statistical profiler samples every
#: thread of a worker every 10 ms (a grading worker's notebook took 25% longer with it: ps2,
#: 24 notebooks); every server checks its event loop every 20 ms, samples its process every
#: 0.5 s, and each nanny its worker's memory every 0.1 s (with these three at 1 s, 2 s and 1 s:
#: ps2, 60 notebooks, --scheduler local took 21.2 s against 24.9 s, medians of 3)
QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
         "distributed.admin.system-monitor.interval": "2s", "distributed.worker.memory.monitor-interval": "1s"}


class SetupFailed(RuntimeError):
    """A Dask worker could not set up grading (not the student's fault: the batch stops)."""


class GradingPlugin(WorkerPlugin):
    """One depthlab grader per Dask worker process, for one run.

    ``setup`` (on every worker, including ones that join later) builds the
    grader in a thread, so the worker's event loop is not held while the
    grader loads and its first kernel starts; ``teardown`` (when the run
    unregisters the plugin, or the worker closes) stops its kernels.
    """

    def __init__(self, setup: dict):
        self.task_setup = setup

    def setup(self, worker=None) -> None:
        self.grader = None
        self.error = ""
        self.lock = threading.Lock()
        self.ready = threading.Event()
        threading.Thread(target=self._build, daemon=True, name="depthlab-grader-setup").start()

    def _build(self) -> None:
        try:
            if "environ" in self.task_setup:   # a worker of --scheduler local: the batch's environment
                from .dispatch import take_environment
                take_environment(self.task_setup["environ"])
            root = Path(self.task_setup["root"])
            if not root.is_dir():
                raise SetupFailed(f"the course directory {root} is not there on this machine: the Dask workers "
                                  "need it at the same path (a shared file system)")
            # nbgrader's autograde in this worker grades under the run's course lock, as a local worker does
            adopt_token(self.task_setup.get("course_lock") or "")
            from ..tools import ensure_tools_on_path
            from .worker import Worker
            ensure_tools_on_path()
            self.grader = Worker(self.task_setup)
        except Exception as exc:
            self.error = f"{exc.__class__.__name__}: {exc}"
        finally:
            self.ready.set()

    def grade(self, student: str, path: str) -> dict:
        self.ready.wait()
        if self.grader is None:
            raise SetupFailed(f"a Dask worker could not set up grading: {self.error}")
        with self.lock:   # one notebook at a time per worker process, whatever its threads
            return self.grader.grade_safely(student, path)

    async def teardown(self, worker=None) -> None:
        # stopping kernels takes seconds: in a thread, not on the worker's event loop
        await asyncio.get_running_loop().run_in_executor(None, self._close)

    def _close(self) -> None:
        self.ready.wait(timeout=120)
        if self.grader is not None:
            self.grader.close()
            self.grader = None


def grade_task(plugin_name: str, student: str, path: str) -> dict:
    """The task Dask runs on a worker: grade one notebook with that worker's grader."""
    plugin = get_worker().plugins.get(plugin_name)
    if plugin is None:
        raise SetupFailed(f"depthlab's grading plugin {plugin_name} is not on this Dask worker")
    return plugin.grade(student, path)


def local_cluster(jobs: int):
    """``--scheduler local``'s LocalCluster of ``jobs`` single-threaded worker processes.

    Its worker processes fork from the local workers' fork server (depthlab, nbgrader and
    distributed imported once), as ``--jobs`` workers do, where there is one.  It starts
    when grading starts, not earlier beside the batch's own work: Dask's event-loop thread
    parses builtins' signatures with ``ast.parse`` while it starts, and CPython 3.11's
    AST constructor keeps its recursion depth per interpreter, so a parse in the main
    thread at the same time (the grading fingerprint) can fail with "AST constructor
    recursion depth mismatch" (seen once in a benchmark run).
    """
    from .dispatch import ensure_fork_server
    method = ensure_fork_server(("distributed",))   # running with our preload before Dask sets its own
    with dask.config.set({"distributed.worker.multiprocessing-method": method, **QUIET}):
        return LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)


def on_cluster(address: str) -> Callable:
    """A dispatcher with :func:`~depthlab.classgrade.dispatch.run_workers`' signature that
    grades on the Dask cluster whose scheduler is at ``address`` (``tcp://host:8786``,
    or ``local``: a LocalCluster of ``jobs`` single-threaded worker processes here)."""
    def run(assignment: str, engine: str, root: Path, config: GradingConfig, tasks: list, jobs: int,
            prestart: int, done: Callable[[str, dict], None], subs: dict) -> None:
        from .worker import worker_setup
        setup = {**worker_setup(assignment, engine, root, config, prestart),
                 "course_lock": os.environ.get(COURSE_LOCK, "")}
        local = None
        try:
            if address == "local":
                setup["environ"] = dict(os.environ)   # never sent to a remote cluster's workers
                local = local_cluster(max(1, min(jobs, len(tasks))))
                client = Client(local, timeout=CONNECT_TIMEOUT)
            else:
                client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            if local is not None:
                local.close()
            raise RuntimeError(f"could not reach the Dask scheduler at {address}: {exc}") from None
        try:
            _grade_all(client, setup, tasks, done, subs)
        finally:
            client.close()
            if local is not None:
                local.close()
    return run


def _grade_all(client, setup: dict, tasks: list, done: Callable[[str, dict], None], subs: dict) -> None:
    """Submit every notebook, hand each result to ``done`` as it arrives."""
    name = f"depthlab-{setup['assignment']}-{uuid.uuid4().hex[:8]}"
    client.register_plugin(GradingPlugin(setup), name=name)
    futures = {}
    try:
        for i, (student, path) in enumerate(tasks):
            # earlier students first (priority), each its own task, never cached (pure=False)
            fut = client.submit(grade_task, name, student, path, key=f"{name}-{i}", pure=False,
                                priority=len(tasks) - i)
            futures[fut] = student
        for fut in as_completed(list(futures)):
            student = futures[fut]
            if fut.status == "finished":
                done(student, fut.result())
                continue
            exc = fut.exception()
            if isinstance(exc, KilledWorker):
                from .worker import ungraded
                why = "grading crashed (every Dask worker that took this notebook died)"
                done(student, ungraded(setup["assignment"], setup["engine"], subs[student][0], why).to_record())
            else:
                raise RuntimeError(f"grading on the Dask cluster failed: {exc.__class__.__name__}: {exc}; what "
                                   "finished is stored, run the same command again to grade the rest") from None
    finally:
        client.cancel([f for f in futures if not f.done()])
        try:
            client.unregister_worker_plugin(name)   # its teardown stops the workers' kernels
        except Exception:
            pass   # the cluster went away: its workers' kernels die with them
