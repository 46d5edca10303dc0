"""Scalar functions of arrays with known gradients, passed to ``numerical_gradient``.

Self-contained (numpy only): this source is executed inside the student's
kernel as well as in the grading process, and ``make_<name>(**params)`` builds
the same callable on both sides.  Each function checks that it is called with
an array of the shape it was made for, so an implementation that hands ``f`` a
flattened or otherwise reshaped array gets an error it can read.
"""
import numpy as np


def _checked(x, shape, name):
    x = np.asarray(x, dtype=float)
    if x.shape != tuple(shape):
        raise ValueError(f"{name} expects an array of shape {tuple(shape)}, got shape {x.shape}")
    return x


def make_exp_sum(k, weights):
    """``f(x) = sum(weights * exp(k * x))``, for ``x`` of ``weights``' shape.

    Its gradient is ``k * weights * exp(k * x)`` and its curvature ``k**2 *
    weights * exp(k * x)``: a large ``k`` makes the error of one-sided
    differences (about ``eps * k / 2`` relative) far larger than rounding.
    """
    weights = np.asarray(weights, dtype=float)
    k = float(k)

    def exp_sum(x):
        x = _checked(x, weights.shape, "exp_sum")
        return float(np.sum(weights * np.exp(k * x)))

    return exp_sum


def make_quadratic(A, b):
    """``f(x) = x @ A @ x + b @ x`` for a vector ``x``; gradient ``(A + A.T) @ x + b``."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)

    def quadratic(x):
        x = _checked(x, b.shape, "quadratic")
        return float(x @ A @ x + b @ x)

    return quadratic


def make_coupled(A):
    """``f(X) = sum(sin(A * X)) + 0.5 * sum(X)**2`` for an array ``X`` of ``A``'s
    shape; gradient ``A * cos(A * X) + sum(X)``.  The square couples every
    entry to every other, so perturbing a whole row instead of one entry shows."""
    A = np.asarray(A, dtype=float)

    def coupled(x):
        x = _checked(x, A.shape, "coupled")
        return float(np.sum(np.sin(A * x)) + 0.5 * np.sum(x) ** 2)

    return coupled


def make_chain_output(x):
    """``f(w) = o``, the output ``h[m]`` of the one-node chain with input ``x`` as a
    function of its weights ``w`` (any length): its gradient is what
    ``weight_grads_chain(w, x)`` computes by backpropagation."""
    x = float(x)

    def chain_output(w):
        w = np.asarray(w, dtype=float)
        if w.ndim != 1:
            raise ValueError(f"chain_output expects a vector of weights, got shape {w.shape}")
        h = x
        for wt in w:
            h = 1.0 / (1.0 + np.exp(-wt * h))
        return float(h)

    return chain_output
