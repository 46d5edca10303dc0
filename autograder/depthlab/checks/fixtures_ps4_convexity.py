"""Callables that ps4_convexity's hidden cases pass to student functions.

Self-contained (numpy only): this source is executed inside the student's
kernel and imported in the grading process, so both sides build the very same
function from ``make_<name>(**params)``.  Functions of a point ``w`` act on its
last axis, so they accept one point of shape ``(d,)`` (giving a float) as well
as a batch of shape ``(n, d)``; scalar ("1-D") functions act elementwise.
"""
import numpy as np


def _value(x):
    """A float for a single point, an array for a batch."""
    return float(x) if np.ndim(x) == 0 else x


def _lastsum(x):
    return np.sum(x, axis=-1) if np.ndim(x) else x


# --- convex functions --------------------------------------------------------

def make_affine(a, c=0.0):
    """w -> a @ w + c: convex and concave; its Jensen gap is rounding noise."""
    a = np.asarray(a, dtype=float)

    def affine(w):
        return _value(np.asarray(w, dtype=float) @ a + c)
    return affine


def make_quadratic(A, b=None, c=0.0):
    """w -> w @ A @ w + b @ w + c (convex when the symmetric part of A is PSD)."""
    A = np.asarray(A, dtype=float)
    b = np.zeros(len(A)) if b is None else np.asarray(b, dtype=float)

    def quadratic(w):
        w = np.asarray(w, dtype=float)
        return _value(np.einsum("...i,ij,...j->...", w, A, w) + w @ b + c)
    return quadratic


def make_norm(ord=2):
    """w -> the ord-norm of w (ord 1, 2 or inf): convex, piecewise linear for 1 and inf."""
    def norm(w):
        w = np.asarray(w, dtype=float)
        if ord == 1:
            return _value(np.sum(np.abs(w), axis=-1))
        if ord == "inf":
            return _value(np.max(np.abs(w), axis=-1))
        return _value(np.sqrt(np.sum(w * w, axis=-1)))
    return norm


def make_logsumexp(scale=1.0):
    """w -> log(sum(exp(scale * w))), computed stably: convex."""
    def logsumexp(w):
        z = scale * np.asarray(w, dtype=float)
        top = np.max(z, axis=-1, keepdims=True)
        return _value(np.log(np.sum(np.exp(z - top), axis=-1)) + top[..., 0])
    return logsumexp


def make_relu_sum(shift=0.0):
    """w -> sum(max(w - shift, 0)): convex and piecewise linear."""
    def relu_sum(w):
        return _value(np.sum(np.maximum(np.asarray(w, dtype=float) - shift, 0.0), axis=-1))
    return relu_sum


# --- non-convex functions ----------------------------------------------------

def make_product(i=0, j=1, scale=1.0):
    """w -> scale * w[i] * w[j]: linear along every axis, yet not convex."""
    def product(w):
        w = np.asarray(w, dtype=float)
        return _value(scale * w[..., i] * w[..., j])
    return product


def make_triple_product():
    """w -> w[0] * w[1] * w[2]: linear along every axis, not convex."""
    def triple_product(w):
        w = np.asarray(w, dtype=float)
        return _value(w[..., 0] * w[..., 1] * w[..., 2])
    return triple_product


def make_saddle():
    """w -> w[0]**2 - w[1]**2: the saddle, concave along the second axis."""
    def saddle(w):
        w = np.asarray(w, dtype=float)
        return _value(w[..., 0] ** 2 - w[..., 1] ** 2)
    return saddle


def make_sin_sum(freq=1.0):
    """w -> sum(sin(freq * w)); elementwise for a scalar."""
    def sin_sum(w):
        return _value(_lastsum(np.sin(freq * np.asarray(w, dtype=float))))
    return sin_sum


def make_gaussian_well(width=1.0):
    """w -> 1 - exp(-|w|**2 / width**2): one minimum at 0, yet not convex
    (it flattens out far from 0)."""
    def gaussian_well(w):
        w = np.asarray(w, dtype=float)
        return _value(1.0 - np.exp(-_lastsum(w * w) / width ** 2))
    return gaussian_well


def make_bent_quadratic(c=2.0, s=1.0):
    """w -> sum(phi(w_i)), phi(x) = x**2 for |x| <= c, c**2 + s*(|x| - c) beyond.

    With s < 2*c the slope drops at |x| = c: convex inside [-c, c], linear
    outside, and not convex on any segment that crosses the bend."""
    def bent_quadratic(w):
        x = np.abs(np.asarray(w, dtype=float))
        phi = np.where(x <= c, x * x, c * c + s * (x - c))
        return _value(_lastsum(phi))
    return bent_quadratic


def make_bump_bowl(height=3.0, centre=0.5, width=0.6):
    """w -> |w|**2 + height * exp(-|w - centre|**2 / width**2): a bowl with a
    bump, not convex near the bump; its violations are lopsided, so swapping
    w1 and w2 of a witness usually spoils it."""
    centre = np.asarray(centre, dtype=float)

    def bump_bowl(w):
        w = np.asarray(w, dtype=float)
        return _value(_lastsum(w * w) + height * np.exp(-_lastsum((w - centre) ** 2) / width ** 2))
    return bump_bowl


def make_network_loss(X, y, hidden):
    """The squared error of a one-hidden-layer tanh network, as a function of
    its flattened weights (W1 row by row, then b1, w2, b2)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    d = X.shape[1]
    h = int(hidden)

    def network_loss(theta):
        theta = np.asarray(theta, dtype=float)
        W1 = theta[: h * d].reshape(h, d)
        b1 = theta[h * d: h * d + h]
        w2 = theta[h * d + h: h * d + 2 * h]
        b2 = theta[h * d + 2 * h]
        out = np.tanh(X @ W1.T + b1) @ w2 + b2
        return float(np.mean((out - y) ** 2))
    return network_loss


# --- 1-D losses with several minima, and gradients ---------------------------

def make_wiggly_loss(a=0.1, k=2.0):
    """w -> sum(a*w**2 + sin(k*w)): several local minima."""
    def wiggly_loss(w):
        w = np.asarray(w, dtype=float)
        return _value(_lastsum(a * w * w + np.sin(k * w)))
    return wiggly_loss


def make_wiggly_grad(a=0.1, k=2.0):
    """The gradient of make_wiggly_loss(a, k), same shape as w."""
    def wiggly_grad(w):
        w = np.asarray(w, dtype=float)
        return 2 * a * w + k * np.cos(k * w)
    return wiggly_grad


def make_double_well_grad():
    """The gradient of sum((w**2 - 1)**2): minima at -1 and +1 per coordinate."""
    def double_well_grad(w):
        w = np.asarray(w, dtype=float)
        return 4 * w * (w * w - 1)
    return double_well_grad


def make_quadratic_grad(A, b=None):
    """The gradient (A + A.T) @ w + b of make_quadratic(A, b), for w of shape (..., d)."""
    A = np.asarray(A, dtype=float)
    b = np.zeros(len(A)) if b is None else np.asarray(b, dtype=float)

    def quadratic_grad(w):
        return np.asarray(w, dtype=float) @ (A + A.T) + b
    return quadratic_grad


# --- pieces for compose ------------------------------------------------------

def make_linear_map(M, c=None):
    """w -> M @ w + c, a vector (works on a batch of rows too)."""
    M = np.asarray(M, dtype=float)
    c = np.zeros(len(M)) if c is None else np.asarray(c, dtype=float)

    def linear_map(w):
        return np.asarray(w, dtype=float) @ M.T + c
    return linear_map


def make_square_sum():
    """z -> sum(z**2) (over the last axis; z**2 for a scalar)."""
    def square_sum(z):
        z = np.asarray(z, dtype=float)
        return _value(_lastsum(z * z))
    return square_sum


def make_elementwise(name="square"):
    """z -> z**2, exp(z), tanh(z) or relu(z), elementwise (same shape as z)."""
    funcs = {"square": lambda z: z * z, "exp": np.exp, "tanh": np.tanh,
             "relu": lambda z: np.maximum(z, 0.0)}
    fn = funcs[name]

    def elementwise(z):
        return _value(fn(np.asarray(z, dtype=float)))
    return elementwise


def make_scalar_affine(a=2.0, c=1.0):
    """z -> a*z + c, elementwise."""
    def scalar_affine(z):
        return _value(a * np.asarray(z, dtype=float) + c)
    return scalar_affine
