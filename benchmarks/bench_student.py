"""How long does a student wait? A benchmark anyone can run (not a test).

    .venv/bin/python benchmarks/bench_student.py [--assignments A B ...] [--repeat 3] [--otter]

For each assignment, the release notebook with the reference filled in (what a
student who solved everything submits, ``depthlab.classgen.fill_release``):

1. runs it top to bottom in a real kernel, as "Restart and run all" does
   (nbclient, the kernel the notebook names), and reads each cell's time from
   the execution timestamps nbclient records in the cell's metadata
   (``metadata.execution``: ``iopub.execute_input`` to ``shell.execute_reply``);
   prints every public test cell (``test_*``: what the student runs after each
   function), the slowest other cells, and flags a public test cell over
   ``--cell-limit`` (2 s, issue 16);
2. times ``nbgrader validate`` on it (the Validate button of the assignment
   list runs the same command), ``--repeat`` times, median and minimum,
   flagged above ``--validate-limit`` (15 s);
3. with ``--otter``, the same for the otter student notebook (its
   ``grader.check`` cells; there is no Validate there).

Times are wall clock on this machine, with the load average printed beside
them: on a busy machine they are upper bounds.  Exit status 0 always (a
benchmark reports; the targets are read off the table).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def cell_seconds(cell) -> float | None:
    """The cell's run time from nbclient's recorded timestamps (None when it did not run)."""
    ex = cell.get("metadata", {}).get("execution", {})
    start, end = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def run_all(path: Path, timeout: int) -> tuple[float, list[tuple[str, float]]]:
    """Execute the notebook in its folder; (total seconds, [(cell name, seconds)])."""
    from nbclient import NotebookClient
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}},
                            record_timing=True, allow_errors=True)
    t0 = time.perf_counter()
    client.execute()
    total = time.perf_counter() - t0
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        seconds = cell_seconds(cell)
        if seconds is None:
            continue
        name = (cell.metadata.get("nbgrader") or {}).get("grade_id") or cell.get("id") or f"cell {i}"
        check = re.match(r"\s*grader\.check\(\s*['\"](\w+)", cell.source)
        if check:   # otter's public test cell: name it by what it checks
            name = "check " + check.group(1)
        cells.append((name, seconds))
    return total, cells


def is_public_test(name: str) -> bool:
    return name.startswith("test_") or name.startswith("check ")


def report(label: str, total: float, cells: list[tuple[str, float]], limit: float, top: int) -> list[str]:
    tests = [(n, s) for n, s in cells if is_public_test(n)]
    others = sorted(((n, s) for n, s in cells if not is_public_test(n)), key=lambda x: -x[1])[:top]
    print(f"\n{label}: run all {total:.1f} s ({len(cells)} code cells)")
    print(f"  public test cells ({len(tests)}):")
    over = []
    for name, s in tests:
        flag = "  OVER" if s > limit else ""
        print(f"    {name:<44} {s:6.2f} s{flag}")
        if flag:
            over.append(f"{label}: {name} {s:.2f} s > {limit} s")
    if tests:
        print(f"    {'slowest':<44} {max(s for _, s in tests):6.2f} s")
    print(f"  slowest other cells:")
    for name, s in others:
        print(f"    {name:<44} {s:6.2f} s")
    return over


def answered(assignment: str) -> dict[str, str]:
    """The reference code of every function and a few words in every written answer
    (nbgrader validate refuses an unanswered one)."""
    from depthlab import classgen
    release = nbformat.read(str(classgen.release_path(assignment)), as_version=4)
    return {**classgen.reference_sources(assignment),
            **{gid: "A written answer." for gid in classgen.written_ids(release)}}


def validate_seconds(path: Path, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run([str(BIN / "nbgrader"), "validate", str(path)], cwd=path.parent,
                              capture_output=True, text=True)
        out.append(time.perf_counter() - t0)
        if proc.returncode != 0 or "Success!" not in proc.stdout:
            print(f"  nbgrader validate did not succeed (exit {proc.returncode}):\n{proc.stdout[-800:]}{proc.stderr[-800:]}")
    return out


def main(argv=None) -> int:
    sys.path.insert(0, str(REPO / "autograder"))
    from depthlab import classgen
    from depthlab.checks.registry import assignments as assignment_names
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--assignments", nargs="*", default=None, help="default: every registered assignment")
    p.add_argument("--repeat", type=int, default=3, help="nbgrader validate runs per assignment (median)")
    p.add_argument("--cell-limit", type=float, default=2.0, help="a public test cell above this is flagged (s)")
    p.add_argument("--validate-limit", type=float, default=15.0, help="Validate above this is flagged (s)")
    p.add_argument("--otter", action="store_true", help="also run the otter student notebooks")
    p.add_argument("--top", type=int, default=3, help="how many of the slowest other cells to list")
    p.add_argument("--timeout", type=int, default=600, help="per-cell timeout of the run (s)")
    args = p.parse_args(argv)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ.setdefault("MPLBACKEND", "Agg")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    over: list[str] = []
    summary = []
    for a in args.assignments or assignment_names():
        with tempfile.TemporaryDirectory(prefix=f"bench-student-{a}-") as tmp:
            folder = Path(tmp) / a
            shutil.copytree(classgen.release_path(a).parent, folder)
            path = folder / f"{a}.ipynb"
            nbformat.write(classgen.fill_release(a, answered(a)), str(path))
            total, cells = run_all(path, args.timeout)
            over += report(f"{a} (release, reference filled in)", total, cells, args.cell_limit, args.top)
            times = validate_seconds(path, args.repeat)
            med = statistics.median(times)
            flag = "  OVER" if med > args.validate_limit else ""
            if flag:
                over.append(f"{a}: nbgrader validate {med:.1f} s > {args.validate_limit} s")
            print(f"  nbgrader validate: median {med:.1f} s, min {min(times):.1f} s of {len(times)}{flag}")
            slowest = max((s for n, s in cells if is_public_test(n)), default=0.0)
            summary.append((a, slowest, med))
            if args.otter:
                otter_nb = REPO / "assignments" / a / "student" / f"{a}.ipynb"
                ofolder = Path(tmp) / "otter"
                shutil.copytree(otter_nb.parent, ofolder)
                opath = ofolder / otter_nb.name
                nbformat.write(classgen.fill_release(a, answered(a), release=otter_nb), str(opath))
                total, cells = run_all(opath, args.timeout)
                over += report(f"{a} (otter, reference filled in)", total, cells, args.cell_limit, args.top)
    print(f"\n{'assignment':<28} {'slowest public test':>20} {'validate (median)':>18}")
    for a, slowest, med in summary:
        print(f"{a:<28} {slowest:>18.2f} s {med:>16.1f} s")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("\n" + ("\n".join("OVER " + o for o in over) if over else
                  f"every public test cell under {args.cell_limit} s, every Validate under {args.validate_limit} s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
