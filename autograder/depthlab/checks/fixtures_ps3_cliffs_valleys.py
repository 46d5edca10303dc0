"""Losses, gradients and Hessians that the ps3 hidden tests pass to student functions.

Self-contained (numpy only): this source is executed inside the student's
kernel as well as in the grading process, and ``make_<name>(**params)`` builds
the same callable on both sides.

The losses accept one point of shape ``(d,)`` or a stack of points of shape
``(..., d)`` (plotting code may evaluate a whole grid at once), except
``pointwise_quadratic_loss``, which insists on one point: ``loss_along_path``
must call its ``loss_fn`` row by row.  Gradients and Hessians take one point.
"""
import numpy as np


def _point(w, d, name):
    w = np.asarray(w, dtype=float)
    if w.shape != (d,):
        raise ValueError(f"{name} takes one point of shape ({d},), got an array of shape {w.shape}")
    return w


def _points(w, d, name):
    w = np.asarray(w, dtype=float)
    if w.ndim == 0 or w.shape[-1] != d:
        raise ValueError(f"{name} takes points of shape ({d},) or (..., {d}), got shape {w.shape}")
    return w


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


# --------------------------------------------------------------------------- quadratics

def make_quadratic_loss(A, m, c=0.0):
    """``0.5 * (w - m) @ A @ (w - m) + c``: curvature ``A``, stationary point ``m``."""
    A = np.asarray(A, dtype=float)
    m = np.asarray(m, dtype=float)
    c = float(c)

    def quadratic_loss(w):
        r = _points(w, m.size, "quadratic_loss") - m
        return _scalar(0.5 * np.einsum("...i,ij,...j->...", r, A, r) + c)

    return quadratic_loss


def make_quadratic_grad(A, m):
    """Gradient ``A @ (w - m)`` of ``quadratic_loss`` (``A`` symmetric)."""
    A = np.asarray(A, dtype=float)
    m = np.asarray(m, dtype=float)

    def quadratic_grad(w):
        return A @ (_point(w, m.size, "quadratic_grad") - m)

    return quadratic_grad


def make_quadratic_hess(A):
    """Hessian ``A`` of ``quadratic_loss``, the same at every point."""
    A = np.asarray(A, dtype=float)

    def quadratic_hess(w):
        _point(w, A.shape[0], "quadratic_hess")
        return A.copy()

    return quadratic_hess


def make_pointwise_quadratic_loss(A, m):
    """``0.5 * (w - m) @ A @ (w - m)`` for ONE point ``w`` of shape ``(d,)`` only."""
    A = np.asarray(A, dtype=float)
    m = np.asarray(m, dtype=float)

    def pointwise_quadratic_loss(w):
        r = _point(w, m.size, "this loss") - m
        return float(0.5 * r @ A @ r)

    return pointwise_quadratic_loss


# --------------------------------------------------------------------------- a wavy loss

def make_wavy_loss(A, U, amp, phase):
    """``0.5 * w @ A @ w + sum_j amp[j] * sin(U[j] @ w + phase[j])``.

    Rows ``U[j]`` of length about 10 make third derivatives about ten times the
    second ones, so forward differences (error ``eps * f'''``) miss the Hessian
    by about ``1e-3`` relative while central ones (error ``eps**2 * f''''``)
    stay near ``1e-7``.
    """
    A = np.asarray(A, dtype=float)
    U = np.asarray(U, dtype=float)
    amp = np.asarray(amp, dtype=float)
    phase = np.asarray(phase, dtype=float)

    def wavy_loss(w):
        w = _points(w, A.shape[0], "wavy_loss")
        quad = 0.5 * np.einsum("...i,ij,...j->...", w, A, w)
        return _scalar(quad + np.sin(w @ U.T + phase) @ amp)

    return wavy_loss


def make_wavy_grad(A, U, amp, phase):
    """Gradient ``A @ w + sum_j amp[j] * cos(U[j] @ w + phase[j]) * U[j]`` of ``wavy_loss``."""
    A = np.asarray(A, dtype=float)
    U = np.asarray(U, dtype=float)
    amp = np.asarray(amp, dtype=float)
    phase = np.asarray(phase, dtype=float)

    def wavy_grad(w):
        w = _point(w, A.shape[0], "wavy_grad")
        return A @ w + (amp * np.cos(U @ w + phase)) @ U

    return wavy_grad


def make_wavy_hess(A, U, amp, phase):
    """Hessian ``A - sum_j amp[j] * sin(U[j] @ w + phase[j]) * outer(U[j], U[j])``."""
    A = np.asarray(A, dtype=float)
    U = np.asarray(U, dtype=float)
    amp = np.asarray(amp, dtype=float)
    phase = np.asarray(phase, dtype=float)

    def wavy_hess(w):
        w = _point(w, A.shape[0], "wavy_hess")
        s = amp * np.sin(U @ w + phase)
        return A - (U.T * s) @ U

    return wavy_hess


# --------------------------------------------------------------------------- a cubic

def make_cubic_loss(A, c, s, e):
    """``0.5 * w @ A @ w + sum(c * w**3) + e * (s @ w)**3``: its Hessian is
    ``A + diag(6 c w) + 6 e (s @ w) outer(s, s)``.  Central differences are exact
    for a cubic (up to rounding); one-sided ones are off by about ``eps * f'''``."""
    A = np.asarray(A, dtype=float)
    c = np.asarray(c, dtype=float)
    s = np.asarray(s, dtype=float)
    e = float(e)

    def cubic_loss(w):
        w = _points(w, A.shape[0], "cubic_loss")
        quad = 0.5 * np.einsum("...i,ij,...j->...", w, A, w)
        return _scalar(quad + (w**3) @ c + e * (w @ s) ** 3)

    return cubic_loss


# --------------------------------------------------------------------------- a cliff

def _cliff_parts(slope, width, sharpness, bowl, center, skew):
    """The profile ``P(u)`` of the cliff along ``u = x - skew * y`` and its derivatives.

    ``P`` is nearly flat for ``u < 0`` (only the wide bowl ``0.5 * bowl * (u -
    center)**2`` tilts it), falls with slope ``-slope`` for ``0 < u < width``
    (a drop of ``slope * width``), and is the bowl again beyond.  The corners
    are softplus curves of sharpness ``sharpness``.
    """
    k = float(sharpness)

    def softplus(z):
        return np.logaddexp(0.0, k * z) / k

    def sigma(z):
        return 0.5 * (1.0 + np.tanh(0.5 * k * z))

    def profile(u):
        return (slope * width - slope * softplus(u) + slope * softplus(u - width)
                + 0.5 * bowl * (u - center) ** 2)

    def slope_of(u):
        return -slope * sigma(u) + slope * sigma(u - width) + bowl * (u - center)

    def curvature_of(u):
        s0, s1 = sigma(u), sigma(u - width)
        return -slope * k * s0 * (1.0 - s0) + slope * k * s1 * (1.0 - s1) + bowl

    return profile, slope_of, curvature_of


def make_cliff_loss(slope=10.0, width=1.0, sharpness=8.0, bowl=0.05, center=1.7, skew=0.3, ycurv=1.0):
    """A 2-D loss with a cliff: ``P(x - skew * y) + 0.5 * ycurv * y**2``."""
    profile, _, _ = _cliff_parts(slope, width, sharpness, bowl, center, skew)

    def cliff_loss(w):
        w = _points(w, 2, "cliff_loss")
        x, y = w[..., 0], w[..., 1]
        return _scalar(profile(x - skew * y) + 0.5 * ycurv * y**2)

    return cliff_loss


def make_cliff_grad(slope=10.0, width=1.0, sharpness=8.0, bowl=0.05, center=1.7, skew=0.3, ycurv=1.0):
    """Gradient of ``cliff_loss``: tiny on the plateau, about ``slope`` on the cliff's face."""
    _, slope_of, _ = _cliff_parts(slope, width, sharpness, bowl, center, skew)

    def cliff_grad(w):
        x, y = _point(w, 2, "cliff_grad")
        p = slope_of(x - skew * y)
        return np.array([p, -skew * p + ycurv * y])

    return cliff_grad


def make_cliff_hess(slope=10.0, width=1.0, sharpness=8.0, bowl=0.05, center=1.7, skew=0.3, ycurv=1.0):
    """Hessian of ``cliff_loss``: ``P''(u) [[1, -skew], [-skew, skew**2]] + diag(0, ycurv)``."""
    _, _, curvature_of = _cliff_parts(slope, width, sharpness, bowl, center, skew)

    def cliff_hess(w):
        x, y = _point(w, 2, "cliff_hess")
        c = curvature_of(x - skew * y)
        return c * np.array([[1.0, -skew], [-skew, skew**2]]) + np.array([[0.0, 0.0], [0.0, ycurv]])

    return cliff_hess
