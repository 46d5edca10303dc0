"""Submissions that try to get out of the sandbox, and the places they aim at.

Shared by ``tests/test_hostile.py`` (in-process and ``depthlab grade``, as root)
and ``tests/test_unprivileged.py`` (``depthlab grade`` and ``depthlab autograde``
as an unprivileged user).

- ``FINDERS``: each a function that looks for the reference on disk by computed
  paths (a walk of ``/``; site-packages and Python's install records; the
  grader's and every process's ``/proc/<pid>/cwd``, ``root``, environment and
  command line; ``/proc/self/mountinfo`` and a disk root opened by file handle;
  a second checkout of the course elsewhere) or imports it by a name found on
  disk, and falls back on the plain wrong answer;
- ``COPIES``: a cell that takes other students' functions from the course's
  ``submitted/`` and ``autograded/`` notebooks and reads the gradebook;
- ``WRITES``: a cell that writes wherever it can outside its scratch folder;
- ``SIGNALS``: functions that kill the grader, every process, the grader's group.

:class:`CourseSite` lays out what they aim at: a course folder (another
student's submitted and graded notebooks, a gradebook) and two more copies of
the reference and the source notebooks (``/var/tmp/<random>/course``,
``/opt/<random>``), and tells afterwards whether anything outside the kernel's
scratch folder changed.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import site
import sqlite3
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from depthlab.paths import course_root

from hostile.build import ASSIGNMENT as A, perfect, snippet, solutions, write

FINDERS = ["spectral_radius__walks_the_disk", "jacobian_power_norms__searches_site_packages",
           "chain_jacobian__follows_proc_links", "numerical_gradient__reads_mountinfo",
           "gradient_magnitudes__finds_a_second_checkout", "weight_grads_chain__imports_what_it_finds"]
#: the finder that imports what it found: the import blocker sees it, at every level
IMPORTER = "weight_grads_chain__imports_what_it_finds"
SIGNALS = ["spectral_radius__kills_the_grader", "jacobian_power_norms__kills_every_process",
           "chain_jacobian__kills_the_graders_group"]
COPIES = "cell__copies_other_students"
WRITES = "cell__writes_outside_scratch"
#: what WRITES names its files
MARK = "mallory_was_here"
#: the plain wrong answers of the functions the cases above use (``<function>__plain_wrong``)
PLAIN = ["spectral_radius__plain_wrong", "jacobian_power_norms__plain_wrong", "chain_jacobian__plain_wrong",
         "numerical_gradient__plain_wrong", "gradient_magnitudes__plain_wrong", "weight_grads_chain__plain_wrong"]
#: another student, whose work is in the course
OTHER = "alice"

#: run a command as a child of this one, which (as the first process of a PID namespace) no
#: signal from inside can kill: the command's exit status comes back, even when it was killed
WAITER = ("import subprocess, sys\nrc = subprocess.call(sys.argv[1:])\n"
          "sys.exit(rc if rc >= 0 else 128 - rc)")


@functools.lru_cache(maxsize=None)
def plain_points() -> dict:
    """function -> the points of the perfect notebook with PLAIN's wrong answers in it, graded in
    this process (no kernel): what a hostile function that finds nothing earns."""
    from depthlab.judge.prepare import grade_namespace
    namespace: dict = {}
    for source in solutions().values():
        exec(source, namespace)
    for name in PLAIN:
        exec(snippet(name), namespace)
    return {t.function: t.points for t in grade_namespace(A, namespace)}


def levels_under_test() -> list[str]:
    """The level ``DEPTHLAB_ISOLATION`` names, else every safe level this machine claims, strongest first."""
    from depthlab.judge.kernel import available_levels
    asked = (os.environ.get("DEPTHLAB_ISOLATION") or "auto").lower()
    return [asked] if asked != "auto" else list(available_levels())


def enclosure() -> list[str]:
    """A prefix that runs a command in a PID namespace of its own (behind WAITER), so that a
    submission that escapes its sandbox and kills every process it sees kills only the
    grading run; [] when this machine cannot make one."""
    import subprocess
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    argv = [unshare, "--pid", "--fork", "--mount-proc", "--kill-child"]
    if os.geteuid() != 0:
        argv[1:1] = ["--user", "--map-current-user"]
    try:
        ok = subprocess.run(argv + ["true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return argv + [sys.executable, "-c", WAITER] if ok else []


def json_results(stdout: str) -> list[dict]:
    """The result lines of ``depthlab grade --json``."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def printed(text: str, prefix: str):
    """The JSON a cell printed after ``prefix`` (``SEEN``, ``WROTE``), or None."""
    if prefix + " " not in text:
        return None
    try:
        return json.loads(text.split(prefix + " ", 1)[1].splitlines()[0])
    except (ValueError, IndexError):
        return None


#: grades the notebooks named on stdin ({"assignment", "config", "notebooks": {name: path}}) in ONE
#: grader, one JSON line per notebook as soon as it is graded: its record and what its cells printed
GRADER = r"""
import json, sys
from depthlab.config import GradingConfig
from depthlab.judge.session import NotebookGrader
given = json.load(sys.stdin)
grader = NotebookGrader(given["assignment"], GradingConfig(**given["config"]))
for name, path in given["notebooks"].items():
    graded = grader.grade_path(path)
    text = "".join(o.get("text", "") for outs in graded.cell_outputs.values() for o in outs)
    print(json.dumps({"name": name, "record": graded.result.to_record(), "printed": text}), flush=True)
"""


def grade_enclosed(notebooks: dict, config: dict, cwd: Path, environ: dict, timeout: float = 900):
    """Grade ``notebooks`` (name -> path) in one grading process inside :func:`enclosure`, started in
    ``cwd``: (the process, {name: (NotebookResult, what its cells printed)}) for the notebooks graded
    before it ended."""
    import subprocess
    from depthlab.judge.results import NotebookResult
    cage = enclosure()
    if not cage:
        raise RuntimeError("cannot make a PID namespace here (unshare) to contain submissions that kill every "
                           "process they can see; refusing to run them without one")
    given = {"assignment": A, "config": config, "notebooks": {k: str(v) for k, v in notebooks.items()}}
    proc = subprocess.run(cage + [sys.executable, "-c", GRADER], input=json.dumps(given), capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=environ, start_new_session=True)
    out = {}
    for line in json_results(proc.stdout):
        out[line["name"]] = (NotebookResult.from_record(line["record"]), line["printed"])
    return proc, out


def save_timings(folder: Path, timings: dict) -> None:
    """Merge ``timings`` into ``folder/timings.json`` (other processes add theirs)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "timings.json"
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = {}
    path.write_text(json.dumps({**old, **timings}, indent=1, sort_keys=True))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path)] = _sha(path)
    return out


def _world_readable(top: Path) -> None:
    """So that file permissions, not the sandbox, cannot be what keeps a kernel out."""
    for folder, dirs, files in os.walk(top):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


@dataclass
class CourseSite:
    """A course folder with another student's work and a gradebook, and copies of the course
    elsewhere on the machine; everything world-readable."""

    course: Path
    copies: list
    owned: list = field(default_factory=list)     # folders this object made and removes
    placed: dict = field(default_factory=dict)    # files the tests put there: path -> sha256 at the start
    copies_before: dict = field(default_factory=dict)   # copy -> its files' sha256
    wrote: list = field(default_factory=list)     # where the writing notebook said it wrote

    @classmethod
    def make(cls, course: Optional[Path] = None, gradebook: bool = True) -> "CourseSite":
        """``course``: an existing checkout to put the other student's work into (else a new course
        folder in /var/tmp holding the source notebook and the nbgrader configuration);
        ``gradebook``: put a small gradebook.db there (not where nbgrader is to make its own)."""
        root = course_root()
        owned, copies = [], []
        if course is None:
            top = Path(tempfile.mkdtemp(prefix="depthlab-escapes-", dir="/var/tmp"))
            owned.append(top)
            course = top / "course"
            (course / "source" / A).mkdir(parents=True)
            shutil.copy2(root / "source" / A / f"{A}.ipynb", course / "source" / A / f"{A}.ipynb")
            shutil.copy2(root / "nbgrader_config.py", course / "nbgrader_config.py")
        for parent, inner in (("/var/tmp", "course"), ("/opt", "")):
            try:
                top = Path(tempfile.mkdtemp(prefix="depthlab-copy-", dir=parent))
            except OSError:
                continue
            owned.append(top)
            dest = top / inner if inner else top
            for part in ("solutions", "source"):
                shutil.copytree(root / part, dest / part, ignore=shutil.ignore_patterns("figures", "__pycache__"))
            copies.append(top)
        site_ = cls(course, copies, owned)
        nb = perfect()
        site_.track([write(nb, course / folder / OTHER / A / f"{A}.ipynb") for folder in ("submitted", "autograded")])
        if gradebook:
            book = course / "gradebook.db"
            db = sqlite3.connect(book)
            with db:
                db.execute("create table if not exists source_cell (name text, source text)")
                db.execute("insert into source_cell values ('test_sigmoid', '### BEGIN HIDDEN TESTS')")
            db.close()
            site_.track([book])
        for top in owned:
            _world_readable(top)
        site_.copies_before = {str(c): _tree(c) for c in copies}
        return site_

    def track(self, paths) -> None:
        """Files that must stay as they are now."""
        self.placed.update({str(p): _sha(Path(p)) for p in paths})

    def changed(self) -> list[str]:
        """Files the tests placed, and files of the copies, that are not as they were."""
        out = [p for p, sha in self.placed.items() if not Path(p).is_file() or _sha(Path(p)) != sha]
        for top, before in self.copies_before.items():
            if _tree(Path(top)) != before:
                out.append(top)
        return out

    def watched(self, home: Optional[Path] = None, sites: tuple = ()) -> list[Path]:
        """Folders a kernel must not be able to write into."""
        root = course_root()
        places = [self.course, Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), home or Path.home(),
                  root, root / "solutions", root / "autograder", root / "autograder" / "depthlab",
                  Path(sysconfig.get_paths()["stdlib"]), *self.copies, *map(Path, sites)]
        places += [Path(p) for p in {*site.getsitepackages(), *sysconfig.get_paths().values(), *sys.path} if p]
        return [p for p in dict.fromkeys(places) if p.is_dir()]

    def markers(self, wrote=(), home: Optional[Path] = None, sites: tuple = ()) -> list[str]:
        """Files named like WRITES's that exist on this machine: in the watched folders, and where
        the kernel said it wrote them (remembered, for close)."""
        self.wrote = sorted({*self.wrote, *(p for p in wrote or () if os.path.isabs(p))})
        found = {str(p) for folder in self.watched(home, sites) for p in folder.glob(MARK + "*")}
        found |= {p for p in self.wrote if os.path.basename(p).startswith(MARK) and os.path.lexists(p)}
        return sorted(found)

    def close(self, home: Optional[Path] = None, sites: tuple = ()) -> None:
        for path in self.markers(home=home, sites=sites):
            try:
                os.remove(path)
            except OSError:
                pass
        for top in self.owned:
            shutil.rmtree(top, ignore_errors=True)
