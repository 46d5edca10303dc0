"""What the check modules share: value comparisons, fixtures, random problems,
one judge for the drawings of plotting functions and one for short questions.

Everything here runs in the grading process on decoded values, never trusting
more of what a student returned than its value.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable, Optional

import numpy as np

from depthlab.judge.compare import fmt, precheck, returned_given_axes
from depthlab.judge.probe import DecodeError, decode
from depthlab.judge.spec import Case, Fixture, FunctionTest, Question, Verdict


# --------------------------------------------------------------------------- values

def as_array(value: Any) -> Optional[np.ndarray]:
    """``value`` as a float array, or None when it is not one (ragged, text, None, ...)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def shape(value: Any) -> Optional[tuple]:
    """The shape of ``value`` as a float array, or None when it is not one."""
    arr = as_array(value)
    return None if arr is None else arr.shape


def has_nan(value: Any) -> bool:
    arr = as_array(value)
    return arr is not None and bool(np.isnan(arr).any())


def integers(value: Any) -> bool:
    """Whether an input is made of integers (a list of ints, an integer array)."""
    return np.asarray(value).dtype.kind in "iub"


def same(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether ``got`` has the shape of ``expected`` and values within ``rtol``/``atol`` (nan never matches)."""
    g, e = as_array(got), as_array(expected)
    return g is not None and e is not None and g.shape == e.shape and bool(
        np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False))


# --------------------------------------------------------------------------- fixtures

def builder(module: ModuleType) -> Callable[[str, dict], Callable]:
    """``build(name, params)``: the callable ``make_<name>(**params)`` of a fixture module
    (what the probe uses to decode a case's Fixture arguments)."""
    def build(name: str, params: dict) -> Callable:
        return getattr(module, "make_" + name)(**params)
    return build


def build(module: ModuleType, fixture: Fixture) -> Callable:
    """The callable a Fixture stands for, built here from the assignment's fixture module."""
    return builder(module)(fixture.name, fixture.params)


# --------------------------------------------------------------------------- random problems

def random_spd(rng: np.random.Generator, d: int, low: float = 0.5, high: float = 3.0) -> np.ndarray:
    """A random symmetric positive definite ``d x d`` matrix whose eigenvalues
    spread over ``[low, high]``, both ends included (for ``d >= 2``)."""
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    eig = np.sort(rng.uniform(low, high, size=d))
    eig[0], eig[-1] = low, high
    return (Q * eig) @ Q.T


# --------------------------------------------------------------------------- drawings

def _floats(data: Any) -> np.ndarray:
    """A flat float array from the probe's encoding; empty when it is not one."""
    try:
        return np.asarray(decode(data), dtype=float).ravel()
    except (DecodeError, TypeError, ValueError, KeyError):
        return np.zeros(0)


@dataclass(frozen=True)
class Line:
    """One visible line on the Axes: its data, marker, line style and label."""

    x: np.ndarray
    y: np.ndarray
    marker: Optional[str] = None
    linestyle: str = "-"
    label: str = ""

    def follows(self, xs: np.ndarray, ys: np.ndarray) -> bool:
        """Whether the line's data is ``(xs, ys)``, point for point."""
        scale = max(float(np.max(np.abs(np.concatenate([xs, ys])))) if xs.size else 0.0, 1e-3)
        return (self.x.shape == xs.shape and self.y.shape == ys.shape
                and np.allclose(self.x, xs, rtol=1e-9, atol=1e-12 * scale)
                and np.allclose(self.y, ys, rtol=1e-9, atol=1e-12 * scale))

    @property
    def joined(self) -> bool:
        return self.linestyle not in ("None", "none", "", " ")


@dataclass(frozen=True)
class Drawing:
    """What a plotting function drew, decoded from the probe's description of its Axes."""

    lines: tuple = ()          # visible Lines
    points: tuple = ()         # each scatter-like collection, as a Line of markers
    contour_sets: int = 0
    legend: Optional[list] = None
    aspect: Any = None
    xlim: Any = None
    ylim: Any = None
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""

    @classmethod
    def of(cls, desc: dict) -> "Drawing":
        lines = tuple(Line(_floats(ln.get("x")), _floats(ln.get("y")), ln.get("marker"),
                           str(ln.get("linestyle")), str(ln.get("label")))
                      for ln in desc.get("lines") or [] if isinstance(ln, dict) and ln.get("visible", True))
        points = []
        for coll in desc.get("collections") or []:
            if not isinstance(coll, dict) or "Contour" in str(coll.get("type", "")):
                continue          # contour sets report an offset of (0, 0)
            try:
                pts = np.asarray(decode(coll.get("offsets")), dtype=float)
            except (DecodeError, TypeError, ValueError, KeyError):
                continue
            if pts.ndim == 2 and pts.shape[1] == 2:
                points.append(Line(pts[:, 0], pts[:, 1], marker="o", linestyle="None", label=str(coll.get("label"))))
        return cls(lines, tuple(points), int(desc.get("contour_sets") or 0), desc.get("legend"),
                   desc.get("aspect"), desc.get("xlim"), desc.get("ylim"), str(desc.get("title") or ""),
                   str(desc.get("xlabel") or ""), str(desc.get("ylabel") or ""))

    def following(self, path: np.ndarray, lines: Optional[tuple] = None) -> list:
        """The lines (of ``lines``, default all) whose data is the path ``(path[:, 0], path[:, 1])``."""
        return [ln for ln in (self.lines if lines is None else lines) if ln.follows(path[:, 0], path[:, 1])]

    def marks(self) -> list:
        """The lines with markers and the scatters."""
        return [ln for ln in self.lines if ln.marker and ln.x.size and ln.x.shape == ln.y.shape] + list(self.points)


def path_hint(lines, path: np.ndarray) -> str:
    """What a line drawn instead of ``path`` does wrong, or "" when none looks like it."""
    px, py = path[:, 0], path[:, 1]
    steps = np.arange(len(path), dtype=float)
    for ln in lines:
        if ln.follows(py, px):
            return "x and y are swapped: path[:, 0] goes on the horizontal axis, path[:, 1] on the vertical"
        if len(path) > 1 and (ln.follows(steps, px) or ln.follows(steps, py)):
            return "ax.plot(path) draws each coordinate against the step number: plot path[:, 0] against path[:, 1]"
        if len(path) > 1 and ln.follows(px[1:], py[1:]):
            return "the line misses the starting point path[0]"
        if len(path) > 1 and ln.follows(px[:-1], py[:-1]):
            return "the line misses the last point of the path"
    return ""


def span(lim: Any) -> Optional[tuple]:
    """Axes limits as (low, high), or None when they cannot be read."""
    try:
        lo, hi = sorted(float(v) for v in lim)
    except (TypeError, ValueError):
        return None
    return lo, hi


def contours_drawn(what: str, hint: str) -> Callable:
    """A drawing check: the Axes hold contour lines (of ``what``)."""
    def check(drawing: Drawing, case: Case) -> Optional[Verdict]:
        return None if drawing.contour_sets else Verdict(False, f"there are no contour lines of {what}", hint)
    return check


def judge_drawing(*checks: Callable) -> Callable:
    """One judge for plotting functions: the call returned and changed no input, its Axes
    could be described, every ``check(drawing, case) -> Verdict | None`` passes (the
    first failing one is the verdict), and the Axes it was given is returned."""
    def judge(test, case: Case, got, ref) -> Verdict:
        failed = precheck(got, ref)
        if failed:
            return failed
        if not isinstance(got.axes, dict) or "error" in got.axes:
            return Verdict(False, "the Axes it drew on could not be inspected")
        drawing = Drawing.of(got.axes)
        for check in checks:
            verdict = check(drawing, case)
            if verdict is not None:
                return verdict
        return returned_given_axes(got.value) or Verdict(True)
    return judge


# --------------------------------------------------------------------------- short questions

def question(function: str, points: float, *, choices: tuple = (), tol: float = 0.0, teach: str,
             mistakes: Any = ()) -> FunctionTest:
    """The hidden test of a short question, declared in one call.

    The student writes ``def <function>(): return <answer>``; the reference module
    defines the same function (computed from the reference's functions where the
    answer is a number the experiments produce).  ``choices`` makes it a multiple
    choice (letters, any case, "(b)" or "b."), else the answer is a number within
    ``tol`` of the reference's.  Each typical wrong answer is a catalogued mistake
    (``@mistake(hint) def <function>__<what>(): return <wrong answer>``) whose hint
    teaches; any other wrong answer reads ``teach``.  The message never states the
    right answer.
    """
    spec = Question(tuple(c.lower() for c in choices), float(tol), teach)
    return FunctionTest(function, points, lambda rng: [Case(label="")], judge=judge_answer,
                        id=f"test_{function}", mistakes=mistakes, question=spec)


def _answer(value: Any, q: Question) -> Any:
    """A student's answer in the question's form (a letter, a float), or None when it has another form."""
    if q.choices:
        if not isinstance(value, str):
            return None
        letter = value.strip().strip("().").strip().lower()
        return letter if letter in q.choices else None
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return None
    arr = as_array(value)
    if arr is None or arr.shape != () or not np.isfinite(arr):
        return None
    return float(arr)


def _agree(a: Any, b: Any, q: Question) -> bool:
    if a is None or b is None:
        return False
    if q.choices:
        return a == b
    return abs(a - b) <= q.tol + 1e-9 * max(abs(a), abs(b), 1.0)


def judge_answer(test: FunctionTest, case: Case, got, ref) -> Verdict:
    """The judge of a short question: the answer, in the question's form, agrees with
    the reference's; when it does not, the hint of the catalogued wrong answer it
    equals, else the question's ``teach``."""
    q = test.question
    failed = precheck(got, ref)
    if failed:
        return failed
    expected = _answer(ref.value, q)
    if expected is None:      # the reference itself must answer in the form it asks for
        raise ValueError(f"{test.function}: the reference answers {ref.value!r}, not in the question's form")
    answer = _answer(got.value, q)
    if answer is None:
        return Verdict(False, f"the answer is {fmt(got.value)}, which is not in the form asked for", q.form)
    if _agree(answer, expected, q):
        return Verdict(True)
    for mistake in test.mistakes:
        wrong = test.mistakes.outcome(mistake, case)
        if wrong.ok and _agree(answer, _answer(wrong.value, q), q) and not _agree(expected, _answer(wrong.value, q), q):
            return Verdict(False, f"the answer {fmt(got.value)} is not right", mistake.hint_for(case))
    return Verdict(False, f"the answer {fmt(got.value)} is not right", q.teach)
