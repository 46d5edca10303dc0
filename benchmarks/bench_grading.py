"""How fast does depthlab grade a class? A benchmark anyone can run (not a test).

    .venv/bin/python benchmarks/bench_grading.py [--students 200] [--assignments A B ...]
        [--sample 20] [--jobs 2] [--repeat 3] [--class-repeat 1] [--breakdown]

One run prints, on the same generated class (``depthlab.classgen``, seeded;
every assignment with a source notebook, ``--students`` each: 200 x 4 = 800
notebooks by default, ``--students 20`` when in a hurry):

1. on the first ``--sample`` students of each assignment (the same students:
   the generator is seeded and sequential), ``--repeat`` times, interleaved:
   - ``nbgrader autograde`` as it comes (stock ``Execute`` and default
     preprocessors), sequentially, in a scratch course whose
     ``nbgrader_config.py`` only names the course;
   - ``depthlab autograde`` (nbgrader engine: gradebook and ``autograded/``
     written) with ``--jobs`` workers;
   - **the floor**: one warm Python process, numpy and matplotlib already
     imported, executing the very code depthlab's judge sends to a kernel
     (setup cells, student cells, probe calls) with ``exec`` in a fresh
     namespace per notebook: no kernel, no isolation, no nbgrader.  Its scores
     are checked against depthlab's (the same work was done);
   and the ratios: stock / depthlab, and depthlab's cost per notebook
   (wall clock x jobs / notebooks: core-seconds) / the floor's;
   and the gap: what a fresh sandboxed kernel per notebook costs on its own
   (``floor_gap.py``), the lowest ratio to the floor that design can reach;
2. the class time: ``depthlab autograde`` of every assignment of the whole
   class, one command per assignment, as a course would run it (``--class-repeat``
   times);
3. with ``--dask``, ``depthlab autograde --scheduler local`` (``--jobs`` Dask
   workers on this machine) beside ``--jobs`` local workers;
4. with ``--breakdown``, where the time goes: nbclient alone, no pre-started
   kernels, the direct engine, no namespace isolation, kernels started from
   scratch instead of forked warm (``DEPTHLAB_WARM_KERNELS=0``), kernel start-up.

Each variant is a fresh command (imports included); medians and minima of
wall-clock time are reported (on a shared, busy machine the minimum is the
better estimate of the cost itself), with the load average beside them.  Uses
each assignment's source notebook, or a skeleton made from its checks when it
has none yet.
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

from floor_gap import KERNEL_COST_SCRIPT, describe   # beside this script (run as a file: its folder is on sys.path)

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
    scheduler = sys.argv[6] if len(sys.argv) > 6 else None
    s = autograde(a, root=Path(root), engine=engine, jobs=jobs, prestart=prestart, force=True, progress=False,
                  scheduler=scheduler)
    print(json.dumps({"seconds": [r.seconds for r in s.results if r.seconds],
                      "scores": {r.student: r.score for r in s.results}, "n": len(s.graded)}))
"""

FLOOR_SCRIPT = r"""
# The floor: one warm Python process (numpy and matplotlib imported once), executing
# the very code depthlab's judge sends to a kernel (setup cells, student cells, probe
# calls) with exec() in a fresh namespace per notebook: no kernel, no isolation.
import contextlib, io, json, os, shutil, sys, tempfile, time
from pathlib import Path
started = time.monotonic()
import numpy
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from depthlab.config import GradingConfig
from depthlab.judge.kernel import RunResult
from depthlab.judge.session import NotebookGrader


class WarmKernel:
    # the interface NotebookGrader uses of a SandboxKernel, in this process
    executing = 0.0
    requests = 0   # what would be execute_requests to a kernel

    def __init__(self):
        self._home = Path(tempfile.mkdtemp(prefix="depthlab-floor-"))
        self.results_path = self._home / "results.jsonl"
        self.results_path.touch()
        self.ns = None

    def start(self):
        self.ns = {"__name__": "__main__"}

    restart = start

    def alive(self):
        return self.ns is not None

    def run(self, code, timeout, clock=None):   # clock: the grader's timer of a batch (no limits here)
        out, err = io.StringIO(), io.StringIO()
        status, ename, evalue = "ok", "", ""
        cwd = os.getcwd()
        t = time.monotonic()
        os.chdir(self._home)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                exec(compile(code, "<cell>", "exec"), self.ns)
        except (Exception, SystemExit) as exc:
            status, ename, evalue = "error", type(exc).__name__, str(exc)
        finally:
            os.chdir(cwd)
        seconds = time.monotonic() - t
        WarmKernel.executing += seconds
        WarmKernel.requests += 1
        outputs = [{"output_type": "stream", "name": n, "text": s.getvalue()} for n, s in (("stdout", out), ("stderr", err))
                   if s.getvalue()]
        return RunResult(status, outputs, ename, evalue, seconds)

    def read_results(self, limit):
        with open(self.results_path, "rb") as fh:
            return fh.read(limit)

    def clear_results(self):
        self.results_path.write_bytes(b"")

    def close(self):
        plt.close("all")
        shutil.rmtree(self._home, ignore_errors=True)


if __name__ == "__main__":
    assignment, paths = sys.argv[1], sys.argv[2:]
    grader = NotebookGrader(assignment, GradingConfig.from_env(), kernel_factory=WarmKernel)
    ready = time.monotonic()
    executing, judged, requests, scores = [], [], [], {}
    for p in paths:
        before, t, sent = WarmKernel.executing, time.monotonic(), WarmKernel.requests
        student = Path(p).parents[1].name
        result = grader.grade_path(Path(p), "direct", student).result
        judged.append(time.monotonic() - t)
        executing.append(WarmKernel.executing - before)
        requests.append(WarmKernel.requests - sent)
        scores[student] = result.score
    print(json.dumps({"startup": ready - started, "executing": executing, "judged": judged, "requests": requests,
                      "scores": scores}))
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


def setup(assignment: str, students: int, work: Path, stock_course: bool = True) -> tuple[Path, Path, list, str]:
    """Two course directories holding the same submissions: depthlab's and a stock one
    (only depthlab's with ``stock_course=False``)."""
    from depthlab.classgen import generate_class, skeleton_source
    import nbformat
    src = REPO / "source" / assignment / f"{assignment}.ipynb"
    ours, stock = work / "depthlab-course", work / "stock-course"
    courses = (ours, stock) if stock_course else (ours,)
    for course in courses:
        (course / "source" / assignment).mkdir(parents=True)
    if src.exists():
        kind = "the source notebook"
        for course in courses:
            shutil.copytree(src.parent, course / "source" / assignment, dirs_exist_ok=True)
    else:
        kind = "a skeleton notebook (no source notebook yet)"
        for course in courses:
            nbformat.write(skeleton_source(assignment), str(course / "source" / assignment / f"{assignment}.ipynb"))
    shutil.copyfile(REPO / "nbgrader_config.py", ours / "nbgrader_config.py")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    roster = generate_class(assignment, students, ours, seed=1, root=ours)
    paths = sorted(str(p) for p in roster.files.values())
    # gradebook entries are made before timing, for both
    from depthlab.classgrade.gradebook import ensure_gradebook
    ensure_gradebook(assignment, ours)
    if stock_course:
        (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock)))
        shutil.copytree(ours / "submitted", stock / "submitted")
        timed([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], stock)
    return ours, stock, paths, kind


def machine_speed() -> str:
    """The time of a fixed pure-Python loop (best of 3, in this process): how fast the
    machine is at this moment, which on a shared machine moves by half between runs of
    the same bench, so that numbers of different runs can be set side by side."""
    best = min(_loop_seconds() for _ in range(3))
    return f"machine: {best:.2f} s for the fixed loop (lower is faster), load average {os.getloadavg()[0]:.1f}"


def _loop_seconds() -> float:
    t = time.perf_counter()
    sum(i * i for i in range(5_000_000))
    return time.perf_counter() - t


def default_assignments() -> list:
    return sorted(p.name for p in (REPO / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


def runs(variants: dict, repeat: int, loads: list) -> dict:
    """Each variant ``repeat`` times, interleaved; {name: [seconds]}."""
    times: dict = {k: [] for k in variants}
    for rep in range(repeat):
        for name, fn in variants.items():
            loads.append(os.getloadavg()[0])
            times[name].append(fn())
            print(f"  run {rep + 1}: {times[name][-1]:6.1f} s  (load {loads[-1]:.1f})  {name}", flush=True)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignments", nargs="+", default=None, help="default: every assignment with a source notebook")
    ap.add_argument("--students", type=int, default=200, help="class size per assignment (default 200: 800 notebooks)")
    ap.add_argument("--sample", type=int, default=20,
                    help="students per assignment graded by stock nbgrader, depthlab and the floor (default 20)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each comparison variant (median and min)")
    ap.add_argument("--class-repeat", type=int, default=1, help="runs of the whole-class time")
    ap.add_argument("--dask", action="store_true", help="also `depthlab autograde --scheduler local`: --jobs Dask "
                    "workers on this machine, against --jobs local workers")
    ap.add_argument("--breakdown", action="store_true", help="also where the time goes (nbclient, no pre-started "
                    "kernels, direct engine, no isolation)")
    ap.add_argument("--sequential", action="store_true", help="with --breakdown: also nbclient sequentially (slow)")
    ap.add_argument("--class-only", action="store_true", help="only the whole-class time (with --class-repeat "
                    "runs): no stock nbgrader, floor or Dask comparison")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="depthlab-bench-"))
    assignments = args.assignments or default_assignments()
    sample = min(args.sample, args.students)
    py = str(BIN / "python")
    for name, text in (("nbclient_run.py", NBCLIENT_SCRIPT), ("depthlab_run.py", DEPTHLAB_SCRIPT),
                       ("floor_run.py", FLOOR_SCRIPT)):
        (work / name).write_text(text)
    loads: list = []
    try:
        print(f"{len(assignments)} assignment(s) x {args.students} students = {len(assignments) * args.students} "
              f"notebooks; {'no comparisons' if args.class_only else f'comparisons on the first {sample} students of each'}; "
              f"{args.jobs} jobs; {os.cpu_count()} cores", flush=True)
        print(machine_speed(), flush=True)
        totals: dict = {}
        n_sample = 0
        agree = True
        for a in ([] if args.class_only else assignments):
            ours, stock, paths, kind = setup(a, sample, work / "sample" / a)
            n_sample += len(paths)
            print(f"\n{a}: {len(paths)} generated submissions from {kind}", flush=True)
            variants = {
                "nbgrader autograde (stock, sequential)":
                    lambda: timed([str(BIN / "nbgrader"), "autograde", a, "--force"], stock)[0],
                f"depthlab autograde (nbgrader engine, {args.jobs} jobs)":
                    lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 1),
                "floor (one warm process, exec, no kernel)": lambda: _floor(py, work, a, ours, paths),
            }
            if args.dask:
                variants[DASK.format(jobs=args.jobs)] = \
                    lambda: timed([py, str(work / "depthlab_run.py"), a, str(ours), "nbgrader", str(args.jobs), "1",
                                   "local"], work)[0]
            if args.breakdown:
                variants.update(_breakdown(py, work, a, ours, paths, args))
            times = runs(variants, args.repeat, loads)
            for name, v in times.items():
                totals.setdefault(name, [0.0] * args.repeat)
                totals[name] = [t + x for t, x in zip(totals[name], v)]
            floor_scores = LAST["floor"]["scores"]
            ours_scores = LAST[("nbgrader", 1)]["scores"]
            same = all(abs(floor_scores.get(s, -1) - v) < 1e-9 for s, v in ours_scores.items())
            agree = agree and same
            if not same:
                print(f"  floor and depthlab scores differ: {floor_scores} vs {ours_scores}")
            FLOOR_TOTALS.setdefault("executing", []).extend(LAST["floor"]["executing"])
            FLOOR_TOTALS.setdefault("judged", []).extend(LAST["floor"]["judged"])
            FLOOR_TOTALS.setdefault("requests", []).extend(LAST["floor"]["requests"])
            FLOOR_TOTALS.setdefault("kernel", []).append(json.loads(
                timed([py, "-c", KERNEL_COST_SCRIPT, a, str(ours)], work)[1].strip().splitlines()[-1]))
            if args.breakdown:
                _where(py, work, {k: min(v) for k, v in times.items()}, len(paths), args.jobs)
        if not args.class_only:
            _summary(totals, n_sample, args, loads, agree)
        if not args.class_only:
            print("\n" + machine_speed(), flush=True)
        _class_time(py, work, assignments, args, loads)
        print("\n" + machine_speed(), flush=True)
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


LAST: dict = {}
FLOOR_TOTALS: dict = {}
DASK = "depthlab autograde --scheduler local ({jobs} Dask workers)"


def _ours(py: str, work: Path, a: str, root: Path, engine: str, jobs: int, prestart: int,
          extra_env: dict | None = None) -> float:
    seconds, out = timed([py, str(work / "depthlab_run.py"), a, str(root), engine, str(jobs), str(prestart)], work,
                         extra_env)
    if not extra_env:
        LAST[(engine, prestart)] = json.loads(out.strip().splitlines()[-1])
    return seconds


def _floor(py: str, work: Path, a: str, root: Path, paths: list) -> float:
    seconds, out = timed([py, str(work / "floor_run.py"), a, *paths], work, {"DEPTHLAB_ROOT": str(root)})
    LAST["floor"] = json.loads(out.strip().splitlines()[-1])
    return seconds


def _summary(totals: dict, n: int, args, loads: list, agree: bool) -> None:
    med = {k: statistics.median(v) for k, v in totals.items()}
    low = {k: min(v) for k, v in totals.items()}
    print(f"\n{n} notebooks (the sample, all assignments), wall-clock seconds, median and min of {args.repeat} runs "
          f"(load average during runs {min(loads):.1f}-{max(loads):.1f}):")
    print(f"  {'median':>7} {'min':>7} {'s/nb':>5}")
    for name in totals:
        print(f"  {med[name]:7.1f} {low[name]:7.1f} {med[name] / n:5.2f}  {name}")
    stock = "nbgrader autograde (stock, sequential)"
    ours = f"depthlab autograde (nbgrader engine, {args.jobs} jobs)"
    floor = "floor (one warm process, exec, no kernel)"
    executing = statistics.fmean(FLOOR_TOTALS["executing"])
    judged = statistics.fmean(FLOOR_TOTALS["judged"])
    cost, cost_low = med[ours] * args.jobs / n, low[ours] * args.jobs / n
    print(f"\nper notebook (the floor's from its last run of each assignment, start-up excluded):")
    print(f"  floor: {executing:.3f} s executing the cells and probe calls "
          f"({judged:.3f} s with depthlab's judge in that process; {med[floor] / n:.3f} s with its start-up)")
    print(f"  depthlab: {cost:.3f} core-seconds [{cost_low:.3f}] (wall clock x {args.jobs} jobs / {n} notebooks, "
          "start-up included)")
    print(f"  floor and depthlab gave every student the same score: {agree}")
    print("\nratios (medians; minima in brackets):")
    print(f"  stock nbgrader autograde / depthlab autograde = {med[stock] / med[ours]:.2f}x "
          f"[{low[stock] / low[ours]:.2f}x]  (target >= 6)")
    print(f"  depthlab per notebook / floor per notebook = {cost / executing:.2f}x [{cost_low / executing:.2f}x]  "
          "(target <= 1.3)")
    print(f"  depthlab per notebook / floor with the judge in-process = {cost / judged:.2f}x "
          f"[{cost_low / judged:.2f}x]")
    kernels = FLOOR_TOTALS["kernel"]
    print(describe(executing, FLOOR_TOTALS["requests"],
                   {"start": statistics.fmean(k["start"] for k in kernels),
                    "execute": statistics.fmean(k["execute"] for k in kernels),
                    "isolation": "/".join(sorted({str(k["isolation"]) for k in kernels}))}, cost))
    dask = DASK.format(jobs=args.jobs)
    if dask in med:
        print(f"  {dask} / --jobs {args.jobs} = {med[dask] / med[ours]:.2f}x [{low[dask] / low[ours]:.2f}x]  "
              "(target <= 1.1)")


def _class_time(py: str, work: Path, assignments: list, args, loads: list) -> None:
    courses = []
    for a in assignments:
        ours, _, paths, _ = setup(a, args.students, work / "class" / a, stock_course=False)
        courses.append((a, ours, len(paths)))
    n = sum(c[2] for c in courses)
    print(f"\nthe whole class: {n} notebooks ({len(assignments)} x {args.students}), `depthlab autograde` of each "
          f"assignment, {args.jobs} jobs, {args.class_repeat} run(s):", flush=True)
    totals = []
    for rep in range(args.class_repeat):
        total = 0.0
        for a, root, k in courses:
            loads.append(os.getloadavg()[0])
            seconds = _ours(py, work, a, root, "nbgrader", args.jobs, 1)
            total += seconds
            print(f"  run {rep + 1}: {seconds:6.1f} s  (load {loads[-1]:.1f})  {a}, {k} notebooks", flush=True)
        totals.append(total)
    print(f"  class time: median {statistics.median(totals):.1f} s, min {min(totals):.1f} s for {n} notebooks "
          f"({statistics.median(totals) / n:.2f} s/notebook; target: 800 notebooks in <= 300 s)")
    cost = statistics.median(totals) * args.jobs / n
    print(f"  per notebook: {cost:.3f} core-seconds (wall clock x {args.jobs} jobs, start-up spread over "
          f"{args.students} notebooks a run)", end="")
    if FLOOR_TOTALS:   # the sample's floor: other students of the same generated class
        executing = statistics.fmean(FLOOR_TOTALS["executing"])
        print(f", {cost / executing:.2f}x the sample's floor ({executing:.3f} s)")
    else:
        print()


def _breakdown(py: str, work: Path, a: str, ours: Path, paths: list, args) -> dict:
    variants = {
        f"nbclient execute only, {args.jobs} processes":
            lambda: timed([py, str(work / "nbclient_run.py"), str(args.jobs), *paths], work)[0],
        f"nbclient execute setup + student cells only, {args.jobs} processes":
            lambda: timed([py, str(work / "nbclient_run.py"), str(args.jobs), "--student-cells", *paths], work)[0],
        "depthlab autograde (nbgrader engine, no pre-started kernels)":
            lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 0),
        "depthlab autograde (direct engine: judge only, pre-started kernels)":
            lambda: _ours(py, work, a, ours, "direct", args.jobs, 1),
        "depthlab autograde (nbgrader engine, pre-started kernels, no namespace isolation)":
            lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 1, {"DEPTHLAB_ISOLATION": "none"}),
        "depthlab autograde (nbgrader engine, kernels started from scratch, not forked warm)":
            lambda: _ours(py, work, a, ours, "nbgrader", args.jobs, 1, {"DEPTHLAB_WARM_KERNELS": "0"}),
    }
    if args.sequential:
        variants["nbclient execute only, sequential"] = \
            lambda: timed([py, str(work / "nbclient_run.py"), "1", *paths], work)[0]
    return variants


def _where(py: str, work: Path, low: dict, n: int, jobs: int) -> None:
    seconds, out = timed([py, "-c", KERNEL_SCRIPT], work)
    k = json.loads(out.strip().splitlines()[-1])
    per = LAST.get(("nbgrader", 1), {}).get("seconds", [])
    direct = LAST.get(("direct", 1), {}).get("seconds", [])
    ours = f"depthlab autograde (nbgrader engine, {jobs} jobs)"
    print("  where the time goes (minima of the runs):")
    print(f"    sandboxed kernel: start {statistics.median(k['start']):.2f} s, import numpy "
          f"{statistics.median(k['import_numpy']):.2f} s, shutdown {statistics.median(k['close']):.2f} s (median of 5)")
    if per and direct:
        print(f"    one notebook inside a worker, nbgrader engine: median {statistics.median(per):.2f} s "
              f"(judge only, direct engine: {statistics.median(direct):.2f} s) -> nbgrader's own steps "
              f"about {statistics.median(per) - statistics.median(direct):.2f} s")
        print(f"    {n} notebooks x that median / {jobs} workers = {statistics.median(per) * n / jobs:.1f} s of the "
              f"{low[ours]:.1f} s wall clock; the rest is start-up and the first kernel of each worker")
    for label, other in (("pre-started kernels (with minus without)",
                          "depthlab autograde (nbgrader engine, no pre-started kernels)"),
                         ("nbgrader bookkeeping (nbgrader engine minus direct engine)",
                          "depthlab autograde (direct engine: judge only, pre-started kernels)"),
                         ("namespace isolation (with minus without)",
                          "depthlab autograde (nbgrader engine, pre-started kernels, no namespace isolation)"),
                         ("warm kernels (forked minus started from scratch)",
                          "depthlab autograde (nbgrader engine, kernels started from scratch, not forked warm)")):
        print(f"    {label}: {low[ours] - low[other]:+.1f} s")


if __name__ == "__main__":
    main()
