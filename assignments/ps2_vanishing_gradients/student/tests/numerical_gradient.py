from otter.test_files import test_case

OK_FORMAT = False

name = "numerical_gradient"
points = 3

@test_case(points=0, hidden=False)
def test_numerical_gradient_public_examples(assert_close, np, numerical_gradient):
    quad = lambda v: v[0] ** 2 + 3 * v[1] ** 2
    assert_close(numerical_gradient(quad, np.array([1.0, 2.0])), [2.0, 12.0], 'numerical_gradient(quadratic, x=[1, 2])')
    X = np.array([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0]])
    assert_close(numerical_gradient(lambda V: np.sum(V ** 3), X), 3 * X ** 2, 'numerical_gradient(sum of cubes, X of shape (2, 3))', rtol=1e-06, atol=1e-06)
    assert_close(numerical_gradient(lambda v: np.sum(np.exp(20 * v)), np.array([0.1])), [20 * np.exp(2.0)], 'numerical_gradient(exp(20 x), x=[0.1])', rtol=1e-06)
    x = np.array([1.0, 2.0])
    numerical_gradient(quad, x)
    assert np.array_equal(x, [1.0, 2.0]), f'numerical_gradient changed its input x to {x}'
    print('numerical_gradient: public tests passed')

