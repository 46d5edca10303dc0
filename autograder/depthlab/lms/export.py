"""``depthlab export ASSIGNMENT... --format canvas|moodle|nbgrader|csv``: each
student's final grade (:func:`depthlab.classgrade.gradebook.final_grades`:
auto-graded points, the TA's written-answer scores, the late penalty) out of
the gradebook into a file an LMS imports.  A class graded without the gradebook
(``--engine direct`` or ``otter``) exports from depthlab's result store
(:mod:`depthlab.classgrade.final_store`: no TA scores, said in the summary),
except ``nbgrader``, which is nbgrader's own export of its gradebook.

- ``canvas``: the roster (Canvas's gradebook export) with the assignments'
  columns filled (:mod:`.canvas`);
- ``moodle``: the roster (Moodle's grade export) with them filled (:mod:`.moodle`);
- ``nbgrader``: nbgrader's own export (its ``CsvExportPlugin``), unchanged;
- ``csv``: one row per student and assignment, with how the grade is made up.

Members of a group submission get its grade (:func:`.roster.expand_groups`).
Students no roster row matches and roster students without a grade are
returned in :class:`ExportSummary` (and written beside the output), never
dropped or invented.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..classgrade.final_store import NOTE as STORE_NOTE, store_final_grades
from ..classgrade.gradebook import final_grades, open_gradebook
from ..classgrade.identities import load_identities
from ..classgrade.store import write_atomic
from ..config import load_course
from . import canvas, moodle
from .roster import Graded, RosterError, expand_groups, score_text

FORMATS = ("canvas", "moodle", "nbgrader", "csv")
LAYOUTS = {"canvas": canvas, "moodle": moodle}


@dataclass
class AssignmentExport:
    """What the export did for one assignment."""

    assignment: str
    column: str = ""
    created: bool = False
    filled: int = 0
    unknown: list = field(default_factory=list)     # graded students no roster row matches
    ambiguous: list = field(default_factory=list)   # (student, [roster names]) matching several rows
    missing: list = field(default_factory=list)     # roster students without a grade
    notes: list = field(default_factory=list)


@dataclass
class ExportSummary:
    fmt: str
    out: Path
    assignments: list

    @property
    def problems(self) -> list:
        """One line per student left out or without a grade, and per note."""
        lines = []
        for a in self.assignments:
            lines += [f"{a.assignment}: {u} was graded but is not in the roster; not written" for u in a.unknown]
            lines += [f"{a.assignment}: {s} matches several roster rows ({', '.join(rows)}); not written"
                      for s, rows in a.ambiguous]
            lines += [f"{a.assignment}: {m} (roster) has no graded submission; cell left as it was"
                      for m in a.missing]
            lines += [f"{a.assignment}: {n}" for n in a.notes]
        return lines

    def text(self) -> str:
        lines = [f"{self.fmt} export: {self.out}"]
        for a in self.assignments:
            where = f" into column {a.column!r}" + (" (new: the LMS creates the assignment)" if a.created else "")
            lines.append(f"  {a.assignment}: {a.filled} grades{where if a.column else ''}; "
                         f"{len(a.unknown)} not in the roster, {len(a.missing)} in the roster without a grade")
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def class_final_grades(assignment: str, root: Path, notes: Optional[list] = None) -> list:
    """The assignment's :class:`~depthlab.classgrade.gradebook.FinalGrade` list: from nbgrader's
    gradebook, or, for a class graded without it (direct or otter engine), from depthlab's
    result store (then a line in ``notes`` says what that leaves out)."""
    try:
        return final_grades(assignment, root)
    except (FileNotFoundError, ValueError):
        grades = store_final_grades(assignment, root)
        if not grades:
            raise
        if notes is not None:
            notes.append(STORE_NOTE)
        return grades


def graded(assignment: str, root: Path, notes: Optional[list] = None, grades: Optional[list] = None) -> list:
    """The assignment's final grades as :class:`~.roster.Graded`, group members included
    (``grades``: its :func:`class_final_grades`, when the caller has them already)."""
    who = load_identities(root, assignment)
    if grades is None:
        grades = class_final_grades(assignment, root, notes)
    return expand_groups([Graded(g.student, assignment, g.score, g.max_score, who.get(g.student)) for g in grades])


def export(assignments, fmt: str, out: Path, *, roster: Optional[Path] = None, root: Path) -> ExportSummary:
    """Write the final grades of ``assignments`` to ``out`` in ``fmt``; see the module docstring.
    The summary is also written to ``<out>.summary.txt``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    root, out = Path(root), Path(out)
    names = list(assignments)
    if fmt in LAYOUTS:
        if roster is None:
            raise RosterError(f"--format {fmt} needs --roster: the gradebook CSV exported from "
                              + ("Canvas (Grades > Export)" if fmt == "canvas" else
                                 "Moodle (Grades > Export > Plain text file)"))
        done = _fill_roster(LAYOUTS[fmt], names, Path(roster), out, root)
    elif fmt == "nbgrader":
        done = _nbgrader(names, out, root)
    else:
        done = _csv(names, out, root)
    summary = ExportSummary(fmt, out, done)
    write_atomic(out.with_name(out.name + ".summary.txt"), (summary.text() + "\n").encode("utf-8"))
    return summary


def _fill_roster(layout, names: list, roster: Path, out: Path, root: Path) -> list:
    table = layout.read_roster(roster)
    course = load_course(root)
    done = []
    for a in names:
        terms = course.terms(a)
        notes: list = []
        res = layout.fill(table, a, graded(a, root, notes),
                          wanted=terms.canvas_column if layout is canvas else terms.moodle_column)
        done.append(AssignmentExport(a, res["column"], res["created"], len(res["matched"]),
                                     [_who(g) for g in res["unknown"]],
                                     [(_who(g), [table.rows[i][0] for i in rows]) for g, rows in res["ambiguous"]],
                                     res["missing"], notes + ([res["note"]] if res["note"] else [])))
    write_atomic(out, table.text().encode("utf-8"))
    return done


def _who(g: Graded) -> str:
    i = g.identity
    extra = [x for x in ((i.name if i else ""), (f"Canvas id {i.user_id}" if i and i.user_id else ""),
                         (f"group of {g.group_of}" if g.group_of else "")) if x]
    return g.student + (f" ({', '.join(extra)})" if extra else "")


def _nbgrader(names: list, out: Path, root: Path) -> list:
    """nbgrader's own CSV, written by its CsvExportPlugin from the same gradebook."""
    from nbgrader.plugins import CsvExportPlugin   # heavy: lazy
    out.parent.mkdir(parents=True, exist_ok=True)
    plugin = CsvExportPlugin(to=str(out), assignment=names)
    with open_gradebook(root) as gb:
        plugin.export(gb)
    return [AssignmentExport(a, filled=len(final_grades(a, root))) for a in names]


CSV_COLUMNS = ("assignment", "student", "score", "max_score", "auto", "manual", "late_penalty", "raw_score",
               "needs_manual_grade", "timestamp", "duedate", "seconds_late", "group_of", "lms", "lms_user_id",
               "email")


def _csv(names: list, out: Path, root: Path) -> list:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    done = []
    for a in names:
        notes: list = []
        finals = class_final_grades(a, root, notes)   # read once: the rows and how each is made up
        grades = {g.student: g for g in finals}
        rows = graded(a, root, grades=finals)
        for g in rows:
            f = grades.get(g.group_of or g.student)
            i = g.identity
            w.writerow([a, g.student, score_text(g.score), score_text(g.max_score), score_text(f.auto),
                        score_text(f.manual), score_text(f.penalty), score_text(f.raw),
                        "yes" if f.needs_manual else "", f.timestamp or "", f.duedate or "",
                        f"{f.seconds_late:g}", g.group_of, i.lms if i else "", i.user_id if i else "",
                        i.email if i else ""])
        done.append(AssignmentExport(a, filled=len(rows), notes=notes))
    write_atomic(out, buf.getvalue().encode("utf-8"))
    return done
