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
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.questions_ps3_cliffs_valleys import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.checks.toolkit import (Drawing, as_array, contours_drawn, has_nan, integers, judge_drawing, path_hint,
                                     random_spd, span)
from depthlab.judge.compare import fmt
from depthlab.judge.spec import AX, AssignmentSpec, Case, Fixture, FunctionTest, Verdict
# the reference's graded function the wrong implementations below call by name
# (in a student's notebook, the student's own)
from solutions.ps3_cliffs_valleys import clip_by_norm

NAME = "ps3_cliffs_valleys"

#: the cliff of the notebook (the fixture's defaults), spelled out in labels
CLIFF = {"slope": 10.0, "width": 1.0, "sharpness": 8.0, "bowl": 0.05, "center": 1.7, "skew": 0.3, "ycurv": 1.0}

INTEGER_START = ("w0 holds integers: an integer array cannot hold the fractional steps "
                 "(w -= ... raises or truncates); start from a float copy, np.array(w0, dtype=float)")

mistake = Catalogue(fx)


# --------------------------------------------------------------------------- random problems

def _random_indefinite(rng, d, low=0.5, high=4.0):
    """A symmetric matrix with eigenvalues of both signs, all of size >= low."""
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    eig = rng.uniform(low, high, size=d) * np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
    return (Q * eig) @ Q.T


def _quadratic(rng, d, low=0.5, high=3.0, indefinite=False):
    A = _random_indefinite(rng, d, low, high) if indefinite else random_spd(rng, d, low, high)
    return {"A": A, "m": rng.normal(size=d)}


def _start(rng, q, grad_norm):
    """A start whose gradient on the quadratic ``q`` has about the given norm."""
    u = rng.normal(size=q["m"].size)
    u /= np.linalg.norm(q["A"] @ u)
    return q["m"] + grad_norm * u


def _wavy(rng, d, length=15.0, base=0.3, shift=0.0):
    """Parameters of ``wavy_loss``: ``d + 1`` sine waves of frequency about ``length``
    whose second derivatives are of size 1-2, on top of a small quadratic
    (``base``) plus ``shift`` times the identity."""
    B = rng.normal(size=(d, d)) * base
    J = d + 1
    U = rng.normal(size=(J, d))
    U *= rng.uniform(0.8, 1.2, size=(J, 1)) * length / np.linalg.norm(U, axis=1, keepdims=True)
    amp = rng.uniform(1.0, 2.0, size=J) / np.sum(U**2, axis=1)
    return {"A": B + B.T + shift * np.eye(d), "U": U, "amp": amp, "phase": rng.uniform(0, 2 * np.pi, size=J)}


def _identity_grad(d=2):
    return Fixture("quadratic_grad", {"A": np.eye(d), "m": np.zeros(d)})


# --------------------------------------------------------------------------- clip_by_norm

def clip_by_norm_cases(rng):
    cases = [
        Case(([3.0, 4.0], 10.0), label="g=[3, 4] (norm 5), max_norm=10", public=True),
        Case(([3.0, 4.0], 1.0), label="g=[3, 4] (norm 5), max_norm=1", public=True),
        Case(([0.0, 0.0], 1.0), label="g=[0, 0], max_norm=1", public=True),
        Case(([3.0, 4.0], 0.0), label="g=[3, 4], max_norm=0", public=True),
    ]
    for d in (1, 3, 7):
        g = rng.normal(size=d) * rng.uniform(0.5, 20.0)
        n = float(np.linalg.norm(g))
        below = n * float(rng.uniform(0.1, 0.6))
        above = n * float(rng.uniform(1.5, 4.0))
        cases.append(Case((g, below), label=f"g of length {d} with norm {n:.4g}, max_norm={below:.4g} (below the norm)"))
        cases.append(Case((g, above), label=f"g of length {d} with norm {n:.4g}, max_norm={above:.4g} (above the norm)"))
    big = rng.normal(size=100)
    cases += [
        Case((big, 1.0), label=f"g of length 100 with norm {np.linalg.norm(big):.4g}, max_norm=1"),
        Case((np.array([50.0, -0.3, 0.2, 0.1]), 2.0), label="g=[50, -0.3, 0.2, 0.1], max_norm=2"),
        Case((np.zeros(5), 0.5), label="g of length 5, all zero, max_norm=0.5"),
        Case(([6, -8], 5), label="g=[6, -8] and max_norm=5 as integers"),
        Case((rng.normal(size=4), -1.0), label="g of length 4, max_norm=-1"),
        Case((rng.normal(size=3) * 0.1, 0.0), label="g of length 3 with norm below 1, max_norm=0"),
    ]
    return cases


@mistake("np.clip limits each component separately, which turns the vector; scale the whole "
         "vector by one number so that its direction stays")
def clip_by_norm__clips_each_component(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    return np.clip(np.asarray(g, dtype=float), -max_norm, max_norm)


@mistake("g is already no longer than max_norm and must come back unchanged: "
         "only longer vectors are scaled down (for the others the factor is 1)")
def clip_by_norm__always_rescales(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    g = np.asarray(g, dtype=float)
    norm = np.linalg.norm(g)
    if norm == 0:
        return g.copy()
    return g * (max_norm / norm)


@mistake("g is longer than max_norm: shorten it to length max_norm, keeping its direction")
def clip_by_norm__never_clips(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    return np.array(g, dtype=float)


def diagnose_clip_by_norm(case, got, expected):
    g = np.asarray(case.args[0], dtype=float)
    max_norm = float(case.args[1])
    n = float(np.linalg.norm(g))
    arr = as_array(got)
    if arr is None or arr.shape != g.shape:
        return None
    if has_nan(arr):
        return "the zero vector has norm 0 and no direction: return it unchanged instead of dividing by its norm"
    if n > 0 and np.linalg.norm(arr) > 0:
        cosine = float(arr @ g / (np.linalg.norm(arr) * n))
        if cosine > 1 - 1e-9:
            return f"the direction is right but the length is {np.linalg.norm(arr):.4g}, expected {min(n, max_norm):.4g}"
        return "clipping must keep the direction of g and change only its length"
    return None


# --------------------------------------------------------------------------- gd_clipped

def gd_clipped_cases(rng):
    I2 = _identity_grad(2)
    cases = [
        Case((I2, [3.0, 4.0], 0.5, 2, 1.0),
             label="grad(w) = w, w0=[3, 4], lr=0.5, 2 steps, max_norm=1", public=True),
        Case((I2, [3.0, 4.0], 0.5, 2, 100.0),
             label="grad(w) = w, w0=[3, 4], lr=0.5, 2 steps, max_norm=100 (never clips)", public=True),
    ]
    for d, lr in ((2, 0.2), (4, 0.3), (6, 0.1)):
        q = _quadratic(rng, d, 0.5, 3.0)
        w0 = _start(rng, q, float(rng.uniform(5.0, 10.0)))
        g0 = float(np.linalg.norm(q["A"] @ (w0 - q["m"])))
        max_norm = 0.3 * g0
        cases.append(Case((Fixture("quadratic_grad", q), w0, lr, 25, max_norm),
                          label=f"a random quadratic in {d} dimensions, lr={lr}, 25 steps, "
                                f"max_norm={max_norm:.3g} (the first gradient has norm {g0:.3g})"))
    q = _quadratic(rng, 3, 0.5, 3.0)
    w0 = _start(rng, q, 4.0)
    cases.append(Case((Fixture("quadratic_grad", q), w0, 0.25, 15, 1e6),
                      label="a random quadratic in 3 dimensions, lr=0.25, 15 steps, max_norm=1e6 (never clips)"))
    slow = _quadratic(rng, 2, 0.05, 0.3)
    w0 = _start(rng, slow, 3.0)
    cases.append(Case((Fixture("quadratic_grad", slow), w0, 2.0, 20, 0.2),
                      label="a flat random quadratic in 2 dimensions, lr=2, 20 steps, max_norm=0.2"))
    cliff = Fixture("cliff_grad", dict(CLIFF))
    w0 = np.array([float(rng.uniform(-2.0, -1.0)), float(rng.uniform(-1.0, 1.0))])
    cases += [
        Case((cliff, w0, 0.8, 40, 0.5),
             label=f"the cliff of the notebook, w0={fmt(w0)}, lr=0.8, 40 steps, max_norm=0.5"),
        Case((Fixture("quadratic_grad", q), q["m"].copy(), 0.3, 5, 1.0),
             label="a random quadratic in 3 dimensions started at its minimum (zero gradient), lr=0.3, 5 steps"),
        Case((Fixture("quadratic_grad", q), rng.normal(size=3), 0.3, 0, 1.0),
             label="a random quadratic in 3 dimensions, 0 steps"),
        Case((Fixture("quadratic_grad", {"A": np.diag([1.0, 2.0]), "m": np.zeros(2)}), [3, -2], 0.25, 6, 1.0),
             label="grad(w) = (w0, 2 w1), w0=[3, -2] as integers, lr=0.25, 6 steps, max_norm=1"),
    ]
    return cases


@mistake("the gradients are not clipped: pass each one through clip_by_norm before the step")
def gd_clipped__never_clips(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - lr * grad_fn(w)
        path.append(w.copy())
    return np.array(path)


@mistake("clip the gradient, then multiply by lr: clipping lr * grad limits the step to max_norm "
         "instead of lr * max_norm")
def gd_clipped__clips_the_step(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - clip_by_norm(lr * grad_fn(w), max_norm)
        path.append(w.copy())
    return np.array(path)


@mistake("clip the norm of the whole gradient with clip_by_norm, not each component (np.clip)")
def gd_clipped__componentwise_clip(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - lr * np.clip(grad_fn(w), -max_norm, max_norm)
        path.append(w.copy())
    return np.array(path)


@mistake("the path starts with path[0] = w0 and has n_steps + 1 rows")
def gd_clipped__misses_start(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps):
        w = w - lr * clip_by_norm(grad_fn(w), max_norm)
        path.append(w.copy())
    return np.array(path)


def diagnose_descent(case, got, expected):
    """For gd_clipped and momentum_descent: an integer start."""
    return INTEGER_START if integers(case.args[1]) else None


# --------------------------------------------------------------------------- momentum_descent

def momentum_descent_cases(rng):
    I2 = _identity_grad(2)
    cases = [
        Case((I2, [1.0, -2.0], 0.5, 0.5, 2),
             label="grad(w) = w, w0=[1, -2], lr=0.5, beta=0.5, 2 steps", public=True),
        Case((I2, [4.0, -2.0], 0.25, 0.0, 3),
             label="grad(w) = w, w0=[4, -2], lr=0.25, beta=0 (plain descent), 3 steps", public=True),
    ]
    for d, beta in ((2, 0.5), (3, 0.8), (6, 0.9)):
        q = _quadratic(rng, d, 0.2, 4.0)
        w0 = _start(rng, q, float(rng.uniform(2.0, 6.0)))
        lr = 0.5 / 4.0
        cases.append(Case((Fixture("quadratic_grad", q), w0, lr, beta, 30),
                          label=f"a random quadratic in {d} dimensions, lr={lr}, beta={beta}, 30 steps"))
    q = _quadratic(rng, 4, 0.5, 3.0)
    cases += [
        Case((Fixture("quadratic_grad", q), _start(rng, q, 3.0), 0.3, 0.0, 20),
             label="a random quadratic in 4 dimensions, lr=0.3, beta=0 (plain descent), 20 steps"),
        Case((Fixture("cliff_grad", dict(CLIFF)), np.array([-0.5, 0.4]), 0.05, 0.9, 40),
             label="the cliff of the notebook, w0=[-0.5, 0.4], lr=0.05, beta=0.9, 40 steps"),
        Case((Fixture("wavy_grad", _wavy(rng, 3, length=3.0, base=1.0, shift=3.0)), rng.normal(size=3), 0.1, 0.7, 20),
             label="a non-quadratic loss in 3 dimensions, lr=0.1, beta=0.7, 20 steps"),
        Case((Fixture("quadratic_grad", q), q["m"].copy(), 0.3, 0.9, 6),
             label="a random quadratic in 4 dimensions started at its minimum (zero gradient), beta=0.9, 6 steps"),
        Case((Fixture("quadratic_grad", q), _start(rng, q, 3.0), 0.3, 0.9, 1),
             label="a random quadratic in 4 dimensions, lr=0.3, beta=0.9, 1 step"),
        Case((Fixture("quadratic_grad", q), _start(rng, q, 3.0), 0.3, 0.9, 0),
             label="a random quadratic in 4 dimensions, 0 steps"),
        Case((Fixture("quadratic_grad", {"A": np.diag([1.0, 2.0]), "m": np.zeros(2)}), [3, -2], 0.25, 0.5, 8),
             label="grad(w) = (w0, 2 w1), w0=[3, -2] as integers, lr=0.25, beta=0.5, 8 steps"),
    ]
    return cases


@mistake("the path climbs: the velocity update subtracts lr * grad, v = beta * v - lr * grad")
def momentum_descent__adds_gradient(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        v = beta * v + lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path)


@mistake("the gradient is taken at w_k itself, not at a look-ahead point w_k + beta * v_k (that is Nesterov's method)")
def momentum_descent__nesterov_look_ahead(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        v = beta * v - lr * grad_fn(w + beta * v)
        w = w + v
        path.append(w.copy())
    return np.array(path)


@mistake("update the velocity first, then move by the new velocity: w_{k+1} = w_k + v_{k+1}")
def momentum_descent__moves_before_velocity_update(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        g = grad_fn(w)
        w = w + v
        v = beta * v - lr * g
        path.append(w.copy())
    return np.array(path)


@mistake("there is no (1 - beta) factor: v_{k+1} = beta * v_k - lr * grad(w_k)")
def momentum_descent__damped_average(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        v = beta * v - (1 - beta) * lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path)


@mistake("beta has no effect: the velocity v_k must carry over from step to step")
def momentum_descent__velocity_reset(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        v = np.zeros_like(w)
        v = beta * v - lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path)


@mistake("the path starts with path[0] = w0 and has n_steps + 1 rows")
def momentum_descent__misses_start(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = []
    for _ in range(n_steps):
        v = beta * v - lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path).reshape(n_steps, w.size)


# --------------------------------------------------------------------------- numerical_hessian

def numerical_hessian_cases(rng):
    cases = [
        Case((Fixture("quadratic_loss", {"A": np.array([[2.0, 3.0], [3.0, 4.0]]), "m": np.zeros(2)}), [1.0, -1.0]),
             label="f(w) = w0**2 + 3 w0 w1 + 2 w1**2 at w=[1, -1]", public=True),
        Case((Fixture("cubic_loss", {"A": np.diag([0.0, 4.0]), "c": [10.0, 0.0], "s": [0.0, 0.0], "e": 0.0}),
              [0.1, 1.0]),
             label="f(w) = 10 w0**3 + 2 w1**2 at w=[0.1, 1]", public=True),
    ]
    for d in (1, 3, 5):
        q = _quadratic(rng, d, 0.5, 4.0, indefinite=True)
        cases.append(Case((Fixture("quadratic_loss", q), rng.normal(size=d)),
                          label=f"a random quadratic in {d} dimensions with an indefinite Hessian"))
    for d in (2, 3, 4):
        cases.append(Case((Fixture("wavy_loss", _wavy(rng, d)), rng.normal(size=d)),
                          label=f"a non-quadratic loss in {d} dimensions (sine waves of frequency 15), at a random point"))
    d = 3
    cubic = {"A": _random_indefinite(rng, d), "c": rng.uniform(2.0, 4.0, size=d) * rng.choice([-1, 1], size=d),
             "s": rng.normal(size=d), "e": 1.5}
    cases += [
        Case((Fixture("cubic_loss", cubic), rng.uniform(-0.5, 0.5, size=d)), {"eps": 1e-3},
             label="a cubic polynomial in 3 dimensions, eps=1e-3"),
        Case((Fixture("cliff_loss", dict(CLIFF)), np.array([0.15, 0.2])),
             label="the cliff of the notebook at w=[0.15, 0.2], where the slope starts to fall"),
        Case((Fixture("quadratic_loss", {"A": np.array([[4.0, -1.0], [-1.0, 2.0]]), "m": np.array([0.5, 0.5])}), [1, 2]),
             label="f(w) = 0.5 (w - m) @ A @ (w - m), A=[[4, -1], [-1, 2]], at w=[1, 2] given as integers"),
    ]
    return cases


@mistake("one-sided (forward) differences are off by about eps * f''' ; use central differences "
         "with points on both sides, w + eps and w - eps")
def numerical_hessian__forward_differences(f, w, eps=1e-4):
    w = np.array(w, dtype=float)
    d = w.size
    E = eps * np.eye(d)
    f0 = f(w)
    H = np.empty((d, d))
    for i in range(d):
        for j in range(d):
            H[i, j] = (f(w + E[i] + E[j]) - f(w + E[i]) - f(w + E[j]) + f0) / eps**2
    return H


def diagnose_numerical_hessian(case, got, expected):
    fixture, w = case.args
    arr = as_array(got)
    expected = np.asarray(expected, dtype=float)
    if arr is None or arr.shape != expected.shape:
        return f"the Hessian of a function of {expected.shape[0]} variables has shape {expected.shape}"
    scale = max(float(np.max(np.abs(expected))), 1.0)
    if integers(w):
        return ("w holds integers, and an integer array rounds w + eps back to an integer: "
                "perturb a float copy, np.array(w, dtype=float)")
    if not np.allclose(arr, arr.T, rtol=1e-4, atol=1e-6 * scale):
        return ("the result is not symmetric: H[i, j] and H[j, i] are the same mixed derivative, "
                "so compute each pair once and fill both entries")
    diag_ok = np.allclose(np.diag(arr), np.diag(expected), rtol=1e-4, atol=1e-6)
    off = ~np.eye(expected.shape[0], dtype=bool)
    if diag_ok and off.any():
        if np.allclose(arr[off], 0.0) and not np.allclose(expected[off], 0.0, atol=1e-6):
            return "the mixed derivatives (off the diagonal) are missing"
        for factor in (2.0, 0.5, 4.0, 0.25):
            if np.allclose(arr[off], factor * expected[off], rtol=1e-4, atol=1e-6):
                return (f"the mixed derivatives are {factor:g} times too large: check the denominator of your "
                        "four-point formula on f(w) = w_0 * w_1, whose H_01 is 1")
    if not diag_ok:
        for factor in (4.0, 0.25, 2.0, 0.5):
            if np.allclose(np.diag(arr), factor * np.diag(expected), rtol=1e-4, atol=1e-6):
                return (f"the diagonal is {factor:g} times too large: check the denominator of your diagonal "
                        "formula on f(w) = w_0**2, whose H_00 is 2")
    return None


# --------------------------------------------------------------------------- newton_step

def _newton_case(q, w, label, public=False):
    return Case((Fixture("quadratic_grad", q), Fixture("quadratic_hess", {"A": q["A"]}), w), label=label, public=public)


def newton_step_cases(rng):
    cases = [
        _newton_case({"A": np.diag([2.0, 8.0]), "m": np.array([1.0, -1.0])}, [3.0, 2.0],
                     "the quadratic with Hessian diag(2, 8) and minimum [1, -1], w=[3, 2]", public=True),
    ]
    for d in (2, 3, 5, 7):
        q = _quadratic(rng, d, 0.2, 5.0)
        cases.append(_newton_case(q, q["m"] + rng.normal(size=d) * 3.0,
                                  f"a random quadratic in {d} dimensions (eigenvalues of the Hessian 0.2 to 5)"))
    q = _quadratic(rng, 3, 0.5, 4.0, indefinite=True)
    cases.append(_newton_case(q, q["m"] + rng.normal(size=3), "a random quadratic in 3 dimensions with a saddle point"))
    wavy = _wavy(rng, 3, length=3.0, base=0.3, shift=4.0)
    cases.append(Case((Fixture("wavy_grad", wavy), Fixture("wavy_hess", wavy), rng.normal(size=3)),
                      label="a non-quadratic loss in 3 dimensions at a random point"))
    cases.append(Case((Fixture("cliff_grad", dict(CLIFF)), Fixture("cliff_hess", dict(CLIFF)), np.array([1.2, 0.3])),
                      label="the cliff of the notebook at w=[1.2, 0.3], below the cliff"))
    cases.append(_newton_case({"A": np.array([[3.0, 1.0], [1.0, 2.0]]), "m": np.array([0.5, -1.5])}, [2, 1],
                              "the quadratic with Hessian [[3, 1], [1, 2]], w=[2, 1] given as integers"))
    return cases


@mistake("the step goes the wrong way: check the sign when you set the model's gradient to zero")
def newton_step__adds_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w + np.linalg.solve(hess_fn(w), grad_fn(w))


@mistake("return the new point w + s, not only the step s")
def newton_step__returns_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return np.linalg.solve(hess_fn(w), grad_fn(w))


@mistake("that is a plain gradient step w - grad; Newton's step solves H s = grad first")
def newton_step__gradient_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w - grad_fn(w)


@mistake("the step solves a linear system whose matrix is H (np.linalg.solve): it does not multiply by H")
def newton_step__multiplies_by_hessian(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w - hess_fn(w) @ grad_fn(w)


# --------------------------------------------------------------------------- directional_curvature

def directional_curvature_cases(rng):
    H = np.array([[2.0, 0.0], [0.0, 8.0]])
    cases = [
        Case((H, [1.0, 0.0]), label="H=diag(2, 8), d=[1, 0]", public=True),
        Case((H, [0.0, 3.0]), label="H=diag(2, 8), d=[0, 3]", public=True),
        Case((H, [1.0, 1.0]), label="H=diag(2, 8), d=[1, 1]", public=True),
    ]
    for d, scale in ((3, 7.0), (5, 0.2)):
        A = _random_indefinite(rng, d)
        cases.append(Case((A, rng.normal(size=d) * scale),
                          label=f"a random symmetric indefinite H of size {d}, d of length about {scale * np.sqrt(d):.2g}"))
    A = _random_indefinite(rng, 4, 1.0, 5.0)
    eigval, eigvec = np.linalg.eigh(A)
    cases += [
        Case((A, 4.0 * eigvec[:, 0]), label=f"a random symmetric H of size 4, d = 4 times the eigenvector "
                                           f"of its eigenvalue {eigval[0]:.4g}"),
        Case((A, eigvec[:, 1] + 0.3 * eigvec[:, 2]),
             label="a random symmetric H of size 4, d mostly along an eigenvector of negative eigenvalue"
                   if eigval[1] < 0 else "a random symmetric H of size 4, d mixing two eigenvectors"),
        Case(([[1, 2, 0], [2, -3, 1], [0, 1, 5]], [2, -1, 0]), label="H=[[1, 2, 0], [2, -3, 1], [0, 1, 5]] and d=[2, -1, 0] as integers"),
        Case((np.array([[-4.0]]), [0.5]), label="H=[[-4]], d=[0.5]"),
    ]
    return cases


@mistake("divide by d @ d, so that the length of d does not change the curvature")
def directional_curvature__not_normalised(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(d @ H @ d)


@mistake("the curvature must not depend on the length of d: d and 2 d must give the same number")
def directional_curvature__divides_by_length(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(d @ H @ d / np.linalg.norm(d))


@mistake("norm(H @ d) / norm(d) ignores the sign and mixes in other directions: differentiate t -> L(w + t d/|d|)")
def directional_curvature__norm_of_Hd(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(np.linalg.norm(H @ d) / np.linalg.norm(d))


# --------------------------------------------------------------------------- loss_along_path

def loss_along_path_cases(rng):
    I2 = {"A": np.eye(2), "m": np.zeros(2)}
    small = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.0]])
    q3 = _quadratic(rng, 3)
    q4 = _quadratic(rng, 4)
    cliff_path = np.column_stack([np.linspace(-2.0, 3.0, 20), rng.uniform(-1.0, 1.0, size=20)])
    return [
        Case((Fixture("quadratic_loss", I2), small), label="loss(w) = |w|**2 / 2, path=[[0, 0], [1, 0], [1, 2]]",
             public=True),
        Case((Fixture("pointwise_quadratic_loss", I2), small),
             label="loss(w) = |w|**2 / 2 for one point at a time, path=[[0, 0], [1, 0], [1, 2]]", public=True),
        Case((Fixture("quadratic_loss", {**q3, "c": 1.5}), q3["m"] + rng.normal(size=(12, 3))),
             label="a random quadratic in 3 dimensions, a path of 12 points"),
        Case((Fixture("pointwise_quadratic_loss", q4), q4["m"] + rng.normal(size=(7, 4))),
             label="a random quadratic in 4 dimensions that takes one point at a time, a path of 7 points"),
        Case((Fixture("pointwise_quadratic_loss", q3), q3["m"] + rng.normal(size=(3, 3))),
             label="a random quadratic in 3 dimensions that takes one point at a time, a path of 3 points"),
        Case((Fixture("cliff_loss", dict(CLIFF)), cliff_path), label="the cliff of the notebook, a path of 20 points across it"),
        Case((Fixture("wavy_loss", _wavy(rng, 2, length=3.0)), rng.normal(size=(9, 2))),
             label="a non-quadratic loss in 2 dimensions, a path of 9 points"),
        Case((Fixture("quadratic_loss", I2), np.array([[0.3, -0.4]])), label="loss(w) = |w|**2 / 2, a path of one point"),
        Case((Fixture("pointwise_quadratic_loss", I2), [[1, 1], [2, 0], [0, -3]]),
             label="loss(w) = |w|**2 / 2 for one point at a time, path=[[1, 1], [2, 0], [0, -3]] as a nested list"),
    ]


@mistake("there is one loss per row of path, the starting point path[0] included")
def loss_along_path__skips_start(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(w) for w in path[1:]])


@mistake("there is one loss per row of path, the last point included")
def loss_along_path__drops_last(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(path[k]) for k in range(len(path) - 1)])


def diagnose_loss_along_path(case, got, expected):
    arr = as_array(got)
    if arr is not None and arr.size == 1 and np.size(expected) > 1:
        return "return the loss of every row, an array of shape (len(path),), not one number"
    return None


# --------------------------------------------------------------------------- plot_paths

def _walk(rng, start, end, n):
    """A path of ``n`` points from ``start`` towards ``end`` that zig-zags on the way."""
    t = np.linspace(0.0, 1.0, n)[:, None] ** 0.5
    wiggle = np.sin(np.arange(n) * 2.5)[:, None] * (1 - t) * rng.uniform(0.1, 0.4, size=2)
    return start + (end - start) * t + wiggle


def plot_paths_cases(rng):
    q = {"A": random_spd(rng, 2, 0.5, 3.0), "m": rng.uniform(-1.0, 1.0, size=2)}
    m = q["m"]
    far = np.array([8.0, -5.0])
    wavy = _wavy(rng, 2, length=2.0, base=0.5, shift=1.0)
    wavy_shifted = Fixture("wavy_loss", wavy)
    return [
        Case((AX, Fixture("quadratic_loss", {"A": np.eye(2), "m": np.zeros(2)}),
              {"descent": np.array([[1.5, 1.0], [0.75, 0.5], [0.375, 0.25]])}, (-2.0, 2.0, -1.5, 1.5)),
             label="loss(w) = |w|**2 / 2, one path 'descent', extent (-2, 2, -1.5, 1.5)", public=True),
        Case((AX, Fixture("quadratic_loss", q),
              {"descent": _walk(rng, m + [2.0, 1.5], m, 12), "momentum": _walk(rng, m + [-2.0, 1.0], m, 9)},
              (m[0] - 3.0, m[0] + 3.0, m[1] - 2.5, m[1] + 2.5)),
             label="a random quadratic, paths 'descent' (12 points) and 'momentum' (9 points), extent 6 by 5 around its minimum"),
        Case((AX, Fixture("cliff_loss", dict(CLIFF)),
              {"lr = 0.05": _walk(rng, np.array([-2.0, 1.0]), np.array([-1.5, 0.5]), 30),
               "lr = 0.8": _walk(rng, np.array([-2.0, 1.0]), np.array([4.0, -0.5]), 15),
               "clipped": _walk(rng, np.array([-2.0, 1.0]), np.array([1.7, 0.0]), 20)},
              (-3.0, 5.0, -2.0, 2.0)),
             label="the cliff of the notebook, three paths, extent (-3, 5, -2, 2)"),
        Case((AX, Fixture("pointwise_quadratic_loss", q), {"descent": _walk(rng, m + [1.0, -1.5], m, 8)},
              (m[0] - 2.0, m[0] + 2.0, m[1] - 2.0, m[1] + 2.0)),
             label="a random quadratic that takes one point at a time, one path, extent 4 by 4 around its minimum"),
        Case((AX, wavy_shifted, {"start only": np.array([[8.5, -4.5]]), "walk": _walk(rng, far + [1.5, 1.0], far, 15)},
              (far[0] - 2.0, far[0] + 3.0, far[1] - 1.5, far[1] + 2.5)),
             label="a non-quadratic loss, a path of one point and a path of 15 points, extent (6, 11, -6.5, -2.5)"),
    ]


def every_path_labelled(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """One line per key of ``paths``, labelled with the key, whose data is the path."""
    for key, path in case.args[2].items():
        path = np.asarray(path, dtype=float)
        labelled = tuple(ln for ln in drawing.lines if ln.label == key)
        if not labelled:
            found = sorted({ln.label for ln in drawing.lines if not ln.label.startswith("_")})
            where = f"labels found: {', '.join(repr(f) for f in found)}" if found else "no line has a label"
            return Verdict(False, f"no line is labelled {key!r} ({where})",
                           "pass the dict's key as the label: ax.plot(..., label=key)")
        if not drawing.following(path, labelled):
            return Verdict(False, f"the line labelled {key!r} does not follow its path of {len(path)} points",
                           path_hint(labelled, path) or "plot path[:, 0] against path[:, 1], every row of the path")
    return None


def legend_names_every_path(drawing: Drawing, case: Case) -> Optional[Verdict]:
    if drawing.legend is None:
        return Verdict(False, "there is no legend", "call ax.legend() after drawing the labelled lines")
    missing = [k for k in case.args[2] if k not in drawing.legend]
    if missing:
        return Verdict(False, f"the legend does not name {', '.join(repr(k) for k in missing)}",
                       "draw every path with its key as label before calling ax.legend()")
    return None


def limits_show_extent(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """The axes cover the extent (up to 2% of its width) and stay within 50% of its width beyond it."""
    xmin, xmax, ymin, ymax = (float(v) for v in case.args[3])
    for lim, low, high in ((drawing.xlim, xmin, xmax), (drawing.ylim, ymin, ymax)):
        shown, width = span(lim), high - low
        if shown is None or not (low - 0.5 * width <= shown[0] <= low + 0.02 * width
                                 and high - 0.02 * width <= shown[1] <= high + 0.5 * width):
            xlim, ylim = drawing.xlim or [None, None], drawing.ylim or [None, None]
            return Verdict(False, f"the axes show x from {fmt(xlim[0])} to {fmt(xlim[1])}, y from {fmt(ylim[0])} "
                                  f"to {fmt(ylim[1])}, but the contour plot should cover the extent "
                                  f"({fmt(xmin)}, {fmt(xmax)}, {fmt(ymin)}, {fmt(ymax)})",
                           "make the grid from extent: np.linspace(xmin, xmax, n) and np.linspace(ymin, ymax, n)")
    return None


#: contour lines of loss_fn, one labelled line per path following it, a legend naming
#: every key, axes showing the extent, and ``ax`` returned
judge_plot_paths = judge_drawing(
    contours_drawn("loss_fn", "evaluate loss_fn on a grid over extent (np.linspace, np.meshgrid) and draw ax.contour"),
    every_path_labelled, legend_names_every_path, limits_show_extent)


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
