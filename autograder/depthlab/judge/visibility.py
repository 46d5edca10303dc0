"""What a failing hidden case shows the student, per assignment (course.toml's ``hidden_cases``).

- ``full``: the failing case's input, the expected value, what came back and the hint;
- ``hint``: which function failed and the hint, no input and no expected value;
- ``after_due``: only that the function failed, until the due date; then as ``full``.

One function, :func:`for_students`, makes the student's copy of a result; every
place a student reads a result uses it: depthlab's feedback pages
(:mod:`depthlab.feedback`), the test cells' outputs nbgrader's feedback shows
(:mod:`depthlab.engines.nbgrader_engine`), and otter's results for Gradescope
(:mod:`depthlab.engines.otter_plugin`, which also sets each test's Gradescope
``visibility``, :func:`gradescope_visibility`).  The stored result, the TA
report and ``depthlab grade --json`` keep everything: they are the instructor's.

A failing case the notebook itself shows (a public case) is not hidden: it is
shown in full whatever the setting.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Optional

from .results import NotebookResult, Status, TestResult

FULL, HINT, AFTER_DUE = "full", "hint", "after_due"
#: statuses whose message can carry a hidden case's input (the others say "not defined", an integrity note...)
_CASE_STATUSES = (Status.GRADED, Status.TIMEOUT, Status.DIED)


def shown_now(shown: str, due: Optional[dt.datetime] = None, now: Optional[dt.datetime] = None) -> str:
    """The setting in force at ``now`` (default: the current time): ``after_due`` becomes
    ``full`` once the due date has passed (never without a due date)."""
    if shown != AFTER_DUE:
        return shown
    now = now or dt.datetime.now(dt.timezone.utc)
    return FULL if due is not None and now >= due else AFTER_DUE


def _redacted(t: TestResult, shown: str, due: Optional[dt.datetime]) -> TestResult:
    if t.passed or t.status not in _CASE_STATUSES:
        return t
    first = next((c for c in t.cases if not c.passed), None)
    if first is not None and first.public:
        return t   # the notebook shows this case already
    name = t.function or t.id
    if shown == HINT:
        message = f"{name}: fails on a hidden case." + (f" Hint: {t.hint}" if t.hint else "")
        hint = t.hint
    else:
        when = f" ({due:%Y-%m-%d %H:%M} UTC)" if due is not None else ""
        message = f"{name}: fails on a hidden case; which one is shown after the due date{when}."
        hint = ""
    cases = tuple(c for c in t.cases if c.passed or c.public)
    return replace(t, message=message, problem="", hint=hint, cases=cases)


def for_students(result: NotebookResult, shown: str, due: Optional[dt.datetime] = None,
                 now: Optional[dt.datetime] = None) -> NotebookResult:
    """The copy of ``result`` a student may read under the setting ``shown`` (see the module docstring)."""
    shown = shown_now(shown, due, now)
    if shown == FULL:
        return result
    return replace(result, tests=tuple(_redacted(t, shown, due) for t in result.tests))


def gradescope_visibility(shown: str, test: TestResult) -> str:
    """A test's ``visibility`` in Gradescope's results.json (``hidden``, ``after_due_date``,
    ``after_published`` or ``visible``: https://gradescope-autograders.readthedocs.io/en/latest/specs/):
    with ``after_due`` a test failing on a hidden case is shown after the due date
    (Gradescope then shows it in full); everything else is visible."""
    if shown == AFTER_DUE and _redacted(test, AFTER_DUE, None) is not test:
        return "after_due_date"
    return "visible"
