"""`make bench` runs: its class-only mode times the whole class and nothing else
(a smoke run on two notebooks; the numbers themselves belong in the benchmark's
output, never in a test)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_class_only_times_the_class_without_comparisons():
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_grading.py"), "--class-only",
                           "--students", "2", "--assignments", "ps2_vanishing_gradients"],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "no comparisons" in out and "class time: median" in out, out
    assert "core-seconds (wall clock x 2 jobs" in out, out
    assert out.count("s for the fixed loop") == 2, "the machine's speed, before and after"
    assert "stock" not in out and "floor" not in out, "class-only runs neither stock nbgrader nor the floor"
