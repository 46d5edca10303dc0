"""A sandboxed Jupyter kernel for student code, with time limits that always return.

The kernel runs the venv's Python with ``-S`` (no site processing, so editable
installs of ``depthlab`` and ``solutions`` are not on its path), an import
blocker for the grading packages, a memory limit, a scratch working folder and
a cleaned environment.  :meth:`SandboxKernel.run` never hangs: after the
timeout it interrupts, and a kernel that ignores the interrupt is restarted.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sysconfig
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

#: packages student code must not import while it is graded
BLOCKED_PACKAGES = ("solutions", "depthlab", "autograder")

BOOTSTRAP = r"""
import sys, os
sys.path[:] = [p for p in sys.path if p and 'site-packages' not in p] + %(site)r
try:
    import resource
    _limit = int(os.environ.get('DEPTHLAB_MEMORY_BYTES') or 0)
    if _limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
except Exception:
    pass
class _DepthlabBlocker:
    blocked = %(blocked)r
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in self.blocked:
            raise ModuleNotFoundError('%%s is not available while grading' %% name, name=name)
        return None
    find_module = None
sys.meta_path.insert(0, _DepthlabBlocker())
del _DepthlabBlocker
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


@dataclass
class RunResult:
    """What executing one piece of code produced.

    status: "ok", "error" (raised), "timeout" (interrupted or restarted after the
        limit), "died" (the kernel process ended).
    outputs: nbformat-style output dicts, cut to the output limit.
    """

    status: str
    outputs: list = field(default_factory=list)
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    restarted: bool = False


class SandboxKernel:
    """One kernel process for one notebook at a time."""

    def __init__(self, *, memory_mb: int = 4096, output_limit: int = 20_000,
                 interrupt_grace: float = 3.0, startup_timeout: float = 60.0):
        self.memory_mb = memory_mb
        self.output_limit = output_limit
        self.interrupt_grace = interrupt_grace
        self.startup_timeout = startup_timeout
        self._home = Path(tempfile.mkdtemp(prefix="depthlab-kernel-"))
        self.workdir = self._home / "work"
        self.workdir.mkdir()
        self._write_spec()
        self.km: Optional[KernelManager] = None
        self.kc = None
        self.starts = 0

    # -- life cycle -------------------------------------------------------
    def _write_spec(self) -> None:
        spec_dir = self._home / "kernels" / "depthlab-sandbox"
        spec_dir.mkdir(parents=True)
        code = BOOTSTRAP % {"site": _site_dirs(), "blocked": BLOCKED_PACKAGES}
        spec = {"argv": [sys.executable, "-S", "-c", code, "-f", "{connection_file}"],
                "display_name": "depthlab sandbox", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec))

    def _env(self) -> dict:
        keep = ("PATH", "LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(HOME=str(self.workdir), MPLBACKEND="Agg", PYTHONNOUSERSITE="1",
                   OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYDEVD_DISABLE_FILE_VALIDATION="1", JUPYTER_PLATFORM_DIRS="1",
                   MPLCONFIGDIR=str(self._home / "mpl"), IPYTHONDIR=str(self._home / "ipython"),
                   DEPTHLAB_MEMORY_BYTES=str(self.memory_mb * 1024 * 1024 if self.memory_mb else 0))
        return env

    def start(self) -> None:
        ksm = KernelSpecManager(kernel_dirs=[str(self._home / "kernels")], ensure_native_kernel=False)
        self.km = KernelManager(kernel_name="depthlab-sandbox", kernel_spec_manager=ksm)
        self.km.connection_file = str(self._home / f"kernel-{self.starts}.json")
        self.km.start_kernel(cwd=str(self.workdir), env=self._env(),
                             extra_arguments=["--InteractiveShell.xmode=Minimal", "--HistoryManager.enabled=False"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        self.starts += 1

    def restart(self) -> None:
        self._stop_kernel()
        self.start()

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
            self.restart()
            result.restarted = True
        return result

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
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            collector.add(msg)
        return "error" if collector.ename else "ok"


class _Collector:
    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.outputs: list = []
        self.idle = False
        self.ename = ""
        self.evalue = ""
        self.cut = False

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

    def add(self, msg: dict) -> None:
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "status" and content.get("execution_state") == "idle":
            self.idle = True
        elif kind == "stream":
            text = self._room(content.get("text", ""))
            if text:
                if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1]["name"] == content["name"]:
                    self.outputs[-1]["text"] += text
                else:
                    self.outputs.append({"output_type": "stream", "name": content["name"], "text": text})
        elif kind == "error":
            self.ename = str(content.get("ename", ""))[:200]
            self.evalue = str(content.get("evalue", ""))[:2000]
            tb = [self._room(line) for line in content.get("traceback", [])[-20:]]
            self.outputs.append({"output_type": "error", "ename": self.ename, "evalue": self.evalue,
                                 "traceback": [t for t in tb if t]})
        elif kind in ("execute_result", "display_data"):
            data = {}
            for mime, value in content.get("data", {}).items():
                text = value if isinstance(value, str) else json.dumps(value)
                if mime.startswith("image/") and len(text) > 2_000_000:
                    continue
                if not mime.startswith("image/"):
                    text = self._room(text)
                data[mime] = text
            out = {"output_type": kind, "data": data, "metadata": content.get("metadata", {})}
            if kind == "execute_result":
                out["execution_count"] = content.get("execution_count")
            self.outputs.append(out)

    def result(self, status: str, seconds: float) -> RunResult:
        outputs = list(self.outputs)
        if self.cut:
            outputs.append({"output_type": "stream", "name": "stdout",
                            "text": f"\n[depthlab: output cut at {self.limit} characters]\n"})
        return RunResult(status, outputs, self.ename, self.evalue, seconds)
