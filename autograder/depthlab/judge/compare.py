"""Judging one case: compare the student's outcome with the reference's.

Every function here runs in the grading process on decoded data; nothing the
kernel sent is trusted as a verdict, a tolerance or an input.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .outcome import Outcome
from .probe import Opaque
from .spec import Case, FunctionTest, Verdict


def fmt(value: Any, limit: int = 120) -> str:
    """A short, human form of a value for messages."""
    if isinstance(value, np.ndarray):
        if value.size == 0:
            text = f"an empty array of shape {value.shape}"
        elif value.size <= 8:
            text = " ".join(np.array2string(value, precision=4, separator=", ").split())
        else:
            text = f"an array of shape {value.shape}"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.4g}"
    elif isinstance(value, Opaque):
        text = f"a {value.kind}" if value.kind != "callable" else "a function"
    elif isinstance(value, tuple) and len(value) <= 4:
        text = "(" + ", ".join(fmt(v, 40) for v in value) + ("," if len(value) == 1 else "") + ")"
    elif value is None:
        text = "None"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fmt_pair(got: float, ref: float) -> tuple[str, str]:
    """Format two different numbers with just enough digits to tell them apart."""
    for digits in (4, 6, 8, 10, 12, 17):
        a, b = f"{got:.{digits}g}", f"{ref:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, (list, tuple)):
        return "sequence"
    if isinstance(value, Opaque):
        return value.kind
    return type(value).__name__


def compare_values(got: Any, ref: Any, rtol: float, atol: float, what: str = "the result",
                   entry_name=None) -> Optional[str]:
    """None when ``got`` matches ``ref``; otherwise a sentence saying how it differs."""
    if ref is None:
        return None if got is None else f"{what} is {fmt(got)}, expected None"
    if isinstance(ref, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            return f"{what} is {fmt(got)}, expected {bool(ref)}"
        return None if bool(got) == bool(ref) else f"{what} is {bool(got)}, expected {bool(ref)}"
    if isinstance(ref, tuple) and not isinstance(ref, np.ndarray):
        if not isinstance(got, (tuple, list)) or len(got) != len(ref):
            return f"{what} is {fmt(got)}, expected a tuple of {len(ref)} items"
        for i, (g, r) in enumerate(zip(got, ref)):
            problem = compare_values(g, r, rtol, atol, f"item {i} of {what}")
            if problem:
                return problem
        return None
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            return f"{what} is {fmt(got)}, expected a dict"
        if set(got) != set(ref):
            return f"{what} has keys {sorted(map(str, got))}, expected {sorted(map(str, ref))}"
        for k in ref:
            problem = compare_values(got[k], ref[k], rtol, atol, f"{what}[{k!r}]")
            if problem:
                return problem
        return None
    if isinstance(ref, (int, float, np.integer, np.floating, np.ndarray, list)):
        ref_arr = np.asarray(ref, dtype=float)
        if got is None:
            return f"{what} is None, expected {fmt(ref)}: did the function forget to return?"
        if isinstance(got, (str, Opaque, dict)) or isinstance(got, (bool, np.bool_)) and ref_arr.ndim == 0 and not isinstance(ref, (bool, np.bool_)):
            return f"{what} is {fmt(got)}, expected {fmt(ref)}"
        try:
            got_arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"{what} is {fmt(got)}, expected numbers like {fmt(ref)}"
        if got_arr.shape != ref_arr.shape:
            return f"{what} has shape {got_arr.shape}, expected shape {ref_arr.shape}"
        ref_nan, got_nan = ~np.isfinite(ref_arr), ~np.isfinite(got_arr)
        close = np.isclose(got_arr, ref_arr, rtol=rtol, atol=atol, equal_nan=True)
        close &= (ref_nan == got_nan) | np.isclose(got_arr, ref_arr, rtol=0, atol=0, equal_nan=True)
        if close.all():
            return None
        if ref_arr.ndim == 0:
            g, r = fmt_pair(float(got_arr), float(ref_arr))
            return f"{what} is {g}, expected {r}"
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        name = entry_name(idx) if entry_name else f"entry {list(idx)}"
        n_bad = int((~close).sum())
        more = f" ({n_bad} of {ref_arr.size} entries differ)" if n_bad > 1 else ""
        g, r = fmt_pair(float(got_arr[idx]), float(ref_arr[idx]))
        return f"{name} of {what} is {g}, expected {r}{more}"
    if isinstance(ref, Opaque):
        return None if isinstance(got, Opaque) and got.kind == ref.kind else f"{what} is {fmt(got)}, expected {fmt(ref)}"
    return None if got == ref else f"{what} is {fmt(got)}, expected {fmt(ref)}"


#: the kind of a wrong value no rule recognises
WRONG = ("wrong_value", "")


def classify(got: Any, ref: Any) -> tuple[str, str]:
    """Recognise mistakes that are common to every numeric function: (kind, hint);
    ("wrong_value", "") when none is recognised."""
    if got is None or ref is None or isinstance(got, (str, Opaque)):
        return WRONG
    try:
        g, r = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    except (TypeError, ValueError):
        return WRONG
    if g.shape != r.shape:
        if g.ndim == r.ndim == 2 and g.shape == r.shape[::-1]:
            return "transposed", "the result looks transposed"
        if g.size == r.size:
            return "wrong_shape", "the values may be right but the shape is not: check reshape/keepdims"
        if g.ndim >= 1 and r.ndim >= 1 and g.shape[1:] == r.shape[1:] and abs(g.shape[0] - r.shape[0]) == 1:
            return "off_by_one", "one row too many or too few: check the first and last index of the loop"
        return "wrong_shape", ""
    if r.size == 0 or not np.all(np.isfinite(r)) or not np.all(np.isfinite(g)):
        return (("not_finite", "the result has nan or inf where the reference is finite")
                if np.all(np.isfinite(r)) and not np.all(np.isfinite(g)) else WRONG)
    if np.allclose(g, -r, rtol=1e-6, atol=1e-12) and np.any(np.abs(r) > 1e-12):
        return "sign_flipped", "the sign is flipped"
    nz = np.abs(r) > 1e-12
    if nz.any():
        ratio = g[nz] / r[nz]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and abs(ratio.flat[0] - 1) > 1e-3 and abs(ratio.flat[0]) > 1e-12:
            return "scaled", f"every entry is off by the same factor {ratio.flat[0]:.4g}"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and np.allclose(g, r.T, rtol=1e-6, atol=1e-12):
        return "transposed", "the result is the transpose of what was expected"
    return WRONG


def generic_hint(got: Any, ref: Any) -> str:
    """The hint of :func:`classify` ("" when none)."""
    return classify(got, ref)[1]


def describe_failure(got: Outcome, ref: Outcome) -> Optional[str]:
    """The sentence for outcomes that did not return at all, or None."""
    if got.status == "missing":
        return f"the function is {got.detail or 'not defined'}: did its cell run without errors?"
    if got.status == "timeout":
        return "did not finish within the time limit (an endless loop?)"
    if got.status == "died":
        return f"the kernel died while it ran ({got.detail or 'no reason given'})"
    if got.status == "not_run":
        return "not run: an earlier case of this function did not finish"
    if got.status == "error" and ref.status != "error":
        if got.error_type == "NotImplementedError":
            return "raises NotImplementedError: the function is not written yet"
        return f"raised {got.error_type}: {got.error_message}"
    return None


def precheck(got: Outcome, ref: Outcome) -> Optional[Verdict]:
    """The failing verdict every judge starts with: the call did not return
    (missing, timeout, died, unexpected error) or changed its inputs; else None."""
    problem = describe_failure(got, ref)
    if problem:
        return Verdict(False, problem)
    if got.mutated:
        return Verdict(False, f"changed its input ({', '.join(got.mutated)}) in place",
                       "work on a copy: inputs must not be mutated", "mutates_input")
    return None


def returned_given_axes(value: Any) -> Optional[Verdict]:
    """None when a plotting function returned the Axes it was given; else the failing verdict."""
    if isinstance(value, Opaque) and value.kind == "Axes" and value.text == "the Axes it was given":
        return None
    shown = "None" if value is None else ("a different Axes" if isinstance(value, Opaque) and value.kind == "Axes"
                                          else fmt(value))
    return Verdict(False, f"returned {shown}, expected the Axes it was given", "end with: return ax",
                   "returns_wrong_axes")


def judge_close(test: FunctionTest, case: Case, got: Outcome, ref: Outcome) -> Verdict:
    """The default judge: same exception type, or values within tolerance,
    and no argument changed in place."""
    if ref.status == "error":
        problem = describe_failure(got, ref)
        if problem:
            return Verdict(False, problem)
        expected = ref.error_type
        if got.status != "error":
            return Verdict(False, f"returned {fmt(got.value)}, expected it to raise {expected}",
                           f"raise {expected} with a message saying what is wrong", "does_not_raise")
        if expected not in got.error_mro:
            return Verdict(False, f"raised {got.error_type}, expected {expected}", "", "wrong_exception")
        return Verdict(True)
    failed = precheck(got, ref)
    if failed:
        return failed
    rtol = case.rtol if case.rtol is not None else test.rtol
    atol = case.atol if case.atol is not None else test.atol
    problem = compare_values(got.value, ref.value, rtol, atol)
    if problem is None:
        for i, (g, r) in enumerate(zip(got.then, ref.then)):
            problem = describe_failure(g, r) or compare_values(g.value, r.value, rtol, atol, f"call {i + 1} of the returned function")
            if problem:
                break
    if problem is None:
        return Verdict(True)
    mistake = test.mistakes.identify(case, got, ref, rtol, atol) if test.mistakes else None
    if mistake is not None:
        return Verdict(False, problem, mistake.hint_for(case), mistake.name)
    hint = test.diagnose(case, got.value, ref.value) or "" if test.diagnose is not None else ""
    if hint:
        return Verdict(False, problem, hint, "diagnosed")
    kind, hint = classify(got.value, ref.value)
    return Verdict(False, problem, hint, kind)
