from otter.test_files import test_case

OK_FORMAT = False

name = "quadratic_minimizer"
points = 2

@test_case(points=0, hidden=False)
def test_quadratic_minimizer_public_examples(np, quadratic_minimizer):
    w = quadratic_minimizer(np.eye(2), np.array([-2.0, -2.0]))
    assert np.allclose(w, [1.0, 1.0]), f'the bowl g has its minimum at (1, 1), got {w}'
    w = quadratic_minimizer(np.diag([2.0, 0.5]), np.array([4.0, -1.0]))
    assert np.allclose(w, [-1.0, 1.0]), f'2x^2 + 0.5y^2 + 4x - y = 2(x + 1)^2 + 0.5(y - 1)^2 - 2.5 is smallest at (-1, 1), got {w}'
    A, b = (np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([1.0, 0.0]))
    w = quadratic_minimizer(A, b)
    assert np.shape(w) == (2,), f'the minimizer should have shape (2,), got {np.shape(w)}'
    assert np.allclose(w, [-1 / 3, 1 / 6]), f'2x^2 + 2xy + 2y^2 + x is smallest at (-1/3, 1/6), got {w}'
    q = lambda v: v @ A @ v + b @ v
    nudges = np.random.default_rng(0).normal(scale=0.1, size=(20, 2))
    assert all((q(w + d) > q(w) for d in nudges)), f'some point near {w} has a lower value: not the minimum'
    print('quadratic_minimizer: public tests passed')

