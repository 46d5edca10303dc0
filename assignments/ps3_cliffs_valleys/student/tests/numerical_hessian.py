from otter.test_files import test_case

OK_FORMAT = False

name = "numerical_hessian"
points = 4

@test_case(points=0, hidden=False)
def test_numerical_hessian_public_examples(assert_close, np, numerical_hessian):

    def f_quadratic(w):
        return w[0] ** 2 + 3 * w[0] * w[1] + 2 * w[1] ** 2
    assert_close(numerical_hessian(f_quadratic, np.array([1.0, -1.0])), [[2.0, 3.0], [3.0, 4.0]], 'numerical_hessian(w0**2 + 3 w0 w1 + 2 w1**2, w=[1, -1])', rtol=0.0001, atol=1e-06)

    def f_cubic(w):
        return 10 * w[0] ** 3 + 2 * w[1] ** 2
    H = numerical_hessian(f_cubic, np.array([0.1, 1.0]))
    assert_close(H, [[6.0, 0.0], [0.0, 4.0]], 'numerical_hessian(10 w0**3 + 2 w1**2, w=[0.1, 1]) (an error near 0.006 means one-sided differences: use w + eps and w - eps)', rtol=0.0001, atol=1e-06)
    assert np.allclose(H, np.transpose(H), rtol=1e-12, atol=1e-12), f'the Hessian must be symmetric, got\n{H}'
    w = np.array([1.0, 2.0])
    numerical_hessian(f_quadratic, w)
    assert np.array_equal(w, [1.0, 2.0]), f'numerical_hessian changed its input w to {w}'
    assert_close(numerical_hessian(f_quadratic, [1, 2]), [[2.0, 3.0], [3.0, 4.0]], 'numerical_hessian(w0**2 + 3 w0 w1 + 2 w1**2, w=[1, 2] as integers)', rtol=0.0001, atol=1e-06)
    print('numerical_hessian: public tests passed')

