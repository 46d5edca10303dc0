from otter.test_files import test_case

OK_FORMAT = False

name = "gradient_magnitudes"
points = 2

@test_case(points=0, hidden=False)
def test_gradient_magnitudes_public_examples(assert_close, backprop_chain, gradient_magnitudes, np):
    W = np.array([[0.3, -1.2], [2.0, 0.5]])
    G = gradient_magnitudes(W, 0.5)
    assert np.shape(G) == (2, 3), f'gradient_magnitudes(W of shape (2, 2)) should have shape (2, 3), got {np.shape(G)}'
    assert_close(G[0], np.abs(backprop_chain(W[0], 0.5)), 'row 0 of gradient_magnitudes(W, 0.5)')
    assert_close(G[1], np.abs(backprop_chain(W[1], 0.5)), 'row 1 of gradient_magnitudes(W, 0.5)')
    assert np.all(G >= 0), 'magnitudes are absolute values'
    print('gradient_magnitudes: public tests passed')

