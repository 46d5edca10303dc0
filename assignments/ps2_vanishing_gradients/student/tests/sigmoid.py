from otter.test_files import test_case

OK_FORMAT = False

name = "sigmoid"
points = 2

@test_case(points=0, hidden=False)
def test_sigmoid_public_examples(assert_close, np, sigmoid, warnings):
    assert sigmoid(0.0) == 0.5, f'sigmoid(0) should be exactly 0.5, got {sigmoid(0.0)}'
    assert_close(sigmoid(np.array([-1.0, 0.0, 1.0])), [1 / (1 + np.e), 0.5, 1 / (1 + 1 / np.e)], 'sigmoid([-1, 0, 1])')
    assert np.shape(sigmoid(np.zeros((2, 3)))) == (2, 3), 'sigmoid must return an array of the shape of z'
    assert_close(sigmoid([0, 0]), [0.5, 0.5], 'sigmoid([0, 0]) (a list of integers)')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        try:
            far = sigmoid(np.array([-10000.0, -1000.0, 1000.0, 10000.0]))
        except RuntimeWarning as w:
            raise AssertionError(f'sigmoid of large |z| emitted a RuntimeWarning ({w}): exponentiate only -|z|, see the formula above') from None
    assert_close(far, [0.0, 0.0, 1.0, 1.0], 'sigmoid([-1e4, -1000, 1000, 1e4])')
    print('sigmoid: public tests passed')

