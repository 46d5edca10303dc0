from otter.test_files import test_case

OK_FORMAT = False

name = "gradient_descent"
points = 3

@test_case(points=0, hidden=False)
def test_gradient_descent_public_examples(gradient_descent, np):

    def grad_14(w):
        return np.array([2.0, 8.0]) * w
    path = gradient_descent(grad_14, np.array([1.0, 1.0]), 0.1, 3)
    assert np.shape(path) == (4, 2), f'3 steps from a start in 2-D give a path of shape (4, 2): the start and 3 iterates; got shape {np.shape(path)}'
    assert np.allclose(path[0], [1.0, 1.0]), f'path[0] must be the start w0 = (1, 1), got {path[0]}'
    assert np.allclose(path, [[1.0, 1.0], [0.8, 0.2], [0.64, 0.04], [0.512, 0.008]]), f'with lr=0.1 on x**2 + 4*y**2 from (1, 1) the path is (1, 1), (0.8, 0.2), (0.64, 0.04), (0.512, 0.008); got\n{path}'
    one = gradient_descent(grad_14, np.array([2.0, -1.0]), 0.1, 0)
    assert np.shape(one) == (1, 2) and np.allclose(one, [[2.0, -1.0]]), f'0 steps: the path is the start alone, [[2, -1]] of shape (1, 2); got {one}'
    start = np.array([2.0, -1.0])
    gradient_descent(grad_14, start, 0.1, 5)
    assert np.array_equal(start, [2.0, -1.0]), f'gradient_descent changed w0 in place (it is now {start}): work on a copy'
    path3 = gradient_descent(lambda w: 2 * w, np.array([1.0, 2.0, 3.0]), 0.25, 2)
    assert np.allclose(path3, [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [0.25, 0.5, 0.75]]), f'in 3-D with the gradient 2*w and lr=0.25, every step halves w; got\n{path3}'
    print('gradient_descent: public tests passed')

