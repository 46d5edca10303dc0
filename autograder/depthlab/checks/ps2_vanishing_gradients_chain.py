"""Hidden tests of ps2_vanishing_gradients, part 1: the sigmoid and the deep chain
(``sigmoid``, ``sigmoid_prime``, ``forward_chain``, ``backprop_chain``,
``weight_grads_chain``): each function's cases, typical mistakes and diagnosis.
The spec is assembled in :mod:`depthlab.checks.ps2_vanishing_gradients`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import has_nan, same, shape
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import Case, Verdict

# the reference's graded functions, by the names the wrong implementations below call
# them (in a student's notebook the same names are the student's own)
from solutions.ps2_vanishing_gradients import backprop_chain, forward_chain, sigmoid, sigmoid_prime

mistake = Catalogue(fx)


#: relative comparison for values that shrink geometrically with depth (no absolute floor)
TINY = 1e-300


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


@mistake("the factor is (1 - sigmoid(z)), not (1 - z)")
def sigmoid_prime__one_minus_z(z):
    return sigmoid(z) * (1.0 - np.asarray(z, dtype=float))


@mistake("1 - sigmoid(z)**2 is the pattern of tanh's derivative; the sigmoid's is sigmoid(z) * (1 - sigmoid(z))")
def sigmoid_prime__tanh_pattern(z):
    """The derivative of tanh is 1 - tanh**2; copying that pattern for the sigmoid is wrong."""
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
