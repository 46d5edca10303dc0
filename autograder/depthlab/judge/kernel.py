"""A sandboxed Jupyter kernel for student code, with time limits that always return.

The kernel runs the grader's Python with ``-S`` (no site processing, so editable
installs of ``depthlab`` and ``solutions`` are not on its path), started by
``sandbox_boot.py`` (passed as ``-c`` text, so the kernel reads no file of ours),
which first builds the kernel's view of the machine at the isolation level of
``sandbox.py`` (``namespace``, ``landlock`` or, only when asked, ``none``):
an allow-list of the Python it runs, system libraries and its own scratch folder.
Then it drops privileges (as root: a user id no account has), sets the memory,
file-size and process limits and installs an import blocker for the grading
packages.  :meth:`SandboxKernel.run` never hangs: after the timeout it
interrupts, and a kernel that ignores the interrupt is restarted.  Killing the
kernel kills everything it started.
The outputs of a run are gathered within limits by :mod:`.kernel_output`.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, Optional

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from . import forkserver, sandbox
from .kernel_output import OutputCollector, RunResult, iopub_msg
from .sandbox import (BLOCKED_PACKAGES, SANDBOX_ID_BASE, SANDBOX_ID_SPAN, IsolationUnavailable,  # noqa: F401
                      available_levels, isolation_mode, namespaces_work)

#: largest file the kernel may write (results file included), bytes
MAX_FILE_BYTES = 256 * 1024 * 1024
#: processes (threads included) one kernel may start
MAX_PROCESSES = 256
#: marker on the kernel's command line (the first line of sandbox_boot.py)
MARKER = "depthlab-sandbox-kernel"
BOOTSTRAP = (Path(__file__).with_name("sandbox_boot.py")).read_text(encoding="utf-8")
#: ipykernel's options for every grading kernel
KERNEL_ARGS = ("--InteractiveShell.xmode=Minimal", "--HistoryManager.enabled=False")


#: seconds to wait for a readable message once the kernel has sent an unreadable one
GARBLED_GRACE = 2.0
#: how often (s) a run with a clock asks it for its deadline
CLOCK_POLL = 0.05


class SandboxKernel:
    """One kernel process for one notebook at a time.

    ``results_path`` is the one file the kernel and the grading process share:
    the probe appends its JSON lines there, the grader reads and truncates it.
    """

    def __init__(self, *, memory_mb: int = 4096, output_limit: int = 20_000,
                 interrupt_grace: Optional[float] = None, startup_timeout: float = 30.0,
                 isolation: Optional[str] = None, scratch_mb: Optional[int] = None,
                 preload: Optional[tuple] = None, warm: Optional[bool] = None):
        self.memory_mb = memory_mb
        self.output_limit = output_limit
        self.interrupt_grace = float(interrupt_grace if interrupt_grace is not None
                                     else os.environ.get("DEPTHLAB_INTERRUPT_GRACE") or 3.0)
        self.startup_timeout = startup_timeout
        self.scratch_mb = int(scratch_mb or os.environ.get("DEPTHLAB_SCRATCH_MB") or 512)
        self.isolation = isolation_mode(isolation)
        #: forked from this process's fork server (imports already done) or started from scratch
        self.warm = forkserver.enabled() if warm is None else warm
        self.preload = tuple(dict.fromkeys(forkserver.DEFAULT_PRELOAD + tuple(preload or ())))
        sandbox.warn_unsafe(self.isolation)
        # base/home: the kernel's own folder (its scratch, results file, caches);
        # base/control: what only the grader writes (connection and boot files, the
        # kernel spec), never inside a folder the kernel can write, so no link the
        # student leaves there can redirect the grader's writes
        self._base = Path(tempfile.mkdtemp(prefix="depthlab-kernel-"))
        self._base.chmod(0o711)
        self._home = self._base / "home"
        self._control = self._base / "control"
        self._control.mkdir(mode=0o711)
        self._home.mkdir()
        self.workdir = self._home / "work"
        self.workdir.mkdir()
        self.results_path = self._home / "results.jsonl"
        self.results_path.touch(mode=0o600)
        self._ids = None
        if self.isolation == "namespace" or (self.isolation == "landlock" and sandbox.readable_by_all(
                [p for p in sandbox.kernel_view().read if not os.path.islink(p)])):
            self._ids = sandbox.sandbox_ids()
        #: put into the kernel's environment: finds what it leaves running (see _kill_leftovers)
        self._token = uuid.uuid4().hex
        assert len(self._token) == forkserver.TOKEN_LENGTH
        self._write_spec()
        self.km: Optional[KernelManager] = None
        self.kc = None
        self.starts = 0
        self._inner_pid: Optional[int] = None
        self._lifeline: Optional[int] = None   # write end of the pipe the kernel watches

    # -- life cycle -------------------------------------------------------
    def _config(self) -> dict:
        level = self.isolation
        view = sandbox.kernel_view()
        home = str(self._home)
        nproc = 0
        if level != "none":
            nproc = MAX_PROCESSES if self._ids else sandbox.tasks_of(os.geteuid()) + MAX_PROCESSES
        landlock = None
        if level != "none" and sandbox.landlock_abi() > 0:
            extra = ["/proc"] if level == "namespace" else []   # the namespace's own /proc
            writable = [home] + (["/tmp", "/dev/shm"] if level == "namespace" else [])
            landlock = sandbox.landlock_config(view, writable, [])
            landlock["read"] += extra
        return {
            "level": level,
            "site": sandbox.site_dirs(),
            "blocked": list(BLOCKED_PACKAGES),
            "memory": self.memory_mb * 1024 * 1024 if self.memory_mb else 0,
            "fsize": MAX_FILE_BYTES,
            "nproc": nproc,
            "drop_to": list(self._ids) if self._ids else None,
            # root whose Python no other user can read: it stays uid 0, with no capability
            "drop_caps": level == "namespace" or (level == "landlock" and os.geteuid() == 0),
            "newroot": str(self._control / "root"),
            "read": list(view.read),
            "masked": list(view.masked),
            "devices": [list(d) for d in view.devices if os.path.exists(d[0])],
            "landlock": landlock,
            "scratch_kb": self.scratch_mb * 1024,
            "home": home,
            "home_dirs": [str(self.workdir), str(self._home / "mpl"), str(self._home / "ipython")],
            "workdir": str(self.workdir),
            "results": str(self.results_path),
            "connection": "",   # set per start
        }

    def _write_spec(self) -> None:
        self._spec_dir = self._control / "kernels" / "depthlab-sandbox"
        self._spec_dir.mkdir(parents=True)
        (self._control / "root").mkdir()
        (self._control / "conn").mkdir(mode=0o711)

    def _spec_for(self, connection_file: str, lifeline: Optional[int] = None) -> None:
        cfg = self._config()
        cfg["connection"] = connection_file
        cfg["lifeline"] = lifeline
        # the configuration goes in a file of the kernel's own folder: the allow-list of a
        # large site-packages would not fit in one command-line argument (128 KiB)
        boot = Path(connection_file).with_suffix(".boot.json")
        boot.write_text(json.dumps(cfg))
        argv = [sys.executable, "-S", "-c", BOOTSTRAP, str(boot), "-f", "{connection_file}"]
        if self.isolation == "namespace":
            argv = sandbox.unshare_argv() + argv
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
                   DEPTHLAB_SANDBOX=self.isolation, DEPTHLAB_SANDBOX_TOKEN=self._token)
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
        connection_file = str(self._control / "conn" / f"kernel-{self.starts}-{uuid.uuid4().hex[:8]}.json")
        # as jupyter_client's launcher sets it (launcher.py): whose kernel this is
        env = {**self._env(), "JPY_PARENT_PID": str(os.getpid())}
        server = forkserver.server_for(env, sandbox.site_dirs(), self.preload) if self.warm else None
        if server is not None:
            self._fork_from(server, connection_file, env)
        else:
            self._launch(connection_file)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        try:
            self._wait_for_ready()
        except BaseException as exc:
            self._stop_kernel()
            raise RuntimeError(f"the grading kernel did not start ({exc}; isolation {self.isolation}; "
                               "set DEPTHLAB_KERNEL_LOG=<file> to see its error output)") from None
        self._inner_pid = self._find_inner_pid()
        self.starts += 1

    def _wait_for_ready(self) -> None:
        """Wait for the kernel's reply to kernel_info and for IOPub to carry a message of
        it; a kernel that ended before that fails at once.  (jupyter_client's
        ``wait_for_ready`` sleeps 0.2 s at a time until the heartbeat answers, for a
        kernel it did not launch as a forked one, and gives IOPub 0.2 s before asking
        again: both waits were most of a warm kernel's 0.4 s start.)"""
        deadline = time.monotonic() + self.startup_timeout
        while True:
            msg_id = self.kc.kernel_info()
            while True:
                try:
                    reply = self.kc.get_shell_msg(timeout=max(0.05, min(1.0, deadline - time.monotonic())))
                except queue.Empty:
                    reply = None
                    break
                if (reply.get("parent_header") or {}).get("msg_id") == msg_id:
                    break
            if reply is not None:
                try:   # the kernel said busy/idle about it there: IOPub is connected
                    self.kc.get_iopub_msg(timeout=0.5)
                    return
                except queue.Empty:
                    pass
            if not self.km.is_alive():
                raise RuntimeError("the kernel ended while starting")
            if time.monotonic() >= deadline:
                raise RuntimeError(f"no reply in {self.startup_timeout:.0f} s")

    def _fork_from(self, server, connection_file: str, env: dict) -> None:
        """A kernel forked from the warm server (see forkserver.py): the same configuration
        as :meth:`_launch` gives, in a file the child reads before anything else."""
        from jupyter_client.connect import write_connection_file
        write_connection_file(connection_file, ip="127.0.0.1", key=uuid.uuid4().hex.encode(), transport="tcp")
        cfg = self._config()
        cfg.update(connection=connection_file, env=env, log=os.environ.get("DEPTHLAB_KERNEL_LOG"),
                   kernel_args=list(KERNEL_ARGS))
        boot = Path(connection_file).with_suffix(".boot.json")
        boot.write_text(json.dumps(cfg))
        read_end, self._lifeline = os.pipe()
        try:
            pid = server.fork(boot, read_end)
        except forkserver.ForkServerUnavailable as exc:
            self._stop_kernel()
            raise RuntimeError(str(exc)) from None
        finally:
            os.close(read_end)
        self.km = forkserver.ForkedKernel(server, pid, connection_file)

    def _launch(self, connection_file: str) -> None:
        """A kernel started from scratch: jupyter_client launches the bootstrap."""
        read_end, self._lifeline = os.pipe()
        self._spec_for(connection_file, read_end)
        ksm = KernelSpecManager(kernel_dirs=[str(self._control / "kernels")], ensure_native_kernel=False)
        self.km = KernelManager(kernel_name="depthlab-sandbox", kernel_spec_manager=ksm)
        self.km.connection_file = connection_file
        log = os.environ.get("DEPTHLAB_KERNEL_LOG")   # a file for the kernel's stderr (debugging only)
        err = open(log, "ab") if log else subprocess.DEVNULL
        try:
            self.km.start_kernel(cwd=str(self.workdir), env=self._env(), extra_arguments=list(KERNEL_ARGS),
                                 stdout=subprocess.DEVNULL, stderr=err, pass_fds=(read_end,))
        except Exception as exc:
            self._stop_kernel()
            raise RuntimeError(f"the grading kernel could not be launched ({exc})") from None
        finally:
            os.close(read_end)
            if log:
                err.close()

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

    def _kill_leftovers(self) -> None:
        """Kill what the kernel may have left running: the namespace's first process
        (and so every process in it); every process of the kernel's own user id; any
        process carrying this kernel's token in its environment (a process the
        student detached, at the landlock level without root)."""
        import psutil
        pid, self._inner_pid = self._inner_pid, None
        if pid:
            try:
                if MARKER in " ".join(psutil.Process(pid).cmdline()):
                    os.kill(pid, signal.SIGKILL)
            except (psutil.Error, OSError):
                pass
        if self.isolation != "landlock":
            return
        token = f"DEPTHLAB_SANDBOX_TOKEN={self._token}".encode()
        me = os.getpid()
        for proc in psutil.process_iter(["uids"]):
            if proc.pid == me:
                continue
            try:
                mine = bool(self._ids) and proc.info["uids"].real == self._ids[0]
                if not mine and proc.info["uids"].real == os.getuid():
                    mine = token in Path(f"/proc/{proc.pid}/environ").read_bytes()
                if mine:
                    proc.kill()
            except (psutil.Error, OSError):
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
        self._kill_leftovers()
        if self._lifeline is not None:
            try:
                os.close(self._lifeline)
            except OSError:
                pass
            self._lifeline = None
        self.km = self.kc = None

    def close(self) -> None:
        self._stop_kernel()
        shutil.rmtree(self._base, ignore_errors=True)

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
    def run(self, code: str, timeout: float, clock: Optional[Callable[[], float]] = None) -> RunResult:
        """Execute ``code``; return within about ``timeout + interrupt_grace + restart`` s.
        ``clock``: asked a few times a second while the code runs, it returns the time
        (``time.monotonic``) at which to interrupt it, never later than ``timeout``."""
        if not self.alive():
            self.restart()
        start = time.monotonic()
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        collector = OutputCollector(self.output_limit)
        deadline = start + timeout
        status = self._drain(msg_id, collector, deadline, clock)
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

    def _idle_after(self, msg_id: str, collector: "OutputCollector") -> bool:
        return collector.idle

    def _drain(self, msg_id: str, collector: "OutputCollector", deadline: float,
               clock: Optional[Callable[[], float]] = None) -> str:
        limit = deadline
        while not collector.idle:
            if clock is not None and not collector.garbled:
                deadline = min(limit, clock())
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            try:
                msg = iopub_msg(self.kc, min(remaining, CLOCK_POLL if clock is not None else 0.5))
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
