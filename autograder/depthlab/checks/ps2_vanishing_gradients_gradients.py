"""Hidden tests of ps2_vanishing_gradients, part 2: gradients checked and measured
(``numerical_gradient``, ``gradient_magnitudes``).
The spec is assembled in :mod:`depthlab.checks.ps2_vanishing_gradients`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps2_vanishing_gradients_chain import TINY
from depthlab.checks.toolkit import integers, shape
from depthlab.judge.spec import Case, Fixture

# the reference's graded functions, by the names the wrong implementations below call
# them (in a student's notebook the same names are the student's own)
from solutions.ps2_vanishing_gradients import backprop_chain, weight_grads_chain

mistake = Catalogue(fx)


# --------------------------------------------------------------------------- numerical_gradient

def numerical_gradient_cases(rng):
    A = np.array([[1.0, 0.0], [0.0, 3.0]])
    b = np.array([1.0, -1.0])
    return [
        Case((Fixture("quadratic", {"A": A, "b": b}), np.array([1.0, 2.0])),
             label="f(x) = x0**2 + 3 x1**2 + x0 - x1 at x=[1, 2]", public=True),
        Case((Fixture("exp_sum", {"k": 20.0, "weights": np.ones(5)}), rng.uniform(-0.2, 0.2, size=5)),
             label="f(x) = sum(exp(20 x)), x of length 5"),
        Case((Fixture("exp_sum", {"k": 20.0, "weights": rng.uniform(0.5, 2.0, size=(3, 4))}),
              rng.uniform(-0.2, 0.2, size=(3, 4))),
             label="f(x) = sum(a * exp(20 x)), x of shape (3, 4)"),
        Case((Fixture("coupled", {"A": rng.uniform(1.0, 3.0, size=(2, 3))}), rng.normal(size=(2, 3))),
             label="f(x) = sum(sin(a * x)) + sum(x)**2 / 2, x of shape (2, 3)"),
        Case((Fixture("exp_sum", {"k": 10.0, "weights": np.ones((2, 2, 2))}), rng.uniform(-0.3, 0.3, size=(2, 2, 2))),
             {"eps": 1e-3}, label="f(x) = sum(exp(10 x)), x of shape (2, 2, 2), eps=1e-3"),
        Case((Fixture("exp_sum", {"k": 1.0, "weights": np.ones(4)}), rng.uniform(2.0, 4.0, size=4)),
             {"eps": 1e-2}, label="f(x) = sum(exp(x)), x of length 4 between 2 and 4, eps=1e-2"),
        Case((Fixture("exp_sum", {"k": 20.0, "weights": np.array(1.5)}), 0.05),
             label="f(x) = 1.5 exp(20 x), x=0.05 a single number"),
        Case((Fixture("quadratic", {"A": np.diag([50.0, 80.0, 20.0]), "b": np.zeros(3)}), np.array([1, -2, 3])),
             label="f(x) = 50 x0**2 + 80 x1**2 + 20 x2**2, x=[1, -2, 3] an integer array"),
        Case((Fixture("chain_output", {"x": 0.8}), rng.normal(size=6)),
             label="f(w) = output of the chain with x=0.8, w of length 6"),
    ]


ONE_SIDED = "a one-sided difference is off by about eps * f''/2; use (f(x + eps) - f(x - eps)) / (2 eps)"


@mistake(ONE_SIDED)
def numerical_gradient__forward_difference(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += eps
        grad[i] = (f(xp) - f0) / eps
    return grad


@mistake(ONE_SIDED)
def numerical_gradient__backward_difference(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        xm = x.copy()
        xm[i] -= eps
        grad[i] = (f0 - f(xm)) / eps
    return grad


@mistake("for a matrix x, x[i] is a whole row: perturb one entry at a time, e.g. over np.ndindex(x.shape)")
def numerical_gradient__vectors_only(f, x, eps=1e-6):
    """Loops over len(x): perturbs whole rows of a matrix, and fails on a single number."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (f(xp) - f(xm)) / (2 * eps)
    return grad


@mistake("step by the full eps, to x - eps and x + eps, and divide by 2 eps")
def numerical_gradient__half_steps(f, x, eps=1e-6):
    """Steps of eps / 2 either side, divided by eps: a central difference of total width eps, not 2 eps."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps / 2
        xm[i] -= eps / 2
        grad[i] = (f(xp) - f(xm)) / eps
    return grad


@mistake("the step is eps itself, not eps scaled by the size of x")
def numerical_gradient__relative_step(f, x, eps=1e-6):
    """Scales the step with the size of x[i] (eps * max(1, |x[i]|)) instead of using eps itself."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = eps * max(1.0, abs(x[i]))
        xp, xm = x.copy(), x.copy()
        xp[i] += step
        xm[i] -= step
        grad[i] = (f(xp) - f(xm)) / (2 * step)
    return grad


@mistake(lambda f, x, eps=1e-6: "this is what a step other than the given eps produces: "
                                f"use the eps argument (here {eps:g})")
def numerical_gradient__ignores_eps(f, x, eps=1e-6):
    """Uses its own step instead of the eps it is given."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    h = 1e-5
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def diagnose_numerical_gradient(case, got, expected):
    x = np.asarray(case.args[1])
    if shape(got) != x.shape:
        return f"the gradient has the shape of x, {x.shape}: perturb one entry at a time, for any shape"
    if integers(x):
        return ("x holds integers, and an integer array rounds x + eps back to an integer: "
                "perturb a float copy, np.array(x, dtype=float)")
    return None


# --------------------------------------------------------------------------- gradient_magnitudes

def gradient_magnitudes_cases(rng):
    return [
        Case((np.array([[0.3, -1.2], [2.0, 0.5]]), 0.5), label="W=[[0.3, -1.2], [2.0, 0.5]], x=0.5", public=True),
        Case((rng.normal(size=(5, 3)), 0.5), label="W of shape (5, 3) from N(0, 1), x=0.5"),
        Case((rng.normal(size=(4, 3)), -1.3), label="W of shape (4, 3) from N(0, 1), x=-1.3"),
        Case((rng.normal(size=(1, 8)), 2.0), label="W of shape (1, 8), x=2"),
        Case((np.zeros((3, 0)), 0.4), label="W of shape (3, 0) (no layers), x=0.4"),
        Case((rng.normal(size=(6, 20)), 1.0), label="W of shape (6, 20) from N(0, 1), x=1", atol=TINY),
        Case(([[1.0, -2.0, 0.5], [-0.5, 1.5, 3.0]], 0.2), label="W a nested list of shape (2, 3), x=0.2"),
    ]


@mistake("the magnitude is the absolute value of each gradient")
def gradient_magnitudes__forgets_abs(W, x):
    W = np.asarray(W, dtype=float)
    return np.array([backprop_chain(row, x) for row in W]).reshape(W.shape[0], W.shape[1] + 1)


@mistake("one row per trial (row of W), one column per layer: the result looks transposed")
def gradient_magnitudes__transposed(W, x):
    """One column per trial instead of one row per trial."""
    W = np.asarray(W, dtype=float)
    out = np.empty((W.shape[1] + 1, W.shape[0]))
    for i in range(W.shape[0]):
        out[:, i] = np.abs(backprop_chain(W[i], x))
    return out


@mistake("these are the weights' gradients; the test wants |dL/dh_t| for t = 0..m, m + 1 columns")
def gradient_magnitudes__weight_gradients(W, x):
    """Reports the weights' gradients |dL/dw_t| instead of |dL/dh_t|."""
    W = np.asarray(W, dtype=float)
    return np.array([np.abs(weight_grads_chain(row, x)) for row in W]).reshape(W.shape)


def diagnose_gradient_magnitudes(case, got, expected):
    if shape(got) == np.shape(expected)[1:]:
        return "return every trial's row, shape (n_trials, m + 1), not a summary over trials"
    return None
