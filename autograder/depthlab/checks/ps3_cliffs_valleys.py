"""Hidden tests of ps3_cliffs_valleys: cliffs, valleys and curvature.

Each ``*_cases(rng)`` makes the inputs of one function: the notebook's public
examples (``public=True``), randomized inputs from the seeded ``rng`` (random
quadratics in random dimensions, a non-quadratic "wavy" loss, the cliff of the
notebook) and the edge cases of ASSIGNMENTS.md (zero gradients, ``beta = 0``,
``max_norm <= 0``, integer inputs, zero steps).  Inputs are chosen so that
typical mistakes land far outside the tolerance: learning rates different from
1 (clipping the step instead of the gradient), clipping thresholds both above
and below the gradient's norm, losses with large third derivatives (one-sided
differences), indefinite Hessians and directions of negative curvature.

Each function's typical mistakes are wrong implementations registered with
``@mistake(hint)`` next to its cases (see :mod:`depthlab.checks.mistakes`): the
default judge runs them here, with the fixture functions, and names the one
the student's value matches.  A ``diagnose_*`` is left for messages about a
shape, an input type, a nan or a property no single wrong implementation
stands for (a Hessian that is not symmetric, a vector that turned).
``plot_paths`` is judged from the description of the Axes against the case's
own paths and extent.

This module assembles the spec; each group of graded functions (cases, judge,
typical mistakes, diagnosis) is in a sibling module ``<assignment>_<group>``:
:mod:`.ps3_cliffs_valleys_descent` (clipping and momentum),
:mod:`.ps3_cliffs_valleys_curvature` (Hessians, Newton's step, curvature along a direction),
:mod:`.ps3_cliffs_valleys_paths` (the loss along a path, the plot).
"""
from __future__ import annotations

from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps3_cliffs_valleys_curvature import (diagnose_numerical_hessian, directional_curvature_cases,
                                                          mistake as curvature_mistakes, newton_step_cases,
                                                          numerical_hessian_cases)
from depthlab.checks.ps3_cliffs_valleys_descent import (clip_by_norm_cases, diagnose_clip_by_norm, diagnose_descent,
                                                        gd_clipped_cases, mistake as descent_mistakes,
                                                        momentum_descent_cases)
from depthlab.checks.ps3_cliffs_valleys_paths import (diagnose_loss_along_path, judge_plot_paths, loss_along_path_cases,
                                                      mistake as paths_mistakes, plot_paths_cases)
from depthlab.checks.questions_ps3_cliffs_valleys import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.judge.spec import AssignmentSpec, FunctionTest

NAME = "ps3_cliffs_valleys"

#: every catalogued mistake of the functions, in the order of the parts
mistake = Catalogue.joined(descent_mistakes, curvature_mistakes, paths_mistakes)


# --------------------------------------------------------------------------- the spec

SPEC = AssignmentSpec(
    name=NAME,
    reference_module="solutions.ps3_cliffs_valleys",
    fixture_module="depthlab.checks.fixtures_ps3_cliffs_valleys",
    tests=(
        FunctionTest("clip_by_norm", 3, clip_by_norm_cases, diagnose=diagnose_clip_by_norm,
                     mistakes=mistake.of("clip_by_norm")),
        FunctionTest("gd_clipped", 3, gd_clipped_cases, diagnose=diagnose_descent, mistakes=mistake.of("gd_clipped")),
        FunctionTest("momentum_descent", 3, momentum_descent_cases, diagnose=diagnose_descent,
                     mistakes=mistake.of("momentum_descent")),
        FunctionTest("numerical_hessian", 4, numerical_hessian_cases, diagnose=diagnose_numerical_hessian,
                     rtol=1e-4, atol=1e-6, mistakes=mistake.of("numerical_hessian")),
        FunctionTest("newton_step", 2, newton_step_cases, mistakes=mistake.of("newton_step")),
        FunctionTest("directional_curvature", 2, directional_curvature_cases,
                     mistakes=mistake.of("directional_curvature")),
        FunctionTest("loss_along_path", 2, loss_along_path_cases, diagnose=diagnose_loss_along_path,
                     mistakes=mistake.of("loss_along_path")),
        FunctionTest("plot_paths", 1, plot_paths_cases, judge=judge_plot_paths),
        *QUESTIONS,
    ),
)
