"""Hidden tests of ps4_convexity, part 2: quadratics and composition (``is_psd``,
``quadratic_minimizer``, ``compose``).
The spec is assembled in :mod:`depthlab.checks.ps4_convexity`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps4_convexity as fixtures
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import random_spd
from depthlab.judge.spec import Case, Fixture

mistake = Catalogue(fixtures)


# --- is_psd --------------------------------------------------------------------

def _with_eigenvalues(rng, eigenvalues):
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    H = Q @ np.diag(eigenvalues) @ Q.T
    return (H + H.T) / 2


def is_psd_cases(rng):
    K = rng.normal(size=(4, 4)) * 4
    skew = np.triu(K, 1) - np.triu(K, 1).T
    upper = np.triu(rng.uniform(2, 4, size=(4, 4)), 1) + np.diag(rng.uniform(0.5, 1.5, 4))
    S = rng.normal(size=(5, 5))
    return [
        Case((np.array([[2.0, 0.0], [0.0, 1.0]]),), label="H = [[2, 0], [0, 1]]", public=True),
        Case((np.array([[1.0, 0.0], [0.0, -1.0]]),), label="H = [[1, 0], [0, -1]]", public=True),
        Case((np.array([[1.0, 10.0], [0.0, 1.0]]),),
             label="H = [[1, 10], [0, 1]] (eigenvalues 1 and 1, symmetric part indefinite)", public=True),
        Case((np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),), label="a 2x3 matrix", public=True),
        Case((np.array([[0.0, -1.0], [1.0, 0.0]]),), label="H = [[0, -1], [1, 0]] (a rotation: symmetric part 0)"),
        Case((np.array([[1.0, -3.0], [3.0, 1.0]]),), label="H = [[1, -3], [3, 1]] (symmetric part the identity)"),
        Case((_with_eigenvalues(rng, rng.uniform(0.1, 2, 4)) + skew,),
             label="a 4x4 matrix: positive definite symmetric part plus a large antisymmetric part"),
        Case((upper,), label="a 4x4 upper triangular matrix with positive diagonal and large entries above it"),
        Case((np.array([[1.0, 1.0], [1.0, 1.0]]),), label="H = [[1, 1], [1, 1]] (singular, PSD)"),
        Case((np.array([[1.0, 0.0], [0.0, 0.0]]),), label="H = [[1, 0], [0, 0]] (an eigenvalue exactly 0)"),
        Case((_with_eigenvalues(rng, [-1e-12, 1.0, 2.0]),), label="a symmetric 3x3 matrix with eigenvalues -1e-12, 1, 2"),
        Case((_with_eigenvalues(rng, [-1e-8, 1.0, 2.0]),), label="a symmetric 3x3 matrix with eigenvalues -1e-8, 1, 2"),
        Case((_with_eigenvalues(rng, [-1e-8, 1.0, 2.0]),), kwargs={"tol": 1e-6},
             label="a symmetric 3x3 matrix with eigenvalues -1e-8, 1, 2, tol=1e-6"),
        Case((np.diag([1.0, -1e-9]),), label="H = diag(1, -1e-9) (an eigenvalue just below -tol)"),
        Case((-np.eye(4) + skew,), label="a 4x4 matrix: -I plus a large antisymmetric part"),
        Case((np.zeros((2, 2)),), label="the 2x2 zero matrix"),
        Case((S @ S.T,), label="a random 5x5 matrix B @ B.T"),
        Case((S + S.T,), label="a random symmetric 5x5 matrix B + B.T (indefinite)"),
        Case(([[3.0]],), label="H = [[3]] given as a list"),
        Case(([[-0.5]],), label="H = [[-0.5]] given as a list"),
        Case((np.array([1.0, 2.0]),), label="a vector of shape (2,)"),
    ]


def diagnose_is_psd(case, got, ref):
    if not isinstance(got, (bool, np.bool_)):
        return "return a single True or False"
    H = np.asarray(case.args[0], dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        return ""
    symmetric = np.allclose(H, H.T)
    low = np.linalg.eigvalsh((H + H.T) / 2).min()
    if bool(got) and not ref:
        if not symmetric:
            return ("w @ H @ w only sees the symmetric part (H + H.T) / 2, and its eigenvalues decide: "
                    "not the eigenvalues of H itself, nor of one triangle of H")
        return "an eigenvalue below -tol means the matrix is not positive semidefinite"
    if not got and ref:
        if not symmetric and (low > 1e-9 or np.linalg.eigvalsh(H).min() < low - 1e-9):
            return ("w @ H @ w only sees the symmetric part (H + H.T) / 2: use its eigenvalues (eigvalsh reads "
                    "only one triangle of H, and the eigenvalues of a non-symmetric H may be complex)"
                    + ("; an eigenvalue 0 still counts as positive semidefinite" if low <= 1e-9 else ""))
        if low >= -1e-15:
            return ("an eigenvalue 0 (up to rounding) still counts as positive semidefinite (a Cholesky "
                    "factorization fails there)")
        return "an eigenvalue just below 0 but above -tol still counts: compare with -tol"
    return ""


# --- quadratic_minimizer ------------------------------------------------------

def quadratic_minimizer_cases(rng):
    cases = [
        Case((np.eye(2), np.array([-2.0, -2.0])), label="the bowl g: A = I, b = [-2, -2]", public=True),
        Case((np.diag([2.0, 0.5]), np.array([4.0, -1.0])), label="A = diag(2, 0.5), b = [4, -1]", public=True),
        Case(([[3.0]], [1.5]), label="A = [[3]], b = [1.5] given as lists"),
        Case(([[2.0, 1.0], [1.0, 2.0]], [1.0, 0.0]), label="A = [[2, 1], [1, 2]], b = [1, 0]"),
    ]
    for d in (3, 5):
        cases.append(Case((random_spd(rng, d), rng.normal(size=d) * 3),
                          label=f"a random symmetric positive definite {d}x{d} A, random b"))
    return cases


@mistake("the gradient of w @ A @ w is 2*A @ w: the factor 2 is missing")
def quadratic_minimizer__forgets_factor_two(A, b):
    return -np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))


@mistake("the sign is flipped: the gradient is not zero there; check b's sign when it moves across the system")
def quadratic_minimizer__sign_flipped(A, b):
    return np.linalg.solve(2 * np.asarray(A, dtype=float), np.asarray(b, dtype=float))


@mistake("the off-diagonal entries of A couple the coordinates: solve the linear system with the whole A")
def quadratic_minimizer__diagonal_only(A, b):
    """Minimizes each coordinate separately: a_ii * w_i**2 + b_i * w_i."""
    return -np.asarray(b, dtype=float) / (2 * np.diag(np.asarray(A, dtype=float)))


# --- compose ------------------------------------------------------------------

def compose_cases(rng):
    M = rng.normal(size=(2, 3))
    c = rng.normal(size=2)
    pts = [tuple([rng.uniform(-2, 2, 3)]) for _ in range(3)]
    xs = rng.uniform(-1.5, 1.5, size=3)
    return [
        Case((Fixture("elementwise", {"name": "square"}), Fixture("scalar_affine", {"a": 2.0, "c": 1.0})),
             then=((3.0,), (-1.0,)), public=True,
             label="outer z -> z^2, inner x -> 2x + 1, the result called at 3 and at -1"),
        Case((Fixture("square_sum"), Fixture("linear_map", {"M": np.array([[1.0, -1.0]])})),
             then=((np.array([3.0, 1.0]),), (np.array([-1.0, 2.5]),)), public=True,
             label="outer z -> |z|^2, inner w -> w[0] - w[1], called at [3, 1] and [-1, 2.5]"),
        Case((Fixture("affine", {"a": np.array([1.0, -1.0])}), Fixture("elementwise", {"name": "square"})),
             then=((np.array([3.0, 1.0]),), (np.array([0.5, -2.0]),)),
             label="outer z -> z[0] - z[1], inner w -> w^2 elementwise, called at [3, 1] and [0.5, -2]"),
        Case((Fixture("logsumexp"), Fixture("linear_map", {"M": M, "c": c})), then=tuple(pts),
             label="outer log-sum-exp, inner a random affine map from 3 to 2 dimensions, called at 3 points"),
        Case((Fixture("elementwise", {"name": "exp"}), Fixture("elementwise", {"name": "tanh"})),
             then=tuple((float(x),) for x in xs), label="outer exp, inner tanh, called at 3 numbers"),
    ]
