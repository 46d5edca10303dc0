"""The typical mistakes of the graded functions, each written once.

A :class:`Mistake` is a wrong implementation of one graded function and the
hint a student reads when their value is the one it returns.  The same entry
serves twice: :meth:`Mistakes.recognise` runs it in the grading process on a
failing case (the default judge's diagnosis), and the test suite grades its
source as a student's answer (the mutant test), so no mistake is written as a
recomputed formula here and again as a mutant file.

A check module declares its mistakes next to the function's cases::

    mistake = Catalogue(fixtures_module)        # builds the cases' Fixture arguments

    @mistake("each step multiplies by the weight w[t] as well")
    def backprop_chain__forgets_weight(w, x, dL_do=1.0):
        ...

    FunctionTest("backprop_chain", 3, backprop_chain_cases, mistakes=mistake.of("backprop_chain"))

A check split into modules, one per group of functions, joins their catalogues
in the module that assembles the spec: ``mistake = Catalogue.joined(part.mistake, ...)``.

A short question (:func:`depthlab.checks.toolkit.question`) catalogues its typical
wrong answers the same way, as functions of no arguments returning them::

    @mistake("that is the rate on the horizontal axis; read the dot's height")
    def answer_contraction_kappa10__reads_the_rate():
        return float(optimal_learning_rate(1.0, 10.0))

The wrong implementation is named ``<function>__<what>`` and is
self-contained: it uses ``np`` and the assignment's graded functions by name
(in the grading process those are the reference's, in a student's notebook the
student's), as a student's cell would.
"""
from __future__ import annotations

import ast
import inspect
import json
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable, Optional, Union

from depthlab.judge import probe
from depthlab.judge.compare import compare_values
from depthlab.judge.outcome import Outcome
from depthlab.judge.prepare import encode_case
from depthlab.judge.spec import Case

from .toolkit import builder

#: what a wrong implementation's cell starts with (the notebook imports numpy the same way)
PREAMBLE = "import numpy as np\n\n\n"


@dataclass(frozen=True)
class Mistake:
    """One typical wrong implementation of a graded function.

    function: the graded function it stands in for.
    name: what the mistake is, as one word (``forgets_weight``).
    wrong: the wrong implementation, with the graded function's signature.
    hint: the sentence shown when a student's value equals ``wrong``'s; a
        callable gets the case's arguments (``lambda f, x, eps=1e-6: ...``).
    """

    function: str
    name: str
    wrong: Callable
    hint: Union[str, Callable[..., str]]

    def hint_for(self, case: Case) -> str:
        return self.hint(*case.args, **case.kwargs) if callable(self.hint) else self.hint

    def source(self) -> str:
        """The wrong implementation as a student's cell: ``def <function>(...)``."""
        text = textwrap.dedent(inspect.getsource(self.wrong))
        node = ast.parse(text).body[0]
        lines = text.splitlines()[node.lineno - 1:node.end_lineno]   # from the def line: no decorator
        lines[0] = lines[0].replace(f"def {self.wrong.__name__}(", f"def {self.function}(", 1)
        return PREAMBLE + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Mistakes:
    """The mistakes of one function, and how to build the Fixture arguments of its cases."""

    entries: tuple = ()
    fixtures: Optional[ModuleType] = None
    _seen: dict = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def identify(self, case: Case, got: Outcome, ref: Outcome, rtol: float, atol: float) -> Optional[Mistake]:
        """The first mistake whose outcome on ``case`` equals the student's (and
        differs from the reference's); None when none does."""
        if not got.ok:
            return None
        for mistake in self.entries:
            wrong = self.outcome(mistake, case)
            if same_outcome(got, wrong, rtol, atol) and not same_outcome(ref, wrong, rtol, atol):
                return mistake
        return None

    def recognise(self, case: Case, got: Outcome, ref: Outcome, rtol: float, atol: float) -> str:
        """The hint of :meth:`identify`'s mistake; "" when none."""
        mistake = self.identify(case, got, ref, rtol, atol)
        return mistake.hint_for(case) if mistake else ""

    def outcome(self, mistake: Mistake, case: Case) -> Outcome:
        """What ``mistake.wrong`` makes of ``case``, run here through the probe
        and the wire format as a student's function is (cached per case)."""
        key = (mistake.name, id(case))
        if key in self._seen and self._seen[key][0] is case:
            return self._seen[key][1]
        encoded = json.loads(json.dumps(encode_case(case), allow_nan=True))
        data = probe.run_case(mistake.wrong, encoded, builder(self.fixtures) if self.fixtures else None)
        outcome = Outcome.from_wire(json.loads(json.dumps(data, allow_nan=True)))
        self._seen[key] = (case, outcome)     # the case is kept, so its id is not reused
        return outcome


def same_outcome(got: Outcome, expected: Outcome, rtol: float, atol: float) -> bool:
    """Both returned, the same value within tolerance (and the same values from a returned callable)."""
    if not (got.ok and expected.ok) or compare_values(got.value, expected.value, rtol, atol) is not None:
        return False
    return len(got.then) == len(expected.then) and all(
        g.ok and e.ok and compare_values(g.value, e.value, rtol, atol) is None
        for g, e in zip(got.then, expected.then))


class Catalogue:
    """The mistakes of one assignment; ``@catalogue(hint)`` registers a wrong
    implementation named ``<function>__<what>``."""

    def __init__(self, fixtures: Optional[ModuleType] = None):
        self.fixtures = fixtures
        self.entries: list[Mistake] = []

    def __call__(self, hint: Union[str, Callable[..., str]]):
        def register(wrong: Callable) -> Callable:
            function, _, name = wrong.__name__.partition("__")
            if not name:
                raise ValueError(f"{wrong.__name__}: name a wrong implementation <function>__<what>")
            self.entries.append(Mistake(function, name, wrong, hint))
            return wrong
        return register

    @classmethod
    def joined(cls, *parts: "Catalogue") -> "Catalogue":
        """One assignment's catalogue from the catalogues of the modules its checks
        are split into (all built with the same fixture module), in their order."""
        fixtures = {id(p.fixtures): p.fixtures for p in parts}
        if len(fixtures) > 1:
            raise ValueError("the catalogues of one assignment must share its fixture module")
        whole = cls(parts[0].fixtures if parts else None)
        for part in parts:
            whole.entries.extend(part.entries)
        return whole

    def of(self, function: str) -> Mistakes:
        return Mistakes(tuple(m for m in self.entries if m.function == function), self.fixtures)

    @property
    def functions(self) -> set:
        return {m.function for m in self.entries}
