"""Two runs, one course: a second autograde (depthlab's or nbgrader's) refuses
with a message naming the first, or waits for it; a killed holder leaves no
lock; the gradebook, the result store and grades.csv stay whole and agree.

The quick tests hold the lock from real processes; the slow one runs real
``depthlab autograde`` and ``nbgrader autograde`` against each other on a
scratch course (the skeleton of ps2, as in test_batch.py).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from depthlab import classgen
from depthlab.classgrade.run import autograde
from depthlab.classgrade.store import ResultStore
from depthlab.courselock import ENV, SETTLE, CourseBusy, CourseLock, lock_path
from depthlab.engines.nbgrader_engine import nbgrader_config
from depthlab.judge.results import NotebookResult
from test_batch import A, BIN, _course, _env, _gradebook_scores, _kernels_of, _kill, _processes
from leftovers import wait_for

HOLD = """
import sys
from depthlab.courselock import CourseLock
with CourseLock(sys.argv[1], "depthlab autograde", "ps2_vanishing_gradients").hold():
    print("held", flush=True)
    sys.stdin.read()      # until the test closes stdin, or kills this process
"""

ASK_PARENT = """
import sys
from depthlab.courselock import CourseLock
print(CourseLock(sys.argv[1], "nbgrader autograde").held_by_parent())
"""


def _holder(root: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _ask_parent(root: Path, value) -> str:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if value is not None:
        env[ENV] = value
    return subprocess.run([sys.executable, "-c", ASK_PARENT, str(root)], env=env, capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip()


def test_a_second_run_is_refused_with_who_holds_the_course(tmp_path):
    proc = _holder(tmp_path)
    try:
        with pytest.raises(CourseBusy) as busy:
            CourseLock(tmp_path, "depthlab autograde", A).acquire()
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    message = str(busy.value)
    assert message.startswith(f"another depthlab autograde (pid {proc.pid}, `python -c {tmp_path}`, started "), message
    assert re.search(r"started \d\d:\d\d:\d\d\) is grading this course", message), message
    assert message.endswith("wait for it to finish, or pass --wait to queue behind it")
    assert busy.value.holder.assignment == A and busy.value.holder.pid == proc.pid
    assert CourseLock(tmp_path, "x").holder() is None            # given up on exit, and its record cleared
    assert lock_path(tmp_path).read_bytes() == b""


def test_wait_queues_behind_the_holder_and_says_so_once(tmp_path):
    proc = _holder(tmp_path)
    threading.Timer(1.0, proc.stdin.close).start()
    lines: list = []
    start = time.monotonic()
    lock = CourseLock(tmp_path, "depthlab autograde", A).acquire(wait=True, on_wait=lines.append)
    try:
        waited = time.monotonic() - start
        assert proc.wait(timeout=30) == 0
        assert waited >= 0.9, waited
        assert len(lines) == 1 and lines[0].startswith(f"waiting for another depthlab autograde (pid {proc.pid},")
        now = CourseLock(tmp_path, "x").holder()
        assert now.pid == os.getpid() and now.token == lock.token and now.assignment == A
    finally:
        lock.release()


def test_a_killed_holder_leaves_no_lock(tmp_path):
    """kill -9: the kernel drops the flock; the record it leaves is ignored, and
    its token no longer lets a child grade under it."""
    proc = _holder(tmp_path)
    record = json.loads(lock_path(tmp_path).read_text())
    assert record["pid"] == proc.pid
    proc.kill()
    proc.wait(timeout=30)
    assert json.loads(lock_path(tmp_path).read_text()) == record      # the stale record is still there
    assert CourseLock(tmp_path, "x").holder() is None
    assert _ask_parent(tmp_path, f"{proc.pid}:{record['token']}") == "False"
    start = time.monotonic()
    lock = CourseLock(tmp_path, "depthlab autograde").acquire()
    try:
        assert time.monotonic() - start < SETTLE / 2     # no waiting on the dead holder
        assert CourseLock(tmp_path, "x").holder().pid == os.getpid()
    finally:
        lock.release()


def test_children_grade_under_their_parents_lock_and_nobody_else_does(tmp_path):
    with CourseLock(tmp_path, "depthlab autograde").hold() as lock:
        mine = os.environ[ENV]
        assert mine == f"{os.getpid()}:{lock.token}"
        assert _ask_parent(tmp_path, mine) == "True"
        assert _ask_parent(tmp_path, f"{os.getpid()}:{'0' * 16}") == "False"     # a wrong token
        assert _ask_parent(tmp_path, f"{os.getppid()}:{lock.token}") == "False"  # another process
        assert _ask_parent(tmp_path, None) == "False"
    assert ENV not in os.environ
    assert _ask_parent(tmp_path, mine) == "False"                                # given up since


# --------------------------------------------------------------------------- real runs (slow)

def _results(root: Path) -> dict:
    return {p.stem: p.read_bytes() for p in ResultStore(A, root).folder.glob("*.json")}


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@pytest.mark.slow
@pytest.mark.timeout(600)   # seven depthlab and nbgrader processes, two of them grading
def test_two_runs_one_course(tmp_path):
    """While a real `depthlab autograde` runs (held still mid-class with SIGSTOP,
    so the others surely meet it): a second one and a plain `nbgrader autograde
    --force` refuse with its pid and command, touching nothing; the --wait
    variants of both queue behind it and then grade nothing again.  A run killed
    with SIGKILL while holding the lock does not block the next.  Afterwards the
    gradebook, the result store and grades.csv hold one matching row per student."""
    root = _course(tmp_path)
    ids = sorted(s.id for s in classgen.generate_class(A, 2, root, seed=31).students)
    env = _env(root)
    depthlab = [str(BIN / "depthlab"), "autograde", A, "--jobs", "1"]
    nbgrader = [str(BIN / "nbgrader"), "autograde", A]
    logs = tmp_path / "logs"
    logs.mkdir()

    def start(name: str, cmd: list) -> subprocess.Popen:
        return subprocess.Popen(cmd, cwd=root, env=env, stdout=(logs / f"{name}.out").open("w"),
                                stderr=(logs / f"{name}.err").open("w"), start_new_session=True)

    procs: dict = {}
    workers: set = set()
    try:
        first = procs["first"] = start("first", depthlab)
        assert wait_for(lambda: _results(root), 300, first), _text(logs / "first.err")
        os.kill(first.pid, signal.SIGSTOP)            # its workers go on; it holds the lock
        graded_first = sorted(_results(root))[0]
        autograded = root / "autograded" / graded_first / A / f"{A}.ipynb"
        before = autograded.read_bytes()
        for name, cmd in [("second", depthlab), ("nbgrader", [*nbgrader, "--force"]),
                          ("waiter", [*depthlab, "--wait"]), ("nbwaiter", [*nbgrader, "--CourseLockExporter.wait=True"])]:
            procs[name] = start(name, cmd)
        assert procs["second"].wait(timeout=120) == 75
        assert procs["nbgrader"].wait(timeout=120) != 0
        holder = f"another depthlab autograde (pid {first.pid}, `depthlab autograde {A} --jobs 1`, started "
        for name, hint in [("second", "pass --wait"), ("nbgrader", "run it with --CourseLockExporter.wait=True")]:
            err = _text(logs / f"{name}.err")
            assert holder in err and f"{hint} to queue behind it" in err, (name, err)
            assert "Traceback" not in err and err.count(holder) == 1, (name, err)
        assert autograded.read_bytes() == before, "the refused nbgrader autograde --force touched a graded student"
        for name in ("waiter", "nbwaiter"):
            assert wait_for(lambda: f"waiting for {holder[:-len(', started ')]}" in _text(logs / f"{name}.err"),
                             120, procs[name]), (name, _text(logs / f"{name}.err"))
            assert procs[name].poll() is None, f"{name} did not wait"
        os.kill(first.pid, signal.SIGCONT)
        assert first.wait(timeout=300) == 0, _text(logs / "first.err")
        graded = _results(root)
        assert sorted(graded) == ids
        for name in ("waiter", "nbwaiter"):
            assert procs[name].wait(timeout=300) == 0, _text(logs / f"{name}.err")
            assert _text(logs / f"{name}.err").count("waiting for") == 1
        assert _text(logs / "nbwaiter.err").count("Skipping existing assignment") == len(ids)
        # nothing graded twice: a student's stored result changes only when the grading
        # code did (judge/ edited while the test ran, in a shared checkout)
        regraded = [st for st, data in _results(root).items() if data != graded[st]]
        assert all(json.loads(_results(root)[st])["fingerprint"] != json.loads(graded[st])["fingerprint"]
                   for st in regraded), "a waiting run graded a student again"
        assert f"{len(regraded)} graded, {len(ids) - len(regraded)} kept from earlier runs" in _text(logs / "waiter.out")

        # kill -9 a run holding the lock (its workers and kernels end on their own): the next is not blocked
        killed = procs["killed"] = start("killed", [*depthlab, "--force"])
        lock = CourseLock(root, "test")
        assert wait_for(lambda: getattr(lock.holder(), "pid", None) == killed.pid, 120, killed)
        workers = _processes(root)[0]
        killed.kill()
        killed.wait(timeout=30)
        said = io.StringIO()
        after = autograde(A, root=root, jobs=1, progress=False, stream=said)    # the next run, here
        assert sorted(r.student for r in after.results) == ids and "waiting" not in said.getvalue()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)
                os.killpg(proc.pid, signal.SIGKILL)
        _kill(_kernels_of(workers | _processes(root)[0]))

    # one row per student everywhere, and the same scores
    results = {}
    for path in sorted((root / ".depthlab" / "results").rglob("*.json")):
        entry = json.loads(path.read_text())           # every stored result parses
        results[entry["student"]] = NotebookResult.from_record(entry["record"])
    assert sorted(results) == ids
    rows = list(csv.DictReader((root / "reports" / A / "grades.csv").open()))
    assert sorted(r["student"] for r in rows) == ids
    with Gradebook(f"sqlite:///{root}/gradebook.db", "depthlab") as gb:
        assert sorted(sub.student.id for sub in gb.find_assignment(A).submissions) == ids   # one row each
    gradebook = _gradebook_scores(root)
    for row in rows:
        result = results[row["student"]]
        assert not result.error, result.error
        auto = sum(gradebook[row["student"]][t.id][0] for t in result.tests)
        assert float(row["total"]) == pytest.approx(result.score, abs=1e-9)
        assert auto == pytest.approx(result.score, abs=1e-6), row["student"]

    # nbgrader's API in a long-lived process (the formgrader): each run gives the lock up
    # when it ends, and is refused while another holds it
    api = NbGraderAPI(config=nbgrader_config(root))
    for _ in range(2):
        done = api.autograde(A, ids[0], force=False)      # graded already: nbgrader skips it
        assert done["success"] and "Skipping existing assignment" in done["log"], done.get("log")
        assert CourseLock(root, "test").holder() is None
    lock = CourseLock(root, "depthlab autograde", A).acquire()
    try:
        refused = api.autograde(A, ids[0], force=True)
    finally:
        lock.release()
    assert not refused["success"] and f"another depthlab autograde (pid {os.getpid()}," in refused["log"]
    assert (root / "autograded" / ids[0] / A / f"{A}.ipynb").is_file()      # --force deleted nothing
