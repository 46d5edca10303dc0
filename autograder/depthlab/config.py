"""The grading configuration: one typed object, read once."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


def switched_on(name: str, default: bool = True) -> bool:
    """Whether the on/off environment variable ``name`` is on ("0", "no", "false",
    "off" and their capitalisations are off; unset means ``default``)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() not in ("0", "no", "false", "off")


@dataclass(frozen=True)
class GradingConfig:
    """Limits and choices for one grading run.

    cell_timeout: seconds a student's cell (or a setup cell) may run.
    test_timeout: seconds one function's hidden cases may run together.
    notebook_timeout: seconds a whole notebook may take; what is left then is
        reported as timed out.
    memory_mb: address-space limit of the student's kernel (0: none).
    output_limit: characters of output kept per cell.
    jobs: notebooks graded at once (0: one per core).
    interrupt_grace: seconds a kernel gets to answer an interrupt before it is restarted.
    isolation: "auto" (the strongest level this machine gives; refuses when none is
        safe), "namespace", "landlock" or "none" (unsafe, only when asked): see judge/sandbox.py.
    scratch_mb: size of each notebook's private scratch folder, in MiB.
    """

    cell_timeout: float = 30.0
    test_timeout: float = 20.0
    notebook_timeout: float = 600.0
    memory_mb: int = 4096
    output_limit: int = 20_000
    jobs: int = 0
    interrupt_grace: float = 3.0
    isolation: str = "auto"
    scratch_mb: int = 512

    @classmethod
    def from_env(cls, **overrides) -> "GradingConfig":
        """Defaults, then ``DEPTHLAB_<FIELD>`` environment variables, then ``overrides``."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"DEPTHLAB_{f.name.upper()}")
            if raw:
                kind = type(getattr(cls, f.name))
                values[f.name] = raw if kind is str else kind(float(raw))
        cfg = cls(**values)
        return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def effective_jobs(self) -> int:
        return self.jobs or os.cpu_count() or 1


#: what a failing hidden case may show the student (AssignmentTerms.hidden_cases)
HIDDEN_CASES = ("full", "hint", "after_due")

#: the course's own settings (course id, due dates, extensions, late penalty), beside nbgrader_config.py
COURSE_FILE = "course.toml"


@dataclass(frozen=True)
class AssignmentTerms:
    """When one assignment is due and who has longer.

    due: the due date, timezone-aware UTC (None: no due date, nothing is late).
    extensions: student id -> extra hours (nbgrader's per-submission extension).
    canvas_column: the assignment's column in Canvas's gradebook export, as Canvas
        names it (``"PS1 gradient ratios (4101)"``); empty: the column whose name
        before `` (id)`` is the assignment's name.
    moodle_column: likewise for Moodle's grade export (``"Assignment: PS1 (Real)"``).
    hidden_cases: what a failing hidden case shows the student (:data:`HIDDEN_CASES`):
        "full" (its input and expected value), "hint" (which function failed and the
        hint only) or "after_due" (nothing until the due date, then as "full");
        applied by :mod:`depthlab.judge.visibility`.
    """

    due: object = None
    extensions: tuple = ()
    canvas_column: str = ""
    moodle_column: str = ""
    hidden_cases: str = "full"

    def extension_hours(self, student: str) -> float:
        return dict(self.extensions).get(student, 0.0)


@dataclass(frozen=True)
class CourseConfig:
    """``course.toml`` in the course directory, read once (:func:`load_course`).

    course_id: nbgrader's ``CourseDirectory.course_id`` (a JupyterHub exchange
        serving several courses tells them apart by it).
    late_penalty: "none", "zero" (nbgrader's own LateSubmissionPlugin methods) or
        "per_day" (``per_day`` of the notebook's score per started day late).
    per_day: the fraction of the score a day late costs with "per_day".
    assignments: assignment name -> :class:`AssignmentTerms`.
    hidden_cases: the course-wide default of :attr:`AssignmentTerms.hidden_cases`.
    """

    course_id: str = "depthlab"
    late_penalty: str = "none"
    per_day: float = 0.0
    assignments: tuple = ()
    hidden_cases: str = "full"

    def terms(self, assignment: str) -> AssignmentTerms:
        return dict(self.assignments).get(assignment, AssignmentTerms(hidden_cases=self.hidden_cases))


class CourseConfigError(ValueError):
    """course.toml is unreadable or holds a value we cannot use; the message says which and the fix."""


def load_course(root) -> CourseConfig:
    """``<root>/course.toml`` as a :class:`CourseConfig` (defaults when the file is absent)."""
    import tomllib
    from pathlib import Path
    path = Path(root) / COURSE_FILE
    if not path.is_file():
        return CourseConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseConfigError(f"{path}: not valid TOML ({exc})") from None
    penalty = raw.get("late_penalty", {})
    method = str(penalty.get("method", "none")) if isinstance(penalty, dict) else str(penalty)
    if method not in ("none", "zero", "per_day"):
        raise CourseConfigError(f"{path}: late_penalty.method is {method!r}; use none, zero or per_day")
    per_day = float(penalty.get("per_day", 0.0)) if isinstance(penalty, dict) else 0.0
    if not 0.0 <= per_day <= 1.0:
        raise CourseConfigError(f"{path}: late_penalty.per_day is {per_day}; use a fraction of the score in [0, 1]")
    default_shown = _hidden_cases(raw.get("hidden_cases", "full"), path, "hidden_cases")
    terms = {}
    for name, table in (raw.get("assignments") or {}).items():
        if not isinstance(table, dict):
            raise CourseConfigError(f"{path}: [assignments.{name}] must be a table")
        ext = table.get("extensions") or {}
        try:
            extensions = tuple(sorted((str(s), float(h)) for s, h in ext.items()))
        except (TypeError, ValueError, AttributeError):
            raise CourseConfigError(f"{path}: [assignments.{name}.extensions] maps student ids to hours, "
                                    f"like student003 = 48") from None
        due = _utc(table.get("due"), path, name)
        shown = _hidden_cases(table.get("hidden_cases", default_shown), path, f"[assignments.{name}] hidden_cases")
        if shown == "after_due" and due is None:
            raise CourseConfigError(f"{path}: [assignments.{name}] hidden_cases = \"after_due\" needs a due date: "
                                    f"add due = 2026-10-01T23:59:00Z, or choose \"full\" or \"hint\"")
        terms[name] = AssignmentTerms(due, extensions, str(table.get("canvas_column", "")),
                                      str(table.get("moodle_column", "")), shown)
    if default_shown == "after_due":   # a course-wide after_due needs each assignment's due date
        missing = [a for a, t in terms.items() if t.due is None]
        if missing:
            raise CourseConfigError(f"{path}: hidden_cases = \"after_due\" needs a due date for "
                                    f"{', '.join(sorted(missing))}")
    course_id = str(raw.get("course_id", "depthlab"))
    if not course_id.strip():
        raise CourseConfigError(f"{path}: course_id is empty")
    return CourseConfig(course_id, method, per_day, tuple(sorted(terms.items())), default_shown)


def _hidden_cases(value, path, where: str) -> str:
    if value not in HIDDEN_CASES:
        raise CourseConfigError(f"{path}: {where} is {value!r}; use \"full\" (input and expected value), "
                                f"\"hint\" (which function failed, with the hint) or \"after_due\" "
                                f"(nothing until the due date, then full)")
    return value


def _utc(value, path, name):
    """A due date from TOML (a datetime, or a string nbgrader's parse_utc reads) as aware UTC."""
    import datetime as dt
    if value is None or value == "":
        return None
    if isinstance(value, str):
        import dateutil.parser   # nbgrader's own dependency, and how it reads its due dates
        try:
            value = dateutil.parser.parse(value)
        except (ValueError, OverflowError):
            raise CourseConfigError(f"{path}: [assignments.{name}] due = {value!r} is not a date; "
                                    f"write it like 2026-10-01T23:59:00Z") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59))
    if not isinstance(value, dt.datetime):
        raise CourseConfigError(f"{path}: [assignments.{name}] due must be a date and time")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)
