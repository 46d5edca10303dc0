"""Hidden tests of ps3_cliffs_valleys, part 2: curvature (``numerical_hessian``,
``newton_step``, ``directional_curvature``).
The spec is assembled in :mod:`depthlab.checks.ps3_cliffs_valleys`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps3_cliffs_valleys_descent import CLIFF, _quadratic, _random_indefinite, _wavy
from depthlab.checks.toolkit import as_array, integers
from depthlab.judge.spec import Case, Fixture

mistake = Catalogue(fx)


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
