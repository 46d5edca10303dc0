"""Soak: one ``depthlab autograde`` of a big class with hostile notebooks leaves
nothing behind, and the grader's memory stays flat (issue 12, item 8). A script,
not a test: it takes minutes and prints numbers.

    .venv/bin/python scripts/soak.py [--students 400] [--hostile-share 0.05] [--jobs 2]
                                     [--isolation auto|namespace|landlock|none] [--keep] [--samples F.csv]

Generates a class of ``--students`` notebooks of ps2_vanishing_gradients in a
scratch course (``depthlab.classgen``: references, alternatives, mutants,
blanks; 5 % hostile, spread through the class: classgen's hostile kinds and the
snippets of ``tests/hostile/``), snapshots processes, mounts and temporary
folders, runs the real ``depthlab autograde`` command (engine nbgrader,
``--jobs 2``) with ``DEPTHLAB_ISOLATION`` set from ``--isolation``, samples
the memory (RSS) of the command and of its whole process tree every second,
and afterwards looks for leftovers (``tests/leftovers.py`` says what counts).

Prints a table and exits 1 when anything was left behind, a notebook has no
result, the command failed, or memory grew faster than these limits.  Growth
is a least-squares line through RSS against notebooks graded, in MB per 100
notebooks, printed for the first half of the class (after the first
``WARMUP_SHARE``) and judged on the second half: the workers' RSS first rises
while bounded caches fill (measured, 400 notebooks: +16.9 MB per 100 in the
first half, +6.9 in the second, +2.6 in the last quarter, then flat), namely
SQLAlchemy's compiled-statement cache on each nbgrader table mapper (an LRU of
100 to 150 entries keyed by dialect, and nbgrader's ``Gradebook`` makes a new
engine, so a new dialect, each time it is opened) and depthlab's per-mistake
outcome cache (``checks/mistakes.py``, at most mistakes x cases).  Limits:

- the grading command: MAIN_LIMIT_MB per 100 notebooks.  It only hands out
  notebooks and stores results (136 MB, flat over 400 notebooks); at this rate
  a course of 2,000 (five times this soak) costs it at most 100 MB more, while
  a real leak (a result, notebook or gradebook session kept per student: tens
  to hundreds of KB each) shows as several MB per 100;
- the worker processes together: WORKERS_LIMIT_MB per 100 notebooks, so two
  workers grading a course of 2,000 grow by at most 400 MB together (they start
  near 290 MB), a fraction of a grading machine next to kernels that may each
  take up to the memory limit (4 GB by default).

RSS also moves in allocator-sized steps of a few MB, so a small run cannot tell
a slope from a step: below MIN_FIT_NOTEBOOKS the memory lines are printed but
not judged.  The machine may be shared: the load average is printed beside the numbers.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from leftovers import A, Sample, SoakRun, snapshot  # noqa: E402

MAIN_LIMIT_MB = 5.0
WORKERS_LIMIT_MB = 20.0
WARMUP_SHARE = 0.1
MIN_FIT_NOTEBOOKS = 100
MB = 1024 * 1024


def growth(samples, attr: str, first: int, last: int) -> float | None:
    """Slope of ``attr`` (MB) against notebooks graded, per 100 notebooks, while
    ``first <= done < last`` (after the last result the command reads every
    result for its report)."""
    points = [(s.done, getattr(s, attr) / MB) for s in samples if first <= s.done < last and getattr(s, attr)]
    if len({x for x, _ in points}) < 3:
        return None
    slope, _ = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    return 100 * slope


def write_samples(samples, path: Path) -> None:
    names = [f.name for f in dataclasses.fields(Sample)]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        w.writerows([getattr(s, n) for n in names] for s in samples)


def memory_rows(samples) -> list[str]:
    """RSS from the first result on (before it the command and its workers are still
    importing) to the last sample before the command ended."""
    rows = [f"{'RSS (MB), from 1st result':<28}{'start':>8}{'median':>8}{'max':>8}{'end':>8}"]
    for label, attr in (("grading command", "main_rss"), ("worker processes", "workers_rss"),
                        ("whole tree (with kernels)", "tree_rss")):
        values = [getattr(s, attr) / MB for s in samples if s.done and getattr(s, attr)]
        if not values:
            rows.append(f"{label:<28}{'-':>8}")
            continue
        rows.append(f"{label:<28}{values[0]:8.1f}{statistics.median(values):8.1f}{max(values):8.1f}{values[-1]:8.1f}")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=400)
    ap.add_argument("--hostile-share", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--isolation", help="DEPTHLAB_ISOLATION for the run (default: as the environment says)")
    ap.add_argument("--engine", default="nbgrader")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--settle", type=float, default=10.0, help="seconds leftovers get to go away")
    ap.add_argument("--keep", action="store_true", help="keep the run folder (course, log)")
    ap.add_argument("--samples", type=Path, help="write the memory samples here (CSV)")
    args = ap.parse_args(argv)

    n = args.students
    hostile = max(1, round(n * args.hostile_share)) if args.hostile_share > 0 else 0
    run = SoakRun(A)
    print(f"run folder {run.folder}", flush=True)
    t = time.monotonic()
    run.make_class(n, hostile, seed=args.seed)
    print(f"class of {n} ({hostile} hostile) written in {time.monotonic() - t:.0f} s; grading ...", flush=True)
    load_before = os.getloadavg()
    before = snapshot()
    code, seconds, watch = run.grade(jobs=args.jobs, isolation=args.isolation, engine=args.engine)
    load_after = os.getloadavg()
    found, waited = run.settle(before, watch, args.settle)
    graded = sum(1 for _ in run.results.glob("*.json"))
    if args.samples:
        write_samples(watch.samples, args.samples)

    warmup, half = max(1, int(WARMUP_SHARE * n)), n // 2
    early = {attr: growth(watch.samples, attr, warmup, half) for attr in ("main_rss", "workers_rss")}
    fits = {attr: growth(watch.samples, attr, half, n) for attr in ("main_rss", "workers_rss")}
    judged = n >= MIN_FIT_NOTEBOOKS
    problems = []
    if code != 0:
        problems.append(f"depthlab autograde exited with {code}")
    if graded != n:
        problems.append(f"{n - graded} notebook(s) have no result")
    for attr, limit, label in (("main_rss", MAIN_LIMIT_MB, "grading command"),
                               ("workers_rss", WORKERS_LIMIT_MB, "workers")):
        if judged and fits[attr] is not None and fits[attr] > limit:
            problems.append(f"{label} memory grows {fits[attr]:.1f} MB per 100 notebooks (limit {limit:g})")
    if found.count():
        problems.append(f"{found.count()} leftover(s)")

    def fit(attr, limit):
        text = " / ".join("n/a" if v is None else f"{v:+.2f}" for v in (early[attr], fits[attr]))
        return text + " MB per 100 notebooks" + (f" (limit {limit:g} on the second)" if judged else
                                                 f" (not judged: fewer than {MIN_FIT_NOTEBOOKS} notebooks)")

    kinds = sorted(set(run.hostile.values()))
    lines = [
        f"soak: {A}, engine {args.engine}, --jobs {args.jobs}, DEPTHLAB_ISOLATION="
        f"{args.isolation or os.environ.get('DEPTHLAB_ISOLATION', '(unset)')}; "
        f"kernels ran with isolation {', '.join(sorted(watch.isolation)) or '?'}",
        f"notebooks                   {n} ({hostile} hostile, {len(kinds)} kinds), {graded} results",
        f"wall time                   {seconds:.1f} s, {seconds / max(n, 1):.2f} s per notebook",
        f"exit code                   {code}",
        *memory_rows(watch.samples),
        f"samples                     {len(watch.samples)} (every {watch.interval:g} s); "
        f"at most {max((s.kernels for s in watch.samples), default=0)} kernel processes at once",
        f"growth, grading command     {fit('main_rss', MAIN_LIMIT_MB)}",
        f"growth, workers together    {fit('workers_rss', WORKERS_LIMIT_MB)}",
        f"  (least squares through RSS against notebooks graded: notebooks {warmup}-{half - 1} / "
        f"{half} to the last result)",
        f"leftovers                   {found.count()}" + (f" (still there {waited:.1f} s after the command ended)"
                                                          if found.count() else f" (clean {waited:.1f} s after the end)"),
        *[f"  {line}" for line in found.lines()],
        *([f"not the run's (other users' work, not counted): {len(found.others)}"]
          + [f"  {line}" for line in found.others[:10]] if found.others else []),
        f"load average                before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in load_after)}; 1-minute load during the run: median "
        f"{statistics.median(s.load for s in watch.samples):.1f}, max {max(s.load for s in watch.samples):.1f} "
        f"({os.cpu_count()} cores)",
        f"hostile kinds               {', '.join(kinds)}",
        "result                      " + ("FAIL: " + "; ".join(problems) if problems else "ok"),
    ]
    print("\n".join(lines))
    if code != 0:
        print("\nlast lines of the command's output:\n" + "\n".join(run.log.read_text().splitlines()[-30:]))
    run.clean(found, keep=args.keep)
    if args.keep:
        print(f"kept {run.folder}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
