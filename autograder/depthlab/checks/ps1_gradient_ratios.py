"""Hidden tests of ps1_gradient_ratios: steepest descent on the circular and the
elliptical bowl ``a*x**2 + b*y**2``.

Cases are made from the test's seeded ``rng``; the reference runs on them in
the grading process.  Each function's typical mistakes are wrong
implementations registered with ``@mistake(hint)`` next to its cases (see
:mod:`depthlab.checks.mistakes`); a ``diagnose_*`` is left only for messages
about a shape, a type or a family of answers (off by one step).
``plot_descent`` is judged from the description of the Axes it drew on, against
the path the case itself passed in.  ``contraction_factor`` and ``optimal_learning_rate``
get ``a, b > 0`` only (a ``ValueError`` is listed for ``max_stable_learning_rate`` alone).

This module assembles the spec; each group of graded functions (cases, judge,
typical mistakes, diagnosis) is in a sibling module ``<assignment>_<group>``:
:mod:`.ps1_gradient_ratios_descent` (the bowl, descent, direction reversals),
:mod:`.ps1_gradient_ratios_rates` (convergence and learning rates),
:mod:`.ps1_gradient_ratios_plot` (the plot).
The short questions (``answer_*``) are declared in :mod:`.questions_ps1_gradient_ratios`.
"""
from __future__ import annotations

from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps1_gradient_ratios_descent import (_with_batch_hint, bowl_grad_cases, bowl_loss_cases,
                                                         diagnose_bowl_grad, diagnose_bowl_loss,
                                                         diagnose_direction_reversals, diagnose_gradient_descent,
                                                         direction_reversals_cases, gradient_descent_cases,
                                                         mistake as descent_mistakes)
from depthlab.checks.ps1_gradient_ratios_plot import judge_plot_descent, plot_descent_cases
from depthlab.checks.ps1_gradient_ratios_rates import (contraction_factor_cases, diagnose_single_number,
                                                       diagnose_steps_to_converge, judge_steps_to_converge,
                                                       max_stable_learning_rate_cases, mistake as rates_mistakes,
                                                       optimal_learning_rate_cases, steps_to_converge_cases)
from depthlab.checks.questions_ps1_gradient_ratios import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.judge.spec import AssignmentSpec, FunctionTest

NAME = "ps1_gradient_ratios"

#: every catalogued mistake of the functions, in the order of the parts
mistake = Catalogue.joined(descent_mistakes, rates_mistakes)


# --------------------------------------------------------------------------- the spec

SPEC = AssignmentSpec(
    name=NAME,
    reference_module="solutions.ps1_gradient_ratios",
    fixture_module="depthlab.checks.fixtures_ps1_gradient_ratios",
    tests=(
        FunctionTest("bowl_loss", 2, bowl_loss_cases, judge=_with_batch_hint, diagnose=diagnose_bowl_loss,
                     mistakes=mistake.of("bowl_loss")),
        FunctionTest("bowl_grad", 2, bowl_grad_cases, judge=_with_batch_hint, diagnose=diagnose_bowl_grad,
                     mistakes=mistake.of("bowl_grad")),
        FunctionTest("gradient_descent", 3, gradient_descent_cases, diagnose=diagnose_gradient_descent,
                     mistakes=mistake.of("gradient_descent")),
        FunctionTest("steps_to_converge", 4, steps_to_converge_cases, judge=judge_steps_to_converge,
                     diagnose=diagnose_steps_to_converge),
        FunctionTest("direction_reversals", 3, direction_reversals_cases, diagnose=diagnose_direction_reversals,
                     mistakes=mistake.of("direction_reversals")),
        FunctionTest("contraction_factor", 2, contraction_factor_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("contraction_factor")),
        FunctionTest("optimal_learning_rate", 2, optimal_learning_rate_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("optimal_learning_rate")),
        FunctionTest("max_stable_learning_rate", 2, max_stable_learning_rate_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("max_stable_learning_rate")),
        FunctionTest("plot_descent", 1, plot_descent_cases, judge=judge_plot_descent),
        *QUESTIONS,
    ),
)
