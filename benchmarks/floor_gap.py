"""How close to the floor can grading with a fresh sandboxed kernel per notebook get?

Part of ``bench_grading.py`` (not a test).  The floor executes a notebook's code
with ``exec`` in one warm process; depthlab runs the same code in a kernel of
its own per notebook (a student's code must never see another's state, so a
kernel is not reused).  That kernel costs, before nbgrader, the judge or a
run's start-up do anything:

- its start: the fork from the warm fork server, the sandbox, ipykernel's own
  start (the kernel's CPU from fork to its first reply);
- every ``execute_request`` the judge sends (setup cells, each student cell, the
  probe batches): ipykernel's messaging and bookkeeping around the code, measured
  on a cell that does nothing (the kernel's CPU and the grader's, per request).

``KERNEL_COST_SCRIPT`` measures both on kernels made as a batch worker makes
them (:class:`~depthlab.classgrade.pool.KernelPool`, the assignment's imports
preloaded); :func:`kernel_bound` turns them, with the floor's own count of
requests per notebook, into the lowest ratio to the floor any design with a
fresh kernel per notebook could reach.
"""
from __future__ import annotations

import statistics

#: run as ``python -c KERNEL_COST_SCRIPT ASSIGNMENT COURSE``; prints one JSON line
KERNEL_COST_SCRIPT = r"""
import json, statistics, sys
from pathlib import Path
import psutil
from depthlab.classgrade.pool import KernelPool, import_code, setup_modules
from depthlab.config import GradingConfig

assignment, root = sys.argv[1], Path(sys.argv[2])
modules = setup_modules(assignment, root)
pool = KernelPool(GradingConfig.from_env(), size=0, warm=import_code(modules), preload=tuple(modules))
me = psutil.Process()


def cpu(process):
    t = process.cpu_times()
    return t.user + t.system


def kernel_processes(k):
    pids = {k.pid(), getattr(k, "_inner_pid", None)} - {None}
    return [psutil.Process(pid) for pid in pids]


starts, executes, isolation = [], [], None
REQUESTS = 40
try:
    for _ in range(8):   # psutil counts CPU in clock ticks (10 ms): the mean of 8 starts
        k = pool.take()
        k.start()
        isolation = k.isolation
        procs = kernel_processes(k)
        started = sum(cpu(p) for p in procs)       # every bit of CPU these processes used so far
        mine = cpu(me)
        for _ in range(REQUESTS):
            k.run("pass", 30)
        executes.append((sum(cpu(p) for p in procs) - started + cpu(me) - mine) / REQUESTS)
        starts.append(started)
        k.really_close()
finally:
    pool.close()
print(json.dumps({"start": statistics.fmean(starts), "execute": statistics.median(executes),
                  "isolation": isolation}))
"""


def kernel_bound(floor_seconds: float, requests_per_notebook: float, start: float, execute: float) -> dict:
    """The cost per notebook of a fresh kernel alone (``start`` + ``requests_per_notebook``
    x ``execute``, core-seconds) and the ratio to the floor that leaves: no design that
    gives each notebook a fresh kernel gets below it, whatever nbgrader and the judge cost."""
    if floor_seconds <= 0:
        raise ValueError("the floor's time per notebook must be positive")
    kernel = start + requests_per_notebook * execute
    return {"kernel": kernel, "ratio": (floor_seconds + kernel) / floor_seconds,
            "allowed": 0.3 * floor_seconds}


def describe(floor_seconds: float, requests: list, cost: dict, depthlab: float) -> str:
    """The bench's lines on the gap between the floor and ``depthlab`` (core-seconds per
    notebook), from the floor's count of requests per notebook and ``cost`` (the script's JSON)."""
    per_nb = statistics.fmean(requests)
    b = kernel_bound(floor_seconds, per_nb, cost["start"], cost["execute"])
    rest = depthlab - floor_seconds - b["kernel"]
    return "\n".join([
        f"  the gap to the floor (isolation {cost['isolation']}):",
        f"    a fresh kernel per notebook: start {cost['start']:.3f} core-s + {per_nb:.1f} requests x "
        f"{cost['execute'] * 1000:.1f} ms (ipykernel's work around a cell that does nothing, kernel and "
        f"grader) = {b['kernel']:.3f} core-s per notebook",
        f"    floor + that alone = {b['ratio']:.2f}x the floor: the lowest ratio with a fresh kernel per "
        f"notebook (1.3x leaves {b['allowed']:.3f} core-s for all of it)",
        f"    the rest of depthlab's {depthlab:.3f} core-s: {rest:.3f} (nbgrader's autograde, the judge, each "
        "run's start-up spread over its notebooks)",
    ])
