"""Hidden tests of ps4_convexity: a convexity checker, and why deep networks are not convex.

check_convexity has a judge of its own: a non-convex verdict is accepted when
its witness is genuine, which is decided here, in the grading process, by
recomputing the Jensen gap with the fixture function (the gap or verdict the
student computed is never used).  Any genuine witness passes, so another
sampling order or seed is fine.  A convex verdict passes when the reference
found no violation either.  The non-convex cases violate Jensen's inequality on
a large share of their box (4% of uniform samples or more, measured; the unit
tests assert more than 3%), so an honest sampler with any seed misses one with
probability below 1e-25.

The typical mistakes of the other functions are wrong implementations
registered with ``@mistake(hint)`` next to their cases (see
:mod:`depthlab.checks.mistakes`); a ``diagnose_*`` is left for messages about a
type, a shape or a property no single wrong implementation stands for (is_psd
answers True or False, so its mistakes are told apart by the matrix).

This module assembles the spec; each group of graded functions (cases, judge,
typical mistakes, diagnosis) is in a sibling module ``<assignment>_<group>``:
:mod:`.ps4_convexity_jensen` (the Jensen gap and the convexity checker),
:mod:`.ps4_convexity_quadratics` (positive semi-definiteness, minimizers, composition),
:mod:`.ps4_convexity_networks` (hidden-unit permutations, several starts, distinct minima).
"""
from __future__ import annotations

from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps4_convexity_jensen import (check_convexity_cases, jensen_gap_cases, judge_check_convexity,
                                                  mistake as jensen_mistakes)
from depthlab.checks.ps4_convexity_networks import (diagnose_distinct_minima, diagnose_multistart_descent,
                                                    diagnose_permute_hidden, distinct_minima_cases,
                                                    mistake as networks_mistakes, multistart_descent_cases,
                                                    permute_hidden_cases)
from depthlab.checks.ps4_convexity_quadratics import (compose_cases, diagnose_is_psd, is_psd_cases,
                                                      mistake as quadratics_mistakes, quadratic_minimizer_cases)
from depthlab.checks.questions_ps4_convexity import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.judge.spec import AssignmentSpec, FunctionTest

#: every catalogued mistake of the functions, in the order of the parts
mistake = Catalogue.joined(jensen_mistakes, quadratics_mistakes, networks_mistakes)


SPEC = AssignmentSpec(
    name="ps4_convexity",
    reference_module="solutions.ps4_convexity",
    fixture_module="depthlab.checks.fixtures_ps4_convexity",
    tests=(
        FunctionTest("jensen_gap", 2, jensen_gap_cases, mistakes=mistake.of("jensen_gap")),
        FunctionTest("check_convexity", 5, check_convexity_cases, judge=judge_check_convexity, timeout=30),
        FunctionTest("is_psd", 3, is_psd_cases, diagnose=diagnose_is_psd),
        FunctionTest("quadratic_minimizer", 2, quadratic_minimizer_cases, mistakes=mistake.of("quadratic_minimizer")),
        FunctionTest("compose", 2, compose_cases,
                     hint="the result is w -> outer(inner(w)): inner is applied first"),
        FunctionTest("permute_hidden", 3, permute_hidden_cases, diagnose=diagnose_permute_hidden,
                     mistakes=mistake.of("permute_hidden"),
                     hint="hidden unit i is row i of W1 and entry i of b1 and w2; new unit i is old unit perm[i]"),
        FunctionTest("multistart_descent", 2, multistart_descent_cases, diagnose=diagnose_multistart_descent,
                     mistakes=mistake.of("multistart_descent")),
        FunctionTest("distinct_minima", 3, distinct_minima_cases, diagnose=diagnose_distinct_minima,
                     mistakes=mistake.of("distinct_minima")),
        *QUESTIONS,
    ),
)
