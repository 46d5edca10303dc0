"""Reference solution of ps4_convexity: a convexity checker, and why deep
networks are not convex.  Each function is graded; see ../shared/ASSIGNMENTS.md."""
import numpy as np


def jensen_gap(f, w1, w2, lam):
    """f(lam*w1 + (1-lam)*w2) - (lam*f(w1) + (1-lam)*f(w2)).

    Positive means Jensen's inequality is violated at (w1, w2, lam): the
    function lies above its chord there."""
    w1 = np.asarray(w1, dtype=float)
    w2 = np.asarray(w2, dtype=float)
    lam = float(lam)
    point = f(lam * w1 + (1 - lam) * w2)
    chord = lam * f(w1) + (1 - lam) * f(w2)
    return float(np.asarray(point - chord, dtype=float).item())   # .item(): f may return shape (1,)


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    """Look for a violation of Jensen's inequality by random sampling.

    Draws w1, w2 uniformly in the box [low, high]**dim and lam in (0, 1).
    Returns (True, None) if no sample has a gap above tol, else
    (False, (w1, w2, lam)) for the first sample whose gap exceeds tol."""
    rng = np.random.default_rng(seed)
    for _ in range(int(n_trials)):
        w1 = rng.uniform(low, high, size=dim)
        w2 = rng.uniform(low, high, size=dim)
        lam = rng.uniform(0.0, 1.0)
        if lam == 0.0:          # uniform draws from [0, 1); lam must be in (0, 1)
            continue
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w1, w2, lam)
    return True, None


def is_psd(H, tol=1e-10):
    """Whether the symmetric part (H + H.T) / 2 has no eigenvalue below -tol.

    w @ H @ w only sees the symmetric part of H, so that part decides whether
    the quadratic w @ H @ w is convex."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"is_psd needs a square matrix, got shape {H.shape}")
    sym = (H + H.T) / 2
    return bool(np.linalg.eigvalsh(sym).min() >= -tol) if sym.size else True


def quadratic_minimizer(A, b):
    """The minimizer of w @ A @ w + b @ w + c for symmetric positive definite A.

    The gradient 2*A @ w + b vanishes at w = -solve(2*A, b)."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    return -np.linalg.solve(2 * A, b)


def compose(outer, inner):
    """The function w -> outer(inner(w))."""
    def composed(w):
        return outer(inner(w))
    return composed


def permute_hidden(params, perm):
    """A new parameter dict with the hidden units reordered by perm.

    New unit i is old unit perm[i]: rows of W1 and entries of b1 and w2 move
    together, b2 stays.  The network computes the same function."""
    perm = np.asarray(perm, dtype=int)
    out = dict(params)
    out["W1"] = np.asarray(params["W1"], dtype=float)[perm].copy()
    out["b1"] = np.asarray(params["b1"], dtype=float)[perm].copy()
    out["w2"] = np.asarray(params["w2"], dtype=float)[perm].copy()
    out["b2"] = float(params["b2"])
    return out


def multistart_descent(grad_fn, starts, lr, n_steps):
    """The final point of n_steps of fixed-step gradient descent from each row
    of starts; shape (n_starts, d)."""
    starts = np.asarray(starts, dtype=float)
    finals = np.empty_like(starts)
    for i, start in enumerate(starts):
        w = start.copy()
        for _ in range(int(n_steps)):
            w = w - lr * np.asarray(grad_fn(w), dtype=float)
        finals[i] = w
    return finals


def distinct_minima(points, tol=1e-3):
    """The points with near-duplicates removed: a point within Euclidean
    distance tol (inclusive) of a point already kept is dropped.  The first
    occurrence is kept and the order is preserved."""
    points = np.asarray(points, dtype=float)
    flat = points.reshape(len(points), -1)
    kept = []
    for i, p in enumerate(flat):
        if all(np.linalg.norm(p - flat[j]) > tol for j in kept):
            kept.append(i)
    return points[kept]
