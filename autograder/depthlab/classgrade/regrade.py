"""Regrading after a fix: whose score changed, by how much, and why.

When ``depthlab autograde`` regrades a student who had a stored result (the
checks, the reference, the source notebook or the judge changed, so the
grading fingerprint no longer matches; or the notebook itself changed; or
``--force``), :func:`score_changes` compares the stored result before and
after, test by test.  The run prints the changes (:func:`change_lines`) and
keeps them in ``.depthlab/regrades/<assignment>.json``, which the TA report
shows until the next regrade.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping, Optional

from ..judge.results import NotebookResult
from .store import write_atomic


@dataclass(frozen=True)
class TestChange:
    """One test whose points changed: before, after, and its message now."""

    test: str
    function: Optional[str]
    before: float
    after: float
    message: str


@dataclass(frozen=True)
class ScoreChange:
    """One student whose score changed; ``cause`` says what changed since the last grading."""

    student: str
    before: float
    after: float
    cause: str
    tests: tuple = ()

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 4)


def cause(old: Mapping, new: Mapping) -> str:
    """What differs between two stored entries (``store.ResultStore`` files)."""
    why = []
    if old.get("fingerprint") != new.get("fingerprint"):
        why.append("the checks, reference, source notebook or judge changed")
    if old.get("sha256") != new.get("sha256"):
        why.append("the notebook changed")
    if old.get("engine") != new.get("engine"):
        why.append(f"graded by {new.get('engine')} instead of {old.get('engine')}")
    return "; ".join(why) or "regraded (--force); nothing it depends on changed"


def compare(student: str, old: Mapping, new: Mapping) -> Optional[ScoreChange]:
    """The change between two stored entries of ``student``, or None when the score is the same."""
    before = NotebookResult.from_record(old["record"])
    after = NotebookResult.from_record(new["record"])
    if before.score == after.score:
        return None
    earlier = {t.id: t for t in before.tests}
    tests = []
    for t in after.tests:
        was = earlier.pop(t.id, None)
        if was is None or was.points != t.points:
            tests.append(TestChange(t.id, t.function, was.points if was else 0.0, t.points, t.message))
    for t in earlier.values():    # a test that is no longer there
        tests.append(TestChange(t.id, t.function, t.points, 0.0, "this test is no longer graded"))
    why = cause(old, new)
    if after.error and not before.error:
        why += f"; now not graded: {after.error}"
    return ScoreChange(student, before.score, after.score, why, tuple(tests))


def score_changes(previous: Mapping[str, Optional[Mapping]], current: Mapping[str, Optional[Mapping]]) -> list[ScoreChange]:
    """Every student of ``current`` whose score differs from ``previous`` (stored
    entries by student; a student graded for the first time is not a change),
    largest change first."""
    out = []
    for student, new in current.items():
        old = previous.get(student)
        if old and new:
            change = compare(student, old, new)
            if change:
                out.append(change)
    return sorted(out, key=lambda c: (-abs(c.delta), c.student))


def changes_path(assignment: str, root: Path) -> Path:
    return Path(root) / ".depthlab" / "regrades" / f"{assignment}.json"


def save_changes(assignment: str, root: Path, changes: list[ScoreChange], regraded: int) -> Path:
    """Keep the last regrade's changes for the report (atomically)."""
    data = {"assignment": assignment, "regraded": regraded,
            "when": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "changes": [asdict(c) for c in changes]}
    path = changes_path(assignment, root)
    write_atomic(path, json.dumps(data, indent=1).encode("utf-8"))
    return path


def load_changes(assignment: str, root: Path) -> tuple[str, list[ScoreChange]]:
    """``(when, changes)`` of the last regrade of ``assignment``; ``("", [])`` when none was kept."""
    try:
        data = json.loads(changes_path(assignment, root).read_text(encoding="utf-8"))
        changes = [ScoreChange(**{**c, "tests": tuple(TestChange(**t) for t in c["tests"])}) for c in data["changes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return "", []
    return str(data.get("when", "")), changes


def change_lines(changes: list[ScoreChange]) -> list[str]:
    """The changes as terminal lines: student, before -> after (delta), and each test."""
    if not changes:
        return []
    lines = [f"  scores changed by the last regrade ({len(changes)}):"]
    for c in changes:
        tests = ", ".join(f"{t.test} {t.before:g} -> {t.after:g}" for t in c.tests)
        lines.append(f"    {c.student}: {c.before:g} -> {c.after:g} ({c.delta:+g}): {tests} [{c.cause}]")
    return lines
