"""``grades.csv``: one row per student, one column per test, the total and notes."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from ..judge.results import EventKind, NotebookResult
from .store import write_atomic


def write_grades_csv(results: Iterable[NotebookResult], spec, path: Path) -> Path:
    """One row per student: the points of each test, the total, and notes
    (why a notebook was not graded, integrity flags, timeouts)."""
    test_ids = [t.test_id for t in spec.tests]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *test_ids, "total", "max_total", "notes", "isolation"])
    for r in sorted(results, key=lambda r: r.student or r.notebook):
        points = {t.id: t.points for t in r.tests}
        notes = []
        if r.error:
            notes.append(f"not graded: {r.error}")
        notes += sorted({f.kind for f in r.integrity})
        notes += [e.detail for e in r.events if e.kind in (EventKind.TIMEOUT, EventKind.DIED)]
        w.writerow([r.student or r.notebook, *[f"{points.get(t, 0.0):g}" for t in test_ids],
                    f"{r.score:g}", f"{r.max_score:g}", "; ".join(notes), r.isolation or ""])
    write_atomic(Path(path), buf.getvalue().encode("utf-8"))
    return Path(path)
