"""A sandboxed Jupyter kernel for student code, with time limits that always return.

The kernel runs the venv's Python with ``-S`` (no site processing, so editable
installs of ``depthlab`` and ``solutions`` are not on its path), an import
blocker for the grading packages, a memory limit, a scratch working folder and
a cleaned environment.  :meth:`SandboxKernel.run` never hangs: after the
timeout it interrupts, and a kernel that ignores the interrupt is restarted.

Isolation (``isolation="auto"``, the default, where Linux namespaces work): the
kernel starts under ``unshare`` in its own mount, PID and IPC namespaces.
Before any student code runs, the bootstrap

- hides the repository, the course folder, the temporary folder (other
  kernels, nbgrader's scratch courses), the grader's home and working folder
  behind empty in-memory file systems, and binds back only the Python
  installation, so neither ``import`` nor ``open()`` can reach ``solutions/``,
  ``source/``, ``gradebook.db`` or other students' submissions;
- gives the notebook a private, size-limited scratch folder (its working
  folder and ``HOME``); the only file it shares with the grading process is
  its results file;
- sees only its own processes (``/proc`` is remounted), and when the grader
  runs as root drops to a user id of its own that no account has (no new
  privileges, at most 256 processes); as another user it runs in a user
  namespace with every capability dropped.

Killing the kernel kills everything it started.  ``isolation="none"`` (or the
environment variable ``DEPTHLAB_ISOLATION=none``) keeps only the import
blocker and the resource limits.
"""
from __future__ import annotations

import functools
import json
import os
import queue
import shutil
import signal
import subprocess
import sysconfig
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

#: packages student code must not import while it is graded
BLOCKED_PACKAGES = ("solutions", "depthlab", "autograder")
#: when the grader is root and namespaces work, each kernel runs as a user id of
#: its own drawn from this range (ids no account uses)
SANDBOX_ID_BASE = 1_900_000_000
SANDBOX_ID_SPAN = 100_000_000
#: world-writable folders that get a small private tmpfs in the sandbox
SHARED_WRITABLE = ("/var/tmp", "/dev/shm", "/run/lock", "/var/lock")
#: largest file the kernel may write (results file included), bytes
MAX_FILE_BYTES = 256 * 1024 * 1024
#: processes (threads included) one kernel's user may have
MAX_PROCESSES = 256
#: marker on the kernel's command line, used to recognise a sandbox kernel by pid
MARKER = "depthlab-sandbox-kernel"

BOOTSTRAP = r"""
# depthlab-sandbox-kernel
import sys, os, json
_cfg = json.loads(%(cfg)r)
sys.path[:] = [p for p in sys.path if p and 'site-packages' not in p] + _cfg['site']

def _depthlab_sandbox(cfg):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18

    def mount(src, target, fstype, flags, data=None):
        enc = lambda s: s.encode() if s is not None else None
        if libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'mount %%s: %%s' %% (target, os.strerror(err)))

    mount(None, '/', None, MS_REC | MS_PRIVATE)
    conn = cfg['connection']
    conn_text = open(conn, 'rb').read()
    results_fd = os.open(cfg['results'], os.O_PATH)
    keep_fds = [(k, os.open(k, os.O_PATH | os.O_DIRECTORY)) for k in cfg['keep']]
    uid, gid = cfg['drop_to'] or (0, 0)

    class _Attr(ctypes.Structure):
        _fields_ = [('set', ctypes.c_uint64), ('clr', ctypes.c_uint64),
                    ('prop', ctypes.c_uint64), ('userns', ctypes.c_uint64)]

    def readonly(path, on=True):
        # mount_setattr(AT_FDCWD, path, AT_RECURSIVE, MOUNT_ATTR_RDONLY set/clear): Linux >= 5.12, best effort
        attr = _Attr(1, 0, 0, 0) if on else _Attr(0, 1, 0, 0)
        return libc.syscall(442, -100, path.encode(), 0x8000, ctypes.byref(attr), ctypes.sizeof(attr))

    readonly('/')   # every host mount read-only; the tmpfs mounts below stay writable
    for path in cfg['hide']:
        mount('tmpfs', path, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=%%dk,mode=0755' %% cfg['scratch_kb'])
    for path in cfg['shared']:
        mount('tmpfs', path, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=16m,mode=1777')
    for path, fd in keep_fds:
        if any(path == h or path.startswith(h.rstrip('/') + '/') for h in cfg['hide']):
            os.makedirs(path, exist_ok=True)
            mount('/proc/self/fd/%%d' %% fd, path, None, MS_BIND | MS_REC)
            readonly(path)
        os.close(fd)
    for path in cfg['mask']:   # grading packages installed inside the Python folders kept visible
        if os.path.isdir(path):
            mount('tmpfs', path, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=4k,mode=0755')
        elif os.path.exists(path):
            mount('/dev/null', path, None, MS_BIND)
    home = cfg['home']
    os.makedirs(home, exist_ok=True)
    for sub in (cfg['workdir'], os.path.dirname(conn)):
        os.makedirs(sub, exist_ok=True)
    with open(conn, 'wb') as fh:
        fh.write(conn_text)
    open(cfg['results'], 'a').close()
    for folder, _dirs, files in os.walk(home):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            os.chown(name, uid, gid)
    mount('/proc/self/fd/%%d' %% results_fd, cfg['results'], None, MS_BIND)
    readonly(cfg['results'], on=False)
    os.close(results_fd)
    os.chmod(home, 0o700)
    os.chmod(conn, 0o600)
    PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, PR_CAPBSET_DROP = 38, 1, 24
    if cfg['drop_to']:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    else:
        for cap in range(64):   # user-namespace root: give up every capability for good
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        class _Hdr(ctypes.Structure):
            _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]
        class _Data(ctypes.Structure):
            _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]
        if libc.capset(ctypes.byref(_Hdr(0x20080522, 0)), ctypes.byref((_Data * 2)())) != 0:
            raise OSError(ctypes.get_errno(), 'capset failed')
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    os.chdir(cfg['workdir'])

if _cfg['isolate']:
    _depthlab_sandbox(_cfg)

def _depthlab_lifeline(fd):
    # the grader holds the other end of this pipe: when it exits, even killed, the
    # read returns and the kernel (and, as the namespace's first process, every
    # process it started) goes with it
    import threading
    def watch():
        try:
            while os.read(fd, 64):
                pass
        except OSError:
            pass
        os._exit(70)
    threading.Thread(target=watch, name='depthlab-lifeline', daemon=True).start()

if _cfg.get('lifeline') is not None:
    _depthlab_lifeline(_cfg['lifeline'])
try:
    import resource
    _limit = int(_cfg['memory'] or 0)
    if _limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_cfg['fsize'], _cfg['fsize']))
    if _cfg['nproc']:
        resource.setrlimit(resource.RLIMIT_NPROC, (_cfg['nproc'], _cfg['nproc']))
except Exception:
    if _cfg['isolate']:
        raise
class _DepthlabBlocker:
    blocked = tuple(_cfg['blocked'])
    attempts = []
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in self.blocked:
            if len(self.attempts) < 100:
                self.attempts.append(name[:200])
            raise ModuleNotFoundError('%%s is not available while grading' %% name, name=name)
        return None
    find_module = None
sys.meta_path.insert(0, _DepthlabBlocker())
del _DepthlabBlocker, _cfg, _depthlab_sandbox, _depthlab_lifeline
from ipykernel.kernelapp import launch_new_instance
launch_new_instance()
"""


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    out = []
    for key in ("purelib", "platlib"):
        if paths[key] not in out:
            out.append(paths[key])
    return out


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _python_dirs() -> list[str]:
    """Folders the kernel's Python needs (installation, venv, site-packages)."""
    dirs = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    dirs |= {os.path.realpath(p) for p in _site_dirs()}
    dirs.add(os.path.dirname(os.path.realpath(sys.executable)))
    # keep the outermost of nested folders
    out = []
    for d in sorted(dirs, key=len):
        if not any(_inside(d, o) for o in out):
            out.append(d)
    return out


def hidden_paths(keep: list[str]) -> list[str]:
    """What the sandbox hides: the repository, the course, temporary files, the
    grader's home and working folders, and ``DEPTHLAB_HIDE`` (``:``-separated)."""
    from ..paths import course_root
    wanted = [str(_repo_root()), str(course_root()), tempfile.gettempdir(), os.path.expanduser("~"), os.getcwd()]
    wanted += [p for p in os.environ.get("DEPTHLAB_HIDE", "").split(os.pathsep) if p]
    out: list[str] = []
    for p in sorted({os.path.realpath(p) for p in wanted}, key=len):
        if p == "/" or not os.path.isdir(p) or any(_inside(p, k) for k in keep) or any(_inside(p, o) for o in out):
            continue
        out.append(p)
    return out


def masked_packages(keep: list[str]) -> list[str]:
    """Where the grading packages (``solutions``, ``depthlab``) are installed inside a
    folder the kernel keeps (a non-editable install in site-packages): hidden too."""
    import importlib.util
    out = []
    for name in BLOCKED_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        places = list(spec.submodule_search_locations or []) or ([spec.origin] if spec.origin else [])
        for place in places:
            real = os.path.realpath(place)
            if os.path.exists(real) and any(_inside(real, k) for k in keep) and real not in out:
                out.append(real)
    return out


def _sandbox_ids() -> Optional[tuple[int, int]]:
    """A user and group id of its own for each kernel when the grader is root: no
    account has it, so the kernel owns nothing on the machine, and the process
    limit counts only that kernel's processes."""
    if os.geteuid() != 0:
        return None
    import random
    ident = SANDBOX_ID_BASE + random.SystemRandom().randrange(SANDBOX_ID_SPAN)
    return ident, ident


def _unshare_argv() -> list[str]:
    exe = shutil.which("unshare") or "/usr/bin/unshare"
    argv = [exe, "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc"]
    if os.geteuid() != 0:
        argv.insert(1, "--map-root-user")
    return argv


@functools.lru_cache(maxsize=None)
def namespaces_work() -> bool:
    """Whether ``unshare`` can give a kernel its own mount and PID namespaces here."""
    if sys.platform != "linux" or not os.path.exists(shutil.which("unshare") or "/usr/bin/unshare"):
        return False
    probe = ("import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); "
             "assert libc.mount(b'tmpfs', b'/mnt', b'tmpfs', 0, b'size=1k') == 0 or "
             "libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, b'size=1k') == 0; "
             "assert os.getpid() == 1; print('ok')")
    try:
        out = subprocess.run(_unshare_argv() + [sys.executable, "-S", "-c", probe], capture_output=True,
                             text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "ok"


def isolation_mode(requested: Optional[str] = None) -> str:
    """``"namespace"`` or ``"none"``: what ``requested`` (default: ``$DEPTHLAB_ISOLATION``
    or ``"auto"``) gives on this machine."""
    mode = (requested or os.environ.get("DEPTHLAB_ISOLATION") or "auto").lower()
    if mode not in ("auto", "namespace", "none"):
        raise ValueError(f"isolation must be auto, namespace or none, not {mode!r}")
    if mode == "none":
        return "none"
    works = namespaces_work()
    if mode == "namespace" and not works:
        raise RuntimeError("kernel isolation was requested but unshare cannot create namespaces here")
    return "namespace" if works else "none"


@dataclass
class RunResult:
    """What executing one piece of code produced.

    status: "ok", "error" (raised), "timeout" (interrupted or restarted after the
        limit), "died" (the kernel process ended), "garbled" (the kernel's replies
        could not be read: its messaging was broken by the code it ran).
    outputs: nbformat-style output dicts, cut to the output limit.
    """

    status: str
    outputs: list = field(default_factory=list)
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    restarted: bool = False
    garbled: bool = False    # the kernel sent messages the client could not read


#: seconds to wait for a readable message once the kernel has sent an unreadable one
GARBLED_GRACE = 2.0


class SandboxKernel:
    """One kernel process for one notebook at a time.

    ``results_path`` is the one file the kernel and the grading process share:
    the probe appends its JSON lines there, the grader reads and truncates it.
    """

    def __init__(self, *, memory_mb: int = 4096, output_limit: int = 20_000,
                 interrupt_grace: Optional[float] = None, startup_timeout: float = 30.0,
                 isolation: Optional[str] = None, scratch_mb: Optional[int] = None):
        self.memory_mb = memory_mb
        self.output_limit = output_limit
        self.interrupt_grace = float(interrupt_grace if interrupt_grace is not None
                                     else os.environ.get("DEPTHLAB_INTERRUPT_GRACE") or 3.0)
        self.startup_timeout = startup_timeout
        self.scratch_mb = int(scratch_mb or os.environ.get("DEPTHLAB_SCRATCH_MB") or 512)
        self.isolation = isolation_mode(isolation)
        self._home = Path(tempfile.mkdtemp(prefix="depthlab-kernel-"))
        self.workdir = self._home / "work"
        self.workdir.mkdir()
        self.results_path = self._home / "results.jsonl"
        self.results_path.touch(mode=0o600)
        self._ids = _sandbox_ids() if self.isolation == "namespace" else None
        if self._ids:
            os.chown(self.results_path, *self._ids)
        self._write_spec()
        self.km: Optional[KernelManager] = None
        self.kc = None
        self.starts = 0
        self._inner_pid: Optional[int] = None
        self._lifeline: Optional[int] = None   # write end of the pipe the kernel watches

    # -- life cycle -------------------------------------------------------
    def _config(self) -> dict:
        isolate = self.isolation == "namespace"
        keep = _python_dirs()
        return {
            "site": _site_dirs(),
            "blocked": list(BLOCKED_PACKAGES),
            "isolate": isolate,
            "memory": self.memory_mb * 1024 * 1024 if self.memory_mb else 0,
            "fsize": MAX_FILE_BYTES,
            "nproc": MAX_PROCESSES if (isolate and self._ids) else 0,
            "drop_to": list(self._ids) if self._ids else None,
            "hide": hidden_paths(keep) if isolate else [],
            "shared": [p for p in SHARED_WRITABLE if os.path.isdir(p) and not os.path.islink(p)] if isolate else [],
            "keep": keep,
            "mask": masked_packages(keep) if isolate else [],
            "scratch_kb": self.scratch_mb * 1024,
            "home": str(self._home),
            "workdir": str(self.workdir),
            "results": str(self.results_path),
            "connection": "",   # set per start
        }

    def _write_spec(self) -> None:
        self._spec_dir = self._home / "kernels" / "depthlab-sandbox"
        self._spec_dir.mkdir(parents=True)

    def _spec_for(self, connection_file: str, lifeline: Optional[int] = None) -> None:
        cfg = self._config()
        cfg["connection"] = connection_file
        cfg["lifeline"] = lifeline
        code = BOOTSTRAP % {"cfg": json.dumps(cfg)}
        argv = [sys.executable, "-S", "-c", code, "-f", "{connection_file}"]
        if cfg["isolate"]:
            argv = _unshare_argv() + argv
        spec = {"argv": argv, "display_name": "depthlab sandbox", "language": "python",
                "interrupt_mode": "signal"}
        (self._spec_dir / "kernel.json").write_text(json.dumps(spec))

    def _env(self) -> dict:
        keep = ("PATH", "LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(HOME=str(self.workdir), MPLBACKEND="Agg", PYTHONNOUSERSITE="1",
                   OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYDEVD_DISABLE_FILE_VALIDATION="1", JUPYTER_PLATFORM_DIRS="1", TMPDIR=str(self.workdir),
                   MPLCONFIGDIR=str(self._home / "mpl"), IPYTHONDIR=str(self._home / "ipython"),
                   DEPTHLAB_SANDBOX=self.isolation)
        return env

    def start(self) -> None:
        """Start the kernel; a start that fails (a port taken in between by another
        process on a busy machine, say) is tried once more with new ports."""
        first = None
        for attempt in range(2):
            try:
                self._start_once()
                return
            except RuntimeError as exc:
                first = first or exc
        raise first

    def _start_once(self) -> None:
        connection_file = str(self._home / "conn" / f"kernel-{self.starts}-{uuid.uuid4().hex[:8]}.json")
        (self._home / "conn").mkdir(exist_ok=True)
        read_end, self._lifeline = os.pipe()
        self._spec_for(connection_file, read_end)
        ksm = KernelSpecManager(kernel_dirs=[str(self._home / "kernels")], ensure_native_kernel=False)
        self.km = KernelManager(kernel_name="depthlab-sandbox", kernel_spec_manager=ksm)
        self.km.connection_file = connection_file
        log = os.environ.get("DEPTHLAB_KERNEL_LOG")   # a file for the kernel's stderr (debugging only)
        err = open(log, "ab") if log else subprocess.DEVNULL
        try:
            self.km.start_kernel(cwd=str(self.workdir), env=self._env(),
                                 extra_arguments=["--InteractiveShell.xmode=Minimal", "--HistoryManager.enabled=False"],
                                 stdout=subprocess.DEVNULL, stderr=err, pass_fds=(read_end,))
        except Exception as exc:
            self._stop_kernel()
            raise RuntimeError(f"the grading kernel could not be launched ({exc})") from None
        finally:
            os.close(read_end)
            if log:
                err.close()
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=self.startup_timeout)
        except BaseException as exc:
            self._stop_kernel()
            raise RuntimeError(f"the grading kernel did not start ({exc}; isolation {self.isolation}; "
                               "set DEPTHLAB_KERNEL_LOG=<file> to see its error output)") from None
        self._inner_pid = self._find_inner_pid()
        self.starts += 1

    def restart(self) -> None:
        self._stop_kernel()
        self.start()

    def _launcher_pid(self) -> Optional[int]:
        try:
            return self.km.provisioner.process.pid  # type: ignore[union-attr]
        except AttributeError:
            return None

    def _find_inner_pid(self) -> Optional[int]:
        """The kernel process inside the namespace (a child of ``unshare``), as the host sees it."""
        if self.isolation != "namespace":
            return None
        pid = self._launcher_pid()
        if pid is None:
            return None
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            return int(children[0]) if children else None
        except (OSError, ValueError):
            return None

    def _kill_inner(self) -> None:
        """Kill the namespace's first process (and so every process in it) if it outlived its launcher."""
        pid, self._inner_pid = self._inner_pid, None
        if not pid:
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return
        if MARKER.encode() in cmdline:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def _stop_kernel(self) -> None:
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:
                pass
            try:
                self.km.cleanup_resources()
            except Exception:
                pass
        self._kill_inner()
        if self._lifeline is not None:
            try:
                os.close(self._lifeline)
            except OSError:
                pass
            self._lifeline = None
        self.km = self.kc = None

    def close(self) -> None:
        self._stop_kernel()
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> "SandboxKernel":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    # -- results file -----------------------------------------------------
    def read_results(self, limit: int) -> bytes:
        """The results file's content (at most ``limit`` bytes), never following a
        link or blocking on a FIFO the student may have put in its place."""
        try:
            fd = os.open(self.results_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return b""
        try:
            import stat
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return b""
            chunks, left = [], limit
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def clear_results(self) -> None:
        try:
            fd = os.open(self.results_path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return
        try:
            import stat
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    # -- running code -----------------------------------------------------
    def run(self, code: str, timeout: float) -> RunResult:
        """Execute ``code``; return within about ``timeout + interrupt_grace + restart`` s."""
        if not self.alive():
            self.restart()
        start = time.monotonic()
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        collector = _Collector(self.output_limit)
        deadline = start + timeout
        status = self._drain(msg_id, collector, deadline)
        if collector.garbled and status == "timeout":
            return collector.result("garbled", time.monotonic() - start)
        if status == "timeout":
            try:
                self.km.interrupt_kernel()
            except Exception:
                pass
            status = self._drain(msg_id, collector, time.monotonic() + self.interrupt_grace)
            status = "timeout" if status != "died" else "died"
            if not self._idle_after(msg_id, collector):
                result = collector.result("timeout", time.monotonic() - start)
                self.restart()
                result.restarted = True
                return result
        result = collector.result(status, time.monotonic() - start)
        if status == "died":
            result.evalue = result.evalue or self._how_it_ended()
            self.restart()
            result.restarted = True
        return result

    def _how_it_ended(self) -> str:
        """'exit status 1', 'killed by SIGSEGV', ... for a kernel process that has ended."""
        try:
            process = self.km.provisioner.process
            code = process.wait(timeout=2) if process is not None else None
        except Exception:
            return ""
        if code is None:
            return ""
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"killed by {name}" + (" (a crash)" if name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGABRT", "SIGFPE")
                                          else "")
        return f"exit status {code}"

    def _idle_after(self, msg_id: str, collector: "_Collector") -> bool:
        return collector.idle

    def _drain(self, msg_id: str, collector: "_Collector", deadline: float) -> str:
        while not collector.idle:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if not self.km.is_alive():
                    return "died"
                continue
            except Exception:
                # unreadable (e.g. the notebook replaced json.dumps, which the kernel's
                # messaging uses): stop waiting soon, the kernel cannot answer any more
                if not collector.garbled:
                    collector.garbled = True
                    deadline = min(deadline, time.monotonic() + GARBLED_GRACE)
                continue
            if not isinstance(msg, dict) or (msg.get("parent_header") or {}).get("msg_id") != msg_id:
                continue
            try:
                collector.add(msg)
            except Exception:
                collector.garbled = True
        return "error" if collector.ename else "ok"


#: bytes of images (base64) kept per run, beyond the text limit
IMAGE_LIMIT = 5_000_000
#: outputs (display calls, streams) kept per run
MAX_OUTPUTS = 100


class _Collector:
    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.image_bytes = 0
        self.outputs: list = []
        self.idle = False
        self.ename = ""
        self.evalue = ""
        self.cut = False
        self.garbled = False

    def _room(self, text: str) -> str:
        if self.used >= self.limit:
            self.cut = True
            return ""
        room = self.limit - self.used
        if len(text) > room:
            self.cut = True
            text = text[:room]
        self.used += len(text)
        return text

    def _full(self) -> bool:
        if len(self.outputs) >= MAX_OUTPUTS:
            self.cut = True
            return True
        return False

    def add(self, msg: dict) -> None:
        kind = msg.get("msg_type")
        content = msg.get("content") or {}
        if kind == "status" and content.get("execution_state") == "idle":
            self.idle = True
        elif kind == "stream":
            text = self._room(str(content.get("text", "")))
            name = "stderr" if content.get("name") == "stderr" else "stdout"
            if text:
                if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1]["name"] == name:
                    self.outputs[-1]["text"] += text
                elif not self._full():
                    self.outputs.append({"output_type": "stream", "name": name, "text": text})
        elif kind == "error":
            self.ename = str(content.get("ename", ""))[:200]
            self.evalue = str(content.get("evalue", ""))[:2000]
            lines = content.get("traceback") or []
            lines = [str(line) for line in (lines if isinstance(lines, list) else [lines])]
            if len(lines) > 20:
                lines = lines[:3] + [f"... {len(lines) - 20} more lines ..."] + lines[-17:]
            tb = [self._room(line[:5000]) for line in lines]
            self.outputs.append({"output_type": "error", "ename": self.ename, "evalue": self._room(self.evalue) or "",
                                 "traceback": [t for t in tb if t]})
        elif kind in ("execute_result", "display_data"):
            if self._full():
                return
            data = {}
            raw = content.get("data") or {}
            for mime, value in list(raw.items())[:10] if isinstance(raw, dict) else []:
                text = value if isinstance(value, str) else json.dumps(value)
                if mime.startswith("image/"):
                    if self.image_bytes + len(text) > IMAGE_LIMIT:
                        self.cut = True
                        continue
                    self.image_bytes += len(text)
                else:
                    text = self._room(text)
                    if not text:
                        continue
                data[str(mime)[:100]] = text
            if not data:
                return
            meta = content.get("metadata")
            meta = meta if isinstance(meta, dict) and len(json.dumps(meta, default=str)) < 2000 else {}
            out = {"output_type": kind, "data": data, "metadata": meta}
            if kind == "execute_result":
                out["execution_count"] = content.get("execution_count")
            self.outputs.append(out)

    def result(self, status: str, seconds: float) -> RunResult:
        outputs = list(self.outputs)
        if self.cut:
            outputs.append({"output_type": "stream", "name": "stdout",
                            "text": f"\n[depthlab: output cut at {self.limit} characters]\n"})
        return RunResult(status, outputs, self.ename, self.evalue, seconds, garbled=self.garbled)
