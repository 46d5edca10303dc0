"""Hidden tests of ps2_vanishing_gradients, part 3: Jacobians and their powers
(``layer_jacobian``, ``chain_jacobian``, ``spectral_radius``, ``jacobian_power_norms``).
The spec is assembled in :mod:`depthlab.checks.ps2_vanishing_gradients`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import shape
from depthlab.judge.spec import Case

# the reference's graded functions, by the names the wrong implementations below call
# them (in a student's notebook the same names are the student's own)
from solutions.ps2_vanishing_gradients import layer_jacobian, sigmoid, sigmoid_prime, spectral_radius

mistake = Catalogue(fx)


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
