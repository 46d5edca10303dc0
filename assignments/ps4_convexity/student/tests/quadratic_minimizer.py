from otter.test_files import test_case

OK_FORMAT = False

name = "quadratic_minimizer"
points = 2

@test_case(points=0, hidden=False)
def test_quadratic_minimizer_public_examples(np, quadratic_minimizer):
    w = quadratic_minimizer(np.eye(2), np.array([-2.0, -2.0]))
    assert np.allclose(w, [1.0, 1.0]), f'the bowl g has its minimum at (1, 1), got {w}'
    w = quadratic_minimizer(np.diag([2.0, 0.5]), np.array([4.0, -1.0]))
    assert np.allclose(w, [-1.0, 1.0]), f'2x^2 + 0.5y^2 + 4x - y is smallest at (-1, 1) (set 4x + 4 = 0 and y - 1 = 0), got {w}'
    A, b = (np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([1.0, 0.0]))
    w = quadratic_minimizer(A, b)
    assert np.allclose(2 * A @ w + b, 0.0), f'the gradient 2*A @ w + b should vanish at the minimizer, got {2 * A @ w + b}'

