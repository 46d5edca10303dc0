"""Collect the submissions of one assignment into nbgrader's layout of the course,
``submitted/<student>/<assignment>/<assignment>.ipynb``: from that layout itself,
a folder of notebooks, one notebook, or an LMS/Gradescope zip (extracted
safely: no absolute paths, no ``..``, no links, no bombs).  Also rewrites a
notebook nbgrader would refuse for a form it reads.

What an LMS download's names carry (Canvas's user id, submission id and
``LATE`` marker, Moodle's participant id, Gradescope's submitters: see
:mod:`depthlab.lms.identity`) is kept in ``.depthlab/identities/<a>.json``
(:mod:`.identities`), and when the submission was made goes into
``timestamp.txt`` beside the notebook, in nbgrader's format, so nbgrader's
due dates, extensions and late penalties apply.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Optional

import nbformat

try:
    import yaml   # only for Gradescope's submission_metadata.yml: optional
except ImportError:
    yaml = None

from ..config import AssignmentTerms
from ..judge.notebook import CELL_ID, SubmissionError, read_notebook, with_cell_ids
from ..lms import identity as lms
from ..lms.identity import Identity
from ..paths import course_root
from .identities import save_identities
from .store import write_atomic

#: limits for one uploaded file (the grader refuses notebooks over 50 MB anyway)
MAX_MEMBER_BYTES = 50_000_000
#: limits for a whole zip
MAX_TOTAL_BYTES = 2_000_000_000
MAX_MEMBERS = 10_000
#: a member this much smaller compressed than uncompressed (and over 1 MB) is a bomb
MAX_RATIO = 200
IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Submission:
    """One student's notebook, in the course's ``submitted/`` folder.

    rejected: why the upload was refused (then ``path`` is None): an unsafe or
        oversized zip member a student id could still be read from.
    """

    student: str
    path: Optional[Path]
    origin: str
    rejected: str = ""
    identity: Optional[Identity] = None
    submitted_at: Optional[dt.datetime] = None


@dataclass
class Collected:
    submissions: list = field(default_factory=list)
    problems: list = field(default_factory=list)   # one human line per bad member or file


def safe_id(text: str) -> str:
    """A student id usable as a folder name and a gradebook id."""
    out = re.sub(r"[^A-Za-z0-9_.@-]+", "-", text).strip("-.")
    return out[:80] or "unknown"


def student_from_name(member: str, assignment: str, gradescope: Optional[dict] = None) -> str:
    """The student id a file name carries.

    - Gradescope export ``submission_<n>/<any>.ipynb``: the first submitter's
      student id (``:sid:``, else the email's local part) from
      ``submission_metadata.yml`` if given (``gradescope``: folder -> Identity or id),
      else ``submission_<n>``;
    - Canvas ``<student>_[LATE_]<user id>_<submission id>_<file>.ipynb``: ``<student>``;
    - Moodle ``<full name>_<participant id>_assignsubmission_file_/<file>``: the
      name (``participant<id>`` under blind marking);
    - ``<folder>/<assignment>.ipynb`` (one folder per student): the folder name;
    - anything else: the file name without ``.ipynb`` and without the assignment name.
    """
    parts = PurePosixPath(member).parts
    stem = PurePosixPath(member).stem
    folder = lms.gradescope_folder(member)
    if folder:
        who = (gradescope or {}).get(folder)
        return safe_id((lms.member_id(who) if isinstance(who, Identity) else who) or folder)
    found = lms.canvas(member)
    if found:
        return safe_id(found.name)
    found = lms.moodle(member)
    if found:
        blind = found.name.lower() == "participant"
        return safe_id(f"participant{found.participant_id}" if blind else found.name)
    if len(parts) > 1 and (stem == assignment or stem.lower() in ("submission", "notebook")):
        return safe_id(parts[-2])
    cleaned = re.sub(rf"[-_ ]*{re.escape(assignment)}[-_ ]*", "", stem, flags=re.I) if stem != assignment else stem
    return safe_id(cleaned or stem)


def identity_of(member: str, gradescope: dict) -> Optional[Identity]:
    """What the LMS's name for ``member`` says about its owner (None: a plain file)."""
    folder = lms.gradescope_folder(member)
    if folder:
        return gradescope.get(folder)
    return lms.canvas(member) or lms.moodle(member)


def submission_time(info: zipfile.ZipInfo, who: Optional[Identity], terms: AssignmentTerms,
                    problems: list) -> Optional[dt.datetime]:
    """When an LMS zip member was submitted (aware UTC), or None when nothing says.

    Gradescope's metadata gives the time; otherwise an LMS's zip member carries
    its time (read as UTC).  Canvas's ``LATE`` marker (after Canvas's due date)
    decides lateness against the due date whatever that time says: a late one
    whose time is not after the due date counts one second after it, an
    on-time one whose time is after it counts as at the due date (each said
    once in ``problems``).  The student's extension then applies in nbgrader."""
    if who is None:
        return None
    if who.submitted_at is not None:
        return who.submitted_at
    try:
        when = dt.datetime(*info.date_time, tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    if who.lms != "canvas" or terms.due is None:
        return when
    if who.late and when <= terms.due:
        problems.append(f"{info.filename}: Canvas marks it late but the zip's time ({when:%Y-%m-%d %H:%M} UTC) is not "
                        f"after the due date; counted 1 second late")
        return terms.due + dt.timedelta(seconds=1)
    if not who.late and when > terms.due:
        problems.append(f"{info.filename}: Canvas marks it on time; the zip's time ({when:%Y-%m-%d %H:%M} UTC) "
                        f"is after the due date; counted as submitted at the due date")
        return terms.due
    return when


def _unique(student: str, taken: dict, origin: str, problems: list) -> str:
    if student not in taken:
        taken[student] = origin
        return student
    k = 2
    while f"{student}-{k}" in taken:
        k += 1
    new = f"{student}-{k}"
    problems.append(f"{origin}: student id {student!r} already taken by {taken[student]}; graded as {new!r}")
    taken[new] = origin
    return new


def _place(root: Path, assignment: str, student: str, data: bytes, when: Optional[dt.datetime] = None) -> Path:
    """Put a notebook where nbgrader looks for it (unchanged files are not rewritten),
    and when it was submitted in ``timestamp.txt`` beside it, as nbgrader's exchange writes it."""
    dest = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    if not (dest.is_file() and dest.read_bytes() == data):
        write_atomic(dest, data)
    if when is not None:
        stamp = (lms.nbgrader_timestamp(when) + "\n").encode()
        if not (dest.parent / "timestamp.txt").is_file() or (dest.parent / "timestamp.txt").read_bytes() != stamp:
            write_atomic(dest.parent / "timestamp.txt", stamp)
    return dest


def collect(assignment: str, source: Optional[Path] = None, *, root: Optional[Path] = None,
            terms: Optional[AssignmentTerms] = None) -> Collected:
    """Every submission of ``assignment`` from ``source`` (default: ``submitted/``).

    terms: the assignment's due date and extensions (for Canvas's ``LATE`` marker)."""
    root = Path(root or course_root())
    submitted = root / "submitted"
    if source is None or Path(source).resolve() == submitted.resolve():
        return _collect_submitted(assignment, submitted)
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist")
    if source.is_dir():
        if any(source.glob(f"*/{assignment}/{assignment}.ipynb")):
            out = _collect_submitted(assignment, source)
            return _copy_in(out, root, assignment)
        out = _collect_folder(assignment, source, root)
        save_identities(root, assignment, {s.student: s.identity for s in out.submissions if s.identity})
        return out
    if zipfile.is_zipfile(source):
        out = _collect_zip(assignment, source, root, terms or AssignmentTerms())
        save_identities(root, assignment, {s.student: s.identity for s in out.submissions if s.identity})
        return out
    if source.suffix == ".ipynb":
        out = Collected()
        data = source.read_bytes()
        student = student_from_name(source.name, assignment)
        out.submissions.append(Submission(student, _place(root, assignment, student, data), str(source)))
        return out
    raise ValueError(f"{source} is neither a folder of notebooks, a zip file nor a notebook")


def _collect_submitted(assignment: str, submitted: Path) -> Collected:
    out = Collected()
    if not submitted.is_dir():
        return out
    for folder in sorted(p for p in submitted.iterdir() if p.is_dir()):
        nb = folder / assignment / f"{assignment}.ipynb"
        if nb.is_file() and not nb.is_symlink():
            out.submissions.append(Submission(folder.name, nb, str(nb)))
        elif nb.is_symlink():
            out.problems.append(f"{nb}: a symbolic link, not graded")
            out.submissions.append(Submission(folder.name, None, str(nb), "the submitted file is a symbolic link"))
        elif (folder / assignment).is_dir():
            others = sorted(p.name for p in (folder / assignment).glob("*.ipynb"))
            why = (f"no {assignment}.ipynb in {folder / assignment}"
                   + (f" (found {', '.join(others)}: rename it to {assignment}.ipynb)" if others else ""))
            out.problems.append(why)
            out.submissions.append(Submission(folder.name, None, str(folder / assignment), why))
    return out


def _copy_in(found: Collected, root: Path, assignment: str) -> Collected:
    out = Collected(problems=list(found.problems))
    for s in found.submissions:
        if s.path is None:
            out.submissions.append(s)
            continue
        if s.path.stat().st_size > MAX_MEMBER_BYTES:
            out.submissions.append(Submission(s.student, None, s.origin, _too_big(s.path.stat().st_size)))
            continue
        out.submissions.append(Submission(s.student, _place(root, assignment, s.student, s.path.read_bytes()), s.origin))
    return out


def _too_big(size: int) -> str:
    return f"the file is {size / 1e6:.0f} MB; notebooks over {MAX_MEMBER_BYTES // 1_000_000} MB are not graded"


def _collect_folder(assignment: str, folder: Path, root: Path) -> Collected:
    out = Collected()
    taken: dict = {}
    files = sorted(list(folder.glob("*.ipynb")) + list(folder.glob("*/*.ipynb")))
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if any(part in IGNORED_PARTS or part.startswith(".") for part in PurePosixPath(rel).parts):
            continue
        student = _unique(student_from_name(rel, assignment), taken, rel, out.problems)
        if path.is_symlink():
            out.problems.append(f"{rel}: a symbolic link, not graded")
            out.submissions.append(Submission(student, None, rel, "the file is a symbolic link"))
            continue
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            out.problems.append(f"{rel}: {_too_big(size)}")
            out.submissions.append(Submission(student, None, rel, _too_big(size)))
            continue
        out.submissions.append(Submission(student, _place(root, assignment, student, path.read_bytes()), rel, "",
                                          identity_of(rel, {})))
    return out


def _gradescope_ids(zf: zipfile.ZipFile, problems: list) -> dict:
    """``submission_<n>`` -> :class:`Identity`, from Gradescope's ``submission_metadata.yml``."""
    names = [n for n in zf.namelist() if PurePosixPath(n).name == "submission_metadata.yml"
             and not any(p in IGNORED_PARTS for p in PurePosixPath(n).parts)]
    if not names:
        return {}
    info = zf.getinfo(names[0])
    if info.file_size > 5_000_000:
        problems.append(f"{names[0]}: over 5 MB, not read; students are named by their submission folder")
        return {}
    if yaml is None:
        problems.append(f"{names[0]}: PyYAML is not installed, so it is not read; students are named by their "
                        f"submission folder")
        return {}
    try:
        data = yaml.safe_load(zf.read(info)) or {}
    except (yaml.YAMLError, zipfile.BadZipFile, zlib.error, OSError) as exc:
        problems.append(f"{names[0]}: could not be read ({exc.__class__.__name__}); students are named by their "
                        f"submission folder")
        return {}
    return lms.gradescope_metadata(data)


def member_problem(info: zipfile.ZipInfo) -> Optional[str]:
    """Why a zip member must not be extracted, or None (size read back is checked later)."""
    name = info.filename
    mode = (info.external_attr >> 16) & 0o170000
    if "\x00" in name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if any(part == ".." for part in re.split(r"[\\/]", name)):
        return "a path leaving the folder (..)"
    if mode == stat.S_IFLNK:
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > MAX_MEMBER_BYTES:
        return _too_big(info.file_size)
    if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"compressed {info.file_size // max(info.compress_size, 1)}:1 "
                f"({info.compress_size} bytes to {info.file_size}): treated as a zip bomb")
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than the limit whatever its header claims."""
    with zf.open(info) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ValueError(_too_big(len(data)) + " (its header said less)")
    return data


def _collect_zip(assignment: str, path: Path, root: Path, terms: AssignmentTerms) -> Collected:
    out = Collected()
    taken: dict = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path} could not be opened as a zip file: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            out.problems.append(f"{path.name}: {len(infos)} members; only the first {MAX_MEMBERS} are read")
            infos = infos[:MAX_MEMBERS]
        gradescope = _gradescope_ids(zf, out.problems)
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if info.is_dir() or not parts or any(p in IGNORED_PARTS for p in parts) or parts[-1].startswith("."):
                continue   # folders, macOS metadata, checkpoints, hidden files
            if not name.lower().endswith(".ipynb"):
                if PurePosixPath(name).name != "submission_metadata.yml":
                    out.problems.append(f"{name}: not a notebook (.ipynb), skipped")
                continue
            student = _unique(student_from_name(name.replace("\\", "/"), assignment, gradescope), taken, name,
                              out.problems)
            why = member_problem(info)
            if why is None and total + info.file_size > MAX_TOTAL_BYTES:
                why = f"the zip holds more than {MAX_TOTAL_BYTES // 1_000_000_000} GB of notebooks; the rest is not read"
            data = b""
            if why is None:
                try:
                    data = _read_member(zf, info)
                except ValueError as exc:
                    why = str(exc)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                    why = f"could not be extracted ({exc.__class__.__name__}: {exc})"
            if why:
                out.problems.append(f"{name}: {why}; not graded")
                out.submissions.append(Submission(student, None, name, f"the uploaded file was refused: {why}",
                                                  identity_of(name.replace("\\", "/"), gradescope)))
                continue
            total += len(data)
            who = identity_of(name.replace("\\", "/"), gradescope)
            when = submission_time(info, who, terms, out.problems)
            out.submissions.append(Submission(student, _place(root, assignment, student, data, when), name, "", who,
                                              when))
    return out


def normalise_for_nbgrader(path: Path) -> bool:
    """Rewrite a readable notebook nbgrader would refuse (nbformat 3 or 4.0-4.4,
    missing, malformed or duplicated cell ids) as nbformat 4.5 with unique ids
    (:func:`~depthlab.judge.notebook.with_cell_ids`), in place, as the nbgrader
    engine does for single notebooks.  Returns whether it rewrote it; unreadable
    files are left for grading to report."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, OSError, RecursionError):
        return False
    if nbgrader_reads_as_is(raw):
        return False
    return _rewrite_for_nbgrader(path)


def nbgrader_reads_as_is(raw) -> bool:
    """Whether a notebook's parsed JSON is nbformat 4.5 or later whose every cell is an
    object with a valid id no other cell has: one :func:`~depthlab.judge.notebook.with_cell_ids`
    would not change (a test holds them to that), decided without nbformat's read,
    validation and copies, which cost the batch's own process 20 ms a notebook before grading."""
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        return False
    minor, cells = raw.get("nbformat_minor"), raw.get("cells")
    if not (isinstance(minor, int) and minor >= 5 and isinstance(cells, list)):
        return False
    ids = [c.get("id") if isinstance(c, dict) else None for c in cells]
    return all(isinstance(i, str) and CELL_ID.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)


def _rewrite_for_nbgrader(path: Path) -> bool:
    """Rewrite ``path`` (one :func:`nbgrader_reads_as_is` refused) as nbformat 4.5 with
    unique ids; False, leaving it, when nbformat cannot read it."""
    try:
        nb = with_cell_ids(read_notebook(path))
    except (SubmissionError, ValueError, OSError):
        return False
    write_atomic(path, nbformat.writes(nb).encode("utf-8"))
    return True
