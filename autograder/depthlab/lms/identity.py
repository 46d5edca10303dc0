"""Who submitted, and when: read from the names an LMS gives its downloads.

Each layout is read as the LMS writes it:

- **Canvas** "Download Submissions" zip: one file per submitted file, named
  ``<name>[_LATE]_<user id>_<attachment id>_<original file name>``, the name
  being the student's sortable name lowercased without punctuation, ``LATE``
  when Canvas marked the submission late, and a ``-<n>`` before the extension
  for a resubmitted file.  Layout as shown by tools that unpack these zips:
  https://github.com/mikewesthad/canvas-unzipper (README,
  ``smithbob_340934_208490284_BobsWork.zip``) and
  https://github.com/TimHanneman/Canvas_submission_sort (README: "the naming
  convention also includes an extra field if the assignment was submitted
  late ... a number is added at the end of the filename").
- **Moodle** "Download all submissions": a folder per participant,
  ``<full name>_<participant id>_assignsubmission_file_`` (folders are seen
  with and without the trailing ``_``; without folders the prefix starts each
  file name), built in moodle/moodle ``mod/assign/locallib.php``,
  ``download_submissions()``:
  ``clean_filename(fullname . '_' . get_uniqueid_for_user($userid))`` then
  ``'_' . subtype . '_' . type``; with blind marking the name is "Participant".
- **Gradescope** "Export Submissions": a folder ``submission_<id>/`` per
  submission and ``submission_metadata.yml`` mapping each folder to its
  ``:submitters:`` (``:name:``, ``:sid:``, ``:email:``; several for a group
  submission) and ``:created_at:``, Ruby symbols as keys.  As read by
  otter-grader's old Gradescope parser (ucbds-infra/otter-grader, issue #20
  and pull request #58 "Fix gradescope parser to handle group submissions":
  ``for submitter in metadata[folder][":submitters"]``) and by scripts reading
  these exports (``submissions[s][":submitters"][0][":sid"]``,
  ``submissions[s][":created_at"]``).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional


@dataclass(frozen=True)
class Identity:
    """One submission's owner as the LMS named it (empty fields: not given).

    lms: "canvas", "moodle", "gradescope" or "" (a plain file or folder).
    name: the name the LMS wrote (Canvas: the sortable name run together).
    user_id: Canvas's user id (the ``ID`` column of its gradebook export).
    submission_id: Canvas's attachment id, Gradescope's submission folder.
    participant_id: Moodle's participant id (its grading worksheet's "Participant N").
    email, sid: Gradescope's submitter email and student id.
    late: the LMS marked the submission late (Canvas's ``LATE``).
    submitted_at: when it was submitted (aware UTC), when the LMS says.
    members: every student of a group submission (Gradescope), the grader first.
    """

    lms: str = ""
    name: str = ""
    user_id: str = ""
    submission_id: str = ""
    participant_id: str = ""
    email: str = ""
    sid: str = ""
    late: bool = False
    submitted_at: Optional[dt.datetime] = None
    members: tuple = ()

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if v not in ("", None, (), False)}
        if self.submitted_at:
            out["submitted_at"] = self.submitted_at.isoformat()
        if self.members:
            out["members"] = [m.to_json() for m in self.members]
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Identity":
        data = dict(data)
        if data.get("submitted_at"):
            data["submitted_at"] = dt.datetime.fromisoformat(data["submitted_at"])
        data["members"] = tuple(cls.from_json(m) for m in data.get("members", ()))
        return cls(**data)


CANVAS = re.compile(r"^(?P<name>[^_/]+?)_(?:(?P<late>late|LATE)_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<rest>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_[a-z]+_(?P<rest>.+)$")
GRADESCOPE = re.compile(r"^submission_\d+$")


def canvas(member: str) -> Optional[Identity]:
    """The identity in a Canvas download name, or None when it is not one."""
    m = CANVAS.match(PurePosixPath(member).name)
    if not m:
        return None
    return Identity("canvas", m.group("name"), m.group("user"), m.group("sub"), late=bool(m.group("late")))


def moodle(member: str) -> Optional[Identity]:
    """The identity in a Moodle download name (its folder, or the file name when
    the zip was made without folders), or None."""
    path = PurePosixPath(member)
    for part in path.parts[:-1]:
        m = MOODLE.match(part)
        if m:
            return Identity("moodle", m.group("name"), participant_id=m.group("participant"))
    m = MOODLE_FILE.match(path.name)
    return Identity("moodle", m.group("name"), participant_id=m.group("participant")) if m else None


def gradescope_folder(member: str) -> str:
    """The ``submission_<id>`` folder a Gradescope export member is in, or ""."""
    return next((p for p in PurePosixPath(member).parts[:-1] if GRADESCOPE.match(p)), "")


def gradescope_metadata(data: dict) -> dict:
    """``submission_<id>`` -> :class:`Identity` (members: every submitter), from
    the parsed ``submission_metadata.yml``.  Keys may carry Ruby's leading colon
    (``:submitters:``) or not."""
    out = {}
    for folder, entry in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(entry, dict):
            continue
        subs = [s for s in _get(entry, "submitters") or [] if isinstance(s, dict)]
        members = tuple(Identity("gradescope", str(_get(s, "name") or ""), email=str(_get(s, "email") or ""),
                                 sid=str(_get(s, "sid") or ""), submission_id=str(folder)) for s in subs)
        if not members:
            continue
        when = _when(_get(entry, "created_at"))
        first = members[0]
        out[str(folder)] = Identity("gradescope", first.name, submission_id=str(folder), email=first.email,
                                    sid=first.sid, submitted_at=when, members=members)
    return out


def _get(entry: dict, key: str):
    return entry.get(f":{key}", entry.get(key))


def _when(value) -> Optional[dt.datetime]:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str) and value.strip():
        import dateutil.parser   # nbgrader's dependency; reads Gradescope's "2026-09-30 21:14:03.812 -0700"
        try:
            parsed = dateutil.parser.parse(value)
        except (ValueError, OverflowError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return None


def member_id(identity: Identity) -> str:
    """The student id a Gradescope submitter is graded under: the sid, else the email's local part, else the name."""
    return identity.sid or identity.email.split("@")[0] or identity.name


#: nbgrader's timestamp format (nbgrader/exchange/abc/exchange.py, ``Exchange.timestamp_format``);
#: ``timestamp.txt`` beside a submitted notebook holds one, read with nbgrader.utils.parse_utc
NBGRADER_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f %Z"


def nbgrader_timestamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime(NBGRADER_TIMESTAMP)
