"""``depthlab demo``: generate a class for every assignment, grade it in a scratch
nbgrader course, and write the grades, the feedback and the reports.
"""
from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..classgen import generate_class
from ..feedback import feedback
from ..judge.prepare import known_assignments
from ..lms.export import export
from ..paths import course_root
from ..release import release, source_assignments
from ..report import report
from ..text import clip
from .run import autograde
from .store import write_atomic


DEMO_HOSTILE = ("not_a_notebook", "monkeypatch", "edited_test", "infinite_loop")
#: the demo class's Canvas gradebook export (students student001 ... student030)
DEMO_ROSTER = Path("examples") / "canvas_roster.csv"


@dataclass
class DemoResult:
    output: Path
    summaries: dict          # assignment -> BatchSummary
    reports: dict            # assignment -> (html path, text table)
    table: str
    lms_files: dict = None   # assignment -> Canvas import file


def demo(*, root: Optional[Path] = None, out: Optional[Path] = None, students: int = 30, seed: int = 7,
         jobs: int = 0, assignments: Optional[Iterable[str]] = None, stream=None,
         echo: Callable[[str], None] = print) -> DemoResult:
    """Release (if needed), generate a class of ``students`` for every assignment with
    a source notebook and checks, grade it, and write grades, feedback and reports.

    The class is graded in a scratch nbgrader course, ``<out>/course`` (its own
    ``gradebook.db``: open formgrader there), so the course's real gradebook is
    not touched; everything else goes to ``<out>/<assignment>/``.
    """
    root = Path(root or course_root()).resolve()
    out = Path(out or root / "demo-output").resolve()
    names = list(assignments or [a for a in source_assignments(root) if a in known_assignments()])
    if not names:
        raise RuntimeError(f"no assignment has both a source notebook in {root / 'source'} and checks")
    missing = [a for a in names if not (root / "release" / a / f"{a}.ipynb").exists()]
    if missing:
        echo(f"releasing {', '.join(missing)}")
        release(missing, root)
    course = out / "course"
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / "nbgrader_config.py", course / "nbgrader_config.py")
    if (root / "course.toml").is_file():
        shutil.copyfile(root / "course.toml", course / "course.toml")
    summaries, reports = {}, {}
    for a in names:
        shutil.rmtree(course / "source" / a, ignore_errors=True)
        shutil.copytree(root / "source" / a, course / "source" / a)
        hostile = DEMO_HOSTILE if students >= 2 + len(DEMO_HOSTILE) else ()
        # a planted pair (the last student copies the one before, disguised): the report's similar submissions
        generate_class(a, students, course, seed=seed, hostile=hostile, root=course,
                       planted=students >= 4 + len(hostile))
        summaries[a] = autograde(a, None, root=course, jobs=jobs, csv_path=out / a / "grades.csv", stream=stream)
        feedback(a, root=course, out=out / a / "feedback")
        reports[a] = report(a, root=course, out=out / a / "report.html", feedback_dir=out / a / "feedback")
        echo(reports[a][1])
        echo(f"  -> {reports[a][0]}\n")
    table = _scores_table(summaries)
    write_atomic(out / "grades.csv", _scores_csv(summaries).encode("utf-8"))
    echo(table)
    echo(f"\nwrote {out / 'grades.csv'}, and per assignment grades.csv, report.html and feedback/ in {out}")
    lms_files = {}
    if (root / DEMO_ROSTER).is_file():
        for a in names:
            done = export([a], "canvas", out / a / "canvas_import.csv", roster=root / DEMO_ROSTER, root=course)
            lms_files[a] = done.out
            echo(f"{a}: Canvas import file {done.out} ({done.assignments[0].filled} grades; "
                 f"{len(done.problems)} notes in {done.out.name}.summary.txt)")
        echo(f"upload each canvas_import.csv in Canvas: Grades > Import (roster: {root / DEMO_ROSTER})")
    return DemoResult(out, summaries, reports, table, lms_files)


def _scores_grid(summaries: dict) -> tuple[list, list, dict]:
    names = list(summaries)
    students = sorted({r.student for s in summaries.values() for r in s.results if r.student})
    cell = {(r.student, a): r for a, s in summaries.items() for r in s.results}
    return names, students, cell


def _scores_table(summaries: dict) -> str:
    names, students, cell = _scores_grid(summaries)
    short = [a.split("_")[0] for a in names]
    lines = ["student      " + "".join(f"{s:>10}" for s in short) + "   failed tests"]
    for st in students:
        row, failed = [], []
        for a in names:
            r = cell.get((st, a))
            if r is None:
                row.append(f"{'-':>10}")
                continue
            row.append(f"{'n/g' if r.error else format(r.score, 'g'):>10}")
            failed += [t.function or t.id for t in r.tests if not t.passed and not r.error]
        lines.append(f"{st:<13}" + "".join(row) + "   " + clip(", ".join(failed), 70))
    maxes = [max((r.max_score for r in summaries[a].results), default=0) for a in names]
    lines.append(f"{'(max)':<13}" + "".join(f"{m:>10g}" for m in maxes))
    return "\n".join(lines)


def _scores_csv(summaries: dict) -> str:
    names, students, cell = _scores_grid(summaries)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *names])
    for st in students:
        w.writerow([st, *[(f"{cell[(st, a)].score:g}" if (st, a) in cell else "") for a in names]])
    return buf.getvalue()
