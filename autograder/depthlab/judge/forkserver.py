"""Kernels that start warm: a fork server per grading process.

A kernel started from scratch pays Python's start, the imports of ipykernel,
numpy and matplotlib (about a second of CPU) for every notebook.  The fork
server pays them once: a process started like a kernel (``python -S -c`` with
the bootstrap text of ``sandbox_fork.py`` + ``sandbox_boot.py``, site-packages
only, no depthlab and no reference, no student code ever) imports them and
then forks one child per kernel.  Each child goes through exactly the steps a
kernel started from scratch goes through (its own namespaces where the level has
them, its new root, Landlock, user id, limits, import blocker), so every
isolation level keeps its guarantees; what it inherits from the server is
imported library code and nothing else (no open file but its lifeline, fresh
random seeds, its own environment and token).

The standard library's ``multiprocessing.forkserver`` is not used: it forks
from a process that imports the parent's modules (depthlab among them) and has
no way to start a child in new namespaces or under a kernel's bootstrap.

``DEPTHLAB_WARM_KERNELS=0`` turns it off (each kernel starts from scratch).
"""
from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Optional

from .. import config

#: imported by the server for every kernel: ipykernel's own and what the course's notebooks use
DEFAULT_PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "numpy",
                   "matplotlib", "matplotlib.pyplot",
                   # what a kernel imports on its way to ready (measured: sys.modules before and after)
                   "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
                   "IPython.core.oinspect", "IPython.extensions.storemagic", "psutil", "faulthandler",
                   "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio",
                   # and on its first figure (a kernel draws at most a few: these were 30 ms of each)
                   "matplotlib.backends.backend_agg", "contourpy", "PIL.features")
#: environment variables that differ from kernel to kernel (the server holds placeholders)
PER_KERNEL = ("HOME", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "DEPTHLAB_SANDBOX_TOKEN")
TOKEN_LENGTH = 32
READY_TIMEOUT = 120.0


class ForkServerUnavailable(RuntimeError):
    """The server could not be started (kernels then start from scratch)."""


def enabled() -> bool:
    return config.switched_on("DEPTHLAB_WARM_KERNELS")


def bootstrap_text() -> str:
    here = Path(__file__).parent
    return (here / "sandbox_fork.py").read_text(encoding="utf-8") + "\n" + \
        (here / "sandbox_boot.py").read_text(encoding="utf-8")


class ForkServer:
    """One server process (see the module docstring) and the thread that reads its messages."""

    def __init__(self, env: dict, site: list, preload: tuple):
        self._base = Path(tempfile.mkdtemp(prefix="depthlab-forkserver-"))
        self._base.chmod(0o700)
        cfg_path = self._base / "server.json"
        cfg_path.write_text(json.dumps({"site": site, "preload": list(preload), "base": str(self._base)}))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        placeholders = {"HOME": str(self._base), "TMPDIR": str(self._base), "MPLCONFIGDIR": str(self._base / "mpl"),
                        "IPYTHONDIR": str(self._base / "ipython"), "DEPTHLAB_SANDBOX_TOKEN": "0" * TOKEN_LENGTH}
        log = os.environ.get("DEPTHLAB_KERNEL_LOG")
        err = open(log, "ab") if log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-S", "-c", bootstrap_text(), "--serve", str(theirs.fileno()), str(cfg_path)],
                pass_fds=(theirs.fileno(),), env={**env, **placeholders}, cwd=str(self._base),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        except OSError as exc:
            ours.close()
            shutil.rmtree(self._base, ignore_errors=True)
            raise ForkServerUnavailable(f"the fork server could not be launched ({exc})") from None
        finally:
            theirs.close()
            if log:
                err.close()
        self.sock = ours
        self.dead = False
        self.live: set = set()   # pids of the kernels forked and not yet cleaned up
        self._replies: "queue.Queue" = queue.Queue()
        self._exited: dict = {}
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, name="depthlab-forkserver", daemon=True).start()
        try:
            ready = self._replies.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            ready = {"error": f"not ready after {READY_TIMEOUT:.0f} s"}
        if ready.get("threads") != 1:
            self.close()
            why = ready.get("error") or f"it runs {ready.get('threads')} threads, and a fork copies only one"
            raise ForkServerUnavailable(f"the fork server cannot serve ({why})")

    def _read(self) -> None:
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            msg = json.loads(data)
            if "exit" in msg:
                with self._cond:
                    self._exited[msg["exit"]] = msg["code"]
                    self._cond.notify_all()
            else:
                if "pid" in msg:   # a new child may reuse the pid of one that ended before it
                    with self._cond:
                        self._exited.pop(msg["pid"], None)
                self._replies.put(msg)
        with self._cond:
            self.dead = True
            self._cond.notify_all()
        self._replies.put({"error": "the fork server ended"})

    def fork(self, boot: Path, lifeline: int) -> int:
        """A new child that boots as the kernel ``boot`` (its configuration file) describes."""
        with self._lock:
            if self.dead:
                raise ForkServerUnavailable("the fork server ended")
            socket.send_fds(self.sock, [str(boot).encode()], [lifeline])
            try:
                reply = self._replies.get(timeout=30)
            except queue.Empty:
                reply = {"error": "no answer in 30 s"}
        if "pid" not in reply:
            raise ForkServerUnavailable(f"the fork server could not start a kernel ({reply.get('error')})")
        with self._cond:
            self.live.add(reply["pid"])
        return reply["pid"]

    def returncode(self, pid: int) -> Optional[int]:
        with self._cond:
            if pid in self._exited:
                return self._exited[pid]
            return -signal.SIGKILL if self.dead else None   # its children die with it

    def wait(self, pid: int, timeout: float) -> Optional[int]:
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exited or self.dead, timeout)
        return self.returncode(pid)

    def forget(self, pid: int) -> None:
        with self._cond:
            self._exited.pop(pid, None)
            self.live.discard(pid)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.process.kill()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self._base, ignore_errors=True)


class ForkedKernel:
    """What :class:`~depthlab.judge.kernel.SandboxKernel` uses of a KernelManager, for a
    kernel the server forked (the child is the leader of its own process group, as
    jupyter_client's launcher makes a kernel)."""

    def __init__(self, server: ForkServer, pid: int, connection_file: str):
        self.server = server
        self.pid = pid
        self.connection_file = connection_file
        self.provisioner = SimpleNamespace(process=SimpleNamespace(pid=pid, wait=self._wait))

    def _wait(self, timeout: Optional[float] = None) -> Optional[int]:
        return self.server.wait(self.pid, timeout if timeout is not None else 1e9)

    def is_alive(self) -> bool:
        return self.server.returncode(self.pid) is None

    def _signal(self, signum: int) -> None:
        if not self.is_alive():   # never signal a pid that may belong to someone else by now
            return
        try:
            os.killpg(self.pid, signum)
        except OSError:
            try:
                os.kill(self.pid, signum)
            except OSError:
                pass

    def interrupt_kernel(self) -> None:
        self._signal(signal.SIGINT)

    def shutdown_kernel(self, now: bool = True) -> None:
        self._signal(signal.SIGKILL)
        self.server.wait(self.pid, 5)

    def cleanup_resources(self) -> None:
        self.server.forget(self.pid)
        try:
            os.unlink(self.connection_file)
        except OSError:
            pass

    def blocking_client(self):
        from jupyter_client.blocking import BlockingKernelClient
        kc = BlockingKernelClient()
        kc.load_connection_file(self.connection_file)
        return kc


_SERVERS: dict = {}
_FAILED: dict = {}
_LOCK = threading.Lock()


def server_for(env: dict, site: list, preload: tuple) -> Optional[ForkServer]:
    """This process's server for kernels with this environment (placeholders for what
    differs per kernel) and these imports; started on first use.  None when it cannot
    be had (the reason is in :data:`_FAILED`): kernels then start from scratch."""
    base = {k: v for k, v in env.items() if k not in PER_KERNEL}
    key = (os.getpid(), json.dumps(base, sort_keys=True), tuple(site), tuple(preload))
    with _LOCK:
        server = _SERVERS.get(key)
        if server is not None and not server.dead:
            return server
        if key in _FAILED:
            return None
        try:
            server = ForkServer(base, site, preload)
        except ForkServerUnavailable as exc:
            _FAILED[key] = str(exc)
            warnings.warn(f"kernels start from scratch (slower): {exc}", stacklevel=3)
            return None
        _SERVERS[key] = server
        return server


def close_idle() -> None:
    """Stop this process's servers that have no kernel left (a long-lived process, a Dask
    worker, between two runs: the next run starts a server again)."""
    with _LOCK:
        for key, server in list(_SERVERS.items()):
            if key[0] == os.getpid() and not server.live:
                server.close()
                _SERVERS.pop(key, None)


@atexit.register
def close_all() -> None:
    with _LOCK:
        for key, server in list(_SERVERS.items()):
            if key[0] == os.getpid():
                server.close()
            _SERVERS.pop(key, None)
