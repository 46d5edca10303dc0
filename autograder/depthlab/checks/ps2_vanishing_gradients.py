"""Hidden tests of ps2_vanishing_gradients: backpropagation through a deep chain.

Each ``*_cases(rng)`` makes the inputs of one function: the notebook's public
examples (``public=True``), randomized inputs from the seeded ``rng``, and the
edge cases of ASSIGNMENTS.md.  Inputs are chosen so that the typical mistakes
land far outside the tolerance (non-square and non-normal matrices, layer
widths that differ, functions with large curvature, ``dL_do != 1``).

Each function's typical mistakes are wrong implementations registered with
``@mistake(hint)`` next to its cases: the default judge names the one whose
value the student's matches, and the test suite grades each as a student's
answer.  A ``diagnose_*`` is left only where a message is about a shape, an
input type or a nan rather than one wrong implementation.

This module assembles the spec; each group of graded functions (cases, judge,
typical mistakes, diagnosis) is in a sibling module ``<assignment>_<group>``:
:mod:`.ps2_vanishing_gradients_chain` (the sigmoid and the chain),
:mod:`.ps2_vanishing_gradients_gradients` (numerical and per-layer gradients),
:mod:`.ps2_vanishing_gradients_jacobians` (Jacobians, spectral radius, powers).
"""
from __future__ import annotations

from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps2_vanishing_gradients_chain import (backprop_chain_cases, diagnose_backprop_chain,
                                                           diagnose_sigmoid_prime, diagnose_weight_grads_chain,
                                                           forward_chain_cases, judge_sigmoid,
                                                           mistake as chain_mistakes, sigmoid_cases,
                                                           sigmoid_prime_cases, weight_grads_chain_cases)
from depthlab.checks.ps2_vanishing_gradients_gradients import (diagnose_gradient_magnitudes,
                                                               diagnose_numerical_gradient, gradient_magnitudes_cases,
                                                               mistake as gradients_mistakes, numerical_gradient_cases)
from depthlab.checks.ps2_vanishing_gradients_jacobians import (chain_jacobian_cases, diagnose_chain_jacobian,
                                                               diagnose_jacobian_power_norms,
                                                               jacobian_power_norms_cases, layer_jacobian_cases,
                                                               mistake as jacobians_mistakes, spectral_radius_cases)
from depthlab.judge.spec import AssignmentSpec, FunctionTest

#: every catalogued mistake of the functions, in the order of the parts
mistake = Catalogue.joined(chain_mistakes, gradients_mistakes, jacobians_mistakes)


SPEC = AssignmentSpec(
    name="ps2_vanishing_gradients",
    reference_module="solutions.ps2_vanishing_gradients",
    fixture_module="depthlab.checks.fixtures_ps2_vanishing_gradients",
    tests=(
        FunctionTest("sigmoid", 2, sigmoid_cases, judge=judge_sigmoid, mistakes=mistake.of("sigmoid")),
        FunctionTest("sigmoid_prime", 1, sigmoid_prime_cases, diagnose=diagnose_sigmoid_prime,
                     mistakes=mistake.of("sigmoid_prime")),
        FunctionTest("forward_chain", 2, forward_chain_cases, mistakes=mistake.of("forward_chain")),
        FunctionTest("backprop_chain", 3, backprop_chain_cases, diagnose=diagnose_backprop_chain,
                     mistakes=mistake.of("backprop_chain")),
        FunctionTest("weight_grads_chain", 2, weight_grads_chain_cases, diagnose=diagnose_weight_grads_chain,
                     mistakes=mistake.of("weight_grads_chain")),
        FunctionTest("numerical_gradient", 3, numerical_gradient_cases, diagnose=diagnose_numerical_gradient,
                     mistakes=mistake.of("numerical_gradient")),
        FunctionTest("gradient_magnitudes", 2, gradient_magnitudes_cases, diagnose=diagnose_gradient_magnitudes,
                     mistakes=mistake.of("gradient_magnitudes")),
        FunctionTest("layer_jacobian", 2, layer_jacobian_cases, mistakes=mistake.of("layer_jacobian")),
        FunctionTest("chain_jacobian", 3, chain_jacobian_cases, diagnose=diagnose_chain_jacobian,
                     mistakes=mistake.of("chain_jacobian"),
                     hint="J_t = layer_jacobian(W_t, h_{t-1}) has shape (n_t, n_{t-1}): only one order of the "
                          "product of J_1, ..., J_m fits together, with shape (n_m, n_0)"),
        FunctionTest("spectral_radius", 1, spectral_radius_cases, mistakes=mistake.of("spectral_radius")),
        FunctionTest("jacobian_power_norms", 2, jacobian_power_norms_cases, diagnose=diagnose_jacobian_power_norms,
                     mistakes=mistake.of("jacobian_power_norms")),
    ),
)
