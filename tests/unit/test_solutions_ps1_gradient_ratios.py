"""Is the reference solution of ps1_gradient_ratios right, by the mathematics?

Finite differences against the gradient, the closed form of descent on the
bowl (each coordinate shrinks by its own factor 1 - 2*c*lr per step), the
stability limit and the optimal rate, and the chapter's geometric claim that
the gradient is perpendicular to the contour lines.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from solutions import ps1_gradient_ratios as ps1  # noqa: E402


def finite_difference(f, w, step=1e-6):
    w = np.asarray(w, dtype=float)
    out = np.zeros(w.shape)
    for i in range(w.size):
        e = np.zeros(w.shape)
        e[i] = step
        out[i] = (f(w + e) - f(w - e)) / (2 * step)
    return out


def closed_form_path(a, b, w0, lr, n_steps):
    k = np.arange(n_steps + 1)[:, None]
    return np.asarray(w0, dtype=float) * np.array([1 - 2 * a * lr, 1 - 2 * b * lr]) ** k


def strict_bowl_grad(a, b, seen):
    """The bowl's gradient that remembers every point it was asked about."""
    def grad(w):
        seen.append(np.array(w, dtype=float))
        return ps1.bowl_grad(w, a, b)
    return grad


# ----------------------------------------------------------------- the bowl

def test_bowl_loss_known_values_and_shapes():
    """Is the loss a*x**2 + b*y**2, one value per point, for (2,) and (..., 2) inputs?"""
    assert ps1.bowl_loss([1.0, 1.0]) == 5.0
    assert ps1.bowl_loss([3, -2], a=1, b=1) == 13.0
    assert np.shape(ps1.bowl_loss([1.0, 1.0])) == ()
    w = np.random.default_rng(0).normal(size=(3, 4, 2))
    out = ps1.bowl_loss(w, a=0.7, b=2.5)
    assert out.shape == (3, 4)
    for i in np.ndindex(3, 4):
        x, y = w[i]
        assert out[i] == pytest.approx(0.7 * x * x + 2.5 * y * y, rel=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_bowl_grad_matches_finite_differences(seed):
    """Is bowl_grad the derivative of bowl_loss (central differences, random a, b, w)?"""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.1, 10, size=2)
    w = rng.normal(size=2) * 3
    np.testing.assert_allclose(ps1.bowl_grad(w, a, b), finite_difference(lambda v: ps1.bowl_loss(v, a, b), w),
                               rtol=1e-7, atol=1e-7)


def test_bowl_grad_batches_like_single_points():
    """Does a (..., 2) batch give each point's gradient, in the same shape?"""
    w = np.random.default_rng(1).normal(size=(5, 3, 2))
    g = ps1.bowl_grad(w, 1.5, 0.25)
    assert g.shape == w.shape
    for i in np.ndindex(5, 3):
        np.testing.assert_allclose(g[i], ps1.bowl_grad(w[i], 1.5, 0.25), rtol=0, atol=0)


def test_gradient_points_at_minimum_only_on_the_circular_bowl():
    """On x**2 + y**2 does -grad point at (0, 0) everywhere, and on x**2 + 4*y**2 only on the axes?"""
    rng = np.random.default_rng(2)
    for w in rng.normal(size=(20, 2)):
        g = ps1.bowl_grad(w, 1.0, 1.0)
        assert abs(g[0] * w[1] - g[1] * w[0]) < 1e-12          # parallel to w
        g4 = ps1.bowl_grad(w, 1.0, 4.0)
        cos = g4 @ w / np.linalg.norm(g4) / np.linalg.norm(w)
        assert cos < 1 - 1e-6                                  # not parallel (off the axes)
    for w in ([2.0, 0.0], [0.0, -1.5]):
        g4 = ps1.bowl_grad(w, 1.0, 4.0)
        assert g4[0] * w[1] - g4[1] * w[0] == 0


def test_gradient_is_perpendicular_to_the_drawn_contour_lines():
    """Are the contour lines plot_descent draws level sets of the bowl, each segment perpendicular to the gradient?"""
    fig, ax = plt.subplots()
    try:
        ps1.plot_descent(ax, closed_form_path(1.0, 4.0, [2.0, 1.0], 0.2, 6), a=1.0, b=4.0)
        sets = [c for c in ax.collections if isinstance(c, ContourSet)]
        assert len(sets) == 1
        checked = 0
        # the innermost ellipses span only a few grid cells: interpolation error dominates there
        for level, segs in list(zip(sets[0].levels, sets[0].allsegs))[3:]:
            for seg in segs:
                np.testing.assert_allclose(ps1.bowl_loss(seg, 1.0, 4.0), level, rtol=1e-2)
                tangent = np.diff(seg, axis=0)
                length = np.linalg.norm(tangent, axis=1)
                keep = length > 1e-3 * length.max()     # closed lines repeat (almost) a vertex
                mid = ((seg[1:] + seg[:-1]) / 2)[keep]
                tangent = tangent[keep]
                grad = ps1.bowl_grad(mid, 1.0, 4.0)
                cos = np.sum(tangent * grad, axis=1) / (np.linalg.norm(tangent, axis=1) * np.linalg.norm(grad, axis=1))
                assert np.max(np.abs(cos)) < 0.05
                checked += len(seg)
        assert checked > 100
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- descent

@pytest.mark.parametrize("seed", range(4))
def test_gradient_descent_follows_the_closed_form(seed):
    """Is each coordinate multiplied by 1 - 2*c*lr per step, with path[0] = w0 and w0 untouched?"""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.2, 5, size=2)
    w0 = rng.normal(size=2)
    keep = w0.copy()
    lr = rng.uniform(0.05, 1.2) / max(a, b)
    path = ps1.gradient_descent(lambda w: ps1.bowl_grad(w, a, b), w0, lr, 30)
    assert path.shape == (31, 2)
    np.testing.assert_array_equal(path[0], keep)
    np.testing.assert_array_equal(w0, keep)
    np.testing.assert_allclose(path, closed_form_path(a, b, w0, lr, 30), rtol=1e-10, atol=1e-300)


def test_gradient_descent_in_other_dimensions_and_zero_steps():
    """Does it work for d != 2 (a quadratic with minimum c) and give one row for 0 steps?"""
    A = np.diag([1.0, 2.0, 3.0])
    c = np.array([1.0, -1.0, 0.5])
    path = ps1.gradient_descent(lambda w: A @ (w - c), [0.0, 0.0, 0.0], 0.25, 40)
    assert path.shape == (41, 3)
    np.testing.assert_allclose(path[-1], c, atol=1e-4)
    one = ps1.gradient_descent(lambda w: A @ (w - c), [3, 4, 5], 0.1, 0)
    assert one.shape == (1, 3) and one.dtype == float
    np.testing.assert_array_equal(one[0], [3.0, 4.0, 5.0])


@pytest.mark.parametrize("seed", range(4))
def test_steps_to_converge_matches_the_closed_form(seed):
    """Is the answer the first k whose closed-form loss is <= tol?"""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.2, 5, size=2)
    w0 = rng.normal(size=2) * 2
    lr = rng.uniform(0.1, 0.95) / max(a, b)
    losses = ps1.bowl_loss(closed_form_path(a, b, w0, lr, 3000), a, b)
    k = int(np.flatnonzero(losses <= 1e-8)[0])
    # move tol off any loss value, so rounding cannot change the answer
    tol = float(np.sqrt(losses[k] * losses[k - 1]))
    got = ps1.steps_to_converge(lambda w: ps1.bowl_loss(w, a, b), lambda w: ps1.bowl_grad(w, a, b), w0, lr, tol=tol)
    assert got == k
    assert ps1.steps_to_converge(lambda w: ps1.bowl_loss(w, a, b), lambda w: ps1.bowl_grad(w, a, b),
                                 w0, lr, tol=tol, max_steps=k) == k
    assert ps1.steps_to_converge(lambda w: ps1.bowl_loss(w, a, b), lambda w: ps1.bowl_grad(w, a, b),
                                 w0, lr, tol=tol, max_steps=k - 1) is None


def test_steps_to_converge_edge_cases():
    """k = 0 at the start, <= tol exactly, None for a start that is not finite."""
    loss = lambda w: ps1.bowl_loss(w)                            # noqa: E731
    grad = lambda w: ps1.bowl_grad(w)                            # noqa: E731
    assert ps1.steps_to_converge(loss, grad, [0.0, 0.0], 0.1) == 0
    assert ps1.steps_to_converge(loss, grad, [1e-5, 0.0], 0.1) == 0
    # x halves every step at lr=0.25, a=1: the loss is exactly 4**-k
    assert ps1.steps_to_converge(loss, grad, [1.0, 0.0], 0.25, tol=4.0 ** -5) == 5
    assert ps1.steps_to_converge(loss, grad, [np.inf, 0.0], 0.1) is None
    assert ps1.steps_to_converge(loss, grad, [1.0, 1.0], 0.0, max_steps=20) is None


@pytest.mark.parametrize("factor", [1.01, 1.5, 4.0])
def test_steps_to_converge_stops_at_the_first_non_finite_iterate(factor):
    """Above the stable rate: None, without asking for the gradient at inf or nan."""
    seen = []
    lr = factor * ps1.max_stable_learning_rate(1.0, 4.0)
    with np.errstate(over="ignore"):
        got = ps1.steps_to_converge(lambda w: ps1.bowl_loss(w), strict_bowl_grad(1.0, 4.0, seen),
                                    [1.0, 1.0], lr, max_steps=200_000)
    assert got is None
    assert all(np.all(np.isfinite(w)) for w in seen)
    assert len(seen) < 200_000


# ----------------------------------------------------------------- reversals

def test_direction_reversals_counts_sign_changes_of_steps():
    """Sign changes of the steps, not of the positions; zero steps never count."""
    p = np.array([[0, 0], [1, 0], [0, 0], [1, 0]])
    assert ps1.direction_reversals(p, 0) == 2
    assert ps1.direction_reversals(p, 1) == 0
    assert ps1.direction_reversals(np.array([[-2.0], [-1.0], [1.0], [2.0]]), 0) == 0
    pauses = np.array([0, 1, 1, 0, 0, 1])[:, None]
    assert ps1.direction_reversals(pauses, 0) == 0
    assert ps1.direction_reversals(np.zeros((1, 2)), 0) == 0
    assert ps1.direction_reversals(np.zeros((2, 2)), 0) == 0
    assert isinstance(ps1.direction_reversals(p, 0), int)


def test_zigzag_exactly_when_the_steep_factor_is_negative():
    """On x**2 + 4*y**2, y reverses every step iff 1 - 8*lr < 0 (lr > 1/8); x never does for lr < 1/2."""
    for lr, expect_y in [(0.1, 0), (0.124, 0), (0.13, 19), (0.2, 19), (0.24, 19)]:
        path = ps1.gradient_descent(lambda w: ps1.bowl_grad(w), [2.0, 1.0], lr, 20)
        assert ps1.direction_reversals(path, 1) == expect_y, lr
        assert ps1.direction_reversals(path, 0) == 0
    circle = ps1.gradient_descent(lambda w: ps1.bowl_grad(w, 1.0, 1.0), [2.0, 1.0], 0.2, 20)
    assert ps1.direction_reversals(circle, 0) == ps1.direction_reversals(circle, 1) == 0


def test_direction_reversals_survive_tiny_steps():
    """Steps of 1e-170 alternate in sign: their product underflows, their signs do not."""
    y = 1e-170 * (-1.0) ** np.arange(6)
    assert ps1.direction_reversals(np.stack([np.zeros(6), y], axis=1), 1) == 4


# ----------------------------------------------------------------- learning rates

def test_known_numbers_of_the_elliptical_bowl():
    """a=1, b=4: stable only below 0.25, optimal 0.2, contraction 0.6 = (kappa-1)/(kappa+1)."""
    assert ps1.max_stable_learning_rate(1.0, 4.0) == 0.25
    assert ps1.optimal_learning_rate(1.0, 4.0) == pytest.approx(0.2, rel=1e-15)
    assert ps1.contraction_factor(1.0, 4.0, 0.2) == pytest.approx(0.6, rel=1e-14)
    assert ps1.contraction_factor(1.0, 4.0, 0.25) == 1.0
    assert ps1.contraction_factor(1.0, 1.0, 0.5) == 0.0


@pytest.mark.parametrize("seed", range(4))
def test_optimal_rate_minimizes_the_contraction_factor(seed):
    """Is 1/(a+b) the argmin over a fine grid, with value (kappa-1)/(kappa+1)?"""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.1, 10, size=2)
    grid = np.linspace(0, 2 / max(a, b), 20001)
    values = np.array([ps1.contraction_factor(a, b, lr) for lr in grid])
    best = ps1.optimal_learning_rate(a, b)
    assert abs(grid[np.argmin(values)] - best) <= grid[1] - grid[0]
    kappa = max(a, b) / min(a, b)
    assert ps1.contraction_factor(a, b, best) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-12)
    assert values.min() >= ps1.contraction_factor(a, b, best) - 1e-12


@pytest.mark.parametrize("seed", range(4))
def test_contraction_factor_is_the_measured_worst_case_shrink(seed):
    """Does one step shrink the distance to the minimum by at most the factor, with equality on an axis?"""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.2, 5, size=2)
    lr = rng.uniform(0, 1.5) / max(a, b)
    c = ps1.contraction_factor(a, b, lr)
    w = rng.normal(size=(200, 2))
    w_next = w - lr * ps1.bowl_grad(w, a, b)
    ratios = np.linalg.norm(w_next, axis=1) / np.linalg.norm(w, axis=1)
    assert np.all(ratios <= c + 1e-12)
    axis_ratio = max(abs(ps1.gradient_descent(lambda v: ps1.bowl_grad(v, a, b), e, lr, 1)[1]).max()
                     for e in ([1.0, 0.0], [0.0, 1.0]))
    assert axis_ratio == pytest.approx(c, rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_max_stable_rate_separates_convergence_from_divergence(seed):
    """Just below 1/max(a, b) descent converges, just above it diverges."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.2, 5, size=2)
    limit = ps1.max_stable_learning_rate(a, b)
    assert limit == pytest.approx(1 / max(a, b))
    w0 = rng.normal(size=2)
    below = ps1.gradient_descent(lambda w: ps1.bowl_grad(w, a, b), w0, 0.98 * limit, 3000)
    above = ps1.gradient_descent(lambda w: ps1.bowl_grad(w, a, b), w0, 1.02 * limit, 3000)
    assert np.linalg.norm(below[-1]) < 1e-6 * np.linalg.norm(w0)
    assert np.linalg.norm(above[-1]) > 1e6 * np.linalg.norm(w0)
    assert ps1.contraction_factor(a, b, 0.98 * limit) < 1 < ps1.contraction_factor(a, b, 1.02 * limit)


@pytest.mark.parametrize("a, b", [(0.0, 1.0), (1.0, 0.0), (-1.0, 4.0), (2.0, -0.5), (0.0, 0.0), (-1.0, -1.0)])
def test_max_stable_rate_rejects_a_bowl_without_minimum(a, b):
    """Are a, b <= 0 a ValueError whose message names the problem?"""
    with pytest.raises(ValueError, match="positive"):
        ps1.max_stable_learning_rate(a, b)


# ----------------------------------------------------------------- plot

def test_plot_descent_draws_what_the_interface_lists():
    """Contours, the path with markers, the minimum, equal aspect, labels, title; returns ax."""
    path = closed_form_path(2.0, 0.5, [-1.0, 3.0], 0.3, 8)
    fig, ax = plt.subplots()
    try:
        assert ps1.plot_descent(ax, path, a=2.0, b=0.5) is ax
        assert any(isinstance(c, ContourSet) for c in ax.collections)
        lines = ax.get_lines()
        assert any(np.array_equal(ln.get_xdata(), path[:, 0]) and np.array_equal(ln.get_ydata(), path[:, 1])
                   and ln.get_marker() not in (None, "None", "") for ln in lines)
        assert any(list(ln.get_xdata()) == [0.0] and list(ln.get_ydata()) == [0.0] for ln in lines)
        assert ax.get_aspect() == 1.0
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        assert x0 <= path[:, 0].min() and x1 >= path[:, 0].max()
        assert y0 <= path[:, 1].min() and y1 >= path[:, 1].max()
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- the short questions

def test_answers_to_the_questions_are_what_the_experiments_show():
    """Question 1: one step lands on the circle's minimum at its best rate 1/2; question 3:
    0.2 beats the other rates of section 7.2 (0.26 diverges); question 4: the kappa = 10
    dot sits at (kappa - 1)/(kappa + 1) = 9/11."""
    assert ps1.answer_circular_steps() == 1
    assert ps1.bowl_loss(ps1.gradient_descent(lambda w: ps1.bowl_grad(w, 1.0, 1.0), [2.0, 1.0], 0.5, 1)[1], 1, 1) == 0
    steps = {lr: ps1.steps_to_converge(ps1.bowl_loss, ps1.bowl_grad, np.array([2.0, 1.0]), lr, max_steps=1000)
             for lr in (0.1, 0.2, 0.24, 0.26)}
    assert steps[0.26] is None and min((k, lr) for lr, k in steps.items() if k is not None)[1] == 0.2
    assert ps1.answer_fastest_rate() == 0.2
    assert ps1.answer_contraction_kappa10() == pytest.approx(9 / 11, rel=1e-12)
    assert ps1.answer_zigzag_cost() == "b"
