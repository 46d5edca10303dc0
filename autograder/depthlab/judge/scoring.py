"""Turn the outcomes of one test's cases into a :class:`TestResult`."""
from __future__ import annotations

from typing import Sequence

from .compare import judge_close
from .outcome import Outcome
from .results import CaseResult, Status, TestResult
from .spec import Case, FunctionTest, Verdict

#: outcomes that did not return or raise: their status is the kind of mistake
_STOPPED = ("missing", "timeout", "died", "not_run")


def mistake_kind(verdict: Verdict, got: Outcome) -> str:
    """The kind of a failed case, for grouping students: the judge's own
    (a catalogue mistake's name), else what the call did."""
    if verdict.kind:
        return verdict.kind
    if got.status in _STOPPED:
        return got.status
    if got.status == "error":
        return "not_implemented" if got.error_type == "NotImplementedError" else f"raised {got.error_type}"
    return "wrong_value"


def join_message(label: str, problem: str, hint: str) -> str:
    """What a person reads: ``label: problem. Hint: hint``."""
    message = f"{label}: {problem}"
    if hint:
        message += ("" if message.endswith((".", "?", "!")) else ".") + f" Hint: {hint}"
    return message


def score_test(test: FunctionTest, cases: Sequence[Case], got: Sequence[Outcome],
               ref: Sequence[Outcome]) -> TestResult:
    """Judge every case; points are the passed cases' share of the weight."""
    judge = test.judge or judge_close
    case_results = []
    earned = total = 0.0
    for case, g, r in zip(cases, got, ref):
        verdict = judge(test, case, g, r)
        total += case.weight
        label = case.describe(test.function)
        if verdict.passed:
            earned += case.weight
            case_results.append(CaseResult(label, True, "", case.public))
            continue
        hint = verdict.hint or (test.hint if g.status in ("ok", "error") and g.error_type != "NotImplementedError" else "")
        case_results.append(CaseResult(label, False, join_message(label, verdict.problem, hint), case.public,
                                       verdict.problem, hint, mistake_kind(verdict, g)))
    failed = [c for c in case_results if not c.passed]
    points = round(test.points * earned / total, 2) if total else 0.0
    statuses = {g.status for g in got}
    status = next((Status(s) for s in ("died", "timeout", "missing") if s in statuses), Status.GRADED)
    if not failed:
        return TestResult(test.test_id, test.function, float(test.points), float(test.points), True,
                          f"{test.function}: all {len(case_results)} cases passed", tuple(case_results), status)
    first = failed[0]
    message = first.message
    if len(failed) > 1:
        message += f" ({len(failed)} of {len(case_results)} cases failed)"
    return TestResult(test.test_id, test.function, points, float(test.points), False, message,
                      tuple(case_results), status, first.problem, first.hint, first.mistake)
