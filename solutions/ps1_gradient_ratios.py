"""Reference solution of ps1_gradient_ratios: steepest descent on the circular
and the elliptical bowl ``L(x, y) = a*x**2 + b*y**2``.

Every function here is the meaning listed in ASSIGNMENTS.md; the notebook's
solution cells hold the same code, one function per cell.  Only
``max_stable_learning_rate`` validates ``a`` and ``b`` (the interface lists a
``ValueError`` for it alone); ``contraction_factor`` and
``optimal_learning_rate`` assume ``a, b > 0`` and are never graded outside it.
"""
import numpy as np


def bowl_loss(w, a=1.0, b=4.0):
    """The bowl ``a*x**2 + b*y**2`` at ``w = (x, y)``.

    ``w`` has shape ``(2,)`` or ``(..., 2)`` (many points at once); the result
    has shape ``w.shape[:-1]``.
    """
    w = np.asarray(w, dtype=float)
    return a * w[..., 0] ** 2 + b * w[..., 1] ** 2


def bowl_grad(w, a=1.0, b=4.0):
    """The gradient ``(2*a*x, 2*b*y)`` of the bowl, same shape as ``w``."""
    w = np.asarray(w, dtype=float)
    return 2.0 * w * np.array([a, b], dtype=float)


def gradient_descent(grad_fn, w0, lr, n_steps):
    """Fixed-step steepest descent from ``w0`` (shape ``(d,)``).

    Returns the path, shape ``(n_steps + 1, d)``: ``path[0]`` is ``w0`` and
    ``path[k+1] = path[k] - lr * grad_fn(path[k])``.  ``w0`` is not changed.
    """
    w = np.array(w0, dtype=float)          # a copy: w0 stays untouched
    path = np.empty((n_steps + 1,) + w.shape)
    path[0] = w
    for k in range(n_steps):
        w = w - lr * np.asarray(grad_fn(w), dtype=float)
        path[k + 1] = w
    return path


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    """The smallest ``k`` in ``0..max_steps`` with ``loss_fn(path[k]) <= tol``.

    ``path`` is the path of :func:`gradient_descent`, computed one step at a
    time: the search stops at the first iterate within ``tol`` (``k = 0`` when
    ``w0`` already is), and returns ``None`` as soon as an iterate is not
    finite (the run diverged; the gradient is never evaluated there) or when
    no iterate up to ``max_steps`` is within ``tol``.
    """
    w = np.array(w0, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):   # divergence is an expected outcome
        for k in range(max_steps + 1):
            if not np.all(np.isfinite(w)):
                return None
            if loss_fn(w) <= tol:
                return k
            if k < max_steps:
                w = w - lr * np.asarray(grad_fn(w), dtype=float)
    return None


def direction_reversals(path, axis):
    """How often the step along coordinate ``axis`` changes sign.

    With ``s_k = path[k+1, axis] - path[k, axis]``, counts the ``k`` with
    ``s_k * s_{k+1} < 0``.  A zero step is not a reversal, and neither is the
    pair around it.  Signs are compared instead of multiplying the steps, so
    tiny steps cannot underflow to a zero product.
    """
    steps = np.diff(np.asarray(path, dtype=float)[:, axis])
    signs = np.sign(steps)
    return int(np.count_nonzero(signs[:-1] * signs[1:] < 0))


def contraction_factor(a, b, lr):
    """Worst-case per-step shrink of the distance to the minimum.

    Along x one step multiplies the coordinate by ``1 - 2*a*lr``, along y by
    ``1 - 2*b*lr``; the worse of the two magnitudes.  Assumes ``a, b > 0``.
    """
    return np.maximum(np.abs(1.0 - 2.0 * a * lr), np.abs(1.0 - 2.0 * b * lr))


def optimal_learning_rate(a, b):
    """The fixed rate minimizing :func:`contraction_factor`: ``1 / (a + b)``.

    There ``1 - 2*a*lr = -(1 - 2*b*lr)``: both directions shrink equally fast,
    by ``(kappa - 1) / (kappa + 1)`` with ``kappa = max(a, b) / min(a, b)``.
    Assumes ``a, b > 0``.
    """
    return 1.0 / (a + b)


def max_stable_learning_rate(a, b):
    """The rate above which descent diverges from almost every start: ``1 / max(a, b)``.

    Raises ``ValueError`` unless ``a > 0`` and ``b > 0`` (otherwise the bowl has
    no minimum, and no rate makes descent converge).
    """
    if not (a > 0 and b > 0):
        raise ValueError(f"a and b must both be positive for the bowl to have a minimum; got a={a}, b={b}")
    return 1.0 / max(a, b)


def plot_descent(ax, path, a=1.0, b=4.0):
    """Draw the descent ``path`` (shape ``(n, 2)``) over the bowl's contour lines on ``ax``.

    Contour lines of ``a*x**2 + b*y**2`` up to a level above every point of the
    path, the path as a line with a marker at every iterate, the minimum
    ``(0, 0)`` as a star, equal aspect, axis labels and a title.  Returns ``ax``.
    """
    path = np.asarray(path, dtype=float)
    finite = path[np.all(np.isfinite(path), axis=1)]
    top = 1.2 * max(float(np.max(a * finite[:, 0] ** 2 + b * finite[:, 1] ** 2, initial=0.0)), 1e-12)
    # the outermost ellipse {L = top} encloses the path; the grid encloses that ellipse
    half = 1.05 * np.sqrt(top / np.array([a, b], dtype=float))
    X, Y = np.meshgrid(np.linspace(-half[0], half[0], 201), np.linspace(-half[1], half[1], 201))
    Z = a * X ** 2 + b * Y ** 2
    levels = top * np.linspace(0.05, 1.0, 12) ** 2     # evenly spaced ellipses
    ax.contour(X, Y, Z, levels=levels, cmap="Blues_r", linewidths=0.8)
    ax.plot(path[:, 0], path[:, 1], "o-", color="C3", markersize=3, linewidth=1.2, label="descent path")
    ax.plot(0.0, 0.0, marker="*", color="k", markersize=12, linestyle="none", label="minimum")
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"$L = {a:g}x^2 + {b:g}y^2$, {len(path) - 1} steps")
    return ax


# --------------------------------------------------------------------------- short questions
# Each question of the notebook is answered by a function of no arguments.  The
# numbers are what the notebook's experiments produce, computed here from the
# functions above (section 7 starts every run at (2, 1)).

def answer_circular_steps():
    """Question 1 (predict, then run): steps from (2, 1) to a loss <= 1e-8 on the
    circular bowl x**2 + y**2 at its own optimal rate."""
    return steps_to_converge(lambda w: bowl_loss(w, 1.0, 1.0), lambda w: bowl_grad(w, 1.0, 1.0),
                             np.array([2.0, 1.0]), optimal_learning_rate(1.0, 1.0))


def answer_zigzag_cost():
    """Question 2 (choose an explanation): what costs the elliptical bowl its speed.
    (b): the steep direction caps the rate, so the flat direction shrinks slowly."""
    return "b"


def answer_fastest_rate():
    """Question 3 (predict, then run): which of the rates of section 7.2 reaches the
    tolerance in the fewest steps on x**2 + 4*y**2."""
    rates = (0.1, 0.2, 0.24, 0.26)
    steps = [steps_to_converge(bowl_loss, bowl_grad, np.array([2.0, 1.0]), lr, max_steps=1000) for lr in rates]
    return min((k, lr) for k, lr in zip(steps, rates) if k is not None)[1]


def answer_contraction_kappa10():
    """Question 4 (read off a plot): the smallest contraction factor of the bowl
    x**2 + 10*y**2 over all fixed rates (the dot of its curve)."""
    return float(contraction_factor(1.0, 10.0, optimal_learning_rate(1.0, 10.0)))
