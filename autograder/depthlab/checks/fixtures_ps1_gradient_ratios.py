"""Callables that the hidden tests of ps1_gradient_ratios pass to student functions.

Self-contained (numpy only): this source is executed in the student's kernel
and in the grading process, and ``make_<name>(**params)`` builds the same
function on both sides.  Every gradient refuses a non-finite point: descent
that keeps going after it diverged is a bug of the caller, not a result.
"""
import numpy as np


def _require_finite(w, who):
    w = np.asarray(w, dtype=float)
    if not np.all(np.isfinite(w)):
        raise FloatingPointError(
            f"{who} was evaluated at the non-finite point {w.tolist()}: once an iterate "
            "is inf or nan the run has diverged; stop (return None) instead of stepping on")
    return w


def make_bowl_loss(a=1.0, b=4.0):
    """``w -> a*x**2 + b*y**2`` for ``w`` of shape ``(2,)`` (or ``(..., 2)``)."""
    def loss(w):
        w = np.asarray(w, dtype=float)
        return a * w[..., 0] ** 2 + b * w[..., 1] ** 2
    loss.__name__ = "bowl_loss_a%g_b%g" % (a, b)
    return loss


def make_bowl_grad(a=1.0, b=4.0):
    """``w -> (2*a*x, 2*b*y)``; raises FloatingPointError at a non-finite ``w``."""
    def grad(w):
        w = _require_finite(w, "the gradient")
        return 2.0 * w * np.array([a, b], dtype=float)
    grad.__name__ = "bowl_grad_a%g_b%g" % (a, b)
    return grad


def make_quadratic_loss(A, center):
    """``w -> (w - c) @ A @ (w - c) / 2`` in any dimension (A symmetric)."""
    A = np.asarray(A, dtype=float)
    c = np.asarray(center, dtype=float)

    def loss(w):
        r = np.asarray(w, dtype=float) - c
        return 0.5 * float(r @ A @ r)
    return loss


def make_quadratic_grad(A, center):
    """``w -> A @ (w - c)``, the gradient of :func:`make_quadratic_loss`."""
    A = np.asarray(A, dtype=float)
    c = np.asarray(center, dtype=float)

    def grad(w):
        w = _require_finite(w, "the gradient")
        return A @ (w - c)
    return grad


def make_quartic_loss():
    """``w -> sum(w**4)``: flat near the minimum, steep far away."""
    def loss(w):
        return float(np.sum(np.asarray(w, dtype=float) ** 4))
    return loss


def make_quartic_grad():
    """``w -> 4*w**3``: a fixed step that is too large blows up to inf within a few steps."""
    def grad(w):
        w = _require_finite(w, "the gradient")
        return 4.0 * w ** 3
    return grad
