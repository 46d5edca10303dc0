"""Turn the outcomes of one test's cases into a :class:`TestResult`."""
from __future__ import annotations

from typing import Sequence

from .compare import judge_close
from .outcome import Outcome
from .results import CaseResult, TestResult
from .spec import Case, FunctionTest


def score_test(test: FunctionTest, cases: Sequence[Case], got: Sequence[Outcome],
               ref: Sequence[Outcome]) -> TestResult:
    """Judge every case; points are the passed cases' share of the weight."""
    judge = test.judge or judge_close
    case_results = []
    earned = total = 0.0
    for case, g, r in zip(cases, got, ref):
        verdict = judge(test, case, g, r)
        total += case.weight
        if verdict.passed:
            earned += case.weight
            case_results.append(CaseResult(case.describe(test.function), True, "", case.public))
            continue
        message = f"{case.describe(test.function)}: {verdict.problem}"
        hint = verdict.hint or (test.hint if g.status in ("ok", "error") and g.error_type != "NotImplementedError" else "")
        if hint:
            message += ("" if message.endswith((".", "?", "!")) else ".") + f" Hint: {hint}"
        case_results.append(CaseResult(case.describe(test.function), False, message, case.public))
    failed = [c for c in case_results if not c.passed]
    points = round(test.points * earned / total, 2) if total else 0.0
    if not failed:
        message = f"{test.function}: all {len(case_results)} cases passed"
        points = float(test.points)
    else:
        message = failed[0].message
        if len(failed) > 1:
            message += f" ({len(failed)} of {len(case_results)} cases failed)"
    statuses = {g.status for g in got}
    status = next((s for s in ("died", "timeout", "missing") if s in statuses), "graded")
    return TestResult(test.test_id, test.function, points, float(test.points), not failed,
                      message, tuple(case_results), status)
