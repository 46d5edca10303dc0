"""Is the reference solution of ps2_vanishing_gradients right, by the mathematics?

Finite differences against backpropagation, known values of the sigmoid, the
bound of equation (4.1), and the linear algebra of spectral radius and norm.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from solutions import ps2_vanishing_gradients as ps2


def finite_difference(f, x, step=1e-5):
    """An independent central difference (not the reference's numerical_gradient)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[i] = step
        out[i] = (f(x + e) - f(x - e)) / (2 * step)
    return out


# ----------------------------------------------------------------- sigmoid

def test_sigmoid_known_values():
    """Is the sigmoid exactly 1/2 at 0, 1/(1+e^-1) at 1, and symmetric?"""
    assert ps2.sigmoid(0.0) == 0.5
    assert ps2.sigmoid(1.0) == pytest.approx(1 / (1 + np.exp(-1)), rel=1e-15)
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(ps2.sigmoid(z) + ps2.sigmoid(-z), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ps2.sigmoid(np.log(3.0)), 0.75, rtol=1e-15)


def test_sigmoid_is_silent_and_finite_far_out():
    """Does the sigmoid stay warning-free and exact in its limits for |z| up to 1e4 (and beyond)?"""
    z = np.array([-1e308, -1e4, -745.0, -709.0, -40.0, 40.0, 709.0, 745.0, 1e4, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = ps2.sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert s[3] == pytest.approx(np.exp(-709.0), rel=1e-12)   # tiny but not lost


def test_sigmoid_accepts_lists_ints_and_keeps_shape():
    """Does the sigmoid take lists of integers and keep an array's shape, returning floats?"""
    out = ps2.sigmoid([[0, 1], [2, 3]])
    assert out.shape == (2, 2) and out.dtype == float


def test_sigmoid_prime_matches_finite_differences_and_peaks_at_a_quarter():
    """Is sigmoid' the derivative of sigmoid, with maximum 1/4 at 0?"""
    z = np.linspace(-8, 8, 33)
    step = 1e-5
    central = (ps2.sigmoid(z + step) - ps2.sigmoid(z - step)) / (2 * step)   # elementwise
    np.testing.assert_allclose(ps2.sigmoid_prime(z), central, rtol=1e-8, atol=1e-11)
    assert ps2.sigmoid_prime(0.0) == 0.25
    assert np.all(ps2.sigmoid_prime(np.linspace(-50, 50, 1001)) <= 0.25)


# ----------------------------------------------------------------- the chain

def test_forward_chain_by_hand():
    """Does forward_chain reproduce h1 = s(0.3 * 0.5), h2 = s(-1.2 * h1)?"""
    s = lambda v: 1 / (1 + np.exp(-v))
    h1 = s(0.3 * 0.5)
    np.testing.assert_allclose(ps2.forward_chain([0.3, -1.2], 0.5), [0.5, h1, s(-1.2 * h1)], rtol=1e-15)
    np.testing.assert_array_equal(ps2.forward_chain([], 0.7), [0.7])


@pytest.mark.parametrize("seed", range(5))
def test_backprop_matches_finite_differences_in_every_hidden_activation(seed):
    """Is g[t] the derivative of the output with respect to h_t (perturb h_t, rerun the rest)?"""
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 8))
    w, x, dL_do = rng.normal(size=m), float(rng.normal()), float(rng.normal())
    h = ps2.forward_chain(w, x)
    g = ps2.backprop_chain(w, x, dL_do)
    for t in range(m + 1):
        def loss_from(ht, t=t):
            return dL_do * ps2.forward_chain(w[t:], float(ht))[-1]   # L = dL_do * o, linear in o
        # rounding in the difference is about 1e-16 * |L| / step ~ 1e-11
        assert g[t] == pytest.approx(finite_difference(loss_from, h[t]), rel=1e-6, abs=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_weight_grads_match_finite_differences(seed):
    """Is weight_grads_chain the gradient of dL_do * o with respect to w?"""
    rng = np.random.default_rng(10 + seed)
    w, x, dL_do = rng.normal(size=6), float(rng.normal()), float(rng.normal())
    expected = finite_difference(lambda v: dL_do * ps2.forward_chain(v, x)[-1], w)
    np.testing.assert_allclose(ps2.weight_grads_chain(w, x, dL_do), expected, rtol=1e-6, atol=1e-12)


def test_backprop_respects_the_bound_of_equation_4_1():
    """Is |dL/dh_t| at most prod(0.25 |w_s|) over the layers above t, sample by sample?"""
    rng = np.random.default_rng(3)
    W = rng.normal(size=(200, 15))
    G = ps2.gradient_magnitudes(W, 0.5)
    bound = np.cumprod((0.25 * np.abs(W))[:, ::-1], axis=1)[:, ::-1]
    assert np.all(G[:, :-1] <= bound * (1 + 1e-12))
    np.testing.assert_array_equal(G[:, -1], 1.0)


def test_gradient_magnitudes_vanish_geometrically_for_standard_normal_weights():
    """Does the median |dL/dh_0| fall by a factor of at least 4 per layer with N(0, 1) weights?"""
    rng = np.random.default_rng(4)
    G = ps2.gradient_magnitudes(rng.normal(size=(300, 20)), 1.0)
    median = np.median(G, axis=0)
    assert median[0] < 0.25 ** 20 * 10 and median[0] > 0


def test_constant_negative_weight_at_its_fixed_point_explodes():
    """Started where h = sigmoid(-12 h), does each layer multiply the gradient by |w| h (1 - h) > 1?"""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ps2.sigmoid(-12 * mid) > mid else (lo, mid)
    h = (lo + hi) / 2
    g = ps2.backprop_chain(np.full(20, -12.0), h)
    factor = 12 * h * (1 - h)
    assert factor > 1.4
    np.testing.assert_allclose(np.abs(g[0]), factor ** 20, rtol=1e-6)


# ----------------------------------------------------------------- numerical_gradient

def test_numerical_gradient_of_known_functions_any_shape():
    """Does numerical_gradient recover 2 A x + b, k exp(k x) in 3-D, and a 0-d derivative?"""
    A, b = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, -1.0])
    x = np.array([0.5, -2.0])
    np.testing.assert_allclose(ps2.numerical_gradient(lambda v: v @ A @ v + b @ v, x), 2 * A @ x + b, rtol=1e-8)
    X = np.random.default_rng(5).uniform(-0.5, 0.5, size=(2, 3, 2))
    np.testing.assert_allclose(ps2.numerical_gradient(lambda v: np.exp(3 * v).sum(), X), 3 * np.exp(3 * X), rtol=1e-8)
    d = ps2.numerical_gradient(lambda v: np.sin(v), 0.3)
    assert d.shape == () and float(d) == pytest.approx(np.cos(0.3), rel=1e-9)


def test_numerical_gradient_is_central_and_leaves_x_alone():
    """Is the error second order in eps (not first), and is x unchanged afterwards?"""
    x = np.array([0.1, -0.2])
    kept = x.copy()
    exact = 20 * np.exp(20 * x)
    err = [np.max(np.abs(ps2.numerical_gradient(lambda v: np.exp(20 * v).sum(), x, eps) / exact - 1))
           for eps in (1e-2, 1e-3)]
    assert err[0] / err[1] == pytest.approx(100, rel=0.05)
    np.testing.assert_array_equal(x, kept)
    np.testing.assert_allclose(ps2.numerical_gradient(lambda v: (v ** 2).sum(), np.array([1, -2])), [2, -4])


def test_numerical_gradient_agrees_with_backprop():
    """Do finite differences of the chain's output agree with weight_grads_chain (the notebook's check)?"""
    rng = np.random.default_rng(6)
    w, x = rng.normal(size=8), 0.8
    num = ps2.numerical_gradient(lambda v: ps2.forward_chain(v, x)[-1], w)
    np.testing.assert_allclose(num, ps2.weight_grads_chain(w, x), rtol=1e-5, atol=1e-10)


# ----------------------------------------------------------------- Jacobians

def test_layer_jacobian_matches_finite_differences():
    """Is layer_jacobian the derivative of sigmoid(W @ h) for a non-square W?"""
    rng = np.random.default_rng(7)
    W, h = rng.normal(size=(3, 5)), rng.normal(size=5)
    J = ps2.layer_jacobian(W, h)
    for i in range(3):
        np.testing.assert_allclose(J[i], finite_difference(lambda v: ps2.sigmoid(W @ v)[i], h), rtol=1e-7, atol=1e-11)


def test_chain_jacobian_matches_finite_differences_and_the_one_node_chain():
    """Is chain_jacobian dh_m/dh_0 for widths 3 -> 4 -> 2 -> 5, and g[0] for 1 x 1 weights?"""
    rng = np.random.default_rng(8)
    Ws = [rng.normal(size=s) for s in [(4, 3), (2, 4), (5, 2)]]
    x = rng.normal(size=3)

    def forward(v):
        for W in Ws:
            v = ps2.sigmoid(W @ v)
        return v

    J = ps2.chain_jacobian(Ws, x)
    assert J.shape == (5, 3)
    for i in range(5):
        np.testing.assert_allclose(J[i], finite_difference(lambda v: forward(v)[i], x), rtol=1e-6, atol=1e-11)
    np.testing.assert_array_equal(ps2.chain_jacobian([], [1.0, 2.0]), np.eye(2))
    w = rng.normal(size=6)
    J1 = ps2.chain_jacobian([np.array([[wt]]) for wt in w], np.array([0.4]))
    assert J1[0, 0] == pytest.approx(ps2.backprop_chain(w, 0.4)[0], rel=1e-12)


def test_spectral_radius_known_matrices():
    """Is the spectral radius the largest |eigenvalue|: negative, complex, non-normal?"""
    assert ps2.spectral_radius([[-3.0, 0.0], [0.0, 2.0]]) == pytest.approx(3.0)
    assert ps2.spectral_radius([[0.0, -0.9], [0.9, 0.0]]) == pytest.approx(0.9)
    assert ps2.spectral_radius([[0.5, 10.0], [0.0, 0.3]]) == pytest.approx(0.5)
    assert ps2.spectral_radius([[1.0, 2.0], [3.0, 4.0]]) == pytest.approx((5 + np.sqrt(33)) / 2)
    for bad in (np.ones((2, 3)), np.ones(3), np.ones((2, 2, 2))):
        with pytest.raises(ValueError, match="square"):
            ps2.spectral_radius(bad)


def test_power_norms_follow_the_spectral_radius():
    """Does ||J^k||^(1/k) tend to the spectral radius (Gelfand), after transient growth?"""
    J = np.array([[0.9, 4.0], [0.0, 0.7]])
    norms = ps2.jacobian_power_norms(J, 200)
    assert norms.shape == (200,)
    assert norms[:5].max() > 1 > ps2.spectral_radius(J)        # grows first, although rho < 1
    assert norms[-1] ** (1 / 200) == pytest.approx(0.9, rel=0.02)
    np.testing.assert_allclose(ps2.jacobian_power_norms(np.diag([0.5, 2.0]), 3), [2.0, 4.0, 8.0])
    assert ps2.jacobian_power_norms(J, 0).shape == (0,)
    # a normal matrix: the norm of every power is exactly rho^k
    R = 1.1 * np.array([[np.cos(1.0), -np.sin(1.0)], [np.sin(1.0), np.cos(1.0)]])
    np.testing.assert_allclose(ps2.jacobian_power_norms(R, 10), 1.1 ** np.arange(1, 11), rtol=1e-12)
