"""How an assignment's checks are declared.

A check module (``depthlab/checks/<assignment>.py``) defines ``SPEC``, an
:class:`AssignmentSpec` listing one :class:`FunctionTest` per graded function.
Each test makes its cases from a seeded ``numpy.random.Generator`` in the
grading process; the student's kernel only ever sees the encoded inputs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..text import clip


@dataclass(frozen=True)
class Fixture:
    """A callable built on both sides from ``make_<name>(**params)`` of the
    assignment's fixture module (e.g. the gradient of a known quadratic)."""

    name: str
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # shows in case labels
        inner = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        return f"{self.name}({inner})"


class _AxesMarker:
    """Stands for a fresh matplotlib Axes, made where the function runs."""

    def __repr__(self) -> str:
        return "ax"


AX = _AxesMarker()


@dataclass(frozen=True)
class Case:
    """One call of the graded function.

    label: how the case is named to people ("w of length 8, x=0.5"); built from
        the arguments when empty.
    then: argument tuples to call the *returned* callable with (for functions
        that return functions).
    weight: share of the test's points this case carries.
    rtol/atol: override the test's tolerances for this case.
    public: the case is one of the notebook's visible examples.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    then: Optional[tuple] = None
    weight: float = 1.0
    rtol: Optional[float] = None
    atol: Optional[float] = None
    public: bool = False
    note: str = ""

    def describe(self, function: str) -> str:
        if self.label:
            return f"{function}({self.label})"
        parts = [_short(a) for a in self.args] + [f"{k}={_short(v)}" for k, v in self.kwargs.items()]
        return f"{function}({', '.join(parts)})"


@dataclass(frozen=True)
class Verdict:
    """The judgement of one case: passed, and if not, what a person should read."""

    passed: bool
    problem: str = ""   # "entry [0] is 0.0213, expected 0.0088"
    hint: str = ""      # "the factor w[t] seems to be missing"
    kind: str = ""      # the kind of mistake, for grouping students ("forgets_weight"); "" = from the outcome


@dataclass(frozen=True)
class Question:
    """What a short auto-graded question accepts (see :func:`depthlab.checks.toolkit.question`).

    The student answers by writing a function of no arguments that returns the
    answer (``def answer_zigzag_rate(): return 0.6``), so the answer crosses the
    probe like any graded function's value and is judged here, never in the kernel.

    choices: the letters a student may answer with, e.g. ``("a", "b", "c")``;
        empty for a number.
    tol: a number counts when it is within ``tol`` of the reference's (absolute;
        what reading a plot or rounding allows).
    teach: what a wrong answer reads when no catalogued wrong answer matches it:
        a sentence that leads back to the experiment, never the answer itself.
    """

    choices: tuple = ()
    tol: float = 0.0
    teach: str = ""

    @property
    def form(self) -> str:
        """How the answer is written, for people."""
        if self.choices:
            letters = ", ".join(f'"{c}"' for c in self.choices)
            return f"return one of the letters {letters} as a string, e.g. return \"{self.choices[0]}\""
        return "return a number, e.g. return 0.5"


@dataclass(frozen=True)
class FunctionTest:
    """The hidden test of one graded function.

    cases(rng) makes the cases; judge(case, got, ref) compares the student's
    :class:`~depthlab.judge.outcome.Outcome` with the reference's and returns a
    :class:`Verdict` (default: :func:`depthlab.judge.compare.judge_close`).
    mistakes: the function's typical wrong implementations
    (:class:`depthlab.checks.mistakes.Mistakes`); the default judge names the
    first whose outcome equals the student's.
    diagnose(case, got_value, ref_value) may name a mistake no single wrong
    implementation stands for (a shape, an input type); it is asked when no
    mistake matched.
    """

    function: str
    points: float
    cases: Callable[[np.random.Generator], Sequence[Case]]
    judge: Optional[Callable] = None
    diagnose: Optional[Callable] = None
    rtol: float = 1e-6
    atol: float = 1e-9
    hint: str = ""
    id: str = ""
    timeout: Optional[float] = None
    mistakes: Any = ()
    question: Optional[Question] = None   # set for a short question (an answer_* function of no arguments)

    @property
    def test_id(self) -> str:
        return self.id or f"test_{self.function}"

    def make_cases(self, assignment: str) -> list[Case]:
        return list(self.cases(np.random.default_rng(seed_for(assignment, self.test_id))))


@dataclass(frozen=True)
class AssignmentSpec:
    """All hidden tests of one assignment, and where its reference and fixtures live."""

    name: str
    tests: tuple
    reference_module: str        # e.g. "solutions.ps2_vanishing_gradients"
    fixture_module: Optional[str] = None   # self-contained module of make_<name> factories

    def test(self, test_id: str) -> FunctionTest:
        for t in self.tests:
            if t.test_id == test_id:
                return t
        raise KeyError(test_id)

    @property
    def functions(self) -> list[str]:
        return [t.function for t in self.tests if t.function]

    @property
    def questions(self) -> list[str]:
        """The graded functions that are short questions (``answer_*``)."""
        return [t.function for t in self.tests if t.question is not None]

    @property
    def max_score(self) -> float:
        return float(sum(t.points for t in self.tests))


def seed_for(assignment: str, test_id: str) -> int:
    """A fixed seed per test, stable across Python versions and machines."""
    digest = hashlib.sha256(f"{assignment}/{test_id}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            text = np.array2string(value, precision=4, separator=", ", suppress_small=False)
            text = " ".join(text.split())
        else:
            text = f"array of shape {value.shape}"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    return clip(text, limit, one_line=False)     # a label keeps a string argument's spacing
