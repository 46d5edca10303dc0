"""Canvas's gradebook CSV, filled in for Canvas's grade import.

The roster is the file Canvas's Grades > Export writes, laid out as
instructure/canvas-lms ``lib/gradebook_exporter.rb`` (``GradebookExporter#csv_data``)
builds it:

- the header: ``Student`` (or ``LastName``, ``FirstName``), ``ID``, ``SIS User ID``
  (when SIS ids are shown), ``SIS Login ID``, optionally ``Integration ID`` and
  ``Root Account``, ``Section``, custom columns, then one column per assignment
  titled ``<name> (<assignment id>)`` (``title_with_id``), then read-only totals;
- optionally a row for assignments with manual posting (its first cells empty);
- the ``    Points Possible`` row (four leading spaces), read-only columns
  saying ``(read only)``;
- one row per student: the sortable name ``Last, First``, Canvas's user id,
  SIS ids, section, scores with two decimals (``N/A``, ``EX`` for excused);
  the Test Student last.

The output is that same file with each exported assignment's column filled:
every other cell, the ids, the Points Possible row and the rows order are left
as they were, so Canvas's import matches students by ``ID`` and the assignment
by the id in its column title.  An assignment with no column gets a new one
(Canvas's import creates the assignment; its Points Possible from ours).
"""
from __future__ import annotations

import re

from .roster import RosterError, Table, match, norm, score_text

POINTS_POSSIBLE = "Points Possible"
TITLE_WITH_ID = re.compile(r"^(?P<name>.*) \((?P<id>\d+)\)$")
ID_COLUMNS = ("ID", "SIS User ID", "SIS Login ID")


def read_roster(path) -> Table:
    """Canvas's gradebook export, checked for the columns the import needs."""
    table = Table.read(path)
    if "ID" not in table.header or not ({"Student", "LastName"} & set(table.header)):
        raise RosterError(f"{table.path}: not a Canvas gradebook export (its header has no Student and ID columns: "
                          f"{', '.join(table.header[:6])}); in Canvas: Grades > Export > Export Entire Gradebook")
    return table


def student_rows(table: Table) -> list:
    """Indexes of the rows that are students: those with a Canvas user id (the
    manual-posting and Points Possible rows have none)."""
    col = table.column("ID")
    return [i for i, r in enumerate(table.rows) if r[col].strip()
            and r[0].strip() != POINTS_POSSIBLE]


def points_row(table: Table) -> int:
    return next((i for i, r in enumerate(table.rows) if r[0].strip() == POINTS_POSSIBLE), -1)


def row_keys(table: Table):
    """What identifies a Canvas row: its user id, SIS ids and login, its name."""
    cols = {name: table.column(name) for name in (*ID_COLUMNS, "Student", "LastName", "FirstName")}

    def keys(i: int) -> list:
        r = table.rows[i]
        get = lambda name: r[cols[name]].strip() if cols[name] >= 0 else ""   # noqa: E731
        out = [("lms", f"canvas:{get('ID')}")] if get("ID") else []
        out += [("id", norm(get(name))) for name in ID_COLUMNS if get(name)]
        name = get("Student") or f"{get('LastName')}, {get('FirstName')}"
        if norm(name):
            out.append(("name", norm(name)))
        return out
    return keys


def assignment_column(table: Table, assignment: str, wanted: str = "") -> tuple:
    """The column of ``assignment`` (index, created?): the one titled ``wanted``
    (course.toml's ``canvas_column``), else the one whose title before `` (id)``
    is the assignment's name (case, spaces and underscores aside), else a new one."""
    if wanted:
        if wanted not in table.header:
            raise RosterError(f"{table.path}: no column {wanted!r} (canvas_column of {assignment} in course.toml); "
                              f"its assignment columns are: {', '.join(assignment_titles(table)) or 'none'}")
        return table.column(wanted), False
    for i, title in enumerate(table.header):
        m = TITLE_WITH_ID.match(title)
        if m and _loose(m.group("name")) == _loose(assignment):
            return i, False
    return table.add_column(assignment), True


def assignment_titles(table: Table) -> list:
    return [t for t in table.header if TITLE_WITH_ID.match(t)]


def _loose(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().lower()


def fill(table: Table, assignment: str, graded: list, *, wanted: str = "") -> dict:
    """Write ``graded`` (:class:`~.roster.Graded` of one assignment) into
    ``table``; returns what happened (column, created, matched, unknown,
    ambiguous, missing names, points-possible note)."""
    col, created = assignment_column(table, assignment, wanted)
    rows = student_rows(table)
    found = match(graded, rows, row_keys(table))
    for i, g in found.rows.items():
        table.rows[i][col] = score_text(g.score)
    note = ""
    pp = points_row(table)
    max_score = max((g.max_score for g in graded), default=0.0)
    if pp >= 0 and graded:
        theirs = table.rows[pp][col].strip()
        if created or not theirs:
            table.rows[pp][col] = score_text(max_score)
        elif _number(theirs) is not None and abs(_number(theirs) - max_score) > 1e-9:
            note = (f"Canvas's {table.header[col]!r} is worth {theirs} points, depthlab's {assignment} "
                    f"{score_text(max_score)}: the scores are depthlab's points; change one of the two")
    name = lambda i: table.rows[i][0].strip() or table.rows[i][table.column("ID")]   # noqa: E731
    return {"column": table.header[col], "created": created, "matched": found.rows, "unknown": found.unknown,
            "ambiguous": found.ambiguous, "missing": [name(i) for i in found.missing], "note": note}


def _number(text: str):
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None
