"""The chapter's claim that the sigmoid makes vanishing worse, put to the test in
ps2_vanishing_gradients: the graded function ``activation_gradient_magnitudes``
(sigmoid, tanh and ReLU chains) and the short questions, each placed in the
notebook where the student has just run an experiment or is about to.

Questions 1-3 sit around the table that compares the three activations at several
weight scales, computed with the student's ``activation_gradient_magnitudes``;
question 4 comes before the wide layers of section 9.

A question is declared once with :func:`depthlab.checks.toolkit.question`; its
typical wrong answers are catalogued mistakes (``@answer(hint)``) whose hints
teach, so they are graded as mutants by tests/test_checks.py like any function's.
The reference answers are ``solutions.ps2_vanishing_gradients.answer_*``.  No hint
states the right answer: each points back at the experiment or the reasoning.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import question
from depthlab.judge.spec import Case, FunctionTest
# the wrong implementations call the graded functions by name, as a student's cell would
from solutions.ps2_vanishing_gradients import forward_chain, sigmoid, sigmoid_prime

#: the typical wrong answers and implementations; one catalogue, so that the assignment's
#: check module, which imports it, sees every entry attached to its test
answer = Catalogue(fx)


# --------------------------------------------------------------------------- activation_gradient_magnitudes

def activation_gradient_magnitudes_cases(rng):
    cases = [
        Case(([[2.0, -1.0, -3.0], [2.0, 3.0, 0.5]], 1.0, "relu"), label="W=[[2, -1, -3], [2, 3, 0.5]], x=1, relu",
             public=True),
        Case((np.array([[0.5]]), 0.4, "tanh"), label="W=[[0.5]], x=0.4, tanh", public=True),
        Case((np.array([[0.3, -1.2], [2.0, 0.5]]), 0.5, "sigmoid"), label="W=[[0.3, -1.2], [2, 0.5]], x=0.5, sigmoid",
             public=True),
        Case((np.zeros((3, 0)), 0.2, "tanh"), label="W of shape (3, 0) (no layers), tanh"),
        Case((np.ones((2, 2)), 0.5, "softplus"), label="activation='softplus'"),
    ]
    for activation in ("sigmoid", "tanh", "relu"):
        cases += [
            Case((rng.normal(size=(6, 5)), float(rng.uniform(-1.5, 1.5)), activation),
                 label=f"W of shape (6, 5) from N(0, 1), x between -1.5 and 1.5, {activation}"),
            Case((2.5 * rng.normal(size=(4, 7)), 1.0, activation),
                 label=f"W of shape (4, 7) from N(0, 2.5**2), x=1, {activation}"),
        ]
    cases += [
        Case((np.abs(rng.normal(size=(5, 6))) + 0.2, -0.7, "relu"),
             label="W of shape (5, 6), all positive, x=-0.7, relu"),
        Case((rng.normal(size=(4, 3)), 0.0, "relu"), label="W of shape (4, 3) from N(0, 1), x=0, relu"),
        Case(([[1.5, -0.5, 2.5], [-1.0, 0.8, 1.2]], 2, "tanh"), label="W as a list of lists, x=2 as an integer, tanh"),
    ]
    return cases


compare = answer      # the same catalogue, named for what it holds here
# Each wrong implementation below is a whole student cell (tests/test_checks.py runs its source
# as the student's answer and requires it to define its function and nothing else), so each
# carries its own copy of the chain's loops; they differ in one slope or in the forward pass.


@compare("tanh'(z) is not 1 - tanh(z): differentiate tanh(z) = (e^z - e^-z) / (e^z + e^-z) with the quotient "
         "rule, and check your slope against (tanh(z + 1e-6) - tanh(z - 1e-6)) / 2e-6")
def activation_gradient_magnitudes__tanh_slope_unsquared(W, x, activation):
    slopes = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z)),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float))}
    if activation not in slopes:
        raise ValueError(activation)
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)


@compare("the sigmoid's derivative is written with the sigmoid itself, but tanh's is not the same expression "
         "with tanh in its place: derive tanh's slope and check it with a finite difference")
def activation_gradient_magnitudes__tanh_with_sigmoid_pattern(W, x, activation):
    slopes = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, lambda z: np.tanh(z) * (1.0 - np.tanh(z))),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float))}
    if activation not in slopes:
        raise ValueError(activation)
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)


@compare("that multiplies by ReLU itself, max(z, 0), where its slope belongs: the slope of max(z, 0) is 1 where "
         "z > 0 and 0 where z < 0")
def activation_gradient_magnitudes__relu_value_as_slope(W, x, activation):
    slopes = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.maximum(z, 0.0))}
    if activation not in slopes:
        raise ValueError(activation)
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)


@compare("ReLU's slope is 1 only where the unit is active (z > 0); where z < 0 the unit passes nothing back, "
         "and that is what kills a one-node ReLU chain")
def activation_gradient_magnitudes__relu_slope_always_one(W, x, activation):
    slopes = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.ones_like(z))}
    if activation not in slopes:
        raise ValueError(activation)
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)


@compare("the activations h_t come from forward_chain, which uses the sigmoid: the slopes must be taken where "
         "the chosen activation puts the pre-activations, so run the forward pass with that activation too")
def activation_gradient_magnitudes__sigmoid_forward_pass(W, x, activation):
    slopes = {"sigmoid": sigmoid_prime, "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
              "relu": lambda z: (z > 0).astype(float)}
    if activation not in slopes:
        raise ValueError(activation)
    W = np.asarray(W, dtype=float)
    out = np.empty((W.shape[0], W.shape[1] + 1))
    for i in range(W.shape[0]):
        h = forward_chain(W[i], x)
        g = np.ones(W.shape[1] + 1)
        for t in range(W.shape[1] - 1, -1, -1):
            g[t] = slopes[activation](W[i, t] * h[t]) * W[i, t] * g[t + 1]
        out[i] = np.abs(g)
    return out


# --------------------------------------------------------------------------- 1: predict, then run (section 8)

@answer("the sigmoid's slope is at most 1/4, so with |w| around 1 every layer keeps at most about a quarter "
        "of the gradient; compare that with the largest slope of the other two")
def answer_best_activation__sigmoid():
    return "a"


@answer("ReLU's slope is exactly 1 where the unit is active, but in a chain with one node per layer: what "
        "does a single negative weight do to the next activation, and to every slope below it?")
def answer_best_activation__relu():
    return "c"


# --------------------------------------------------------------------------- 2: read off the table (section 8)

@answer("that is the sigmoid column; the question asks for the tanh chains")
def answer_tanh_factor__sigmoid_column():
    return 0.126        # (9.6e-19) ** (1 / 20), the sigmoid's median at sigma = 1


@answer("the gradient after 20 layers is a product of 20 factors, not a sum: a typical factor is the 20th "
        "root of the product, not a 20th of it")
def answer_tanh_factor__divides_by_depth():
    return 9.6e-07 / 20


@answer("that is the largest slope tanh has, at its centre: a bound, not what the chains keep; compute the "
        "factor from the median the table prints")
def answer_tanh_factor__slope_bound():
    return 1.0


@answer("that is the row sigma = 0.5; read the row sigma = 1")
def answer_tanh_factor__reads_sigma_half():
    return 0.265        # (2.9e-12) ** (1 / 20)


# --------------------------------------------------------------------------- 3: choose an explanation (section 8)

@answer("a factor of one layer is the slope times |w|: with |w| > 1 it can exceed 1 even though the slope does "
        "not, and at sigma = 2 tanh kept more than at sigma = 1; what changes between sigma = 2 and 8?")
def answer_tanh_large_scale__slope_at_most_one():
    return "a"


@answer("the table scales the same draws by sigma: every weight keeps its sign, and the factors enter (4.1) "
        "through their absolute values anyway")
def answer_tanh_large_scale__more_negative_weights():
    return "c"


@answer("float64 holds numbers down to about 1e-308 (1e-16 is its relative precision, the spacing near 1); "
        "the table prints medians like 1e-81, so the product itself does not underflow: look at the factors")
def answer_tanh_large_scale__underflow():
    return "d"


# --------------------------------------------------------------------------- 4: predict, then run (section 9)

@answer("that is the naive estimate: a stretch of about 2 sigma times the sigmoid's slope of at most 1/4 "
        "exceeds 1 from sigma = 4 on; but the sigmoid's slope is 1/4 only at its centre: read the mean "
        "slope and the share of saturated units in the table")
def answer_wide_growth__naive_estimate():
    return 4


@answer("at sigma = 8 the norm after 20 layers is still below 1 (the table's ||dh_20/dh_0||_2 column): "
        "saturation eats most of the stretch")
def answer_wide_growth__sigma_8():
    return 8


@answer("at sigma = 1 the stretch of about 2 times the slope of at most 1/4 is below 1 in every layer: "
        "the norm shrinks with depth, as in the one-node chain")
def answer_wide_growth__sigma_1():
    return 1


#: the hidden tests of this module, in the order of the notebook (the name the check module imports)
QUESTIONS = (
    FunctionTest("activation_gradient_magnitudes", 3, activation_gradient_magnitudes_cases, atol=1e-12,
                 mistakes=compare.of("activation_gradient_magnitudes"),
                 hint="each row is one chain: the forward pass h[t+1] = phi(w[t] * h[t]) with the chosen phi, "
                      "then (4.1) with phi' in place of sigmoid'"),
    question("answer_best_activation", 1, choices=("a", "b", "c"), mistakes=answer.of("answer_best_activation"),
             teach="answer with the letter of one activation: a (sigmoid), b (tanh) or c (ReLU)"),
    question("answer_tanh_factor", 1, tol=0.01, mistakes=answer.of("answer_tanh_factor"),
             teach="take the tanh column's median |dL/dh_0| in the row sigma = 1: it is a product of 20 "
                   "factors, one per layer; which single factor, repeated 20 times, gives it?"),
    question("answer_tanh_large_scale", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_tanh_large_scale"),
             teach="one layer's factor is the slope of tanh at the pre-activation w h times |w|: look at where "
                   "the pre-activations land when |w| is about 8, and at the slope there"),
    question("answer_wide_growth", 1, mistakes=answer.of("answer_wide_growth"),
             teach="answer with one of the five scales 1, 4, 8, 16 or 32: the smallest at which the norm after "
                   "20 layers (the table's ||dh_20/dh_0||_2 column) is above 1"),
)
