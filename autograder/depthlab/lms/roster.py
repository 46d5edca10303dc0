"""An LMS roster (a gradebook CSV the LMS exported) and the graded students
matched to its rows.  :mod:`.canvas` and :mod:`.moodle` say which rows are
students, what identifies a row and which column is an assignment's; the
matching and the filling-in are here, once.

A graded student is matched to a row by the first of these that finds exactly
one row: the LMS's own id (Canvas user id, Moodle participant id), then a
student id, SIS id, login or email, then the name as the LMS writes it.  A
student no row matches is *unknown* (listed, never added); a student row no
graded student matches is *missing* (listed, its cell left as it was).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .identity import Identity, member_id


class RosterError(ValueError):
    """The roster cannot be used; the message names the file, what is wrong and the fix."""


@dataclass(frozen=True)
class Graded:
    """One student's final grade, ready to leave for the LMS.

    group_of: the student whose submission this is, for a group member graded
        with it (Gradescope group submission); "" for one's own.
    """

    student: str
    assignment: str
    score: float
    max_score: float
    identity: Optional[Identity] = None
    group_of: str = ""


@dataclass
class Table:
    """A CSV as rows of strings: ``header`` then every other row, as read."""

    path: Path
    header: list
    rows: list
    newline: str = "\n"
    bom: bool = False     # Canvas writes a byte-order mark when asked (GradebookExporter's include_bom)

    @classmethod
    def read(cls, path: Path) -> "Table":
        path = Path(path)
        try:
            data = path.read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            raise RosterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise RosterError(f"{path}: not UTF-8 text; export the roster again as CSV") from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or not any(rows[0]):
            raise RosterError(f"{path}: empty; export the gradebook from the LMS as CSV")
        width = len(rows[0])
        newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        return cls(path, rows[0], [r + [""] * (width - len(r)) for r in rows[1:]], newline,
                   data.startswith(b"\xef\xbb\xbf"))

    def column(self, name: str) -> int:
        return self.header.index(name) if name in self.header else -1

    def add_column(self, name: str) -> int:
        self.header.append(name)
        for r in self.rows:
            r.append("")
        return len(self.header) - 1

    def text(self) -> str:
        buf = io.StringIO()
        # the line ends the roster came with
        csv.writer(buf, lineterminator=self.newline).writerows([self.header, *self.rows])
        return ("\ufeff" if self.bom else "") + buf.getvalue()


def norm(text: str) -> str:
    """A name or id compared loosely: lower case, letters, digits, @ and . only
    (so Canvas's "Doe, Jane" meets its download name ``doejane``)."""
    return re.sub(r"[^a-z0-9@.]", "", (text or "").lower())


def graded_keys(g: Graded) -> list:
    """(kind, value) pairs one graded student can be found by, strongest first."""
    i = g.identity or Identity()
    keys = [("lms", f"canvas:{i.user_id}") if i.user_id else None,
            ("lms", f"participant:{i.participant_id}") if i.participant_id else None]
    for value in (g.student, i.sid, i.email, i.email.split("@")[0] if i.email else ""):
        if value:
            keys.append(("id", norm(value)))
    for value in (i.name, g.student):
        if value:
            keys.append(("name", norm(value)))
    return [k for k in keys if k]


@dataclass
class Matched:
    """Graded students placed on roster rows."""

    rows: dict = field(default_factory=dict)       # row index -> Graded
    unknown: list = field(default_factory=list)    # Graded no row matches
    ambiguous: list = field(default_factory=list)  # (Graded, [row indexes]) more than one row matches
    missing: list = field(default_factory=list)    # row indexes of students without a grade


def match(graded: list, student_rows: list, row_keys: Callable[[int], list]) -> Matched:
    """Place each of ``graded`` on one of ``student_rows`` (row indexes), by
    the keys ``row_keys(index)`` gives each row (see the module docstring)."""
    index: dict = {}
    for r in student_rows:
        for key in row_keys(r):
            index.setdefault(key, []).append(r)
    out = Matched()
    for g in graded:
        placed = False
        for kind in ("lms", "id", "name"):
            rows = sorted({r for key in graded_keys(g) if key[0] == kind for r in index.get(key, [])})
            if len(rows) == 1 and rows[0] not in out.rows:
                out.rows[rows[0]] = g
                placed = True
                break
            if len(rows) > 1:
                out.ambiguous.append((g, rows))
                placed = True
                break
        if not placed:
            out.unknown.append(g)
    out.missing = [r for r in student_rows if r not in out.rows]
    return out


def score_text(score: float) -> str:
    """A score as both LMSs read it: at most two decimals, no trailing zeros."""
    return f"{round(score, 2):.2f}".rstrip("0").rstrip(".")


def expand_groups(graded: list) -> list:
    """Every member of a group submission gets its grade, not only the one it
    was graded under (Gradescope lists them all in ``:submitters:``)."""
    out = list(graded)
    have = {g.student for g in graded}
    for g in graded:
        members = g.identity.members if g.identity else ()
        for m in members[1:]:
            sid = member_id(m)
            if sid and sid not in have:
                have.add(sid)
                out.append(Graded(sid, g.assignment, g.score, g.max_score, m, group_of=g.student))
    return out
