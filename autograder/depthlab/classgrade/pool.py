"""Pre-started sandboxed kernels for one worker process: while a notebook is
graded in one kernel, a thread starts (and warms up) the next one, and another
closes the used ones, so no notebook waits for a kernel to start or stop.
"""
from __future__ import annotations

import ast
import inspect
import os
import queue
import shutil
import signal
import threading
from pathlib import Path
from typing import Optional

from ..config import GradingConfig
from ..judge import forkserver
from ..judge.kernel import SandboxKernel
from ..judge.notebook import Template


def setup_modules(assignment: str, root: Optional[Path] = None) -> list[str]:
    """The modules the assignment's setup cells import (the grading packages left out)."""
    names = []
    for cell in Template.load(assignment, root=root).of_kind("setup"):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return [n for n in dict.fromkeys(names) if n.split(".")[0] not in ("solutions", "depthlab", "autograder")]


def import_code(names: list[str]) -> str:
    """Code that imports (without binding any name) ``names`` (:func:`setup_modules`)."""
    return "".join(f"try:\n    __import__({n!r})\nexcept Exception:\n    pass\n" for n in names)


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


#: the kernel pools of this process (an emergency stop kills all their kernels)
POOLS: list = []


class KernelPool:
    """Pre-started sandboxed kernels: ``take()`` hands out a running kernel (used for
    one notebook, then closed in the background), and a thread starts the next.

    size 0: no pool, ``take()`` makes a plain kernel that starts when first used.
    """

    def __init__(self, config: GradingConfig, size: int = 1, warm: str = "", preload: tuple = ()):
        POOLS.append(self)
        self.config = config
        self.preload = tuple(preload)   # imported once by the fork server for every kernel
        self.size = size
        self.warm = warm
        self.cls = PooledKernel
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
        accepted = inspect.signature(SandboxKernel.__init__).parameters
        options = {name: getattr(self.config, name, None)
                   for name in ("memory_mb", "output_limit", "interrupt_grace", "isolation", "scratch_mb")}
        return {**{k: v for k, v in options.items() if k in accepted and v is not None}, "preload": self.preload}

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
        forkserver.close_idle()   # the run is over: its fork server goes too (a Dask worker lives on)

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
