"""What the student's kernel may see, and which isolation level this machine gives.

The kernel is shown an **allow-list**, never a list of hidden places: the Python
it runs (interpreter, standard library, site-packages without depthlab and the
reference), the system libraries it links against, a few files of ``/etc``, a
handful of devices, and its own scratch folder.  Nothing else of the machine
exists for it: not the course being graded, not a second checkout of it, not
the grading wheel, not other students' files.

Levels, strongest first:

``namespace``
    The kernel starts in its own mount, PID and IPC namespaces (``unshare``;
    a user namespace too when the grader is not root).  Its root file system is
    a new, empty tmpfs into which exactly the allow-list is bound read-only;
    the old root is detached (``pivot_root``).  Landlock rules are added on top
    where the kernel supports them.  Needs: Linux, ``unshare``, and namespaces
    the machine allows (root, or unprivileged user namespaces).
``landlock``
    No namespaces (Gradescope's container, a Docker default seccomp profile):
    the kernel restricts its own file access to the allow-list with Landlock
    (Linux >= 5.13), TCP to its own five ports (ABI >= 4), and signals and
    abstract sockets to its own processes (ABI >= 6).  As root it also runs as a
    user id no account has.  Needs: a kernel with Landlock enabled.
``none``
    Only when asked for (``--isolation none``, ``DEPTHLAB_ISOLATION=none``):
    the import blocker and resource limits alone; student code can read every
    file the grader can.  It warns.

``auto`` takes the strongest level that works and refuses, with a message
saying what to do, when none does.
"""
from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

#: packages student code must not import, nor find on disk, while it is graded
BLOCKED_PACKAGES = ("solutions", "depthlab", "autograder")
LEVELS = ("namespace", "landlock", "none")
#: what each level means for a student's kernel (``depthlab doctor``, the README)
LEVEL_SUMMARY = {
    "namespace": "own mount/PID/IPC namespaces; a root file system holding only the Python it runs, "
                 "system libraries and its scratch folder, read-only but for the scratch folder",
    "landlock": "Landlock rules: it reads only the Python it runs and system libraries, writes only its "
                "scratch folder, opens no TCP port but its own and signals no process but its own; "
                "a user id of its own when the grader is root",
    "none": "NOT ISOLATED: the import blocker and resource limits only; student code can read any file "
            "this user can, the reference included",
}
#: system files and folders a Python kernel with numpy and matplotlib reads (read-only)
SYSTEM_READ = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32",
               "/usr/share/zoneinfo", "/sys/devices/system/cpu",
               "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
               "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf",
               "/etc/mime.types", "/etc/timezone")
#: devices the kernel may open: (path, writable)
DEVICES = (("/dev/null", True), ("/dev/zero", True), ("/dev/full", True),
           ("/dev/random", False), ("/dev/urandom", False))

# Landlock's syscalls (the same numbers on every architecture that has them)
_SYS_LANDLOCK_CREATE_RULESET = 444
_LANDLOCK_CREATE_RULESET_VERSION = 1


class IsolationUnavailable(RuntimeError):
    """The isolation asked for (or any safe one, for ``auto``) cannot be had here."""


class UnsafeIsolationWarning(UserWarning):
    """Grading runs with ``isolation=none``."""


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def outermost(paths) -> list[str]:
    """``paths`` without those inside another of them, shortest first."""
    out: list[str] = []
    for p in sorted(set(paths), key=lambda p: (len(p), p)):
        if not any(_inside(p, o) for o in out):
            out.append(p)
    return out


# --------------------------------------------------------------------------- the view
def site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    out = []
    for key in ("purelib", "platlib"):
        if paths[key] not in out:
            out.append(paths[key])
    return out


def python_paths() -> list[str]:
    """What the kernel's Python reads: the standard library (as ``python -S`` finds
    it), site-packages, the interpreter and its shared library.  Not the
    installation's prefix, which can be as wide as ``/usr``."""
    out = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        for scheme_vars in ({}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
            try:
                out.add(sysconfig.get_paths(vars=scheme_vars)[key])
            except KeyError:
                pass
    out |= {p for p in sys.path if p and os.path.isabs(p) and "python" in os.path.basename(p).lower()}
    out |= {p for p in sys.path if p.endswith(("lib-dynload", ".zip"))}
    for exe in (sys.executable, os.path.realpath(sys.executable)):
        out.add(os.path.dirname(exe))
    libdir, library = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDLIBRARY")
    if libdir and library:
        out.add(os.path.join(libdir, library))
    return [p for p in out if os.path.exists(p)]


def blocked_locations(readable: list[str]) -> list[str]:
    """Where depthlab, the reference or their install records lie inside a readable
    folder (a non-editable install in site-packages, the files an editable install
    leaves there): they are taken out of the view."""
    import importlib.util
    found = set()
    for name in BLOCKED_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            found |= {os.path.realpath(p) for p in (spec.submodule_search_locations or [])}
            if spec.origin and spec.origin not in ("namespace", "built-in"):
                found.add(os.path.realpath(spec.origin))
    for site in site_dirs() + [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]:
        try:
            entries = os.listdir(site)
        except OSError:
            continue
        for entry in entries:
            stem = entry.lower().replace("-", "_").split(".")[0]
            bare = stem[len("__editable__"):].lstrip("_") if stem.startswith("__editable__") else stem
            if any(bare == b or bare.startswith(b + "_") for b in BLOCKED_PACKAGES):
                found.add(os.path.realpath(os.path.join(site, entry)))
    return sorted(p for p in found if os.path.exists(p) and any(_inside(p, r) for r in readable))


def split_around(folders: list[str], excluded: list[str]) -> tuple[list[str], list[str]]:
    """(paths to allow whole, folders to allow listing only) that cover ``folders``
    except ``excluded``: Landlock can only allow, so a folder holding an excluded
    entry may be listed (Python's import system lists site-packages), and its other
    entries are allowed one by one."""
    whole, listing = [], []
    for folder in folders:
        inner = [e for e in excluded if _inside(e, folder)]
        if not inner:
            whole.append(folder)
            continue
        if folder in inner or not os.path.isdir(folder):
            continue
        listing.append(folder)
        for entry in sorted(os.listdir(folder)):
            w, ls = split_around([os.path.join(folder, entry)], inner)
            whole += w
            listing += ls
    return whole, listing


@dataclass(frozen=True)
class View:
    """The kernel's allow-list: read-only paths (files or folders), the paths inside
    them taken out again, and devices."""

    read: tuple = ()
    masked: tuple = ()
    devices: tuple = DEVICES

    @functools.cached_property
    def landlock_read(self) -> tuple[list[str], list[str]]:
        return split_around([p for p in self.read if not os.path.islink(p)], list(self.masked))


@functools.lru_cache(maxsize=None)
def kernel_view() -> View:
    """The allow-list for this machine's Python (see the module docstring)."""
    read = [os.path.realpath(p) for p in python_paths()]
    read += [p for p in SYSTEM_READ if os.path.exists(p)]
    links = [p for p in read if os.path.islink(p)]          # /lib -> usr/lib on merged-/usr systems
    read = outermost([p for p in read if p not in links]) + sorted(set(links))
    masked = blocked_locations([p for p in read if not os.path.islink(p)])
    return View(tuple(read), tuple(masked))


def readable_by_all(paths) -> bool:
    """Whether a user with no account could read every path (each folder on the way
    searchable by others, each path readable by others): then a kernel can run as
    such a user.  pyenv's Python under ``/root`` (mode 700) is not."""
    import stat
    for path in paths:
        parts = Path(path).parts
        for i in range(1, len(parts) + 1):
            try:
                mode = os.stat(os.path.join(*parts[:i])).st_mode
            except OSError:
                return False
            last = i == len(parts)
            need = (stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)) if last else stat.S_IXOTH
            if mode & need != need:
                return False
    return True


# --------------------------------------------------------------------------- levels
def unshare_argv() -> list[str]:
    exe = shutil.which("unshare") or "/usr/bin/unshare"
    argv = [exe, "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc"]
    if os.geteuid() != 0:
        argv.insert(1, "--map-root-user")
    return argv


_NS_PROBE = ("import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); "
             "assert libc.mount(b'none', b'/', None, 16384 | (1 << 18), None) == 0, 'mount --make-rprivate'; "
             "assert libc.mount(b'tmpfs', b'/mnt', b'tmpfs', 0, b'size=1k') == 0 or "
             "libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, b'size=1k') == 0, 'mount tmpfs'; "
             "assert os.getpid() == 1, 'own PID namespace'; print('ok')")

_LL_PROBE = ("import ctypes; libc = ctypes.CDLL(None, use_errno=True); "
             "abi = libc.syscall(444, None, 0, 1); assert abi >= 1, 'no Landlock ABI'; "
             "attr = (ctypes.c_uint64 * 1)(1 << 2); fd = libc.syscall(444, ctypes.byref(attr), 8, 0); "
             "assert fd >= 0, 'landlock_create_ruleset'; assert libc.prctl(38, 1, 0, 0, 0) == 0; "
             "assert libc.syscall(446, fd, 0) == 0, 'landlock_restrict_self'; "
             "print('ok', abi)")


def _probe(argv: list[str]) -> tuple[bool, str]:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if out.returncode == 0 and out.stdout.startswith("ok"):
        return True, out.stdout.strip()
    lines = (out.stderr or out.stdout).strip().splitlines()
    return False, (lines[-1] if lines else f"exit status {out.returncode}")[:300]


@functools.lru_cache(maxsize=None)
def namespace_probe() -> tuple[bool, str]:
    """Whether ``unshare`` gives a kernel its own mount and PID namespaces here, and why not."""
    if sys.platform != "linux":
        return False, f"namespaces are Linux only (this is {sys.platform})"
    if not os.path.exists(shutil.which("unshare") or "/usr/bin/unshare"):
        return False, "no unshare command (util-linux)"
    ok, why = _probe(unshare_argv() + [sys.executable, "-S", "-c", _NS_PROBE])
    return ok, "works" if ok else why


@functools.lru_cache(maxsize=None)
def landlock_probe() -> tuple[bool, str, int]:
    """Whether a process can restrict itself with Landlock here: (works, why, ABI)."""
    if sys.platform != "linux":
        return False, f"Landlock is Linux only (this is {sys.platform})", 0
    ok, out = _probe([sys.executable, "-S", "-c", _LL_PROBE])
    if not ok:
        return False, f"Landlock unavailable ({out})", 0
    return True, "works", int(out.split()[1])


def namespaces_work() -> bool:
    return namespace_probe()[0]


def landlock_abi() -> int:
    return landlock_probe()[2]


def available_levels() -> list[str]:
    """The safe levels this machine gives, strongest first."""
    return [level for level, works in (("namespace", namespaces_work()), ("landlock", landlock_abi() > 0))
            if works]


NO_SAFE_LEVEL = (
    "no safe isolation for student code is possible on this machine: {why}. Grading refused, because a "
    "student's notebook could read the reference. Do one of: run on Linux >= 5.13 with Landlock enabled "
    "(in Docker, a seccomp profile that allows the landlock_* system calls, the default since Docker 23); "
    "allow namespaces (root, or unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1); "
    "or, only if no student could profit from reading your files, pass --isolation none "
    "(DEPTHLAB_ISOLATION=none). `depthlab doctor` explains what this machine allows.")


def isolation_mode(requested: Optional[str] = None) -> str:
    """The level that ``requested`` (default ``$DEPTHLAB_ISOLATION``, else ``auto``)
    gives here: ``namespace``, ``landlock`` or ``none``.  Raises
    :class:`IsolationUnavailable` when that level, or for ``auto`` any safe level,
    cannot be had."""
    mode = (requested or os.environ.get("DEPTHLAB_ISOLATION") or "auto").lower()
    if mode not in ("auto",) + LEVELS:
        raise ValueError(f"isolation must be auto, namespace, landlock or none, not {mode!r}")
    if mode == "none":
        return "none"
    if mode == "namespace":
        ok, why = namespace_probe()
        if not ok:
            raise IsolationUnavailable(f"isolation 'namespace' was asked for, but {why}; "
                                       "try --isolation auto (`depthlab doctor` says what works here)")
        return mode
    if mode == "landlock":
        ok, why, _abi = landlock_probe()
        if not ok:
            raise IsolationUnavailable(f"isolation 'landlock' was asked for, but {why}; "
                                       "try --isolation auto (`depthlab doctor` says what works here)")
        return mode
    levels = available_levels()
    if not levels:
        why = f"namespaces: {namespace_probe()[1]}; Landlock: {landlock_probe()[1]}"
        raise IsolationUnavailable(NO_SAFE_LEVEL.format(why=why))
    return levels[0]


def warn_unsafe(level: str) -> None:
    if level == "none":
        warnings.warn("grading with isolation 'none': student code can read every file this user can read, "
                      "the reference included. Use it only when no student can profit from that.",
                      UnsafeIsolationWarning, stacklevel=3)


# --------------------------------------------------------------------------- doctor
@dataclass
class Diagnosis:
    """What ``depthlab doctor`` reports."""

    level: Optional[str]
    error: Optional[str]
    user: str
    root: bool
    namespace: tuple
    landlock: tuple
    view: View
    python: str
    notes: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"level": self.level, "error": self.error, "user": self.user, "root": self.root,
                "namespace": {"works": self.namespace[0], "why": self.namespace[1]},
                "landlock": {"works": self.landlock[0], "why": self.landlock[1], "abi": self.landlock[2]},
                "python": self.python, "kernel_reads": list(self.view.read),
                "taken_out": list(self.view.masked), "notes": self.notes}


def diagnose(requested: Optional[str] = None) -> Diagnosis:
    import pwd
    try:
        user = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        user = str(os.geteuid())
    try:
        level, error = isolation_mode(requested), None
    except (IsolationUnavailable, ValueError) as exc:
        level, error = None, str(exc)
    notes = []
    abi = landlock_probe()[2]
    if level == "landlock" and abi < 6:
        notes.append(f"Landlock ABI {abi} < 6: signals to other processes are not scoped"
                     + ("" if os.geteuid() == 0 else "; the kernel could signal the grader (same user)"))
    if level == "landlock" and os.geteuid() == 0 and not readable_by_all(
            [p for p in kernel_view().read if not os.path.islink(p)]):
        notes.append("the kernel's Python is readable by root only (e.g. pyenv under /root), so the kernel "
                     "keeps uid 0 with every capability dropped instead of a user id of its own; a Python "
                     "all users can read (a venv from /usr/bin/python3) gives it a user id of its own")
    if level == "landlock" and os.geteuid() != 0:
        notes.append("not root: the kernel runs as your user; processes it detaches are killed by a "
                     "token in their environment, which a student could clear")
    if level == "none":
        notes.append(LEVEL_SUMMARY["none"])
    return Diagnosis(level, error, user, os.geteuid() == 0, namespace_probe(), landlock_probe(),
                     kernel_view(), f"{sys.executable} ({platform.python_version()})", notes)


def landlock_config(view: View, writable: list[str], ports: list[int]) -> dict:
    """The part of the kernel's bootstrap configuration that Landlock needs."""
    whole, listing = view.landlock_read
    return {"abi": landlock_abi(), "read": list(whole), "list": list(listing), "write": writable,
            "devices": [list(d) for d in view.devices if os.path.exists(d[0])], "ports": ports}


#: when the grader is root, each kernel runs as a user id of its own drawn from
#: this range (ids no account uses)
SANDBOX_ID_BASE = 1_900_000_000
SANDBOX_ID_SPAN = 100_000_000


def sandbox_ids() -> Optional[tuple[int, int]]:
    """A user and group id of its own for each kernel when the grader is root: no
    account has it, so the kernel owns nothing on the machine, can signal no other
    process, and the process limit counts only that kernel's processes."""
    if os.geteuid() != 0:
        return None
    import random
    ident = SANDBOX_ID_BASE + random.SystemRandom().randrange(SANDBOX_ID_SPAN)
    return ident, ident


def tasks_of(uid: int) -> int:
    """Threads (what RLIMIT_NPROC counts) that ``uid`` runs now."""
    import psutil
    count = 0
    for proc in psutil.process_iter(["uids", "num_threads"]):
        info = proc.info
        if info.get("uids") and info["uids"].real == uid:
            count += info.get("num_threads") or 1
    return count
