"""What a class graded by ``depthlab autograde`` leaves behind (issue 12, item 8).

Shared by ``scripts/soak.py`` (400 notebooks, memory numbers) and
``tests/test_soak_small.py`` (a dozen notebooks, in ``make test``).

A run gets a folder of its own, ``depthlab-soak-*`` in the temporary folder:

- ``course/``: a scratch nbgrader course (the assignment's source notebook and
  the repository's ``nbgrader_config.py``) with a generated class in
  ``submitted/``: ``depthlab.classgen`` students, a share of them hostile (its
  hostile kinds and snippets of ``tests/hostile/``), spread through the class;
- ``tmp/``: the grading command's ``TMPDIR``, so every kernel home
  (``depthlab-kernel-*``) and scratch folder of the run is made there, and
  ``runtime/``: its Jupyter runtime folder.  ``DEPTHLAB_HIDE`` names the system
  temporary folder, which the sandbox then hides as it does by default.

That way what the run makes can be told from what other people's runs on the
same machine make.  Once the command has exited (and a few seconds to settle),
these are leftovers:

- processes started since the snapshot that belong to the run: seen in the
  grading command's process tree, or naming the run folder in their command
  line or environment (a kernel's home, its ``HOME``, a worker's
  ``DEPTHLAB_ROOT``), or running as a sandbox user id one of the run's kernels
  had (``SANDBOX_ID_BASE`` .. ``+ SANDBOX_ID_SPAN``);
- mounts of this mount namespace that were not there before (the host's mount
  table is otherwise static: every new one counts, and one that does not name
  the run folder is marked as possibly someone else's);
- anything left in ``tmp/`` and ``runtime/`` (scratch folders, kernel homes,
  temporary files), half-written files in the course (``*.tmp``, SQLite
  journals), and new entries of the shared temporary folders owned by a
  sandbox user id the run's kernels had, or named ``left_by_a_student-...``
  after a home folder of the run (what ``cell__leaves_things_behind`` leaves
  when it is not isolated).

New sandbox kernels, sandbox-uid processes and ``depthlab-*`` or
``left_by_a_student*`` entries of the shared folders that cannot be tied to the
run are listed apart (``others``): they are other people's, and do not count.
"""
from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import psutil

from depthlab import classgen
from depthlab.judge.kernel import MARKER, SANDBOX_ID_BASE, SANDBOX_ID_SPAN
from depthlab.tools import ensure_tools_on_path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
A = "ps2_vanishing_gradients"
#: shared world-writable folders a notebook may write to when it is not isolated
SHARED_TEMP = tuple(dict.fromkeys(p for p in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm")
                                  if os.path.isdir(p)))
#: what hostile notebooks call the files they leave in shared folders; one named after
#: the notebook's home folder (cell__leaves_things_behind) names the run folder too
STUDENT_MARK = "left_by_a_student"
#: half-written files in the course: the atomic writer's temporaries, SQLite's journals
COURSE_SCRATCH = ("*.tmp", "*-journal", "*-wal")
#: hostile submissions, most likely to leave something behind first: classgen's
#: kinds (see classgen.HOSTILE) and ``tests/hostile/<assignment>/`` snippets
HOSTILE_MIX = (
    "cell__leaves_things_behind",                    # a detached process; files in /tmp, /var/tmp, /dev/shm
    "jacobian_power_norms__ignores_sigint",          # a hang the kernel is restarted for
    "cell__os_exit",                                 # the kernel exits mid-notebook
    "gradient_magnitudes__segfault",                 # the kernel crashes
    "cell__writes_and_looks_around",                 # writes in scratch, /tmp, /var/tmp, home
    "infinite_loop",                                 # classgen: a function that never returns
    "not_a_notebook",                                # classgen: a cut-off upload
    "cell__eats_memory",                             # up to the memory limit
    "monkeypatch",                                   # classgen: np.allclose replaced
    "spectral_radius__sleeps_forever",
    "chain_jacobian__swallows_keyboard_interrupt",
    "edited_test",                                   # classgen: a test cell emptied
    "spectral_radius__huge_array",
    "cell__prints_100mb",
    "cell__patches_json",
    "cell__replaces_probe",
    "numerical_gradient__sys_path_to_repo",
    "spectral_radius__reads_grading_folder",
    "spectral_radius__imports_solutions",
    "cell_first__resets_namespace",
)


# =========================================================================== the class

def hostile_kinds(count: int) -> list[str]:
    """The first ``count`` of HOSTILE_MIX, cycling when more are wanted."""
    return [HOSTILE_MIX[i % len(HOSTILE_MIX)] for i in range(count)]


def spread(n: int, count: int, skip: int = 2) -> list[int]:
    """``count`` indices spread evenly over ``skip .. n-1`` (the first ``skip`` are
    classgen's anchors: the reference and the blank notebook)."""
    span = n - skip
    if count > span:
        raise ValueError(f"{count} hostile notebooks do not fit in a class of {n}")
    return [skip + int((i + 0.5) * span / count) for i in range(count)]


def write_course(root: Path, assignment: str = A) -> Path:
    """A scratch course: the assignment's source notebook and the repository's
    nbgrader_config.py (and the release classgen made of that same source
    notebook in the repository, if it did: it need not be made again)."""
    root.mkdir(parents=True, exist_ok=True)
    source = REPO / "source" / assignment
    shutil.copytree(source, root / "source" / assignment)
    shutil.copyfile(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    made = REPO / ".depthlab" / "release" / f"{assignment}-{classgen._sha(source / f'{assignment}.ipynb')}"
    if made.is_dir():
        shutil.copytree(made, root / ".depthlab" / "release" / made.name)
    return root


def write_hostile_class(course: Path, n: int, hostile: int, seed: int = 0, assignment: str = A) -> dict:
    """Write a class of ``n`` into ``course/submitted/``; ``hostile`` of them hostile.
    Returns ``{student id: hostile kind}`` for the hostile ones."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from hostile.build import with_snippets, write
    ensure_tools_on_path()
    previous = os.environ.get("DEPTHLAB_ROOT")
    os.environ["DEPTHLAB_ROOT"] = str(course)     # a snippet's __REPO__ is this course
    try:
        roster = classgen.make_class(assignment, n, seed=seed, root=course)
        students = list(roster.students)
        kinds = dict(zip(spread(n, hostile), hostile_kinds(hostile)))
        for i, kind in kinds.items():
            if kind in classgen.HOSTILE:
                students[i] = replace(students[i], hostile=kind)
        roster = classgen.write_class(replace(roster, students=tuple(students)), course, root=course)
        for i, kind in kinds.items():
            if kind not in classgen.HOSTILE:
                student = students[i]
                write(with_snippets([kind], assignment, base=classgen.student_notebook(assignment, student, root=course)),
                      roster.files[student.id])
        return {students[i].id: kind for i, kind in kinds.items()}
    finally:
        if previous is None:
            os.environ.pop("DEPTHLAB_ROOT", None)
        else:
            os.environ["DEPTHLAB_ROOT"] = previous


# =========================================================================== snapshots


def wait_for(predicate, timeout: float, proc=None) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass; when ``proc``
    (a Popen) exits first, its answer then is final."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            return predicate()
        time.sleep(0.1)
    return False

@dataclass(frozen=True)
class Snapshot:
    processes: frozenset          # (pid, create time) of every process
    mounts: collections.Counter   # (mount point, root, fs type, source) -> how many
    shared: dict                  # shared temporary folder -> names in it


def mount_table() -> collections.Counter:
    """This mount namespace's mounts, without their ids (which change on every mount)."""
    out = collections.Counter()
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, extra = left.split(), right.split()
        out[(fields[4], fields[3], extra[0] if extra else "", extra[1] if len(extra) > 1 else "")] += 1
    return out


def _names(folder: str) -> frozenset:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def snapshot() -> Snapshot:
    procs = set()
    for p in psutil.process_iter(["create_time"]):
        procs.add((p.pid, p.info["create_time"]))
    return Snapshot(frozenset(procs), mount_table(), {f: _names(f) for f in SHARED_TEMP})


def in_sandbox_range(uid: Optional[int]) -> bool:
    return uid is not None and SANDBOX_ID_BASE <= uid < SANDBOX_ID_BASE + SANDBOX_ID_SPAN


# =========================================================================== watching a run

@dataclass
class Sample:
    seconds: float
    done: int                 # results stored so far
    main_rss: int             # bytes: the grading command
    tree_rss: int             # bytes: it and every process below it
    workers_rss: int          # bytes: its worker processes (multiprocessing children)
    kernels: int              # sandbox kernel processes in the tree
    load: float               # the machine's 1-minute load average


def _forked_by_the_server(p: psutil.Process) -> bool:
    try:
        parent = p.parent()
        return parent is not None and "multiprocessing.forkserver" in " ".join(parent.cmdline())
    except psutil.Error:
        return False


class Watch(threading.Thread):
    """Samples the grading command's process tree every ``interval`` seconds: memory,
    results stored, and who was in the tree (for telling leftovers apart)."""

    def __init__(self, pid: int, results: Path, interval: float = 1.0):
        super().__init__(daemon=True)
        self.main = psutil.Process(pid)
        self.results = results
        self.interval = interval
        self.samples: list[Sample] = []
        self.seen: set = set()           # (pid, create time) of every process seen below the command
        self.uids: set = set()           # sandbox user ids seen below it
        self.isolation: set = set()      # DEPTHLAB_SANDBOX of the kernels seen
        self._kinds: dict = {}           # (pid, create time) -> "kernel" | "worker" | "other"
        self._halt = threading.Event()
        self._start = time.monotonic()

    def _kind(self, p: psutil.Process, key) -> str:
        if key not in self._kinds:
            try:
                cmd = " ".join(p.cmdline())
            except psutil.Error:
                return "other"
            if MARKER in cmd:
                self._kinds[key] = "kernel"
                try:
                    self.isolation.add(p.environ().get("DEPTHLAB_SANDBOX", "?"))
                except psutil.Error:
                    pass
            elif "multiprocessing" in cmd and "spawn_main" in cmd:
                self._kinds[key] = "worker"
            elif "multiprocessing.forkserver" in cmd and _forked_by_the_server(p):
                self._kinds[key] = "worker"     # forked by the workers' fork server (the server is "other")
            else:
                self._kinds[key] = "other"
        return self._kinds[key]

    def sample(self) -> Optional[Sample]:
        try:
            main_rss = self.main.memory_info().rss
            kids = self.main.children(recursive=True)
        except psutil.Error:
            return None
        tree, workers, kernels = main_rss, 0, 0
        for p in kids:
            try:
                key = (p.pid, p.create_time())
                rss = p.memory_info().rss
                uid = p.uids().real
            except psutil.Error:
                continue
            self.seen.add(key)
            if in_sandbox_range(uid):
                self.uids.add(uid)
            tree += rss
            kind = self._kind(p, key)
            workers += rss if kind == "worker" else 0
            kernels += kind == "kernel"
        try:
            done = sum(1 for _ in self.results.glob("*.json"))
        except OSError:
            done = 0
        s = Sample(round(time.monotonic() - self._start, 2), done, main_rss, tree, workers, kernels,
                   os.getloadavg()[0])
        self.samples.append(s)
        return s

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)


# =========================================================================== leftovers

@dataclass
class Leftovers:
    processes: list = field(default_factory=list)
    mounts: list = field(default_factory=list)
    files: list = field(default_factory=list)
    others: list = field(default_factory=list)      # not the run's: listed, not counted
    pids: list = field(default_factory=list)        # the leftover processes, to stop them
    shared: list = field(default_factory=list)      # the run's files in shared folders, to remove them

    def count(self) -> int:
        return len(self.processes) + len(self.mounts) + len(self.files)

    def lines(self) -> list[str]:
        return ([f"process: {p}" for p in self.processes] + [f"mount: {m}" for m in self.mounts]
                + [f"file: {f}" for f in self.files])


def describe(p: psutil.Process) -> str:
    try:
        cmd = p.cmdline()
        uid = p.uids().real
        status = p.status()
    except psutil.Error:
        return f"pid {p.pid} (gone)"
    text = " ".join(cmd)
    if MARKER in text:
        home = re.search(r"(/\S*?depthlab-kernel-[^/\s\"']+)", text)
        what = f"sandbox kernel{' (folder ' + home.group(1) + ')' if home else ''}" + (
            " launcher" if cmd and os.path.basename(cmd[0]) == "unshare" else "")
    else:
        what = text[:120]
    return f"pid {p.pid} uid {uid} {status}: {what}"


def _die_with_parent() -> None:
    """In the grading command, before it runs: SIGKILL when the process that started it
    ends, even killed (a test timeout), so the command never outlives its watcher."""
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG


class SoakRun:
    """One run's folder, its class, the grading command, and what it left behind."""

    def __init__(self, assignment: str = A, parent: Optional[Path] = None):
        self.assignment = assignment
        self.folder = Path(tempfile.mkdtemp(prefix="depthlab-soak-", dir=parent)).resolve()
        self.course = self.folder / "course"
        self.tmp = self.folder / "tmp"
        self.runtime = self.folder / "runtime"
        self.tmp.mkdir()
        self.runtime.mkdir()
        self.hostile: dict = {}
        self.log = self.folder / "autograde.log"

    @property
    def results(self) -> Path:
        return self.course / ".depthlab" / "results" / self.assignment

    def make_class(self, n: int, hostile: int, seed: int = 0) -> dict:
        write_course(self.course, self.assignment)
        self.hostile = write_hostile_class(self.course, n, hostile, seed, self.assignment)
        return self.hostile

    def env(self, isolation: Optional[str] = None, **extra) -> dict:
        env = dict(os.environ)
        env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", DEPTHLAB_ROOT=str(self.course),
                   TMPDIR=str(self.tmp), JUPYTER_RUNTIME_DIR=str(self.runtime),
                   DEPTHLAB_HIDE=os.pathsep.join(p for p in (tempfile.gettempdir(), env.get("DEPTHLAB_HIDE")) if p))
        if isolation:
            env["DEPTHLAB_ISOLATION"] = isolation
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def grade(self, jobs: int = 2, isolation: Optional[str] = None, engine: str = "nbgrader",
              interval: float = 1.0, timeout: float = 6 * 3600, **extra) -> tuple[int, float, Watch]:
        """Run ``depthlab autograde`` on the class, watching it; (exit code, seconds, watch)."""
        cmd = [str(BIN / "depthlab"), "autograde", self.assignment, "--engine", engine, "--jobs", str(jobs)]
        start = time.monotonic()
        with self.log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=self.course, env=self.env(isolation, **extra), stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
            watch = Watch(proc.pid, self.results, interval)
            watch.sample()
            watch.start()
            try:
                code = proc.wait(timeout=timeout)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                watch.stop()
        return code, time.monotonic() - start, watch

    # -- what is left ------------------------------------------------------
    def _mine(self, p: psutil.Process, watch: Watch) -> Optional[bool]:
        """Whether a new process belongs to the run (None: it is gone)."""
        try:
            key = (p.pid, p.create_time())
            if key in watch.seen or in_sandbox_range(p.uids().real) and p.uids().real in watch.uids:
                return True
            here = str(self.folder)
            if any(here in part for part in p.cmdline()):
                return True
            try:
                return any(here in value for value in p.environ().values())
            except psutil.AccessDenied:
                return False
        except psutil.NoSuchProcess:
            return None
        except psutil.Error:
            return False

    def leftovers(self, before: Snapshot, watch: Watch) -> Leftovers:
        out = Leftovers()
        me = os.getpid()
        for p in psutil.process_iter(["create_time"]):
            if p.pid == me or (p.pid, p.info["create_time"]) in before.processes:
                continue
            mine = self._mine(p, watch)
            if mine:
                out.processes.append(describe(p))
                out.pids.append(p.pid)
            elif mine is False:
                try:
                    strange = MARKER in " ".join(p.cmdline()) or in_sandbox_range(p.uids().real)
                except psutil.Error:
                    strange = False
                if strange:
                    out.others.append(f"process: {describe(p)}")
        for (point, root, fstype, source), n in (mount_table() - before.mounts).items():
            tag = "" if str(self.folder) in point + root + source else " (does not name the run folder: maybe not the run's)"
            out.mounts.append(f"{fstype} {source} on {point} (root {root})" + (f" x{n}" if n > 1 else "") + tag)
        for folder in (self.tmp, self.runtime):
            out.files += [f"{p} ({'folder' if p.is_dir() else 'file'})" for p in sorted(folder.iterdir())]
        for pattern in COURSE_SCRATCH:
            out.files += [str(p) for p in sorted(self.course.rglob(pattern))]
        for folder, names in before.shared.items():
            for name in sorted(_names(folder) - names):
                path = Path(folder) / name
                try:
                    owner = path.lstat().st_uid
                except OSError:
                    continue
                if (STUDENT_MARK in name and self.folder.name in name) or (in_sandbox_range(owner)
                                                                           and owner in watch.uids):
                    out.files.append(f"{path} (owner {owner})")
                    out.shared.append(path)
                elif name.startswith("depthlab-") or STUDENT_MARK in name:
                    out.others.append(f"file: {path} (owner {owner})")
        return out

    def settle(self, before: Snapshot, watch: Watch, seconds: float = 10.0) -> tuple[Leftovers, float]:
        """Leftovers once they stop going away (a killed kernel takes a moment to be
        reaped): checked until none are left or ``seconds`` have passed; also
        returns how long it took."""
        start = time.monotonic()
        while True:
            found = self.leftovers(before, watch)
            waited = time.monotonic() - start
            if not found.count() or waited >= seconds:
                return found, waited
            time.sleep(0.5)

    def clean(self, found: Leftovers, keep: bool = False) -> None:
        """Stop the run's leftover processes, remove its files from the shared folders,
        and its folder (kept with ``keep``, or while something is mounted inside it)."""
        for pid in found.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for path in found.shared:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if keep or any(point.startswith(f"{self.folder}/") for point, *_ in mount_table()):
            return
        shutil.rmtree(self.folder, ignore_errors=True)
