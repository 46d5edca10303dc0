"""Does the ps3 reference agree with the mathematics, and do the fixtures the
hidden tests use mean what their docstrings say?"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx  # noqa: E402
from depthlab.judge.probe import decode, describe_axes  # noqa: E402
from solutions import ps3_cliffs_valleys as ps3  # noqa: E402


def random_spd(rng, d, low=0.5, high=3.0):
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    return (Q * rng.uniform(low, high, size=d)) @ Q.T


def central_gradient(f, w, eps=1e-6):
    w = np.asarray(w, dtype=float)
    E = eps * np.eye(w.size)
    return np.array([(f(w + e) - f(w - e)) / (2 * eps) for e in E])


def wavy_params(rng, d, length=15.0):
    B = rng.normal(size=(d, d)) * 0.3
    U = rng.normal(size=(d + 1, d))
    U *= length / np.linalg.norm(U, axis=1, keepdims=True)
    amp = rng.uniform(1.0, 2.0, size=d + 1) / length**2
    return {"A": B + B.T, "U": U, "amp": amp, "phase": rng.uniform(0, 2 * np.pi, size=d + 1)}


# --------------------------------------------------------------------------- clip_by_norm

@pytest.mark.parametrize("d", [1, 2, 5, 50])
def test_clip_keeps_direction_and_caps_the_norm(d):
    rng = np.random.default_rng(d)
    g = rng.normal(size=d) * 5
    for max_norm in (0.1, np.linalg.norm(g), 3 * np.linalg.norm(g)):
        c = ps3.clip_by_norm(g, max_norm)
        assert np.isclose(np.linalg.norm(c), min(np.linalg.norm(g), max_norm))
        assert np.allclose(c / np.linalg.norm(c), g / np.linalg.norm(g))


def test_clip_zero_vector_and_bad_thresholds():
    assert np.array_equal(ps3.clip_by_norm(np.zeros(3), 0.5), np.zeros(3))
    assert np.allclose(ps3.clip_by_norm([3, 4], 1), [0.6, 0.8])
    assert np.allclose(ps3.clip_by_norm([3.0, 4.0], np.inf), [3.0, 4.0])
    for bad in (0.0, -1.0, np.nan):
        with pytest.raises(ValueError, match="max_norm"):
            ps3.clip_by_norm([1.0, 2.0], bad)


def test_clip_does_not_change_its_input():
    g = np.array([30.0, 40.0])
    ps3.clip_by_norm(g, 1.0)
    assert np.array_equal(g, [30.0, 40.0])


# --------------------------------------------------------------------------- gd_clipped

def test_gd_clipped_without_active_clipping_is_plain_descent():
    rng = np.random.default_rng(0)
    A, m = random_spd(rng, 4), rng.normal(size=4)
    grad = fx.make_quadratic_grad(A, m)
    w0 = m + rng.normal(size=4)
    path = ps3.gd_clipped(grad, w0, 0.2, 30, np.inf)
    expected = [w0]
    for _ in range(30):
        expected.append(expected[-1] - 0.2 * A @ (expected[-1] - m))
    assert np.allclose(path, expected, rtol=1e-12, atol=1e-14)


def test_gd_clipped_steps_never_exceed_lr_times_max_norm():
    grad = fx.make_cliff_grad()
    path = ps3.gd_clipped(grad, [-2.2, 0.8], 0.8, 60, 0.5)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    assert path.shape == (61, 2)
    assert np.all(steps <= 0.8 * 0.5 + 1e-12)
    assert np.isclose(steps.max(), 0.4)   # the cliff's face is steep enough to be clipped


# --------------------------------------------------------------------------- momentum_descent

def test_momentum_follows_the_linear_recurrence_on_a_1d_quadratic():
    """On f = a w**2 / 2, (w, v) evolves by the matrix [[1 - lr a, beta], [-lr a, beta]]."""
    a, lr, beta, w0 = 3.0, 0.1, 0.7, 2.0
    path = ps3.momentum_descent(fx.make_quadratic_grad([[a]], [0.0]), [w0], lr, beta, 25)
    M = np.array([[1 - lr * a, beta], [-lr * a, beta]])
    states = [np.array([w0, 0.0])]
    for _ in range(25):
        states.append(M @ states[-1])
    assert np.allclose(path[:, 0], [s[0] for s in states], rtol=1e-12, atol=1e-14)


def test_momentum_with_beta_zero_is_plain_descent():
    rng = np.random.default_rng(1)
    A, m = random_spd(rng, 3), rng.normal(size=3)
    grad = fx.make_quadratic_grad(A, m)
    w0 = rng.normal(size=3)
    assert np.allclose(ps3.momentum_descent(grad, w0, 0.3, 0.0, 20), ps3.gd_clipped(grad, w0, 0.3, 20, np.inf))


def test_momentum_beats_descent_on_an_ill_conditioned_quadratic():
    A, m = np.diag([0.05, 5.0]), np.zeros(2)
    grad, loss = fx.make_quadratic_grad(A, m), fx.make_quadratic_loss(A, m)
    w0 = np.array([4.0, 1.0])
    plain = ps3.momentum_descent(grad, w0, 0.3, 0.0, 100)
    heavy = ps3.momentum_descent(grad, w0, 0.3, 0.8, 100)
    assert loss(heavy[-1]) < 1e-3 * loss(plain[-1])


# --------------------------------------------------------------------------- numerical_hessian

@pytest.mark.parametrize("d", [1, 2, 4, 6])
def test_numerical_hessian_of_a_quadratic_is_its_matrix(d):
    rng = np.random.default_rng(10 + d)
    B = rng.normal(size=(d, d))
    A, m = B + B.T, rng.normal(size=d)
    H = ps3.numerical_hessian(fx.make_quadratic_loss(A, m), rng.normal(size=d))
    assert np.array_equal(H, H.T)
    assert np.allclose(H, A, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_numerical_hessian_matches_analytic_hessians(seed):
    rng = np.random.default_rng(seed)
    d = 2 + seed % 3
    p = wavy_params(rng, d)
    w = rng.normal(size=d)
    assert np.allclose(ps3.numerical_hessian(fx.make_wavy_loss(**p), w), fx.make_wavy_hess(**p)(w),
                       rtol=1e-4, atol=1e-6)
    point = np.array([rng.uniform(-1.0, 2.5), rng.uniform(-1.0, 1.0)])
    assert np.allclose(ps3.numerical_hessian(fx.make_cliff_loss(), point), fx.make_cliff_hess()(point),
                       rtol=1e-4, atol=1e-6)


def test_numerical_hessian_is_exact_for_a_cubic_with_a_large_step():
    rng = np.random.default_rng(3)
    A, c, s, e = random_spd(rng, 3), rng.normal(size=3), rng.normal(size=3), 1.5
    w = rng.normal(size=3)
    exact = A + np.diag(6 * c * w) + 6 * e * (s @ w) * np.outer(s, s)
    assert np.allclose(ps3.numerical_hessian(fx.make_cubic_loss(A, c, s, e), w, eps=1e-2), exact, rtol=1e-7, atol=1e-7)


def test_numerical_hessian_accepts_integer_points():
    H = ps3.numerical_hessian(fx.make_quadratic_loss([[4.0, -1.0], [-1.0, 2.0]], [0.5, 0.5]), [1, 2])
    assert np.allclose(H, [[4.0, -1.0], [-1.0, 2.0]], rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------- fixtures

@pytest.mark.parametrize("seed", range(3))
def test_fixture_gradients_are_gradients_of_their_losses(seed):
    rng = np.random.default_rng(seed)
    p = wavy_params(rng, 3, length=3.0)
    w = rng.normal(size=3)
    assert np.allclose(fx.make_wavy_grad(**p)(w), central_gradient(fx.make_wavy_loss(**p), w), atol=1e-6)
    point = np.array([rng.uniform(-2.0, 3.0), rng.uniform(-1.0, 1.0)])
    assert np.allclose(fx.make_cliff_grad()(point), central_gradient(fx.make_cliff_loss(), point), atol=1e-6)
    A, m = random_spd(rng, 3), rng.normal(size=3)
    assert np.allclose(fx.make_quadratic_grad(A, m)(w), central_gradient(fx.make_quadratic_loss(A, m), w), atol=1e-6)


def test_losses_accept_stacks_of_points_and_the_pointwise_one_refuses_them():
    pts = np.random.default_rng(0).normal(size=(4, 5, 2))
    for loss in (fx.make_cliff_loss(), fx.make_quadratic_loss(np.eye(2), np.zeros(2)),
                 fx.make_wavy_loss(**wavy_params(np.random.default_rng(1), 2))):
        assert np.allclose(loss(pts), [[loss(p) for p in row] for row in pts])
    with pytest.raises(ValueError, match="one point"):
        fx.make_pointwise_quadratic_loss(np.eye(2), np.zeros(2))(pts[0])


def test_the_cliff_is_a_gentle_plateau_then_a_steep_face():
    grad = fx.make_cliff_grad()
    plateau = max(np.linalg.norm(grad([x, 0.0])) for x in np.linspace(-3.0, -0.6, 25))
    face = np.linalg.norm(grad([0.5, 0.0]))
    assert plateau < 0.25 and face > 9.0
    loss = fx.make_cliff_loss()
    assert loss([-0.5, 0.0]) - loss([1.5, 0.0]) > 9.0     # a drop of about slope * width = 10


# --------------------------------------------------------------------------- newton_step

@pytest.mark.parametrize("d", [2, 3, 7])
def test_one_newton_step_lands_on_the_stationary_point_of_a_quadratic(d):
    rng = np.random.default_rng(20 + d)
    B = rng.normal(size=(d, d))
    A, m = B + B.T + 0.1 * np.eye(d), rng.normal(size=d)   # indefinite in general: a saddle point
    w = rng.normal(size=d) * 4
    assert np.allclose(ps3.newton_step(fx.make_quadratic_grad(A, m), fx.make_quadratic_hess(A), w), m)


def test_newton_iterations_converge_on_a_convex_non_quadratic():
    rng = np.random.default_rng(5)
    p = wavy_params(rng, 3, length=3.0)
    p["A"] = p["A"] + 4.0 * np.eye(3)          # keeps the Hessian positive definite
    grad, hess = fx.make_wavy_grad(**p), fx.make_wavy_hess(**p)
    w = rng.normal(size=3)
    for _ in range(8):
        w = ps3.newton_step(grad, hess, w)
    assert np.linalg.norm(grad(w)) < 1e-12


# --------------------------------------------------------------------------- directional_curvature

def test_directional_curvature_is_a_scale_free_rayleigh_quotient():
    rng = np.random.default_rng(7)
    B = rng.normal(size=(5, 5))
    H = B + B.T
    lam, V = np.linalg.eigh(H)
    for k in range(5):
        assert np.isclose(ps3.directional_curvature(H, -3.0 * V[:, k]), lam[k])
    for _ in range(20):
        d = rng.normal(size=5)
        c = ps3.directional_curvature(H, d)
        assert lam[0] - 1e-12 <= c <= lam[-1] + 1e-12
        assert np.isclose(c, ps3.directional_curvature(H, 0.01 * d))
    assert isinstance(ps3.directional_curvature(H, d), float)


# --------------------------------------------------------------------------- loss_along_path

def test_loss_along_path_calls_the_loss_row_by_row():
    A, m = np.diag([1.0, 3.0]), np.array([1.0, -1.0])
    path = np.random.default_rng(2).normal(size=(6, 2))
    values = ps3.loss_along_path(fx.make_pointwise_quadratic_loss(A, m), path)
    assert values.shape == (6,) and values.dtype == float
    assert np.allclose(values, [0.5 * (p - m) @ A @ (p - m) for p in path])
    assert ps3.loss_along_path(fx.make_cliff_loss(), [[0.0, 0.0]]).shape == (1,)


# --------------------------------------------------------------------------- plot_paths

def test_plot_paths_draws_contours_labelled_paths_and_a_legend():
    paths = {"descent": np.array([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]]), "momentum": np.array([[-1.0, 0.5]])}
    fig, ax = plt.subplots()
    try:
        assert ps3.plot_paths(ax, fx.make_cliff_loss(), paths, (-2.0, 2.0, -1.0, 1.0)) is ax
        desc = describe_axes(ax)
    finally:
        plt.close(fig)
    assert desc["contour_sets"] >= 1
    assert sorted(desc["legend"]) == ["descent", "momentum"]
    drawn = {ln["label"]: (decode(ln["x"]), decode(ln["y"])) for ln in desc["lines"]}
    for key, path in paths.items():
        assert np.array_equal(drawn[key][0], path[:, 0]) and np.array_equal(drawn[key][1], path[:, 1])
    assert desc["xlim"] == [-2.0, 2.0] and desc["ylim"] == [-1.0, 1.0]


# --------------------------------------------------------------------------- the notebook's given losses

def given_cells(*grade_ids) -> dict:
    """Run the notebook's given cells with these grade ids (in order) and return their namespace."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "source" / "ps3_cliffs_valleys" / "ps3_cliffs_valleys.ipynb"
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"])
             for c in json.loads(path.read_text())["cells"]}
    ns: dict = {}
    for gid in grade_ids:
        exec(compile(cells[gid], gid, "exec"), ns)
    return ns


def test_the_notebooks_cliff_is_the_cliff_the_hidden_tests_use():
    """The hidden cases labelled 'the cliff of the notebook' use the fixture; are the two the same?"""
    nb = given_cells("given_setup", "given_cliff")
    loss, grad, hess = fx.make_cliff_loss(), fx.make_cliff_grad(), fx.make_cliff_hess()
    points = np.random.default_rng(9).uniform([-3.0, -2.0], [9.0, 2.0], size=(30, 2))
    assert np.allclose(nb["cliff_loss"](points), loss(points), rtol=1e-13, atol=1e-13)
    for w in points:
        assert np.allclose(nb["cliff_grad"](w), grad(w), rtol=1e-13, atol=1e-13)
        assert np.allclose(nb["cliff_hess"](w), hess(w), rtol=1e-13, atol=1e-13)


def test_the_notebooks_valley_has_the_stated_derivatives_and_curvatures():
    nb = given_cells("given_setup", "given_valley")
    loss, grad, hess = nb["valley_loss"], nb["valley_grad"], nb["valley_hess"]
    for w in np.random.default_rng(4).normal(size=(10, 2)) * 2:
        assert np.allclose(grad(w), central_gradient(loss, w), atol=1e-6)
        assert np.allclose(hess(w), ps3.numerical_hessian(loss, w), rtol=1e-4, atol=1e-6)
    m, start = nb["VALLEY_MIN"], nb["VALLEY_START"]
    assert loss(m) == 0.0 and np.allclose(grad(m), 0.0)
    assert np.isclose(ps3.directional_curvature(hess(m), nb["FLOOR"]), 0.1)
    assert np.isclose(ps3.directional_curvature(hess(m), nb["ACROSS"]), 20.0)
    assert np.isclose(ps3.directional_curvature(hess(start), nb["FLOOR"]), 0.1 + 0.24 * 16)


def test_the_notebooks_solution_cells_are_the_reference():
    """Does every solution cell of the source notebook do what solutions/ does (same code, docstrings aside)?"""
    import ast
    import inspect
    import json
    from pathlib import Path

    def body(source: str) -> str:
        fn = ast.parse(source).body[0]
        if ast.get_docstring(fn) is not None:
            fn.body = fn.body[1:]
        return ast.dump(fn)

    path = Path(__file__).resolve().parents[2] / "source" / "ps3_cliffs_valleys" / "ps3_cliffs_valleys.ipynb"
    cells = [c for c in json.loads(path.read_text())["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
             and c["cell_type"] == "code"]
    assert len(cells) == 12         # 8 functions, 4 short questions
    for cell in cells:
        source = "".join(cell["source"])
        name = cell["metadata"]["nbgrader"]["grade_id"][len("solution_"):]
        assert body(source) == body(inspect.getsource(getattr(ps3, name))), name


# ----------------------------------------------------------------- the short questions

def test_answers_to_the_questions_are_what_the_experiments_show():
    """The letters and the number the reference gives are what the notebook's runs show
    (the fixture's cliff is the notebook's, the valley is spelled out above)."""
    loss, grad, hess = fx.make_cliff_loss(), fx.make_cliff_grad(), fx.make_cliff_hess()
    start = np.array([-2.2, 0.8])
    # Question 1 (c): clipped, the large rate ends at the bowl's bottom (x = 1.88); unclipped it is thrown to 7.76
    clipped, thrown = ps3.gd_clipped(grad, start, 0.8, 60, 0.5), ps3.gd_clipped(grad, start, 0.8, 60, np.inf)
    assert ps3.answer_clipped_landing() == "c"
    assert clipped[:, 0].max() == pytest.approx(1.88, abs=0.01) and thrown[:, 0].max() > 7.5
    assert np.linalg.norm(grad(clipped[-1])) < 1e-3
    # Question 2 (b): from x = -0.25 Newton's step goes left and the loss goes up
    w = np.array([-0.25, 0.0])
    after = ps3.newton_step(grad, hess, w)
    assert ps3.answer_newton_cliff() == "b"
    assert after[0] < w[0] and loss(after) > loss(w)
    # Question 3: the distance to the valley's floor shrinks just below the answer and grows just above
    nb = given_cells("given_setup", "given_valley")
    start, minimum, across = nb["VALLEY_START"], nb["VALLEY_MIN"], nb["ACROSS"]
    rate = ps3.answer_valley_max_rate()
    assert rate == pytest.approx(0.1)
    for lr, shrinks in ((0.99 * rate, True), (1.01 * rate, False)):
        q = (ps3.gd_clipped(nb["valley_grad"], start, lr, 200, np.inf)[-1] - minimum) @ across
        assert (abs(q) < 0.6) == shrinks, (lr, q)
    # Question 4 (c): "about 40 times lower" after 100 steps, at a third of descent's rate
    descent = ps3.momentum_descent(nb["valley_grad"], start, 0.09, 0.0, 100)
    momentum = ps3.momentum_descent(nb["valley_grad"], start, 0.03, 0.8, 100)
    assert ps3.answer_momentum_speed() == "c"
    assert 30 < nb["valley_loss"](descent[-1]) / nb["valley_loss"](momentum[-1]) < 50
