"""Hidden tests of ps3_cliffs_valleys, part 1: descent over cliffs (``clip_by_norm``,
``gd_clipped``, ``momentum_descent``), with the random problems and the labels the
other parts share: each function's cases, typical mistakes and diagnosis.
The spec is assembled in :mod:`depthlab.checks.ps3_cliffs_valleys`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import as_array, has_nan, integers, random_spd
from depthlab.judge.compare import fmt
from depthlab.judge.spec import Case, Fixture

# the reference's graded function the wrong implementations below call by name
# (in a student's notebook, the student's own)
from solutions.ps3_cliffs_valleys import clip_by_norm

mistake = Catalogue(fx)


#: the cliff of the notebook (the fixture's defaults), spelled out in labels
CLIFF = {"slope": 10.0, "width": 1.0, "sharpness": 8.0, "bowl": 0.05, "center": 1.7, "skew": 0.3, "ycurv": 1.0}

INTEGER_START = ("w0 holds integers: an integer array cannot hold the fractional steps "
                 "(w -= ... raises or truncates); start from a float copy, np.array(w0, dtype=float)")


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
