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


def answer_claims_rejected():
    """Question 1 (predict, then run): how many of the six functions of the claims cell
    (1 - exp(-w^2), sqrt(|w|), ReLU, softplus, sigmoid, tanh) check_convexity rejects."""
    claims = (lambda w: 1 - np.exp(-w[0] ** 2), lambda w: np.sqrt(np.abs(w[0])),
              lambda w: np.maximum(0.0, w[0]), lambda w: np.logaddexp(0.0, w[0]),
              lambda w: 1 / (1 + np.exp(-w[0])), lambda w: np.tanh(w[0]))
    return sum(not check_convexity(f, 1)[0] for f in claims)


def answer_single_minimum():
    """Question 2 (choose an explanation): why 1 - exp(-w^2), with one minimum, is rejected.
    (b): away from 0 the graph flattens towards 1 and bends down; convexity is about
    every chord, and the number of minima does not decide it."""
    return "b"



def answer_twin_midpoint():
    """Question 3 (predict, then run): the loss halfway between the trained network of
    section 6 and its reordered twin. (c): far higher than at the ends, by orders of
    magnitude (2.33 against 2.6e-4): each unit halfway averages two different units."""
    return "c"

def answer_multistart_minima():
    """Question 5 (read off the output): how many distinct minima the 23 starts of the
    multi-start cell reach on the wavy loss (descent at rate 0.02 for 1000 steps,
    near-duplicates within 1e-3 merged)."""
    def wavy_grad(w):
        return (0.2 * w + 2 * np.cos(2 * w) + 1.5 * np.cos(5 * w)
                + 5 * 2 * (w + 6.6) / 0.35 ** 2 * np.exp(-((w + 6.6) / 0.35) ** 2))
    ends = multistart_descent(wavy_grad, np.linspace(-5.5, 5.5, 23)[:, None], 0.02, 1000)
    return len(distinct_minima(ends, tol=1e-3))


def answer_seeds_reading():
    """Question 6 (choose an explanation): what the 30 trainings of section 7 show.
    (b): the final losses differ by orders of magnitude, yet each is a small fraction
    of the constant prediction's loss."""
    return "b"


def answer_starts_in_lowest():
    """Question 4 (predict, then run): how many of the 23 starts of the multi-start cell
    end in the lowest minimum of the wavy loss on [-7, 6.5] (descent at rate 0.02 for
    1000 steps; "in" meaning within 1e-3 of it)."""
    def wavy_loss(w):
        return 0.1 * w ** 2 + np.sin(2 * w) + 0.3 * np.sin(5 * w) - 5 * np.exp(-((w + 6.6) / 0.35) ** 2)

    def wavy_grad(w):
        return (0.2 * w + 2 * np.cos(2 * w) + 1.5 * np.cos(5 * w)
                + 5 * 2 * (w + 6.6) / 0.35 ** 2 * np.exp(-((w + 6.6) / 0.35) ** 2))
    grid = np.linspace(-7, 6.5, 2701)
    lowest = multistart_descent(wavy_grad, [[grid[np.argmin(wavy_loss(grid))]]], 0.02, 1000)[0]
    ends = multistart_descent(wavy_grad, np.linspace(-5.5, 5.5, 23)[:, None], 0.02, 1000)
    return int(np.sum(np.linalg.norm(ends - lowest, axis=1) <= 1e-3))
