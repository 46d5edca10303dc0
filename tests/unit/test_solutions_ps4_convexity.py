"""Unit tests of solutions/ps4_convexity.py against the mathematics, and of the
fixtures its hidden tests rely on (their gradients, and how often the
non-convex ones violate Jensen's inequality)."""
import numpy as np
import pytest

from depthlab.checks import fixtures_ps4_convexity as F
from solutions.ps4_convexity import (answer_claims_rejected, answer_multistart_minima, answer_seeds_reading,
                                     answer_single_minimum, answer_starts_in_lowest, answer_twin_midpoint,
                                     check_convexity, compose, distinct_minima, is_psd, jensen_gap,
                                     multistart_descent, permute_hidden, quadratic_minimizer)


def numerical_grad(f, w, eps=1e-6):
    w = np.asarray(w, dtype=float)
    g = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e.flat[i] = eps
        g.flat[i] = (f(w + e) - f(w - e)) / (2 * eps)
    return g


def network(params, X):
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["w2"] + params["b2"]


# --- jensen_gap --------------------------------------------------------------

def test_jensen_gap_known_values():
    """Does the gap follow the sign convention (positive = violated)?"""
    assert jensen_gap(lambda w: w ** 2, 0.0, 2.0, 0.5) == pytest.approx(-1.0)
    assert jensen_gap(F.make_product(), [2.0, -2.0], [-2.0, 2.0], 0.5) == pytest.approx(4.0)
    assert jensen_gap(np.sin, 0.5, 2.5, 1.0) == 0.0
    assert jensen_gap(np.sin, 0.5, 2.5, 0.0) == 0.0


def test_jensen_gap_of_squared_norm_is_closed_form():
    """For |w|^2 the gap is -lam (1 - lam) |w1 - w2|^2."""
    rng = np.random.default_rng(0)
    f = F.make_square_sum()
    for _ in range(20):
        w1, w2, lam = rng.normal(size=4), rng.normal(size=4), rng.uniform()
        expected = -lam * (1 - lam) * np.sum((w1 - w2) ** 2)
        assert jensen_gap(f, w1, w2, lam) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_jensen_gap_does_not_mutate():
    w1, w2 = np.array([1.0, 2.0]), np.array([-1.0, 0.5])
    jensen_gap(F.make_saddle(), w1, w2, 0.3)
    assert w1.tolist() == [1.0, 2.0] and w2.tolist() == [-1.0, 0.5]


# --- check_convexity -----------------------------------------------------------

CONVEX = [
    (F.make_quadratic(np.eye(2), np.array([-2.0, -2.0]), 6.0), 2),
    (F.make_affine(np.array([1.5, -2.0, 0.3]), 0.7), 3),
    (F.make_norm(1), 4), (F.make_norm(2), 3), (F.make_norm("inf"), 2),
    (F.make_logsumexp(), 3), (F.make_relu_sum(), 2),
    (F.make_quadratic(np.array([[1.0, -1.0], [-1.0, 1.0]])), 2),
]
NON_CONVEX = [
    (F.make_product(), 2), (F.make_saddle(), 2), (F.make_triple_product(), 3), (F.make_sin_sum(), 1),
    (F.make_gaussian_well(), 2), (F.make_bent_quadratic(2.2, 1.0), 2), (F.make_bent_quadratic(2.0, 0.5), 1),
    (F.make_bump_bowl(3.0, 1.0, 0.6), 1), (F.make_bump_bowl(4.0, np.array([0.5, -0.5]), 0.8), 2),
]


@pytest.mark.parametrize("f, dim", CONVEX)
def test_convex_functions_pass(f, dim):
    assert check_convexity(f, dim, n_trials=500) == (True, None)


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("f, dim", NON_CONVEX)
def test_non_convex_functions_give_a_genuine_witness(f, dim, seed):
    convex, (w1, w2, lam) = check_convexity(f, dim, seed=seed)
    assert convex is False
    assert w1.shape == w2.shape == (dim,) and 0 < lam < 1
    assert np.all(np.abs(w1) <= 3) and np.all(np.abs(w2) <= 3)
    assert jensen_gap(f, w1, w2, lam) > 1e-9


def test_check_convexity_respects_box_and_tol():
    """sin is convex on [pi, 2 pi] and concave on [0, pi]; tiny violations pass a large tol."""
    assert check_convexity(np.sin, 1, low=3.3, high=6.1) == (True, None)
    assert check_convexity(np.sin, 1, low=0.2, high=2.9)[0] is False
    assert check_convexity(F.make_product(scale=1e-8), 2, tol=1e-6) == (True, None)
    convex, (w1, w2, lam) = check_convexity(np.sin, 1, tol=0.5)
    assert not convex and jensen_gap(np.sin, w1, w2, lam) > 0.5


def test_check_convexity_is_seeded():
    a = check_convexity(F.make_product(), 2, seed=3)
    b = check_convexity(F.make_product(), 2, seed=3)
    assert np.array_equal(a[1][0], b[1][0]) and a[1][2] == b[1][2]


def test_affine_gaps_are_rounding_noise_that_a_zero_threshold_would_flag():
    """The hidden tests rely on affine and piecewise-linear fixtures producing
    gaps that are positive but tiny, so a checker comparing with 0 fails them."""
    rng = np.random.default_rng(0)
    for f, dim in [(F.make_affine(np.array([1.5, -2.0, 0.3]), 0.7), 3), (F.make_norm(1), 4),
                   (F.make_relu_sum(), 2)]:
        gaps = np.array([jensen_gap(f, rng.uniform(-3, 3, dim), rng.uniform(-3, 3, dim), rng.uniform())
                         for _ in range(2000)])
        assert np.any(gaps > 0) and np.all(gaps < 1e-12)


@pytest.mark.parametrize("f, dim", NON_CONVEX + [(F.make_product(0, 3), 4)])
def test_non_convex_fixtures_violate_often(f, dim):
    """At least 3% of uniform samples violate: 2000 honest samples miss with probability < 1e-26."""
    rng = np.random.default_rng(1)
    gaps = [jensen_gap(f, rng.uniform(-3, 3, dim), rng.uniform(-3, 3, dim), rng.uniform()) for _ in range(3000)]
    assert np.mean(np.array(gaps) > 1e-9) > 0.03


def test_products_look_convex_along_every_axis():
    """x*y is linear along each axis: segments parallel to an axis never violate."""
    rng = np.random.default_rng(2)
    f = F.make_product()
    for _ in range(200):
        w1 = rng.uniform(-3, 3, 2)
        w2 = w1.copy()
        w2[rng.integers(2)] = rng.uniform(-3, 3)
        assert jensen_gap(f, w1, w2, rng.uniform()) <= 1e-9


# --- is_psd --------------------------------------------------------------------

def test_is_psd_uses_the_symmetric_part():
    assert is_psd([[1.0, 10.0], [0.0, 1.0]]) is False          # eigenvalues 1, 1
    assert is_psd([[0.0, -1.0], [1.0, 0.0]]) is True           # symmetric part 0
    assert is_psd([[1.0, -3.0], [3.0, 1.0]]) is True           # symmetric part I
    assert is_psd([[1.0, 1.0], [1.0, 1.0]]) is True
    assert is_psd(np.diag([1.0, -1e-12])) is True
    assert is_psd(np.diag([1.0, -1e-8])) is False
    assert is_psd(np.diag([1.0, -1e-8]), tol=1e-6) is True


def test_is_psd_agrees_with_the_quadratic_form():
    """False exactly when some w has w @ H @ w < -tol |w|^2 (found as an eigenvector of the symmetric part)."""
    rng = np.random.default_rng(3)
    for _ in range(50):
        H = rng.normal(size=(4, 4)) + np.diag(rng.uniform(0, 4, 4))
        S = (H + H.T) / 2
        values, vectors = np.linalg.eigh(S)
        v = vectors[:, 0]
        if is_psd(H):
            W = rng.normal(size=(200, 4))
            assert np.all(np.einsum("ni,ij,nj->n", W, H, W) >= -1e-9)
        else:
            assert v @ H @ v < -1e-10


def test_is_psd_rejects_non_square():
    with pytest.raises(ValueError):
        is_psd(np.ones((2, 3)))
    with pytest.raises(ValueError):
        is_psd(np.ones(3))


def test_is_psd_does_not_mutate():
    H = np.array([[1.0, 4.0], [0.0, 1.0]])
    is_psd(H)
    assert H.tolist() == [[1.0, 4.0], [0.0, 1.0]]


# --- quadratic_minimizer ------------------------------------------------------

def test_bowl_minimum_is_one_one():
    w = quadratic_minimizer(np.eye(2), [-2.0, -2.0])
    assert np.allclose(w, [1.0, 1.0])
    assert F.make_quadratic(np.eye(2), np.array([-2.0, -2.0]), 6.0)(w) == pytest.approx(4.0)


def test_quadratic_minimizer_has_zero_gradient_and_lowest_value():
    rng = np.random.default_rng(4)
    for d in (1, 3, 5):
        B = rng.normal(size=(d, d))
        A, b = B @ B.T + 0.5 * np.eye(d), rng.normal(size=d)
        f = F.make_quadratic(A, b, 0.3)
        w = quadratic_minimizer(A, b)
        assert np.allclose(numerical_grad(f, w), 0.0, atol=1e-6)
        assert all(f(w + 0.1 * rng.normal(size=d)) > f(w) for _ in range(20))


# --- compose -------------------------------------------------------------------

def test_compose_applies_inner_first():
    h = compose(lambda z: z ** 2, lambda x: 2 * x + 1)
    assert h(3.0) == 49.0


def test_convex_of_linear_is_convex_but_not_the_other_way_round():
    """(x1 - x2)^2 is convex; x1^2 - x2^2 is not."""
    difference = F.make_affine(np.array([1.0, -1.0]))
    square = F.make_elementwise("square")
    assert check_convexity(compose(square, difference), 2) == (True, None)
    assert check_convexity(compose(difference, square), 2)[0] is False


# --- permute_hidden -------------------------------------------------------------

def test_permuted_network_computes_the_same_function():
    rng = np.random.default_rng(5)
    params = {"W1": rng.normal(size=(5, 3)), "b1": rng.normal(size=5), "w2": rng.normal(size=5), "b2": 0.4}
    before = {k: np.copy(v) for k, v in params.items()}
    perm = np.array([3, 0, 4, 1, 2])
    new = permute_hidden(params, perm)
    X = rng.normal(size=(10, 3))
    assert np.allclose(network(new, X), network(params, X))
    assert not np.allclose(new["W1"], params["W1"])
    assert new is not params and all(np.array_equal(params[k], before[k]) for k in params)
    back = permute_hidden(new, np.argsort(perm))
    assert all(np.allclose(back[k], params[k]) for k in params)
    assert np.allclose(new["W1"][0], params["W1"][3])      # new unit 0 is old unit perm[0]


# --- multistart_descent ---------------------------------------------------------

def test_multistart_descent_matches_the_closed_form_on_a_quadratic():
    """For f = w @ A @ w the step is w <- (I - 2 lr A) w, so n steps give (I - 2 lr A)^n w0."""
    A = np.diag([1.0, 3.0])
    starts = np.array([[1.0, -2.0], [0.5, 0.5], [-3.0, 1.0]])
    got = multistart_descent(F.make_quadratic_grad(A), starts, 0.1, 5)
    M = np.linalg.matrix_power(np.eye(2) - 0.2 * A, 5)
    assert np.allclose(got, starts @ M.T)
    assert multistart_descent(F.make_quadratic_grad(A), starts, 0.1, 0).tolist() == starts.tolist()


def test_multistart_descent_finds_both_wells():
    starts = np.array([[-1.7], [-0.3], [0.2], [1.6]])
    got = multistart_descent(F.make_double_well_grad(), starts, 0.05, 400)
    assert got.shape == (4, 1)
    assert np.allclose(got[:, 0], [-1.0, -1.0, 1.0, 1.0], atol=1e-6)
    assert starts[:, 0].tolist() == [-1.7, -0.3, 0.2, 1.6]


# --- distinct_minima -----------------------------------------------------------

def test_distinct_minima_examples():
    pts = np.array([[3.0], [1.0], [3.0004], [2.0], [1.0001]])
    assert distinct_minima(pts).tolist() == [[3.0], [1.0], [2.0]]
    assert distinct_minima([[0.0, 0.0], [0.75, 1.0]], tol=1.25).tolist() == [[0.0, 0.0]]
    assert distinct_minima([[0.0, 0.0], [0.75, 1.0]], tol=1.2499).shape == (2, 2)


def test_distinct_minima_properties():
    """Kept points are pairwise farther than tol, every point is within tol of a
    kept one at or before it, and kept points keep their order."""
    rng = np.random.default_rng(6)
    pts = np.round(rng.uniform(-1, 1, size=(60, 2)), 1)
    tol = 0.15
    kept = distinct_minima(pts, tol)
    dist = np.linalg.norm(kept[:, None] - kept[None], axis=-1)
    assert np.all(dist[np.triu_indices(len(kept), 1)] > tol)
    idx = [int(np.flatnonzero(np.all(pts == k, axis=1))[0]) for k in kept]
    assert idx == sorted(idx)
    for i, p in enumerate(pts):
        assert any(np.linalg.norm(p - pts[j]) <= tol for j in idx if j <= i)


# --- fixtures ------------------------------------------------------------------

@pytest.mark.parametrize("loss, grad", [
    (F.make_wiggly_loss(), F.make_wiggly_grad()),
    (F.make_quadratic(np.array([[2.0, 0.5], [-0.3, 1.0]]), np.array([1.0, -2.0])),
     F.make_quadratic_grad(np.array([[2.0, 0.5], [-0.3, 1.0]]), np.array([1.0, -2.0]))),
    (lambda w: float(np.sum((np.asarray(w) ** 2 - 1) ** 2)), F.make_double_well_grad()),
])
def test_fixture_gradients_match_finite_differences(loss, grad):
    rng = np.random.default_rng(7)
    for _ in range(5):
        w = rng.uniform(-2, 2, size=2)
        assert np.allclose(grad(w), numerical_grad(loss, w), rtol=1e-6, atol=1e-7)


def test_fixtures_accept_a_batch_of_points():
    rng = np.random.default_rng(8)
    W = rng.uniform(-2, 2, size=(5, 3))
    for f in (F.make_quadratic(np.eye(3)), F.make_norm(1), F.make_logsumexp(), F.make_gaussian_well(),
              F.make_bent_quadratic(), F.make_bump_bowl(centre=np.zeros(3)), F.make_triple_product()):
        assert np.allclose(f(W), [f(w) for w in W])
    g = F.make_quadratic_grad(np.diag([1.0, 2.0, 3.0]))
    assert np.allclose(g(W), [g(w) for w in W])


def test_network_loss_fixture_matches_the_network():
    rng = np.random.default_rng(9)
    X, y = rng.normal(size=(8, 2)), rng.normal(size=8)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3), "w2": rng.normal(size=3), "b2": 0.2}
    theta = np.concatenate([params["W1"].ravel(), params["b1"], params["w2"], [params["b2"]]])
    loss = F.make_network_loss(X, y, 3)
    assert loss(theta) == pytest.approx(np.mean((network(params, X) - y) ** 2))


# --- the short questions -------------------------------------------------------

def wavy_loss(w):
    """The multi-start cell's loss (the reference's answers carry their own copy: each is self-contained)."""
    return 0.1 * w ** 2 + np.sin(2 * w) + 0.3 * np.sin(5 * w) - 5 * np.exp(-((w + 6.6) / 0.35) ** 2)


def test_answer_claims_rejected_counts_the_functions_that_bend_down():
    """Question 1: the four of the six that bend down somewhere in [-3, 3] (second derivative
    negative there) are rejected; ReLU and softplus, convex on the whole line, are not."""
    z = np.linspace(-2.9, 2.9, 581)
    second = {   # second derivatives, by hand
        "1 - exp(-w^2)": (2 - 4 * z ** 2) * np.exp(-z ** 2),
        "sqrt(|w|)": -0.25 * np.abs(z[z != 0]) ** -1.5,
        "softplus": np.exp(-np.logaddexp(0, -z)) * np.exp(-np.logaddexp(0, z)),
        "sigmoid": (np.exp(-np.logaddexp(0, -z)) * np.exp(-np.logaddexp(0, z))
                    * (1 - 2 * np.exp(-np.logaddexp(0, -z)))),
        "tanh": -2 * np.tanh(z) * (1 - np.tanh(z) ** 2),
    }
    bends_down = {name: bool(np.any(d < -1e-6)) for name, d in second.items()}
    assert bends_down == {"1 - exp(-w^2)": True, "sqrt(|w|)": True, "softplus": False, "sigmoid": True,
                          "tanh": True}
    assert answer_claims_rejected() == sum(bends_down.values()) == 4   # + ReLU: max of two lines, convex


def test_answer_multistart_minima_is_the_number_of_dips_within_reach():
    """Question 3: every local minimum of the wavy loss right of the deep well's basin (its
    hump near -5.9, left of the leftmost start -5.5) is reached by some start; the well is not."""
    ws = np.linspace(-7, 6.5, 27001)
    L = wavy_loss(ws)
    dips = ws[1:-1][(L[1:-1] < L[:-2]) & (L[1:-1] < L[2:])]
    assert len(dips) == 7 and dips.min() < -6.5
    assert answer_multistart_minima() == len(dips) - 1


def test_answer_starts_in_lowest_no_start_lies_in_the_deep_wells_basin():
    """Question 3: the lowest point of [-7, 6.5] is the narrow well near -6.6, and the hump that
    bounds its basin lies left of the leftmost start -5.5, so no start can end there."""
    ws = np.linspace(-7, 6.5, 27001)
    L = wavy_loss(ws)
    assert -6.7 < ws[np.argmin(L)] < -6.5
    left = (ws > ws[np.argmin(L)]) & (ws < -5.5)
    hump = ws[left][np.argmax(L[left])]
    assert hump < -5.5 and np.all(np.diff(L[(ws > hump) & (ws <= -5.5)]) < 0)   # downhill to the right of it
    assert answer_starts_in_lowest() == 0


def test_choice_answers_are_offered_letters():
    assert answer_single_minimum() in "abcd" and len(answer_single_minimum()) == 1
    assert answer_twin_midpoint() in "abcd" and len(answer_twin_midpoint()) == 1
    assert answer_seeds_reading() in "abcd" and len(answer_seeds_reading()) == 1
