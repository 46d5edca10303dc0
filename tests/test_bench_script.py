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


def _bench_module(name: str):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


@pytest.mark.slow
def test_the_floor_counts_the_requests_a_kernel_gets_and_the_kernel_cost_is_measured(tmp_path, monkeypatch):
    """The gap lines of `make bench` rest on two measurements: the floor's count of
    requests per notebook must be what depthlab's grader really sends a sandboxed
    kernel for the same notebook (same scores too), and the kernel cost script must
    measure a start and a per-request cost on kernels made as a batch worker makes them."""
    import json
    import shutil

    from depthlab import classgen
    from depthlab.config import GradingConfig
    from depthlab.judge.kernel import SandboxKernel
    from depthlab.judge.session import NotebookGrader

    bench, gap = _bench_module("bench_grading"), _bench_module("floor_gap")
    a = "ps2_vanishing_gradients"
    root = tmp_path / "course"
    shutil.copytree(REPO / "source" / a, root / "source" / a)
    roster = classgen.generate_class(a, 3, root, seed=3, root=root)
    paths = [str(roster.files[s.id]) for s in roster.students]
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    (tmp_path / "floor_run.py").write_text(bench.FLOOR_SCRIPT)
    floor = subprocess.run([sys.executable, str(tmp_path / "floor_run.py"), a, *paths], capture_output=True,
                           text=True, timeout=240, cwd=tmp_path)
    assert floor.returncode == 0, floor.stderr[-2000:]
    floor = json.loads(floor.stdout.strip().splitlines()[-1])

    sent: list = []

    class Counting(SandboxKernel):
        def run(self, code, timeout, clock=None):
            sent[-1] += 1
            return super().run(code, timeout, clock)

    grader = NotebookGrader(a, GradingConfig.from_env(), kernel_factory=Counting, root=root)
    scores = {}
    for p in paths:
        sent.append(0)
        student = Path(p).parents[1].name
        scores[student] = grader.grade_path(Path(p), "direct", student).result.score
    assert floor["requests"] == sent and min(sent) > 3, (floor["requests"], sent)
    assert floor["scores"] == scores

    cost = subprocess.run([sys.executable, "-c", gap.KERNEL_COST_SCRIPT, a, str(root)], capture_output=True,
                          text=True, timeout=240, cwd=tmp_path)
    assert cost.returncode == 0, cost.stderr[-2000:]
    cost = json.loads(cost.stdout.strip().splitlines()[-1])
    assert cost["start"] > 0 and 0 < cost["execute"] < 1 and cost["isolation"], cost
    lines = gap.describe(0.1, sent, cost, 0.9)
    bound = gap.kernel_bound(0.1, sum(sent) / len(sent), cost["start"], cost["execute"])
    assert f"= {bound['ratio']:.2f}x the floor" in lines and bound["ratio"] > 1, lines


def test_the_kernel_bound_is_the_floor_plus_a_kernel_per_notebook():
    gap = _bench_module("floor_gap")
    b = gap.kernel_bound(0.2, 10, 0.05, 0.004)
    assert abs(b["kernel"] - 0.09) < 1e-12 and abs(b["ratio"] - 1.45) < 1e-12 and abs(b["allowed"] - 0.06) < 1e-12
    with pytest.raises(ValueError):
        gap.kernel_bound(0.0, 10, 0.05, 0.004)
