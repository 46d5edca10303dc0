"""How fast does depthlab grade a class? A benchmark anyone can run (not a test).

    .venv/bin/python benchmarks/bench_grading.py [--assignment A] [--students 40] [--jobs 2] [--repeat 1]

The same generated submissions (``depthlab.classgen``, seeded) are graded by:

1. ``nbgrader autograde`` as it comes (stock ``Execute`` and default
   preprocessors), sequentially, in a separate scratch course whose
   ``nbgrader_config.py`` only names the course: the baseline to beat by 2x;
2. nbclient alone executing every submitted notebook (no grading at all) with
   ``--jobs`` processes: the floor, grading may cost at most 1.3x; and nbclient
   executing only what depthlab's grading runs (setup and student cells, not
   the given experiments and figures), which shows grading's own overhead;
3. ``depthlab autograde`` (nbgrader engine: gradebook and ``autograded/``
   written) with ``--jobs`` workers and pre-started kernels; and, to show where
   the time goes, the same without pre-started kernels and with the ``direct``
   engine (depthlab's judge alone, no nbgrader bookkeeping).

Each variant runs as a fresh command (imports included), ``--repeat`` times,
interleaved; medians and minima of wall-clock time are reported (on a shared,
busy machine the minimum is the better estimate of the cost itself).  Uses the assignment's source
notebook, or a skeleton made from its checks when it has none yet.  The machine
may be shared: the load average is printed beside the numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STOCK_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "bench"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
"""

NBCLIENT_SCRIPT = r"""
import sys, time, json
from concurrent.futures import ProcessPoolExecutor
import nbformat
from nbclient import NotebookClient

STUDENT_ONLY = False


def student_cells(nb):
    # only what depthlab's grading runs: setup cells and the student's code
    # (solution cells and cells without nbgrader metadata), not given or test cells
    keep = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if cell.cell_type != "code":
            continue
        if "setup" in cell.metadata.get("tags", []) or meta.get("solution") or not meta:
            keep.append(cell)
    nb.cells = keep
    return nb


def run(path):
    nb = nbformat.read(path, as_version=4)
    if STUDENT_ONLY:
        nb = student_cells(nb)
    t = time.monotonic()
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
    return time.monotonic() - t

if __name__ == "__main__":
    jobs = int(sys.argv[1])
    paths = sys.argv[2:]
    if paths and paths[0] == "--student-cells":
        STUDENT_ONLY = True
        paths = paths[1:]
    if jobs <= 1:
        times = [run(p) for p in paths]
    else:
        with ProcessPoolExecutor(jobs) as ex:
            times = list(ex.map(run, paths))
    print(json.dumps(times))
"""

DEPTHLAB_SCRIPT = r"""
import json, sys
from pathlib import Path
from depthlab.classgrade.run import autograde
from depthlab.config import GradingConfig
if __name__ == "__main__":
    a, root, engine, jobs, prestart = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    s = autograde(a, root=Path(root), engine=engine, jobs=jobs, prestart=prestart, force=True, progress=False)
    print(json.dumps({"seconds": [r.seconds for r in s.results if r.seconds],
                      "scores": {r.student: r.score for r in s.results}, "n": len(s.graded)}))
"""

KERNEL_SCRIPT = r"""
import json, time
from depthlab.judge.kernel import SandboxKernel
starts, runs, closes = [], [], []
for _ in range(5):
    k = SandboxKernel()
    t = time.monotonic(); k.start(); starts.append(time.monotonic() - t)
    t = time.monotonic(); k.run("import numpy", 30); runs.append(time.monotonic() - t)
    t = time.monotonic(); k.close(); closes.append(time.monotonic() - t)
print(json.dumps({"start": starts, "import_numpy": runs, "close": closes}))
"""


def env() -> dict:
    e = dict(os.environ)
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    e.pop("DEPTHLAB_ROOT", None)
    return e


def timed(cmd: list, cwd: Path, extra_env: dict | None = None) -> tuple[float, str]:
    """Wall-clock seconds and stdout of a command."""
    t = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env={**env(), **(extra_env or {})}, capture_output=True, text=True)
    seconds = time.monotonic() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def setup(assignment: str, students: int, work: Path) -> tuple[Path, Path, list, str]:
    """Two course directories holding the same submissions: depthlab's and a stock one."""
    from depthlab.classgen import generate_class, skeleton_source
    import nbformat
    src = REPO / "source" / assignment / f"{assignment}.ipynb"
    ours, stock = work / "depthlab-course", work / "stock-course"
    for course in (ours, stock):
        (course / "source" / assignment).mkdir(parents=True)
    if src.exists():
        kind = "the source notebook"
        for course in (ours, stock):
            shutil.copytree(src.parent, course / "source" / assignment, dirs_exist_ok=True)
    else:
        kind = "a skeleton notebook (no source notebook yet)"
        for course in (ours, stock):
            nbformat.write(skeleton_source(assignment), str(course / "source" / assignment / f"{assignment}.ipynb"))
    shutil.copyfile(REPO / "nbgrader_config.py", ours / "nbgrader_config.py")
    (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock)))
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    roster = generate_class(assignment, students, ours, seed=1, root=ours)
    shutil.copytree(ours / "submitted", stock / "submitted")
    paths = sorted(str(p) for p in roster.files.values())
    # gradebook entries are made before timing, for both
    from depthlab.classgrade.gradebook import ensure_gradebook
    ensure_gradebook(assignment, ours)
    timed([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], stock)
    return ours, stock, paths, kind


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignment", default="ps2_vanishing_gradients")
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sequential", action="store_true", help="also run nbclient sequentially (slow)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="depthlab-bench-"))
    a = args.assignment
    try:
        ours, stock, paths, kind = setup(a, args.students, work)
        print(f"{a}: {len(paths)} generated submissions from {kind}; {args.jobs} jobs; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        (work / "nbclient_run.py").write_text(NBCLIENT_SCRIPT)
        (work / "depthlab_run.py").write_text(DEPTHLAB_SCRIPT)
        py = str(BIN / "python")
        variants = {
            "nbgrader autograde (stock, sequential)":
                lambda: timed([str(BIN / "nbgrader"), "autograde", a, "--force"], stock)[0],
            f"nbclient execute only, {args.jobs} processes":
                lambda: timed([py, str(work / "nbclient_run.py"), str(args.jobs), *paths], work)[0],
            f"nbclient execute setup + student cells only, {args.jobs} processes":
                lambda: timed([py, str(work / "nbclient_run.py"), str(args.jobs), "--student-cells", *paths], work)[0],
            "depthlab autograde (nbgrader engine, pre-started kernels)":
                lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 1),
            "depthlab autograde (nbgrader engine, no pre-started kernels)":
                lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 0),
            "depthlab autograde (direct engine: judge only, pre-started kernels)":
                lambda: _ours(py, work, a, ours, "direct", args.jobs, 1),
            "depthlab autograde (nbgrader engine, pre-started kernels, no namespace isolation)":
                lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 1, {"DEPTHLAB_ISOLATION": "none"}),
        }
        if args.sequential:
            variants["nbclient execute only, sequential"] = \
                lambda: timed([py, str(work / "nbclient_run.py"), "1", *paths], work)[0]
        times: dict = {k: [] for k in variants}
        loads = []
        for rep in range(args.repeat):
            for name, fn in variants.items():
                loads.append(os.getloadavg()[0])
                times[name].append(fn())
                print(f"  run {rep + 1}: {times[name][-1]:6.1f} s  (load {loads[-1]:.1f})  {name}", flush=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        low = {k: min(v) for k, v in times.items()}
        print(f"\n{len(paths)} notebooks, wall-clock seconds, median and min of {args.repeat} runs "
              f"(load average during runs {min(loads):.1f}-{max(loads):.1f}):")
        print(f"  {'median':>7} {'min':>7} {'s/nb':>5}")
        for name in variants:
            print(f"  {med[name]:7.1f} {low[name]:7.1f} {low[name] / len(paths):5.2f}  {name}")
        ours_name = "depthlab autograde (nbgrader engine, pre-started kernels)"
        stock_name = "nbgrader autograde (stock, sequential)"
        floor_name = f"nbclient execute only, {args.jobs} processes"
        same_name = f"nbclient execute setup + student cells only, {args.jobs} processes"
        print("\nratios (medians; minima in brackets):")
        for label, num, den, target in [
                ("stock nbgrader autograde / depthlab autograde", stock_name, ours_name, "  (target >= 2)"),
                (f"depthlab autograde / nbclient execute ({args.jobs} processes)", ours_name, floor_name,
                 "  (target <= 1.3)"),
                (f"depthlab autograde / nbclient executing only what grading runs (setup + student cells, "
                 f"{args.jobs} processes)", ours_name, same_name, "  (grading's own overhead on equal work)")]:
            print(f"  {label} = {med[num] / med[den]:.2f}x [{low[num] / low[den]:.2f}x]{target}")
        _where(py, work, low, len(paths), args.jobs)
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


LAST: dict = {}


def _ours(py: str, work: Path, a: str, root: Path, engine: str, jobs: int, prestart: int,
          extra_env: dict | None = None) -> float:
    seconds, out = timed([py, str(work / "depthlab_run.py"), a, str(root), engine, str(jobs), str(prestart)], work,
                         extra_env)
    if not extra_env:
        LAST[(engine, prestart)] = json.loads(out.strip().splitlines()[-1])
    return seconds


def _where(py: str, work: Path, med: dict, n: int, jobs: int) -> None:
    seconds, out = timed([py, "-c", KERNEL_SCRIPT], work)
    k = json.loads(out.strip().splitlines()[-1])
    per = LAST.get(("nbgrader", 1), {}).get("seconds", [])
    direct = LAST.get(("direct", 1), {}).get("seconds", [])
    print("\nwhere the time goes:")
    print(f"  sandboxed kernel: start {statistics.median(k['start']):.2f} s, import numpy "
          f"{statistics.median(k['import_numpy']):.2f} s, shutdown {statistics.median(k['close']):.2f} s (median of 5)")
    if per:
        print(f"  one notebook inside a worker, nbgrader engine: median {statistics.median(per):.2f} s "
              f"(judge only, direct engine: {statistics.median(direct):.2f} s) -> nbgrader's own steps "
              f"(sanitize, gradebook, autograded/ notebook) about {statistics.median(per) - statistics.median(direct):.2f} s")
    ideal = (statistics.median(per) * n / jobs) if per else 0
    best = med["depthlab autograde (nbgrader engine, pre-started kernels)"]
    print(f"  {n} notebooks x that median / {jobs} workers = {ideal:.1f} s of the {best:.1f} s wall clock; the rest is "
          f"process start-up (imports, spawning workers) and the first kernel of each worker")
    pre = med["depthlab autograde (nbgrader engine, pre-started kernels)"]
    nopre = med["depthlab autograde (nbgrader engine, no pre-started kernels)"]
    direct_total = med["depthlab autograde (direct engine: judge only, pre-started kernels)"]
    plain = med["depthlab autograde (nbgrader engine, pre-started kernels, no namespace isolation)"]
    print(f"  (batch figures below are minima of the runs)")
    print(f"  pre-started kernels: {nopre:.1f} s without, {pre:.1f} s with ({pre - nopre:+.1f} s)")
    print(f"  nbgrader bookkeeping over the whole batch: {pre - direct_total:+.1f} s "
          f"(nbgrader engine minus direct engine)")
    print(f"  namespace isolation of the kernels: {pre - plain:+.1f} s (with minus without)")
    scores = LAST.get(("nbgrader", 1), {}).get("scores", {})
    if scores:
        print(f"  scores: mean {statistics.fmean(scores.values()):.2f} over {len(scores)} students")


if __name__ == "__main__":
    main()
