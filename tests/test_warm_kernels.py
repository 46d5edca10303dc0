"""Kernels forked from a warm server (issue 16, item 2): what they inherit and what not.

The hostile suite (tests/test_hostile.py) grades its escape notebooks with the
default kernels, which are these, at every isolation level; the tests here look
at what is particular to forking: each kernel is a fresh process of its own
(no file of the server's, its own token, seeds and user id), the server never
held depthlab or the reference, nothing of one kernel reaches the next, a
killed server is replaced and a killed grader takes the server with it.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest
from jupyter_client import KernelManager

from depthlab.judge import forkserver, sandbox
from depthlab.judge.kernel import SandboxKernel

LEVELS = sandbox.available_levels()

INSIDE = r"""
import json, os, random, sys
import numpy
print(json.dumps({
    "preloaded": sorted(m for m in ("numpy", "matplotlib.pyplot", "ipykernel.kernelapp") if m in sys.modules),
    "ours": sorted(m for m in sys.modules if m.split(".")[0] in ("depthlab", "solutions", "autograder")),
    "random": random.random(), "numpy": float(numpy.random.rand()),
    "token": os.environ.get("DEPTHLAB_SANDBOX_TOKEN"), "left": getattr(numpy, "left_by_the_last_kernel", None),
    "files": sorted(os.listdir(".")),
    "debugger": getattr(sys.modules.get("ipykernel.debugger"), "_is_debugpy_available", None),
}))
numpy.left_by_the_last_kernel = "here"
open("left.txt", "w").write("x")
"""


def _report(kernel: SandboxKernel) -> dict:
    res = kernel.run(INSIDE, 60)
    assert res.status == "ok", (res.ename, res.evalue)
    text = "".join(o.get("text", "") for o in res.outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[0])


def _kernel_pid(kernel: SandboxKernel) -> int:
    return kernel._inner_pid or kernel.km.provisioner.process.pid


@pytest.mark.parametrize("level", LEVELS)
def test_each_kernel_is_forked_fresh_from_a_server_without_our_code(level):
    kernels = [SandboxKernel(isolation=level), SandboxKernel(isolation=level)]
    try:
        reports = []
        for k in kernels:
            k.start()
            assert isinstance(k.km, forkserver.ForkedKernel), "kernels start warm by default"
            reports.append(_report(k))
            proc = psutil.Process(_kernel_pid(k))
            # what others see of it: its own token in its environment, told apart from the server
            assert proc.environ().get("DEPTHLAB_SANDBOX_TOKEN") == k._token
            assert "--child" in proc.cmdline() and "--serve" not in proc.cmdline()
            # no file of the server's (its socket, its configuration) stayed open
            assert not [f.path for f in proc.open_files() if "forkserver" in f.path]
            assert not [c for c in proc.net_connections(kind="unix") if c.type == socket.SOCK_SEQPACKET], \
                "the server's socket (the only SOCK_SEQPACKET one) is closed"
        a, b = reports
        for r, k in zip(reports, kernels):
            assert r["preloaded"] == ["ipykernel.kernelapp", "matplotlib.pyplot", "numpy"], r
            assert r["ours"] == [], "the server imported depthlab or the reference"
            assert r["token"] == k._token
            assert r["debugger"] is False, "a grading kernel has no debugger (nor its socket)"
        assert a["random"] != b["random"] and a["numpy"] != b["numpy"], "each kernel draws its own seeds"
        assert b["left"] is None and "left.txt" not in b["files"], "nothing of one kernel reaches the next"
    finally:
        for k in kernels:
            k.close()


def test_a_kernel_that_crashes_says_how_and_the_next_one_starts():
    kernel = SandboxKernel()
    try:
        kernel.start()
        res = kernel.run("import ctypes; ctypes.string_at(0)", 30)
        assert res.status == "died" and "SIGSEGV" in res.evalue, (res.status, res.evalue)
        assert kernel.alive() and kernel.run("print(1 + 1)", 30).status == "ok"
    finally:
        kernel.close()


def test_a_killed_server_is_replaced():
    first = SandboxKernel()
    try:
        first.start()
        server = first.km.server
        server.process.kill()
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while first.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not first.alive(), "a kernel dies with its server"
        second = SandboxKernel()
        try:
            second.start()
            assert second.km.server is not server and second.run("print(2)", 30).status == "ok"
        finally:
            second.close()
    finally:
        first.close()


def test_turned_off_kernels_start_from_scratch(monkeypatch):
    monkeypatch.setenv("DEPTHLAB_WARM_KERNELS", "0")
    kernel = SandboxKernel()
    try:
        kernel.start()
        assert isinstance(kernel.km, KernelManager)
        assert kernel.run("import sys; print('numpy' in sys.modules)", 30).outputs[0]["text"].strip() == "False"
        assert _report(kernel)["debugger"] is False, "no debugger in a kernel started from scratch either"
    finally:
        kernel.close()


GRADER = r"""
import json, sys, time
from depthlab.judge.kernel import SandboxKernel
k = SandboxKernel()
k.start()
print(json.dumps([k.km.server.process.pid, k.km.provisioner.process.pid]), flush=True)
time.sleep(600)
"""


def test_a_killed_grader_takes_the_server_and_its_kernels_along():
    proc = subprocess.Popen([sys.executable, "-c", GRADER], stdout=subprocess.PIPE, text=True)
    try:
        pids = json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 15
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    assert not alive, f"still running after the grader was killed: {alive}"
