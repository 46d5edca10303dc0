"""Hidden tests of ps2_vanishing_gradients: backpropagation through a deep chain.

Each ``*_cases(rng)`` makes the inputs of one function: the notebook's public
examples (``public=True``), randomized inputs from the seeded ``rng``, and the
edge cases of ASSIGNMENTS.md.  Inputs are chosen so that the typical mistakes
land far outside the tolerance (non-square and non-normal matrices, layer
widths that differ, functions with large curvature, ``dL_do != 1``).  Each
``diagnose_*`` recomputes what a typical wrong implementation would return and
names the mistake when the student's value matches it.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import AssignmentSpec, Case, Fixture, FunctionTest, Verdict
from solutions import ps2_vanishing_gradients as ref

#: relative comparison for values that shrink geometrically with depth (no absolute floor)
TINY = 1e-300


def _same(got, expected, rtol=1e-6, atol=1e-12) -> bool:
    """Whether ``got`` equals a recomputed wrong answer (same shape, close values)."""
    try:
        g = np.asarray(got, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False))


def _shape(value):
    """The shape of ``value`` as a float array, or None when it is not one (ragged, text, ...)."""
    try:
        return np.asarray(value, dtype=float).shape
    except (TypeError, ValueError):
        return None


def _has_nan(value) -> bool:
    try:
        return bool(np.isnan(np.asarray(value, dtype=float)).any())
    except (TypeError, ValueError):
        return False


def _fixed_point(w: float) -> float:
    """The ``h`` with ``h = sigmoid(w * h)`` (``w < 0``), by bisection: the chain started
    there keeps every pre-activation at ``w * h`` and, from about ``w = -6`` down, explodes."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ref.sigmoid(w * mid) > mid else (lo, mid)
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
        if _has_nan(got.value):
            return Verdict(False, "returned nan",
                           "inf/inf is nan: exp(z) overflows for large z; compute e = exp(-|z|) instead")
    return judge_close(test, case, got, ref_outcome)


def diagnose_sigmoid(case, got, expected):
    z = np.asarray(case.args[0], dtype=float)
    if _same(got, 0.5 * (1.0 + np.tanh(z))):
        return "0.5 * (1 + tanh(z)) is sigmoid(2z): the tanh form needs z / 2"
    if _same(got, ref.sigmoid(-z)):
        return "this is sigmoid(-z): check the sign inside exp"
    return None


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


def diagnose_sigmoid_prime(case, got, expected):
    z = np.asarray(case.args[0], dtype=float)
    s = ref.sigmoid(z)
    if _has_nan(got):
        return "exp(-z) overflows for large negative z and inf/inf is nan: build it from sigmoid(z)"
    if _same(got, s * (1.0 - z)):
        return "the factor is (1 - sigmoid(z)), not (1 - z)"
    if _same(got, 1.0 - s ** 2):
        return "1 - sigmoid(z)**2 is the pattern of tanh's derivative; the sigmoid's is sigmoid(z) * (1 - sigmoid(z))"
    if _same(got, s):
        return "that is sigmoid(z) itself, not its derivative"
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


def _dL_do(case) -> float:
    if "dL_do" in case.kwargs:
        return float(case.kwargs["dL_do"])
    return float(case.args[2]) if len(case.args) > 2 else 1.0


def diagnose_forward_chain(case, got, expected):
    w = np.asarray(case.args[0], dtype=float)
    x = float(case.args[1])
    expected = np.asarray(expected)
    if _same(got, expected[1:]):
        return "the first entry must be h[0] = x: m weights give m + 1 activations"
    wrong_order, from_x = [x], [x]
    for wt in w:
        wrong_order.append(wt * ref.sigmoid(wrong_order[-1]))
        from_x.append(ref.sigmoid(wt * x))
    if _same(got, wrong_order):
        return "the weight goes inside the sigmoid: h[t+1] = sigmoid(w[t] * h[t])"
    if w.size > 1 and _same(got, from_x):
        return "each layer takes the previous activation h[t], not the input x"
    return None


def _wrong_backprops(w, x, dL_do):
    """What typical wrong versions of equation (4.1) return, by name."""
    h = ref.forward_chain(w, x)
    m = w.size
    variants = {name: np.empty(m + 1) for name in ("no_w", "sp_of_h", "h_next", "w_prev", "no_dL_do")}
    for g in variants.values():
        g[-1] = dL_do
    variants["no_dL_do"][-1] = 1.0
    for t in range(m - 1, -1, -1):
        variants["no_w"][t] = ref.sigmoid_prime(w[t] * h[t]) * variants["no_w"][t + 1]
        variants["sp_of_h"][t] = ref.sigmoid_prime(h[t]) * w[t] * variants["sp_of_h"][t + 1]
        variants["h_next"][t] = ref.sigmoid_prime(w[t] * h[t + 1]) * w[t] * variants["h_next"][t + 1]
        variants["w_prev"][t] = ref.sigmoid_prime(w[t - 1] * h[t]) * w[t - 1] * variants["w_prev"][t + 1]
        variants["no_dL_do"][t] = ref.sigmoid_prime(w[t] * h[t]) * w[t] * variants["no_dL_do"][t + 1]
    return variants


BACKPROP_HINTS = {
    "no_w": "each step multiplies by the weight w[t] as well as by sigmoid'(w[t] * h[t])",
    "sp_of_h": "sigmoid' is evaluated at the pre-activation w[t] * h[t], not at h[t]",
    "h_next": "step t uses h[t], the activation that enters layer t + 1, not h[t+1]",
    "w_prev": "step t uses w[t] (the chapter's w_{t+1}), the weight between h[t] and h[t+1], not w[t-1]",
    "no_dL_do": "the recursion starts from g[m] = dL_do, not from 1",
}


def diagnose_backprop_chain(case, got, expected):
    w = np.asarray(case.args[0], dtype=float)
    x = float(case.args[1])
    g = np.asarray(expected)
    if _same(got, g[:-1]) or _same(got, g[1:]):
        return "g has m + 1 entries, from dL/dh_0 to dL/dh_m = dL_do"
    for name, wrong in _wrong_backprops(w, x, _dL_do(case)).items():
        if _same(got, wrong, atol=0.0):
            return BACKPROP_HINTS[name]
    if g.size > 1 and _shape(got) == g.shape and _same(np.asarray(got, dtype=float)[1:], g[1:], atol=0.0):
        return "only g[0] is wrong: the backward loop must run down to t = 0, e.g. range(m - 1, -1, -1)"
    return None


def diagnose_weight_grads_chain(case, got, expected):
    w = np.asarray(case.args[0], dtype=float)
    x = float(case.args[1])
    dL_do = _dL_do(case)
    h = ref.forward_chain(w, x)
    g = ref.backprop_chain(w, x, dL_do)
    sp = ref.sigmoid_prime(w * h[:-1])
    wrong = {
        "use g[t+1], the gradient arriving from the layer above, not g[t]": sp * h[:-1] * g[:-1],
        "the weight's gradient has the factor h[t] (what w[t] multiplies), not w[t]": sp * w * g[1:],
        "the factor sigmoid'(w[t] * h[t]) is missing": h[:-1] * g[1:],
        "start the backward pass from dL_do, not from 1": ref.weight_grads_chain(w, x, 1.0),
    }
    for hint, value in wrong.items():
        if w.size and _same(got, value, atol=0.0):
            return hint
    if _shape(got) == (w.size + 1,):
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


def _numeric_variants(f, x, eps):
    """Forward and backward one-sided differences of ``f`` at ``x``."""
    x = np.array(x, dtype=float)
    fwd, bwd = np.empty_like(x), np.empty_like(x)
    f0 = float(f(x))
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += eps
        fwd[i] = (float(f(xp)) - f0) / eps
        xp[i] = x[i] - eps
        bwd[i] = (f0 - float(f(xp))) / eps
    return fwd, bwd


def _central(f, x, steps):
    """Central differences with a step per entry (``steps`` broadcast to ``x``'s shape)."""
    x = np.array(x, dtype=float)
    steps = np.broadcast_to(np.asarray(steps, dtype=float), x.shape)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += steps[i]
        xm[i] -= steps[i]
        grad[i] = (float(f(xp)) - float(f(xm))) / (2 * steps[i])
    return grad


def _rows_perturbed(f, x, eps):
    """What perturbing ``x[i]`` (a whole row when ``x`` is a matrix) for ``i in range(len(x))`` gives."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (float(f(xp)) - float(f(xm))) / (2 * eps)
    return grad


def diagnose_numerical_gradient(case, got, expected):
    fixture, x = case.args
    eps = float(case.kwargs.get("eps", 1e-6))
    x = np.asarray(x)
    f = getattr(fx, "make_" + fixture.name)(**fixture.params)
    fwd, bwd = _numeric_variants(f, x, eps)
    if _same(got, fwd, rtol=1e-9, atol=1e-12) or _same(got, bwd, rtol=1e-9, atol=1e-12):
        return "a one-sided difference is off by about eps * f''/2; use (f(x + eps) - f(x - eps)) / (2 eps)"
    if _shape(got) != x.shape:
        return f"the gradient has the shape of x, {x.shape}: perturb one entry at a time, for any shape"
    if x.ndim >= 2 and _same(got, _rows_perturbed(f, x, eps)):
        return "for a matrix x, x[i] is a whole row: perturb one entry at a time, e.g. over np.ndindex(x.shape)"
    if x.dtype.kind in "iu":
        return ("x holds integers, and an integer array rounds x + eps back to an integer: "
                "perturb a float copy, np.array(x, dtype=float)")
    if "eps" in case.kwargs:
        wrong_steps = {
            "step by the full eps, to x - eps and x + eps, and divide by 2 eps": eps / 2,
            "the step is eps itself, not eps scaled by the size of x": eps * np.maximum(1.0, np.abs(x)),
            f"this is what a step other than the given eps produces: use the eps argument (here {eps:g})": 1e-5,
        }
        for hint, steps in wrong_steps.items():
            if _same(got, _central(f, x, steps), rtol=1e-8):
                return hint
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


def diagnose_gradient_magnitudes(case, got, expected):
    W = np.asarray(case.args[0], dtype=float)
    x = case.args[1]
    signed = np.array([ref.backprop_chain(row, x) for row in W]).reshape(expected.shape)
    if W.shape[1] and _same(got, signed, atol=0.0):
        return "the magnitude is the absolute value of each gradient"
    if _same(got, np.asarray(expected).T, atol=0.0) and W.shape[0] != W.shape[1] + 1:
        return "one row per trial (row of W), one column per layer: the result looks transposed"
    weights = np.abs(np.array([ref.weight_grads_chain(row, x) for row in W])).reshape(W.shape)
    if _same(got, weights, atol=0.0):
        return "these are the weights' gradients; the test wants |dL/dh_t| for t = 0..m, m + 1 columns"
    if _shape(got) == (W.shape[1] + 1,):
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


def diagnose_layer_jacobian(case, got, expected):
    W = np.asarray(case.args[0], dtype=float)
    h = np.asarray(case.args[1], dtype=float)
    a = W @ h
    if _same(got, ref.sigmoid(a)[:, None] * W):
        return "the Jacobian holds sigmoid'(W @ h), the derivative, not sigmoid(W @ h)"
    if _same(got, W):
        return "the factor diag(sigmoid'(W @ h)) is missing"
    at_input = _same(got, W * ref.sigmoid_prime(h)[None, :])
    if W.shape[0] == W.shape[1]:
        if _same(got, W * ref.sigmoid_prime(a)[None, :]):
            return "sigmoid'(W @ h)[i] belongs to output unit i, so it scales row i of W, not column i"
        at_input = at_input or _same(got, ref.sigmoid_prime(h)[:, None] * W)
    if at_input:
        return "sigmoid' is evaluated at the pre-activation W @ h, not at h"
    return None


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


def diagnose_chain_jacobian(case, got, expected):
    Ws = [np.asarray(W, dtype=float) for W in case.args[0]]
    x = np.asarray(case.args[1], dtype=float)
    if not Ws:
        return f"with no layers h_m = h_0 = x, so dh_m/dh_0 is the identity of size len(x) = {x.size}"
    hs, Js = [x], []
    for W in Ws:
        Js.append(ref.layer_jacobian(W, hs[-1]))
        hs.append(ref.sigmoid(W @ hs[-1]))
    reversed_product = Js[0]
    for J in Js[1:]:
        try:
            reversed_product = reversed_product @ J
        except ValueError:
            reversed_product = None
            break
    if reversed_product is not None and _same(got, reversed_product):
        return "the product runs J_m @ ... @ J_1: each new layer's Jacobian multiplies from the left"
    if all(W.shape == Ws[0].shape == (x.size, x.size) for W in Ws):
        at_input = np.eye(x.size)
        for W in Ws:
            at_input = ref.layer_jacobian(W, x) @ at_input
        if _same(got, at_input):
            return "each J_t is evaluated at the layer's own input h_{t-1}, not at x: run the forward pass"
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


def diagnose_spectral_radius(case, got, expected):
    A = np.asarray(case.args[0], dtype=float)
    if A.ndim != 2:
        return None
    if _same(got, np.linalg.norm(A, 2)) and not _same(expected, np.linalg.norm(A, 2)):
        return ("that is the largest singular value (the spectral norm); the spectral radius is the "
                "largest |eigenvalue|, and the two differ for matrices that are not symmetric")
    if _same(got, -np.asarray(expected)):
        return "take the absolute value of the eigenvalues before the maximum"
    if A.shape[0] == A.shape[1] and _same(got, np.max(np.linalg.eigvals(A).real)):
        return "the largest eigenvalue is not the largest in absolute value: compare |eigenvalue|s (np.abs)"
    if A.shape[0] == A.shape[1] and _same(got, np.max(np.abs(np.linalg.eigvalsh(A)))):
        return "eigvalsh assumes a symmetric matrix and reads only one triangle; use eigvals"
    return None


# --------------------------------------------------------------------------- jacobian_power_norms

def jacobian_power_norms_cases(rng):
    R = rng.normal(size=(4, 4))
    R *= 1.15 / ref.spectral_radius(R)
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


def diagnose_jacobian_power_norms(case, got, expected):
    J = np.asarray(case.args[0], dtype=float)
    n = int(case.args[1])
    if n == 0:
        return "n=0 asks for no powers: an empty array of shape (0,)"
    powers = [np.linalg.matrix_power(J, k) for k in range(n + 1)]
    wrong = {
        "J**k in numpy is the elementwise power; the matrix power is np.linalg.matrix_power(J, k) "
        "(or repeated J @ ...)": [np.linalg.norm(J ** k, 2) for k in range(1, n + 1)],
        "np.linalg.norm(P) of a matrix is the Frobenius norm; the spectral norm is np.linalg.norm(P, 2)":
            [np.linalg.norm(P) for P in powers[1:]],
        "that is the spectral radius of each power (largest |eigenvalue|), not its largest singular value":
            [np.max(np.abs(np.linalg.eigvals(P))) for P in powers[1:]],
        "the list starts at J**1, not at J**0 = I": [np.linalg.norm(P, 2) for P in powers[:-1]],
    }
    for hint, value in wrong.items():
        if _same(got, value):
            return hint
    if _shape(got) == (n + 1,):
        return "there are n norms, for J**1 to J**n"
    return None


SPEC = AssignmentSpec(
    name="ps2_vanishing_gradients",
    reference_module="solutions.ps2_vanishing_gradients",
    fixture_module="depthlab.checks.fixtures_ps2_vanishing_gradients",
    tests=(
        FunctionTest("sigmoid", 2, sigmoid_cases, judge=judge_sigmoid, diagnose=diagnose_sigmoid),
        FunctionTest("sigmoid_prime", 1, sigmoid_prime_cases, diagnose=diagnose_sigmoid_prime),
        FunctionTest("forward_chain", 2, forward_chain_cases, diagnose=diagnose_forward_chain),
        FunctionTest("backprop_chain", 3, backprop_chain_cases, diagnose=diagnose_backprop_chain),
        FunctionTest("weight_grads_chain", 2, weight_grads_chain_cases, diagnose=diagnose_weight_grads_chain),
        FunctionTest("numerical_gradient", 3, numerical_gradient_cases, diagnose=diagnose_numerical_gradient),
        FunctionTest("gradient_magnitudes", 2, gradient_magnitudes_cases, diagnose=diagnose_gradient_magnitudes),
        FunctionTest("layer_jacobian", 2, layer_jacobian_cases, diagnose=diagnose_layer_jacobian),
        FunctionTest("chain_jacobian", 3, chain_jacobian_cases, diagnose=diagnose_chain_jacobian,
                     hint="J_t = layer_jacobian(W_t, h_{t-1}) has shape (n_t, n_{t-1}), so only the product "
                          "J_m @ ... @ J_1 fits together, with shape (n_m, n_0)"),
        FunctionTest("spectral_radius", 1, spectral_radius_cases, diagnose=diagnose_spectral_radius),
        FunctionTest("jacobian_power_norms", 2, jacobian_power_norms_cases, diagnose=diagnose_jacobian_power_norms),
    ),
)
