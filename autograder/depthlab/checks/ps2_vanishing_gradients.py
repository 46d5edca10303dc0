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
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.questions_ps2_vanishing_gradients import QUESTIONS, answer  # noqa: F401
from depthlab.checks.toolkit import has_nan, integers, same, shape
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import AssignmentSpec, Case, Fixture, FunctionTest, Verdict
# the reference's graded functions, by the names the wrong implementations below call
# them (in a student's notebook the same names are the student's own)
from solutions.ps2_vanishing_gradients import (backprop_chain, forward_chain, layer_jacobian, sigmoid,
                                               sigmoid_prime, spectral_radius, weight_grads_chain)

#: relative comparison for values that shrink geometrically with depth (no absolute floor)
TINY = 1e-300

mistake = Catalogue(fx)


def _fixed_point(w: float) -> float:
    """The ``h`` with ``h = sigmoid(w * h)`` (``w < 0``), by bisection: the chain started
    there keeps every pre-activation at ``w * h`` and, from about ``w = -6`` down, explodes."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if sigmoid(w * mid) > mid else (lo, mid)
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------- sigmoid

def sigmoid_cases(rng):
    return [
        Case((0.0,), label="z=0", rtol=0.0, atol=0.0, public=True),
        Case((np.array([-1.0, 0.0, 1.0]),), label="z=[-1, 0, 1]", public=True),
        Case((np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4]),),
             label="z=[-1e4, -800, -40, 0, 40, 800, 1e4]"),
        Case((-1e4,), label="z=-1e4, a single number"),
        Case((rng.uniform(-1e4, 1e4, size=25),), label="25 values of z between -1e4 and 1e4"),
        Case((rng.normal(0.0, 5.0, size=(3, 4)),), label="z of shape (3, 4), entries of size about 5"),
        Case(([-2, -1, 0, 1, 2],), label="z=[-2, -1, 0, 1, 2] as a list of integers"),
    ]


def judge_sigmoid(test, case, got, ref_outcome):
    """The default judge, but a RuntimeWarning (overflow in exp) or a nan fails the case."""
    if got.ok:
        warned = [w for w in got.warnings if w.startswith("RuntimeWarning")]
        if warned:
            return Verdict(False, f"emitted '{warned[0]}'",
                           "exp(-z) overflows for large negative z: compute e = exp(-|z|), which never "
                           "overflows, and use 1/(1+e) for z >= 0 and e/(1+e) for z < 0")
        if has_nan(got.value):
            return Verdict(False, "returned nan",
                           "inf/inf is nan: exp(z) overflows for large z; compute e = exp(-|z|) instead")
    return judge_close(test, case, got, ref_outcome)


@mistake("0.5 * (1 + tanh(z)) is sigmoid(2z): the tanh form needs z / 2")
def sigmoid__tanh_without_half(z):
    """The tanh form with z where z / 2 belongs."""
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float)))


@mistake("this is sigmoid(-z): check the sign inside exp")
def sigmoid__sign_flipped(z):
    """exp(z) where exp(-z) belongs (written stably, so that only the sign is wrong)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


# --------------------------------------------------------------------------- sigmoid_prime

def sigmoid_prime_cases(rng):
    return [
        Case((0.0,), label="z=0", public=True),
        Case((np.array([-2.0, 0.0, 2.0]),), label="z=[-2, 0, 2]", public=True),
        Case((np.array([-1e4, -800.0, -30.0, 30.0, 800.0, 1e4]),),
             label="z=[-1e4, -800, -30, 30, 800, 1e4]"),
        Case((rng.normal(0.0, 3.0, size=(4, 3)),), label="z of shape (4, 3), entries of size about 3"),
        Case((list(np.round(rng.uniform(-4, 4, size=5), 3)),), label="z a list of 5 numbers between -4 and 4"),
    ]


@mistake("your formula of step 2 is written with sigmoid(z) alone: one of its factors uses z where sigmoid(z) belongs")
def sigmoid_prime__one_minus_z(z):
    return sigmoid(z) * (1.0 - np.asarray(z, dtype=float))


@mistake("1 - sigmoid(z)**2 is 3/4 at z = 0, three times the slope there: differentiate 1 / (1 + exp(-z)) (step 1), "
         "then rewrite the result with sigmoid(z) (step 2)")
def sigmoid_prime__tanh_pattern(z):
    return 1.0 - sigmoid(z) ** 2


@mistake("that is sigmoid(z) itself, not its derivative")
def sigmoid_prime__returns_sigmoid(z):
    return sigmoid(z)


def diagnose_sigmoid_prime(case, got, expected):
    if has_nan(got):
        return "exp(-z) overflows for large negative z and inf/inf is nan: build it from sigmoid(z)"
    return None


# --------------------------------------------------------------------------- the chain

def _chain_cases(rng, with_dL_do: bool):
    """Inputs shared by forward_chain, backprop_chain and weight_grads_chain."""
    h_star = _fixed_point(-12.0)
    cases = [
        Case(([0.3, -1.2], 0.5), label="w=[0.3, -1.2], x=0.5", public=True),
        Case((np.array([]), 0.7), label="w empty (m=0), x=0.7", public=True),
        Case((np.array([2.0]), -0.5), label="w=[2.0], x=-0.5"),
        Case((rng.normal(size=5), float(rng.normal())), label="w of length 5 from N(0, 1), x from N(0, 1)"),
        Case((rng.normal(size=12), float(rng.uniform(-2, 2))), label="w of length 12 from N(0, 1)", atol=TINY),
        Case((rng.normal(size=25), 1.0), label="w of length 25 from N(0, 1), x=1", atol=TINY),
        Case((rng.choice([-1.0, 1.0], size=8) * rng.uniform(4, 6, size=8), 0.1),
             label="w of length 8 with |w| between 4 and 6, x=0.1", atol=TINY),
        Case((np.full(15, -12.0), h_star),
             label=f"w=-12 fifteen times, x={h_star:.4f} (where sigmoid(-12 x) = x)", atol=TINY),
        Case(([1.5, -0.5, 2.5], 2), label="w=[1.5, -0.5, 2.5] as a list, x=2 as an integer"),
    ]
    if with_dL_do:
        cases += [
            Case((np.array([0.8, -1.1, 0.4]), 0.3), {"dL_do": -2.5}, label="w=[0.8, -1.1, 0.4], x=0.3, dL_do=-2.5"),
            Case((rng.normal(size=6), float(rng.normal())), {"dL_do": float(rng.uniform(2, 4))},
                 label="w of length 6 from N(0, 1), dL_do between 2 and 4"),
        ]
    return cases


def forward_chain_cases(rng):
    return _chain_cases(rng, with_dL_do=False)


def backprop_chain_cases(rng):
    cases = _chain_cases(rng, with_dL_do=True)
    cases.insert(2, Case(([0.3, -1.2], 0.5, 2.0), label="w=[0.3, -1.2], x=0.5, dL_do=2.0", public=True))
    return cases


def weight_grads_chain_cases(rng):
    return _chain_cases(rng, with_dL_do=True)


@mistake("the first entry must be h[0] = x: m weights give m + 1 activations")
def forward_chain__drops_input(w, x):
    h = []
    current = float(x)
    for wt in np.asarray(w, dtype=float):
        current = float(sigmoid(wt * current))
        h.append(current)
    return np.array(h)


@mistake("the weight goes inside the sigmoid: h[t+1] = sigmoid(w[t] * h[t])")
def forward_chain__weight_after_sigmoid(w, x):
    w = np.asarray(w, dtype=float)
    h = np.empty(w.size + 1)
    h[0] = x
    for t in range(w.size):
        h[t + 1] = w[t] * sigmoid(h[t])
    return h


@mistake("each layer takes the previous activation h[t], not the input x")
def forward_chain__every_layer_from_x(w, x):
    w = np.asarray(w, dtype=float)
    h = np.empty(w.size + 1)
    h[0] = x
    for t in range(w.size):
        h[t + 1] = sigmoid(w[t] * x)
    return h


@mistake("each step multiplies by the weight w[t] as well as by sigmoid'(w[t] * h[t])")
def backprop_chain__forgets_weight(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * g[t + 1]
    return g


@mistake("sigmoid' is evaluated at the pre-activation w[t] * h[t], not at h[t]")
def backprop_chain__derivative_at_activation(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(h[t]) * w[t] * g[t + 1]
    return g


@mistake("step t uses h[t], the activation that enters layer t + 1, not h[t+1]")
def backprop_chain__next_activation(w, x, dL_do=1.0):
    """Off by one in the activation: step t reads h[t+1] (the layer's output) instead of h[t]."""
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t + 1]) * w[t] * g[t + 1]
    return g


@mistake("step t uses w[t] (the chapter's w_{t+1}), the weight between h[t] and h[t+1], not w[t-1]")
def backprop_chain__weight_index_shifted(w, x, dL_do=1.0):
    """Off by one in the weight: the chapter's w_t read as w[t], so step t uses w[t-1]
    (and w[-1], the last weight, at t = 0)."""
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t - 1] * h[t]) * w[t - 1] * g[t + 1]
    return g


@mistake("the recursion starts from g[m] = dL_do, not from 1")
def backprop_chain__ignores_dL_do(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.ones(w.size + 1)
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * w[t] * g[t + 1]
    return g


def diagnose_backprop_chain(case, got, expected):
    g = np.asarray(expected)
    if shape(got) == (g.size - 1,):
        return "g has m + 1 entries, from dL/dh_0 to dL/dh_m = dL_do"
    if g.size > 1 and shape(got) == g.shape and same(np.asarray(got, dtype=float)[1:], g[1:], atol=0.0):
        return "only g[0] is wrong: the backward loop must run down to t = 0, e.g. range(m - 1, -1, -1)"
    return None


@mistake("use g[t+1], the gradient arriving from the layer above, not g[t]")
def weight_grads_chain__uses_g_t(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return sigmoid_prime(w * h[:-1]) * h[:-1] * g[:-1]


@mistake("the weight's gradient has the factor h[t] (what w[t] multiplies), not w[t]")
def weight_grads_chain__weight_instead_of_activation(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return sigmoid_prime(w * h[:-1]) * w * g[1:]


@mistake("the factor sigmoid'(w[t] * h[t]) is missing")
def weight_grads_chain__forgets_sigmoid_prime(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return h[:-1] * g[1:]


@mistake("start the backward pass from dL_do, not from 1")
def weight_grads_chain__ignores_dL_do(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x)
    return sigmoid_prime(w * h[:-1]) * h[:-1] * g[1:]


def diagnose_weight_grads_chain(case, got, expected):
    if shape(got) == (np.size(expected) + 1,):
        return "there is one gradient per weight: m entries, not m + 1"
    return None


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


# --------------------------------------------------------------------------- layer_jacobian

def layer_jacobian_cases(rng):
    return [
        Case((np.array([[0.5, -1.0, 2.0]]), np.array([1.0, 0.5, -0.25])),
             label="W=[[0.5, -1, 2]] (1 x 3), h=[1, 0.5, -0.25]", public=True),
        Case((np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0.3, -0.2])),
             label="W=[[1, 2], [-1, 0.5]], h=[0.3, -0.2]", public=True),
        Case((rng.normal(size=(3, 3)), rng.normal(size=3)), label="W of shape (3, 3), h of length 3"),
        Case((rng.normal(size=(2, 5)), rng.normal(size=5)), label="W of shape (2, 5), h of length 5"),
        Case((rng.normal(size=(4, 2)), rng.normal(size=2)), label="W of shape (4, 2), h of length 2"),
        Case((np.array([[-3.0]]), np.array([0.4])), label="W=[[-3]], h=[0.4]"),
        Case(([[0.2, -0.7], [1.1, 0.4], [-0.6, 0.9]], [1.0, -1.0]), label="W and h as lists, W of shape (3, 2)"),
    ]


DERIVATIVE_AT_INPUT = "sigmoid' is evaluated at the pre-activation W @ h, not at h"


@mistake("the Jacobian holds sigmoid'(W @ h), the derivative, not sigmoid(W @ h)")
def layer_jacobian__sigmoid_not_derivative(W, h):
    W = np.asarray(W, dtype=float)
    return np.diag(sigmoid(W @ np.asarray(h, dtype=float))) @ W


@mistake("the factor diag(sigmoid'(W @ h)) is missing")
def layer_jacobian__forgets_derivative(W, h):
    return np.array(W, dtype=float)


@mistake("sigmoid'(W @ h)[i] belongs to output unit i, so it scales row i of W, not column i")
def layer_jacobian__scales_columns(W, h):
    """sigmoid'(W @ h) broadcast against W's columns instead of its rows."""
    W = np.asarray(W, dtype=float)
    return sigmoid_prime(W @ np.asarray(h, dtype=float)) * W


@mistake(DERIVATIVE_AT_INPUT)
def layer_jacobian__derivative_at_input(W, h):
    """sigmoid' evaluated at the layer's input h instead of its pre-activation W @ h."""
    W = np.asarray(W, dtype=float)
    h = np.asarray(h, dtype=float)
    return W * sigmoid_prime(h)[None, :]


@mistake(DERIVATIVE_AT_INPUT)
def layer_jacobian__derivative_at_input_on_rows(W, h):
    """sigmoid' of the input h, and on the rows: right only where W is square."""
    W = np.asarray(W, dtype=float)
    h = np.asarray(h, dtype=float)
    return sigmoid_prime(h)[:, None] * W


# --------------------------------------------------------------------------- chain_jacobian

def _weights(rng, widths, scale=1.0):
    return [rng.normal(0.0, scale, size=(n_out, n_in)) for n_in, n_out in zip(widths[:-1], widths[1:])]


def chain_jacobian_cases(rng):
    return [
        Case(([], np.array([0.1, 0.2, 0.3])), label="no layers, x of length 3", public=True),
        Case(([np.array([[2.0]])], np.array([0.5])), label="one layer W_1=[[2]], x=[0.5]", public=True),
        Case(([], rng.normal(size=5)), label="no layers, x of length 5"),
        Case((_weights(rng, [3, 4, 2, 5], 1.5), rng.normal(size=3)), label="layer widths 3 -> 4 -> 2 -> 5"),
        Case((_weights(rng, [1, 3, 1], 1.5), np.array([0.7])), label="layer widths 1 -> 3 -> 1"),
        Case((_weights(rng, [4, 4, 4, 4], 1.5), rng.normal(size=4)), label="three square 4 x 4 layers"),
        Case((_weights(rng, [2, 3], 1.0), rng.normal(size=2)), label="one layer of shape (3, 2)"),
        Case(([[[0.5, -1.0], [1.5, 0.3]], [[1.0, 2.0]]], [0.4, -0.6]),
             label="Ws and x as nested lists, widths 2 -> 2 -> 1"),
    ]


@mistake("the product is in the wrong order: write down the shapes of J_1, ..., J_m and see where each new one goes")
def chain_jacobian__reversed_order(Ws, x):
    """Multiplies each new Jacobian on the right: J_1 @ J_2 @ ... @ J_m."""
    h = np.asarray(x, dtype=float)
    P = np.eye(h.size)
    for W in Ws:
        W = np.asarray(W, dtype=float)
        P = P @ layer_jacobian(W, h)
        h = sigmoid(W @ h)
    return P


@mistake("each J_t is evaluated at the layer's own input h_{t-1}, not at x: run the forward pass")
def chain_jacobian__jacobians_at_input(Ws, x):
    """Evaluates every layer's Jacobian at x instead of running the forward pass."""
    x = np.asarray(x, dtype=float)
    P = np.eye(x.size)
    for W in Ws:
        P = layer_jacobian(np.asarray(W, dtype=float), x) @ P
    return P


def diagnose_chain_jacobian(case, got, expected):
    Ws, x = case.args
    if not len(Ws):
        return f"with no layers h_m = h_0 = x, so dh_m/dh_0 is the identity of size len(x) = {np.size(x)}"
    return None


# --------------------------------------------------------------------------- spectral_radius

def _rotation(angle, scale=1.0):
    c, s = np.cos(angle), np.sin(angle)
    return scale * np.array([[c, -s], [s, c]])


def spectral_radius_cases(rng):
    Q = np.linalg.qr(rng.normal(size=(4, 4)))[0]
    block = np.zeros((4, 4))
    block[:2, :2] = _rotation(rng.uniform(0.5, 2.5), 1.3)
    block[2:, 2:] = np.diag([-0.4, 0.7])
    return [
        Case((np.array([[-3.0, 0.0], [0.0, 2.0]]),), label="A=[[-3, 0], [0, 2]]", public=True),
        Case((_rotation(np.pi / 2, 0.9),), label="A=0.9 times the rotation by 90 degrees", public=True),
        Case((np.array([[0.5, 10.0], [0.0, 0.3]]),), label="A=[[0.5, 10], [0, 0.3]]"),
        Case((rng.normal(size=(5, 5)),), label="A of shape (5, 5) from N(0, 1)"),
        Case((Q @ block @ Q.T,), label="A of shape (4, 4) with complex eigenvalues of modulus 1.3"),
        Case((np.array([[-2.5]]),), label="A=[[-2.5]]"),
        Case(([[1.0, 2.0], [3.0, 4.0]],), label="A=[[1, 2], [3, 4]] as a list"),
        Case((np.ones((2, 3)),), label="A of shape (2, 3), not square"),
        Case((np.array([1.0, 2.0, 3.0]),), label="A of shape (3,), a vector"),
    ]


@mistake("that is the largest singular value (the spectral norm); the spectral radius is the "
         "largest |eigenvalue|, and the two differ for matrices that are not symmetric")
def spectral_radius__largest_singular_value(A):
    return float(np.linalg.norm(np.asarray(A, dtype=float), 2))


@mistake("take the absolute value of the eigenvalues before the maximum")
def spectral_radius__signed_eigenvalue(A):
    """Returns the eigenvalue of largest modulus itself (negative or complex), not its modulus."""
    ev = np.linalg.eigvals(np.asarray(A, dtype=float))
    return ev[np.argmax(np.abs(ev))]


@mistake("the largest eigenvalue is not the largest in absolute value: compare |eigenvalue|s (np.abs)")
def spectral_radius__max_without_abs(A):
    return float(np.max(np.linalg.eigvals(np.asarray(A, dtype=float)).real))


@mistake("eigvalsh assumes a symmetric matrix and reads only one triangle; use eigvals")
def spectral_radius__eigvalsh(A):
    """eigvalsh is for symmetric matrices: it reads only the lower triangle."""
    return float(np.max(np.abs(np.linalg.eigvalsh(np.asarray(A, dtype=float)))))


# --------------------------------------------------------------------------- jacobian_power_norms

def jacobian_power_norms_cases(rng):
    R = rng.normal(size=(4, 4))
    R *= 1.15 / spectral_radius(R)
    return [
        Case((np.array([[0.5, 0.0], [0.0, 2.0]]), 3), label="J=diag(0.5, 2), n=3", public=True),
        Case((np.array([[0.5, 1.0], [0.0, 0.5]]), 4), label="J=[[0.5, 1], [0, 0.5]], n=4", public=True),
        Case((np.array([[0.9, 4.0], [0.0, 0.7]]), 12), label="J=[[0.9, 4], [0, 0.7]], n=12"),
        Case((R, 15), label="J of shape (4, 4) with spectral radius 1.15, n=15"),
        Case((_rotation(0.7, 0.95) @ np.array([[1.0, 0.8], [0.0, 1.0]]), 8),
             label="J = 0.95 rotation times a shear, n=8"),
        Case((np.array([[-0.9]]), 6), label="J=[[-0.9]], n=6"),
        Case((np.array([[0.3, -0.6], [0.8, 0.1]]), 1), label="J=[[0.3, -0.6], [0.8, 0.1]], n=1"),
        Case((np.array([[0.3, -0.6], [0.8, 0.1]]), 0), label="J=[[0.3, -0.6], [0.8, 0.1]], n=0"),
        Case(([[0.2, 1.5], [-0.4, 0.6]], 5), label="J=[[0.2, 1.5], [-0.4, 0.6]] as a list, n=5"),
    ]


@mistake("J**k in numpy is the elementwise power; the matrix power is np.linalg.matrix_power(J, k) "
         "(or repeated J @ ...)")
def jacobian_power_norms__elementwise_power(J, n):
    J = np.asarray(J, dtype=float)
    return np.array([np.linalg.norm(J ** k, 2) for k in range(1, n + 1)])


@mistake("np.linalg.norm(P) of a matrix is the Frobenius norm; the spectral norm is np.linalg.norm(P, 2)")
def jacobian_power_norms__frobenius(J, n):
    """np.linalg.norm of a matrix defaults to the Frobenius norm."""
    J = np.asarray(J, dtype=float)
    return np.array([np.linalg.norm(np.linalg.matrix_power(J, k)) for k in range(1, n + 1)])


@mistake("that is the spectral radius of each power (largest |eigenvalue|), not its largest singular value")
def jacobian_power_norms__eigenvalues(J, n):
    """Largest |eigenvalue| of each power, which is spectral_radius(J)**k, instead of its norm."""
    J = np.asarray(J, dtype=float)
    return np.array([np.max(np.abs(np.linalg.eigvals(np.linalg.matrix_power(J, k)))) for k in range(1, n + 1)])


@mistake("the list starts at J**1, not at J**0 = I")
def jacobian_power_norms__starts_at_identity(J, n):
    """Records the norm before multiplying: J**0 ... J**(n-1)."""
    J = np.asarray(J, dtype=float)
    P = np.eye(J.shape[0])
    norms = []
    for _ in range(n):
        norms.append(np.linalg.norm(P, 2))
        P = P @ J
    return np.array(norms)


def diagnose_jacobian_power_norms(case, got, expected):
    n = int(case.args[1])
    if n == 0:
        return "n=0 asks for no powers: an empty array of shape (0,)"
    if shape(got) == (n + 1,):
        return "there are n norms, for J**1 to J**n"
    return None


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
        *QUESTIONS,
    ),
)
