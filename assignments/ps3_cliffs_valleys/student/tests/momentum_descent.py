from otter.test_files import test_case

OK_FORMAT = False

name = "momentum_descent"
points = 3

@test_case(points=0, hidden=False)
def test_momentum_descent_public_examples(assert_close, momentum_descent, np):

    def grad_half_square(w):
        return np.asarray(w, dtype=float)
    assert_close(momentum_descent(grad_half_square, [1.0, -2.0], 0.5, 0.5, 2), [[1.0, -2.0], [0.5, -1.0], [0.0, 0.0]], 'momentum_descent(grad(w) = w, w0=[1, -2], lr=0.5, beta=0.5, 2 steps)')
    assert_close(momentum_descent(grad_half_square, [4.0, -2.0], 0.25, 0.0, 3), [[4.0, -2.0], [3.0, -1.5], [2.25, -1.125], [1.6875, -0.84375]], 'momentum_descent(grad(w) = w, w0=[4, -2], lr=0.25, beta=0, 3 steps)')
    assert_close(momentum_descent(grad_half_square, [1, 2], 0.5, 0.9, 0), [[1.0, 2.0]], 'momentum_descent(grad(w) = w, w0=[1, 2] as integers, 0 steps)')
    print('momentum_descent: public tests passed')

