"""Grade a whole class: ``depthlab autograde ASSIGNMENT [SOURCE]``.

Steps, in order:

1. **collect** the submissions into nbgrader's ``submitted/<student>/<a>/<a>.ipynb``
   layout of the course directory (from that layout itself, a folder of
   notebooks, or an LMS/Gradescope zip, extracted safely);
2. **skip** every student whose stored result still holds (same notebook bytes,
   same grading code, same engine; with the nbgrader engine also an autograded
   notebook and a gradebook entry);
3. **grade** the rest in worker processes, each grading one notebook at a time
   with a pool of pre-started sandboxed kernels (one fresh kernel per notebook).
   With the nbgrader engine a worker runs nbgrader's own autograde (depthlab's
   judge in place of Execute), so the gradebook and ``autograded/`` hold exactly
   what ``nbgrader autograde`` stores;
4. **store** each result atomically (``.depthlab/results/<a>/<student>.json``,
   temporary file + rename) as soon as it arrives, so a killed run loses nothing
   that finished;
5. **export** ``grades.csv``: one row per student, one column per test.

A submission that cannot be read, hangs, kills its kernel or even crashes its
worker process becomes that student's ungraded result; the batch goes on.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import multiprocessing as mp
import os
import queue
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Optional

from .config import GradingConfig
from .judge.results import NotebookResult
from .paths import course_root, source_notebook
from .tools import ensure_tools_on_path

ENGINES = ("nbgrader", "otter", "direct")
STORE_VERSION = 1

#: limits for one uploaded file (the grader refuses notebooks over 50 MB anyway)
MAX_MEMBER_BYTES = 50_000_000
#: limits for a whole zip
MAX_TOTAL_BYTES = 2_000_000_000
MAX_MEMBERS = 10_000
#: a member this much smaller compressed than uncompressed (and over 1 MB) is a bomb
MAX_RATIO = 200
IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints")


# =========================================================================== collect

@dataclass(frozen=True)
class Submission:
    """One student's notebook, in the course's ``submitted/`` folder.

    rejected: why the upload was refused (then ``path`` is None): an unsafe or
        oversized zip member a student id could still be read from.
    """

    student: str
    path: Optional[Path]
    origin: str
    rejected: str = ""


@dataclass
class Collected:
    submissions: list = field(default_factory=list)
    problems: list = field(default_factory=list)   # one human line per bad member or file


def safe_id(text: str) -> str:
    """A student id usable as a folder name and a gradebook id."""
    out = re.sub(r"[^A-Za-z0-9_.@-]+", "-", text).strip("-.")
    return out[:80] or "unknown"


CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:late_|LATE_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<rest>.+)$")
GRADESCOPE = re.compile(r"^submission_\d+$")


def student_from_name(member: str, assignment: str, gradescope: Optional[dict] = None) -> str:
    """The student id a file name carries.

    - Gradescope export ``submission_<n>/<any>.ipynb``: the student id (``:sid:``)
      from ``submission_metadata.yml`` if given, else ``submission_<n>``;
    - Canvas ``<student>_[LATE_]<user id>_<submission id>_<file>.ipynb``: ``<student>``;
    - ``<folder>/<assignment>.ipynb`` (one folder per student): the folder name;
    - anything else: the file name without ``.ipynb`` and without the assignment name.
    """
    parts = PurePosixPath(member).parts
    stem = PurePosixPath(member).stem
    for part in parts[:-1]:
        if GRADESCOPE.match(part):
            sid = (gradescope or {}).get(part)
            return safe_id(sid or part)
    m = CANVAS.match(stem)
    if m:
        return safe_id(m.group("name"))
    if len(parts) > 1 and (stem == assignment or stem.lower() in ("submission", "notebook")):
        return safe_id(parts[-2])
    cleaned = re.sub(rf"[-_ ]*{re.escape(assignment)}[-_ ]*", "", stem, flags=re.I) if stem != assignment else stem
    return safe_id(cleaned or stem)


def _unique(student: str, taken: dict, origin: str, problems: list) -> str:
    if student not in taken:
        taken[student] = origin
        return student
    k = 2
    while f"{student}-{k}" in taken:
        k += 1
    new = f"{student}-{k}"
    problems.append(f"{origin}: student id {student!r} already taken by {taken[student]}; graded as {new!r}")
    taken[new] = origin
    return new


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``:
    a reader (or a killed run) sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _place(root: Path, assignment: str, student: str, data: bytes) -> Path:
    """Put a notebook where nbgrader looks for it (unchanged files are not rewritten)."""
    dest = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    if not (dest.is_file() and dest.read_bytes() == data):
        _write_atomic(dest, data)
    return dest


def collect(assignment: str, source: Optional[Path] = None, *, root: Optional[Path] = None) -> Collected:
    """Every submission of ``assignment`` from ``source`` (default: ``submitted/``)."""
    root = Path(root or course_root())
    submitted = root / "submitted"
    if source is None or Path(source).resolve() == submitted.resolve():
        return _collect_submitted(assignment, submitted)
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist")
    if source.is_dir():
        if any(source.glob(f"*/{assignment}/{assignment}.ipynb")):
            out = _collect_submitted(assignment, source)
            return _copy_in(out, root, assignment)
        return _collect_folder(assignment, source, root)
    if zipfile.is_zipfile(source):
        return _collect_zip(assignment, source, root)
    if source.suffix == ".ipynb":
        out = Collected()
        data = source.read_bytes()
        student = student_from_name(source.name, assignment)
        out.submissions.append(Submission(student, _place(root, assignment, student, data), str(source)))
        return out
    raise ValueError(f"{source} is neither a folder of notebooks, a zip file nor a notebook")


def _collect_submitted(assignment: str, submitted: Path) -> Collected:
    out = Collected()
    if not submitted.is_dir():
        return out
    for folder in sorted(p for p in submitted.iterdir() if p.is_dir()):
        nb = folder / assignment / f"{assignment}.ipynb"
        if nb.is_file() and not nb.is_symlink():
            out.submissions.append(Submission(folder.name, nb, str(nb)))
        elif nb.is_symlink():
            out.problems.append(f"{nb}: a symbolic link, not graded")
            out.submissions.append(Submission(folder.name, None, str(nb), "the submitted file is a symbolic link"))
        elif (folder / assignment).is_dir():
            others = sorted(p.name for p in (folder / assignment).glob("*.ipynb"))
            why = (f"no {assignment}.ipynb in {folder / assignment}"
                   + (f" (found {', '.join(others)}: rename it to {assignment}.ipynb)" if others else ""))
            out.problems.append(why)
            out.submissions.append(Submission(folder.name, None, str(folder / assignment), why))
    return out


def _copy_in(found: Collected, root: Path, assignment: str) -> Collected:
    out = Collected(problems=list(found.problems))
    for s in found.submissions:
        if s.path is None:
            out.submissions.append(s)
            continue
        if s.path.stat().st_size > MAX_MEMBER_BYTES:
            out.submissions.append(Submission(s.student, None, s.origin, _too_big(s.path.stat().st_size)))
            continue
        out.submissions.append(Submission(s.student, _place(root, assignment, s.student, s.path.read_bytes()), s.origin))
    return out


def _too_big(size: int) -> str:
    return f"the file is {size / 1e6:.0f} MB; notebooks over {MAX_MEMBER_BYTES // 1_000_000} MB are not graded"


def _collect_folder(assignment: str, folder: Path, root: Path) -> Collected:
    out = Collected()
    taken: dict = {}
    files = sorted(list(folder.glob("*.ipynb")) + list(folder.glob("*/*.ipynb")))
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if any(part in IGNORED_PARTS or part.startswith(".") for part in PurePosixPath(rel).parts):
            continue
        student = _unique(student_from_name(rel, assignment), taken, rel, out.problems)
        if path.is_symlink():
            out.problems.append(f"{rel}: a symbolic link, not graded")
            out.submissions.append(Submission(student, None, rel, "the file is a symbolic link"))
            continue
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            out.problems.append(f"{rel}: {_too_big(size)}")
            out.submissions.append(Submission(student, None, rel, _too_big(size)))
            continue
        out.submissions.append(Submission(student, _place(root, assignment, student, path.read_bytes()), rel))
    return out


def _gradescope_ids(zf: zipfile.ZipFile) -> dict:
    """``submission_<n>`` -> student id, from Gradescope's ``submission_metadata.yml``."""
    names = [n for n in zf.namelist() if PurePosixPath(n).name == "submission_metadata.yml"]
    if not names:
        return {}
    info = zf.getinfo(names[0])
    if info.file_size > 5_000_000:
        return {}
    try:
        import yaml
        data = yaml.safe_load(zf.read(info)) or {}
    except Exception:
        return {}
    out = {}
    for key, value in data.items() if isinstance(data, dict) else []:
        subs = (value or {}).get(":submitters") or (value or {}).get("submitters") or []
        if subs and isinstance(subs[0], dict):
            sid = subs[0].get(":sid") or subs[0].get("sid") or subs[0].get(":email") or subs[0].get("email")
            if sid:
                out[str(key)] = str(sid).split("@")[0]
    return out


def member_problem(info: zipfile.ZipInfo) -> Optional[str]:
    """Why a zip member must not be extracted, or None (size read back is checked later)."""
    name = info.filename
    mode = (info.external_attr >> 16) & 0o170000
    if "\x00" in name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if any(part == ".." for part in re.split(r"[\\/]", name)):
        return "a path leaving the folder (..)"
    if mode == stat.S_IFLNK:
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > MAX_MEMBER_BYTES:
        return _too_big(info.file_size)
    if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"compressed {info.file_size // max(info.compress_size, 1)}:1 "
                f"({info.compress_size} bytes to {info.file_size}): treated as a zip bomb")
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than the limit whatever its header claims."""
    with zf.open(info) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ValueError(_too_big(len(data)) + " (its header said less)")
    return data


def _collect_zip(assignment: str, path: Path, root: Path) -> Collected:
    out = Collected()
    taken: dict = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path} could not be opened as a zip file: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            out.problems.append(f"{path.name}: {len(infos)} members; only the first {MAX_MEMBERS} are read")
            infos = infos[:MAX_MEMBERS]
        gradescope = _gradescope_ids(zf)
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if info.is_dir() or not parts or any(p in IGNORED_PARTS for p in parts) or parts[-1].startswith("."):
                continue   # folders, macOS metadata, checkpoints, hidden files
            if not name.lower().endswith(".ipynb"):
                if PurePosixPath(name).name != "submission_metadata.yml":
                    out.problems.append(f"{name}: not a notebook (.ipynb), skipped")
                continue
            student = _unique(student_from_name(name.replace("\\", "/"), assignment, gradescope), taken, name,
                              out.problems)
            why = member_problem(info)
            if why is None and total + info.file_size > MAX_TOTAL_BYTES:
                why = f"the zip holds more than {MAX_TOTAL_BYTES // 1_000_000_000} GB of notebooks; the rest is not read"
            data = b""
            if why is None:
                try:
                    data = _read_member(zf, info)
                except ValueError as exc:
                    why = str(exc)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                    why = f"could not be extracted ({exc.__class__.__name__}: {exc})"
            if why:
                out.problems.append(f"{name}: {why}; not graded")
                out.submissions.append(Submission(student, None, name, f"the uploaded file was refused: {why}"))
                continue
            total += len(data)
            out.submissions.append(Submission(student, _place(root, assignment, student, data), name))
    return out


def normalise_for_nbgrader(path: Path) -> bool:
    """Rewrite a readable notebook nbgrader would refuse (nbformat 3 or 4.0-4.4,
    missing, malformed or duplicated cell ids) as nbformat 4.5 with unique ids
    (:func:`~depthlab.judge.notebook.with_cell_ids`), in place, as the nbgrader
    engine does for single notebooks.  Returns whether it rewrote it; unreadable
    files are left for grading to report."""
    import nbformat
    from .judge.notebook import SubmissionError, read_notebook, with_cell_ids
    try:
        raw = json.loads(path.read_bytes().decode("utf-8-sig"))
        nb = with_cell_ids(read_notebook(path))
    except (SubmissionError, ValueError, OSError):
        return False
    cells = raw.get("cells") if isinstance(raw, dict) else None
    ids = [c.get("id") if isinstance(c, dict) else None for c in cells] if isinstance(cells, list) else None
    minor = raw.get("nbformat_minor")
    if raw.get("nbformat") == 4 and isinstance(minor, int) and minor >= 5 and ids == [c["id"] for c in nb.cells]:
        return False      # already what nbgrader reads: leave the student's file as it is
    _write_atomic(path, nbformat.writes(nb).encode("utf-8"))
    return True


# =========================================================================== store

def grading_fingerprint(assignment: str, root: Optional[Path] = None) -> str:
    """A hash of everything a grade depends on besides the notebook: the checks,
    fixtures, reference, source notebook and the judge's code."""
    from .judge.prepare import load_spec
    import importlib
    spec = load_spec(assignment)
    h = hashlib.sha256()
    files = [Path(importlib.import_module(f"depthlab.checks.{assignment}").__file__),
             Path(importlib.import_module(spec.reference_module).__file__),
             source_notebook(assignment, root)]
    if spec.fixture_module:
        files.append(Path(importlib.import_module(spec.fixture_module).__file__))
    files += sorted((Path(__file__).resolve().parent / "judge").glob("*.py"))
    for f in files:
        h.update(str(f.name).encode())
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()[:20]


def file_sha(path: Optional[Path], fallback: str = "") -> str:
    if path is None:
        return "rejected:" + hashlib.sha256(fallback.encode()).hexdigest()[:16]
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ResultStore:
    """One JSON file per graded student: ``<root>/.depthlab/results/<a>/<student>.json``.

    Each file is written to a temporary name and renamed, so it is either the
    whole result or absent, whenever the run is killed.
    """

    def __init__(self, assignment: str, root: Path):
        self.assignment = assignment
        self.folder = Path(root) / ".depthlab" / "results" / assignment

    def path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def load(self, student: str) -> Optional[dict]:
        try:
            data = json.loads(self.path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("version") == STORE_VERSION else None

    def save(self, entry: dict) -> Path:
        path = self.path(entry["student"])
        _write_atomic(path, json.dumps(entry, indent=1, allow_nan=True).encode("utf-8"))
        return path

    def entries(self) -> list[dict]:
        out = []
        for p in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            entry = self.load(p.stem)
            if entry:
                out.append(entry)
        return out

    def results(self) -> list[NotebookResult]:
        return [NotebookResult.from_record(e["record"]) for e in self.entries()]


def load_results(assignment: str, root: Optional[Path] = None) -> list[NotebookResult]:
    """Every stored result of ``assignment``, sorted by student."""
    return ResultStore(assignment, Path(root or course_root())).results()


# =========================================================================== gradebook

def _nbgrader_api(root: Path):
    from nbgrader.apps import NbGraderAPI
    from .engines.nbgrader_engine import nbgrader_config
    c = nbgrader_config(root)
    # the gradebook entries come from the source notebook; release/ is left alone
    c.CourseDirectory.release_directory = str(root / ".depthlab" / "nbgrader-release")
    c.Application.log_level = "WARN"
    return NbGraderAPI(config=c)


def db_url(root: Path) -> str:
    return f"sqlite:///{root}/gradebook.db"


def ensure_gradebook(assignment: str, root: Path) -> None:
    """Put the assignment's cells in the course's gradebook (nbgrader
    generate_assignment, releasing into ``.depthlab/``) when its source changed."""
    ensure_tools_on_path()
    stamp = root / ".depthlab" / "gradebook" / f"{assignment}.sha"
    digest = file_sha(source_notebook(assignment, root))
    if stamp.exists() and stamp.read_text() == digest and _assignment_in_gradebook(assignment, root):
        return
    res = _nbgrader_api(root).generate_assignment(assignment, force=True)
    if not res["success"]:
        from .engines.nbgrader_engine import _last_error
        raise RuntimeError(f"nbgrader could not add {assignment} to the gradebook: {_last_error(res.get('log', ''))}")
    _write_atomic(stamp, digest.encode())


def _assignment_in_gradebook(assignment: str, root: Path) -> bool:
    if not (root / "gradebook.db").exists():
        return False
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(db_url(root), "depthlab") as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def gradebook_students(assignment: str, root: Path) -> set:
    """Students with a submission of ``assignment`` in the gradebook."""
    if not (root / "gradebook.db").exists():
        return set()
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(db_url(root), "depthlab") as gb:
        try:
            return {s.student.id for s in gb.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()


# =========================================================================== kernel pool

def _setup_imports(assignment: str) -> str:
    """Code that imports (without binding any name) the modules the setup cells import."""
    import ast
    from .judge.notebook import Template
    names = []
    for cell in Template.load(assignment).of_kind("setup"):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    names = [n for n in dict.fromkeys(names) if n.split(".")[0] not in ("solutions", "depthlab", "autograder")]
    return "".join(f"try:\n    __import__({n!r})\nexcept Exception:\n    pass\n" for n in names)


def _kernel_class():
    from .judge.kernel import SandboxKernel

    class PooledKernel(SandboxKernel):
        """A SandboxKernel started ahead of time; its first ``start()`` is free and
        its ``close()`` happens in the pool's background thread."""

        def __init__(self, pool: "KernelPool", **kw):
            super().__init__(**kw)
            self._pool = pool
            self._ready = False

        def prestart(self, warm: str) -> None:
            super().start()
            if warm:
                self.run(warm, 60)
            self._ready = True

        def start(self) -> None:
            if self._ready and self.alive():
                self._ready = False
                return
            self._ready = False
            super().start()

        def close(self) -> None:
            self._pool.retire(self)

        def really_close(self) -> None:
            SandboxKernel.close(self)

        def pid(self) -> Optional[int]:
            try:
                return self.km.provisioner.process.pid
            except Exception:
                return None

    return PooledKernel


#: the kernel pools of this process (an emergency stop kills all their kernels)
POOLS: list = []


class KernelPool:
    """Pre-started sandboxed kernels: ``take()`` hands out a running kernel (used for
    one notebook, then closed in the background), and a thread starts the next.

    size 0: no pool, ``take()`` makes a plain kernel that starts when first used.
    """

    def __init__(self, config: GradingConfig, size: int = 1, warm: str = ""):
        POOLS.append(self)
        self.config = config
        self.size = size
        self.warm = warm
        self.cls = _kernel_class()
        self.ready: "queue.Queue" = queue.Queue()
        self.retired: "queue.Queue" = queue.Queue()
        self.live: set = set()
        self._wanted = threading.Semaphore(size)
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._threads = []
        if size > 0:
            for target in (self._starter, self._closer):
                t = threading.Thread(target=target, daemon=True)
                t.start()
                self._threads.append(t)

    def _kernel_options(self) -> dict:
        """What NotebookGrader's own kernel factory passes, from the config (those
        SandboxKernel accepts)."""
        import inspect
        from .judge.kernel import SandboxKernel
        accepted = inspect.signature(SandboxKernel.__init__).parameters
        options = {name: getattr(self.config, name, None)
                   for name in ("memory_mb", "output_limit", "interrupt_grace", "isolation", "scratch_mb")}
        return {k: v for k, v in options.items() if k in accepted and v is not None}

    def _new(self):
        k = self.cls(self, **self._kernel_options())
        with self._lock:
            self.live.add(k)
        return k

    def _starter(self) -> None:
        while True:
            self._wanted.acquire()
            if self._closed.is_set():
                return
            k = self._new()
            try:
                k.prestart(self.warm)
            except Exception:
                pass   # handed out unstarted: grading starts it and reports what goes wrong
            self.ready.put(k)

    def _closer(self) -> None:
        while True:
            k = self.retired.get()
            if k is None:
                return
            self._close_now(k)

    def _close_now(self, k) -> None:
        try:
            k.really_close()
        finally:
            with self._lock:
                self.live.discard(k)

    def take(self):
        if self.size <= 0:
            return self._new()
        k = self.ready.get()
        self._wanted.release()
        return k

    def retire(self, k) -> None:
        if self.size <= 0 or self._closed.is_set():
            self._close_now(k)
        else:
            self.retired.put(k)

    def close(self) -> None:
        """Stop every kernel this pool started (waits for the one being started)."""
        self._closed.set()
        self._wanted.release()
        self.retired.put(None)
        for t in self._threads:
            t.join(timeout=self.config.cell_timeout)
        for k in list(self.live):   # ready, retired and in-use kernels alike
            self._close_now(k)

    def kill_all(self) -> None:
        """Emergency stop: SIGKILL every kernel process now (no waiting)."""
        for k in list(self.live):
            pid = k.pid()
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            kill_inner = getattr(k, "_kill_inner", None)   # the kernel inside its namespace, if isolated
            if kill_inner:
                try:
                    kill_inner()
                except Exception:
                    pass
            shutil.rmtree(getattr(k, "_home", ""), ignore_errors=True)


# =========================================================================== worker

class _Worker:
    """What one worker process holds: the grader, its kernel pool, the engine."""

    def __init__(self, setup: dict):
        from .judge.session import NotebookGrader
        self.assignment = setup["assignment"]
        self.engine = setup["engine"]
        self.root = Path(setup["root"])
        self.config = GradingConfig(**setup["config"])
        warm = _setup_imports(self.assignment) if setup.get("warm", True) else ""
        self.pool = KernelPool(self.config, size=setup.get("prestart", 1), warm=warm)
        self.grader = NotebookGrader(self.assignment, self.config, kernel_factory=self.pool.take)
        self.api = None
        self.otter = None
        if self.engine == "nbgrader":
            from .engines import nbgrader_engine
            # DepthlabJudge (inside nbgrader's autograde) grades with this grader and its pool
            nbgrader_engine._graders[self.assignment] = self.grader
            self.api = _nbgrader_api(self.root)
        elif self.engine == "otter":
            from .engines.otter_engine import OtterBackend
            try:
                self.otter = OtterBackend(self.assignment, self.config, root=self.root)
            except TypeError:   # an OtterBackend that takes the assignment only
                self.otter = OtterBackend(self.assignment)

    def grade(self, student: str, path: str) -> dict:
        start = time.monotonic()
        result = self._grade(student, Path(path))
        result = replace(result, student=student, notebook=_rel(Path(path), self.root),
                         seconds=round(time.monotonic() - start, 3))
        return result.to_record()

    def _grade(self, student: str, path: Path) -> NotebookResult:
        from .judge.notebook import SubmissionError, read_notebook
        unreadable = None
        try:
            read_notebook(path)
        except SubmissionError as exc:
            unreadable = str(exc)
        if self.engine == "direct":
            return self.grader.grade_path(path, "direct", student).result
        if self.engine == "otter":
            if unreadable:
                return self.grader.ungraded(str(path), "otter", unreadable, student)
            try:
                return self.otter(0, path)
            except Exception as exc:   # otter's failure is this student's line, not the batch's end
                return self.grader.ungraded(str(path), "otter", f"otter could not grade it: {exc}", student)
        # nbgrader: its own autograde, even for a file it cannot read, so the
        # gradebook holds what nbgrader itself would store for this submission
        res = self.api.autograde(self.assignment, student, force=True)
        out = self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        if unreadable:
            return self.grader.ungraded(str(path), "nbgrader", unreadable, student)
        if not res["success"] or not out.exists():
            from .engines.nbgrader_engine import _last_error
            return self.grader.ungraded(str(path), "nbgrader",
                                        f"nbgrader could not grade it: {_last_error(res.get('log', ''))}", student)
        from .engines.nbgrader_engine import RESULT_KEY
        return NotebookResult.from_record(json.loads(out.read_text())["metadata"][RESULT_KEY])

    def close(self) -> None:
        self.pool.close()
        if self.otter is not None and hasattr(self.otter, "close"):
            self.otter.close()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _worker_main(conn, setup: dict) -> None:
    """A worker process: grade the (student, path) tasks that arrive on ``conn`` until a
    None arrives; answer ("ready"|"failed"|"done", pid, student, record) on ``conn``.

    Each worker has a pipe of its own: a worker that dies mid-message breaks only
    its own pipe, never the others' (a shared queue's lock could be left held).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides when to stop
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")    # SQLAlchemy's autoflush chatter inside nbgrader
    warnings.filterwarnings("ignore", message=".*not in session.*")
    os.environ["DEPTHLAB_ROOT"] = setup["root"]
    ensure_tools_on_path()
    parent = os.getppid()

    def stop(*_):
        for pool in POOLS:
            pool.kill_all()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)

    def watch():   # the parent was killed: take the kernels down too
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                stop()

    threading.Thread(target=watch, daemon=True).start()
    try:
        worker = _Worker(setup)
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
            try:
                record = worker.grade(student, path)
            except Exception as exc:   # a grading bug is this student's problem line, not the batch's end
                record = worker.grader.ungraded(path, worker.engine, f"grading failed: {exc.__class__.__name__}: {exc}",
                                                student).to_record()
            conn.send(("done", os.getpid(), student, record))
    except (EOFError, BrokenPipeError):
        pass   # the batch went away
    finally:
        worker.close()


# =========================================================================== progress

class Progress:
    """Grading progress on ``stream`` (stderr), drawn by tqdm: the label, a count,
    the elapsed time and the time left (tqdm's estimate from the mean rate so far).

    On a terminal tqdm redraws the bar in place.  Elsewhere (the log of an
    unattended run) redraws would pile up as carriage returns on one line, so
    the same meter (``tqdm.format_meter``) is printed as a whole line every
    10 % or 30 s, and at the end.
    """

    FORMAT = "{desc} [{bar:28}] {n_fmt}/{total_fmt} {percentage:3.0f}% {elapsed} elapsed, {remaining} left{postfix}"

    def __init__(self, total: int, *, label: str = "", stream=None, enabled: bool = True):
        from tqdm import tqdm
        self.total = total
        self.done = 0
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self._last_line = 0.0
        self._last_tenth = -1
        self._bar = tqdm(total=total, desc=label, file=self.stream, bar_format=self.FORMAT, smoothing=0,
                         dynamic_ncols=True, disable=not (self.enabled and self.tty))

    def line(self, last: str = "") -> str:
        """The meter as one line of text (what a log gets)."""
        from tqdm import tqdm
        return tqdm.format_meter(self.done, self.total, time.monotonic() - self.start, prefix=self.label,
                                 ascii=True, bar_format=self.FORMAT, postfix=last or None)

    def update(self, last: str = "") -> None:
        """One more notebook done; ``last`` says which (``"ann 18/23"``)."""
        self.done += 1
        if not self.enabled:
            return
        if self.tty:
            self._bar.set_postfix_str(last, refresh=False)
            self._bar.update()
            return
        tenth = 10 * self.done // self.total
        now = time.monotonic()
        if tenth != self._last_tenth or now - self._last_line > 30 or self.done == self.total:
            self._last_tenth, self._last_line = tenth, now
            self.stream.write(self.line(last) + "\n")
            self.stream.flush()

    def close(self) -> None:
        self._bar.close()


# =========================================================================== the batch

@dataclass
class BatchSummary:
    """What a run did. ``results`` holds every collected student's result (stored
    earlier or graded now); ``graded`` the students graded in this run."""

    assignment: str
    results: list
    graded: list
    skipped: list
    problems: list
    csv_path: Optional[Path]
    seconds: float
    interrupted: bool = False


def autograde(assignment: str, source: Optional[Path] = None, *, engine: str = "nbgrader", jobs: int = 0,
              root: Optional[Path] = None, config: Optional[GradingConfig] = None,
              csv_path: Optional[Path] = None, force: bool = False, prestart: int = 1,
              progress: bool = True, stream=None,
              on_result: Optional[Callable[[NotebookResult], None]] = None, wait: bool = False) -> BatchSummary:
    """Grade every submission of ``assignment`` found in ``source``; see the module docstring.

    jobs: worker processes (0: one per core). prestart: kernels each worker keeps
    started ahead (0: start each kernel when its notebook is graded).
    force: regrade students whose stored result still holds.
    csv_path: where grades.csv goes (default ``reports/<a>/grades.csv``).
    wait: when another autograde of the course runs, wait for it (saying so once
    on ``stream``) instead of raising :class:`~depthlab.courselock.CourseBusy`.
    """
    from .courselock import CourseLock
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    root = Path(root or course_root()).resolve()
    stream = stream or sys.stderr
    previous = os.environ.get("DEPTHLAB_ROOT")
    os.environ["DEPTHLAB_ROOT"] = str(root)    # the source notebook is read from this course
    try:
        # one run per course: the store, grades.csv and the gradebook have one writer
        with CourseLock(root, "depthlab autograde", assignment).hold(wait, lambda line: stream.write(line + "\n")):
            return _autograde(assignment, source, engine, jobs, root, config, csv_path, force, prestart, progress,
                              stream, on_result)
    finally:
        if previous is None:
            os.environ.pop("DEPTHLAB_ROOT", None)
        else:
            os.environ["DEPTHLAB_ROOT"] = previous


def _autograde(assignment, source, engine, jobs, root, config, csv_path, force, prestart, progress, stream,
               on_result) -> BatchSummary:
    from .judge.prepare import load_spec
    spec = load_spec(assignment)
    config = config or GradingConfig.from_env()
    started = time.monotonic()
    from .judge.sandbox import isolation_mode
    level = isolation_mode(config.isolation)   # refuses here, before anything runs, when no level is safe
    stream.write(f"student code runs isolated by: {level}\n")
    if not source_notebook(assignment, root).exists():
        raise FileNotFoundError(f"{source_notebook(assignment, root)} does not exist: grading needs the source notebook")
    if engine == "otter":
        try:
            from .engines import otter_engine  # noqa: F401
        except ImportError as exc:
            raise RuntimeError(f"the otter engine is not available: {exc}") from None
    found = collect(assignment, source, root=root)
    for line in found.problems:
        stream.write(f"warning: {line}\n")
    if engine == "nbgrader":
        for sub in found.submissions:
            if sub.path is not None:
                normalise_for_nbgrader(sub.path)
    if engine == "nbgrader":
        ensure_gradebook(assignment, root)
    store = ResultStore(assignment, root)
    fingerprint = grading_fingerprint(assignment, root)
    in_gradebook = gradebook_students(assignment, root) if engine == "nbgrader" else set()

    todo, skipped, rejected = [], [], []
    for sub in found.submissions:
        sha = file_sha(sub.path, sub.rejected)
        entry = None if force else store.load(sub.student)
        fresh = (entry is not None and entry.get("sha256") == sha and entry.get("fingerprint") == fingerprint
                 and entry.get("engine") == engine)
        if fresh and engine == "nbgrader" and not entry["record"].get("error"):
            fresh = sub.student in in_gradebook and (
                root / "autograded" / sub.student / assignment / f"{assignment}.ipynb").exists()
        if fresh:
            skipped.append(sub.student)
        elif sub.path is None:
            rejected.append((sub, sha))
        else:
            todo.append((sub, sha))

    def entry_for(student: str, sha: str, record: dict) -> dict:
        return {"version": STORE_VERSION, "assignment": assignment, "student": student, "engine": engine,
                "sha256": sha, "fingerprint": fingerprint,
                "graded_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "record": record}

    graded: list[str] = []
    for sub, sha in rejected:
        result = _ungraded(assignment, engine, sub, sub.rejected)
        store.save(entry_for(sub.student, sha, result.to_record()))
        graded.append(sub.student)
        if on_result:
            on_result(result)

    bar = Progress(len(todo), label=f"{assignment}", stream=stream, enabled=progress)
    if skipped and progress:
        stream.write(f"{assignment}: {len(skipped)} already graded (kept), {len(todo)} to grade\n")
    interrupted = False
    by_student = {sub.student: (sub, sha) for sub, sha in todo}

    def done(student: str, record: dict) -> None:
        sub, sha = by_student[student]
        store.save(entry_for(student, sha, record))
        graded.append(student)
        result = NotebookResult.from_record(record)
        bar.update(f"{student} {result.score:g}/{result.max_score:g}" + (" (not graded)" if result.error else ""))
        if on_result:
            on_result(result)

    try:
        if todo:
            _run_workers(assignment, engine, root, config, [(s.student, str(s.path)) for s, _ in todo],
                         jobs or config.effective_jobs, prestart, done, by_student)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    keep = {s.student for s in found.submissions}
    results = [r for r in store.results() if r.student in keep or r.student is None]
    csv_path = Path(csv_path) if csv_path else root / "reports" / assignment / "grades.csv"
    write_grades_csv(results, spec, csv_path)
    summary = BatchSummary(assignment, results, graded, skipped, found.problems, csv_path,
                           round(time.monotonic() - started, 2), interrupted)
    if interrupted:
        raise BatchInterrupted(summary)
    return summary


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C: what finished is stored; a rerun grades the rest."""

    def __init__(self, summary: BatchSummary):
        super().__init__()
        self.summary = summary


def _ungraded(assignment: str, engine: str, sub: Submission, why: str) -> NotebookResult:
    from .judge.session import NotebookGrader
    return NotebookGrader(assignment).ungraded(sub.origin, engine, why, sub.student)


#: seconds past the notebook time limit after which a worker stuck on one notebook is stopped
STUCK_GRACE = 120.0


def _run_workers(assignment: str, engine: str, root: Path, config: GradingConfig, tasks: list,
                 jobs: int, prestart: int, done: Callable[[str, dict], None], subs: dict,
                 target: Optional[Callable] = None) -> None:
    """Hand tasks to ``jobs`` worker processes until every task has an answer.

    Each worker has its own pipe and gets its next notebook when it reports the
    last one, so the batch always knows who holds which notebook.  A worker that
    dies, or spends longer than the notebook time limit (plus STUCK_GRACE) on one
    notebook and is stopped, turns that notebook into an ungraded result and is
    replaced.  ``target`` replaces :func:`_worker_main` (tests); it gets its end
    of the pipe and the setup dict.
    """
    from collections import deque
    from multiprocessing.connection import wait
    ctx = mp.get_context("spawn")
    setup = {"assignment": assignment, "engine": engine, "root": str(root), "config": asdict(config),
             "prestart": prestart}
    todo = deque(tasks)
    jobs = max(1, min(jobs, len(tasks)))
    limit = config.notebook_timeout + STUCK_GRACE
    workers: dict = {}     # pid -> process
    pipes: dict = {}       # pid -> the batch's end of its pipe
    assigned: dict = {}    # pid -> (student it is grading, since when)
    stopping: dict = {}    # pid -> when it was told to stop for taking too long
    ready: set = set()
    pending = {student for student, _ in tasks}
    failures = 0

    def spawn():
        mine, theirs = ctx.Pipe()
        p = ctx.Process(target=target or _worker_main, args=(theirs, setup), daemon=True)
        p.start()
        theirs.close()
        workers[p.pid], pipes[p.pid] = p, mine

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
                done(lost, _ungraded(assignment, engine, subs[lost][0], why).to_record())
            if todo and len(workers) < jobs:
                spawn()

    for _ in range(jobs):
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


# =========================================================================== grades.csv

def write_grades_csv(results: Iterable[NotebookResult], spec, path: Path) -> Path:
    """One row per student: the points of each test, the total, and notes
    (why a notebook was not graded, integrity flags, timeouts)."""
    test_ids = [t.test_id for t in spec.tests]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *test_ids, "total", "max_total", "notes", "isolation"])
    for r in sorted(results, key=lambda r: r.student or r.notebook):
        points = {t.id: t.points for t in r.tests}
        notes = []
        if r.error:
            notes.append(f"not graded: {r.error}")
        notes += sorted({f.kind for f in r.integrity})
        notes += [e for e in r.events if "timed out" in e or "died" in e]
        w.writerow([r.student or r.notebook, *[f"{points.get(t, 0.0):g}" for t in test_ids],
                    f"{r.score:g}", f"{r.max_score:g}", "; ".join(notes), r.isolation or ""])
    _write_atomic(Path(path), buf.getvalue().encode("utf-8"))
    return Path(path)


# =========================================================================== demo

DEMO_HOSTILE = ("not_a_notebook", "monkeypatch", "edited_test", "infinite_loop")


@dataclass
class DemoResult:
    output: Path
    summaries: dict          # assignment -> BatchSummary
    reports: dict            # assignment -> (html path, text table)
    table: str


def demo(*, root: Optional[Path] = None, out: Optional[Path] = None, students: int = 30, seed: int = 7,
         jobs: int = 0, assignments: Optional[Iterable[str]] = None, stream=None,
         echo: Callable[[str], None] = print) -> DemoResult:
    """Release (if needed), generate a class of ``students`` for every assignment with
    a source notebook and checks, grade it, and write grades, feedback and reports.

    The class is graded in a scratch nbgrader course, ``<out>/course`` (its own
    ``gradebook.db``: open formgrader there), so the course's real gradebook is
    not touched; everything else goes to ``<out>/<assignment>/``.
    """
    from .classgen import generate_class
    from .feedback import feedback
    from .judge.prepare import known_assignments
    from .release import release, source_assignments
    from .report import report
    root = Path(root or course_root()).resolve()
    out = Path(out or root / "demo-output").resolve()
    names = list(assignments or [a for a in source_assignments(root) if a in known_assignments()])
    if not names:
        raise RuntimeError(f"no assignment has both a source notebook in {root / 'source'} and checks")
    missing = [a for a in names if not (root / "release" / a / f"{a}.ipynb").exists()]
    if missing:
        echo(f"releasing {', '.join(missing)}")
        release(missing, root)
    course = out / "course"
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / "nbgrader_config.py", course / "nbgrader_config.py")
    summaries, reports = {}, {}
    for a in names:
        shutil.rmtree(course / "source" / a, ignore_errors=True)
        shutil.copytree(root / "source" / a, course / "source" / a)
        hostile = DEMO_HOSTILE if students >= 2 + len(DEMO_HOSTILE) else ()
        generate_class(a, students, course, seed=seed, hostile=hostile, root=course)
        summaries[a] = autograde(a, None, root=course, jobs=jobs, csv_path=out / a / "grades.csv", stream=stream)
        feedback(a, root=course, out=out / a / "feedback")
        reports[a] = report(a, root=course, out=out / a / "report.html")
        echo(reports[a][1])
        echo(f"  -> {reports[a][0]}\n")
    table = _scores_table(summaries)
    _write_atomic(out / "grades.csv", _scores_csv(summaries).encode("utf-8"))
    echo(table)
    echo(f"\nwrote {out / 'grades.csv'}, and per assignment grades.csv, report.html and feedback/ in {out}")
    return DemoResult(out, summaries, reports, table)


def _scores_grid(summaries: dict) -> tuple[list, list, dict]:
    names = list(summaries)
    students = sorted({r.student for s in summaries.values() for r in s.results if r.student})
    cell = {(r.student, a): r for a, s in summaries.items() for r in s.results}
    return names, students, cell


def _scores_table(summaries: dict) -> str:
    from .text import clip
    names, students, cell = _scores_grid(summaries)
    short = [a.split("_")[0] for a in names]
    lines = ["student      " + "".join(f"{s:>10}" for s in short) + "   failed tests"]
    for st in students:
        row, failed = [], []
        for a in names:
            r = cell.get((st, a))
            if r is None:
                row.append(f"{'-':>10}")
                continue
            row.append(f"{'n/g' if r.error else format(r.score, 'g'):>10}")
            failed += [t.function or t.id for t in r.tests if not t.passed and not r.error]
        lines.append(f"{st:<13}" + "".join(row) + "   " + clip(", ".join(failed), 70))
    maxes = [max((r.max_score for r in summaries[a].results), default=0) for a in names]
    lines.append(f"{'(max)':<13}" + "".join(f"{m:>10g}" for m in maxes))
    return "\n".join(lines)


def _scores_csv(summaries: dict) -> str:
    names, students, cell = _scores_grid(summaries)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *names])
    for st in students:
        w.writerow([st, *[(f"{cell[(st, a)].score:g}" if (st, a) in cell else "") for a in names]])
    return buf.getvalue()
