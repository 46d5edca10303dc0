from otter.test_files import test_case

OK_FORMAT = False

name = "multistart_descent"
points = 2

@test_case(points=0, hidden=False)
def test_multistart_descent_public_examples(multistart_descent, np):
    grad_square = lambda w: 2 * w
    ends = multistart_descent(grad_square, np.array([[1.0], [-2.0]]), 0.25, 1)
    assert np.shape(ends) == (2, 1), f'one end point per start: expected shape (2, 1), got {np.shape(ends)}'
    assert np.allclose(ends, [[0.5], [-1.0]]), f'one step w - 0.25 * 2w = 0.5w from 1 and -2 gives 0.5 and -1, got {np.ravel(ends)}'
    ends = multistart_descent(grad_square, np.array([[1.0], [-2.0]]), 0.25, 3)
    assert np.allclose(ends, [[0.125], [-0.25]]), f'three steps halve three times: 0.125 and -0.25, got {np.ravel(ends)}'
    starts = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.5]])
    ends = multistart_descent(lambda w: np.asarray(w) * [2.0, 6.0], starts, 0.1, 2)
    assert np.allclose(ends, starts * [0.8 ** 2, 0.4 ** 2]), f'on x^2 + 3y^2 each step multiplies x by 0.8 and y by 0.4, got {ends}'
    assert np.array_equal(starts, [[1.0, 2.0], [3.0, -1.0], [0.0, 0.5]]), 'multistart_descent must not change starts'
    assert np.allclose(multistart_descent(grad_square, starts, 0.1, 0), starts), 'with 0 steps the end points are the starts'
    print('multistart_descent: public tests passed')

