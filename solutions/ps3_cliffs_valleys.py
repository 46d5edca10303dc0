"""Reference solution of ps3_cliffs_valleys: cliffs, valleys and curvature.

Points are vectors ``w`` of shape ``(d,)``; a path is an array of shape
``(n_steps + 1, d)`` whose row ``k`` is the iterate ``w_k`` (row 0 is the
start).  ``grad_fn(w)`` returns the gradient at one point, shape ``(d,)``;
``hess_fn(w)`` the Hessian, shape ``(d, d)``; ``loss_fn(w)`` and ``f(w)`` a
number.  Every function works on float copies: its inputs are never changed.
"""
import numpy as np


def clip_by_norm(g, max_norm):
    """``g * min(1, max_norm / norm(g))`` as a float array.

    A gradient no longer than ``max_norm`` (the zero vector included) comes
    back unchanged; a longer one keeps its direction and gets length
    ``max_norm``.  ``max_norm <= 0`` (or nan) raises ``ValueError``.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    g = np.array(g, dtype=float)
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g = g * (max_norm / norm)
    return g


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    """Fixed-step descent with clipped gradients: the path, shape ``(n_steps + 1, d)``.

    ``path[0] = w0`` and ``path[k+1] = path[k] - lr * clip_by_norm(grad_fn(path[k]), max_norm)``.
    """
    w = np.array(w0, dtype=float)
    path = np.empty((n_steps + 1,) + w.shape)
    path[0] = w
    for k in range(n_steps):
        w = w - lr * clip_by_norm(grad_fn(w), max_norm)
        path[k + 1] = w
    return path


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    """Heavy-ball momentum: the path, shape ``(n_steps + 1, d)``.

    ``v_0 = 0``, ``v_{k+1} = beta * v_k - lr * grad_fn(w_k)``,
    ``w_{k+1} = w_k + v_{k+1}``; ``beta = 0`` is plain gradient descent.
    """
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = np.empty((n_steps + 1,) + w.shape)
    path[0] = w
    for k in range(n_steps):
        v = beta * v - lr * np.asarray(grad_fn(w), dtype=float)
        w = w + v
        path[k + 1] = w
    return path


def numerical_hessian(f, w, eps=1e-4):
    """Central-difference Hessian of the scalar ``f`` at the vector ``w``, shape ``(d, d)``.

    Diagonal: ``(f(w + eps e_i) - 2 f(w) + f(w - eps e_i)) / eps**2``; off the
    diagonal the four-point formula
    ``(f(w + eps e_i + eps e_j) - f(w + eps e_i - eps e_j)
    - f(w - eps e_i + eps e_j) + f(w - eps e_i - eps e_j)) / (4 eps**2)``,
    computed once per pair, so the result is exactly symmetric.  Both errors
    are of order ``eps**2`` (times fourth derivatives).
    """
    w = np.array(w, dtype=float)
    d = w.size
    steps = eps * np.eye(d)
    f0 = float(f(w))
    H = np.empty((d, d))
    for i in range(d):
        ei = steps[i]
        H[i, i] = (float(f(w + ei)) - 2.0 * f0 + float(f(w - ei))) / eps**2
        for j in range(i):
            ej = steps[j]
            H[i, j] = H[j, i] = (float(f(w + ei + ej)) - float(f(w + ei - ej))
                                 - float(f(w - ei + ej)) + float(f(w - ei - ej))) / (4.0 * eps**2)
    return H


def newton_step(grad_fn, hess_fn, w):
    """One Newton step ``w - solve(H(w), grad(w))``: the minimizer of the quadratic
    model of the loss at ``w`` (the stationary point, when ``H`` is indefinite)."""
    w = np.array(w, dtype=float)
    H = np.asarray(hess_fn(w), dtype=float)
    g = np.asarray(grad_fn(w), dtype=float)
    return w - np.linalg.solve(H, g)


def directional_curvature(H, d):
    """Curvature of the quadratic form ``H`` along ``d``: ``d @ H @ d / (d @ d)`` (a float).

    It does not depend on the length of ``d``; along an eigenvector it is the
    eigenvalue.
    """
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(d @ H @ d / (d @ d))


def loss_along_path(loss_fn, path):
    """``loss_fn`` at every row of ``path`` (one point at a time), shape ``(len(path),)``."""
    path = np.asarray(path, dtype=float)
    return np.array([float(loss_fn(w)) for w in path], dtype=float)


def plot_paths(ax, loss_fn, paths, extent):
    """Contour lines of ``loss_fn`` over ``extent = (xmin, xmax, ymin, ymax)`` and one
    line per entry of the dict ``paths`` (label: the key; data: the path's
    columns 0 and 1), with a legend; returns ``ax``.

    ``loss_fn`` is called on one point of shape ``(2,)`` at a time.  The levels
    are quantiles of the loss on the grid, so that both a steep cliff and a flat
    valley floor get contour lines.
    """
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, 61)
    ys = np.linspace(ymin, ymax, 61)
    Z = np.array([[float(loss_fn(np.array([x, y]))) for x in xs] for y in ys])
    levels = np.unique(np.quantile(Z, np.linspace(0.0, 1.0, 22)[1:-1]))
    if levels.size < 2:
        levels = 10
    ax.contour(xs, ys, Z, levels=levels, cmap="viridis", linewidths=0.8)
    for label, path in paths.items():
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=3, linewidth=1.2, label=label)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend()
    return ax


# --------------------------------------------------------------------------- short questions
# Each question of the notebook is answered by a function of no arguments: the
# letter of a choice, or the number the notebook's experiment produces.


def answer_clipped_landing():
    """Question 1 (predict, then run; Section 2): where the large rate (0.8) with gradients
    clipped at 0.5 ends up after crossing the cliff.  (c): it walks down the face in steps of at
    most 0.4 and ends at the bottom of the bowl, x = 1.88 (farthest x reached 1.88, against 7.76
    without clipping)."""
    return "c"


def answer_newton_cliff():
    """Question 2 (predict, then run; Section 3): Newton's step from x = -0.25 on the cliff's
    edge.  (b): the curvature along x is about -8.3, the model's stationary point is a maximum
    along x, and the step goes left, back up onto the plateau (to x = -0.404; the loss rises
    from 9.936 to 10.063)."""
    return "b"


def answer_valley_max_rate():
    """Question 3 (predict, then run; Section 3): the rate above which plain descent's distance
    to the valley's floor grows instead of shrinking.  Across the valley the loss is exactly the
    quadratic 10 q**2, so each step multiplies q by 1 - lr * 20: |1 - 20 lr| < 1 up to lr = 2 / 20."""
    return 2.0 / 20.0   # 2 / (the curvature across the valley: the second derivative of 10 q**2)


def answer_momentum_speed():
    """Question 4 (choose an explanation; Section 3): why momentum (lr 0.03, beta 0.8) reaches a
    loss of 1e-2 in 24 steps where plain descent (lr 0.09) needs 107.  (c): along the floor the
    gradients keep their sign and add up in the velocity, across it they alternate and cancel;
    momentum estimates no curvature."""
    return "c"
