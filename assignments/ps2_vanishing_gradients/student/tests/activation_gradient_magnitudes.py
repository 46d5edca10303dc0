from otter.test_files import test_case

OK_FORMAT = False

name = "activation_gradient_magnitudes"
points = 3

@test_case(points=0, hidden=False)
def test_activation_gradient_magnitudes_public_examples(activation_gradient_magnitudes, assert_close, assert_raises, gradient_magnitudes, np):
    G = activation_gradient_magnitudes([[2.0, -1.0, -3.0], [2.0, 3.0, 0.5]], 1.0, 'relu')
    assert np.shape(G) == (2, 4), f'2 chains of 3 layers give shape (2, 4), got {np.shape(G)}'
    assert_close(G, [[0.0, 0.0, 0.0, 1.0], [3.0, 1.5, 0.5, 1.0]], 'activation_gradient_magnitudes(..., 1.0, "relu")')
    slope = (np.tanh(0.2 + 1e-06) - np.tanh(0.2 - 1e-06)) / 2e-06
    assert_close(activation_gradient_magnitudes(np.array([[0.5]]), 0.4, 'tanh'), [[0.5 * slope, 1.0]], 'activation_gradient_magnitudes([[0.5]], 0.4, "tanh")', rtol=1e-08)
    W_sig = np.array([[0.3, -1.2], [2.0, 0.5]])
    assert_close(activation_gradient_magnitudes(W_sig, 0.5, 'sigmoid'), gradient_magnitudes(W_sig, 0.5), 'activation_gradient_magnitudes(W, 0.5, "sigmoid")')
    assert_raises(ValueError, 'activation_gradient_magnitudes(..., "softplus")', activation_gradient_magnitudes, W_sig, 0.5, 'softplus')
    print('activation_gradient_magnitudes: public tests passed')

