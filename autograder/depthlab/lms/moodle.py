"""Moodle's grade import CSV.

The roster is the file Moodle's Grades > Export > Plain text file writes, as
in Moodle's own import test fixture (moodle/moodle
``grade/import/csv/tests/load_data_test.php``, ``$csvtext``): the user columns
``First name``, ``Surname`` (``Last name`` in newer language packs), ``ID
number``, ``Institution``, ``Department``, ``Email address``, then one column
per exported grade item, ``<Module>: <item name>`` (with `` (Real)`` when the
display type is shown), ``Course total``, then ``Last downloaded from this
course``.  Moodle's CSV import
(``grade/import/csv/classes/load_data.php``, ``map_user_data_with_value``)
identifies each row's user by a column mapped to ``useremail``,
``useridnumber``, ``username`` or ``userid`` and writes the mapped grade column
into a grade item: so the output is the roster with the assignment's column
filled, keyed by ``Email address`` and ``ID number`` as they were.
"""
from __future__ import annotations

import re

from .roster import RosterError, Table, match, norm, score_text

KEY_COLUMNS = ("Email address", "ID number", "Username")
ITEM = re.compile(r"^(?:[^:]+: )?(?P<name>.*?)(?: \((?:Real|Percentage|Letter)\))?$")


def read_roster(path) -> Table:
    table = Table.read(path)
    if not any(c in table.header for c in KEY_COLUMNS[:2]):
        raise RosterError(f"{table.path}: not a Moodle grade export (no 'Email address' or 'ID number' column; "
                          f"its header: {', '.join(table.header[:6])}); in Moodle: Grades > Export > Plain text "
                          f"file, with the user fields Email address and ID number")
    return table


def student_rows(table: Table) -> list:
    cols = [table.column(c) for c in KEY_COLUMNS if table.column(c) >= 0]
    return [i for i, r in enumerate(table.rows) if any(r[c].strip() for c in cols)]


def row_keys(table: Table):
    cols = {name: table.column(name) for name in (*KEY_COLUMNS, "First name", "Last name")}
    if cols["Last name"] < 0:
        cols["Last name"] = table.column("Surname")

    def keys(i: int) -> list:
        r = table.rows[i]
        get = lambda name: r[cols[name]].strip() if cols[name] >= 0 else ""   # noqa: E731
        out = [("id", norm(get(name))) for name in KEY_COLUMNS if get(name)]
        if get("Email address"):
            out.append(("id", norm(get("Email address").split("@")[0])))
        for name in (f"{get('First name')} {get('Last name')}", f"{get('Last name')}, {get('First name')}"):
            if norm(name):
                out.append(("name", norm(name)))
        return out
    return keys


def assignment_column(table: Table, assignment: str, wanted: str = "") -> tuple:
    """The grade item column of ``assignment`` (index, created?): ``wanted``
    (course.toml's ``moodle_column``), else the item whose name is the
    assignment's, else a new column named after it (map it to a grade item
    when importing)."""
    if wanted:
        if wanted not in table.header:
            raise RosterError(f"{table.path}: no column {wanted!r} (moodle_column of {assignment} in course.toml)")
        return table.column(wanted), False
    loose = lambda s: re.sub(r"[\s_-]+", " ", s).strip().lower()   # noqa: E731
    for i, title in enumerate(table.header):
        m = ITEM.match(title)
        if ":" in title and m and loose(m.group("name")) == loose(assignment):
            return i, False
    return table.add_column(assignment), True


def fill(table: Table, assignment: str, graded: list, *, wanted: str = "") -> dict:
    """Write ``graded`` into ``table`` (see :func:`depthlab.lms.canvas.fill`)."""
    col, created = assignment_column(table, assignment, wanted)
    found = match(graded, student_rows(table), row_keys(table))
    for i, g in found.rows.items():
        table.rows[i][col] = score_text(g.score)
    first, last = table.column("First name"), max(table.column("Last name"), table.column("Surname"))
    ident = next(table.column(c) for c in KEY_COLUMNS if table.column(c) >= 0)
    name = lambda i: (" ".join(table.rows[i][c] for c in (first, last) if c >= 0).strip()   # noqa: E731
                      or table.rows[i][ident])
    return {"column": table.header[col], "created": created, "matched": found.rows, "unknown": found.unknown,
            "ambiguous": found.ambiguous, "missing": [name(i) for i in found.missing], "note": ""}
