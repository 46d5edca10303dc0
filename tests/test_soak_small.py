"""A small soak: ``depthlab autograde`` of a dozen notebooks, two of them hostile,
leaves no process, mount, scratch folder or temporary file behind (issue 12,
item 8).  The 400-notebook soak with memory numbers is ``scripts/soak.py``; both
use ``tests/leftovers.py``, which also says what counts as a leftover.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest

from depthlab.judge.kernel import MARKER, SANDBOX_ID_BASE
from leftovers import STUDENT_MARK, Leftovers, SoakRun, Watch, snapshot

N, HOSTILE = 12, 2
#: the grading command of the first test: starts a process and exits without stopping it
ORPHANING = ("import subprocess, sys\n"
             "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'],\n"
             "                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
             "print(p.pid, flush=True)\n"
             "sys.stdin.readline()\n")


def _sleeper(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time, sys; time.sleep(120)", *args], **kw)


def test_the_check_finds_every_kind_of_leftover(tmp_path):
    """Each way a run can leave something behind is reported, and only the run's own:
    a process orphaned by the grading command, a sandbox kernel naming the run folder,
    a process of a sandbox user id with the run's HOME, a kernel home, a runtime file,
    a half-written file in the course, a student's file in /tmp and a mount; someone
    else's kernel and student file are listed apart."""
    run = SoakRun(parent=tmp_path)
    run.course.mkdir()
    started, mounted = [], None
    student_file = Path("/tmp") / f"{STUDENT_MARK}-{str(run.tmp).strip('/').replace('/', '_')}_x"
    someone_elses = Path("/tmp") / f"{STUDENT_MARK}-{uuid.uuid4().hex[:8]}.txt"
    before = snapshot()
    found = None
    try:
        command = subprocess.Popen([sys.executable, "-c", ORPHANING], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True)
        started.append(command)
        orphan = int(command.stdout.readline())
        watch = Watch(command.pid, run.results)
        watch.sample()
        command.communicate("\n", timeout=30)
        kernel = _sleeper(f"# {MARKER}", f"{run.tmp}/depthlab-kernel-x/control/conn/kernel-0.boot.json")
        started.append(kernel)
        as_sandbox = {"user": SANDBOX_ID_BASE + 7, "group": SANDBOX_ID_BASE + 7} if os.geteuid() == 0 else {}
        sandboxed = subprocess.Popen(["sleep", "120"], env={"HOME": str(run.tmp / "depthlab-kernel-y" / "work")},
                                     **as_sandbox)
        started.append(sandboxed)
        elsewhere = _sleeper(f"# {MARKER}")            # someone else's kernel: listed apart
        started.append(elsewhere)
        (run.tmp / "depthlab-kernel-x" / "work").mkdir(parents=True)
        (run.runtime / "kernel-1.json").write_text("{}")
        (run.course / ".grades.csv.abc.tmp").write_text("half")
        student_file.write_text("hello")
        someone_elses.write_text("hello")
        if os.geteuid() == 0:
            mounted = run.folder / "mnt"
            mounted.mkdir()
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "soaktest", str(mounted)], check=True)
        found = run.leftovers(before, watch)
        text = "\n".join(found.lines())
        assert sorted(found.pids) == sorted([orphan, kernel.pid, sandboxed.pid]), text
        assert f"pid {kernel.pid} uid {os.geteuid()} " in text
        assert f"sandbox kernel (folder {run.tmp}/depthlab-kernel-x)" in text
        assert any(str(elsewhere.pid) in line for line in found.others)
        assert any(str(someone_elses) in line for line in found.others)
        for path in (run.tmp / "depthlab-kernel-x", run.runtime / "kernel-1.json",
                     run.course / ".grades.csv.abc.tmp", student_file):
            assert str(path) in text, path
        assert len(found.files) == 4, found.files
        assert len(found.mounts) == (1 if mounted else 0), found.mounts
        assert not mounted or f"tmpfs soaktest on {mounted}" in found.mounts[0]
        assert found.count() == 3 + 4 + len(found.mounts)
    finally:
        if mounted:
            subprocess.run(["umount", str(mounted)])
        someone_elses.unlink(missing_ok=True)
        if found is not None:
            run.clean(found)
        else:
            student_file.unlink(missing_ok=True)
        for p in started:
            p.kill()
            p.wait()
    assert not psutil.pid_exists(orphan) or psutil.Process(orphan).status() == psutil.STATUS_ZOMBIE
    assert not run.folder.exists() and not student_file.exists()


@pytest.mark.slow
@pytest.mark.timeout(600)   # measured on 2 cores: 75 s at a load average of 4, 334 s at 14
def test_a_small_class_leaves_nothing_behind():
    """12 notebooks through the real ``depthlab autograde`` (nbgrader engine, two
    workers): one detaches a process that ignores SIGTERM, one hangs ignoring
    interrupts (its kernel is restarted).  Every notebook gets its result and,
    within 10 s of the command's end, nothing of the run is left."""
    run = SoakRun()
    before = watch = found = None
    try:
        hostile = run.make_class(N, HOSTILE, seed=3)
        assert sorted(hostile.values()) == ["cell__leaves_things_behind", "jacobian_power_norms__ignores_sigint"]
        before = snapshot()
        code, _seconds, watch = run.grade(jobs=2, DEPTHLAB_TEST_TIMEOUT=3, DEPTHLAB_CELL_TIMEOUT=10,
                                          DEPTHLAB_INTERRUPT_GRACE=1)
        assert code == 0, run.log.read_text()[-3000:]
        assert len(list(run.results.glob("*.json"))) == N
        assert watch.isolation and len(watch.seen) > 2 * N, "the watch saw the workers and the kernels"
        found, _waited = run.settle(before, watch, 10.0)
        assert found.count() == 0, "\n".join(found.lines())
    finally:
        if found is None and watch is not None:
            found = run.leftovers(before, watch)
        run.clean(found or Leftovers())
