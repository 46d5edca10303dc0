"""How fast does the otter engine grade, against plain ``otter run``? A benchmark anyone can run (not a test).

    .venv/bin/python benchmarks/bench_otter.py [--assignment A] [--students 8] [--repeat 1]

The same generated submissions (``depthlab.classgen``, seeded, release format)
are graded by:

1. plain ``otter run`` once per submission with a *plain* otter autograder:
   the same master notebook, but otter's own grading (the notebook and the
   tests run in the student's kernel; the source's hidden test blocks become
   otter hidden tests) and no depthlab plugin.  FINDINGS.md measured 7.7 s
   per submission for this;
2. ``otter run`` once per submission with depthlab's autograder zip (what
   Gradescope runs: otter's runner, depthlab's plugin judging outside the
   kernel);
3. depthlab's otter engine (``depthlab grade --engine otter``: otter's runner
   in one process for all submissions, with depthlab's zip);
4. for reference, ``depthlab grade --engine nbgrader`` and ``--engine direct``.

Each variant is a fresh command (imports included), ``--repeat`` times,
interleaved; medians are reported, with the load average (the machine may be
shared).  Scores are checked to agree between variants 2-4.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
from pathlib import Path

from bench_grading import BIN, REPO, timed   # one way to run and time a command, for both benchmarks

ENGINE_SCRIPT = r"""
import json, sys
from pathlib import Path
from depthlab.engines.otter_engine import OtterBackend
from depthlab.grading import grade_notebooks
if __name__ == "__main__":
    a, engine, zip_path, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    if engine == "otter":
        backend = OtterBackend(a, autograder=Path(zip_path))
        results = [backend(i, Path(p)) for i, p in enumerate(paths)]
        backend.close()
    else:
        results = grade_notebooks(a, [Path(p) for p in paths], engine=engine)
    print(json.dumps({Path(r.notebook).name: r.score for r in results}))
"""


def plain_master(assignment: str) -> str:
    """depthlab's master notebook turned into a plain otter one: no plugin, and the
    source's hidden test blocks as otter hidden tests (what a course without
    depthlab would grade with)."""
    import nbformat
    from depthlab.engines import otter_master
    from depthlab.judge.notebook import grade_id
    master = otter_master.master_notebook(assignment)
    src = nbformat.read(str(REPO / "source" / assignment / f"{assignment}.ipynb"), as_version=4)
    hidden = {}
    for cell in src.cells:
        m = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if m and grade_id(cell):
            hidden[otter_master.question_name(grade_id(cell))] = (m.group(1), cell.metadata.nbgrader.get("points", 1))
    config = master.cells[0]
    config.source = config.source.split("\ngenerate:")[0] + "\ngenerate:\n  show_hidden: false\n"
    config.source = re.sub(r"requirements:\n  - .*\n", "", config.source)
    for cell in master.cells:
        m = re.match(r"otter-q-(\w+)-hidden$", cell.get("id", ""))
        if m and m.group(1) in hidden:
            code, points = hidden[m.group(1)]
            fn = otter_master.public_test_function(code, f"test_{m.group(1)}_hidden")
            if fn:
                cell.source = f'""" # BEGIN TEST CONFIG\nhidden: true\npoints: {points}\n""" # END TEST CONFIG\n' + fn
    return nbformat.writes(master)


def setup(assignment: str, students: int, work: Path) -> tuple[list, Path, Path]:
    from depthlab.classgen import generate_class
    from depthlab.engines import otter_assign
    roster = generate_class(assignment, students, work / "class", layout="flat", seed=1)
    paths = sorted(str(p) for p in roster.files.values())
    files = otter_assign.generate(assignment)
    ours = work / f"{assignment}-autograder.zip"
    ours.write_bytes(files[f"autograder/{assignment}-autograder.zip"])
    plain_dir = work / "plain"
    plain_dir.mkdir()
    (plain_dir / f"{assignment}.ipynb").write_text(plain_master(assignment))
    timed([str(BIN / "otter"), "assign", "--no-run-tests", "--no-pdfs", f"{assignment}.ipynb", "dist"], plain_dir)
    (plain,) = (plain_dir / "dist" / "autograder").glob("*-autograder_*.zip")
    return paths, ours, plain


def otter_run_each(zip_path: Path, paths: list, work: Path) -> tuple[float, dict]:
    total, scores = 0.0, {}
    for i, p in enumerate(paths):
        out = work / f"out-{zip_path.stem}-{i}"
        out.mkdir(exist_ok=True)
        seconds, _ = timed([str(BIN / "otter"), "run", "-a", str(zip_path), "-o", str(out), "--no-logo", p], work)
        total += seconds
        data = json.loads((out / "results.json").read_text())
        scores[Path(p).name] = round(sum(t.get("score", 0) for t in data["tests"]), 4)
    return total, scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignment", default="ps2_vanishing_gradients")
    ap.add_argument("--students", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    a = args.assignment
    work = Path(tempfile.mkdtemp(prefix="depthlab-bench-otter-"))
    try:
        os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
        paths, ours, plain = setup(a, args.students, work)
        (work / "engine_run.py").write_text(ENGINE_SCRIPT)
        py = str(BIN / "python")
        print(f"{a}: {len(paths)} generated submissions; {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.1f}")

        def engine(name):
            def run():
                seconds, out = timed([py, str(work / "engine_run.py"), a, name, str(ours), *paths], work)
                return seconds, json.loads(out.strip().splitlines()[-1])
            return run

        variants = {
            "plain otter run (otter grades in the kernel), one process per submission":
                lambda: otter_run_each(plain, paths, work),
            "otter run with depthlab's zip (Gradescope path), one process per submission":
                lambda: otter_run_each(ours, paths, work),
            "depthlab otter engine, one process": engine("otter"),
            "depthlab nbgrader engine, one process": engine("nbgrader"),
            "depthlab direct engine (judge only), one process": engine("direct"),
        }
        times: dict = {k: [] for k in variants}
        scores: dict = {}
        loads = []
        for _ in range(args.repeat):
            for name, fn in variants.items():
                loads.append(os.getloadavg()[0])
                seconds, got = fn()
                times[name].append(seconds)
                scores[name] = got
        med = {k: statistics.median(v) for k, v in times.items()}
        n = len(paths)
        print(f"\nwall-clock seconds for {n} notebooks (median of {args.repeat}; "
              f"load average during runs {min(loads):.1f}-{max(loads):.1f}):")
        for name, t in med.items():
            print(f"  {t:7.1f} s  {t / n:5.2f} s/notebook  {name}")
        base = med["plain otter run (otter grades in the kernel), one process per submission"]
        print("\nratios to plain otter run (lower is faster):")
        for name, t in med.items():
            print(f"  {t / base:5.2f}x  {name}")
        keys = [k for k in scores if "depthlab" in k]
        agree = all(scores[k] == scores[keys[0]] for k in keys)
        print(f"\nscores agree between depthlab's zip, otter engine, nbgrader and direct engines: {agree}")
        if not agree:
            for k in keys:
                print(f"  {k}: {scores[k]}")
        plain_scores = scores["plain otter run (otter grades in the kernel), one process per submission"]
        print(f"depthlab scores: {sorted(scores[keys[0]].values())}")
        print("plain otter scores (its hidden tests are the source's hidden blocks, all or nothing per function): "
              f"{sorted(plain_scores.values())}")
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
